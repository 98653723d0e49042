"""The machinery every game function shares: moves, scenarios, batched evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.world import World
from ..errors import ParameterError, ScenarioError
from ..model.options import SolveOptions
from ..model.result import Result
from ..model.solve import solve_many
from ..scenario.scenario import Scenario
from .instruments import Instrument, Targets
from .players import Player

#: Most rates one player may choose at once: the Newton stencil grows with d^2 / 2 solves.
MAX_RATES = 12


@dataclass(frozen=True)
class Move:
    """A player's strategy space: who sets tariffs, on whom, with which instrument."""

    player: Player
    idx: list[int]          # member positions in world.countries
    codes: list[str]
    instrument: Instrument
    targets: Targets
    labels: list[str]
    world_deficit: np.ndarray

    @property
    def player_deficit(self) -> list[float]:
        """Baseline trade deficits D_j of the members (imports minus exports)."""
        return [float(self.world_deficit[k]) for k in self.idx]

    @property
    def d(self) -> int:
        return len(self.labels)

    def shocks(self, world: World, rates: np.ndarray) -> list[Any]:
        return self.instrument.shocks(world, self.codes, self.targets, rates)


def make_move(world: World, player: Player, instrument: Instrument, targets: Targets) -> Move:
    labels = instrument.labels(world, targets)
    if len(labels) > MAX_RATES:
        raise ParameterError(
            f"player {player.name!r} would choose {len(labels)} rates with instrument "
            f"{instrument.name!r} (at most {MAX_RATES}); name fewer opponents with on=[...], "
            "or use instrument='uniform'.")
    idx = player.indices(world)
    return Move(player, idx, [world.countries[k] for k in idx], instrument, targets, labels,
                world.deficit())


def given_shocks(given: Scenario | Sequence[Any] | None) -> list[Any]:
    """The shocks of ``given`` (a scenario without variants, or a list of shocks)."""
    if given is None:
        return []
    if isinstance(given, Scenario):
        if given.variants:
            raise ScenarioError(f"given={given.name!r} has variants; pass one variant "
                                "(scenario.expand()[k]) as the tariffs everyone else keeps.")
        return list(given.shocks)
    return list(Scenario("given", shocks=list(given)).shocks)


def check_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ParameterError(f"bounds={bounds!r}: expecting (low, high) rates such as "
                             "(0.0, 2.0).") from None
    if not (0.0 <= lo < hi <= 10.0) or hi - lo < 0.01:
        raise ParameterError(f"bounds={bounds!r}: need 0 <= low < high <= 10 (1000%), at least "
                             "0.01 apart.")
    return lo, hi


class Game:
    """A world, the tariffs everyone keeps (``given``), and the players' moves.

    ``solve(profiles)`` solves many rate profiles (one array of rates per move) in one
    :func:`solve_many` call; ``value(k, results)`` is move k's objective, (b,).
    """

    def __init__(self, world: World, moves: Sequence[Move], given: list[Any], *,
                 theta: float | None, deficits: str, tol: float,
                 options: SolveOptions | None = None) -> None:
        self.world = world
        self.moves = list(moves)
        free = [s for m in self.moves for s in m.player.internal_free_trade(world)]
        self.base = [*given, *free]
        self.theta, self.deficits, self.tol = theta, deficits, tol
        self.options = options      # the model's options (labour supply, ...), if any
        self.spending = world.income()  # money-metric weights: final spending
        self.solves = 0

    def scenario(self, rates: Sequence[np.ndarray], name: str = "game") -> Scenario:
        shocks = list(self.base)
        for m, r in zip(self.moves, rates, strict=True):
            shocks += m.shocks(self.world, np.asarray(r, float))
        return Scenario(name, shocks=shocks)

    def solve(self, profiles: Sequence[Sequence[np.ndarray]]) -> list[Result]:
        scenarios = [self.scenario(p, f"profile {k}") for k, p in enumerate(profiles)]
        self.solves += len(scenarios)
        return list(solve_many(self.world, scenarios, theta=self.theta,
                               deficits=self.deficits, tol=self.tol, options=self.options))

    def value(self, k: int, results: Sequence[Result]) -> np.ndarray:
        m = self.moves[k]
        w = np.stack([r.welfare_hat for r in results])
        return m.player.value(w, self.spending, m.idx)

    def evaluator(self, current: list[np.ndarray], owner: Sequence[int]):
        """For :func:`maximise`: problem q varies move ``owner[q]``, others at ``current``."""

        def evaluate(asked: list[tuple[int, np.ndarray]]) -> tuple[np.ndarray, list[Result]]:
            profiles = []
            for q, x in asked:
                prof = list(current)
                prof[owner[q]] = x
                profiles.append(prof)
            results = self.solve(profiles)
            vals = np.empty(len(asked))
            for i, (q, _) in enumerate(asked):
                vals[i] = self.value(owner[q], [results[i]])[0]
            return vals, results

        return evaluate
