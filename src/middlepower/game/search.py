r"""A batched maximiser for smooth (and kinked) objectives of a few bounded rates.

Every round of every problem asks for a handful of points; the points of all problems
are solved in one :func:`mp.solve_many` call, so a round costs one batched solve whether
one player or five optimise at once (a Nash iteration is one such batch per round).

Method (smooth objectives: one economy, or a coalition's total real income)
----------------------------------------------------------------------------
1. *Scan* (cold start): the objective at ``K`` rates spread over ``[lo, hi]`` (for
   several rates, on the diagonal: all rates equal); the best one starts step 2, with a
   trust radius of half the grid spacing. This brackets the optimum and guards against
   a local maximum of a non-concave curve.
2. *Trust-region Newton* with derivatives by finite differences, all in one batch: at
   the iterate :math:`c`, :math:`f(c)`, :math:`f(c \pm h e_i)` and
   :math:`f(c + h e_i + h e_j)` (:math:`1 + 2d + d(d-1)/2` solves) give the central
   gradient and the Hessian. The step :math:`-H^{-1} g` (or a regularised one when
   :math:`H` is not negative definite) is cut to the trust radius and projected into
   :math:`[lo + h, hi - h]`. A step that lowers the objective is undone and the radius
   shrunk. Converged when the Newton step is below ``xtol``: near the optimum Newton
   converges quadratically, so 3-6 rounds follow the scan.

Why this rather than golden-section search: golden section needs one solve per step in
sequence (about 25 for 1e-6); Newton needs 3 solves per round (one batch) and a few
rounds, and extends to several rates, where golden section does not. Welfare is smooth
in tariffs (the equilibrium is a smooth function of them), so Newton applies.

Kinked objectives (a coalition's worst-off member) use a batched compass search: the
points :math:`x \pm s e_i` in one batch; move to the best if it improves, else halve
:math:`s`; stop when :math:`s <` ``xtol``.

With ``local=True`` the search starts from the lowest-rate interior peak of the scan
instead of its best point, and so finds a local optimum: useful where welfare rises
again at prohibitive rates (with fixed trade deficits the transfer a deficit country
receives makes near-autarky look attractive, an artefact of the closure).

An optimum closer than ``h`` to a bound (or at a bound for the compass search) where the
objective still rises toward the bound is a corner, reported as such; the caller raises
:class:`~middlepower.errors.NoInteriorOptimumError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Problem", "maximise"]

#: Rates of the cold-start scan, as fractions of [lo, hi]: denser at low rates, where
#: optimal tariffs of trade models mostly lie.
_SCAN = np.array([0.0, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.65, 1.0])


@dataclass
class Problem:
    """One maximisation: rates x (d,) in [lo, hi] (d,)."""

    x: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    smooth: bool = True
    scan: bool = True              # cold start: scan the box first
    radius: float = 0.05           # initial trust radius (compass step) of a warm start
    local: bool = False            # start from the scan's lowest interior peak, not its best
    # outputs and state
    best_x: np.ndarray | None = None
    best_f: float = -np.inf
    best_payload: Any = None
    gradient: np.ndarray | None = None
    hessian: np.ndarray | None = None
    rounds: int = 0
    evaluations: int = 0
    converged: bool = False
    corner: list[tuple[int, str]] = field(default_factory=list)  # (component, "lower"/"upper")
    history: list[tuple[np.ndarray, float]] = field(default_factory=list)
    peaks: list[tuple[np.ndarray, float]] = field(default_factory=list)  # scan's interior peaks
    _trial: np.ndarray | None = None
    _pred: float = 0.0


def _stencil(c: np.ndarray, h: float) -> list[np.ndarray]:
    d = len(c)
    eye = np.eye(d) * h
    pts = [c.copy()]
    pts += [c + eye[i] for i in range(d)] + [c - eye[i] for i in range(d)]
    pts += [c + eye[i] + eye[j] for i in range(d) for j in range(i + 1, d)]
    return pts


def _derivatives(f: np.ndarray, d: int, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Central gradient (d,) and Hessian (d, d) from the values of :func:`_stencil`."""
    f0, fp, fm = f[0], f[1:1 + d], f[1 + d:1 + 2 * d]
    g = (fp - fm) / (2 * h)
    hess = np.diag((fp - 2 * f0 + fm) / h ** 2)
    k = 1 + 2 * d
    for i in range(d):
        for j in range(i + 1, d):
            # f(c+hi+hj) - f(c+hi) - f(c+hj) + f(c) = h^2 H_ij + O(h^3)
            hess[i, j] = hess[j, i] = (f[k] - fp[i] - fp[j] + f0) / h ** 2
            k += 1
    return g, hess


