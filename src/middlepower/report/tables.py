"""Which rows a results table shows, in which order, and tables turned for reading.

A table sorted only by the size of the change is led by whoever moves most, which is
often an economy with unusual data (Vietnam's exports are 95% of its GDP) rather than
the ones the scenario is about. So the actors come first (the economy that sets the
tariff and, when they are few, those it hits; or the target, the hegemon and the
coalition of a brief), then the largest movers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..data.world import World

__all__ = ["MAX_PINNED", "actors", "ordered", "oriented_leverage"]

#: Most economies pinned at the top of a table before the largest movers.
MAX_PINNED = 6


def actors(world: World, shocks: Sequence[Any]) -> list[str]:
    """Economies a scenario is about, at most :data:`MAX_PINNED`.

    Those that set its tariffs and those the tariffs hit, when together they are few
    (US vs Europe: USA, EU27, GBR, NOR); otherwise those that set the most tariff shocks
    (Liberation Day with retaliation by everyone: the USA). ISO3 codes in the world's
    terms (groups expanded, regions as their code).
    """
    from collections import Counter

    from ..scenario.shocks import Tariff

    setters: Counter[str] = Counter()
    hit: list[str] = []
    for s in shocks:
        if isinstance(s, Tariff):
            for k in world.resolve(s.by):
                setters[world.countries[k]] += 1
            hit += [world.countries[k] for k in world.resolve(s.on)]
    both = list(dict.fromkeys([*setters, *hit]))
    if len(both) <= MAX_PINNED:
        return both
    if len(setters) <= MAX_PINNED:
        return list(setters)
    most = max(setters.values())
    return [c for c, n in setters.items() if n == most][:MAX_PINNED]


def ordered(countries: pd.DataFrame, pinned: Sequence[str], top: int) -> list[str]:
    """Row order: ``pinned`` economies (those present), then the ``top`` largest
    |welfare_pct| changes among the others. ``countries``: a result's country table."""
    pins = [c for c in dict.fromkeys(pinned) if c in countries.index]
    rest = countries.drop(index=pins)["welfare_pct"].abs().sort_values(ascending=False)
    return pins + [str(c) for c in rest.index[:max(top, 0)]]


def oriented_leverage(table: pd.DataFrame) -> pd.DataFrame:
    """The leverage table read one way: the stronger side (the smaller loss) first.

    Parameters
    ----------
    table : DataFrame
        :attr:`Leverage.table` (a, b, loss_a, loss_b, ...; losses in % of real income).

    Returns
    -------
    DataFrame
        stronger, weaker, stronger_change_pct, weaker_change_pct (real income change,
        negative for a loss), ratio (weaker's loss over stronger's, only where both lose;
        NaN otherwise, where a ratio would mislead) and gap_pp (the weaker side's extra
        loss, >= 0); largest gap first.
    """
    la, lb = table["loss_a"].to_numpy(float), table["loss_b"].to_numpy(float)
    a_strong = la <= lb
    strong_loss = np.where(a_strong, la, lb)
    weak_loss = np.where(a_strong, lb, la)
    both = (strong_loss > 0) & (weak_loss > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(both, weak_loss / np.where(both, strong_loss, 1.0), np.nan)
    out = pd.DataFrame({
        "stronger": np.where(a_strong, table["a"], table["b"]),
        "weaker": np.where(a_strong, table["b"], table["a"]),
        "stronger_change_pct": -strong_loss,
        "weaker_change_pct": -weak_loss,
        "ratio": ratio,
        "gap_pp": weak_loss - strong_loss,
    })
    return out.sort_values("gap_pp", ascending=False, ignore_index=True)
