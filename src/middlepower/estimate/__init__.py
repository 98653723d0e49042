"""Gravity estimation (PPML with fixed effects) and the structural GE workflow.

* :func:`ppml`: PPML with any fixed effects, on pyfixest.
* :func:`counterfactual`: conditional and full-endowment GE from an estimate
  (Yotov et al. 2016), ``method="exact"`` (engine) or ``"book"`` (their procedure).
* :data:`RTA_EFFECT`: the shipped agreement effect used by ``mp.agreement``.
"""

from .defaults import RTA_EFFECT, PartialEffectEstimate
from .ppml import GravityFit, ppml
from .structural import StructuralResult, counterfactual

__all__ = ["RTA_EFFECT", "GravityFit", "PartialEffectEstimate", "StructuralResult",
           "counterfactual", "ppml"]