def _newton_step(g: np.ndarray, hess: np.ndarray, radius: float) -> np.ndarray:
    """Ascent step: Newton where H < 0, else H shifted until it is; cut to the radius."""
    eig = np.linalg.eigvalsh(hess)
    scale = max(float(np.abs(eig).max()), 1e-12)
    shift = 0.0 if eig.max() < -1e-9 * scale else eig.max() + max(
        float(np.abs(g).max()) / radius, 1e-9 * scale)
    p = -np.linalg.solve(hess - shift * np.eye(len(g)), g)
    size = float(np.abs(p).max())
    return p * (radius / size) if size > radius else p


def maximise(problems: list[Problem], evaluate: Callable[[list[tuple[int, np.ndarray]]],
                                                          tuple[np.ndarray, list[Any]]],
             *, h: float = 1e-3, xtol: float = 1e-6, max_rounds: int = 60,
             noise: float = 1e-11) -> list[Problem]:
    """Maximise every problem; ``evaluate`` solves a list of (problem, point) in one batch.

    ``evaluate`` returns the objective values (n,) and one payload per point (the solved
    Result), kept for the best point. Problems are updated in place and returned.
    """
    want: dict[int, list[np.ndarray]] = {}
    for k, p in enumerate(problems):
        p.lo, p.hi = np.asarray(p.lo, float), np.asarray(p.hi, float)
        p.x = np.clip(np.asarray(p.x, float), p.lo, p.hi)
        if p.scan:
            want[k] = [p.lo + u * (p.hi - p.lo) for u in _SCAN]
        else:
            want[k] = _first_points(p, h)
    phase = {k: "scan" if p.scan else "search" for k, p in enumerate(problems)}
    for _ in range(max_rounds):
        if not want:
            break
        asked = [(k, x) for k, pts in want.items() for x in pts]
        values, payloads = evaluate(asked)
        got: dict[int, list[tuple[np.ndarray, float, Any]]] = {}
        for (k, x), v, pay in zip(asked, values, payloads, strict=True):
            got.setdefault(k, []).append((x, float(v), pay))
        want = {}
        for k, pts in got.items():
            p = problems[k]
            p.rounds += 1
            p.evaluations += len(pts)
            p.history.extend((x.copy(), v) for x, v, _ in pts)
            if phase[k] == "scan":
                phase[k] = "search"
                _after_scan(p, pts, h)
                nxt = _first_points(p, h)
            elif p.smooth:
                nxt = _newton_round(p, pts, h, xtol, noise)
            else:
                nxt = _compass_round(p, pts, xtol, noise)
            if nxt:
                want[k] = nxt
    return problems


def _after_scan(p: Problem, pts: list[tuple[np.ndarray, float, Any]], h: float) -> None:
    vals = [v for _, v, _ in pts]
    k = int(np.argmax(vals))
    peaks = [i for i in range(1, len(vals) - 1) if vals[i] >= max(vals[i - 1], vals[i + 1])]
    p.peaks = [(pts[i][0].copy(), vals[i]) for i in peaks]
    if p.local and peaks:
        k = peaks[0]
    p.x = pts[k][0]
    p.best_x, p.best_f, p.best_payload = pts[k][0].copy(), pts[k][1], pts[k][2]
    gaps = np.diff(_SCAN) * float(np.max(p.hi - p.lo))
    near = gaps[max(k - 1, 0):k + 1]
    p.radius = max(float(near.max()) / 2, 4 * h)
    if p.smooth:  # the scan's best point is not a Newton iterate yet
        p.best_f = -np.inf


