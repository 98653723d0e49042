"""Optimal tariffs and best responses: one player's tariffs that maximise its welfare."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data.world import World
from ..errors import NoInteriorOptimumError
from ..model.options import SolveOptions
from ..model.result import Result
from ..scenario.scenario import DeficitClosure, Scenario
from .core import Game, Move, check_bounds, given_shocks, make_move
from .instruments import Instrument, as_instrument, targets_of
from .players import Player, as_player
from .search import Problem, maximise

__all__ = ["Optimum", "best_response", "best_response_curves", "optimal_tariff"]

#: Finite-difference step of the Newton search (rates within it of a bound are the bound).
STEP = 1e-3


@dataclass(frozen=True)
class Optimum:
    """A player's optimal tariffs given everyone else's, and the equilibrium there.

    Attributes
    ----------
    player : str
    instrument : str
    rates : Series
        Optimal rate per instrument label (``"all"``, an opponent, ``"CAN:steel"``).
    welfare_pct : float
        The player's objective at the optimum, % change from the baseline data.
    countries : DataFrame
        ``Result.countries`` at the optimum: welfare of every economy and more.
    result : Result
        The solved equilibrium at the optimum; ``scenario`` its shocks.
    gradient, hessian : ndarray of shape (d,), (d, d)
        Derivatives of the objective (level, 1 = baseline) at the optimum, by finite
        differences; the gradient is ~0 and the Hessian negative definite at an interior
        optimum (None for the compass search of a "worst" objective).
    rounds, solves : int
        Batched rounds and equilibria solved by the search.
    history : DataFrame
        Every rate vector tried and the objective there (``objective_pct``).
    seconds : float
    """

    player: str
    instrument: str
    rates: pd.Series
    welfare_pct: float
    result: Result
    gradient: np.ndarray | None
    hessian: np.ndarray | None
    rounds: int
    solves: int
    history: pd.DataFrame
    seconds: float
    method: str

    @property
    def countries(self) -> pd.DataFrame:
        return self.result.countries

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    def __repr__(self) -> str:
        rates = ", ".join(f"{k}={v:.2%}" for k, v in self.rates.items())
        return (f"<Optimum {self.player} ({self.instrument}): {rates}; welfare "
                f"{self.welfare_pct:+.3f}%; {self.rounds} rounds, {self.solves} solves, "
                f"{self.seconds:.2f} s>")


def optimal_tariff(
    world: World,
    player: str | Sequence[str] | Player,
    *,
    on: Any = None,
    instrument: str | Instrument = "uniform",
    given: Scenario | Sequence[Any] | None = None,
    bounds: tuple[float, float] = (0.0, 2.0),
    start: float | Sequence[float] | None = None,
    local: bool = False,
    theta: float | None = None,
    deficits: DeficitClosure = "additive",
    options: SolveOptions | None = None,
    xtol: float = 1e-6,
    tol: float = 1e-12,
) -> Optimum:
    """The tariffs that maximise ``player``'s welfare, everyone else's held at ``given``.

    Parameters
    ----------
    world : World
    player : str, list of str, or Player
        An economy (``"USA"``), or a coalition (a list, or :func:`coalition` for the
        objective): its members trade freely and set one common external tariff.
    on : str, list, or None
        Whom the player taxes. None: every other economy. A code or group (``"CAN"``,
        ``"EU27"``) is one opponent; a list holds one opponent per item (an item may
        itself be a list of codes or a Player).
    instrument : {"uniform", "opponent", "sector"} or Instrument, default "uniform"
        One rate on all of ``on``; one per opponent; one per opponent and sector
        (:class:`PerSector`, multi-sector worlds).
    given : Scenario or list of shocks, optional
        Tariffs (and other shocks) everyone else keeps; the player's own move overrides
        what ``given`` sets on the same pairs.
    bounds : (float, float), default (0.0, 2.0)
        Rates searched, 0.25 = 25%.
    start : float or sequence of float, optional
        Start the Newton search here instead of scanning the bounds first.
    local : bool, default False
        Start from the lowest-rate interior peak of the scan rather than its best point,
        and so return that local optimum. With fixed trade deficits a deficit economy's
        welfare can rise again toward prohibitive uniform tariffs (the transfer it
        receives is then taxed), an artefact of the closure; ``local=True`` gives the
        interior optimum the literature reports.
    theta, deficits
        As in :func:`mp.solve`.
    options : SolveOptions, optional
        The model's options (e.g. ``SolveOptions.preset("ilms2025")``); ``theta`` and
        ``deficits`` given here win over its own.
    xtol : float, default 1e-6
        The search stops when its Newton step is below this (in rate units).
    tol : float, default 1e-12
        Equilibrium tolerance of each solve; tight, so that finite differences are clean.

    Returns
    -------
    Optimum

    Raises
    ------
    NoInteriorOptimumError
        The optimum lies at (within 0.001 of) a bound, the objective still rising there.
    ParameterError, UnknownCountryError, ScenarioError, ConvergenceError

    Notes
    -----
    Method: a scan of 10 rates over ``bounds`` (cold start), then trust-region Newton
    with finite-difference gradient and Hessian, each round one batched solve; see
    :mod:`middlepower.game.search`. In a two-country one-sector world with balanced
    trade and no foreign tariff the answer is :math:`t^* = 1/(\\theta \\lambda'_{FF})`
    (Costinot & Rodriguez-Clare 2014, sec. 4; Gros 1987), :math:`\\lambda'_{FF}` the
    foreign domestic share at the optimum; a small country's tends to :math:`1/\\theta`.

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B"], [[80.0, 20.0], [20.0, 80.0]])
    >>> opt = mp.game.optimal_tariff(w, "A", theta=4.0)
    >>> lam_bb = opt.countries.loc["B", "domestic_share"]
    >>> bool(abs(opt.rates["B"] - 1 / (4.0 * lam_bb)) < 1e-4)
    True
    """
    t0 = time.perf_counter()
    p = as_player(player)
    inst = as_instrument(instrument)
    lo, hi = check_bounds(bounds)
    idx = p.indices(world)
    move = make_move(world, p, inst, targets_of(world, on, idx, f"on (player {p.name!r})"))
    game = Game(world, [move], given_shocks(given), theta=theta, deficits=deficits, tol=tol,
                options=options)
    prob = problem_for(move, lo, hi, start, local)
    maximise([prob], game.evaluator([prob.x], [0]), h=STEP, xtol=xtol)
    return _optimum(game, move, prob, lo, hi, time.perf_counter() - t0)


def best_response(
    world: World,
    player: str | Sequence[str] | Player,
    to: Scenario | Sequence[Any],
    **kw: Any,
) -> Optimum:
    """``player``'s optimal tariffs against the moves in ``to`` (a scenario or shocks).

    The same as ``optimal_tariff(world, player, given=to, **kw)``.

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B", "C"], [[80, 10, 10], [10, 80, 10], [10, 10, 80]])
    >>> br = mp.game.best_response(w, "B", [mp.tariff(by="A", on="B", rate=0.25)], on="A")
    >>> bool(0 < br.rates["A"] < 1)
    True
    """
    return optimal_tariff(world, player, given=to, **kw)


def best_response_curves(
    world: World,
    a: str | Sequence[str] | Player,
    b: str | Sequence[str] | Player,
    rates: Sequence[float] | None = None,
    *,
    given: Scenario | Sequence[Any] | None = None,
    bounds: tuple[float, float] = (0.0, 2.0),
    theta: float | None = None,
    deficits: DeficitClosure = "additive",
    options: SolveOptions | None = None,
    xtol: float = 1e-5,
) -> pd.DataFrame:
    """Each side's best bilateral tariff against each of ``rates`` set by the other.

    Both curves are found in one batched search (every point is its own problem).

    Returns
    -------
    DataFrame
        Columns ``player``, ``opponent``, ``opponent_rate``, ``best_rate``,
        ``welfare_pct`` (the player's). Where the curves cross is the bilateral Nash
        equilibrium.
    """
    grid = np.linspace(0.0, 0.6, 13) if rates is None else np.asarray(rates, float)
    lo, hi = check_bounds(bounds)
    pa, pb = as_player(a), as_player(b)
    inst = as_instrument("opponent")
    ia, ib = pa.indices(world), pb.indices(world)
    ma = make_move(world, pa, inst, targets_of(world, [pb], ia, f"player {pa.name!r}"))
    mb = make_move(world, pb, inst, targets_of(world, [pa], ib, f"player {pb.name!r}"))
    game = Game(world, [ma, mb], given_shocks(given), theta=theta, deficits=deficits, tol=1e-12,
                options=options)
    problems, owner, fixed = [], [], []
    for k in (0, 1):
        for r in grid:
            problems.append(Problem(np.zeros(1), np.full(1, lo), np.full(1, hi)))
            owner.append(k)
            fixed.append(float(r))

    def evaluate(asked: list[tuple[int, np.ndarray]]) -> tuple[np.ndarray, list[Result]]:
        profiles = []
        for q, x in asked:
            prof = [np.array([fixed[q]]), np.array([fixed[q]])]
            prof[owner[q]] = x
            profiles.append(prof)
        results = game.solve(profiles)
        vals = np.array([game.value(owner[q], [r])[0]
                         for (q, _), r in zip(asked, results, strict=True)])
        return vals, results

    maximise(problems, evaluate, h=STEP, xtol=xtol)
    names = (pa.name, pb.name)
    return pd.DataFrame({
        "player": [names[o] for o in owner],
        "opponent": [names[1 - o] for o in owner],
        "opponent_rate": fixed,
        "best_rate": [float(p.best_x[0]) for p in problems],
        "welfare_pct": [100 * (p.best_f - 1) for p in problems],
    })


def problem_for(move: Move, lo: float, hi: float, start: Any, local: bool = False
                ) -> Problem:
    """A search over ``move``'s rates: a cold start (scan) or a warm one at ``start``."""
    d = move.d
    smooth = move.player.objective != "worst"
    if start is None:
        return Problem(np.zeros(d), np.full(d, lo), np.full(d, hi), smooth, local=local)
    x = np.broadcast_to(np.asarray(start, float), (d,)).copy()
    return Problem(x, np.full(d, lo), np.full(d, hi), smooth, scan=False, radius=0.05)


#: How each door spells a remedy: the Python API's keywords, the command line's flags, the
#: web API's JSON fields (so no door's advice names an option it does not take).
_REMEDY = {
    "python": {"local": "pass local=True", "bounds": "bounds=({lo:g}, {hi:g})",
               "fewer": "targets='players', instrument='opponent'"},
    "cli": {"local": "add --local", "bounds": "--bounds {lo:g},{hi:g}",
            "fewer": "--targets players --instrument opponent"},
    "web": {"local": 'send "local": true', "bounds": '"bounds": [{lo:g}, {hi:g}]',
            "fewer": '"targets": "players", "instrument": "opponent"'},
}


def corner_error(move: Move, prob: Problem, lo: float, hi: float) -> NoInteriorOptimumError:
    i, side = prob.corner[0]
    assert prob.best_x is not None
    label = move.labels[i]
    bound = lo if side == "lower" else hi
    g = "" if prob.gradient is None else f"; welfare slope there {prob.gradient[i]:+.3g} per unit"
    inner = [(x, f) for x, f in prob.peaks if lo < x[i] < hi]

    def hint(door: str) -> str:
        r = _REMEDY[door]
        if side == "lower":
            return ("the player gains from lower rates (an import subsidy), which a tariff "
                    "cannot be" if bound == 0.0 else
                    "lower the bounds below {b:g} ({x})".format(
                        b=bound, x=r["bounds"].format(lo=bound / 2, hi=hi)))
        out = f"widen the bounds beyond {bound:g} ({r['bounds'].format(lo=lo, hi=min(2 * hi, 10))})"
        if sum(move.player_deficit) > 0:
            out += (f"; {move.player.name} runs a trade deficit, and with fixed deficits "
                    "near-autarky tariffs tax the transfer it receives (an artefact of the "
                    f"closure): tax fewer partners ({r['fewer']})")
        if inner:
            x, f = inner[0]
            out = (f"welfare peaks first near {x[i]:.0%} ({100 * (f - 1):+.3f}%) and rises "
                   f"again toward prohibitive rates: {r['local']} for that interior "
                   f"optimum, or {out}")
        return out

    def message(door: str) -> str:
        return (f"no interior optimum for {move.player.name}'s tariff on {label}: the best rate "
                f"lies at the {side} bound {bound:g} (search stopped at {prob.best_x[i]:.4g}"
                f"{g}); {hint(door)}.")

    return NoInteriorOptimumError(
        message("python"), player=move.player.name, label=label, bound=side,
        rate=float(prob.best_x[i]), doors={d: message(d) for d in _REMEDY})


def _optimum(game: Game, move: Move, prob: Problem, lo: float, hi: float,
             seconds: float) -> Optimum:
    if prob.corner:
        raise corner_error(move, prob, lo, hi)
    assert prob.best_x is not None
    hist = pd.DataFrame([x for x, _ in prob.history], columns=move.labels)
    hist["objective_pct"] = [100 * (v - 1) for _, v in prob.history]
    return Optimum(
        player=move.player.name, instrument=move.instrument.name,
        rates=pd.Series(prob.best_x, index=move.labels, name="rate"),
        welfare_pct=100 * (prob.best_f - 1), result=prob.best_payload,
        gradient=prob.gradient, hessian=prob.hessian, rounds=prob.rounds,
        solves=prob.evaluations, history=hist, seconds=seconds,
        method="trust-region Newton (finite differences)" if prob.smooth else "compass search")
