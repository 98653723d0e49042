r"""Nash tariff wars: iterated best responses among any players.

Algorithm: simultaneous (Jacobi) best responses with damping,

.. math::  t^{k+1} = t^k + \delta\, (BR(t^k) - t^k),

all players' best-response searches solved together, one batch per round. Converged
when :math:`\max_p \|BR_p(t^k) - t^k_p\|_\infty <` ``tol``: then every player's rates
are (to ``tol``) a best response to the others', the definition of a Nash equilibrium.
Jacobi updates treat players symmetrically, so the answer does not depend on the order
they are listed in. When the largest change stops shrinking, :math:`\delta` is halved
(down to 0.05); after ``max_iter`` iterations :class:`~middlepower.errors.NashCycleError`
names the player whose rates still move most. Ossa (2014) and Lashkaripour (2021) solve
global tariff wars the same way (iterated best responses) for a fixed set of players.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..data.world import World
from ..errors import NashCycleError, ParameterError
from ..model.options import SolveOptions
from ..model.result import Result
from ..scenario.scenario import DeficitClosure, Scenario
from .core import Game, Move, check_bounds, given_shocks, make_move
from .instruments import Instrument, as_instrument, targets_of
from .optimal import STEP, corner_error, problem_for
from .players import Player, as_player, check_disjoint
from .search import maximise

__all__ = ["Equilibrium", "nash"]

Targets = Literal["all", "players"]


@dataclass(frozen=True)
class Equilibrium:
    """A Nash equilibrium of a tariff game, with what it does to every economy.

    Attributes
    ----------
    players : tuple of str
    instrument : str
    rates : DataFrame
        One row per player and rate: ``player``, ``label`` (whom it taxes), ``rate``,
        ``start`` (the rate the iteration started from).
    table : DataFrame
        One row per player: ``objective_pct`` (its welfare at the equilibrium, % vs the
        baseline data), ``start_pct`` (at the start), ``vs_start_pct``.
    welfare : DataFrame
        One row per economy: ``player`` (or ""), ``welfare_pct`` (vs baseline),
        ``start_welfare_pct``, ``vs_start_pct`` (equilibrium vs start).
    world_welfare_pct, start_world_welfare_pct : float
        World real income (spending-weighted) vs baseline, at the equilibrium and start.
    result, start_result : Result
    iterations, rounds, solves : int
        Best-response iterations; batched search rounds; equilibria solved.
    max_change : float
        Largest best-response change in the last iteration (< tol when converged).
    history : DataFrame
        iteration, player, label, rate (the iterate), best_response, damping.
    seconds : float
    """

    players: tuple[str, ...]
    instrument: str
    rates: pd.DataFrame
    table: pd.DataFrame
    welfare: pd.DataFrame
    world_welfare_pct: float
    start_world_welfare_pct: float
    result: Result
    start_result: Result
    iterations: int
    rounds: int
    solves: int
    max_change: float
    history: pd.DataFrame
    seconds: float
    _game: Game
    _profile: list[np.ndarray]

    converged: bool = True

    def deviation_gains(self, deltas: Sequence[float] = (-0.05, -0.01, 0.01, 0.05)
                        ) -> pd.DataFrame:
        """Each player's welfare gain from moving one of its rates by each delta alone.

        At a Nash equilibrium every gain is <= 0 (up to the search tolerance). All
        deviations are solved in one batch.

        Returns
        -------
        DataFrame: player, label, delta, rate, gain_pct (objective change in points).
        """
        rows, profiles = [], []
        for k, m in enumerate(self._game.moves):
            for i, label in enumerate(m.labels):
                for dlt in deltas:
                    x = self._profile[k].copy()
                    x[i] = max(x[i] + dlt, 0.0)
                    prof = list(self._profile)
                    prof[k] = x
                    profiles.append(prof)
                    rows.append((k, m.player.name, label, float(dlt), float(x[i])))
        results = self._game.solve([*profiles, self._profile])
        out = []
        base = {k: self._game.value(k, [results[-1]])[0] for k in range(len(self._game.moves))}
        for (k, name, label, dlt, rate), r in zip(rows, results[:-1], strict=True):
            gain = 100 * (self._game.value(k, [r])[0] - base[k])
            out.append({"player": name, "label": label, "delta": dlt, "rate": rate,
                        "gain_pct": gain})
        return pd.DataFrame(out)

    def __repr__(self) -> str:
        parts = [f"{r.player}->{r.label} {r.rate:.1%}" for r in self.rates.itertuples()]
        return (f"<Equilibrium ({self.instrument}) {', '.join(parts)}; {self.iterations} "
                f"iterations, {self.solves} solves, {self.seconds:.2f} s>")


def nash(
    world: World,
    players: Sequence[str | Sequence[str] | Player],
    *,
    instrument: str | Instrument = "uniform",
    targets: Targets = "all",
    given: Scenario | Sequence[Any] | None = None,
    start: float | Mapping[str, float | Sequence[float]] | None = None,
    bounds: tuple[float, float] = (0.0, 2.0),
    local: bool = False,
    damping: float = 1.0,
    tol: float = 1e-5,
    max_iter: int = 50,
    theta: float | None = None,
    deficits: DeficitClosure = "additive",
    options: SolveOptions | None = None,
    progress: bool | Callable[[int, float], None] = False,
) -> Equilibrium:
    """A Nash equilibrium in tariffs among ``players``; all others keep ``given``.

    Parameters
    ----------
    world : World
    players : sequence of str, list of str, or Player
        At least two; an economy plays in at most one. A list of codes (or
        :func:`coalition`) is a coalition acting as one player.
    instrument : {"uniform", "opponent", "sector"} or Instrument, default "uniform"
    targets : {"all", "players"}, default "all"
        For ``"uniform"``: tax every other economy (a global tariff war, as Ossa 2014) or
        only the other players' members. ``"opponent"`` and ``"sector"`` always tax the
        other players, one rate per player (and sector).
    given : Scenario or list of shocks, optional
        Tariffs everyone keeps; the players' moves override them where they overlap.
    start : float or dict of player name to rate(s), optional
        Where the iteration starts (default 0: free trade among the players' rates).
    bounds, local
        As in :func:`optimal_tariff`, for every best response.
    damping : float in (0, 1], default 1.0
        Step toward the best responses; halved automatically when changes stop shrinking.
    tol : float, default 1e-5
        Largest best-response change accepted (rate units).
    max_iter : int, default 50
    theta, deficits
        As in :func:`mp.solve`.
    options : SolveOptions, optional
        The model's options (e.g. ``SolveOptions.preset("ilms2025")``); ``theta`` and
        ``deficits`` given here win over its own.
    progress : bool or callable
        True: a rich progress line; a callable gets (iteration, max_change).

    Returns
    -------
    Equilibrium

    Raises
    ------
    NashCycleError
        No convergence in ``max_iter``; names the player still moving most.
    NoInteriorOptimumError
        A player's best response lies at a bound.
    ParameterError, UnknownCountryError

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B"], [[80.0, 20.0], [20.0, 80.0]])
    >>> eq = mp.game.nash(w, ["A", "B"])
    >>> a, b = eq.rates["rate"]
    >>> bool(abs(a - b) < 1e-4 and a > 0.2)
    True
    """
    t0 = time.perf_counter()
    plist = [as_player(p) for p in players]
    if len(plist) < 2:
        raise ParameterError(f"a Nash war needs at least two players; got {len(plist)}.")
    if targets not in ("all", "players"):
        raise ParameterError(f"targets={targets!r}: expecting 'all' or 'players'.")
    if not (0 < damping <= 1):
        raise ParameterError(f"damping={damping!r} must lie in (0, 1].")
    if not (0 < tol < 0.01) or int(max_iter) < 1:
        raise ParameterError(f"tol={tol!r} must lie in (0, 0.01) and max_iter={max_iter!r} "
                             "be at least 1.")
    lo, hi = check_bounds(bounds)
    inst = as_instrument(instrument)
    check_disjoint(world, plist)
    moves = [_move(world, p, plist, inst, targets) for p in plist]
    game = Game(world, moves, given_shocks(given), theta=theta, deficits=deficits, tol=1e-12,
                options=options)
    x = _start(moves, start, lo, hi)
    x0 = [v.copy() for v in x]
    ticker, stop = _ticker(progress)
    rows: list[dict[str, Any]] = []
    rounds, prev, change, it = 0, np.inf, np.inf, 0
    br: list[np.ndarray] | None = None
    try:
        for it in range(1, int(max_iter) + 1):
            probs = [problem_for(m, lo, hi, None if br is None else br[k], local)
                     for k, m in enumerate(moves)]
            maximise(probs, game.evaluator(x, list(range(len(moves)))), h=STEP, xtol=tol / 10)
            rounds += max(p.rounds for p in probs)
            for m, p in zip(moves, probs, strict=True):
                if p.corner:
                    raise corner_error(m, p, lo, hi)
            br = [p.best_x.copy() for p in probs]  # type: ignore[union-attr]
            changes = [float(np.abs(b - v).max()) for b, v in zip(br, x, strict=True)]
            change = max(changes)
            for m, v, b in zip(moves, x, br, strict=True):
                rows += [{"iteration": it, "player": m.player.name, "label": lab,
                          "rate": float(v[i]), "best_response": float(b[i]), "damping": damping}
                         for i, lab in enumerate(m.labels)]
            ticker(it, change)
            if change < tol:
                x = br
                break
            if it > 1 and change > 0.9 * prev:
                damping = max(damping / 2, 0.05)
            prev = change
            x = [v + damping * (b - v) for v, b in zip(x, br, strict=True)]
        else:
            worst = moves[int(np.argmax(changes))].player.name
            raise NashCycleError(
                f"no Nash equilibrium after {max_iter} best-response iterations: {worst}'s "
                f"best response still moves by {change:.2g} (damping now {damping:g}); the "
                "responses may cycle. Try damping=0.3, a start= nearer the answer, or "
                "max_iter=200.", iterations=int(max_iter), max_residual=change, country=worst,
                player=worst, history=pd.DataFrame(rows))
    finally:
        stop()
    eq, st = game.solve([x, x0])
    return _equilibrium(world, game, moves, x, x0, eq, st, it, rounds, change, rows,
                        time.perf_counter() - t0)


def _move(world: World, p: Player, plist: list[Player], inst: Instrument, targets: str) -> Move:
    idx = p.indices(world)
    where = f"player {p.name!r}"
    if inst.name == "uniform" and targets == "all":
        return make_move(world, p, inst, targets_of(world, None, idx, where))
    return make_move(world, p, inst, targets_of(world, [q for q in plist if q is not p], idx,
                                                where))


def _start(moves: list[Move], start: Any, lo: float, hi: float) -> list[np.ndarray]:
    if start is None or isinstance(start, int | float):
        v = 0.0 if start is None else float(start)
        out = [np.full(m.d, v) for m in moves]
    elif isinstance(start, Mapping):
        names = {m.player.name for m in moves}
        unknown = set(start) - names
        if unknown:
            raise ParameterError(f"start names {sorted(unknown)}, which are not players "
                                 f"({sorted(names)}).")
        out = [np.broadcast_to(np.asarray(start.get(m.player.name, 0.0), float),
                               (m.d,)).copy() for m in moves]
    else:
        raise ParameterError(f"start={start!r}: expecting a rate or a dict of player name to "
                             "rate(s).")
    for m, v in zip(moves, out, strict=True):
        if not np.isfinite(v).all() or (v < lo).any() or (v > hi).any():
            raise ParameterError(f"start rates of {m.player.name} ({v}) must lie in the bounds "
                                 f"[{lo:g}, {hi:g}].")
    return out


def _ticker(progress: Any) -> tuple[Callable[[int, float], None], Callable[[], None]]:
    if callable(progress):
        return progress, lambda: None
    if progress:
        from rich.console import Console

        status = Console(stderr=True).status("Nash war: iterating best responses")
        status.start()
        return (lambda it, ch: status.update(f"Nash war: iteration {it}, largest change "
                                             f"{ch:.2g}")), status.stop
    return (lambda it, ch: None), lambda: None


def _world_pct(r: Result) -> float:
    e = r.base.income  # world real income: final spending weights
    return float(100 * (e @ r.welfare_hat - e.sum()) / e.sum())


def _equilibrium(world: World, game: Game, moves: list[Move], x: list[np.ndarray],
                 x0: list[np.ndarray], eq: Result, st: Result, iterations: int, rounds: int,
                 change: float, rows: list[dict[str, Any]], seconds: float) -> Equilibrium:
    rates = pd.DataFrame([{"player": m.player.name, "label": lab, "rate": float(v[i]),
                           "start": float(v0[i])}
                          for m, v, v0 in zip(moves, x, x0, strict=True)
                          for i, lab in enumerate(m.labels)])
    table = pd.DataFrame({
        "objective_pct": [100 * (game.value(k, [eq])[0] - 1) for k in range(len(moves))],
        "start_pct": [100 * (game.value(k, [st])[0] - 1) for k in range(len(moves))],
    }, index=pd.Index([m.player.name for m in moves], name="player"))
    table["vs_start_pct"] = 100 * ((1 + table.objective_pct / 100)
                                   / (1 + table.start_pct / 100) - 1)
    owner = {world.countries[k]: m.player.name for m in moves for k in m.idx}
    welfare = pd.DataFrame({
        "player": [owner.get(c, "") for c in world.countries],
        "welfare_pct": 100 * (eq.welfare_hat - 1),
        "start_welfare_pct": 100 * (st.welfare_hat - 1),
        "vs_start_pct": 100 * (eq.welfare_hat / st.welfare_hat - 1),
    }, index=pd.Index(world.countries, name="country"))
    return Equilibrium(
        players=tuple(m.player.name for m in moves), instrument=moves[0].instrument.name,
        rates=rates, table=table, welfare=welfare, world_welfare_pct=_world_pct(eq),
        start_world_welfare_pct=_world_pct(st), result=eq, start_result=st,
        iterations=iterations, rounds=rounds, solves=game.solves, max_change=change,
        history=pd.DataFrame(rows), seconds=seconds, _game=game, _profile=x)
