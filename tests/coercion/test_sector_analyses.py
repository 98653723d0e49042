"""The analyses run unchanged on a multi-sector world with input-output links."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp


@pytest.fixture(scope="module")
def world() -> mp.World:
    rng = np.random.default_rng(7)
    S, N = 3, 5
    X = rng.uniform(0.5, 3.0, (S, N, N))
    X[:, 0, 1] *= 6                                   # CAN sells a lot to USA
    for s in range(S):
        X[s][np.diag_indices(N)] += rng.uniform(20, 40, N)
    raw = rng.uniform(0, 1, (S, S, N))
    io = raw / raw.sum(1, keepdims=True) * 0.4
    return mp.World(["CAN", "USA", "MEX", "CHN", "JPN"], X, rng.uniform(0, 0.05, (S, N, N)),
                    sectors=["agri", "metals", "services"], value_added=1 - io.sum(1), io=io,
                    theta=[6.0, 4.0, 5.0],
                    sector_groups={"steel": ["metals"], "goods": ["agri", "metals"]})


def test_brief_with_sectors(world):
    b = mp.brief(world, "CAN", against="USA", sectors=["steel"], bands=4,
                 diversify_with=["CHN"], coalition=["MEX", "JPN"])
    r = b.responses
    assert r.loc["give in", "target_welfare_pct"] < 0
    assert (r.target_welfare_p5 <= r.target_welfare_p95 + 1e-12).all()
    assert b.sectors == ["steel"]
    exp = b.sector_exposure.set_index("sector")
    assert exp.share_of_exports_pct.sum() == pytest.approx(100.0)
    fx = b.sector_effects
    metals = fx[(fx.country == "CAN") & (fx.sector == "metals")].output_pct.iloc[0]
    assert metals < 0                               # the taxed sector shrinks
    assert b.to_dict()["sector_exposure"][0]["sector"] in world.sectors


def test_default_tariffs_hit_goods_not_services(world):
    s = mp.coercion.response_scenarios(world, "CAN", "USA", 0.25, ["CHN"], ["MEX"])
    arrays = {x.name: x.arrays(world) for x in s}
    t = arrays["give in"].tariffs
    can, usa = world.index("CAN"), world.index("USA")
    assert t[0, can, usa] == 0.25 and t[1, can, usa] == 0.25
    assert t[2, can, usa] == world.sector_tariffs[2, can, usa]     # services untouched


def test_leverage_coalitions_and_uncertainty(world):
    lev = mp.coercion.leverage(world, countries=["CAN", "USA", "MEX"])
    assert len(lev.table) == 3
    assert lev.pair("USA", "CAN")["loss_b"] > lev.pair("USA", "CAN")["loss_a"]
    table = mp.coalition.search(world, "CAN", "USA", ["MEX", "JPN"], sectors=["metals"])
    assert len(table) == 4 and table.target_welfare_pct.notna().all()
    bands = mp.uncertainty(world, mp.Scenario("t", [mp.tariff(by="USA", on="CAN", rate=0.25,
                                                              sectors="steel")]), n=6)
    row = bands.table.loc[("t", "CAN")]
    assert row.welfare_pct_p5 <= row.welfare_pct_p50 <= row.welfare_pct_p95 < 0


def test_agreements_in_the_analyses_cover_goods_only(world):
    """The shipped agreement effect is a goods estimate: services keep their trade costs."""
    s = {x.name: x for x in mp.coercion.response_scenarios(world, "CAN", "USA", 0.25,
                                                           ["CHN"], ["MEX", "JPN"])}
    can, chn = world.index("CAN"), world.index("CHN")
    beta = s["diversify"].arrays(world).beta
    assert beta[0, can, chn] > 0 and beta[1, chn, can] > 0
    assert beta[2, can, chn] == 0 and beta[2, chn, can] == 0          # services
    a = mp.agreement(form=["CAN", "CHN"], sectors="services").split(world)
    assert a[0] == [("CAN", "CHN")]
