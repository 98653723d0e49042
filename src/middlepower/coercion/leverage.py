"""The leverage matrix: for every pair, who loses more from a bilateral trade war.

For each unordered pair (A, B) one scenario: A and B put ``tariff`` on each other's goods
(or stop trading, ``embargo=True``), everyone else unchanged. Then

* ``loss_a``, ``loss_b``: real-income (welfare) losses in percent (positive = loss);
* ``leverage[A, B] = loss_b / loss_a``: how many times more B loses than A. Above 1, A
  can hurt B more than it hurts itself: A holds leverage over B.
* ``gap[A, B] = loss_b - loss_a``, in percentage points.

Where the ratio misleads: when either loss is close to zero (a tiny denominator makes
huge ratios: read the gap instead), and when a side *gains* from the war (a large economy
can improve its terms of trade with a tariff; the ratio is then negative and means "A
loses nothing"). The ratio also ignores scale: 2% of a small economy and 0.1% of a large
one can be the same money. ``loss_a_level``/``loss_b_level`` give the money-metric losses.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ..data.world import World
from ..errors import ParameterError
from ..model.batch import run_many
from ..model.options import SolveOptions
from ..scenario.lazy import LazyScenarios
from ..scenario.scenario import Scenario
from ..scenario.shocks import embargo as embargo_shock
from ..scenario.shocks import tariff as tariff_shock

__all__ = ["Leverage", "leverage", "trade_war"]


class Leverage:
    """Result of :func:`leverage`: a tidy ``table`` and the N x N ``matrix`` / ``gap``."""

    def __init__(self, table: pd.DataFrame, countries: tuple[str, ...], how: str) -> None:
        self.table = table
        self.how = how
        n = len(countries)
        pos = {c: k for k, c in enumerate(countries)}
        loss = np.full((n, n), np.nan)
        i = table["a"].map(pos).to_numpy()
        j = table["b"].map(pos).to_numpy()
        loss[i, j] = table["loss_a"].to_numpy()   # loss[x, y]: x's loss in the x-y war
        loss[j, i] = table["loss_b"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = loss.T / loss
        gap = loss.T - loss
        self.loss = pd.DataFrame(loss, index=countries, columns=countries)
        self.matrix = pd.DataFrame(ratio, index=countries, columns=countries)
        self.gap = pd.DataFrame(gap, index=countries, columns=countries)

    def pair(self, a: str, b: str) -> dict[str, float]:
        """Losses of a and b in their bilateral war, and a's leverage over b."""
        return {"loss_a": float(self.loss.loc[a, b]), "loss_b": float(self.loss.loc[b, a]),
                "leverage_a_over_b": float(self.matrix.loc[a, b]),
                "gap_pp": float(self.gap.loc[a, b])}

    def __repr__(self) -> str:
        return f"<Leverage {self.how}: {len(self.table)} pairs>"


def trade_war(a: str, b: str, tariff: float = 0.25, embargo: bool = False,
              sectors: list[str] | None = None) -> Scenario:
    """The bilateral war scenario between a and b (tariffs on ``sectors``, all if None)."""
    if embargo:
        return Scenario(f"{a}-{b}", [embargo_shock(a, b)])
    return Scenario(f"{a}-{b}", [tariff_shock(by=a, on=b, rate=tariff, sectors=sectors),
                                 tariff_shock(by=b, on=a, rate=tariff, sectors=sectors)])


