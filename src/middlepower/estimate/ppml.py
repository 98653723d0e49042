"""PPML gravity estimation with high-dimensional fixed effects, on pyfixest.

The structural gravity equation (Anderson & van Wincoop 2003; Yotov et al. 2016, ch. 1)

.. math::

    X_{ij,t} = \\exp\\big(\\pi_{i,t} + \\chi_{j,t} + \\mu_{ij} + b' z_{ij,t}\\big)
               \\,\\varepsilon_{ij,t}

is estimated by Poisson pseudo-maximum likelihood (Santos Silva & Tenreyro 2006) with any
combination of exporter(-year), importer(-year) and pair fixed effects. PPML with exporter
and importer effects reproduces each exporter's output and each importer's spending
exactly (Fally 2015), which is what ties the estimates to the general equilibrium.

Before pyfixest sees the data, :mod:`._guards` checks it (rows, positive flows,
observations per parameter) and drops observations whose estimates do not exist
(separation, Correia et al. 2021) or refuses them (``separation="raise"``). The IRLS
loop stops when the relative change of the deviance is below ``tol``; the fixed effects
are demeaned to ``fixef_tol`` and read back to the same tolerance. Stopping at
``maxiter`` is an error, not a note.

References
----------
.. [1] Santos Silva, J. & Tenreyro, S. (2006). The log of gravity. REStat 88(4).
.. [2] Fally, T. (2015). Structural gravity and fixed effects. JIE 97(1).
.. [3] Correia, S., Guimaraes, P. & Zylkin, T. (2020). Fast Poisson estimation with
   high-dimensional fixed effects. Stata Journal 20(1).
.. [4] Bergé, L. (2018), fixest; pyfixest (Fischer et al.), the engine used here.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import (
    DataError,
    EstimationError,
    MissingColumnError,
    MissingDependencyError,
    NonConvergenceError,
    ParameterError,
)
from ._fixef import solve_fixef
from ._guards import screen
from .defaults import PartialEffectEstimate

if TYPE_CHECKING:
    from .costs import TradeCosts

__all__ = ["GravityFit", "ppml"]

log = logging.getLogger(__name__)


@dataclass
class GravityFit:
    """A fitted PPML gravity model.

    Attributes
    ----------
    coef, se : Series
        Coefficients and (clustered) standard errors of the covariates.
    vcov : DataFrame
        Their covariance.
    fitted : ndarray, shape (n_rows,)
        Fitted flows, one per row of ``data`` (NaN where a row was dropped).
    fixef : dict of str to Series
        Estimated fixed effects by factor (levels, as strings, as index), solved from the
        linear predictor to ``fixef_tol``; levels are identified up to normalisation (see
        :mod:`middlepower.estimate._fixef`).
    nobs : int
        Observations used; ``dropped`` rows were removed (singletons, separation), of
        which ``separated`` for separation.
    formula : str
        The pyfixest formula.
    fe_parts : dict of str to list of str
        Each fixed-effect column and the data columns it interacts.
    """

    coef: pd.Series
    se: pd.Series
    vcov: pd.DataFrame
    fitted: np.ndarray
    fixef: dict[str, pd.Series]
    nobs: int
    dropped: int
    formula: str
    data: pd.DataFrame = field(repr=False)
    model: Any = field(repr=False, default=None)
    notes: list[str] = field(default_factory=list)
    separated: int = 0
    fe_parts: dict[str, list[str]] = field(default_factory=dict)
    offset: str | None = None
    iterations: int = 0
    fixef_residual: float = 0.0

    def tidy(self) -> pd.DataFrame:
        """Coefficient table: estimate, std_error, z, p_value, ci_low, ci_high."""
        from scipy.stats import norm

        z = self.coef / self.se
        return pd.DataFrame({
            "estimate": self.coef, "std_error": self.se, "z": z,
            "p_value": 2 * norm.sf(np.abs(z)),
            "ci_low": self.coef - 1.959964 * self.se, "ci_high": self.coef + 1.959964 * self.se,
        })

    def summary(self) -> str:
        """A regression table in the style of Yotov et al. (2016)."""
        t = self.tidy()
        stars = np.where(t.p_value < 0.01, "***", np.where(t.p_value < 0.05, "**",
                                                          np.where(t.p_value < 0.1, "*", "")))
        width = max(12, *(len(str(i)) for i in t.index)) if len(t) else 12
        lines = [f"PPML gravity: {self.formula}", "-" * (width + 28)]
        for (name, row), star in zip(t.iterrows(), stars, strict=True):
            lines.append(f"{name:<{width}} {row.estimate:>10.3f}{star:<3}")
            lines.append(f"{'':<{width}} {'(' + format(row.std_error, '.3f') + ')':>10}")
        lines += ["-" * (width + 28), f"{'Observations':<{width}} {self.nobs:>10,}"]
        if self.dropped:
            lines.append(f"{'Dropped':<{width}} {self.dropped:>10,}  (singletons/separation)")
        lines += [*self.notes, "Standard errors in parentheses; *** p<0.01, ** p<0.05, * p<0.1"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        coefs = ", ".join(f"{k}={v:.3f}" for k, v in self.coef.items())
        return f"<GravityFit {coefs} (N={self.nobs})>"

    def effect(self, name: str, source: str = "", sample: str = "") -> PartialEffectEstimate:
        """One coefficient as a partial effect, e.g. for ``mp.agreement(effect=...)``."""
        if name not in self.coef.index:
            raise KeyError(f"no coefficient {name!r}; have {list(self.coef.index)}")
        return PartialEffectEstimate(name, float(self.coef[name]), float(self.se[name]),
                                     source or "user estimate", sample or f"{self.nobs} obs",
                                     self.formula)

    def linear_index(self, data: pd.DataFrame) -> np.ndarray:
        """Linear predictor ``b'x + sum of fixed effects (+ offset)`` per row of ``data``.

        Shape (n_rows,); NaN where a fixed-effect level was not estimated (a pair that
        never trades, a country-year outside the sample).
        """
        missing = [c for c in [*self.coef.index, *(p for ps in self.fe_parts.values()
                                                   for p in ps)] if c not in data.columns]
        if missing:
            raise MissingColumnError(f"column(s) {missing} of the fit are not in the data; it "
                                     f"has {list(data.columns)[:15]}.")
        out = np.zeros(len(data))
        for name, b in self.coef.items():
            out += b * pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
        for name, parts in self.fe_parts.items():
            level = _fe_column(data, parts)
            out += level.map(self.fixef[name]).to_numpy(dtype=float)
        if self.offset is not None and self.offset in data.columns:
            out += data[self.offset].to_numpy(dtype=float)
        return out

    def predict(self, data: pd.DataFrame | None = None) -> np.ndarray:
        """Fitted flows ``exp(linear index)`` for the rows of ``data`` (the fit's own rows
        when omitted). Shape (n_rows,); NaN where a fixed effect was not estimated.
        """
        if data is None:
            return self.fitted.copy()
        with np.errstate(over="ignore"):
            return np.exp(self.linear_index(data))

    def trade_costs(self, data: pd.DataFrame, *, fill: Literal["gravity"] | None = "gravity",
                    pair: str | None = None, covariates: Sequence[str] = (
                        "ln_DIST", "CNTG", "LANG", "CLNY"),
                    exporter: str = "exporter", importer: str = "importer") -> TradeCosts:
        """Structural trade costs ``ln t_ij`` of every pair of ``data`` (a cross-section).

        From the pair fixed effects where they were estimated, normalised so that
        domestic trade costs are one, plus ``b'x`` of the covariates; pairs without a pair
        effect (they never trade) get the prediction of a second-stage PPML of the pair
        costs on ``covariates`` with exporter and importer effects (``fill="gravity"``,
        Yotov et al. 2016, ch. 2, application 2; Anderson & Yotov 2016). See
        :func:`middlepower.estimate.costs.trade_costs`.
        """
        from .costs import trade_costs

        return trade_costs(self, data, fill=fill, pair=pair, covariates=covariates,
                           exporter=exporter, importer=importer)


def _pyfixest() -> Any:
    try:
        import pyfixest
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "estimation needs pyfixest: pip install 'middlepower[estimate]'") from None
    return pyfixest


def _fe_column(data: pd.DataFrame, parts: list[str]) -> pd.Series:
    """A fixed effect's level per row, as a string (``a_b`` for ``a^b``)."""
    col = data[parts[0]].astype(str)
    for part in parts[1:]:
        col = col + "_" + data[part].astype(str)
    return col


