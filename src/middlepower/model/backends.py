"""The backends of the one-sector sparse path, chosen by ``SolveOptions.backend``: the
compiled loop of :mod:`.kernel` (``"compiled"``; ``"auto"`` once it pays) or the NumPy
loop of :mod:`.onesector` (``"numpy"``); the reference engine (``"reference"``) never
comes here. What the process has learnt (the kernel loaded, or broken) is state, never a
switch a caller sets.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .anderson import RUNAWAY
from .equations import _Spec
from .onesector import Base1, _blas_one_thread, _Deltas, iterate

if TYPE_CHECKING:
    from ..scenario.patches import ShockPatch

__all__ = ["solve_patches", "warm_up"]

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

def solve_patches(fb: Base1, p: ShockPatch, d: _Deltas, spec: _Spec, memory: int = 5
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, _AtSolution | None]:
    """Iterate to the fixed point; returns log w (b, N), iterations, residual, diverged,
    and (compiled kernel only) the equations' values there, for :func:`evaluate`."""
    small = p.b <= _KERNEL_MAX_B or fb.n <= _KERNEL_MAX_N
    wanted = spec.backend == "compiled" or (
        spec.backend == "auto" and (_kernel_mod or _numpy_seconds[0] >= _KERNEL_AFTER))
    if wanted and small and not _KERNEL_BROKEN:
        kernel = _load_kernel()
        if kernel is not None:
            return _iterate_compiled(kernel, fb, p, d, spec, memory)
    t0 = time.perf_counter()
    with _blas_one_thread(p.b * fb.n * fb.n), np.errstate(invalid="ignore", divide="ignore",
                                                            over="ignore"):
        out = iterate(fb, p, d, spec, memory)
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
        from . import kernel as _kernel
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


def _iterate_compiled(kernel: Any, fb: Base1, p: ShockPatch, d: _Deltas, spec: _Spec,
                      memory: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, _AtSolution]:
    """:func:`.onesector.iterate` in the compiled loop: the same iteration, scenario by scenario."""
    b, n = p.b, fb.n
    theta = np.ascontiguousarray(spec.theta[:, 0], dtype=np.float64)
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
              float(RUNAWAY))

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


def warm_up() -> bool:
    """Load the compiled solver kernel now (about 0.4 s from numba's on-disk cache, 5 s
    the very first time on a machine), so that the next solve is as fast as the
    hundredth. A long-running process (the web server does this at start, a notebook)
    calls it once; ``backend="auto"`` then iterates in the kernel from the first solve.
    Returns False, with a warning, where numba is unavailable (NumPy serves instead).
    """
    return _load_kernel() is not None
