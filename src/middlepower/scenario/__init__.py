"""Scenarios: validated lists of shocks, from Python or YAML files."""

from .scenario import Scenario, Variant
from .shocks import (
    Agreement,
    Embargo,
    ExportBan,
    PairEffect,
    PartialEffect,
    Shock,
    ShockArrays,
    Tariff,
    TradeCost,
    agreement,
    embargo,
    export_ban,
    partial_effect,
    tariff,
    trade_cost,
)

__all__ = [
    "Agreement",
    "Embargo",
    "ExportBan",
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
    "export_ban",
    "partial_effect",
    "tariff",
    "trade_cost",
]