def _demeaner_options(fixef_tol: float, fixef_maxiter: int) -> dict[str, Any]:
    try:
        from pyfixest.demeaners import MapDemeaner
    except ImportError:  # pragma: no cover - pyfixest < 0.50 takes the plain arguments
        return {"fixef_tol": fixef_tol, "fixef_maxiter": fixef_maxiter}
    return {"demeaner": MapDemeaner(fixef_tol=fixef_tol, fixef_maxiter=fixef_maxiter)}


def _check_inputs(data: Any, y: str, x: list[str], needed: list[str],
                  numeric: list[str]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"ppml expects a DataFrame; got {type(data).__name__}.")
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise MissingColumnError(f"column(s) {missing} not in the data; it has "
                                 f"{list(data.columns)[:15]}.")
    for col in numeric:
        values = pd.to_numeric(data[col], errors="coerce")
        bad = ~np.isfinite(values.to_numpy(dtype=float))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise DataError(f"{col} has {int(bad.sum())} missing or non-finite value(s), first at "
                            f"row {k} ({data[col].iloc[k]!r}); drop or fill them before "
                            "estimating.")
    if len(data) and (pd.to_numeric(data[y]) < 0).any():
        k = int(np.flatnonzero((pd.to_numeric(data[y]) < 0).to_numpy())[0])
        raise DataError(f"{y} is negative at row {k} ({data[y].iloc[k]}); flows must be >= 0.")


