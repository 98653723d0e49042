"""The article's test as one table: can the target say no to the hegemon?

"The ability to say no without inflicting debilitating harm on oneself": the target's
real income when it gives in to the hegemon's optimal coercive tariff, when it answers
with its optimal retaliation, in the bilateral Nash tariff war, and in the war fought
with each candidate coalition acting as one player.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data.world import World
from ..errors import ParameterError
from ..model.options import SolveOptions
from ..model.result import Result
from ..scenario.scenario import DeficitClosure
from ..scenario.shocks import tariff as tariff_shock
from .nash import Equilibrium, nash
from .optimal import best_response, optimal_tariff
from .players import Objective, coalition

__all__ = ["SayNo", "say_no"]


@dataclass(frozen=True)
class SayNo:
    """The say-no table and its one-line answer.

    Attributes
    ----------
    target, hegemon : str
    table : DataFrame
        One row per situation (``give in``, ``optimal retaliation``, ``Nash war``,
        ``Nash war with <partners>``): ``hegemon_tariff`` (on the target),
        ``target_tariff`` (on the hegemon), ``target_welfare_pct``,
        ``hegemon_welfare_pct``, ``coalition_welfare_pct`` (the coalition's objective,
        NaN without one), ``world_welfare_pct``, ``iterations``, ``seconds``.
    sentence : str
        "CAN can say no: its loss in a Nash war with USA is x%, vs y% giving in", ...
    wars : dict of str to Equilibrium
    seconds : float
    """

    target: str
    hegemon: str
    table: pd.DataFrame
    sentence: str
    wars: dict[str, Equilibrium]
    seconds: float

    def __repr__(self) -> str:
        return f"<SayNo {self.target} vs {self.hegemon}: {self.sentence}>"


def say_no(
    world: World,
    target: str,
    hegemon: str,
    coalitions: Sequence[str | Sequence[str]] | None = None,
    *,
    objective: Objective = "total",
    bounds: tuple[float, float] = (0.0, 2.0),
    local: bool = False,
    theta: float | None = None,
    deficits: DeficitClosure = "additive",
    options: SolveOptions | None = None,
    progress: bool = False,
) -> SayNo:
    """Can ``target`` say no to ``hegemon``? Give in, retaliate optimally, or fight a war.

    Parameters
    ----------
    world : World
    target, hegemon : str
        Economy codes.
    coalitions : sequence, optional
        Candidate coalitions: each item is a partner code or group (``"EU27"``) or a list
        of them; each fights the war with the target as one player (common external
        tariff on the hegemon, free trade inside, ``objective``).
    objective : {"total", "worst"}, default "total"
        What a coalition maximises (see :class:`Player`).
    bounds, local, theta, deficits, options
        As in :func:`optimal_tariff`.
    progress : bool
        Print one line per step (rich) when True.

    Returns
    -------
    SayNo

    Notes
    -----
    The hegemon's optimal coercive tariff is its optimal tariff on the target alone,
    everyone else's tariffs at their baseline; the target's optimal retaliation is its
    best response on the hegemon alone; the wars use one rate per opponent. Every war is
    a Nash equilibrium (:func:`nash`): the Gros (1987) / Ossa (2014) question of who
    loses what when both sides optimise.
    """
    t0 = time.perf_counter()
    t = world.countries[world.index(target)]
    h = world.countries[world.index(hegemon)]
    if t == h:
        raise ParameterError(f"target and hegemon are both {t!r}; name two economies.")
    cands = [[c] if isinstance(c, str) else list(c) for c in (coalitions or [])]
    kw: dict[str, Any] = {"bounds": bounds, "local": local, "theta": theta,
                          "deficits": deficits, "options": options}
    say = _say(progress)
    it, ih = world.index(t), world.index(h)
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str, r: Result, th: float, tt: float, coal: float = np.nan,
            iterations: int = 0, seconds: float = 0.0) -> None:
        e = r.base.income
        rows[name] = {"hegemon_tariff": th, "target_tariff": tt,
                      "target_welfare_pct": 100 * (r.welfare_hat[it] - 1),
                      "hegemon_welfare_pct": 100 * (r.welfare_hat[ih] - 1),
                      "coalition_welfare_pct": coal,
                      "world_welfare_pct": float(100 * (e @ r.welfare_hat - e.sum()) / e.sum()),
                      "iterations": iterations, "seconds": seconds}

    coerce = optimal_tariff(world, h, on=t, instrument="opponent", **kw)
    th = float(coerce.rates.iloc[0])
    row("give in", coerce.result, th, 0.0, iterations=coerce.rounds, seconds=coerce.seconds)
    say(f"{h}'s optimal tariff on {t}: {th:.1%}")
    ret = best_response(world, t, [tariff_shock(by=h, on=t, rate=th)], on=h,
                        instrument="opponent", **kw)
    row("optimal retaliation", ret.result, th, float(ret.rates.iloc[0]),
        iterations=ret.rounds, seconds=ret.seconds)
    say(f"{t}'s optimal retaliation: {float(ret.rates.iloc[0]):.1%}")
    wars: dict[str, Equilibrium] = {}
    war = nash(world, [h, t], instrument="opponent", **kw)
    wars["Nash war"] = war
    r = war.rates.set_index("player")["rate"]
    row("Nash war", war.result, float(r[h]), float(r[t]), iterations=war.iterations,
        seconds=war.seconds)
    say(f"Nash war: {h} {float(r[h]):.1%}, {t} {float(r[t]):.1%}")
    for members in cands:
        coal = coalition([t, *members], objective=objective)
        name = f"Nash war with {'+'.join(members)}"
        eq = nash(world, [h, coal], instrument="opponent", **kw)
        wars[name] = eq
        r = eq.rates.set_index("player")["rate"]
        row(name, eq.result, float(r[h]), float(r[coal.name]),
            coal=float(eq.table.loc[coal.name, "objective_pct"]), iterations=eq.iterations,
            seconds=eq.seconds)
        say(f"{name}: {h} {float(r[h]):.1%}, coalition {float(r[coal.name]):.1%}")
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "situation"
    return SayNo(t, h, table, _sentence(t, h, table), wars, time.perf_counter() - t0)


def _say(progress: bool):
    if not progress:
        return lambda msg: None
    from rich.console import Console

    console = Console(stderr=True)
    return lambda msg: console.print(f"  {msg}", highlight=False)


def _sentence(t: str, h: str, table: pd.DataFrame) -> str:
    give = float(table.loc["give in", "target_welfare_pct"])
    war = float(table.loc["Nash war", "target_welfare_pct"])
    if war >= give:
        text = (f"{t} can say no: its welfare change in a Nash war with {h} is {war:+.2f}%, vs "
                f"{give:+.2f}% giving in")
    else:
        text = (f"{t} cannot say no alone: a Nash war with {h} costs it {war:+.2f}%, vs "
                f"{give:+.2f}% giving in")
    coal = table[table.index.str.startswith("Nash war with")]
    if len(coal):
        best = coal["target_welfare_pct"].idxmax()
        text += (f"; fighting {best.removeprefix('Nash war ')} as one player, "
                 f"{coal.loc[best, 'target_welfare_pct']:+.2f}%")
    return text + "."
