"""PPML guards: data checked before pyfixest sees it, separation, convergence, tolerances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower import errors


def _square(n: int = 8, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ex, im = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    ex, im = ex.ravel(), im.ravel()
    x = rng.normal(size=n * n)
    mu = np.exp(3.0 + 0.3 * x + rng.normal(0, 0.5, n)[ex] + rng.normal(0, 0.5, n)[im])
    return pd.DataFrame({"exporter": [f"C{i}" for i in ex], "importer": [f"C{j}" for j in im],
                         "trade": rng.poisson(mu).astype(float), "x": x})


@pytest.mark.parametrize(("make", "match"), [
    (lambda d: d.iloc[:0], "empty table"),
    (lambda d: d.assign(trade=0.0), "every value of 'trade' is zero"),
    (lambda d: d.iloc[:1], "too few observations"),
    (lambda d: d.iloc[:2], "too few observations"),
])
def test_hopeless_data_is_refused_before_pyfixest(make, match):
    # each of these used to abort the interpreter with a Rust panic inside pyfixest
    with pytest.raises(errors.DataError, match=match):
        mp.estimate.ppml(make(_square()), "trade", ["x"])


def test_separating_dummy_is_dropped_and_counted():
    df = _square()
    df["d"] = 0.0
    df.loc[df.index % 7 == 0, "d"] = 1.0
    df.loc[df.d == 1, "trade"] = 0.0            # d = 1 only where nothing is traded
    fit = mp.estimate.ppml(df, "trade", ["x", "d"])
    assert fit.separated == int(df.d.sum())
    assert "d" not in fit.coef.index            # no -25 to -30 "estimate"
    assert any(f"Dropped {int(df.d.sum())} observation(s) separated by the covariates" in n
               for n in fit.notes)
    clean = mp.estimate.ppml(df[df.d == 0], "trade", ["x"])
    assert fit.coef["x"] == pytest.approx(clean.coef["x"], abs=1e-8)
    with pytest.raises(errors.SeparationError, match="perfectly predicted"):
        mp.estimate.ppml(df, "trade", ["x", "d"], separation="raise")


def test_fixed_effect_level_with_only_zeros_is_separated():
    df = _square()
    df.loc[df.exporter == "C3", "trade"] = 0.0
    fit = mp.estimate.ppml(df, "trade", ["x"])
    assert fit.separated == 8 and np.isnan(fit.fitted[(df.exporter == "C3").to_numpy()]).all()
    assert "1 level(s) of exporter" in fit.notes[0]
    with pytest.raises(errors.SeparationError, match="fixed-effect level"):
        mp.estimate.ppml(df, "trade", ["x"], separation="raise")


def test_scattered_zeros_are_not_separation():
    df = _square(12, seed=4)
    df.loc[df.index % 5 == 1, "trade"] = 0.0
    fit = mp.estimate.ppml(df, "trade", ["x"])
    assert fit.separated == 0 and fit.dropped == 0


def test_non_convergence_is_an_error():
    with pytest.raises(errors.NonConvergenceError, match="maxiter=1"):
        mp.estimate.ppml(_square(), "trade", ["x"], maxiter=1)


@pytest.mark.parametrize("kw", [{"tol": 0}, {"fixef_tol": 2.0}, {"tol": True}, {"maxiter": 0},
                                {"separation": "ignore"}])
def test_bad_settings_are_named(kw):
    with pytest.raises(errors.ParameterError, match=next(iter(kw))):
        mp.estimate.ppml(_square(), "trade", ["x"], **kw)


def test_tight_defaults_satisfy_first_order_conditions():
    df = _square(10, seed=2)
    fit = mp.estimate.ppml(df, "trade", ["x"])
    resid = df.trade - fit.fitted
    for col in ("exporter", "importer"):
        rel = resid.groupby(df[col]).sum() / df.trade.groupby(df[col]).sum()
        assert rel.abs().max() < 1e-10
    assert abs((df.x * resid).sum()) < 1e-8 * (df.x.abs() * df.trade).sum()
    # a loose IRLS tolerance is passed through: fewer digits
    loose = mp.estimate.ppml(df, "trade", ["x"], tol=1e-3)
    assert abs(loose.coef["x"] - fit.coef["x"]) > 1e-9


def test_fixed_effects_and_predict_reproduce_the_fit():
    df = _square(9, seed=5)
    df["off"] = 0.1 * np.arange(len(df)) / len(df)
    for kw in ({}, {"offset": "off"}):
        x = [] if kw else ["x"]
        fit = mp.estimate.ppml(df, "trade", x, **kw)
        assert fit.fixef_residual < 1e-9
        np.testing.assert_allclose(fit.predict(df), fit.fitted, rtol=1e-10)
    new = df.iloc[:3].assign(exporter=["C0", "NEW", "C1"])
    assert np.isnan(fit.predict(new)[1]) and np.isfinite(fit.predict(new)[[0, 2]]).all()
    with pytest.raises(errors.MissingColumnError, match="importer"):
        fit.predict(df.drop(columns="importer"))