def _check_tolerances(tol: float, fixef_tol: float, maxiter: int, fixef_maxiter: int,
                      separation: str) -> None:
    for name, v in (("tol", tol), ("fixef_tol", fixef_tol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1:
            raise ParameterError(f"{name}={v!r} must be a number between 0 and 1 (e.g. 1e-10).")
    for name, v in (("maxiter", maxiter), ("fixef_maxiter", fixef_maxiter)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ParameterError(f"{name}={v!r} must be a positive integer.")
    if separation not in ("drop", "raise"):
        raise ParameterError(f"separation={separation!r}: expecting 'drop' or 'raise'.")


def ppml(
    data: pd.DataFrame,
    y: str = "trade",
    x: Sequence[str] = (),
    fe: Sequence[str] = ("exporter", "importer"),
    *,
    cluster: str | None = None,
    offset: str | None = None,
    tol: float = 1e-12,
    fixef_tol: float = 1e-12,
    maxiter: int = 100,
    fixef_maxiter: int = 100_000,
    separation: Literal["drop", "raise"] = "drop",
) -> GravityFit:
    """Estimate a gravity equation by PPML with fixed effects (pyfixest).

    Parameters
    ----------
    data : DataFrame
        Long panel or cross-section, one row per exporter-importer(-year).
    y : str, default "trade"
        Flows, non-negative (zeros are kept: that is the point of PPML).
    x : sequence of str
        Covariates (``ln_DIST``, ``CNTG``, ``RTA``, ``INTL_BRDR``, ...).
    fe : sequence of str, default ("exporter", "importer")
        Fixed effects: column names, or interactions in pyfixest syntax
        (``"exporter^year"``); an empty sequence estimates with a constant.
    cluster : str, optional
        Column to cluster standard errors by (e.g. a pair id); heteroskedasticity-robust
        standard errors otherwise.
    offset : str, optional
        Column entering the linear index with coefficient one (constrained estimation).
    tol : float, default 1e-12
        IRLS stopping rule: relative change of the deviance (pyfixest ``iwls_tol``).
    fixef_tol : float, default 1e-12
        Tolerance of the fixed-effect demeaning inside each IRLS step and of reading the
        fixed effects back. pyfixest's defaults (1e-8, 1e-6) leave about 0.002
        percentage points of noise in the Yotov et al. (2016) tables; these defaults
        reproduce them to 1e-5.
    maxiter, fixef_maxiter : int
        Caps on IRLS and demeaning iterations; reaching ``maxiter`` raises
        :class:`~middlepower.errors.NonConvergenceError`.
    separation : {"drop", "raise"}, default "drop"
        Observations whose estimates do not exist (a fixed-effect level with only zero
        flows, or zeros perfectly predicted by the covariates): drop them and say how many
        in ``notes`` (as ppmlhdfe does), or raise
        :class:`~middlepower.errors.SeparationError`.

    Returns
    -------
    GravityFit

    Raises
    ------
    MissingColumnError, DataError, SeparationError, NonConvergenceError, EstimationError

    Examples
    --------
    >>> fit = ppml(df, "trade", ["ln_DIST", "CNTG", "INTL_BRDR"],
    ...            fe=["exporter", "importer"])                          # doctest: +SKIP
    >>> fit.coef["INTL_BRDR"]                                            # doctest: +SKIP
    -2.474...
    """
    x = list(x)
    fe = list(fe)
    factors = sorted({part for f in fe for part in f.split("^")})
    extra = ([cluster] if cluster else []) + ([offset] if offset else [])
    _check_inputs(data, y, x, [y, *x, *factors, *extra],
                  [y, *x] + ([offset] if offset else []))
    _check_tolerances(tol, fixef_tol, maxiter, fixef_maxiter, separation)
    pf = _pyfixest()
    frame = data.reset_index(drop=True).copy()
    fe_parts: dict[str, list[str]] = {}
    for f in fe:  # interactions as explicit string columns, so their effects can be read back
        parts = f.split("^")
        name = "_".join(parts)
        frame[name] = _fe_column(frame, parts)
        fe_parts[name] = parts
    fe_cols = list(fe_parts)
    checked = screen(frame, y, x, fe_cols, separation=separation, n_params_x=len(x))
    used = np.flatnonzero(checked.keep)
    sub = frame.iloc[used].reset_index(drop=True)
    rhs = " + ".join(x) if x else "1"
    formula = f"{y} ~ {rhs}" + (f" | {' + '.join(fe_cols)}" if fe_cols else "")
    vcov: Any = {"CRV1": cluster} if cluster else "hetero"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = pf.fepois(formula, data=sub, vcov=vcov, offset=offset, iwls_tol=tol,
                              iwls_maxiter=maxiter, separation_check=[],
                              **_demeaner_options(fixef_tol, fixef_maxiter))
    except Exception as exc:  # pyfixest raises many kinds; name the estimation
        raise EstimationError(f"PPML failed for {formula!r}: {exc}") from exc
    if not getattr(model, "convergence", True) and not _scores_vanish(model, sub, y, fe_cols):
        raise NonConvergenceError(
            f"PPML did not converge for {formula!r} in maxiter={maxiter} iterations (relative "
            f"deviance change still above tol={tol:g}); raise maxiter or loosen tol.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no covariates: pyfixest warns of an empty vcov
        coef = model.coef()
        se = model.se()
    notes = list(checked.notes)
    lost = [v for v in x if v not in coef.index]
    if lost:
        notes.append(f"Dropped as collinear with the fixed effects: {', '.join(lost)}")
        log.warning("collinear covariates dropped: %s", lost)
    if not np.isfinite(coef.to_numpy(dtype=float)).all():
        raise EstimationError(f"PPML returned non-finite coefficients for {formula!r}: "
                              f"{coef.to_dict()}; check the covariates' scale.")
    kept = _used_rows(model, len(sub))
    fitted = np.full(len(frame), np.nan)
    fitted[used[kept]] = np.asarray(model.predict(type="response"), dtype=float)
    fixef: dict[str, pd.Series] = {}
    resid = 0.0
    if fe_cols:
        rows = used[kept]
        eta = np.log(fitted[rows])
        for name, b in coef.items():
            eta -= b * frame[name].to_numpy(dtype=float)[rows]
        if offset:
            eta -= frame[offset].to_numpy(dtype=float)[rows]
        fixef, resid = solve_fixef(eta, frame.loc[rows, fe_cols], fixef_tol)
    vc = pd.DataFrame(np.asarray(model._vcov).reshape(len(coef), len(coef)),
                      index=coef.index, columns=coef.index)
    nobs = int(model._N)
    return GravityFit(coef=coef.rename(None), se=se.rename(None), vcov=vc, fitted=fitted,
                      fixef=fixef, nobs=nobs, dropped=len(frame) - nobs, formula=formula,
                      data=frame, model=model, notes=notes,
                      separated=checked.separated_fe + checked.separated_x,
                      fe_parts=fe_parts, offset=offset, fixef_residual=resid)


def _scores_vanish(model: Any, sub: pd.DataFrame, y: str, fe_cols: list[str],
                   rtol: float = 1e-9) -> bool:
    """Whether the PPML first-order conditions hold although the IRLS rule did not stop.

    pyfixest stops on the relative change of the deviance, which is rounding noise when
    the flows are almost exactly fitted (the book's later rounds); the score of every
    fixed-effect level, sum of (y - mu), is then checked against the level's flows.
    """
    rows = _used_rows(model, len(sub))
    mu = np.asarray(model.predict(type="response"), dtype=float)
    yv = sub[y].to_numpy(dtype=float)[rows]
    resid = yv - mu
    for col in fe_cols:
        codes = pd.factorize(sub[col].to_numpy()[rows])[0]
        score = np.bincount(codes, weights=resid)
        scale = np.bincount(codes, weights=yv) + np.bincount(codes, weights=mu)
        if (np.abs(score) > rtol * np.maximum(scale, 1e-300)).any():
            return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = [n for n in model.coef().index if n in sub.columns]
    xs = sub[names].to_numpy(dtype=float)[rows]
    return bool(np.all(np.abs(xs.T @ resid) <= rtol * (np.abs(xs).T @ (yv + mu))))


def _used_rows(model: Any, n: int) -> np.ndarray:
    """Row positions pyfixest kept (it drops singletons and separated observations)."""
    kept = getattr(model, "_data", None)
    keep = np.zeros(n, dtype=bool)
    if kept is not None:
        keep[np.asarray(kept.index, dtype=int)] = True
    if keep.sum() != model._N:
        raise EstimationError("could not align fitted values with the data rows "
                              f"({keep.sum()} kept vs {model._N} used).")
    return np.flatnonzero(keep)
