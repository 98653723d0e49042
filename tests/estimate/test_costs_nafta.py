"""Pair-fixed-effect trade costs, the gravity fill, framing, and the book's NAFTA table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from examples_loader import EXAMPLES, load_example
from middlepower import errors

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "yotov2016"
NAFTA_DTA = SHARED / "Chapter2Application2.dta"


def _panel(n: int = 7, years: int = 3, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Expected flows of a gravity panel with symmetric pair effects (PPML fits it exactly)."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(-2.0, 0.7, (n, n))
    mu = (mu + mu.T) / 2
    np.fill_diagonal(mu, rng.normal(1.0, 0.3, n))
    dist = rng.uniform(5, 9, (n, n))
    dist = (dist + dist.T) / 2
    rows = []
    for t in range(years):
        pi, chi = rng.normal(0, 0.5, n), rng.normal(0, 0.5, n)
        for i in range(n):
            for j in range(n):
                rta = float(i != j and (i + j + t) % 3 == 0)
                flow = np.exp(pi[i] + chi[j] + mu[i, j] + 0.4 * rta + 8.0)
                rows.append((f"C{i}", f"C{j}", 1990 + t, flow, rta, f"{min(i, j)}-{max(i, j)}",
                             np.log(dist[i, j]) if i != j else 0.0, float(abs(i - j) == 1)))
    cols = ["exporter", "importer", "year", "trade", "RTA", "pair", "ln_DIST", "CNTG"]
    return pd.DataFrame(rows, columns=cols), mu


def test_trade_costs_recover_pair_effects_with_domestic_reference():
    df, mu = _panel()
    fit = mp.estimate.ppml(df, "trade", ["RTA"], fe=["exporter^year", "importer^year", "pair"])
    assert fit.coef["RTA"] == pytest.approx(0.4, abs=1e-8)
    base = df[df.year == 1991].reset_index(drop=True)
    tc = fit.trade_costs(base)
    i = base.exporter.str[1:].astype(int).to_numpy()
    j = base.importer.str[1:].astype(int).to_numpy()
    truth = mu[i, j] - (mu[i, i] + mu[j, j]) / 2
    np.testing.assert_allclose(tc.pair_part, truth, atol=1e-7)
    np.testing.assert_allclose(tc.ln_t, truth + 0.4 * base.RTA, atol=1e-7)
    assert (tc.source[base.exporter == base.importer] == "domestic").all()


def test_pairs_that_never_trade_are_filled_by_gravity():
    df, _ = _panel(n=8)
    dead = df.pair == "2-5"
    df.loc[dead, "trade"] = 0.0
    fit = mp.estimate.ppml(df, "trade", ["RTA"], fe=["exporter^year", "importer^year", "pair"])
    assert fit.separated == int(dead.sum())
    base = df[df.year == 1990].reset_index(drop=True)
    tc = fit.trade_costs(base, covariates=["ln_DIST", "CNTG"])
    gap = (base.pair == "2-5").to_numpy()
    assert (tc.source[gap] == "gravity").all() and np.isfinite(tc.ln_t).all()
    second = tc.second_stage
    expect = np.log(second.predict(base[gap])) + fit.coef["RTA"] * base.RTA[gap]
    np.testing.assert_allclose(tc.ln_t[gap], expect)
    bare = fit.trade_costs(base, fill=None)
    assert bare.ln_t[gap].isna().all() and (bare.source[gap] == "missing").all()
    with pytest.raises(errors.DataError, match="trade_costs"):
        mp.estimate.counterfactual(base, fit, {"RTA": 0.0}, sigma=5, reference="C0",
                                   costs=bare)
    with pytest.raises(errors.MissingColumnError, match="LANG"):
        fit.trade_costs(base)                           # the book's covariates by default


def test_panel_fit_without_costs_is_refused():
    df, _ = _panel()
    fit = mp.estimate.ppml(df, "trade", ["RTA"], fe=["exporter^year", "importer^year", "pair"])
    with pytest.raises(errors.DataError, match=r"costs=fit\.trade_costs"):
        mp.estimate.counterfactual(df[df.year == 1990], fit, {"RTA": 0.0}, sigma=5,
                                   reference="C0")


@pytest.fixture(scope="module")
def borders():
    return load_example("replicate_yotov_borders")


@pytest.mark.parametrize("method", ["exact", "book"])
def test_given_costs_equal_to_covariates_change_nothing(borders, method):
    data, fit = borders.data, borders.fit
    ln_t = sum(b * data[k] for k, b in fit.coef.items())
    ref = borders.exact if method == "exact" else borders.book
    r = mp.estimate.counterfactual(data, fit, {"INTL_BRDR": 0}, sigma=7, reference="ZZZ",
                                   method=method, costs=ln_t)
    gap = (r.table - ref.table).abs().max().max()
    assert gap < 1e-4, gap


def test_effect_of_framing_inverts_the_removal(borders):
    data, fit = borders.data, borders.fit
    removal = borders.exact.table
    effect = mp.estimate.counterfactual(data, fit, {"INTL_BRDR": 0}, sigma=7, reference="ZZZ",
                                        framing="effect_of").table
    np.testing.assert_allclose(effect, 100 * (1 / (1 + removal / 100) - 1), atol=1e-9)
    book = mp.estimate.counterfactual(data, fit, {"INTL_BRDR": 0}, sigma=7, reference="ZZZ",
                                      method="book", framing="effect_of")
    # the do-file reports prices as 100 (1 - p_hat), not the exact inverse
    np.testing.assert_allclose(book.table.factory_price_pct,
                               -borders.book.table.factory_price_pct)
    assert any("100 (1 - C/B)" in n for n in book.notes)
    with pytest.raises(errors.ParameterError, match="framing"):
        mp.estimate.counterfactual(data, fit, {"INTL_BRDR": 0}, sigma=7, reference="ZZZ",
                                   framing="reverse")
    with pytest.raises(errors.DataError, match="no coefficient"):
        mp.estimate.counterfactual(data, fit, {"DIST": 0}, sigma=7, reference="ZZZ")


# Yotov et al. (2016), ch. 2, application 2, published results (2_RTAsEffects_FULL.xls):
# Xi_CDL, Xi_FULL, price_FULL, IMR_FULL, rGDP_FULL, percent.
PUBLISHED_NAFTA = {
    "CAN": (34.991831, 37.455143, 1.836928, -1.481691, 3.403422),
    "MEX": (41.640778, 43.508387, 1.302903, -2.398578, 3.810068),
    "USA": (14.480849, 14.875810, 0.149066, -0.184725, 0.334632),
    "COL": (-1.800494, -1.730667, 0.061299, 0.092401, -0.031035),
    "TTO": (-0.863761, -0.879101, -0.057764, 0.022564, -0.080277),
    "JPN": (-0.352613, -0.422677, -0.028605, -0.023485, -0.005113),
    "ZZZ": (-0.138222, -0.165320, -0.008497, 0.000000, -0.008496),
}
NAFTA_COLUMNS = ["exports_cdl_pct", "exports_full_pct", "factory_price_pct", "imr_pct",
                 "real_gdp_pct"]


@pytest.fixture(scope="module")
def nafta():
    if not NAFTA_DTA.is_file():
        pytest.skip(f"needs the book's raw panel {NAFTA_DTA} (../shared is absent here)")
    example = load_example("yotov_nafta")
    return example.run(NAFTA_DTA)


def test_nafta_book_mode_reproduces_the_published_table(nafta):
    pub = pd.DataFrame(PUBLISHED_NAFTA, index=NAFTA_COLUMNS).T
    book = nafta["book"].table.loc[pub.index, NAFTA_COLUMNS]
    assert (book - pub).abs().max().max() < 1e-4
    assert nafta["fit"].coef["RTA"] == pytest.approx(0.5571853, abs=1e-7)
    assert nafta["fit"].nobs == 28482 and nafta["pairs"] == 6
    assert nafta["costs"].source.value_counts()["gravity"] == 14
    assert nafta["book"].rounds == 3


def test_nafta_exact_mode_differs_as_documented(nafta):
    pub = pd.DataFrame(PUBLISHED_NAFTA, index=NAFTA_COLUMNS).T
    exact = nafta["exact"].table.loc[pub.index, NAFTA_COLUMNS]
    gap = (exact - pub).abs().max()
    assert gap["exports_cdl_pct"] < 1e-4               # one constrained PPML: no loop
    assert 0.5 < gap["exports_full_pct"] < 1.0         # the book stops after 3 rounds
    assert gap["real_gdp_pct"] < 0.05
    assert exact.loc["CAN", "real_gdp_pct"] == pytest.approx(3.44, abs=0.01)


def test_nafta_example_without_data_says_so():
    run = subprocess.run([sys.executable, str(EXAMPLES / "yotov_nafta.py"), "--data",
                          "/nonexistent/Chapter2Application2.dta"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "data file not found" in run.stderr and "Traceback" not in run.stderr
