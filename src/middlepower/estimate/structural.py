"""From a gravity estimate to general equilibrium: the workflow of Yotov et al. (2016), ch. 2.

Given a cross-section with domestic flows, a PPML fit with exporter and importer fixed
effects, and a counterfactual change of covariates (``{"INTL_BRDR": 0}``), compute per
country the conditional and the full-endowment general-equilibrium effects: exports,
real GDP, factory-gate prices and the inward and outward multilateral resistances.

Two methods:

* ``method="exact"`` (default): the converged equilibrium of the model, solved by
  :func:`middlepower.solve` (exact hat algebra) on the fitted baseline with the partial
  effects :math:`\\beta_{ij} = \\sum_k b_k (x'_{k,ij} - x_{k,ij})`, theta = sigma - 1, E/Y
  fixed (``deficits="ratio"``) and the consumer price index of the reference country as
  numeraire. Residuals are below 1e-10.
* ``method="book"``: the book's iterative procedure (re-estimate the constrained PPML,
  update factory-gate prices, output, expenditure and multilateral resistances; stop when
  the standard deviation and the maximum of the change in factory-gate price changes fall
  below 0.01). It reproduces the published tables; it stops before the model's equations
  hold, and run longer the loop drifts, so the two methods differ (real GDP by up to about
  half a point in the borders application, exports by more).

Multilateral resistances are reported as percentage changes of :math:`P_j` (inward) and
:math:`\\Pi_i` (outward), i.e. of the book's IMR and OMR raised to 1/(1 - sigma).

Baseline trade costs are ``b'x`` of the fit's covariates (a cross-section fit with
exporter and importer effects, application 1), or given by ``costs=`` (application 2:
pair fixed effects from a panel, :meth:`GravityFit.trade_costs`); the baseline flows are
then the constrained PPML of ``data`` with those costs as offset, as in the book. The
counterfactual costs are the baseline ones plus :math:`\\sum_k b_k (x'_k - x_k)` over the
changed covariates.

``framing="removal"`` reports the counterfactual relative to the baseline (what removing
borders does); ``framing="effect_of"`` reports the baseline relative to the
counterfactual (what NAFTA did: the book's "effects of NAFTA" table, 100 (B/C - 1)). In
``book`` mode the factory-gate price column of ``effect_of`` follows the book's do-file,
100 (1 - p'/p), a first-order inverse; ``exact`` mode inverts exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..data.world import World
from ..errors import DataError, ParameterError
from ..model.solve import solve
from ..scenario.scenario import Scenario
from ..scenario.shocks import partial_effect
from .costs import TradeCosts
from .ppml import GravityFit, ppml

__all__ = ["StructuralResult", "counterfactual"]

Costs = TradeCosts | pd.Series | np.ndarray | str
Change = Mapping[str, float | np.ndarray | pd.Series | Callable[[pd.DataFrame], Any]]


@dataclass
class StructuralResult:
    """Per-country effects of a counterfactual, and how they were computed.

    ``table`` columns (percent changes from the baseline): ``exports_cdl_pct`` (conditional
    GE), ``exports_full_pct``, ``real_gdp_pct``, ``factory_price_pct``, ``imr_pct`` and
    ``omr_pct`` (full endowment), ``imr_cdl_pct`` and ``omr_cdl_pct`` (conditional).
    """

    table: pd.DataFrame
    method: str
    rounds: int
    sigma: float
    reference: str
    beta: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)
    #: baseline flows per row of ``data`` (the fit's, or the constrained PPML with ``costs``)
    baseline: np.ndarray | None = field(repr=False, default=None)


def _apply_change(data: pd.DataFrame, change: Change) -> pd.DataFrame:
    new = data.copy()
    for col, value in change.items():
        if col not in new.columns:
            raise DataError(f"counterfactual changes {col!r}, which is not a column of the data.")
        v = value(data) if callable(value) else value
        new[col] = np.broadcast_to(np.asarray(v, dtype=float), len(new)).copy()
    return new


def _log_costs(fit: GravityFit, data: pd.DataFrame) -> np.ndarray:
    """ln t_ij = sum_k b_k x_k,ij over the fit's covariates, one per row."""
    out = np.zeros(len(data))
    for name, b in fit.coef.items():
        if name not in data.columns:
            raise DataError(f"covariate {name!r} of the fit is not in the data.")
        out += b * data[name].to_numpy(dtype=float)
    return out


