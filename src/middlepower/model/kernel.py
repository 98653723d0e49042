r"""The compiled inner loop of the one-sector fast path (numba; see :mod:`.onesector`).

The same iteration as :func:`.onesector.iterate` (itself that of
:func:`middlepower.model.anderson._solve_hat`): a Jacobi-Newton sweep on the market-clearing
conditions of the one-sector model of :mod:`middlepower.model` (Dekle, Eaton and Kortum
2008 hat algebra; the Newton scaling of the own-market share as in Alvarez and Lucas 2007),
accelerated by Anderson mixing of depth ``memory`` (Walker and Ni 2011, type II), with the
normalisation applied after each step. One scenario at a time, each leaving as soon as it
converges, so a batch costs exactly the sum of its scenarios.

Layout: the baseline enters as two C-ordered (N, N) matrices, ``lam`` (lambda_ij) and
``sale`` (lambda_ij / (1 + t0_ij)); the other two coefficient matrices the sweep needs,
lambda t0/(1+t0) = lam - sale and lambda^2/(1+t0) = sale lam, are formed on the fly. Both
passes of a sweep (importer sums down the columns, exporter sums along the rows) then read
the same 2 N^2 doubles row by row: 0.6 MB at N = 193, which stays in a core's L2 cache,
where four precomputed matrices would not. Scenario k's changed pairs are entries
``start[k]:start[k+1]`` of the patch arrays (coefficient changes against the baseline).

Exponentials (4 N per iteration, about half of an iteration's time at N = 40 with the
C library's scalar ``exp``) are taken by :func:`_exp_into`, a loop the compiler turns into
SIMD instructions: Cody-Waite reduction x = k ln 2 + r, |r| <= ln 2 / 2, and the Taylor
polynomial of e^r to degree 13 (truncation below 1e-17), scaled by 2^k built in the
exponent bits. Within 1 ulp of NumPy's ``exp`` (measured on 2 million points in
[-700, 700]), 3-4x faster; arguments outside [-708, 709] (overflow, underflow, NaN) go
to the C library's ``exp``, so their results are exactly NumPy's.

Every work array is allocated once per call (per batch), none per iteration. Floating
point follows NumPy's semantics (``error_model="numpy"``: 1/0 is inf, not an exception),
since a running-away iteration is detected by its non-finite residual. Only the two
O(N^2) passes may reassociate their sums (``fastmath`` reassoc/contract, no
finite-math assumptions), so the iterates differ from the NumPy path's by rounding only.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types

__all__ = ["solve_rows"]

_SUMS = {"reassoc", "contract"}

#: Cody-Waite split of ln 2 (fdlibm's: the high part's trailing zeros make k ln2_hi exact)
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
#: 1/k! for k = 13, 12, ..., 0: the Taylor coefficients of e^r, in Horner's order
_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(13, -1, -1))

#: The one specialisation, compiled (or loaded from the cache) when this module is
#: imported, so that a failure shows there and not in the middle of a solve.
_IN1 = types.Array(types.float64, 1, "C", readonly=True)   # inputs may be read-only
_IN2 = types.Array(types.float64, 2, "C", readonly=True)
_IDX = types.Array(types.int64, 1, "C", readonly=True)
_SIGNATURE = types.void(
    _IN2, _IN2, _IN1, _IN1, _IN1, _IN1, types.float64, _IN1, _IDX, _IDX, _IDX,
    _IN1, _IN1, _IN1, _IN1, types.boolean, types.int64, types.float64, types.int64,
    types.float64, types.int64, types.float64,
    types.float64[:, ::1], types.int64[::1], types.float64[::1], types.boolean[::1],
    types.float64[:, ::1], types.float64[:, ::1], types.float64[:, ::1])



@njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
def _exp_into(src, scale, out, bits):  # pragma: no cover
    """out_i = exp(scale src_i), vectorised (see the module's docstring); ``bits`` is a
    scratch array of the same length."""
    n = src.shape[0]
    inside = True
    ib = bits.view(np.int64)
    for i in range(n):
        y = scale * src[i]
        inside &= (y >= -708.0) & (y <= 709.0)
        y = min(max(y, -708.0), 709.0)
        k = math.floor(y * _LOG2E + 0.5)
        r = (y - k * _LN2_HI) - k * _LN2_LO
        e = 0.0
        for coef in _TAYLOR:                      # a constant trip count: unrolled
            e = e * r + coef
        out[i] = e
        ib[i] = (np.int64(k) + 1023) << 52        # 2^k as a double's exponent bits
    for i in range(n):
        out[i] *= bits[i]
    if not inside:
        for i in range(n):
            out[i] = math.exp(scale * src[i])


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUMS)
def _importer_sums(c, lam, sale, lo, hi, pi, pj, d_a, d_tau, p, pt):  # pragma: no cover
    """p_j = sum_i a_ij c_i, pt_j = sum_i a_ij tau_ij c_i (a with the scenario's patch)."""
    n = c.shape[0]
    for j in range(n):
        p[j] = 0.0
        pt[j] = 0.0
    for i in range(n):
        ci = c[i]
        for j in range(n):
            lv = lam[i, j]
            p[j] += ci * lv
            pt[j] += ci * (lv - sale[i, j])
    for e in range(lo, hi):
        ce = c[pi[e]]
        p[pj[e]] += d_a[e] * ce
        pt[pj[e]] += d_tau[e] * ce


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUMS)
def _exporter_sums(q, qp, lam, sale, lo, hi, pi, pj, d_sale, d_pair, s_sale, s_pair
                   ):  # pragma: no cover
    """s_sale_i = sum_j a_sale_ij q_j, s_pair_i = sum_j a_sale_ij a_ij qp_j (patched)."""
    n = q.shape[0]
    for i in range(n):
        acc_s = 0.0
        acc_p = 0.0
        for j in range(n):
            sv = sale[i, j]
            acc_s += sv * q[j]
            acc_p += sv * lam[i, j] * qp[j]
        s_sale[i] = acc_s
        s_pair[i] = acc_p
    for e in range(lo, hi):
        s_sale[pi[e]] += d_sale[e] * q[pj[e]]
        s_pair[pi[e]] += d_pair[e] * qp[pj[e]]


@njit(cache=True, nogil=True, error_model="numpy")
def _normalise(x, va, va_sum, ref, tmp, bits):  # pragma: no cover
    """x -= log(sum_i e^x_i VA_i / sum VA) (world numeraire) or x[ref] (a country's)."""
    n = x.shape[0]
    if ref >= 0:
        shift = x[ref]
    else:
        _exp_into(x, 1.0, tmp, bits)
        tot = 0.0
        for i in range(n):
            tot += tmp[i] * va[i]
        shift = math.log(tot / va_sum)
    for i in range(n):
        x[i] -= shift


@njit(cache=True, nogil=True, error_model="numpy")
def _sweep(x, th, lo, hi, pi, pj, d_a, d_tau, d_sale, d_pair, lam, sale, va, deficit, alpha,
           gamma, va_sum, additive, ref, damping, w, c, p, pt, inc, q, qp, s_sale, s_pair, g,
           tmp, bits):  # pragma: no cover
    """g = normalised Jacobi-Newton step from x; returns max_i |ratio_i - 1| (inf if NaN).
    Leaves the equations' values at x in w, c, p, inc (income I'), q and s_sale."""
    n = x.shape[0]
    _exp_into(x, 1.0, w, bits)
    _exp_into(x, -th, c, bits)
    _importer_sums(c, lam, sale, lo, hi, pi, pj, d_a, d_tau, p, pt)
    wva = 0.0
    wd = 0.0
    for i in range(n):
        wva += w[i] * va[i]
        wd += w[i] * deficit[i]
    for i in range(n):
        if additive:
            d_new = deficit[i] * (wva / va_sum)
        else:
            d_new = deficit[i] * w[i] - w[i] * va[i] * (wd / wva)
        inc[i] = (w[i] * va[i] + d_new) / (1.0 - alpha[i] * (pt[i] / p[i]))
        q[i] = (alpha[i] * inc[i]) / p[i]
        qp[i] = q[i] / p[i]
    _exporter_sums(q, qp, lam, sale, lo, hi, pi, pj, d_sale, d_pair, s_sale, s_pair)
    res = 0.0
    for i in range(n):
        ratio = gamma[i] * (c[i] * s_sale[i]) / (w[i] * va[i])
        dev = abs(ratio - 1.0)
        if not dev <= res:          # NaN wins, as in np.max
            res = dev
        own = c[i] * s_pair[i] / s_sale[i]
        g[i] = x[i] + damping * (math.log(ratio) / (1.0 + th * (1.0 - own)))
    _normalise(g, va, va_sum, ref, tmp, bits)
    return res if math.isfinite(res) else math.inf


@njit(cache=True, nogil=True, error_model="numpy")
def _solve_small(a, rhs, k, out):  # pragma: no cover
    """Solve the k x k system a out = rhs in place (Gaussian elimination, partial pivoting,
    as LAPACK's getrf/getrs); a and rhs are overwritten."""
    for col in range(k):
        piv = col
        best = abs(a[col, col])
        for r in range(col + 1, k):
            if abs(a[r, col]) > best:
                best = abs(a[r, col])
                piv = r
        if piv != col:
            for m in range(k):
                a[col, m], a[piv, m] = a[piv, m], a[col, m]
            rhs[col], rhs[piv] = rhs[piv], rhs[col]
        inv = 1.0 / a[col, col]
        for r in range(col + 1, k):
            f = a[r, col] * inv
            for m in range(col + 1, k):
                a[r, m] -= f * a[col, m]
            rhs[r] -= f * rhs[col]
    for r in range(k - 1, -1, -1):
        acc = rhs[r]
        for m in range(r + 1, k):
            acc -= a[r, m] * out[m]
        out[r] = acc / a[r, r]


@njit(_SIGNATURE, cache=True, nogil=True, error_model="numpy")
def solve_rows(lam, sale, va, deficit, alpha, gamma, va_sum, theta, start, pi, pj, d_a, d_tau,  # noqa: C901 (a compiled kernel is one function by design)
               d_sale, d_pair, additive, ref, tol, max_iter, damping, memory, runaway,
               x_out, iters, residual, diverged, p_out, income_out, sales_out
               ):  # pragma: no cover
    """Iterate each scenario k (row of ``x_out``, (b, N)) to its fixed point in log w.

    Writes the solution to ``x_out[k]``, the iterations to ``iters[k]``, the last residual
    to ``residual[k]`` and whether it ran away to ``diverged[k]``; and the equations'
    values there (those of the last sweep, which evaluated them at the solution):
    Phat^-theta to ``p_out[k]``, income I' to ``income_out[k]`` and pre-tariff sales
    Y'_i = chat_i^-theta sum_j a_sale_ij q_j to ``sales_out[k]``.
    """
    b, n = x_out.shape
    m = memory
    w = np.empty(n)
    c = np.empty(n)
    p = np.empty(n)
    pt = np.empty(n)
    inc = np.empty(n)
    q = np.empty(n)
    qp = np.empty(n)
    s_sale = np.empty(n)
    s_pair = np.empty(n)
    x = np.empty(n)
    g = np.empty(n)
    f = np.empty(n)
    acc = np.empty(n)
    tmp = np.empty(n)
    bits = np.empty(n)
    z_prev = np.empty(n)
    f_prev = np.empty(n)
    mm = max(m, 1)
    dz = np.empty((mm, n))
    df = np.empty((mm, n))
    dzf = np.empty((mm, n))
    gram = np.zeros((mm, mm))
    sys_a = np.empty((mm, mm))
    sys_b = np.empty(mm)
    coef = np.empty(mm)
    for k in range(b):
        th = theta[k]
        lo, hi = start[k], start[k + 1]
        for i in range(n):
            x[i] = 0.0
        _normalise(x, va, va_sum, ref, tmp, bits)
        count = 0
        pos = 0
        have_prev = False
        for it in range(max_iter + 1):
            res = _sweep(x, th, lo, hi, pi, pj, d_a, d_tau, d_sale, d_pair, lam, sale, va,
                         deficit, alpha, gamma, va_sum, additive, ref, damping, w, c, p, pt,
                         inc, q, qp, s_sale, s_pair, g, tmp, bits)
            xmax = 0.0
            for i in range(n):
                if abs(x[i]) > xmax:
                    xmax = abs(x[i])
            ran = (not math.isfinite(res)) or xmax > runaway
            if res <= tol or ran or it == max_iter:
                for i in range(n):
                    x_out[k, i] = x[i]
                    p_out[k, i] = p[i]
                    income_out[k, i] = inc[i]
                    sales_out[k, i] = c[i] * s_sale[i]
                iters[k] = it
                residual[k] = res
                diverged[k] = ran and res > tol
                break
            for i in range(n):
                f[i] = g[i] - x[i]
            if have_prev and m > 0:
                for i in range(n):
                    dz[pos, i] = x[i] - z_prev[i]
                    df[pos, i] = f[i] - f_prev[i]
                    dzf[pos, i] = dz[pos, i] + df[pos, i]
                count = min(count + 1, m)
                for h in range(count):
                    dot = 0.0
                    for i in range(n):
                        dot += df[h, i] * df[pos, i]
                    gram[pos, h] = dot
                    gram[h, pos] = dot
                pos = (pos + 1) % m
            for i in range(n):
                z_prev[i] = x[i]
                f_prev[i] = f[i]
            have_prev = True
            if count == 0:
                for i in range(n):
                    x[i] = g[i]
                continue
            scale = 0.0
            for h in range(count):
                scale += gram[h, h]
            scale += 1e-300
            for h in range(count):
                for h2 in range(count):
                    sys_a[h, h2] = gram[h, h2]
                sys_a[h, h] += 1e-12 * scale
                dot = 0.0
                for i in range(n):
                    dot += df[h, i] * f[i]
                sys_b[h] = dot
            _solve_small(sys_a, sys_b, count, coef)
            for i in range(n):
                mix = 0.0
                for h in range(count):
                    mix += coef[h] * dzf[h, i]
                acc[i] = x[i] + f[i] - mix
            _normalise(acc, va, va_sum, ref, tmp, bits)
            ok = True
            for i in range(n):
                if not math.isfinite(acc[i]):
                    ok = False
                    break
            if ok:
                for i in range(n):
                    x[i] = acc[i]
            else:
                for i in range(n):
                    x[i] = g[i]
                count = 0
                pos = 0
