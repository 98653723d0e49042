"""Coercion: exposure, the leverage matrix, and the cost of saying no."""

from .exposure import exposure, partners, sector_exposure
from .leverage import Leverage, leverage, trade_war
from .responses import (
    DEFAULT_COALITION,
    DEFAULT_DIVERSIFY,
    best_retaliation,
    response_scenarios,
    responses,
    tariff_sectors,
)

__all__ = ["DEFAULT_COALITION", "DEFAULT_DIVERSIFY", "Leverage", "best_retaliation",
           "exposure", "leverage", "partners", "response_scenarios", "responses", "sector_exposure",
           "tariff_sectors", "trade_war"]
