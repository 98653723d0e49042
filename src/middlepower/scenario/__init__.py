"""Scenarios: validated lists of shocks, from Python or YAML files."""

from .scenario import Scenario, Variant
from .shocks import (
    Agreement,
    Embargo,
    PairEffect,
    PartialEffect,
    Shock,
    ShockArrays,
    Tariff,
    TradeCost,
    agreement,
    embargo,
    partial_effect,
    tariff,
    trade_cost,
)

__all__ = [
    "Agreement",
    "Embargo",
    "PairEffect",
    "PartialEffect",
    "Scenario",
    "Shock",
    "ShockArrays",
    "Tariff",
    "TradeCost",
    "Variant",
    "agreement",
    "embargo",
    "partial_effect",
    "tariff",
    "trade_cost",
]
