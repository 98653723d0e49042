"""The shipped icio2022 datasets (OECD ICIO 2022) and the RAS that splits final demand."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

import middlepower as mp
from middlepower.data.icio import GOODS, goods_pair_totals, ras_final_demand


@pytest.fixture(scope="module")
def full() -> mp.World:
    return mp.load("icio2022-full")


@pytest.fixture(scope="module")
def icio() -> mp.World:
    return mp.load("icio2022")


def test_shape_year_and_regions(icio, full):
    assert (full.n, full.n_sectors) == (80, 50)
    assert (icio.n, icio.n_sectors) == (54, 50)
    assert icio.year == full.year == 2022 and icio.unit == "USD bn"
    assert len(icio.regions["EU27"]) == 27 and "DEU" not in icio and "DEU" in full
    assert {"CAN", "USA", "MEX", "CHN", "TWN", "VNM", "SAU"} <= set(icio.countries)


def test_accounts_add_up(icio, full):
    for w in (icio, full):
        va, io = w.value_added_shares, w.io_shares
        np.testing.assert_allclose(va + io.sum(axis=1), 1.0, atol=1e-9)
        assert (w.value_added() > 0).all()
        Y = w.sector_output()
        active = Y > 0
        assert (va[active] > 0).all()           # ICIO caps inputs at 98% of output
        alpha = w.final_shares()
        assert (alpha >= -1e-12).all()
        np.testing.assert_allclose(alpha.sum(axis=0), 1.0, atol=1e-9)
        # each node's output = its sales across destinations (intermediate + final)
        np.testing.assert_allclose(Y, w.sector_flows.sum(axis=2))
        # income = value added + deficit + tariff revenue, and deficits net to zero
        np.testing.assert_allclose(w.income(), w.value_added() + w.deficit()
                                   + w.tariff_revenue(), rtol=1e-9)
        assert abs(w.deficit().sum()) < 1e-6 * w.exports().sum()
        # trade balances consistent with the file's own record
        tot = mp.data.provenance("icio2022" if w.n == 54 else "icio2022-full")["totals"]
        assert w.exports().sum() == pytest.approx(tot["exports_usd_bn"], rel=1e-9)
        assert w.sector_flows.sum() == pytest.approx(tot["flows_usd_bn"], rel=1e-9)
        for c, d in tot["deficit_usd_bn"].items():
            assert w.deficit()[w.index(c)] == pytest.approx(d, abs=1e-3)
    # aggregation keeps totals
    assert icio.value_added().sum() == pytest.approx(full.value_added().sum(), rel=1e-9)


def test_value_added_matches_icio(full):
    # the check against the OECD tables: USD tn 25.15, 17.44, 2.06, 1.45
    va = dict(zip(full.countries, full.value_added(), strict=True))
    for code, tn in (("USA", 25.15), ("CHN", 17.44), ("CAN", 2.06), ("MEX", 1.45)):
        assert va[code] / 1e3 == pytest.approx(tn, abs=0.01)


def test_goods_trade_matches_baci(full):
    baci = mp.load("world2023-full")               # BACI 2023, hubs' imports netted
    g = np.array([s in GOODS for s in full.sectors])
    tot = goods_pair_totals(full.sector_flows, g)
    for a, b in (("CAN", "USA"), ("USA", "CAN"), ("DEU", "USA"), ("MEX", "USA"),
                 ("CHN", "USA"), ("USA", "MEX"), ("JPN", "USA")):
        model = tot[full.index(a), full.index(b)]
        assert model == pytest.approx(baci.flows[baci.index(a), baci.index(b)], rel=0.01), (a, b)
    fit = mp.data.provenance("icio2022")["fit"]
    assert fit["targeted_value_within_1pct"]["after"] >= 0.85
    assert fit["ratio_to_baci"]["CAN->USA"]["before"] < 0.8      # why RAS was needed


def test_sector_aliases_are_precise(icio):
    groups = icio.sector_groups
    assert groups["steel"] == ("C24A",) and groups["aluminium"] == ("C24B",)
    assert set(groups["energy"]) == {"B05", "B06", "C19"}        # not metal ores
    assert "B09" not in groups["goods"] and len(groups["goods"]) + len(groups["services"]) == 50
    assert icio.resolve_sectors("autos") == [icio.sectors.index("C29")]


def test_theta_and_tariffs_from_wiod2014(icio):
    wiod = mp.load("wiod2014")
    th = dict(zip(icio.sectors, icio.sector_theta, strict=True))
    wth = dict(zip(wiod.sectors, wiod.sector_theta, strict=True))
    assert th["C24A"] == th["C24B"] == wth["C24"] and th["B06"] == wth["B"]
    t = icio.sector_tariffs
    services = [icio.sectors.index(s) for s in icio.sector_groups["services"]]
    assert not t[services].any()
    can, usa, vnm = icio.index("CAN"), icio.index("USA"), icio.index("VNM")
    assert not t[:, vnm, usa].any() and not t[:, usa, vnm].any()  # VNM is not in wiod2014
    k = icio.sectors.index("C29")
    assert t[k, can, usa] == wiod.sector_tariffs[wiod.sectors.index("C29"),
                                                 wiod.index("CAN"), wiod.index("USA")]


def test_agreements_in_force_2022(icio):
    t = icio.agreements
    pair = {frozenset((a, b)): n for a, b, n in zip(t.a, t.b, t.agreement, strict=True)}
    assert pair[frozenset(("CAN", "USA"))] == "USMCA"
    assert "CETA" in pair[frozenset(("CAN", "EU27"))]


def test_solves(icio):
    r = mp.solve(icio, [mp.tariff("USA", "CAN", 0.25)])
    assert r.converged and r.max_residual < 1e-8
    w = dict(zip(icio.countries, r.welfare_hat, strict=True))
    assert w["CAN"] < 0.99 < w["USA"] + 0.01


def test_provenance_and_size():
    meta = mp.data.provenance("icio2022")
    assert meta["attribution"] == "OECD (2025), Inter-Country Input-Output Database"
    assert "CC BY 4.0" in meta["licences"]["OECD ICIO"]
    files = resources.files("middlepower").joinpath("data/_files")
    size = sum(files.joinpath(f"icio2022{x}").stat().st_size
               for x in (".parquet", "-sectors.parquet", ".json"))
    assert size <= 50e6


def test_ras_meets_feasible_targets():
    rng = np.random.default_rng(3)
    S, N = 3, 4
    inter = rng.uniform(0, 2, (S, N, N))
    prior = rng.uniform(0.5, 3, (S, N, N)) + 10 * np.eye(N)[None]
    z = prior.sum(axis=2)
    goods = np.array([True, True, False])
    target = goods_pair_totals(inter + prior * rng.uniform(0.8, 1.25, (S, N, N)), goods)
    np.fill_diagonal(target, np.nan)
    F, rep = ras_final_demand(prior, z, inter, goods, target, tol=1e-10, iterations=5000)
    np.testing.assert_allclose(F.sum(axis=2), z, rtol=1e-12)
    off = ~np.eye(N, dtype=bool)
    np.testing.assert_allclose(goods_pair_totals(inter + F, goods)[off], target[off], rtol=1e-8)
    np.testing.assert_allclose(F[~goods], prior[~goods] * (F[~goods].sum(axis=2) /
                                                           prior[~goods].sum(axis=2))[..., None])
    assert rep["pairs_unmet"] == 0 and rep["max_pair_error"] < 1e-10


def test_ras_leaves_an_unmeetable_pair():
    inter = np.array([[[0.0, 5.0], [1.0, 0.0]]])
    prior = np.array([[[4.0, 1.0], [1.0, 4.0]]])
    target = np.array([[np.nan, 3.0], [2.0, np.nan]])   # 0 -> 1: inputs alone are 5 > 3
    F, rep = ras_final_demand(prior, prior.sum(axis=2), inter, np.array([True]), target)
    assert rep["pairs_unmet"] == 1
    assert F[0, 1, 0] == pytest.approx(1.0) and F[0, 0, 1] == pytest.approx(1.0)


def test_ras_meets_feasible_sector_groups():
    rng = np.random.default_rng(5)
    S, N = 3, 3
    inter = rng.uniform(0, 1, (S, N, N))
    prior = rng.uniform(0.5, 3, (S, N, N)) + 10 * np.eye(N)[None]
    goods = np.array([True, True, True])
    true = prior * rng.uniform(0.8, 1.25, (S, N, N))
    target = goods_pair_totals(inter + true, goods)
    np.fill_diagonal(target, np.nan)
    g = [(np.array([0]), 0, 1, float(inter[0, 0, 1] + true[0, 0, 1])),
         (np.array([1, 2]), 0, 1, float((inter + true)[1:, 0, 1].sum()))]
    F, rep = ras_final_demand(prior, prior.sum(axis=2), inter, goods, target, groups=g,
                              iterations=4000, tol=1e-12)
    assert rep["groups_targeted"] == 2
    assert (inter + F)[0, 0, 1] == pytest.approx(g[0][3], rel=1e-6)
    assert goods_pair_totals(inter + F, goods)[0, 1] == pytest.approx(target[0, 1], rel=1e-9)


def test_us_imports_by_sector_closer_to_the_tracker():
    fit = mp.data.provenance("icio2022")["fit"]["us_imports_by_sector"]
    err = fit["weighted_mean_abs_error"]
    assert err["after"] < err["before"] / 2
