"""``solve`` and ``solve_many``: validate at the door, then one batched hat-algebra solver.

The system solved is stated in :mod:`middlepower.model`. Arrays are (batch, N) or
(batch, N, N) with axes (scenario, exporter, importer); one scenario is batch = 1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np

from ..data.world import World
from ..errors import ConvergenceError, ParameterError, ScenarioError
from ..scenario.scenario import DeficitClosure, Scenario
from ..scenario.shocks import ShockArrays
from .result import Result, Results

__all__ = ["Baseline", "solve", "solve_many"]

log = logging.getLogger(__name__)

Mode = Literal["full", "conditional"]

#: Batch x N x N elements per array in one chunk: about 5 MB, so that a chunk's arrays stay
#: in cache (measured: 16 scenarios at N = 193 ran 25% faster than 64).
_MAX_BLOCK = 600_000


@dataclass(frozen=True)
class Baseline:
    """Baseline quantities of a world, shape (N,) or (N, N); see :mod:`middlepower.model`."""

    countries: tuple[str, ...]
    flows: np.ndarray      # X_ij, pre-tariff
    tariffs: np.ndarray    # t_ij
    output: np.ndarray     # Y_i
    spending: np.ndarray   # E_j, incl. tariffs
    deficit: np.ndarray    # D_j
    shares: np.ndarray     # lambda_ij

    @classmethod
    def of(cls, world: World) -> Baseline:
        return cls(world.countries, world.flows, world.tariffs, world.output(),
                   world.expenditure(), world.deficit(), world.shares())


@dataclass(frozen=True)
class _Spec:
    """Settings of one batch solve, checked by :func:`_check_options`."""

    theta: np.ndarray      # (b, 1): one trade elasticity per scenario of the batch
    deficits: str
    conditional: bool
    ref: int | None        # numeraire country, None for world output
    ref_price: bool        # True: its consumer price index is fixed, else its factory price
    tol: float
    max_iter: int
    damping: float


@dataclass(frozen=True)
class _Coefficients:
    """a_ij = lambda_ij e^beta (dhat that)^-theta, and a times t'/(1+t') and 1/(1+t')."""

    a: np.ndarray          # (b, N, N)
    a_tau: np.ndarray
    a_sale: np.ndarray

    def __getitem__(self, k: slice) -> _Coefficients:
        return _Coefficients(self.a[k], self.a_tau[k], self.a_sale[k])


@dataclass
class _Solution:
    """What the inner solver returns for a batch."""

    w: np.ndarray          # (b, N) factory-gate price changes
    p_theta: np.ndarray    # (b, N) Phat^-theta
    spending: np.ndarray   # (b, N) E'
    iterations: np.ndarray  # (b,)
    residual: np.ndarray   # (b,)


def _check_theta(theta: float | Sequence[float], n: int) -> np.ndarray:
    values = np.atleast_1d(np.asarray(theta, dtype=float)) if not isinstance(theta, str) \
        else np.array([np.nan])
    if values.size == 1:
        values = np.full(n, values[0])
    if values.shape != (n,):
        raise ParameterError(f"theta has {values.size} values for {n} scenarios; give one "
                             "number, or one per scenario.")
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise ParameterError(f"theta={theta if values.size == 1 else values[bad][0]!r}: the trade "
                             "elasticity must be a positive number (estimates mostly lie "
                             "between 2 and 10; 5 is the default).")
    return values


def _check_options(world: World, theta: np.ndarray, deficits: str, mode: str,
                   numeraire: str, tol: float, max_iter: int, damping: float) -> _Spec:
    if deficits not in get_args(DeficitClosure):
        raise ParameterError(f"deficits={deficits!r}: expecting one of "
                             f"{get_args(DeficitClosure)}.")
    if mode not in get_args(Mode):
        raise ParameterError(f"mode={mode!r}: expecting one of {get_args(Mode)}.")
    if not (0 < tol < 1e-2):
        raise ParameterError(f"tol={tol!r} must lie in (0, 0.01).")
    if int(max_iter) < 1:
        raise ParameterError(f"max_iter={max_iter!r} must be at least 1.")
    if not (0 < damping <= 1):
        raise ParameterError(f"damping={damping!r} must lie in (0, 1].")
    ref, ref_price = None, False
    if numeraire != "world":
        code = numeraire
        if numeraire.startswith("price:"):
            code, ref_price = numeraire.removeprefix("price:"), True
        ref = world.index(code)
    return _Spec(theta[:, None], deficits, mode == "conditional", ref, ref_price, float(tol),
                 int(max_iter), float(damping))


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
    theta: float = 5.0,
    deficits: DeficitClosure = "additive",
    *,
    mode: Mode = "full",
    numeraire: str = "world",
    tol: float = 1e-10,
    max_iter: int = 10_000,
    damping: float = 1.0,
) -> Result:
    """Solve for the counterfactual equilibrium of one scenario.

    Parameters
    ----------
    world : World
        The baseline.
    scenario : Scenario, or a list of shocks
        Shocks from :func:`mp.tariff`, :func:`mp.agreement`, ... A scenario with variants
        goes to :func:`solve_many`.
    theta : float, default 5.0
        Trade elasticity (sigma - 1), > 0.
    deficits : {"additive", "ratio"}, default "additive"
        Closure for trade imbalances; see :mod:`middlepower.model`.
    mode : {"full", "conditional"}, default "full"
        ``"conditional"`` holds every economy's output and spending at their baseline
        values and lets only the multilateral resistances adjust (the "conditional general
        equilibrium" of Yotov et al. 2016); ``w_hat`` is then the change of the outward
        multilateral resistance term, not a price.
    numeraire : str, default "world"
        ``"world"`` keeps world output fixed; a country code keeps its factory-gate price
        fixed (``"DEU"``); ``"price:DEU"`` keeps its consumer price index fixed, the
        normalisation of Yotov et al. (2016).
    tol : float, default 1e-10
        Largest relative excess demand accepted, max_i |sales_i / (w_i Y_i) - 1|.
    max_iter : int, default 10000
    damping : float, default 1.0
        Step size in (0, 1]; lower it if the solver does not converge.

    Returns
    -------
    Result
        ``countries`` (welfare_pct, real_gdp_pct, ...), ``flows``, and diagnostics
        ``converged``, ``iterations``, ``max_residual``.

    Raises
    ------
    ConvergenceError
        Naming the worst country and its residual; never an unconverged result.
    ParameterError, UnknownCountryError, ScenarioError

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
    return solve_many(world, [scenario], theta, deficits, mode=mode, numeraire=numeraire,
                      tol=tol, max_iter=max_iter, damping=damping)[0]


def solve_many(
    world: World,
    scenarios: Scenario | Iterable[Scenario],
    theta: float | Sequence[float] = 5.0,
    deficits: DeficitClosure = "additive",
    *,
    mode: Mode = "full",
    numeraire: str = "world",
    tol: float = 1e-10,
    max_iter: int = 10_000,
    damping: float = 1.0,
    chunk_size: int | None = None,
    progress: bool | Callable[[int], None] = False,
) -> Results:
    """Solve many scenarios against one baseline in vectorised batches.

    Same parameters as :func:`solve`; a scenario with variants counts as one scenario per
    variant. Results equal one-by-one solves (each scenario stops at its own iteration).

    Parameters
    ----------
    theta : float or sequence of float
        One trade elasticity for all, or one per scenario (as uncertainty analysis draws).
    chunk_size : int, optional
        Scenarios per batch; by default about 600,000 / N^2 (5 MB per array).
    progress : bool or callable, default False
        True shows a rich progress bar; a callable receives the number of scenarios done
        after each chunk.

    Returns
    -------
    Results
        A sequence of :class:`Result`, with ``countries`` stacked in one long table.
    """
    items = _as_scenarios(scenarios)
    if not items:
        raise ScenarioError("no scenarios to solve.")
    thetas = _check_theta(theta, len(items))
    spec = _check_options(world, thetas, deficits, mode, numeraire, tol, max_iter, damping)
    base = Baseline.of(world)
    for s in items:  # validate every shock before solving anything; arrays come per chunk
        s.arrays(world)
    n = world.n
    size = chunk_size or max(1, _MAX_BLOCK // (n * n))
    out: list[Result] = []
    bar, advance = _progress(progress, len(items))
    try:
        for start in range(0, len(items), size):
            chunk = [s.arrays(world) for s in items[start:start + size]]
            part = replace(spec, theta=spec.theta[start:start + size])
            sol = _solve_batch(base, chunk, part)
            for k, s in enumerate(items[start:start + size]):
                out.append(Result(scenario=s, world=world, base=base,
                                  theta=float(part.theta[k, 0]),
                                  deficits="conditional" if spec.conditional else deficits,
                                  w=sol.w[k], p_theta=sol.p_theta[k], spending=sol.spending[k],
                                  iterations=int(sol.iterations[k]),
                                  max_residual=float(sol.residual[k])))
            advance(len(chunk))
    finally:
        if bar is not None:
            bar.stop()
    return Results(out)


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


def _stack(base: Baseline, arrays: list[ShockArrays], theta: np.ndarray) -> _Coefficients:
    """Coefficients a_ij = lambda_ij e^beta (dhat that)^-theta and the tariff terms, (b, N, N).

    Shocks touch few pairs, so the exponentials are taken only where something changed.
    """
    t_new = np.stack([a.tariffs for a in arrays])
    beta = np.stack([a.beta for a in arrays])
    log_dhat = np.stack([a.log_dhat for a in arrays])
    t0 = np.broadcast_to(base.tariffs, t_new.shape)
    changed = (beta != 0) | (log_dhat != 0) | (t_new != t0)
    b, i, j = np.nonzero(changed)
    log_that = np.log1p(t_new[b, i, j]) - np.log1p(t0[b, i, j])
    with np.errstate(invalid="ignore"):  # -inf (embargo) stays -inf
        log_a = beta[b, i, j] - theta[b, 0] * (log_dhat[b, i, j] + log_that)
    a = np.repeat(base.shares[None], len(arrays), axis=0)
    a[b, i, j] *= np.exp(log_a)
    tau = t_new / (1.0 + t_new)
    return _Coefficients(a, a * tau, a / (1.0 + t_new))


def _by_importer(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """sum_i m_bij v_bi, (b, N): a batched vector-matrix product (BLAS)."""
    return np.matmul(v[:, None, :], m)[:, 0, :]


def _by_exporter(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """sum_j m_bij v_bj, (b, N)."""
    return np.matmul(m, v[:, :, None])[:, :, 0]


def _solve_batch(base: Baseline, arrays: list[ShockArrays], spec: _Spec) -> _Solution:
    c = _stack(base, arrays, spec.theta)
    if not spec.conditional:
        _check_isolation(base, c.a)
    x, it, res = _solve_hat(c, base, spec)
    if (res > spec.tol).any() or not np.isfinite(x).all():
        b = int(np.argmax(np.where(np.isfinite(res), res, np.inf)))
        *_, excess = _market(x[b:b + 1], c[b:b + 1], base, spec)
        excess = np.abs(excess[0] - 1.0)
        k = int(np.nanargmax(np.where(np.isfinite(excess), excess, np.inf)))
        country = base.countries[k]
        if not np.isfinite(res[b]):
            raise ConvergenceError(
                f"the solver left the region where an equilibrium exists (spending or sales "
                f"of {country} fell to zero or below after {int(it[b])} iterations): the "
                "shocks are too large for the trade imbalances held fixed; try "
                "deficits='ratio' or smaller shocks.",
                iterations=int(it[b]), max_residual=float(res[b]), country=country)
        raise ConvergenceError(
            f"no convergence after {int(it[b])} iterations (max excess demand {res[b]:.3g}, "
            f"{country}); try damping=0.5 or a larger max_iter.",
            iterations=int(it[b]), max_residual=float(res[b]), country=country)
    w, _, p_theta, q, _ = _market(x, c, base, spec)
    return _Solution(w, p_theta, q * p_theta, it, res)


def _check_isolation(base: Baseline, a: np.ndarray) -> None:
    """A country cut off from all trade cannot finance a deficit: no equilibrium exists."""
    off = a.copy()
    idx = np.arange(a.shape[1])
    off[:, idx, idx] = 0.0
    isolated = (off.sum(axis=2) == 0) & (off.sum(axis=1) == 0)       # (b, N)
    imbalanced = np.abs(base.deficit) > 1e-9 * base.output
    bad = isolated & imbalanced[None, :]
    if bad.any():
        k = int(np.argwhere(bad)[0][1])
        raise ScenarioError(
            f"{base.countries[k]} is cut off from all trade but has a trade deficit of "
            f"{base.deficit[k]:.4g} in the baseline; an economy in autarky cannot run one, so "
            "no equilibrium exists. Leave it at least one partner, or balance its trade first.")


def _market(x: np.ndarray, c: _Coefficients, base: Baseline, spec: _Spec
            ) -> tuple[np.ndarray, ...]:
    """Prices, spending and sales implied by log factory-gate prices ``x`` (b, N).

    Phat_j^-theta = sum_k a_kj w_k^-theta;
    E'_j = (w_j Y_j + D'_j) / (1 - sum_i lambda'_ij t'_ij / (1 + t'_ij))  (E'_j = E_j when
    conditional); sales_i = sum_j lambda'_ij E'_j / (1 + t'_ij).
    Returns w, w^-theta, Phat^-theta, q = E' / Phat^-theta, and sales over their target
    (w_i Y_i, or Y_i when conditional); each (b, N).
    """
    Y, D = base.output, base.deficit
    w = np.exp(x)
    wp = np.exp(-spec.theta * x)
    p_theta = _by_importer(c.a, wp)
    if spec.conditional:
        q = base.spending[None, :] / p_theta
    else:
        revenue_share = _by_importer(c.a_tau, wp) / p_theta
        if spec.deficits == "additive":
            d_new = D[None, :] * ((w @ Y) / Y.sum())[:, None]
        else:  # D'_j / Y'_j = D_j / Y_j - c, with c keeping world deficits summing to zero
            wy = w * Y
            d_new = D * w - wy * ((w @ D) / wy.sum(axis=1))[:, None]
        q = (w * Y + d_new) / (1.0 - revenue_share) / p_theta
    sales = wp * _by_exporter(c.a_sale, q)
    target = Y[None, :] if spec.conditional else w * Y
    return w, wp, p_theta, q, sales / target


def _normalise(z: np.ndarray, c: _Coefficients, base: Baseline, spec: _Spec) -> np.ndarray:
    """Impose the numeraire on log prices z (b, N)."""
    if spec.ref is None:
        return z - np.log((np.exp(z) @ base.output) / base.output.sum())[:, None]
    if spec.ref_price:  # Phat_ref = (sum_k a_k,ref w_k^-theta)^(-1/theta) = 1
        p = np.einsum("bk,bk->b", c.a[:, :, spec.ref], np.exp(-spec.theta * z))
        return z - np.log(p)[:, None] / -spec.theta
    return z - z[:, spec.ref:spec.ref + 1]


def _solve_hat(c: _Coefficients, base: Baseline, spec: _Spec, memory: int = 5
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jacobi-Newton iteration on x = log w with Anderson acceleration; trusts its inputs.

    Base map: G(x) = x + damping * f / (1 + theta (1 - s)), with f_i the log of sales over
    their target and s_i = sum_j (sales_ij / sales_i) lambda'_ij (how much of i's market
    moves with its own price), then the numeraire imposed. Anderson acceleration (Walker &
    Ni 2011) mixes the last ``memory`` steps by least squares on their residuals; a step
    that fails (non-finite) falls back to G and clears the memory. Each scenario freezes
    once its largest relative excess demand is below ``tol``.
    Returns x = log w (b, N), iterations (b,), residual (b,).
    """
    b, n = c.a.shape[0], c.a.shape[1]
    theta = spec.theta
    x = _normalise(np.zeros((b, n)), c, base, spec)
    done = np.zeros(b, dtype=bool)
    iters = np.zeros(b, dtype=np.int64)
    residual = np.full(b, np.inf)
    a_pair = c.a_sale * c.a                                    # for the market-share term
    dxs: list[np.ndarray] = []
    dfs: list[np.ndarray] = []
    x_prev = f_prev = None
    for it in range(spec.max_iter + 1):
        _, wp, p_theta, q, ratio = _market(x, c, base, spec)
        res = np.max(np.abs(ratio - 1.0), axis=1)
        res = np.where(np.isfinite(res), res, np.inf)
        newly = ~done & (res <= spec.tol)
        residual = np.where(done, residual, res)
        iters = np.where(done, iters, it)
        done |= newly
        if done.all() or it == spec.max_iter:
            break
        # s_i = sum_j sales_ij lambda'_ij / sales_i; the w_i^-theta of sales_ij cancels
        share = wp * _by_exporter(a_pair, q / p_theta) / _by_exporter(c.a_sale, q)
        with np.errstate(invalid="ignore", divide="ignore"):
            step = np.log(ratio) / (1.0 + theta * (1.0 - share))
        g = _normalise(x + spec.damping * step, c, base, spec)
        f = g - x                                              # fixed-point residual
        if x_prev is not None and memory > 0:
            dxs.append(x - x_prev)
            dfs.append(f - f_prev)
            if len(dxs) > memory:
                dxs.pop(0)
                dfs.pop(0)
        x_prev, f_prev = x, f
        x_new = g
        if dfs:
            F = np.stack(dfs, axis=-1)                         # (b, N, m)
            X = np.stack(dxs, axis=-1)
            gram = np.einsum("bnk,bnl->bkl", F, F)
            eye = np.eye(F.shape[-1])[None]
            scale = np.trace(gram, axis1=1, axis2=2)[:, None, None] + 1e-300
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                gamma = np.linalg.solve(gram + 1e-12 * scale * eye,
                                        np.einsum("bnk,bn->bk", F, f)[..., None])[..., 0]
                accelerated = _normalise(x + f - np.einsum("bnk,bk->bn", X + F, gamma),
                                         c, base, spec)
            ok = np.isfinite(accelerated).all(axis=1)
            x_new = np.where(ok[:, None], accelerated, g)
            if not ok.all():
                dxs.clear()
                dfs.clear()
        x = np.where(done[:, None], x, x_new)
    return x, iters, residual
