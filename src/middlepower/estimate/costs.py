"""Structural trade costs of every pair, from pair fixed effects and a gravity fill.

Yotov et al. (2016, ch. 2, application 2), after Anderson & Yotov (2016): estimate a panel
with exporter-year, importer-year and pair fixed effects :math:`\\mu_{ij}` and policy
covariates (``RTA``); the trade costs of pair ij in a year are

.. math::

    \\ln t_{ij} = \\tilde\\mu_{ij} + b' x_{ij}, \\qquad
    \\tilde\\mu_{ij} = \\mu_{ij} - (\\mu_{ii} + \\mu_{jj}) / 2 ,

normalised so that domestic costs are one (:math:`\\tilde\\mu_{ii} = 0`; the book omits
the domestic pair's dummy, the reference level). The contrast :math:`\\tilde\\mu` does not
depend on how the fixed effects were normalised (it is unchanged by
:math:`\\mu_{ij} + a_i + a_j` for symmetric pair effects, and changes only by
:math:`d_i - d_j` for directional ones, which exporter and importer effects absorb).
Pairs that never trade have no pair effect; ``fill="gravity"`` predicts
:math:`\\exp(\\tilde\\mu_{ij})` for them from a PPML of the estimated ones on distance,
contiguity, language and colony with exporter and importer effects (the book's second
stage, clustered by pair).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ..errors import DataError, MissingColumnError, ParameterError

if TYPE_CHECKING:
    from .ppml import GravityFit

__all__ = ["TradeCosts", "trade_costs"]


@dataclass
class TradeCosts:
    """Trade costs of the rows of a cross-section.

    Attributes
    ----------
    ln_t : Series, shape (n_rows,)
        :math:`\\ln t_{ij}`: the pair part plus ``b'x`` (pass to
        ``counterfactual(costs=...)``).
    pair_part : Series, shape (n_rows,)
        :math:`\\tilde\\mu_{ij}` alone (the book's ``ln tij_bar``).
    source : Series, shape (n_rows,)
        ``"pair"`` (estimated pair effect), ``"domestic"`` or ``"gravity"`` (filled).
    second_stage : GravityFit or None
        The fill regression, when one was needed.
    """

    ln_t: pd.Series
    pair_part: pd.Series
    source: pd.Series
    second_stage: GravityFit | None = None

    def __repr__(self) -> str:
        counts = self.source.value_counts().to_dict()
        return f"<TradeCosts {len(self.ln_t)} pairs: {counts}>"


def _pair_factor(fit: GravityFit, pair: str | None, exporter: str, importer: str) -> str:
    if pair is not None:
        if pair not in fit.fe_parts:
            raise ParameterError(f"pair={pair!r} is not a fixed effect of the fit; it has "
                                 f"{list(fit.fe_parts)}.")
        return pair
    candidates = [n for n, parts in fit.fe_parts.items()
                  if len(parts) == 1 and parts[0] not in (exporter, importer)]
    if len(candidates) != 1:
        raise ParameterError(
            f"cannot tell which fixed effect is the pair effect among {list(fit.fe_parts)}; "
            "estimate with a pair fixed effect (fe=[..., 'pair_id']) and pass pair='pair_id'.")
    return candidates[0]


def trade_costs(fit: GravityFit, data: pd.DataFrame, *,
                fill: Literal["gravity"] | None = "gravity", pair: str | None = None,
                covariates: Sequence[str] = ("ln_DIST", "CNTG", "LANG", "CLNY"),
                exporter: str = "exporter", importer: str = "importer") -> TradeCosts:
    """Trade costs :math:`\\ln t_{ij}` of every row of ``data`` (see the module docstring).

    Parameters
    ----------
    fit : GravityFit
        PPML with a pair fixed effect (and usually exporter-year, importer-year effects).
    data : DataFrame
        One cross-section (e.g. the baseline year of the panel), every pair including
        domestic flows, with the pair column, the fit's covariates and, for the fill,
        ``covariates``.
    fill : {"gravity", None}
        How to cost pairs without an estimated pair effect; ``None`` leaves them NaN.
    pair : str, optional
        The pair fixed effect (found automatically when the fit has only one
        non-exporter, non-importer single-column effect).
    """
    if fill not in ("gravity", None):
        raise ParameterError(f"fill={fill!r}: expecting 'gravity' or None.")
    name = _pair_factor(fit, pair, exporter, importer)
    pair_col = fit.fe_parts[name][0]
    need = [exporter, importer, pair_col, *fit.coef.index]
    missing = [c for c in need if c not in data.columns]
    if missing:
        raise MissingColumnError(f"trade_costs needs column(s) {missing} in the data.")
    ex = data[exporter].astype(str).to_numpy()
    im = data[importer].astype(str).to_numpy()
    mu = data[pair_col].astype(str).map(fit.fixef[name]).to_numpy(dtype=float)
    own = fit.data.loc[fit.data[exporter].astype(str) == fit.data[importer].astype(str)]
    own_mu = pd.Series(own[pair_col].astype(str).map(fit.fixef[name]).to_numpy(dtype=float),
                       index=own[exporter].astype(str).to_numpy()).groupby(level=0).first()
    countries = sorted(set(ex) | set(im))
    lost = [c for c in countries if not np.isfinite(own_mu.get(c, np.nan))]
    if lost:
        raise DataError(f"no domestic pair effect for {lost[:5]}: the normalisation needs every "
                        "country's domestic flow in the estimation sample.")
    domestic = ex == im
    part = mu - (own_mu.reindex(ex).to_numpy() + own_mu.reindex(im).to_numpy()) / 2
    part[domestic] = 0.0
    source = np.where(domestic, "domestic", np.where(np.isfinite(part), "pair", "gravity"))
    second = None
    gap = source == "gravity"
    if gap.any() and fill == "gravity":
        part, second = _gravity_fill(data, part, gap, domestic, list(covariates), pair_col,
                                     exporter, importer)
    elif gap.any():
        source = np.where(gap, "missing", source)
    xb = np.zeros(len(data))
    for cov, b in fit.coef.items():
        xb += b * data[cov].to_numpy(dtype=float)
    idx = data.index
    return TradeCosts(ln_t=pd.Series(part + xb, index=idx, name="ln_t"),
                      pair_part=pd.Series(part, index=idx, name="pair_part"),
                      source=pd.Series(source, index=idx, name="source"), second_stage=second)


def _gravity_fill(data: pd.DataFrame, part: np.ndarray, gap: np.ndarray, domestic: np.ndarray,
                  covariates: list[str], pair_col: str, exporter: str, importer: str
                  ) -> tuple[np.ndarray, GravityFit]:
    """The book's second stage: PPML of exp(pair part) on gravity covariates, predicted."""
    from .ppml import ppml

    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise MissingColumnError(
            f"{int(gap.sum())} pair(s) have no pair effect and the gravity fill needs column(s) "
            f"{missing}; add them (e.g. ln_DIST = log(DIST)) or pass covariates=[...].")
    frame = data[[exporter, importer, pair_col, *covariates]].reset_index(drop=True).copy()
    frame["_t"] = np.exp(part)
    est = frame[~gap & ~domestic]
    second = ppml(est, "_t", covariates, fe=[exporter, importer], cluster=pair_col)
    pred = second.predict(frame.loc[gap])
    if not np.isfinite(pred).all():
        k = int(np.flatnonzero(~np.isfinite(pred))[0])
        row = frame.loc[gap].iloc[k]
        raise DataError(f"cannot fill the trade cost of {row[exporter]}-{row[importer]}: its "
                        "exporter or importer has no other pair with an estimated effect.")
    out = part.copy()
    out[gap] = np.log(pred)
    return out, second
