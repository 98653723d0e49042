"""``solve`` and ``solve_many``: validate at the door, then one batched hat-algebra solver.

The system solved is stated in :mod:`middlepower.model`. Arrays are (batch, S, N) or
(batch, S, N, N) with axes (scenario, sector, exporter, importer); one scenario is
batch = 1 and a one-sector world is S = 1.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, get_args

import numpy as np

from ..data.world import World
from ..errors import ConvergenceError, InadmissibleEquilibriumError, ParameterError, ScenarioError
from ..scenario.patches import SparseBatch, sparse_batch
from ..scenario.scenario import DeficitClosure, Scenario
from ._coefficients import Dense, Shared, baseline_matrices, dense, shared
from .options import Mode, SolveOptions
from .result import Result, Results, consumer_prices

__all__ = ["Baseline", "solve", "solve_many"]

log = logging.getLogger(__name__)


#: Batch x S x N x N elements per array in one chunk: about 5 MB, so that a chunk's
#: arrays stay in cache (measured: 16 scenarios at N = 193 ran 25% faster than 64).
_MAX_BLOCK = 600_000

#: |log w| beyond this (a factor of e^30) means the iteration is running away.
_RUNAWAY = 30.0


@dataclass(frozen=True)
class Baseline:
    """Baseline quantities of a world; see :mod:`middlepower.model`.

    Sector arrays are (S, N) or (S, N, N); country totals (N,) or (N, N).
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    sector_flows: np.ndarray     # X^s_ij, pre-tariff
    sector_tariffs: np.ndarray   # t^s_ij
    sector_shares: np.ndarray    # lambda^s_ij
    sector_output: np.ndarray    # Y^s_i
    absorption: np.ndarray       # E^s_j, incl. tariffs
    va_share: np.ndarray         # gamma^s_n
    io: np.ndarray               # io[s, k, n]
    alpha: np.ndarray            # final-demand shares alpha^s_n
    value_added: np.ndarray      # VA_n = sum_s gamma^s_n Y^s_n
    deficit: np.ndarray          # D_n
    income: np.ndarray           # I_n = VA_n + D_n + R_n
    has_io: bool
    scale: np.ndarray            # E^s_j where positive, else 1: spending's unit in the state
    flows: np.ndarray            # (N, N) sums over sectors, as in the one-sector model
    tariffs: np.ndarray
    output: np.ndarray           # Y_i gross output
    spending: np.ndarray         # E_j total absorption incl. tariffs
    shares: np.ndarray           # (N, N) lambda_ij of total absorption

    @cached_property
    def coefficient_matrices(self) -> dict[str, np.ndarray]:
        """The coefficient matrices with no shock, (S, N, N) each, by name (see
        :mod:`._coefficients`)."""
        return baseline_matrices(self)

    @cached_property
    def io_by_country(self) -> np.ndarray:
        """(N, S, K) io[s, k, n] as one (S, K) matrix per country n: sum_k io p^k."""
        return np.ascontiguousarray(self.io.transpose(2, 0, 1))

    @cached_property
    def io_used_by_country(self) -> np.ndarray:
        """(N, S, U) io[u, s, n] per country: input s used by all sectors u, sum_u io Y^u."""
        return np.ascontiguousarray(self.io.transpose(2, 1, 0))

    @classmethod
    def of(cls, world: World) -> Baseline:
        return cls(world.countries, world.sectors, world.sector_flows, world.sector_tariffs,
                   world.sector_shares(), world.sector_output(), world.sector_expenditure(),
                   world.value_added_shares, world.io_shares, world.final_shares(),
                   world.value_added(), world.deficit(), world.income(),
                   bool(world.io_shares.any()),
                   np.where(world.sector_expenditure() > 0, world.sector_expenditure(), 1.0),
                   world.flows, world.tariffs, world.output(),
                   world.expenditure(), world.shares())


@dataclass(frozen=True)
class _Spec:
    """Settings of one batch solve, checked by :func:`_check_options`."""

    theta: np.ndarray      # (b, S): one trade elasticity per scenario and sector
    deficits: str
    conditional: bool
    ref: int | None        # numeraire country, None for world output
    ref_price: bool        # True: its consumer price index is fixed, else its factory price
    tol: float
    max_iter: int
    damping: float
    backend: str = "auto"  # SolveOptions.backend


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


#: Largest trade elasticity accepted: beyond it shares overflow double precision.
_MAX_THETA = 100.0


