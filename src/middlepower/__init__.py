"""middlepower: measure economic coercion in world trade and design coalition responses.

A structural-gravity general-equilibrium trade model (exact hat algebra with tariff
revenue), estimated on real data, with analyses of coercion and coalitions.

>>> import middlepower as mp
>>> world = mp.load("world2023")
>>> result = mp.solve(world, mp.Scenario("us25", [mp.tariff(by="USA", on="CAN", rate=0.25)]))
>>> bool(result.countries.loc["CAN", "welfare_pct"] < 0)
True
"""

from . import coalition, coercion, data, errors, estimate, game, model, policy, report
from .data import World, datasets, groups, load
from .model import Result, Results, solve, solve_many
from .report import brief
from .scenario import (
    Scenario,
    agreement,
    embargo,
    partial_effect,
    tariff,
    trade_cost,
)
from .suggest import suggest
from .uncertainty import Bands, uncertainty

__version__ = "0.1.0"

__all__ = [
    "Bands",
    "Result",
    "Results",
    "Scenario",
    "World",
    "__version__",
    "agreement",
    "brief",
    "coalition",
    "coercion",
    "data",
    "datasets",
    "embargo",
    "errors",
    "estimate",
    "game",
    "groups",
    "load",
    "model",
    "partial_effect",
    "policy",
    "report",
    "solve",
    "solve_many",
    "suggest",
    "tariff",
    "trade_cost",
    "uncertainty",
]
