"""The accelerated fixed-point driver of the reference engine (:mod:`.equations`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from .baseline import Baseline
from .equations import Coefficients, _map, _normalise, _Spec, _State

__all__ = ["RUNAWAY"]

#: |log w| beyond this (a factor of e^30) means the iteration is running away.
_RUNAWAY = RUNAWAY = 30.0


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
        memory = max(memory, 8) if memory else 0
        st = _State(np.zeros((b, n)), np.zeros((b, S, n)),
                    np.repeat((base.absorption / base.scale)[None], b, axis=0))
    elif spec.market is not None and spec.market.labour_moves:
        st = _State(np.zeros((b, n)), l=np.zeros((b, n)))
    else:
        st = _State(np.zeros((b, n)))
    st = _normalise(st, c, base, spec)
    final = st
    iters = np.zeros(b, dtype=np.int64)
    residual = np.full(b, np.inf)
    diverged = np.zeros(b, dtype=bool)
    active = np.arange(b)                       # rows of the full batch still iterating
    ca = c
    # the last ``memory`` changes of the residual f and of the sweep's image g = z + f,
    # ring buffers (b, memory, K), and the Gram matrix of the f ring, (b, memory, memory),
    # updated one row and column per step (recomputing it took 0.9 of a 7 ms iteration of
    # an icio2022 batch of 22; the image ring spares forming dz + df each step)
    size = st.flat().shape[1]
    m = max(memory, 1)
    df = np.zeros((b, m, size))
    dg = np.zeros_like(df)
    gram = np.zeros((b, m, m))
    count = pos = 0
    f_prev = g_prev = None
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
            if g_prev is not None:
                f_prev, g_prev = f_prev[keep], g_prev[keep]
            df, dg, gram = df[keep], dg[keep], gram[keep]
        z, zg = st.flat(), g.flat()
        f = zg - z
        if g_prev is not None and memory > 0:
            new = df[:, pos]
            np.subtract(f, f_prev, out=new)
            np.subtract(zg, g_prev, out=dg[:, pos])
            dots = np.matmul(df, new[..., None])[..., 0]          # (b, m)
            gram[:, pos, :] = dots
            gram[:, :, pos] = dots
            count, pos = min(count + 1, memory), (pos + 1) % memory
        f_prev, g_prev = f, zg
        z_new = zg
        if count:
            # the least squares of the last steps (in ring order: the same problem with its
            # columns permuted): min |f - F gamma|, then z + f - (Z + F) gamma
            F, G = df[:, :count], dg[:, :count]                 # (b, m, K)
            gm = gram[:, :count, :count]
            eye = np.eye(count)[None]
            scale = np.trace(gm, axis1=1, axis2=2)[:, None, None] + 1e-300
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                gamma = np.linalg.solve(gm + 1e-12 * scale * eye, np.matmul(F, f[..., None]))
                mix = np.matmul(gamma.transpose(0, 2, 1), G)[:, 0]
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
    if full.l is not None:
        lab = full.l.copy()
        lab[rows] = part.l
        return _State(x, l=lab)
    if full.p is None:
        return _State(x)
    p, e = full.p.copy(), full.e.copy()
    p[rows] = part.p
    e[rows] = part.e
    return _State(x, p, e)


#: Unknowns per scenario up to which the last-resort Newton polish is tried (its
#: finite-difference Jacobian costs that many sweeps of the map).
_POLISH_MAX = 2_000


def _polish(c: Coefficients, base: Baseline, spec: _Spec, st: _State,
            rows: np.ndarray) -> tuple[_State, np.ndarray]:
    """Scenarios the iterations left short of the tolerance, solved as a root problem
    G(z) - z = 0 of the same sweep G (:func:`_map`), one by one, by SciPy's hybrid Powell
    method from where the iteration stopped. Seen needed: a four-economy world with an
    almost isolated economy under a 900% tariff, where the sweep contracts so slowly that
    10,000 Anderson or damped steps end at 3e-7, and whether they reach 1e-10 depends on
    the order of the countries. Returns the state and each row's residual (inf: failed)."""
    from scipy.optimize import root

    res = np.full(len(rows), np.inf)
    st = _scatter(st, rows, st.take(rows))            # a copy
    for k, row in enumerate(rows):
        one = st.take(np.array([row]))
        ck = c[np.array([row])]
        sk = replace(spec, theta=spec.theta[np.array([row])])
        z0 = one.flat()[0]
        if z0.size > _POLISH_MAX:
            continue

        def gap(z: np.ndarray, one: _State = one, ck: Any = ck, sk: _Spec = sk) -> np.ndarray:
            with np.errstate(all="ignore"):
                g, _, _ = _map(one.unflat(z[None]), ck, base, sk)
            out = g.flat()[0] - z
            return np.where(np.isfinite(out), out, 1e3)

        sol = root(gap, z0, method="hybr", options={"xtol": 1e-14, "maxfev": 200 * (z0.size + 1)})
        cand = _normalise(one.unflat(sol.x[None]), ck, base, sk)
        with np.errstate(all="ignore"):
            _, r, _ = _map(cand, ck, base, sk)
        if np.isfinite(r[0]):
            st = _scatter(st, np.array([row]), cand)
            res[k] = r[0]
    return st, res
