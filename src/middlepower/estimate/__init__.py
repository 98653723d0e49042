"""Gravity estimation (PPML with fixed effects) and the structural GE workflow.

* :func:`ppml`: PPML with any fixed effects, on pyfixest.
* :func:`counterfactual`: conditional and full-endowment GE from an estimate
  (Yotov et al. 2016), ``method="exact"`` (engine) or ``"book"`` (their procedure).
* :func:`trade_costs` / :meth:`GravityFit.trade_costs`: structural costs of every pair from
  pair fixed effects, unestimated pairs filled by a gravity regression (ch. 2, app. 2).
* :data:`RTA_EFFECT`: the shipped agreement effect used by ``mp.agreement``.
"""

from .costs import TradeCosts, trade_costs
from .defaults import RTA_EFFECT, PartialEffectEstimate
from .ppml import GravityFit, ppml
from .structural import StructuralResult, counterfactual

__all__ = ["RTA_EFFECT", "GravityFit", "PartialEffectEstimate", "StructuralResult",
           "TradeCosts", "counterfactual", "ppml", "trade_costs"]
