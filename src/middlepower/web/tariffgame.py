"""The tariff game over the web: optimal tariffs, Nash wars, saying no, best-response curves.

Each function takes a validated request (:mod:`.schemas`) and returns a JSON-ready dict
whose ``table`` is the main tidy table; the numbers are :mod:`middlepower.game`'s
(docs/game.md). These are searches over many general-equilibrium solves (0.05-1 s on
world2023, 2-60 s on wiod2014), so the app runs them as jobs.
"""

from __future__ import annotations

from typing import Any

from .. import game as mp_game
from ..data import World
from .jobs import Progress
from .schemas import CurvesRequest, NashRequest, OptimalRequest, SayNoRequest
from .service import _pair, _records, tidy, world_of

__all__ = ["check", "curves", "nash", "optimal", "say_no"]


def _player(p: str | list[str]) -> str | list[str]:
    """A code stays a code; "CAN+EU27" or a list is a coalition acting as one player."""
    if isinstance(p, str):
        parts = [x.strip() for x in p.split("+") if x.strip()]
        return parts[0] if len(parts) == 1 else parts
    return list(p)


def _name_of(world: World) -> dict[str, str]:
    return dict(zip(world.countries, world.names, strict=True))


def _kw(req: Any) -> dict[str, Any]:
    from ..model import SolveOptions

    return {"bounds": tuple(req.bounds), "local": req.local, "theta": req.theta,
            "deficits": SolveOptions.of(deficits=req.deficits).deficits}


def _economies(world: World, countries: Any) -> list[dict[str, Any]]:
    """Every economy's welfare change at a solved point (for maps and CSV)."""
    names = _name_of(world)
    c = countries.reset_index()
    c = c.rename(columns={c.columns[0]: "economy"})
    c.insert(1, "name", c["economy"].map(names))
    keep = [k for k in ("economy", "name", "welfare_pct", "real_gdp_pct", "exports_pct",
                        "imports_pct") if k in c.columns]
    return _records(c[keep])


def check(req: OptimalRequest | NashRequest | SayNoRequest | CurvesRequest) -> None:
    """Resolve every code of a game request now, so that a typo is a 400 at once rather
    than a job that fails later (UnknownCountryError names the code)."""
    world = world_of(req.data)
    if isinstance(req, SayNoRequest):
        _pair(world, req.target, req.against)
        players: list[Any] = list(req.coalitions)
    elif isinstance(req, CurvesRequest):
        _pair(world, req.a, req.b)
        players = []
    elif isinstance(req, NashRequest):
        players = list(req.players)
    else:
        players = [req.player, *(req.on or [])]
    for p in players:
        q = _player(p)
        world.resolve([q] if isinstance(q, str) else q, "players")


def optimal(req: OptimalRequest, progress: Progress | None = None) -> dict[str, Any]:
    """``player``'s optimal tariffs on ``on`` (everyone else at the baseline)."""
    world = world_of(req.data)
    on = None if req.on is None else [_player(p) for p in req.on]
    if on is not None and len(on) == 1:
        on = on[0]
    opt = mp_game.optimal_tariff(world, _player(req.player), on=on,
                                 instrument=req.instrument, **_kw(req))
    return tidy({
        "player": opt.player, "instrument": opt.instrument,
        "rates": [{"label": k, "rate": v} for k, v in opt.rates.items()],
        "welfare_pct": opt.welfare_pct, "rounds": opt.rounds, "solves": opt.solves,
        "seconds": opt.seconds, "method": opt.method, "unit": world.unit,
        "table": _economies(world, opt.countries)})


def nash(req: NashRequest, progress: Progress | None = None) -> dict[str, Any]:
    """The Nash equilibrium in tariffs among ``players``; progress: each iteration."""
    world = world_of(req.data)

    def tick(iteration: int, change: float) -> None:
        if progress is not None:
            progress(0, f"best-response iteration {iteration}: largest change {change:.2g}")

    eq = mp_game.nash(world, [_player(p) for p in req.players], instrument=req.instrument,
                      targets=req.targets, progress=tick, **_kw(req))
    welfare = eq.welfare.reset_index()
    welfare = welfare.rename(columns={welfare.columns[0]: "economy"})
    welfare.insert(1, "name", welfare["economy"].map(_name_of(world)))
    return tidy({
        "players": list(eq.players), "instrument": eq.instrument,
        "rates": _records(eq.rates), "objectives": _records(eq.table.reset_index()),
        "world_welfare_pct": eq.world_welfare_pct, "iterations": eq.iterations,
        "solves": eq.solves, "converged": eq.converged, "seconds": eq.seconds,
        "unit": world.unit, "table": _records(welfare)})


def say_no(req: SayNoRequest, progress: Progress | None = None) -> dict[str, Any]:
    """The say-no table (give in, optimal retaliation, Nash wars) and its sentence."""
    world = world_of(req.data)
    t, h = _pair(world, req.target, req.against)
    coalitions = [_player(c) for c in req.coalitions]
    if progress is not None:
        progress(0, f"{len(coalitions) + 3} searches: {h}'s optimal tariff, {t}'s best "
                 f"retaliation, the Nash war{' and one per coalition' if coalitions else ''}")
    res = mp_game.say_no(world, t, h, coalitions, objective=req.objective, **_kw(req))
    table = res.table.reset_index()
    names = _name_of(world)
    return tidy({
        "target": t, "against": h, "target_name": names[t], "against_name": names[h],
        "sentence": res.sentence, "seconds": res.seconds, "unit": world.unit,
        "coalitions": ["+".join(c) if isinstance(c, list) else c for c in coalitions],
        "table": _records(table)})


def curves(req: CurvesRequest, progress: Progress | None = None) -> dict[str, Any]:
    """Both best-response curves, the bilateral Nash point, and the curves as SVG."""
    from ..game.plot import curves_svg

    world = world_of(req.data)
    a, b = _pair(world, req.a, req.b)
    kw = _kw(req)
    local = kw.pop("local")
    table = mp_game.best_response_curves(world, a, b, req.rates, **kw)
    if progress is not None:
        progress(0, "curves done; solving the Nash war where they cross")
    eq = mp_game.nash(world, [a, b], instrument="opponent", local=local, **kw)
    rates = eq.rates.set_index("player")["rate"]
    point = (float(rates[a]), float(rates[b]))
    return tidy({"a": a, "b": b, "nash": {a: point[0], b: point[1]},
                 "svg": curves_svg(table, point), "table": _records(table)})
