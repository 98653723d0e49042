"""Uncertainty bands: draws reproduce point solves, respect their order, are reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower.estimate import PartialEffectEstimate

SCEN = mp.Scenario("deal", [mp.tariff(by="USA", on="CAN", rate=0.25),
                            mp.agreement(form=["CAN", "EU27"])])


def test_degenerate_draws_equal_the_point_solve(world2023):
    fixed = PartialEffectEstimate("RTA", 0.557185, 0.0, "", "", "")
    b = mp.uncertainty(world2023, SCEN, n=5, theta=5.0, effect=fixed)
    point = mp.solve(world2023, SCEN, theta=5.0).countries
    for q in (5, 50, 95):
        np.testing.assert_allclose(b.table.loc["deal"][f"welfare_pct_p{q}"].loc[point.index],
                                   point.welfare_pct, atol=1e-9)


def test_bands_are_ordered_and_reproducible(world2023):
    a = mp.uncertainty(world2023, SCEN, n=60, seed=4)
    b = mp.uncertainty(world2023, SCEN, n=60, seed=4)
    assert a.table.equals(b.table)
    t = a.table
    assert (t.welfare_pct_p5 <= t.welfare_pct_p50 + 1e-12).all()
    assert (t.welfare_pct_p50 <= t.welfare_pct_p95 + 1e-12).all()
    lo, mid, hi = a.band("deal", "CAN")
    assert lo < mid < hi
    assert set(a.draws.draw) == set(range(60)) and a.draws.theta.between(4, 6).all()


def test_common_draws_across_variants(world2023):
    s = mp.Scenario.from_yaml(str(__import__("pathlib").Path(__file__).parents[1]
                                  / "examples" / "us_tariffs_on_canada.yaml"))
    b = mp.uncertainty(world2023, s, n=20)
    thetas = b.draws.groupby("scenario").theta.apply(lambda x: tuple(x.unique()))
    assert thetas.nunique() == 1


@pytest.mark.parametrize(("kw", "pattern"), [({"n": 1}, "at least 2"),
                                             ({"theta": (6, 4)}, "low <= high"),
                                             ({"percentiles": (5, 150)}, r"\[0, 100\]")])
def test_bad_arguments(world2023, kw, pattern):
    with pytest.raises(mp.errors.ParameterError, match=pattern):
        mp.uncertainty(world2023, SCEN, **kw)


def test_brief_carries_bands(world2023):
    b = mp.brief(world2023, "CAN", against="USA", bands=30)
    r = b.responses
    assert (r.target_welfare_p5 <= r.target_welfare_pct + 1e-9).all()
    assert (r.target_welfare_p95 >= r.target_welfare_pct - 1e-9).all()
    assert b.to_dict()["bands"]["draws"] == 30


def test_bands_are_pandas_grouped_quantiles_of_the_draws(world2023):
    """The table is computed in NumPy; it must equal, to the last bit, the grouped
    quantiles of the draws table (the definition), in the draws' order of groups."""
    s = mp.Scenario.from_yaml(str(__import__("pathlib").Path(__file__).parents[1]
                                  / "examples" / "us_tariffs_on_canada.yaml"))
    qs = (0, 2.5, 50, 97.5, 100)
    b = mp.uncertainty(world2023, s, n=37, percentiles=qs, seed=5)
    cols = ["welfare_pct", "real_gdp_pct", "exports_pct"]
    grouped = b.draws.groupby(["scenario", "country"], sort=False)[cols]
    ref = pd.concat({q: grouped.quantile(q / 100) for q in qs}, axis=1)
    ref.columns = [f"{m}_p{q:g}" for q, m in ref.columns]
    pd.testing.assert_frame_equal(b.table, ref, check_exact=True)


def test_quantiles_skip_missing_values_as_pandas():
    from middlepower.uncertainty import _quantiles

    rng = np.random.default_rng(1)
    x = rng.normal(size=(41, 12))
    x[rng.uniform(size=x.shape) < 0.3] = np.nan
    x[:, 3] = np.nan          # no values: NaN
    x[:, 4] = 1.5             # all tied
    x[:40, 5] = np.nan        # one value
    frame = pd.DataFrame({"g": np.tile(np.arange(12), 41), "v": x.ravel()})
    qs = [0.0, 0.05, 0.333, 0.5, 0.95, 1.0]
    for q, got in zip(qs, _quantiles(x, qs), strict=True):
        want = frame.groupby("g", sort=False)["v"].quantile(q).to_numpy()
        assert np.array_equal(got, want, equal_nan=True), q
