"""Gravity estimation (PPML with fixed effects) and the partial effects shipped by default."""

from .defaults import RTA_EFFECT, PartialEffectEstimate

__all__ = ["RTA_EFFECT", "PartialEffectEstimate"]
