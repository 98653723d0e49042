"""Uncertainty bands: draws reproduce point solves, respect their order, are reproducible."""

from __future__ import annotations

import numpy as np
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
