r"""The one-sector sparse path: the baseline shared, the shocks as patches.

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

The same iteration runs in the compiled loop of :mod:`.kernel` (numba, one scenario at a
time, no per-iteration allocation) on the ``"compiled"`` backend; :mod:`.backends` picks
between it and the NumPy loop here (``"numpy"``) by ``SolveOptions.backend``.

Used for one-sector worlds without input-output links, ``mode="full"`` and a world or
country numeraire; everything else, and the reporting of errors, goes to the plain path.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .anderson import RUNAWAY
from .equations import _Eval, _Spec

if TYPE_CHECKING:
    from ..scenario.patches import ShockPatch
    from .backends import _AtSolution
    from .baseline import Baseline

__all__ = ["Base1", "base1", "deltas", "evaluate", "isolated", "iterate"]


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

def base1(base: Baseline) -> Base1:
    """The :class:`Base1` of a baseline (kept as ``Baseline.one_sector``)."""
    lam = np.ascontiguousarray(base.sector_shares[0])
    t0 = np.ascontiguousarray(base.sector_tariffs[0])
    sale = lam / (1.0 + t0)
    pair = sale * lam
    off = (lam > 0) & ~np.eye(len(lam), dtype=bool)
    return Base1(
        n=len(lam), lam=lam, t0=t0, log1p_t0=np.log1p(t0),
        imp=np.ascontiguousarray(np.concatenate([lam, lam * (t0 / (1.0 + t0))], axis=1)),
        sale_t=np.ascontiguousarray(sale.T), pair_t=np.ascontiguousarray(pair.T),
        diag_sale=np.diagonal(sale).copy(), va=base.value_added,
        va_sum=float(base.value_added.sum()), deficit=base.deficit,
        alpha=base.alpha[0], gamma=base.va_share[0],
        offdiag_nnz_row=off.sum(axis=1), offdiag_nnz_col=off.sum(axis=0),
        sale=np.ascontiguousarray(sale))


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

def deltas(fb: Base1, p: ShockPatch, theta: np.ndarray) -> _Deltas:
    """Coefficient changes on the patched pairs, as :func:`._coefficients.dense` computes a."""
    n, b = fb.n, p.b
    lam = fb.lam[p.exporter, p.importer]
    t_new = p.tariffs
    log_that = np.log1p(t_new) - fb.log1p_t0[p.exporter, p.importer]
    with np.errstate(invalid="ignore"):   # -inf (embargo) stays -inf
        log_a = p.beta - theta[p.row] * (p.log_dhat + log_that)
    a = lam * np.exp(log_a)
    t0 = fb.t0[p.exporter, p.importer]
    a_sale = a / (1.0 + t_new)
    sale0 = lam / (1.0 + t0)
    d_a = a - lam
    d_tau = a * (t_new / (1.0 + t_new)) - lam * (t0 / (1.0 + t0))
    d_sale = a_sale - sale0
    d_pair = a_sale * a - sale0 * lam
    base2 = p.row * (2 * n)
    on_diag = p.exporter == p.importer
    return _Deltas(
        b=b,
        imp_gather=np.concatenate([p.row * n + p.exporter] * 2),
        imp_scatter=np.concatenate([base2 + p.importer, base2 + n + p.importer]),
        imp_delta=np.concatenate([d_a, d_tau]),
        exp_gather=np.concatenate([base2 + p.importer, base2 + n + p.importer]),
        exp_scatter=np.concatenate([base2 + p.exporter, base2 + n + p.exporter]),
        exp_delta=np.concatenate([d_sale, d_pair]),
        diag_row=p.row[on_diag], diag_i=p.exporter[on_diag], diag_delta=d_sale[on_diag],
        a_new=a, row=p.row, i=p.exporter, j=p.importer)


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


def iterate(fb: Base1, p: ShockPatch, d: _Deltas, spec: _Spec, memory: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    b, n = p.b, fb.n
    th_all = spec.theta[:, :1]                        # (b, 1)
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
        runaway = ~np.isfinite(res) | (np.abs(x).max(axis=1) > RUNAWAY)
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
            d = deltas(fb, pa, th[:, 0])
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


def evaluate(x: np.ndarray, fb: Base1, d: _Deltas, spec: _Spec,
             at: _AtSolution | None = None) -> tuple[_Eval, np.ndarray]:
    """solve._evaluate at the solution, shaped (b, 1, N), and exports (b, N); from the
    kernel's values ``at`` the solution where it gives them."""
    if at is None:
        with _blas_one_thread(d.b * fb.n * fb.n):
            pt = _point(x, spec.theta[:, :1], fb, d, spec.deficits == "additive")
            s_sale, _ = _sums(pt, fb, d)
        sales = pt.c * s_sale
    else:
        w = np.exp(x)
        pt = _Point(w, np.exp(-spec.theta[:, :1] * x), at.p, at.income,
                    (fb.alpha * at.income) / at.p)
        sales = at.sales
    ratio = fb.gamma * sales / (pt.w * fb.va)
    diag = np.broadcast_to(fb.diag_sale, (d.b, fb.n)).copy()
    if len(d.diag_row):
        diag[d.diag_row, d.diag_i] += d.diag_delta
    exports = sales - pt.c * diag * pt.q
    absorption = (fb.alpha * pt.income)[:, None, :]
    ev = _Eval(pt.w, pt.c[:, None, :], pt.p[:, None, :], absorption, pt.income,
               sales[:, None, :], ratio)
    return ev, exports
