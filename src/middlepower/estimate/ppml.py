"""PPML gravity estimation with high-dimensional fixed effects, on pyfixest.

The structural gravity equation (Anderson & van Wincoop 2003; Yotov et al. 2016, ch. 1)

.. math::

    X_{ij,t} = \\exp\\big(\\pi_{i,t} + \\chi_{j,t} + \\mu_{ij} + b' z_{ij,t}\\big)
               \\,\\varepsilon_{ij,t}

is estimated by Poisson pseudo-maximum likelihood (Santos Silva & Tenreyro 2006) with any
combination of exporter(-year), importer(-year) and pair fixed effects. PPML with exporter
and importer effects reproduces each exporter's output and each importer's spending
exactly (Fally 2015), which is what ties the estimates to the general equilibrium.

References
----------
.. [1] Santos Silva, J. & Tenreyro, S. (2006). The log of gravity. REStat 88(4).
.. [2] Fally, T. (2015). Structural gravity and fixed effects. JIE 97(1).
.. [3] Bergé, L. (2018), fixest; pyfixest (Fischer et al.), the engine used here.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, EstimationError, MissingColumnError, MissingDependencyError
from .defaults import PartialEffectEstimate

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
    fitted : ndarray
        Fitted flows, one per row of ``data`` (NaN where a row was dropped).
    fixef : dict of str to Series
        Estimated fixed effects by factor (levels as index), as pyfixest gives them.
    nobs : int
        Observations used; ``dropped`` rows were removed (singletons, separation).
    formula : str
        The pyfixest formula.
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
        width = max(12, *(len(str(i)) for i in t.index))
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


def _pyfixest() -> Any:
    try:
        import pyfixest
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "estimation needs pyfixest: pip install 'middlepower[estimate]'") from None
    return pyfixest


def ppml(
    data: pd.DataFrame,
    y: str = "trade",
    x: Sequence[str] = (),
    fe: Sequence[str] = ("exporter", "importer"),
    *,
    cluster: str | None = None,
    offset: str | None = None,
    tol: float = 1e-10,
    maxiter: int = 100,
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
    tol, maxiter
        Convergence settings of the IRLS iterations.

    Returns
    -------
    GravityFit

    Raises
    ------
    MissingColumnError, DataError, NonFiniteError, EstimationError

    Examples
    --------
    >>> fit = ppml(df, "trade", ["ln_DIST", "CNTG", "INTL_BRDR"],
    ...            fe=["exporter", "importer"])                          # doctest: +SKIP
    >>> fit.coef["INTL_BRDR"]                                            # doctest: +SKIP
    -2.474...
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"ppml expects a DataFrame; got {type(data).__name__}.")
    x = list(x)
    factors = sorted({part for f in fe for part in f.split("^")})
    needed = [y, *x, *factors] + ([cluster] if cluster else []) + ([offset] if offset else [])
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise MissingColumnError(f"column(s) {missing} not in the data; it has "
                                 f"{list(data.columns)[:15]}.")
    for col in [y, *x] + ([offset] if offset else []):
        values = pd.to_numeric(data[col], errors="coerce")
        bad = ~np.isfinite(values.to_numpy(dtype=float))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise DataError(f"{col} has {int(bad.sum())} missing or non-finite value(s), first at "
                            f"row {k} ({data[col].iloc[k]!r}); drop or fill them before "
                            "estimating.")
    if (data[y] < 0).any():
        k = int(np.flatnonzero((data[y] < 0).to_numpy())[0])
        raise DataError(f"{y} is negative at row {k} ({data[y].iloc[k]}); flows must be >= 0.")
    pf = _pyfixest()
    frame = data.reset_index(drop=True).copy()
    fe_cols = []
    for f in fe:  # interactions as explicit columns, so that their effects can be read back
        parts = f.split("^")
        name = "_".join(parts)
        frame[name] = frame[parts[0]].astype(str)
        for part in parts[1:]:
            frame[name] = frame[name] + "_" + frame[part].astype(str)
        fe_cols.append(name)
    rhs = " + ".join(x) if x else "1"
    formula = f"{y} ~ {rhs}" + (f" | {' + '.join(fe_cols)}" if fe_cols else "")
    vcov: Any = {"CRV1": cluster} if cluster else "hetero"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = pf.fepois(formula, data=frame, vcov=vcov, offset=offset, iwls_tol=tol,
                              iwls_maxiter=maxiter)
    except Exception as exc:  # pyfixest raises many kinds; name the estimation
        raise EstimationError(f"PPML failed for {formula!r}: {exc}") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no covariates: pyfixest warns of an empty vcov
        coef = model.coef()
        se = model.se()
    notes = []
    lost = [v for v in x if v not in coef.index]
    if lost:
        notes.append(f"Dropped as collinear with the fixed effects: {', '.join(lost)}")
        log.warning("collinear covariates dropped: %s", lost)
    fitted = np.full(len(frame), np.nan)
    used = _used_rows(model, len(frame))
    fitted[used] = np.asarray(model.predict(type="response"), dtype=float)
    fixef: dict[str, pd.Series] = {}
    if fe and offset is None:
        fixef = {k.removeprefix("C(").removesuffix(")"): pd.Series(v)
                 for k, v in model.fixef().items()}
    elif fe:  # pyfixest 0.60's fixef() ignores the offset; recover effects from fitted values
        notes.append("Fixed effects not reported with an offset; read them from the fitted "
                     "values (log fitted - offset = sum of effects).")
    vc = pd.DataFrame(np.asarray(model._vcov).reshape(len(coef), len(coef)),
                      index=coef.index, columns=coef.index)
    return GravityFit(coef=coef.rename(None), se=se.rename(None), vcov=vc, fitted=fitted,
                      fixef=fixef, nobs=int(model._N), dropped=len(frame) - int(model._N),
                      formula=formula, data=frame, model=model, notes=notes)


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