def _given_costs(costs: Costs, data: pd.DataFrame) -> np.ndarray:
    if isinstance(costs, TradeCosts):
        costs = costs.ln_t
    if isinstance(costs, str):
        if costs not in data.columns:
            raise DataError(f"costs={costs!r} is not a column of the data.")
        costs = data[costs]
    values = np.asarray(costs, dtype=float).reshape(-1)
    if len(values) != len(data):
        raise DataError(f"costs has {len(values)} values for {len(data)} rows of data; compute "
                        "them on the same rows (fit.trade_costs(data)).")
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(f"{int(bad.sum())} trade cost(s) are missing (first at row "
                        f"{int(np.flatnonzero(bad)[0])}); use fit.trade_costs(data, "
                        "fill='gravity') to cost pairs without a pair effect.")
    return values


def _baseline(data: pd.DataFrame, fit: GravityFit, ln_t0: np.ndarray, given: bool,
              exporter: str, importer: str, trade: str) -> np.ndarray:
    """Baseline flows: the fit's own, or the constrained PPML with the given costs."""
    if not given:
        if len(fit.fitted) != len(data):
            raise DataError(f"the fit has {len(fit.fitted)} rows and data {len(data)}: it was "
                            "estimated on other data (a panel?); pass "
                            "costs=fit.trade_costs(data).")
        return np.nan_to_num(fit.fitted, nan=0.0)
    work = pd.DataFrame({"e": data[exporter].astype(str), "i": data[importer].astype(str),
                         "flow": data[trade].to_numpy(dtype=float), "offset": ln_t0})
    base = ppml(work, "flow", [], fe=["e", "i"], offset="offset")
    return np.nan_to_num(base.fitted, nan=0.0)


def _invert(table: pd.DataFrame, method: str) -> pd.DataFrame:
    """Baseline relative to counterfactual: 100 (1 / (1 + c/100) - 1) per column."""
    out = 100.0 * (1.0 / (1.0 + table / 100.0) - 1.0)
    if method == "book":  # the do-file's change_price_FULL = (1 - p_hat) * 100
        out["factory_price_pct"] = -table["factory_price_pct"]
    return out