def _check_theta(theta: Any, n: int, world: World) -> np.ndarray:
    """Trade elasticities as an (n, S) array: one per scenario and sector.

    ``None`` takes the world's sectoral elasticities (5 without them); a number applies to
    every sector; a sequence of n numbers gives one per scenario; an (n, S) or (1, S)
    array one per scenario and sector.
    """
    S = world.n_sectors
    if theta is None:
        own = world.sector_theta
        return np.tile(own if own is not None else np.full(S, SolveOptions.DEFAULT_THETA),
                       (n, 1))
    if isinstance(theta, bool | str) or (
            isinstance(theta, Sequence | np.ndarray) and any(isinstance(v, bool | str)
                                                            for v in np.ravel(theta))):
        raise ParameterError(f"theta={theta!r}: the trade elasticity must be a number, not "
                             f"{type(theta).__name__}.")
    try:
        values = np.asarray(theta, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"theta={theta!r}: the trade elasticity must be a number.") from None
    if values.ndim == 0:
        values = np.full((n, S), float(values))
    elif values.ndim == 1:
        if values.size == 1:
            values = np.full((n, S), values[0])
        elif values.size == n:
            values = np.repeat(values[:, None], S, axis=1)
        else:
            raise ParameterError(f"theta has {values.size} values for {n} scenarios; give one "
                                 "number, one per scenario, or an (n, S) array.")
    elif values.ndim == 2 and values.shape in ((1, S), (n, S)):
        values = np.broadcast_to(values, (n, S)).copy()
    else:
        raise ParameterError(f"theta has shape {values.shape}; expecting a number, {n} values "
                             f"(one per scenario) or shape ({n}, {S}).")
    bad = ~np.isfinite(values) | (values <= 0) | (values > _MAX_THETA)
    if bad.any():
        v = float(values[bad][0])
        raise ParameterError(f"theta={v:g}: the trade elasticity must be a positive number up "
                             f"to {_MAX_THETA:g} (estimates mostly lie between 2 and 10; 5 is "
                             "the default).")
    return values


def _check_options(world: World, theta: np.ndarray, deficits: str, mode: str,
                   numeraire: str, tol: float, max_iter: int, damping: float,
                   backend: str = "auto") -> _Spec:
    if deficits not in get_args(DeficitClosure):
        raise ParameterError(f"deficits={deficits!r}: expecting one of "
                             f"{get_args(DeficitClosure)}.")
    if mode not in get_args(Mode):
        raise ParameterError(f"mode={mode!r}: expecting one of {get_args(Mode)}.")
    if mode == "conditional" and (world.n_sectors > 1 or world.io_shares.any()):
        raise ParameterError("mode='conditional' holds each economy's output fixed, which is "
                             "defined for one sector; use world.collapse() for it.")
    for name, v in (("tol", tol), ("max_iter", max_iter), ("damping", damping)):
        if isinstance(v, bool) or not isinstance(v, int | float | np.number):
            raise ParameterError(f"{name}={v!r} must be a number.")
    if not (0 < tol < 1e-2):
        raise ParameterError(f"tol={tol!r} must lie in (0, 0.01).")
    if int(max_iter) < 1:
        raise ParameterError(f"max_iter={max_iter!r} must be at least 1.")
    if not (0 < damping <= 1):
        raise ParameterError(f"damping={damping!r} must lie in (0, 1].")
    ref, ref_price = None, False
    if not isinstance(numeraire, str):
        raise ParameterError(f"numeraire={numeraire!r}: expecting 'world', a country code or "
                             "'price:CODE'.")
    if numeraire != "world":
        code = numeraire
        if numeraire.startswith("price:"):
            code, ref_price = numeraire.removeprefix("price:"), True
        ref = world.index(code)
    return _Spec(theta, deficits, mode == "conditional", ref, ref_price, float(tol),
                 int(max_iter), float(damping), backend)


def _as_scenarios(scenarios: Any) -> list[Scenario]:
    if isinstance(scenarios, Scenario):
        return scenarios.expand()
    out: list[Scenario] = []
    for k, s in enumerate(scenarios):
        if isinstance(s, Scenario):
            out.extend(s.expand())
        else:
            raise ScenarioError(f"item {k} of scenarios is a {type(s).__name__}, not an "
                                "mp.Scenario; wrap shocks in mp.Scenario(name, shocks=[...]).")
    return out


