"""Gravity estimation (PPML with fixed effects) and the structural GE workflow.

* :func:`ppml`: PPML with any fixed effects, on pyfixest.
* :func:`counterfactual`: conditional and full-endowment GE from an estimate
  (Yotov et al. 2016), ``method="exact"`` (engine) or ``"book"`` (their procedure).
* :func:`trade_costs` / :meth:`GravityFit.trade_costs`: structural costs of every pair from
  pair fixed effects, unestimated pairs filled by a gravity regression (ch. 2, app. 2).
* :data:`RTA_EFFECT`: the shipped agreement effect used by ``mp.agreement``.
"""

import typing as _typing

from .. import _lazy

if _typing.TYPE_CHECKING:
    from .costs import TradeCosts, trade_costs
    from .defaults import RTA_EFFECT, PartialEffectEstimate
    from .ppml import GravityFit, ppml
    from .structural import StructuralResult, counterfactual

# On first use: a solve needs RTA_EFFECT (from data.estimates), not the estimators.
_lazy.install(__name__, {
    "defaults": "",
    **dict.fromkeys(("TradeCosts", "trade_costs"), ".costs"),
    **dict.fromkeys(("RTA_EFFECT", "PartialEffectEstimate"), ".defaults"),
    **dict.fromkeys(("GravityFit", "ppml"), ".ppml"),
    **dict.fromkeys(("StructuralResult", "counterfactual"), ".structural"),
}, shadowed=("ppml",))

__all__ = ["RTA_EFFECT", "GravityFit", "PartialEffectEstimate", "StructuralResult",
           "TradeCosts", "counterfactual", "ppml", "trade_costs"]