def counterfactual(
    data: pd.DataFrame,
    fit: GravityFit,
    change: Change,
    *,
    sigma: float,
    reference: str,
    method: Literal["exact", "book"] = "exact",
    exporter: str = "exporter",
    importer: str = "importer",
    trade: str = "trade",
    max_rounds: int = 200,
    costs: Costs | None = None,
    framing: Literal["removal", "effect_of"] = "removal",
) -> StructuralResult:
    """Conditional and full-endowment GE effects of changing covariates.

    Parameters
    ----------
    data : DataFrame
        One cross-section, every exporter-importer pair including domestic flows.
    fit : GravityFit
        PPML on ``data`` with exporter and importer fixed effects (``mp.estimate.ppml``).
    change : mapping
        Column -> new value (scalar, array, or function of ``data``), e.g.
        ``{"INTL_BRDR": 0}``.
    sigma : float
        Elasticity of substitution (theta = sigma - 1).
    reference : str
        Reference country: its inward multilateral resistance is the numeraire.
    method : {"exact", "book"}, default "exact"
    max_rounds : int
        Cap on the book's iterations.
    costs : TradeCosts, Series, array or column name, optional
        Baseline :math:`\\ln t_{ij}` per row of ``data`` (e.g.
        ``fit.trade_costs(data)`` from a panel fit with pair fixed effects); the baseline
        flows are then re-estimated by constrained PPML. Default: ``b'x`` of the fit,
        whose fitted values must be rows of ``data``.
    framing : {"removal", "effect_of"}, default "removal"
        Report the counterfactual relative to the baseline, or the baseline relative to
        the counterfactual (the effect *of* what ``change`` removes).

    Returns
    -------
    StructuralResult
    """
    if not sigma > 1:
        raise ParameterError(f"sigma={sigma!r} must exceed 1.")
    if method not in ("exact", "book"):
        raise ParameterError(f"method={method!r}: expecting 'exact' or 'book'.")
    if framing not in ("removal", "effect_of"):
        raise ParameterError(f"framing={framing!r}: expecting 'removal' or 'effect_of'.")
    data = data.reset_index(drop=True)
    codes = sorted(set(data[exporter].astype(str)))
    if reference not in codes:
        raise DataError(f"reference {reference!r} is not an exporter in the data.")
    cf = _apply_change(data, change)
    inert = [c for c in change if c not in fit.coef.index]
    if inert:
        raise DataError(f"counterfactual changes {inert}, which the fit has no coefficient for "
                        f"(it has {list(fit.coef.index)}); changing them changes nothing.")
    delta = _log_costs(fit, cf) - _log_costs(fit, data)
    ln_t0 = _log_costs(fit, data) if costs is None else _given_costs(costs, data)
    ln_t1 = ln_t0 + delta
    fitted = _baseline(data, fit, ln_t0, costs is not None, exporter, importer, trade)
    beta = pd.DataFrame({"exporter": data[exporter].astype(str),
                         "importer": data[importer].astype(str), "beta": delta})
    if method == "exact":
        table, rounds = _exact(data, fitted, beta, sigma, reference, exporter, importer), 0
    else:
        table, rounds = _book(data, fitted, ln_t0, ln_t1, sigma, reference, exporter,
                              importer, trade, max_rounds)
    notes = []
    if framing == "effect_of":
        table = _invert(table, method)
        notes.append("effect_of: baseline relative to the counterfactual, 100 (B/C - 1)"
                     + ("; factory_price_pct as in the book's do-file, 100 (1 - C/B)"
                        if method == "book" else ""))
    return StructuralResult(table=table, method=method, rounds=rounds, sigma=sigma,
                            reference=reference, beta=beta[beta.beta != 0], notes=notes,
                            baseline=fitted)


# --------------------------------------------------------------------------- exact
def _exact(data: pd.DataFrame, fitted: np.ndarray, beta: pd.DataFrame, sigma: float,
           reference: str, exporter: str, importer: str) -> pd.DataFrame:
    world = World.from_frame(pd.DataFrame({"e": data[exporter].astype(str),
                                           "i": data[importer].astype(str), "v": fitted}),
                             exporter="e", importer="i", value="v")
    shocks = beta[beta.beta != 0]
    scenario = Scenario("counterfactual", [partial_effect(shocks)] if len(shocks) else [])
    theta = sigma - 1.0
    num = f"price:{reference}"
    cdl = solve(world, scenario, theta=theta, mode="conditional", numeraire=num)
    full = solve(world, scenario, theta=theta, deficits="ratio", numeraire=num)
    c, f = cdl.countries, full.countries
    w = full.w_hat
    return pd.DataFrame({
        "exports_cdl_pct": c["exports_pct"],
        "exports_full_pct": f["exports_pct"],
        "real_gdp_pct": f["real_gdp_pct"],
        "factory_price_pct": f["factory_price_pct"],
        "imr_pct": f["price_index_pct"],
        # X'/X = Yhat Ehat that / (OMRhat IMRhat), OMR = Pi^(1-sigma): Pi_hat = w^-(1+theta)/theta
        "omr_pct": 100 * (w ** (-(1 + theta) / theta) - 1),
        "imr_cdl_pct": c["price_index_pct"],
        "omr_cdl_pct": 100 * (1 / cdl.w_hat - 1),   # conditional: OMRhat = w^theta
    }, index=pd.Index(world.countries, name="country"))