def solve(
    world: World,
    scenario: Scenario | Sequence[Any],
    theta: float | SolveOptions | None = None,
    deficits: DeficitClosure | None = None,
    *,
    options: SolveOptions | None = None,
    mode: Mode | None = None,
    numeraire: str | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    damping: float | None = None,
) -> Result:
    """Solve for the counterfactual equilibrium of one scenario.

    Every option defaults to :class:`SolveOptions` (the one place defaults are set): pass
    ``options=SolveOptions(...)`` (or as the third argument), keyword arguments, or both
    (keywords that are not None win).

    Parameters
    ----------
    world : World
        The baseline, with one sector or many.
    scenario : Scenario, or a list of shocks
        Shocks from :func:`mp.tariff`, :func:`mp.agreement`, ... A scenario with variants
        goes to :func:`solve_many`.
    options : SolveOptions, optional
    theta : float or array of shape (S,), optional
        Trade elasticity (sigma - 1), > 0. By default the world's sectoral elasticities
        (``world.sector_theta``) where it has them, else 5.0. A number applies to every
        sector.
    deficits : {"additive", "ratio", "zero"}, default "additive"
        Closure for trade imbalances; see :mod:`middlepower.model`. ``"zero"`` balances
        every country's trade in the counterfactual (D' = 0), the first step of Caliendo &
        Parro (2015): ``mp.solve(world, [], deficits="zero").to_world()`` is a balanced
        baseline.
    mode : {"full", "conditional"}, default "full"
        ``"conditional"`` holds every economy's output and spending at their baseline
        values and lets only the multilateral resistances adjust (the "conditional general
        equilibrium" of Yotov et al. 2016; one-sector worlds); ``w_hat`` is then the change
        of the outward multilateral resistance term, not a price.
    numeraire : str, default "world"
        ``"world"`` keeps world value added fixed; a country code keeps its factory-gate
        price fixed (``"DEU"``); ``"price:DEU"`` keeps its consumer price index fixed, the
        normalisation of Yotov et al. (2016).
    tol : float, default 1e-10
        Largest relative excess demand accepted (and, with input-output links, largest
        relative change of sector prices and spending in the last step).
    max_iter : int, default 10000
    damping : float, default 1.0
        Step size in (0, 1]; lower it if the solver does not converge.

    Returns
    -------
    Result
        ``countries`` (welfare_pct, real_gdp_pct, ...), ``flows``, ``sectors`` and
        diagnostics ``converged``, ``iterations``, ``max_residual``.

    Raises
    ------
    ConvergenceError
        Naming the scenario, the worst country and its residual; never an unconverged
        result.
    InadmissibleEquilibriumError
        The fixed point found is not an economy (e.g. negative spending): named quantity,
        country and likely cause.
    ParameterError, UnknownCountryError, UnknownSectorError, ScenarioError

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
    >>> r = mp.solve(w, mp.Scenario("t", [mp.tariff(by="A", on="B", rate=0.2)]))
    >>> bool(r.countries.loc["B", "welfare_pct"] < 0)
    True
    """
    if not isinstance(scenario, Scenario):
        scenario = Scenario("scenario", shocks=list(scenario))
    if scenario.variants:
        raise ScenarioError(f"scenario {scenario.name!r} has {len(scenario.variants)} variants; "
                            "use mp.solve_many(world, scenario) to solve them side by side.")
    if isinstance(theta, SolveOptions):
        options, theta = theta, None
    opts = SolveOptions.of(options, theta=theta, deficits=deficits, mode=mode,
                           numeraire=numeraire, tol=tol, max_iter=max_iter, damping=damping)
    th = opts.theta
    if th is not None and np.ndim(th) == 1 and not isinstance(th, str):
        opts = replace(opts, theta=np.asarray(th, dtype=float)[None, :])
    return solve_many(world, [scenario], options=opts)[0]


def solve_many(
    world: World,
    scenarios: Scenario | Iterable[Scenario],
    theta: float | Sequence[float] | np.ndarray | SolveOptions | None = None,
    deficits: DeficitClosure | None = None,
    *,
    options: SolveOptions | None = None,
    mode: Mode | None = None,
    numeraire: str | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    damping: float | None = None,
    chunk_size: int | None = None,
    progress: bool | Callable[[int], None] = False,
) -> Results:
    """Solve many scenarios against one baseline in vectorised batches.

    Same parameters as :func:`solve` (defaults from :class:`SolveOptions`); a scenario
    with variants counts as one scenario per variant. Results equal one-by-one solves
    (each scenario stops at its own iteration).

    Parameters
    ----------
    theta : float, sequence of float or array, optional
        One trade elasticity for all; one per scenario (as uncertainty analysis draws);
        or an (n, S) array, one per scenario and sector. Default: the world's own.
    chunk_size : int, optional
        Scenarios per batch; by default about 600,000 / (S N^2) in one sector off the fast
        path (5 MB per array), 60,000 / (S N) with several sectors, whose batches share the
        baseline's matrices. Batches are solved on a thread per core.
    progress : bool or callable, default False
        True shows a rich progress bar; a callable receives the number of scenarios done
        after each chunk.

    Returns
    -------
    Results
        A sequence of :class:`Result`, with ``countries`` stacked in one long table.
    """
    if not isinstance(world, World):
        raise ParameterError(f"world must be an mp.World (e.g. mp.load('world2023')); got "
                             f"{type(world).__name__}.")
    if isinstance(theta, SolveOptions):
        options, theta = theta, None
    opts = SolveOptions.of(options, theta=theta, deficits=deficits, mode=mode,
                           numeraire=numeraire, tol=tol, max_iter=max_iter, damping=damping)
    deficits = opts.deficits
    items = _as_scenarios(scenarios)
    if not items:
        raise ScenarioError("no scenarios to solve.")
    thetas = _check_theta(opts.theta, len(items), world)
    spec = _check_options(world, thetas, opts.deficits, opts.mode, opts.numeraire, opts.tol,
                          opts.max_iter, opts.damping, opts.backend)
    base = _baseline(world)
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) < 1):
        raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer.")
    out: list[Result] = []
    for start, sol in _solutions(world, base, items, spec, chunk_size, progress):
        out += _results_of(world, base, items[start:start + len(sol.w)], spec, start, sol,
                           "conditional" if spec.conditional else deficits)
    return Results(out)


