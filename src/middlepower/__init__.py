"""middlepower: measure economic coercion in world trade and design coalition responses.

A structural-gravity general-equilibrium trade model (exact hat algebra with tariff
revenue), estimated on real data, with analyses of coercion and coalitions.

>>> import middlepower as mp
>>> world = mp.load("world2023")
>>> result = mp.solve(world, mp.Scenario("us25", [mp.tariff(by="USA", on="CAN", rate=0.25)]))
>>> bool(result.countries.loc["CAN", "welfare_pct"] < 0)
True
"""

import typing as _typing

from . import _lazy, errors

if _typing.TYPE_CHECKING:  # what a type checker and an IDE see; at run time, _lazy below
    from . import coalition, coercion, data, estimate, game, model, policy, report
    from .data import World, datasets, groups, load
    from .model import Result, Results, SolveOptions, solve, solve_many
    from .report import brief
    from .scenario import (
        Scenario,
        agreement,
        embargo,
        export_ban,
        partial_effect,
        tariff,
        trade_cost,
    )
    from .suggest import suggest
    from .uncertainty import Bands, uncertainty

# Imported on first use: `middlepower --version` needs no pandas, a brief no estimation
# or news-story code. `suggest` and `uncertainty` are functions in modules of their name.
_lazy.install(__name__, {
    **dict.fromkeys(("coalition", "coercion", "data", "estimate", "game", "model", "policy",
                     "report", "scenario", "_atomic"), ""),
    **dict.fromkeys(("World", "datasets", "groups", "load"), ".data"),
    **dict.fromkeys(("Result", "Results", "SolveOptions", "solve", "solve_many"), ".model"),
    "brief": ".report",
    **dict.fromkeys(("Scenario", "agreement", "embargo", "export_ban", "partial_effect",
                     "tariff", "trade_cost"), ".scenario"),
    "suggest": ".suggest",
    **dict.fromkeys(("Bands", "uncertainty"), ".uncertainty"),
}, shadowed=("suggest", "uncertainty"))

__version__ = "0.1.0"

__all__ = [
    "Bands",
    "Result",
    "Results",
    "Scenario",
    "SolveOptions",
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
    "export_ban",
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