# --------------------------------------------------------------------------- book
def _fe_terms(fitted: np.ndarray, ln_t: np.ndarray, ex: np.ndarray, im: np.ndarray,
              reference: str) -> tuple[np.ndarray, np.ndarray]:
    """exp(exporter FE) and exp(importer FE) per row, the reference importer's FE at zero.

    Read from the fitted values: with exporter and importer effects, log mu_ij - ln t_ij =
    pi_i + chi_j exactly, so pi_i = that at j = reference and chi_j its mean over i of the
    remainder. (pyfixest's ``fixef()`` is not used: with an offset it returns wrong values.)
    """
    with np.errstate(divide="ignore"):
        level = np.log(fitted) - ln_t
    ok = np.isfinite(level)
    at_ref = pd.Series(level[(im == reference) & ok], index=ex[(im == reference) & ok])
    pi_c = at_ref.groupby(level=0).first()
    if len(pi_c) < len(set(ex)):
        raise DataError(f"every exporter needs a positive flow to the reference {reference!r} "
                        "to pin down the fixed effects.")
    pi = pd.Series(ex).map(pi_c).to_numpy(dtype=float)
    chi_c = pd.Series((level - pi)[ok]).groupby(im[ok]).mean()
    chi = pd.Series(im).map(chi_c).to_numpy(dtype=float)
    return np.exp(pi), np.exp(chi)