#: Scenarios x sectors x economies per chunk with shared coefficients: a scenario then
#: holds (S, N) arrays and its Anderson history, about 20 (2 S + 1) N doubles (wiod2014:
#: 27 scenarios per chunk, 30-40 MB).
_SHARED_BLOCK = 60_000

#: What a batch's coefficients may be.
Coefficients = Dense | Shared


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


def _fast_one_sector(world: World, options: SolveOptions | None = None) -> bool:
    """Does the fast path (:mod:`._fast`) serve full solves of ``world`` (one sector, no
    input-output) with these options (any backend but ``"reference"``)?"""
    backend = (options or SolveOptions()).backend
    return backend != "reference" and _fast_base(_baseline(world))


def _fast_base(base: Baseline) -> bool:
    return len(base.sectors) == 1 and not base.has_io


def _fast_applies(base: Baseline, spec: _Spec) -> bool:
    """...and for these settings (the fast path has the world and country numeraires and
    the additive and ratio closures)."""
    return (spec.backend != "reference" and _fast_base(base) and not spec.conditional
            and not spec.ref_price and spec.deficits != "zero")


def _solutions(world: World, base: Baseline, items: Sequence[Scenario], spec: _Spec,
               chunk_size: int | None, progress: bool | Callable[[int], None],
               patches: Any = None) -> Iterable[tuple[int, _Solution]]:
    """(first row, solution) of each chunk of ``items``; every shock is validated (turned
    into arrays, or on the fast path into sparse patches equal to them) before any solve.
    ``patches`` (fast path only) stands for the items' shocks where a caller built them."""
    n, S = world.n, world.n_sectors
    fast = _fast_applies(base, spec)
    if fast:
        from . import _fast

        fb = _fast.base1(base, world._views)
        if patches is None:
            sb = sparse_batch(world, items)
            patches = _fast.Patches(sb.b, sb.row, sb.exporter, sb.importer, sb.tariffs,
                                    sb.beta, sb.log_dhat)
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
    from ._fast import _pool, _pools

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
    from . import _fast

    stop = start + patches.b
    d = _fast._deltas(fb, patches, spec.theta[:, 0])
    bad = np.zeros(1, dtype=bool)
    if (d.a_new == 0).any():            # a pair cut off: is a country left without trade?
        bad = _fast.isolated(fb, d) & (np.abs(base.deficit) > 1e-9 * base.output)[None, :]
    if not bad.any():
        x, it, res, diverged, at = _fast.solve_patches(fb, patches, spec)
    if bad.any() or diverged.any() or (res > spec.tol).any():
        chunk = list(items[start:stop])
        return _solve_batch(base, sparse_batch(world, chunk), spec, [s.name for s in chunk])
    names = _Names(items, start)
    ev, exports = _fast.evaluate(x, fb, patches, spec, at)
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


def _summaries(world: World, items: Sequence[Scenario], theta: Any = None,
               deficits: DeficitClosure | None = None, *, patches: Any = None,
               options: SolveOptions | None = None,
               progress: bool | Callable[[int], None] = False,
               keys: tuple[str, ...] = ("welfare_hat",)) -> dict[str, np.ndarray]:
    """(b, N) outcomes of many scenarios without building a :class:`Result` each: what
    analyses of thousands of solves read. ``keys`` among ``w_hat``, ``welfare_hat``,
    ``price_index_hat`` (as :class:`Result` computes them) and ``exports`` (pre-tariff sales
    abroad, as ``Result.flows_matrix`` off the diagonal summed by exporter).

    ``patches`` (a :class:`._fast.Patches`, one-sector worlds) stands for the scenarios'
    shocks where an analysis built them directly; ``items`` then only name the rows.
    """
    o = SolveOptions.of(options, theta=theta, deficits=deficits)
    thetas = _check_theta(o.theta, len(items), world)
    spec = _check_options(world, thetas, o.deficits, o.mode, o.numeraire, o.tol, o.max_iter,
                          o.damping, o.backend)
    base = _baseline(world)
    th_s = spec.theta[:, :, None]                     # (b, S, 1)
    out = {k: np.empty((len(items), world.n)) for k in keys}
    for start, sol in _solutions(world, base, items, spec, None, progress,
                                 patches if _fast_applies(base, spec) else None):
        rows = slice(start, start + len(sol.w))
        _, price = consumer_prices(base.alpha, sol.p_theta, th_s[rows])
        got = {"w_hat": sol.w, "price_index_hat": price,
               "welfare_hat": sol.income / base.income / price}
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
    iterations, residual = sol.iterations.tolist(), sol.residual.tolist()
    return [Result(scenario=s, world=world, base=base,
                   theta=float(th[0]) if S == 1 else th.copy(), deficits=deficits,
                   w=sol.w[k], c_theta=sol.c_theta[k], p_theta=sol.p_theta[k],
                   absorption=sol.absorption[k], income=sol.income[k],
                   iterations=int(iterations[k]), max_residual=float(residual[k]),
                   prices=(sector_price[k], price[k]))
            for k, (s, th) in enumerate(zip(items, thetas, strict=True))]