def leverage(world: World, tariff: float = 0.25, *, embargo: bool = False,
             countries: list[str] | None = None, theta: float | None = None,
             deficits: str | None = None, executor: Any = None,
             progress: bool = False, sectors: str | list[str] | None = None,
             options: SolveOptions | None = None) -> Leverage:
    """Bilateral trade wars between every pair of economies (or of ``countries``).

    Parameters
    ----------
    world : World
    tariff : float, default 0.25
        Tariff each side puts on the other (ignored with ``embargo=True``).
    embargo : bool, default False
        Stop all trade between the two instead.
    countries : list of str, optional
        Restrict to these economies (default: all; N (N - 1) / 2 solves).
    theta, deficits, options
        As in :func:`mp.solve` (``options`` a :class:`mp.SolveOptions`; the keywords,
        where given, override it).
    executor : dask.distributed.Client or address, optional
        Run on a Dask cluster.
    sectors : str or list of str, optional
        Sectors the war's tariffs hit; goods by default (see
        :func:`mp.coercion.tariff_sectors`).

    Returns
    -------
    Leverage
        ``table`` (a, b, loss_a, loss_b, loss_a_level, loss_b_level, leverage_a_over_b,
        gap_pp), ``matrix`` (row A, column B: A's leverage over B), ``gap`` and ``loss``.
    """
    codes = list(world.countries) if countries is None else [
        world.countries[world.index(c)] for c in countries]
    if len(codes) < 2:
        raise ParameterError("leverage needs at least two economies.")
    pairs = list(combinations(codes, 2))
    from .responses import tariff_sectors

    secs = tariff_sectors(world, sectors)
    scenarios = LazyScenarios(pairs, lambda p: trade_war(*p, tariff, embargo, secs))
    idx = {c: k for k, c in enumerate(world.countries)}
    opts = SolveOptions.of(options, theta=theta, deficits=deficits)
    welfare = _welfare_fast(world, scenarios, pairs, idx, tariff, embargo, opts,
                            progress) if executor is None else None
    if welfare is None:
        welfare = np.stack([r.welfare_hat for r in run_many(
            world, list(scenarios), executor=executor, progress=progress, options=opts)])
    spend = world.income()
    ia = np.array([idx[a] for a, _ in pairs], dtype=np.intp)
    ib = np.array([idx[b] for _, b in pairs], dtype=np.intp)
    k = np.arange(len(pairs))
    w = 100 * (welfare - 1)
    la, lb = -w[k, ia], -w[k, ib]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(la != 0, lb / la, np.inf)
    table = pd.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs],
                          "loss_a": la, "loss_b": lb,
                          "loss_a_level": la / 100 * spend[ia],
                          "loss_b_level": lb / 100 * spend[ib],
                          "leverage_a_over_b": ratio, "gap_pp": lb - la})
    how = "embargo" if embargo else f"{tariff:.0%} tariffs"
    return Leverage(table, tuple(codes), how)

def _welfare_fast(world: World, scenarios: Sequence[Scenario], pairs: list[tuple[str, str]],
                  idx: dict[str, int], tariff: float, embargo: bool, opts: SolveOptions,
                  progress: bool) -> np.ndarray | None:
    """Welfare changes (wars, N) from the shared baseline patched on each war's two pairs,
    without a dense copy of the shocks per war; None where the fast path does not apply
    (several sectors, or the plain path asked for), and the caller solves as usual."""
    from ..model import baseline, fast_path_applies, summaries
    from ..scenario.patches import ShockPatch, same_as_dense

    if not fast_path_applies(world, opts):
        return None
    base = baseline(world)
    k = len(pairs)
    ia = np.array([idx[a] for a, _ in pairs], dtype=np.intp)
    ib = np.array([idx[b] for _, b in pairs], dtype=np.intp)
    t0 = base.sector_tariffs[0]
    i, j = np.concatenate([ib, ia]), np.concatenate([ia, ib])   # b's goods into a, and back
    row = np.concatenate([np.arange(k)] * 2)
    order = np.argsort(row, kind="stable")
    i, j, row = i[order], j[order], row[order]
    if embargo:
        t_new, beta = t0[i, j], np.full(len(i), -np.inf)
    else:
        t_new, beta = np.full(len(i), float(tariff)), np.zeros(len(i))
    patches = ShockPatch(k, row, np.zeros(len(i), dtype=np.intp), i, j, t_new, beta,
                         np.zeros(len(i)))
    if not same_as_dense(patches, 0, scenarios[0].arrays(world), base.sector_tariffs):
        return None
    return summaries(world, scenarios, patches=patches, options=opts,
                     progress=progress)["welfare_hat"]