def _book(data: pd.DataFrame, fitted0: np.ndarray, ln_t0: np.ndarray, ln_t1: np.ndarray,
          sigma: float, reference: str, exporter: str, importer: str, trade: str,
          max_rounds: int) -> tuple[pd.DataFrame, int]:
    """The iterative procedure of Yotov et al. (2016), ch. 2, application 1 (do-file logic)."""
    ex = data[exporter].astype(str).to_numpy()
    im = data[importer].astype(str).to_numpy()
    intl = ex != im
    inv = 1.0 / (1.0 - sigma)

    def by_exporter(v: np.ndarray) -> np.ndarray:     # sum over importers, per row
        return pd.Series(v).groupby(ex).transform("sum").to_numpy()

    def own(v_by_country: pd.Series, codes: np.ndarray) -> np.ndarray:
        return pd.Series(codes).map(v_by_country).to_numpy(dtype=float)

    y = by_exporter(data[trade].to_numpy(dtype=float))
    e = pd.Series(data[trade].to_numpy(dtype=float)).groupby(im).transform("sum").to_numpy()
    y_c = pd.Series(y).groupby(ex).first()
    e_c = pd.Series(e).groupby(im).first()
    phi_c = e_c / y_c                                    # E/Y, fixed
    e_ref0 = float(e_c[reference])

    tradehat = fitted0
    xi_bln = pd.Series(np.where(intl, tradehat, 0.0)).groupby(ex).sum()
    pi0, chi0 = _fe_terms(tradehat, ln_t0, ex, im, reference)
    omr0 = y * e_ref0 / pi0
    imr0 = e / (chi0 * e_ref0)

    work = data[[exporter, importer]].copy()
    work["offset"] = ln_t1

    def constrained(flow: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        work["flow"] = flow
        f = ppml(work, "flow", [], fe=[exporter, importer], offset="offset")
        fitted = np.nan_to_num(f.fitted, nan=0.0)
        p, c = _fe_terms(fitted, ln_t1, ex, im, reference)
        return fitted, p, c

    # conditional GE: output and spending fixed
    hat_cdl, pi_cdl, chi_cdl = constrained(data[trade].to_numpy(dtype=float))
    xi_cdl = pd.Series(np.where(intl, hat_cdl, 0.0)).groupby(ex).sum()
    imr_cdl = e / (chi_cdl * e_ref0)
    omr_cdl = y * e_ref0 / pi_cdl

    def own_pi(p: np.ndarray) -> np.ndarray:            # the importer's own exporter FE
        return own(pd.Series(p).groupby(ex).first(), im)

    # state of round s-2 (``prev``) and s-3 (``prev2``); round 1 is the conditional GE
    e_ref = {0: e_ref0, 1: e_ref0}
    pi = {0: pi0, 1: pi_cdl}
    cpi = {0: np.zeros(len(data)),
           1: ((pi_cdl / pi0) / 1.0) ** inv}
    cpj = {1: ((own_pi(pi_cdl) / own_pi(pi0)) / 1.0) ** inv}
    omr = {0: omr0, 1: y * e_ref0 / pi_cdl}
    imr = {0: imr0, 1: e / (chi_cdl * e_ref0)}
    c_omr = {1: np.ones(len(data))}
    c_imr = {1: np.ones(len(data))}
    hat = {1: hat_cdl}
    chi = {1: chi_cdl}
    e_s = {1: e}
    s = 3
    rounds = 0
    while True:
        s1, s2, s3 = s - 1, s - 2, s - 3
        flow = hat[s2] * cpi[s2] * cpj[s2] / (c_omr[s2] * c_imr[s2])
        hat[s1], pi[s1], chi[s1] = constrained(flow)
        y_s = by_exporter(hat[s1])
        e_s[s1] = own(phi_c * pd.Series(y_s).groupby(ex).first(), im)
        e_ref[s1] = float(pd.Series(e_s[s1]).groupby(im).first()[reference])
        cpi[s1] = ((pi[s1] / pi[s2]) / (e_ref[s1] / e_ref[s2])) ** inv
        cpj[s1] = ((own_pi(pi[s1]) / own_pi(pi[s2])) / (e_ref[s1] / e_ref[s2])) ** inv
        omr[s1] = y_s * e_ref[s1] / pi[s1]
        c_omr[s1] = omr[s1] / omr[s2]
        imr[s1] = e_s[s1] / (chi[s1] * e_ref[s1])
        c_imr[s1] = imr[s1] / imr[s2]
        dif = cpi[s2] - cpi[s3]
        rounds += 1
        s += 1
        if (np.std(dif, ddof=1) <= 0.01 and abs(np.max(dif)) <= 0.01) or rounds >= max_rounds:
            break
    S = s - 2
    cp_full = ((pi[S] / pi0) / (e_ref[S] / e_ref0)) ** inv
    y_full = cp_full * y
    e_full = own(phi_c * pd.Series(y_full).groupby(ex).first(), im)
    omr_full = y_full * e_ref[S] / pi[S]
    imr_full = e_s[S] / (chi[S] * e_ref[S])
    x_full = y_full * e_full * np.exp(ln_t1) / (imr_full * omr_full)
    xi_full = pd.Series(np.where(intl, x_full, 0.0)).groupby(ex).sum()

    def by_country(v: np.ndarray, key: np.ndarray) -> pd.Series:
        return pd.Series(v).groupby(key).first()

    imr_b, imr_f = by_country(imr0, im), by_country(imr_full, im)
    rgdp_b = y_c / imr_b ** inv
    rgdp_f = by_country(y_full, ex) / imr_f ** inv
    table = pd.DataFrame({
        "exports_cdl_pct": 100 * (xi_cdl / xi_bln - 1),
        "exports_full_pct": 100 * (xi_full / xi_bln - 1),
        "real_gdp_pct": 100 * (rgdp_f / rgdp_b - 1),
        "factory_price_pct": 100 * (by_country(cp_full, ex) - 1),
        "imr_pct": 100 * ((imr_f / imr_b) ** inv - 1),
        "omr_pct": 100 * ((by_country(omr_full, ex) / by_country(omr0, ex)) ** inv - 1),
        "imr_cdl_pct": 100 * ((by_country(imr_cdl, im) / imr_b) ** inv - 1),
        "omr_cdl_pct": 100 * ((by_country(omr_cdl, ex) / by_country(omr0, ex)) ** inv - 1),
    })
    table.index.name = "country"
    return table, rounds
