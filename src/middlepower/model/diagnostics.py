"""Checks at the door (theta, options) and the errors a solve raises: no convergence, an
inadmissible equilibrium, a country cut off from trade."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

import numpy as np

from .._elasticity import MAX_SECTOR_THETA, check_theta_number
from ..data.world import World
from ..errors import ConvergenceError, InadmissibleEquilibriumError, ParameterError, ScenarioError
from ..scenario.scenario import DeficitClosure
from .baseline import Baseline, baseline
from .equations import Coefficients, _Eval, _evaluate, _Spec, _State
from .market import market_of
from .options import Mode, SolveOptions

#: Largest trade elasticity accepted: beyond it shares overflow double precision.
_MAX_THETA = MAX_SECTOR_THETA


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
    # one number for every sector (a scalar, or a row the same in all sectors) must be a
    # published aggregate elasticity; rows that vary by sector are a dataset's own
    # estimates, which go further (cp1993: 1.45 to 64.85); see middlepower._elasticity
    uniform = (values == values[:, :1]).all(axis=1) | np.isnan(values).all(axis=1)
    for v in np.unique(values[uniform, 0]):
        check_theta_number(float(v))
    bad = ~np.isfinite(values) | (values <= 0) | (values > _MAX_THETA)
    if bad.any():
        v = float(values[bad][0])
        raise ParameterError(f"theta={v:g}: a per-sector trade elasticity must be a positive "
                             f"number up to {_MAX_THETA:g} (Caliendo & Parro 2015 estimate "
                             "1.45 to 64.85 across sectors).")
    return values


def _check_options(world: World, n: int, options: SolveOptions) -> _Spec:
    """The settings of a batch of ``n`` scenarios: trade elasticities (the horizon's factor
    applied here, the one place), closure, numeraire, stopping rule, model terms."""
    o = options
    theta = _check_theta(o.theta, n, world) * o.theta_factor
    deficits, mode, numeraire, tol, max_iter, damping = (o.deficits, o.mode, o.numeraire,
                                                          o.tol, o.max_iter, o.damping)
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
                 int(max_iter), float(damping), o.backend, market_of(baseline(world), o))


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
