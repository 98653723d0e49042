"""The engine behind ``solve`` and ``solve_many``: a batch of checked scenarios is cut
into chunks, each solved on the path its options choose (:func:`_fast_applies`: the
one-sector sparse path of :mod:`.onesector` and :mod:`.backends`, else the reference
equations of :mod:`.equations` driven by :mod:`.anderson`), and errors are raised with
the diagnostics of :mod:`.diagnostics`.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..data.world import World
from ..scenario.patches import ShockPatch, sparse_batch
from ..scenario.scenario import DeficitClosure, Scenario
from ._coefficients import dense, shared
from .anderson import _polish, _scatter, _solve_hat
from .baseline import Baseline, baseline
from .diagnostics import (
    _check_admissible,
    _check_isolation,
    _check_options,
    _raise_unconverged,
)
from .equations import _evaluate, _Spec
from .market import welfare as market_welfare
from .options import SolveOptions
from .result import Result, consumer_prices

__all__ = ["fast_path_applies", "summaries"]

#: Batch x S x N x N elements per array in one chunk: about 5 MB, so that a chunk's
#: arrays stay in cache (measured: 16 scenarios at N = 193 ran 25% faster than 64).
_MAX_BLOCK = 600_000

#: Scenarios x sectors x economies per chunk with shared coefficients: a scenario then
#: holds (S, N) arrays and its Anderson history, about 20 (2 S + 1) N doubles (wiod2014:
#: 27 scenarios per chunk, 30-40 MB).
_SHARED_BLOCK = 60_000

@dataclass
class _Solution:
    """What the inner solver returns for a batch."""

    w: np.ndarray          # (b, N) factory-gate (value-added) price changes
    c_theta: np.ndarray    # (b, S, N) chat^-theta, unit-cost changes
    p_theta: np.ndarray    # (b, S, N) Phat^-theta, sector price indices
    absorption: np.ndarray  # (b, S, N) X'^s_n, incl. tariffs
    income: np.ndarray     # (b, N) I'_n
    iterations: np.ndarray  # (b,)
    residual: np.ndarray   # (b,)
    exports: np.ndarray | None = None  # (b, N) pre-tariff sales abroad
    # with the market options (:mod:`.market`): Lhat, Phat and What, each (b, N)
    labour: np.ndarray | None = None
    price: np.ndarray | None = None
    welfare: np.ndarray | None = None


def _shares(base: Baseline, spec: _Spec) -> bool:
    """Does a batch on this baseline use shared coefficients? Multi-sector worlds keep
    the baseline's matrices shared by a batch (:class:`._coefficients.Shared`) except on
    the ``"reference"`` backend, where every scenario has its own dense copy
    (:class:`._coefficients.Dense`); one-sector worlds off the fast path always do."""
    return spec.backend != "reference" and (len(base.sectors) > 1 or base.has_io)


#: Scenarios x N per chunk on the fast path. Its arrays are (b, N) (and the shared
#: (N, 2N) baseline); kept small enough that they stay in cache and below malloc's mmap
#: threshold, so temporaries are not fresh pages each time (measured at N = 193: 256 rows
#: per chunk 20% faster than 1,036 and than 32).
_FAST_BLOCK = 50_000


def fast_path_applies(world: World, options: SolveOptions | None = None) -> bool:
    """Does the one-sector sparse path (:mod:`.onesector`) serve full solves of ``world``
    (one sector, no input-output) with these options (any backend but ``"reference"``)?
    Analyses that build a :class:`~middlepower.scenario.patches.ShockPatch` themselves
    ask this first."""
    o = options or SolveOptions()
    return o.backend != "reference" and not o.market and _fast_base(baseline(world))


def _fast_base(base: Baseline) -> bool:
    return len(base.sectors) == 1 and not base.has_io


def _fast_applies(base: Baseline, spec: _Spec) -> bool:
    """...and for these settings (the fast path has the world and country numeraires and
    the additive and ratio closures)."""
    return (spec.backend != "reference" and _fast_base(base) and not spec.conditional
            and not spec.ref_price and spec.deficits != "zero" and spec.market is None)


def _solutions(world: World, base: Baseline, items: Sequence[Scenario], spec: _Spec,
               chunk_size: int | None, progress: bool | Callable[[int], None],
               patches: Any = None) -> Iterable[tuple[int, _Solution]]:
    """(first row, solution) of each chunk of ``items``; every shock is validated (turned
    into arrays, or on the fast path into sparse patches equal to them) before any solve.
    ``patches`` (fast path only) stands for the items' shocks where a caller built them."""
    n, S = world.n, world.n_sectors
    fast = _fast_applies(base, spec)
    if fast:
        fb = base.one_sector
        if patches is None:
            patches = sparse_batch(world, items)
        default = max(1, _FAST_BLOCK // n)
    else:
        shocks = sparse_batch(world, items)   # every shock validated before any solve
        default = max(1, _SHARED_BLOCK // (S * n) if _shares(base, spec) else
                      _MAX_BLOCK // (S * n * n))
    size = int(chunk_size) if chunk_size else default

    def solve_chunk(start: int) -> _Solution:
        stop = min(start + size, len(items))
        whole = start == 0 and stop == len(items)
        part = spec if whole else replace(spec, theta=spec.theta[start:stop])
        if fast:
            return _fast_batch(world, base, fb, patches if whole else
                               patches.take(np.arange(start, stop)), part, items, start)
        return _solve_batch(base, shocks.rows(start, stop), part,
                            [s.name for s in items[start:stop]])

    starts = range(0, len(items), size)
    bar, advance = _progress(progress, len(items))
    try:
        if fast or len(starts) < 2:
            solved: Iterable[tuple[int, _Solution]] = ((k, solve_chunk(k)) for k in starts)
        else:
            solved = _in_threads(solve_chunk, starts)
        for start, sol in solved:
            yield start, sol
            advance(len(sol.w))
    finally:
        if bar is not None:
            bar.stop()


def _in_threads(solve_chunk: Callable[[int], _Solution], starts: Sequence[int]
                ) -> Iterator[tuple[int, _Solution]]:
    """(start, solve_chunk(start)) in order, the chunks solved on a thread per core.

    The dense engine's work is NumPy's, which releases the GIL in its array loops and
    products: two chunks at once took a batch of 64 wiod2014 scenarios from 1.36-1.45 s to
    0.93-1.14 s on 2 cores. Each chunk is solved as alone, so results are those of one
    thread; at most one chunk per thread waits ahead (memory), and the first failing chunk
    in order raises, as one by one.
    """
    from .backends import _pool, _pools

    pool = _pool()
    if pool is None:
        yield from ((k, solve_chunk(k)) for k in starts)
        return
    ahead = deque[tuple[int, Future]]()
    todo = iter(starts)
    for k in itertools.islice(todo, 2 * _pools[2]):
        ahead.append((k, pool.submit(solve_chunk, k)))
    try:
        while ahead:
            k, fut = ahead.popleft()
            sol = fut.result()
            nxt = next(todo, None)
            if nxt is not None:
                ahead.append((nxt, pool.submit(solve_chunk, nxt)))
            yield k, sol
    finally:
        for _, fut in ahead:       # an error, or a caller that stopped reading
            fut.cancel()


def _fast_batch(world: World, base: Baseline, fb: Any, patches: Any, spec: _Spec,
                items: Sequence[Scenario], start: int) -> _Solution:
    """:func:`_solve_batch` of ``items[start:start + b]`` on the fast path; errors are
    reported by the plain path (which raises them with its diagnostics)."""
    from . import backends, onesector

    stop = start + patches.b
    d = onesector.deltas(fb, patches, spec.theta[:, 0])
    bad = np.zeros(1, dtype=bool)
    if (d.a_new == 0).any():            # a pair cut off: is a country left without trade?
        bad = onesector.isolated(fb, d) & (np.abs(base.deficit) > 1e-9 * base.output)[None, :]
    if not bad.any():
        x, it, res, diverged, at = backends.solve_patches(fb, patches, d, spec)
    if bad.any() or diverged.any() or (res > spec.tol).any():
        chunk = list(items[start:stop])
        return _solve_batch(base, sparse_batch(world, chunk), spec, [s.name for s in chunk])
    names = _Names(items, start)
    ev, exports = onesector.evaluate(x, fb, d, spec, at)
    _check_admissible(ev, base, spec, names, it, res)
    return _Solution(ev.w, ev.c_theta, ev.p_theta, ev.absorption, ev.income, it, res,
                     exports)


class _Names(Sequence[str]):
    """Scenario names of ``items[start:]``, read only when an error message needs one."""

    def __init__(self, items: Sequence[Scenario], start: int) -> None:
        self._items, self._start = items, start

    def __len__(self) -> int:
        return len(self._items) - self._start

    def __getitem__(self, k: Any) -> Any:
        return self._items[self._start + k].name


def summaries(world: World, items: Sequence[Scenario], theta: Any = None,
               deficits: DeficitClosure | None = None, *, patches: Any = None,
               options: SolveOptions | None = None,
               progress: bool | Callable[[int], None] = False,
               keys: tuple[str, ...] = ("welfare_hat",)) -> dict[str, np.ndarray]:
    """(b, N) outcomes of many scenarios without building a :class:`Result` each: what
    analyses of thousands of solves read. ``keys`` among ``w_hat``, ``welfare_hat``,
    ``price_index_hat`` (as :class:`Result` computes them) and ``exports`` (pre-tariff sales
    abroad, as ``Result.flows_matrix`` off the diagonal summed by exporter).

    ``patches`` (a :class:`~middlepower.scenario.patches.ShockPatch`, used where
    :func:`fast_path_applies`) stands for the scenarios' shocks where an analysis built
    them directly; ``items`` then only name the rows.
    """
    o = SolveOptions.of(options, theta=theta, deficits=deficits)
    spec = _check_options(world, len(items), o)
    base = baseline(world)
    th_s = spec.theta[:, :, None]                     # (b, S, 1)
    out = {k: np.empty((len(items), world.n)) for k in keys}
    for start, sol in _solutions(world, base, items, spec, None, progress,
                                 patches if _fast_applies(base, spec) else None):
        rows = slice(start, start + len(sol.w))
        _, price = consumer_prices(base.alpha, sol.p_theta, th_s[rows])
        if sol.price is not None:
            price = sol.price
        got = {"w_hat": sol.w, "price_index_hat": price,
               "welfare_hat": sol.income / base.income / price if sol.welfare is None
               else sol.welfare}
        if "exports" in keys:
            got["exports"] = sol.exports
        for k in keys:
            out[k][rows] = got[k]
    return out


def _results_of(world: World, base: Baseline, items: list[Scenario], spec: _Spec,
                start: int, sol: _Solution, deficits: str) -> list[Result]:
    S = len(base.sectors)
    thetas = spec.theta[start:start + len(items)]
    sector_price, price = consumer_prices(base.alpha, sol.p_theta, thetas[:, :, None])
    if sol.price is not None:       # the pass-through term (one sector)
        sector_price, price = sol.price[:, None, :], sol.price
    iterations, residual = sol.iterations.tolist(), sol.residual.tolist()
    return [Result(scenario=s, world=world, base=base,
                   theta=float(th[0]) if S == 1 else th.copy(), deficits=deficits,
                   w=sol.w[k], c_theta=sol.c_theta[k], p_theta=sol.p_theta[k],
                   absorption=sol.absorption[k], income=sol.income[k],
                   iterations=int(iterations[k]), max_residual=float(residual[k]),
                   prices=(sector_price[k], price[k]),
                   market=None if sol.labour is None else
                   (sol.labour[k], sol.welfare[k], spec.market))
            for k, (s, th) in enumerate(zip(items, thetas, strict=True))]


def _progress(progress: bool | Callable[[int], None], total: int) -> tuple[Any, Callable]:
    if callable(progress):
        done = [0]

        def tick(k: int) -> None:
            done[0] += k
            progress(done[0])

        return None, tick
    if progress:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("solving", total=total)
        bar.start()
        return bar, lambda k: bar.advance(task, k)
    return None, lambda k: None

def _retry_plain(c: Any, base: Baseline, spec: _Spec, st: Any, it: np.ndarray,
                 res: np.ndarray, diverged: np.ndarray) -> tuple:
    """Scenarios whose accelerated iteration ran away or stalled, solved again from the
    baseline with plain half steps (no Anderson mixing): an extrapolated step can leave the
    basin of an equilibrium that exists, or stagnate just above the tolerance (seen: 1.5e-10
    after 10,000 iterations on a four-country world), and which a borderline scenario hits
    then depends on rounding (the order of the countries, the backend). Only where this
    also fails is there no equilibrium near the baseline."""
    rows = np.flatnonzero(diverged | (res > spec.tol))
    again = replace(spec, theta=spec.theta[rows], damping=min(spec.damping, 0.5))
    st2, it2, res2, div2 = _solve_hat(c[rows], base, again, memory=0)
    st = _scatter(st, rows, st2)
    it, res, diverged = it.copy(), res.copy(), diverged.copy()
    it[rows], res[rows], diverged[rows] = it2, res2, div2
    return st, it, res, diverged


def _solve_batch(base: Baseline, shocks: ShockPatch, spec: _Spec,
                 names: list[str]) -> _Solution:
    m = spec.market
    c = (shared(base, shocks, spec.theta) if _shares(base, spec) else
         dense(base, shocks, spec.theta, None if m is None else m.phi))
    if not spec.conditional and spec.deficits != "zero":
        _check_isolation(base, c, names)
    st, it, res, diverged = _solve_hat(c, base, spec)
    if diverged.any() or (res > spec.tol).any():
        st, it, res, diverged = _retry_plain(c, base, spec, st, it, res, diverged)
    # iterations ran out just short: a Newton polish from there (not when a caller capped
    # the iterations low on purpose: that cap is the question asked)
    short = np.flatnonzero(~diverged & (res > spec.tol) & (it >= spec.max_iter)
                           & (spec.max_iter >= 1000) & (res < 1e-4))
    if len(short):
        st2, res2 = _polish(c, base, spec, st, short)
        done = short[res2 <= spec.tol]
        if len(done):
            st = _scatter(st, done, st2.take(done))
            res = res.copy()
            res[done] = res2[res2 <= spec.tol]
    if diverged.any() or (res > spec.tol).any():
        _raise_unconverged(st, c, base, spec, names, it, res, diverged)
    ev = _evaluate(st, c, base, spec)
    _check_admissible(ev, base, spec, names, it, res)
    # exports: sales less the sales at home, X'^s_ii = c^s_i a_sale^s_ii X'^s_i / P^s_i
    home = ev.c_theta * c.diagonal("a_sale") * ev.absorption / ev.p_theta
    sol = _Solution(ev.w, ev.c_theta, ev.p_theta, np.array(ev.absorption),
                    np.array(ev.income), it, res, (ev.sales - home).sum(axis=1))
    if m is not None:
        sol.labour, sol.price = ev.labour, ev.price
        sol.welfare = market_welfare(ev.income, ev.w, ev.labour, ev.price, ev.rho, m)
    return sol
