"""Estimation: PPML on pyfixest, and the Yotov et al. (2016) replication in both methods."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from examples_loader import load_example
from middlepower import errors

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "yotov2016"


def _poisson_panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 25
    codes = [f"C{k:02d}" for k in range(n)]
    ex, im = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    ex, im = ex.ravel(), im.ravel()
    ln_dist = rng.uniform(5, 9, n * n)
    fta = (rng.uniform(size=n * n) < 0.3).astype(float)
    mu = np.exp(2.0 + rng.normal(0, 1, n)[ex] + rng.normal(0, 1, n)[im] - 0.8 * ln_dist
                + 0.5 * fta + 4.0)
    return pd.DataFrame({"exporter": np.array(codes)[ex], "importer": np.array(codes)[im],
                         "trade": rng.poisson(mu).astype(float), "ln_dist": ln_dist,
                         "fta": fta, "pair": ex * n + im})


def test_ppml_recovers_known_coefficients():
    fit = mp.estimate.ppml(_poisson_panel(), "trade", ["ln_dist", "fta"],
                           fe=["exporter", "importer"], cluster="pair")
    assert fit.coef["ln_dist"] == pytest.approx(-0.8, abs=0.03)
    assert fit.coef["fta"] == pytest.approx(0.5, abs=0.03)
    assert (fit.se > 0).all() and fit.vcov.shape == (2, 2)
    assert np.isfinite(fit.fitted).all()
    assert "fta" in fit.summary() and "Observations" in fit.summary()
    assert fit.effect("fta").beta == fit.coef["fta"]


def test_ppml_errors_are_named():
    df = _poisson_panel()
    with pytest.raises(errors.MissingColumnError, match="distance"):
        mp.estimate.ppml(df, "trade", ["distance"])
    bad = df.copy()
    bad.loc[3, "trade"] = -1.0
    with pytest.raises(errors.DataError, match="negative at row 3"):
        mp.estimate.ppml(bad, "trade", ["ln_dist"])
    bad = df.copy()
    bad.loc[5, "ln_dist"] = np.nan
    with pytest.raises(errors.DataError, match="ln_dist has 1 missing"):
        mp.estimate.ppml(bad, "trade", ["ln_dist"])


def test_ppml_reports_collinear_covariates():
    df = _poisson_panel().assign(origin_size=lambda d: d.exporter.str[1:].astype(float))
    fit = mp.estimate.ppml(df, "trade", ["ln_dist", "origin_size"], fe=["exporter", "importer"])
    assert "origin_size" not in fit.coef.index
    assert any("collinear" in n for n in fit.notes)


@pytest.fixture(scope="module")
def borders():
    return load_example("replicate_yotov_borders")


def test_book_method_reproduces_published_table(borders):
    """Every country, every published column, within 1e-4 percentage point (the tight
    default tolerances; pyfixest's own defaults left 0.0013 pp)."""
    pub = borders.published
    t = borders.book.table.loc[pub.index]
    for ours, theirs in borders.COLUMNS.items():
        gap = (t[ours] - pub[theirs]).abs()
        assert gap.max() < 1e-4, (ours, gap.idxmax(), gap.max())
    assert t.loc["CAN", "real_gdp_pct"] == pytest.approx(54.36, abs=0.01)
    assert borders.fit.coef["INTL_BRDR"] == pytest.approx(-2.474, abs=0.001)


def test_exact_method_converges_and_differs_as_documented(borders):
    exact = borders.exact.table
    book = borders.book.table
    gap = (exact["real_gdp_pct"] - book["real_gdp_pct"]).abs()
    assert gap.idxmax() == "HKG" and 0.3 < gap.max() < 0.8
    # conditional GE has no loose loop: the two methods agree
    assert (exact["exports_cdl_pct"] - book["exports_cdl_pct"]).abs().max() < 0.01
    # the exact equilibrium satisfies the model: rerun the engine and check its residual
    data = borders.data
    world = mp.World.from_frame(data.assign(trade=borders.fit.fitted), value="trade")
    beta = borders.exact.beta
    r = mp.solve(world, [mp.partial_effect(beta)], theta=6.0, deficits="ratio",
                 numeraire="price:ZZZ")
    assert r.max_residual < 1e-10
    np.testing.assert_allclose(r.countries.real_gdp_pct.loc[exact.index], exact.real_gdp_pct)


def test_counterfactual_rejects_bad_input(borders):
    with pytest.raises(errors.DataError, match="not a column"):
        mp.estimate.counterfactual(borders.data, borders.fit, {"BORDER": 0}, sigma=7,
                                   reference="ZZZ")
    with pytest.raises(errors.ParameterError, match="sigma"):
        mp.estimate.counterfactual(borders.data, borders.fit, {"INTL_BRDR": 0}, sigma=0.5,
                                   reference="ZZZ")
    with pytest.raises(errors.DataError, match="reference 'DEU'"):
        mp.estimate.counterfactual(borders.data, borders.fit, {"INTL_BRDR": 0}, sigma=7,
                                   reference="DEU")


@pytest.mark.skipif(not (SHARED / "Chapter2Application2.dta").exists(),
                    reason="needs ../shared/data/yotov2016 (present in CI)")
def test_rta_default_is_reproduced():
    panel = mp.data.read_yotov(SHARED / "Chapter2Application2.dta")
    panel = panel[panel.year.isin([1986, 1990, 1994, 1998, 2002, 2006])]
    fit = mp.estimate.ppml(panel, "trade", ["RTA"],
                           fe=["exporter^year", "importer^year", "pair_id"], cluster="pair_id")
    assert fit.coef["RTA"] == pytest.approx(mp.estimate.RTA_EFFECT.beta, abs=1e-5)
    assert fit.se["RTA"] == pytest.approx(mp.estimate.RTA_EFFECT.se, abs=1e-4)
