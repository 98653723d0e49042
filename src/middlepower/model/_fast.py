r"""The fast path of the one-sector solver: the baseline shared, the shocks as patches.

A scenario changes few pairs of the coefficient matrices of :mod:`middlepower.model`,

.. math::

    a_{ij} = \lambda_{ij} m_{ij},\quad m_{ij} = e^{\beta_{ij}} (\hat d_{ij}\hat t_{ij})^{-\theta}
    \quad (m = 1 \text{ where nothing changed}),

so each of the four matrices a, a t'/(1+t'), a/(1+t') and a^2/(1+t') is the baseline's
(the same for every scenario, every theta) plus a sparse patch on the changed pairs. A batch
then costs two dense matrix products against the shared baseline per iteration (one
``(b, N) @ (N, 2N)`` for the importer sums, two ``(b, N) @ (N, N)`` for the exporter sums:
BLAS level 3, the baseline read once for the whole batch) plus ``np.bincount`` over the
patched entries, instead of ``b`` separate (N, N) matrix-vector products over stacked
copies. No (b, N, N) array is ever built.

The iteration is the one of :func:`middlepower.model.solve._solve_hat` (Jacobi-Newton
step, Anderson acceleration of depth 5, scenarios leaving the batch as they converge), so
the iterates agree with it to rounding; the Anderson history is a ring buffer with its
Gram matrix updated one column per iteration (the least-squares problem is the same up to
the order of its columns).

The iteration itself runs in the compiled loop of :mod:`._kernel` (numba, one scenario at
a time, no per-iteration allocation) on the ``"compiled"`` backend (and on ``"auto"`` once a
process has iterated long enough to pay for loading it) when numba loads; the NumPy loop
here (``"numpy"``) is the fallback, and the reference the benchmarks time the kernel
against.

Used for one-sector worlds without input-output links, ``mode="full"`` and a world or
country numeraire; everything else, and the reporting of errors, goes to the plain path.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .solve import _RUNAWAY, Baseline, _Eval, _Spec

__all__ = ["Base1", "Patches", "base1", "patches_from_arrays", "solve_patches"]

log = logging.getLogger(__name__)

#: A fact, not a switch: True once numba could not be imported or the kernel not compiled
#: (warned once); the NumPy loop then serves every backend for the rest of the process.
_KERNEL_BROKEN = False

#: Seconds of NumPy iteration a process spends before it loads the kernel. Loading numba
#: and the kernel from numba's cache costs 0.4-0.6 s (measured; 5 s to compile it the very
#: first time), more than a one-shot command's solves save: ``middlepower brief`` iterates
#: for 0.22 s in all. As in renting before buying, a process pays in NumPy time what the
#: kernel costs to load, and then loads it, so that it never spends more than twice the
#: better of the two: one that keeps solving (a server, a notebook, an analysis of
#: thousands of solves) passes this within its first second or two. 0 loads the kernel at
#: the first solve (the benchmarks and tests do).
_KERNEL_AFTER = 0.5

#: Batches of more than ``_KERNEL_MAX_B`` scenarios at N above ``_KERNEL_MAX_N`` stay in the
#: NumPy loop: its level-3 products read the shared baseline once per iteration for the
#: whole batch, where the kernel reads it (0.6 MB at N = 193) once per scenario (measured,
#: 256 scenarios at N = 193: 2,000-2,300 solves/s compiled, 2,450-3,200 in NumPy; at
#: N = 40 the kernel is faster at any batch size). On 2 threads (``_THREADS_FROM``) the
#: kernel would win here too (3,600-3,800 solves/s, leverage of world2023-full 4.2 s ->
#: 2.8 s), but its sums differ from the NumPy loop's by rounding, which moves results at
#: the 1e-12 level and flips leverage ratios of two rounding-level losses: kept as is.
_KERNEL_MAX_B = 8
_KERNEL_MAX_N = 100

#: The loaded kernel module and its import time (s), once loaded.
_kernel_mod: list[Any] = []

#: NumPy iteration time (s) spent so far in this process, while the kernel is not loaded.
_numpy_seconds = [0.0]


@dataclass(frozen=True)
class Base1:
    """The shared baseline matrices of a one-sector world (computed once per World)."""

    n: int
    lam: np.ndarray        # (N, N) lambda_ij
    t0: np.ndarray         # (N, N) baseline tariffs
    log1p_t0: np.ndarray
    imp: np.ndarray        # (N, 2N) [lambda | lambda t0/(1+t0)]: importer sums c @ imp
    sale_t: np.ndarray     # (N, N) (lambda/(1+t0)).T: exporter sums q @ sale_t
    pair_t: np.ndarray     # (N, N) (lambda^2/(1+t0)).T
    diag_sale: np.ndarray  # (N,) lambda_ii/(1+t0_ii)
    va: np.ndarray         # (N,) value added
    va_sum: float
    deficit: np.ndarray    # (N,)
    alpha: np.ndarray      # (N,) final-demand share of the one sector (1)
    gamma: np.ndarray      # (N,) value-added share (1)
    offdiag_nnz_row: np.ndarray  # (N,) positive off-diagonal lambda per exporter row
    offdiag_nnz_col: np.ndarray  # (N,) ... per importer column
    sale: np.ndarray       # (N, N) lambda/(1+t0), C order: the kernel's second matrix


def base1(base: Baseline, cache: dict) -> Base1:
    """The :class:`Base1` of a baseline, kept in ``cache`` (the World's own view cache)."""
    if "fast_base1" not in cache:
        lam = np.ascontiguousarray(base.sector_shares[0])
        t0 = np.ascontiguousarray(base.sector_tariffs[0])
        sale = lam / (1.0 + t0)
        pair = sale * lam
        off = (lam > 0) & ~np.eye(len(lam), dtype=bool)
        cache["fast_base1"] = Base1(
            n=len(lam), lam=lam, t0=t0, log1p_t0=np.log1p(t0),
            imp=np.ascontiguousarray(np.concatenate([lam, lam * (t0 / (1.0 + t0))], axis=1)),
            sale_t=np.ascontiguousarray(sale.T), pair_t=np.ascontiguousarray(pair.T),
            diag_sale=np.diagonal(sale).copy(), va=base.value_added,
            va_sum=float(base.value_added.sum()), deficit=base.deficit,
            alpha=base.alpha[0], gamma=base.va_share[0],
            offdiag_nnz_row=off.sum(axis=1), offdiag_nnz_col=off.sum(axis=0),
            sale=np.ascontiguousarray(sale))
    return cache["fast_base1"]


@dataclass
class Patches:
    """The changed pairs of a batch: entry e is pair (i[e], j[e]) of scenario row[e].

    ``t_new``, ``beta`` and ``log_dhat`` are the scenario's values on the pair (baseline
    tariff, 0 and 0 where unchanged). Rows are sorted by scenario.
    """

    b: int
    row: np.ndarray
    i: np.ndarray
    j: np.ndarray
    t_new: np.ndarray
    beta: np.ndarray
    log_dhat: np.ndarray
    #: (theta bytes, _Deltas) of the last :func:`_deltas` call, which a batch needs three
    #: times (isolation check, iteration, evaluation)
    _memo: list = field(default_factory=list, repr=False, compare=False)

    def take(self, rows: np.ndarray) -> Patches:
        """The patches of scenarios ``rows`` (ascending), renumbered 0..len(rows)-1."""
        new = np.full(self.b, -1, dtype=np.intp)
        new[rows] = np.arange(len(rows))
        keep = new[self.row] >= 0
        return Patches(len(rows), new[self.row[keep]], self.i[keep], self.j[keep],
                       self.t_new[keep], self.beta[keep], self.log_dhat[keep])

    @staticmethod
    def concat(parts: list[Patches]) -> Patches:
        offsets = np.cumsum([0] + [p.b for p in parts])
        return Patches(int(offsets[-1]),
                       np.concatenate([p.row + o for p, o in zip(parts, offsets, strict=False)]),
                       *(np.concatenate([getattr(p, k) for p in parts])
                         for k in ("i", "j", "t_new", "beta", "log_dhat")))


def patches_from_arrays(arrays: list, t0: np.ndarray) -> Patches:
    """Patches from dense one-sector :class:`ShockArrays` (each (1, N, N))."""
    rows, ii, jj, tn, be, ld = [], [], [], [], [], []
    for k, a in enumerate(arrays):
        t_new, beta, log_dhat = a.tariffs[0], a.beta[0], a.log_dhat[0]
        i, j = np.nonzero((beta != 0) | (log_dhat != 0) | (t_new != t0))
        rows.append(np.full(len(i), k, dtype=np.intp))
        ii.append(i)
        jj.append(j)
        tn.append(t_new[i, j])
        be.append(beta[i, j])
        ld.append(log_dhat[i, j])
    return Patches(len(arrays), *(np.concatenate(v) if v else np.zeros(0)
                                  for v in (rows, ii, jj, tn, be, ld)))


@dataclass
class _Deltas:
    """The patch as scatter/gather index arrays and coefficient changes, for one batch."""

    b: int
    imp_gather: np.ndarray   # into c.ravel(): row*N + i, twice
    imp_scatter: np.ndarray  # into (b, 2N): row*2N + j and row*2N + N + j
    imp_delta: np.ndarray    # [a - a0, a tau - a0 tau0]
    exp_gather: np.ndarray   # into [q | q/P] (b, 2N): row*2N + j and row*2N + N + j
    exp_scatter: np.ndarray  # into (b, 2N): row*2N + i and row*2N + N + i
    exp_delta: np.ndarray    # [a_sale - a_sale0, a_pair - a_pair0]
    diag_row: np.ndarray     # entries on the diagonal (a shock may patch it)
    diag_i: np.ndarray
    diag_delta: np.ndarray   # a_sale - a_sale0 on the diagonal
    a_new: np.ndarray        # a on each entry, for the isolation check
    row: np.ndarray
    i: np.ndarray
    j: np.ndarray


def _deltas(fb: Base1, p: Patches, theta: np.ndarray) -> _Deltas:
    """Coefficient changes on the patched pairs, as :func:`._coefficients.dense` computes a."""
    key = np.ascontiguousarray(theta, dtype=float).tobytes()
    if p._memo and p._memo[0] == key and p._memo[1].b == p.b:
        return p._memo[1]
    d = _deltas_of(fb, p, theta)
    p._memo[:] = [key, d]
    return d


def _deltas_of(fb: Base1, p: Patches, theta: np.ndarray) -> _Deltas:
    n, b = fb.n, p.b
    lam = fb.lam[p.i, p.j]
    t_new = p.t_new
    log_that = np.log1p(t_new) - fb.log1p_t0[p.i, p.j]
    with np.errstate(invalid="ignore"):   # -inf (embargo) stays -inf
        log_a = p.beta - theta[p.row] * (p.log_dhat + log_that)
    a = lam * np.exp(log_a)
    t0 = fb.t0[p.i, p.j]
    a_sale = a / (1.0 + t_new)
    sale0 = lam / (1.0 + t0)
    d_a = a - lam
    d_tau = a * (t_new / (1.0 + t_new)) - lam * (t0 / (1.0 + t0))
    d_sale = a_sale - sale0
    d_pair = a_sale * a - sale0 * lam
    base2 = p.row * (2 * n)
    on_diag = p.i == p.j
    return _Deltas(
        b=b,
        imp_gather=np.concatenate([p.row * n + p.i] * 2),
        imp_scatter=np.concatenate([base2 + p.j, base2 + n + p.j]),
        imp_delta=np.concatenate([d_a, d_tau]),
        exp_gather=np.concatenate([base2 + p.j, base2 + n + p.j]),
        exp_scatter=np.concatenate([base2 + p.i, base2 + n + p.i]),
        exp_delta=np.concatenate([d_sale, d_pair]),
        diag_row=p.row[on_diag], diag_i=p.i[on_diag], diag_delta=d_sale[on_diag],
        a_new=a, row=p.row, i=p.i, j=p.j)


def _scatter(out: np.ndarray, scatter: np.ndarray, weights: np.ndarray) -> None:
    """out.ravel()[scatter] += weights, summing repeated indices."""
    if len(scatter):
        out += np.bincount(scatter, weights=weights, minlength=out.size).reshape(out.shape)


@dataclass
class _Point:
    """What the equations give at log w = x for a batch (one sector): see solve._evaluate."""

    w: np.ndarray
    c: np.ndarray          # chat^-theta = w^-theta
    p: np.ndarray          # Phat^-theta
    income: np.ndarray
    q: np.ndarray          # absorption / Phat^-theta


def _point(x: np.ndarray, th: np.ndarray, fb: Base1, d: _Deltas, additive: bool) -> _Point:
    n = fb.n
    w = np.exp(x)
    c = np.exp(-th * x)
    pr = c @ fb.imp
    _scatter(pr, d.imp_scatter, d.imp_delta * c.ravel()[d.imp_gather])
    p, rho = pr[:, :n], pr[:, n:] / pr[:, :n]
    if additive:
        d_new = fb.deficit[None, :] * ((w @ fb.va) / fb.va_sum)[:, None]
    else:
        wva = w * fb.va
        d_new = fb.deficit * w - wva * ((w @ fb.deficit) / wva.sum(axis=1))[:, None]
    income = (w * fb.va + d_new) / (1.0 - fb.alpha * rho)
    q = (fb.alpha * income) / p
    return _Point(w, c, p, income, q)


def _sums(pt: _Point, fb: Base1, d: _Deltas) -> tuple[np.ndarray, np.ndarray]:
    """sum_j a_sale_ij q_j and sum_j a_pair_ij q_j / P_j, each (b, N)."""
    n = fb.n
    qq = np.concatenate([pt.q, pt.q / pt.p], axis=1)
    s = np.concatenate([pt.q @ fb.sale_t, qq[:, n:] @ fb.pair_t], axis=1)
    _scatter(s, d.exp_scatter, d.exp_delta * qq.ravel()[d.exp_gather])
    return s[:, :n], s[:, n:]


def _map(x: np.ndarray, th: np.ndarray, fb: Base1, d: _Deltas, spec: _Spec
         ) -> tuple[np.ndarray, np.ndarray]:
    """One normalised sweep G(x) and the residual max_i |ratio_i - 1| (b,)."""
    pt = _point(x, th, fb, d, spec.deficits == "additive")
    s_sale, s_pair = _sums(pt, fb, d)
    ratio = fb.gamma * (pt.c * s_sale) / (pt.w * fb.va)
    res = np.max(np.abs(ratio - 1.0), axis=1)
    own = pt.c * s_pair / s_sale
    step = np.log(ratio) / (1.0 + th * (1.0 - own))
    res = np.where(np.isfinite(res), res, np.inf)
    return _normalise(x + spec.damping * step, fb, spec), res


def _normalise(x: np.ndarray, fb: Base1, spec: _Spec) -> np.ndarray:
    shift = np.log((np.exp(x) @ fb.va) / fb.va_sum) if spec.ref is None else x[:, spec.ref]
    return x - shift[:, None]


#: Matrix products (b, N) @ (N, N) at least this large run on one BLAS thread: on a
#: machine shared with other work OpenBLAS's threads wait on each other and the product
#: ran 50-100x slower (measured: 8 ms instead of 0.1 ms at b = 741, N = 39 on 2 busy cores).
_ONE_THREAD_FROM = 20_000

_controller: list[Any] = []


def _blas_one_thread(size: int) -> contextlib.AbstractContextManager:
    if size < _ONE_THREAD_FROM:
        return contextlib.nullcontext()
    if not _controller:
        from threadpoolctl import ThreadpoolController

        _controller.append(ThreadpoolController())
    return _controller[0].limit(limits=1, user_api="blas")


def solve_patches(fb: Base1, p: Patches, spec: _Spec, memory: int = 5
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, _AtSolution | None]:
    """Iterate to the fixed point; returns log w (b, N), iterations, residual, diverged,
    and (compiled kernel only) the equations' values there, for :func:`evaluate`."""
    small = p.b <= _KERNEL_MAX_B or fb.n <= _KERNEL_MAX_N
    wanted = spec.backend == "compiled" or (
        spec.backend == "auto" and (_kernel_mod or _numpy_seconds[0] >= _KERNEL_AFTER))
    if wanted and small and not _KERNEL_BROKEN:
        kernel = _load_kernel()
        if kernel is not None:
            return _iterate_compiled(kernel, fb, p, spec, memory)
    t0 = time.perf_counter()
    with _blas_one_thread(p.b * fb.n * fb.n), np.errstate(invalid="ignore", divide="ignore",
                                                            over="ignore"):
        out = _iterate(fb, p, spec, memory)
    _numpy_seconds[0] += time.perf_counter() - t0
    return (*out, None)


def _load_kernel() -> Any:
    """The compiled kernel module, imported (and compiled, or loaded from numba's cache)
    on first use; None, with a warning, if that fails: the NumPy loop then serves."""
    global _KERNEL_BROKEN
    if _kernel_mod:
        return _kernel_mod[0]
    t0 = time.perf_counter()
    try:
        import numba

        if numba.config.DISABLE_JIT:
            raise RuntimeError("NUMBA_DISABLE_JIT is set, so the kernel would run as "
                               "plain Python")
        from . import _kernel
    except Exception as exc:   # ImportError, numba's compile errors, a broken cache
        _KERNEL_BROKEN = True
        log.warning("middlepower: the compiled solver kernel is unavailable (%s: %s); "
                    "using the NumPy path, which gives the same results more slowly. "
                    "Reinstall numba (pip install 'numba>=0.61') to restore it.",
                    type(exc).__name__, exc)
        return None
    _kernel_mod[:] = [_kernel, time.perf_counter() - t0]
    return _kernel


@dataclass
class _AtSolution:
    """What the kernel's last sweep computed at each row's solution, each (b, N)."""

    p: np.ndarray          # Phat^-theta
    income: np.ndarray     # I'
    sales: np.ndarray      # Y'_i, pre-tariff


def _iterate_compiled(kernel: Any, fb: Base1, p: Patches, spec: _Spec, memory: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, _AtSolution]:
    """:func:`_iterate` in the compiled loop: the same iteration, scenario by scenario."""
    b, n = p.b, fb.n
    theta = np.ascontiguousarray(spec.theta[:, 0], dtype=np.float64)
    d = _deltas(fb, p, theta)
    e = len(p.row)
    row = np.asarray(p.row, dtype=np.int64)
    order = None
    if e > 1 and (np.diff(row) < 0).any():
        order = np.argsort(row, kind="stable")
        row = row[order]

    def entries(v: np.ndarray, dtype: type) -> np.ndarray:
        v = v if order is None else v[order]
        return np.ascontiguousarray(v, dtype=dtype)

    start = np.searchsorted(row, np.arange(b + 1)).astype(np.int64)
    x = np.empty((b, n))
    iters = np.zeros(b, dtype=np.int64)
    residual = np.empty(b)
    diverged = np.zeros(b, dtype=bool)
    at = _AtSolution(np.empty((b, n)), np.empty((b, n)), np.empty((b, n)))
    shared = (entries(d.i, np.int64), entries(d.j, np.int64),
              entries(d.imp_delta[:e], np.float64), entries(d.imp_delta[e:], np.float64),
              entries(d.exp_delta[:e], np.float64), entries(d.exp_delta[e:], np.float64),
              spec.deficits == "additive", -1 if spec.ref is None else int(spec.ref),
              float(spec.tol), int(spec.max_iter), float(spec.damping), int(memory),
              float(_RUNAWAY))

    def rows(lo: int, hi: int) -> None:
        # start holds absolute offsets into the entry arrays, so a slice of it serves
        kernel.solve_rows(fb.lam, fb.sale, fb.va, fb.deficit, fb.alpha, fb.gamma, fb.va_sum,
                          theta[lo:hi], start[lo:hi + 1], *shared, x[lo:hi], iters[lo:hi],
                          residual[lo:hi], diverged[lo:hi], at.p[lo:hi], at.income[lo:hi],
                          at.sales[lo:hi])

    pool = _pool() if b >= _THREADS_FROM else None
    if pool is None:
        rows(0, b)
    else:
        size = max(_THREAD_CHUNK_MIN, -(-b // (_CHUNKS_PER_THREAD * _pools[2])))
        for fut in [pool.submit(rows, lo, min(lo + size, b)) for lo in range(0, b, size)]:
            fut.result()
    return x, iters, residual, diverged, at


#: Batches of at least this many scenarios are split into chunks that the kernel (which
#: releases the GIL) iterates on several threads, one chunk per call with its own work
#: arrays. Each scenario's iteration is the same code on the same inputs, so the results
#: are bitwise those of one thread. Chunks are small enough (several per thread) that a
#: core slowed by other work does not hold up the batch.
_THREADS_FROM = 32
_CHUNKS_PER_THREAD = 4
_THREAD_CHUNK_MIN = 8

#: [pool, pid of the process that made it, its threads]
_pools: list[Any] = []


def _pool() -> Any:
    """A process-wide thread pool, one thread per usable core; None on one core. A forked
    child makes its own: the parent's pool has no threads there."""
    import os

    if not _pools or _pools[1] != os.getpid():
        from concurrent.futures import ThreadPoolExecutor

        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:     # not on Linux
            cores = os.cpu_count() or 1
        _pools[:] = [ThreadPoolExecutor(cores, thread_name_prefix="middlepower-kernel")
                     if cores > 1 else None, os.getpid(), cores]
    return _pools[0]


def _iterate(fb: Base1, p: Patches, spec: _Spec, memory: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    b, n = p.b, fb.n
    th_all = spec.theta[:, :1]                        # (b, 1)
    d = _deltas(fb, p, spec.theta[:, 0])
    x = _normalise(np.zeros((b, n)), fb, spec)
    final = x.copy()
    iters = np.zeros(b, dtype=np.int64)
    residual = np.full(b, np.inf)
    diverged = np.zeros(b, dtype=bool)
    active = np.arange(b)
    th = th_all
    pa = p
    m = memory
    # the Anderson history, slot-major so that each slot is one contiguous (b, N) block
    dz = np.zeros((m, b, n))
    df = np.zeros((m, b, n))
    dzf = np.zeros((m, b, n))
    gram = np.zeros((b, m, m))
    count = pos = 0
    z_prev = f_prev = None
    eye = np.eye(m)
    for it in range(spec.max_iter + 1):
        g, res = _map(x, th, fb, d, spec)
        runaway = ~np.isfinite(res) | (np.abs(x).max(axis=1) > _RUNAWAY)
        stop = (res <= spec.tol) | runaway | (it == spec.max_iter)
        if stop.any():
            rows = active[stop]
            final[rows] = x[stop]
            residual[rows] = res[stop]
            iters[rows] = it
            diverged[rows] = runaway[stop] & (res[stop] > spec.tol)
            keep = np.flatnonzero(~stop)
            if not len(keep):
                break
            active, x, g, th = active[keep], x[keep], g[keep], th[keep]
            pa = pa.take(keep)
            d = _deltas(fb, pa, th[:, 0])
            dz, df, dzf, gram = dz[:, keep], df[:, keep], dzf[:, keep], gram[keep]
            if z_prev is not None:
                z_prev, f_prev = z_prev[keep], f_prev[keep]
        f = g - x
        if z_prev is not None and m > 0:
            np.subtract(x, z_prev, out=dz[pos])
            np.subtract(f, f_prev, out=df[pos])
            np.add(dz[pos], df[pos], out=dzf[pos])
            count = min(count + 1, m)
            col = np.einsum("kbn,bn->bk", df[:count], df[pos])
            gram[:, pos, :count] = col
            gram[:, :count, pos] = col
            pos = (pos + 1) % m
        z_prev, f_prev = x, f
        x_new = g
        if count:
            gk = gram[:, :count, :count]
            scale = np.trace(gk, axis1=1, axis2=2)[:, None, None] + 1e-300
            rhs = np.einsum("kbn,bn->bk", df[:count], f)[..., None]
            gamma = np.linalg.solve(gk + 1e-12 * scale * eye[:count, :count], rhs)[..., 0]
            acc = _normalise(x + f - np.einsum("bk,kbn->bn", gamma, dzf[:count]), fb, spec)
            ok = np.isfinite(acc).all(axis=1)
            x_new = acc if ok.all() else np.where(ok[:, None], acc, g)
            if not ok.all():
                count = pos = 0
        x = x_new
    return final, iters, residual, diverged


def isolated(fb: Base1, d: _Deltas) -> np.ndarray:
    """(b, N): countries with no off-diagonal trade left (as solve._check_isolation)."""
    off = d.i != d.j
    lam = fb.lam[d.i, d.j]
    lost = off & (lam > 0) & (d.a_new == 0)     # a pair cut off (a = lambda m, m >= 0)
    b, n = d.b, fb.n
    lost_row = np.bincount(d.row[lost] * n + d.i[lost], minlength=b * n).reshape(b, n)
    lost_col = np.bincount(d.row[lost] * n + d.j[lost], minlength=b * n).reshape(b, n)
    return (fb.offdiag_nnz_row - lost_row == 0) & (fb.offdiag_nnz_col - lost_col == 0)


def evaluate(x: np.ndarray, fb: Base1, p: Patches, spec: _Spec,
             at: _AtSolution | None = None) -> tuple[_Eval, np.ndarray]:
    """solve._evaluate at the solution, shaped (b, 1, N), and exports (b, N); from the
    kernel's values ``at`` the solution where it gives them."""
    d = _deltas(fb, p, spec.theta[:, 0])
    if at is None:
        with _blas_one_thread(p.b * fb.n * fb.n):
            pt = _point(x, spec.theta[:, :1], fb, d, spec.deficits == "additive")
            s_sale, _ = _sums(pt, fb, d)
        sales = pt.c * s_sale
    else:
        w = np.exp(x)
        pt = _Point(w, np.exp(-spec.theta[:, :1] * x), at.p, at.income,
                    (fb.alpha * at.income) / at.p)
        sales = at.sales
    ratio = fb.gamma * sales / (pt.w * fb.va)
    diag = np.broadcast_to(fb.diag_sale, (p.b, fb.n)).copy()
    if len(d.diag_row):
        diag[d.diag_row, d.diag_i] += d.diag_delta
    exports = sales - pt.c * diag * pt.q
    absorption = (fb.alpha * pt.income)[:, None, :]
    ev = _Eval(pt.w, pt.c[:, None, :], pt.p[:, None, :], absorption, pt.income,
               sales[:, None, :], ratio)
    return ev, exports


def same_as_arrays(p: Patches, k: int, arrays: object, t0: np.ndarray) -> bool:
    """Does row ``k`` of ``p`` change exactly what the dense ``arrays`` of its scenario do?

    Analyses that build patches directly check one scenario against the shocks' own
    arrays, so that the two can never drift apart silently.
    """
    ref = patches_from_arrays([arrays], t0)
    mine = p.take(np.array([k]))
    noop = (mine.t_new == t0[mine.i, mine.j]) & (mine.beta == 0) & (mine.log_dhat == 0)
    mine = Patches(1, *(v[~noop] for v in (mine.row, mine.i, mine.j, mine.t_new, mine.beta,
                                          mine.log_dhat)))

    def key(q: Patches) -> list[tuple]:
        return sorted(zip(q.i.tolist(), q.j.tolist(), q.t_new.tolist(), q.beta.tolist(),
                          q.log_dhat.tolist(), strict=True))
    return key(ref) == key(mine)