def _first_points(p: Problem, h: float) -> list[np.ndarray]:
    if p.smooth:
        p.x = np.clip(p.x, p.lo + h, p.hi - h)
        return _stencil(p.x, h)
    p.best_x = None
    return [p.x.copy(), *_compass(p.x, p.radius, p)]


def _compass(x: np.ndarray, s: float, p: Problem) -> list[np.ndarray]:
    out = []
    for i in range(len(x)):
        for sign in (1.0, -1.0):
            y = x.copy()
            y[i] = np.clip(y[i] + sign * s, p.lo[i], p.hi[i])
            if y[i] != x[i]:
                out.append(y)
    return out


def _newton_round(p: Problem, pts: list[tuple[np.ndarray, float, Any]], h: float,
                  xtol: float, noise: float) -> list[np.ndarray]:
    c, f0, pay = pts[0]
    d = len(c)
    lo_in, hi_in = p.lo + h, p.hi - h
    if f0 >= p.best_f - noise:
        if np.isfinite(p.best_f) and p._pred > 0:
            rho = (f0 - p.best_f) / p._pred
            step = float(np.abs(c - p.best_x).max())
            if rho > 0.75 and step >= 0.99 * p.radius:
                p.radius *= 2.0
            elif rho < 0.25:
                p.radius = max(step / 2, xtol)
        p.best_x, p.best_f, p.best_payload = c.copy(), f0, pay
        p.gradient, p.hessian = _derivatives(np.array([v for _, v, _ in pts]), d, h)
    else:  # the last step went downhill: back to the best point, smaller radius
        p.radius = max(float(np.abs(c - p.best_x).max()) / 4, xtol / 2)
    assert p.best_x is not None and p.gradient is not None and p.hessian is not None
    step = _newton_step(p.gradient, p.hessian, p.radius)
    new = np.clip(p.best_x + step, lo_in, hi_in)
    move = new - p.best_x
    if float(np.abs(move).max()) < xtol or p.radius <= xtol:
        p.converged = True
        p.x = p.best_x
        # unconstrained Newton step pointing out of the box at a bound: a corner
        free = _newton_step(p.gradient, p.hessian, np.inf)
        for i in range(d):
            if p.best_x[i] <= lo_in[i] + xtol and free[i] < -xtol:
                p.corner.append((i, "lower"))
            elif p.best_x[i] >= hi_in[i] - xtol and free[i] > xtol:
                p.corner.append((i, "upper"))
        return []
    p._pred = float(p.gradient @ move + 0.5 * move @ p.hessian @ move)
    p.x = new
    return _stencil(new, h)


def _compass_round(p: Problem, pts: list[tuple[np.ndarray, float, Any]], xtol: float,
                   noise: float) -> list[np.ndarray]:
    if p.best_x is None:  # first round carries the centre
        c, f0, pay = pts[0]
        p.best_x, p.best_f, p.best_payload = c.copy(), f0, pay
        pts = pts[1:]
    k = int(np.argmax([v for _, v, _ in pts])) if pts else -1
    if k >= 0 and pts[k][1] > p.best_f + noise:
        p.best_x, p.best_f, p.best_payload = pts[k][0].copy(), pts[k][1], pts[k][2]
    else:
        p.radius /= 2
    if p.radius < xtol:
        p.converged = True
        p.x = p.best_x
        for i in range(len(p.x)):
            if p.x[i] <= p.lo[i] + xtol:
                p.corner.append((i, "lower"))
            elif p.x[i] >= p.hi[i] - xtol:
                p.corner.append((i, "upper"))
        return []
    return _compass(p.best_x, p.radius, p)
