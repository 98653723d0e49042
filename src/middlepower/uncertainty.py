"""Uncertainty bands: draw the parameters a counterfactual rests on, solve every draw.

Two sources of uncertainty are drawn:

* the trade elasticity theta, uniform on a user range (e.g. ``theta=(4, 6)``);
* the partial effect of agreements: every ``agreement`` shock without an explicit
  ``effect`` uses the shipped estimate (:data:`middlepower.estimate.RTA_EFFECT`, or the
  ``effect=`` given here), drawn from its normal sampling distribution, one draw shared
  by all agreements of the scenario (they come from one coefficient).

All draws are solved in batches as by :func:`middlepower.solve_many` (one theta per draw), and
the percentiles of each outcome are reported per country. Draws are reproducible from
``seed``; the same draws serve every variant (common random numbers), so differences
between variants are not blurred by sampling noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import pandas as pd

from .data.estimates import RTA_EFFECT, PartialEffectEstimate
from .data.world import World
from .errors import ParameterError, ScenarioError
from .model import summaries
from .model.options import SolveOptions
from .scenario.patches import sparse_batch, sparse_runs
from .scenario.scenario import Scenario
from .scenario.shocks import Agreement

__all__ = ["Bands", "uncertainty"]

MEASURES = ("welfare_pct", "real_gdp_pct", "exports_pct")


@dataclass
class Bands:
    """Percentile bands from :func:`uncertainty`.

    Attributes
    ----------
    table : DataFrame
        Index (scenario, country); columns ``<measure>_p<q>`` for each measure and
        percentile, e.g. ``welfare_pct_p5``, ``welfare_pct_p50``, ``welfare_pct_p95``.
    draws : DataFrame
        One row per draw, scenario and country: ``draw``, ``theta``, ``beta`` and the
        measures.
    """

    table: pd.DataFrame
    draws: pd.DataFrame = field(repr=False)
    n: int = 0
    percentiles: tuple[float, ...] = (5.0, 50.0, 95.0)

    def band(self, scenario: str, country: str, measure: str = "welfare_pct") -> tuple:
        """(low, median, high) of one outcome."""
        row = self.table.loc[(scenario, country)]
        return tuple(float(row[f"{measure}_p{q:g}"]) for q in self.percentiles)


def _shocks_with_effect(s: Scenario, beta: float) -> list:
    return [sh.model_copy(update={"effect": beta}) if isinstance(sh, Agreement)
            and sh.effect is None else sh for sh in s.shocks]


def _with_effect(s: Scenario, beta: float) -> Scenario:
    return Scenario(s.name, _shocks_with_effect(s, beta), description=s.description)


class _Runs(Sequence[Scenario]):
    """Run k is variant ``k % len(base)`` with draw ``k // len(base)``'s agreement effect,
    built only when asked for (an error message, or a run the fast path hands back)."""

    def __init__(self, base: list[Scenario], betas: np.ndarray) -> None:
        self._base, self._betas = base, betas

    def __len__(self) -> int:
        return len(self._base) * len(self._betas)

    @overload
    def __getitem__(self, k: int) -> Scenario: ...
    @overload
    def __getitem__(self, k: slice) -> list[Scenario]: ...

    def __getitem__(self, k: int | slice) -> Scenario | list[Scenario]:
        if isinstance(k, slice):
            return [self[m] for m in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(k)
        d, v = divmod(k % len(self), len(self._base))
        return _with_effect(self._base[v], float(self._betas[d]))


def _patches(world: World, runs: _Runs, base: list[Scenario], betas: np.ndarray,
             options: Any = None) -> Any:
    """The fast path's patches of every run, from shock lists (no Scenario per run); None
    where the fast path does not apply. The first draw's runs are checked as scenarios
    first, so that an invalid scenario raises as it always did; the other draws differ
    only in the agreement effect."""
    from .model import fast_path_applies

    sparse_batch(world, runs[:len(base)])
    if not fast_path_applies(world, options):
        return None
    return sparse_runs(world, [_shocks_with_effect(s, float(b)) for b in betas for s in base])


def uncertainty(
    world: World,
    scenario: Scenario | Sequence[Scenario],
    n: int = 500,
    *,
    theta: float | tuple[float, float] | None = None,
    effect: PartialEffectEstimate | None = None,
    deficits: str | None = None,
    percentiles: Sequence[float] = (5, 50, 95),
    seed: int = 0,
    progress: bool = False,
    options: SolveOptions | None = None,
) -> Bands:
    """Percentile bands of a scenario's outcomes under parameter uncertainty.

    Parameters
    ----------
    world : World
    scenario : Scenario or list of Scenario
        Variants are expanded; every variant uses the same draws.
    n : int, default 500
        Number of draws.
    theta : float or (low, high), optional
        Fixed trade elasticity, or the range of a uniform draw. By default each draw
        scales the world's elasticities (5 without sectoral ones) by a uniform factor in
        [0.8, 1.2]: for one sector, theta in [4, 6], which brackets the median structural
        estimate reviewed by Head & Mayer (2014), about 5.
    effect : PartialEffectEstimate, optional
        Distribution of the agreement effect (beta, se); the shipped RTA estimate if None.
    deficits : {"additive", "ratio"}, optional
    options : SolveOptions, optional
        Everything else about the solve (closure, backend, tolerance); ``deficits``,
        where given, overrides it. Its theta is not used: the draws set theta.
    percentiles : sequence of float, default (5, 50, 95)
    seed : int

    Returns
    -------
    Bands

    Examples
    --------
    >>> b = mp.uncertainty(mp.load("world2023"), scenario, n=200)      # doctest: +SKIP
    >>> b.band("coalition", "CAN")                                      # doctest: +SKIP
    """
    if not isinstance(n, int) or n < 2:
        raise ParameterError(f"n={n!r}: need at least 2 draws.")
    qs = tuple(float(q) for q in percentiles)
    if any(not 0 <= q <= 100 for q in qs):
        raise ParameterError(f"percentiles {qs} must lie in [0, 100].")
    rng = np.random.default_rng(seed)
    opts = SolveOptions.of(options, deficits=deficits)
    if theta is None:
        own = world.sector_theta if world.sector_theta is not None \
            else np.full(world.n_sectors, SolveOptions.DEFAULT_THETA)
        thetas = rng.uniform(0.8, 1.2, n)[:, None] * own[None, :]
    elif isinstance(theta, int | float) and not isinstance(theta, bool):
        thetas = np.full(n, float(theta))
    else:
        lo, hi = (float(v) for v in theta)
        if not 0 < lo <= hi:
            raise ParameterError(f"theta range {theta!r} must satisfy 0 < low <= high.")
        thetas = rng.uniform(lo, hi, n)
    est = effect or RTA_EFFECT
    betas = rng.normal(est.beta, est.se, n)
    base = scenario.expand() if isinstance(scenario, Scenario) else \
        [v for s in scenario for v in s.expand()]
    names = [s.name for s in base]
    dup = sorted({x for x in names if names.count(x) > 1})
    if dup:
        raise ScenarioError(f"scenario name(s) {dup} given more than once: their draws would be "
                            "pooled into one band; give every scenario its own name.")
    runs = _Runs(base, betas)
    # (runs, N) outcomes straight from the solver: no Result, no N x N array per run
    out = summaries(world, runs, np.repeat(thetas, len(base), axis=0), options=opts,
                     patches=_patches(world, runs, base, betas, opts),
                     progress=progress, keys=("welfare_hat", "w_hat", "price_index_hat",
                                              "exports"))
    theta_draw = thetas if thetas.ndim == 1 else thetas.mean(axis=1)
    welfare = out["welfare_hat"]
    real_gdp = out["w_hat"] / out["price_index_hat"]
    foreign = ~np.eye(world.n, dtype=bool)
    exports0 = (world.flows * foreign).sum(axis=1)
    exports1 = out["exports"]
    k = np.arange(len(runs))
    v = len(base)
    # object columns built as such: pandas would turn numpy strings into them one by one
    countries = np.array(world.countries, dtype=object)
    measures = {"welfare_pct": 100 * (welfare - 1), "real_gdp_pct": 100 * (real_gdp - 1),
                "exports_pct": 100 * (exports1 / np.where(exports0 > 0, exports0, np.nan) - 1)}
    draws = pd.DataFrame({
        "scenario": np.array(names, dtype=object)[np.repeat(k % v, world.n)],
        "country": np.tile(countries, len(runs)),
        "draw": np.repeat(k // v, world.n),
        # with sectors, the draw's mean elasticity over sectors
        "theta": np.repeat(theta_draw[k // v], world.n),
        "beta": np.repeat(betas[k // v], world.n),
        **{m: measures[m].ravel() for m in MEASURES},
    })
    qs_once = list(dict.fromkeys(qs))
    per_m = {m: _quantiles(measures[m].reshape(n, v * world.n), [q / 100 for q in qs_once])
             for m in MEASURES}
    by_q = {q: {m: per_m[m][k] for m in MEASURES} for k, q in enumerate(qs_once)}
    index = pd.MultiIndex.from_arrays([np.repeat(np.array(names, dtype=object), world.n),
                                       np.tile(countries, v)], names=["scenario", "country"])
    table = pd.DataFrame({f"{m}_p{q:g}": col[m] for q, col in by_q.items() for m in MEASURES},
                         index=index)
    return Bands(table=table, draws=draws, n=n, percentiles=qs)


def _quantiles(x: np.ndarray, qs: list[float]) -> list[np.ndarray]:
    """The q-quantiles of each column of ``x`` (draws, groups) over its non-NaN values, NaN
    where there are none: linear interpolation between the order statistics, evaluated as
    pandas' grouped quantile does (``lo + (hi - lo) * frac``), so the numbers are the same
    to the last bit as ``DataFrame.groupby(...).quantile(q)``. One (groups,) array per q."""
    ordered = np.sort(x.T, axis=1)                   # rows contiguous; NaN sorts last
    count = (~np.isnan(ordered)).sum(axis=1)
    rows = np.arange(len(ordered))
    last = x.shape[0] - 1
    out = []
    for q in qs:
        at = np.maximum(q * (count - 1).astype(np.float64), 0.0)
        pos = at.astype(np.int64)                    # truncation, as pandas' cast
        frac = at % 1
        lo = ordered[rows, pos]
        hi = ordered[rows, np.minimum(pos + 1, last)]
        val = np.where(frac == 0.0, lo, lo + (hi - lo) * frac)
        out.append(np.where(count > 0, val, np.nan))
    return out