def _baseline(world: World) -> Baseline:
    """The baseline of ``world``, computed once per World object (it is immutable)."""
    cache = world._views
    if "baseline" not in cache:
        cache["baseline"] = Baseline.of(world)
    return cache["baseline"]


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


def _io_sum(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """out[b, s, n] = sum_k m[n, s, k] v[b, k, n], (b, S, N): one (S, S) matrix product
    per country (``m`` is :attr:`Baseline.io_by_country` or ``io_used_by_country``)."""
    return np.ascontiguousarray(np.matmul(m, v.transpose(2, 1, 0)).transpose(2, 1, 0))


@dataclass
class _State:
    """Where the iteration stands: log w (b, N); with input-output links also the log
    sector prices (b, S, N) and sector spending relative to the baseline (b, S, N)."""

    x: np.ndarray
    p: np.ndarray | None = None
    e: np.ndarray | None = None

    def flat(self) -> np.ndarray:
        if self.p is None:
            return self.x
        b = self.x.shape[0]
        return np.concatenate([self.x, self.p.reshape(b, -1), self.e.reshape(b, -1)], axis=1)

    def unflat(self, z: np.ndarray) -> _State:
        if self.p is None:
            return _State(z)
        n = self.x.shape[1]
        k = self.p[0].size
        return _State(z[:, :n], z[:, n:n + k].reshape(self.p.shape),
                      z[:, n + k:].reshape(self.e.shape))

    def take(self, rows: np.ndarray) -> _State:
        if self.p is None:
            return _State(self.x[rows])
        return _State(self.x[rows], self.p[rows], self.e[rows])


@dataclass
class _Eval:
    """Everything the equations give at a state (see :func:`_evaluate`)."""

    w: np.ndarray          # (b, N)
    c_theta: np.ndarray    # (b, S, N) chat^-theta
    p_theta: np.ndarray    # (b, S, N) Phat^-theta
    absorption: np.ndarray  # (b, S, N) X' used for sales
    income: np.ndarray     # (b, N) I'
    sales: np.ndarray      # (b, S, N) Y'^s_i, pre-tariff
    ratio: np.ndarray      # (b, N) value-added sales over w VA (1 in equilibrium)
    p_next: np.ndarray | None = None   # (b, S, N) log Phat implied by the state
    e_next: np.ndarray | None = None   # (b, S, N) X'/X implied by the state


def _deficits(w: np.ndarray, base: Baseline, spec: _Spec) -> np.ndarray:
    """D'_n under the closure: additive in units of world value added, a ratio to VA, or
    zero (trade balanced in the counterfactual)."""
    VA, D = base.value_added, base.deficit
    if spec.deficits == "zero":
        return np.zeros_like(w)
    if spec.deficits == "additive":
        return D[None, :] * ((w @ VA) / VA.sum())[:, None]
    wva = w * VA  # D'_n / VA'_n = D_n / VA_n - c, with c keeping world deficits at zero
    return D * w - wva * ((w @ D) / wva.sum(axis=1))[:, None]


def _evaluate(st: _State, c: Coefficients, base: Baseline, spec: _Spec) -> _Eval:
    """The equations of :mod:`middlepower.model` at a state.

    log chat^s_n = gamma^s_n log w_n + sum_k io[s, k, n] log Phat^k_n;
    Phat^s_j^-theta = sum_i a^s_ij chat^s_i^-theta;
    without input-output links X'^s_n = alpha^s_n I'_n in closed form,
    I'_n = (w_n VA_n + D'_n) / (1 - sum_s alpha^s_n rho^s_n), rho the tariff share of
    spending; with them X' comes from the state and the map returns its update
    X'^s_n = sum_u io[u, s, n] Y'^u_n + alpha^s_n I'_n, I'_n = w_n VA_n + D'_n + R'_n.
    Sales Y'^s_i = sum_j lambda'^s_ij X'^s_j / (1 + t'^s_ij); ratio = sum_s gamma^s Y'^s
    over w VA (sales over output, Y'/(w Y), in one sector).
    """
    th = spec.theta[:, :, None]                       # (b, S, 1)
    w = np.exp(st.x)
    log_c = st.x[:, None, :] if not base.has_io else base.va_share * st.x[:, None, :]
    if st.p is not None:
        log_c = log_c + _io_sum(base.io_by_country, st.p)
    c_theta = np.exp(-th * log_c)
    p_theta = c.importer("a", c_theta)
    if spec.conditional:
        absorption = np.broadcast_to(base.absorption, p_theta.shape)
        income = np.broadcast_to(base.income, w.shape)
    else:
        rho = c.importer("a_tau", c_theta) / p_theta
        d_new = _deficits(w, base, spec)
        if st.p is None:
            income = (w * base.value_added + d_new) / (1.0 - (base.alpha * rho).sum(axis=1))
            absorption = base.alpha * income[:, None, :]
        else:
            absorption = st.e * base.scale
            income = w * base.value_added + d_new + (rho * absorption).sum(axis=1)
    sales = c_theta * c.exporter("a_sale", absorption / p_theta)
    if spec.conditional:
        ratio = sales[:, 0, :] / base.value_added
    else:
        ratio = (base.va_share * sales).sum(axis=1) / (w * base.value_added)
    out = _Eval(w, c_theta, p_theta, absorption, income, sales, ratio)
    if st.p is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            out.p_next = np.log(p_theta) / -th
        x_next = _io_sum(base.io_used_by_country, sales) + base.alpha * income[:, None, :]
        out.e_next = x_next / base.scale
    return out


def _step(ev: _Eval, c: Coefficients, base: Baseline, spec: _Spec) -> np.ndarray:
    """Jacobi-Newton step on log w: log(ratio) / (1 + sum_s omega^s theta_s gamma^s (1 - s^s)).

    s^s_i = sum_j (sales^s_ij / sales^s_i) lambda'^s_ij, how much of i's market moves with
    its own price; omega^s_i the sector's part of i's value-added sales. In one sector:
    log(ratio) / (1 + theta (1 - s)).
    """
    q = ev.absorption / ev.p_theta
    with np.errstate(invalid="ignore", divide="ignore"):
        own = ev.c_theta * c.exporter("a_pair", q / ev.p_theta) / c.exporter("a_sale", q)
        if ev.sales.shape[1] == 1 and not base.has_io:   # one sector: omega = gamma = 1
            return np.log(ev.ratio) / (1.0 + spec.theta * (1.0 - own[:, 0, :]))
        own = np.where(np.isfinite(own), own, 1.0)
        va_sales = base.va_share * ev.sales
        omega = va_sales / va_sales.sum(axis=1, keepdims=True)
        slope = (omega * spec.theta[:, :, None] * base.va_share * (1.0 - own)).sum(axis=1)
        return np.log(ev.ratio) / (1.0 + slope)


def _normalise(st: _State, c: Coefficients, base: Baseline, spec: _Spec) -> _State:
    """Impose the numeraire: shift every price (and spending, homogeneous of degree one)."""
    x = st.x
    if spec.ref is None:
        shift = np.log((np.exp(x) @ base.value_added) / base.value_added.sum())
    elif spec.ref_price:  # prod_s Phat^s_ref^alpha^s_ref = 1
        r = spec.ref
        if st.p is not None:
            shift = st.p[:, :, r] @ base.alpha[:, r]
        else:
            th = spec.theta                                           # (b, S)
            z = np.exp(-th[:, :, None] * base.va_share[None, :, :] * x[:, None, :])
            pt = (c.column(r) * z).sum(axis=2)
            shift = (np.log(pt) / -th) @ base.alpha[:, r]
    else:
        shift = x[:, spec.ref]
    if st.p is None:
        return _State(x - shift[:, None])
    return _State(x - shift[:, None], st.p - shift[:, None, None],
                  st.e * np.exp(-shift)[:, None, None])


def _map(st: _State, c: Coefficients, base: Baseline, spec: _Spec
         ) -> tuple[_State, np.ndarray, _Eval]:
    """One sweep G of the fixed point, and each scenario's residual (b,).

    The residual is the largest relative excess demand, max_i |ratio_i - 1|; with
    input-output links also the largest change of a log sector price or of relative
    sector spending over the sweep.
    """
    ev = _evaluate(st, c, base, spec)
    res = np.max(np.abs(ev.ratio - 1.0), axis=1)
    x_new = st.x + spec.damping * _step(ev, c, base, spec)
    if st.p is None:
        nxt = _State(x_new)
    else:
        nxt = _State(x_new, ev.p_next, ev.e_next)
        with np.errstate(invalid="ignore"):
            dp = np.max(np.abs(ev.p_next - st.p), axis=(1, 2))
            de = np.max(np.abs(ev.e_next - st.e), axis=(1, 2))
        res = np.maximum(res, np.maximum(dp, de))
    res = np.where(np.isfinite(res), res, np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        return _normalise(nxt, c, base, spec), res, ev


def _solve_hat(c: Coefficients, base: Baseline, spec: _Spec, memory: int = 5
               ) -> tuple[_State, np.ndarray, np.ndarray, np.ndarray]:
    """Jacobi-Newton iteration with Anderson acceleration; trusts its inputs.

    The base map G (:func:`_map`) moves log w by a Jacobi-Newton step and, with
    input-output links, sweeps sector prices and spending once. Anderson acceleration
    (Walker & Ni 2011) mixes the last ``memory`` steps by least squares on their
    residuals; a step that fails (non-finite) falls back to G and clears the memory.
    Scenarios leave the batch as they converge (so a batch never costs more per scenario
    than one-by-one solves); one whose prices run away (|log w| > 30, or non-finite) stops
    at once and is reported as diverged.
    Returns the final state, iterations (b,), residual (b,) and a diverged flag (b,).
    """
    b, S, n = c.b, len(base.sectors), len(base.countries)
    if base.has_io:
        memory = max(memory, 8)
        st = _State(np.zeros((b, n)), np.zeros((b, S, n)),
                    np.repeat((base.absorption / base.scale)[None], b, axis=0))
    else:
        st = _State(np.zeros((b, n)))
    st = _normalise(st, c, base, spec)
    final = st
    iters = np.zeros(b, dtype=np.int64)
    residual = np.full(b, np.inf)
    diverged = np.zeros(b, dtype=bool)
    active = np.arange(b)                       # rows of the full batch still iterating
    ca = c
    # the last ``memory`` steps and residual changes, ring buffers (b, memory, K)
    size = st.flat().shape[1]
    dz = np.zeros((b, max(memory, 1), size))
    df = np.zeros_like(dz)
    count = pos = 0
    z_prev = f_prev = None
    for it in range(spec.max_iter + 1):
        g, res, _ = _map(st, ca, base, spec)
        runaway = ~np.isfinite(res) | (np.abs(st.x).max(axis=1) > _RUNAWAY)
        stop = (res <= spec.tol) | runaway | (it == spec.max_iter)
        if stop.any():
            rows = active[stop]
            final = _scatter(final, rows, st.take(stop))
            residual[rows] = res[stop]
            iters[rows] = it
            diverged[rows] = runaway[stop] & (res[stop] > spec.tol)
            keep = ~stop
            if not keep.any():
                break
            active, st, g, ca = active[keep], st.take(keep), g.take(keep), ca[keep]
            spec = replace(spec, theta=spec.theta[keep])
            if z_prev is not None:
                z_prev, f_prev = z_prev[keep], f_prev[keep]
            dz, df = dz[keep], df[keep]
        z, zg = st.flat(), g.flat()
        f = zg - z
        if z_prev is not None and memory > 0:
            np.subtract(z, z_prev, out=dz[:, pos])
            np.subtract(f, f_prev, out=df[:, pos])
            count, pos = min(count + 1, memory), (pos + 1) % memory
        z_prev, f_prev = z, f
        z_new = zg
        if count:
            # the least squares of the last steps (in ring order: the same problem with its
            # columns permuted), by matmul: einsum's own loops took 2.5 ms per iteration
            # for the Gram matrix of a wiod2014 batch, 14 times BLAS's
            F, Z = df[:, :count], dz[:, :count]                 # (b, m, K)
            gram = np.matmul(F, F.transpose(0, 2, 1))
            eye = np.eye(count)[None]
            scale = np.trace(gram, axis1=1, axis2=2)[:, None, None] + 1e-300
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                gamma = np.linalg.solve(gram + 1e-12 * scale * eye, np.matmul(F, f[..., None]))
                mix = np.matmul(gamma.transpose(0, 2, 1), Z + F)[:, 0]
                acc = _normalise(st.unflat(z + f - mix), ca, base, spec).flat()
            ok = np.isfinite(acc).all(axis=1)
            z_new = np.where(ok[:, None], acc, zg)
            if not ok.all():
                count = pos = 0
        st = st.unflat(z_new)
    return final, iters, residual, diverged


def _scatter(full: _State, rows: np.ndarray, part: _State) -> _State:
    """A copy of ``full`` with ``rows`` replaced by ``part``."""
    x = full.x.copy()
    x[rows] = part.x
    if full.p is None:
        return _State(x)
    p, e = full.p.copy(), full.e.copy()
    p[rows] = part.p
    e[rows] = part.e
    return _State(x, p, e)


def _solve_batch(base: Baseline, shocks: SparseBatch, spec: _Spec,
                 names: list[str]) -> _Solution:
    c = shared(base, shocks, spec.theta) if _shares(base, spec) else dense(base, shocks, spec.theta)
    if not spec.conditional and spec.deficits != "zero":
        _check_isolation(base, c, names)
    st, it, res, diverged = _solve_hat(c, base, spec)
    if diverged.any() or (res > spec.tol).any():
        _raise_unconverged(st, c, base, spec, names, it, res, diverged)
    ev = _evaluate(st, c, base, spec)
    _check_admissible(ev, base, spec, names, it, res)
    # exports: sales less the sales at home, X'^s_ii = c^s_i a_sale^s_ii X'^s_i / P^s_i
    home = ev.c_theta * c.diagonal("a_sale") * ev.absorption / ev.p_theta
    return _Solution(ev.w, ev.c_theta, ev.p_theta, np.array(ev.absorption),
                     np.array(ev.income), it, res, (ev.sales - home).sum(axis=1))


def _raise_unconverged(st: _State, c: Coefficients, base: Baseline, spec: _Spec,
                       names: list[str], it: np.ndarray, res: np.ndarray,
                       diverged: np.ndarray) -> None:
    b = int(np.flatnonzero(diverged)[0]) if diverged.any() else int(np.argmax(res))
    x = st.x[b]
    if diverged[b]:
        k = int(np.argmax(np.where(np.isfinite(x), np.abs(x), np.inf)))
        country = base.countries[k]
        raise ConvergenceError(
            f"scenario {names[b]!r}: the solver ran away after {int(it[b])} iterations (the "
            f"price of {country} moved by a factor of {np.exp(min(abs(x[k]), 700)):.3g}): no "
            "equilibrium near the baseline. Large shocks with trade imbalances held fixed "
            "often cause this; try deficits='ratio', smaller shocks, or damping=0.5.",
            iterations=int(it[b]), max_residual=float(res[b]), country=country)
    ev = _evaluate(st.take(np.array([b])), c[b:b + 1], base, spec)
    excess = np.abs(ev.ratio[0] - 1.0)
    k = int(np.nanargmax(np.where(np.isfinite(excess), excess, np.inf)))
    country = base.countries[k]
    raise ConvergenceError(
        f"scenario {names[b]!r}: no convergence after {int(it[b])} iterations (max excess "
        f"demand {res[b]:.3g}, {country}); try damping=0.5 or a larger max_iter.",
        iterations=int(it[b]), max_residual=float(res[b]), country=country)


def _check_admissible(ev: _Eval, base: Baseline, spec: _Spec, names: Sequence[str],
                      it: np.ndarray, res: np.ndarray) -> None:
    """Every equilibrium returned is an economy: positive, finite prices and spending,
    non-negative flows, markets that clear and world trade that adds up."""
    scale = base.income.sum()
    if not _plainly_admissible(ev, -1e-12 * scale):
        _raise_inadmissible(ev, base, names, it, res, scale)
    gap = np.abs(ev.ratio - 1.0).max(axis=1)
    if (gap > max(10 * spec.tol, 1e-8)).any():
        b = int(np.argmax(gap))
        raise InadmissibleEquilibriumError(
            f"scenario {names[b]!r}: markets do not clear at the solution (excess demand "
            f"{gap[b]:.3g}).", quantity="market clearing", scenario=names[b],
            iterations=int(it[b]), max_residual=float(res[b]))


def _plainly_admissible(ev: _Eval, floor: float) -> bool:
    """The checks of :func:`_raise_inadmissible` as one min and max per array: a NaN makes
    a min NaN and fails the comparison, an inf fails the max."""
    with np.errstate(invalid="ignore"):
        return (all(v.min() > 0 and v.max() < np.inf for v in (ev.w, ev.p_theta, ev.income))
                and all(v.min() >= floor and v.max() < np.inf
                        for v in (ev.absorption, ev.sales)))


def _raise_inadmissible(ev: _Eval, base: Baseline, names: Sequence[str], it: np.ndarray,
                        res: np.ndarray, scale: float) -> None:
    """Name the first quantity, scenario and country that is not an economy (an entry of
    any sector that is NaN, infinite or below its floor)."""
    floor = -1e-12 * scale
    checks = [("factory-gate price", ev.w[:, None, :], 0.0, True),
              ("sector price index", ev.p_theta, 0.0, True),
              ("final spending (income)", ev.income[:, None, :], 0.0, True),
              ("sector spending", ev.absorption, floor, False),
              ("sales", ev.sales, floor, False)]
    for quantity, values, low, strict in checks:
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(values) & ((values > low) if strict else (values >= low))
        bad = ~ok.all(axis=1)                                    # (b, N)
        if bad.any():
            b, k = np.argwhere(bad)[0]
            value = values[b, int(np.argmin(ok[b, :, k])), k]
            raise InadmissibleEquilibriumError(
                f"scenario {names[b]!r}: the fixed point is not an economy: {quantity} of "
                f"{base.countries[k]} is {value:.4g}. Most often a trade deficit larger "
                "than the country's income after a large shock; try deficits='ratio' or a "
                "smaller shock.", quantity=quantity, scenario=names[b],
                country=base.countries[k], iterations=int(it[b]),
                max_residual=float(res[b]))
    raise InadmissibleEquilibriumError(   # unreachable while the two checks agree
        f"scenario {names[0]!r}: the fixed point is not an economy.",
        quantity="equilibrium", scenario=names[0])


def _check_isolation(base: Baseline, c: Coefficients, names: list[str]) -> None:
    """A country cut off from all trade cannot finance a deficit: no equilibrium exists."""
    isolated = c.isolated()                                      # (b, N)
    imbalanced = np.abs(base.deficit) > 1e-9 * base.output
    bad = isolated & imbalanced[None, :]
    if bad.any():
        b, k = np.argwhere(bad)[0]
        raise ScenarioError(
            f"scenario {names[b]!r}: {base.countries[k]} is cut off from all trade but has a "
            f"trade deficit of {base.deficit[k]:.4g} in the baseline; an economy in autarky "
            "cannot run one, so no equilibrium exists. Leave it at least one partner, or "
            "balance its trade first.")
