"""The shipped multi-sector datasets (wiod2014, cp1993) and the OECD ICIO reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower import errors
from middlepower.data.datasets import cp_tariffs_2005
from middlepower.data.readers import _fit_inputs_to_absorption, read_icio

FIXTURE = Path(__file__).parent / "fixtures" / "icio_small_2020.csv"


@pytest.fixture(scope="module")
def wiod() -> mp.World:
    return mp.load("wiod2014")


@pytest.fixture(scope="module")
def cp() -> mp.World:
    return mp.load("cp1993")


def _consistent(world: mp.World) -> None:
    va, io = world.value_added_shares, world.io_shares
    assert ((va >= 0) & (va <= 1)).all() and ((io >= 0) & (io <= 1)).all()
    np.testing.assert_allclose(va + io.sum(axis=1), 1.0, atol=1e-9)
    alpha = world.final_shares()
    assert (alpha >= 0).all()
    np.testing.assert_allclose(alpha.sum(axis=0), 1.0, atol=1e-9)
    assert (world.sector_flows >= 0).all()
    t = world.sector_tariffs
    assert (t >= 0).all() and (np.einsum("sii->si", t) == 0).all()


def test_wiod2014_shape_and_consistency(wiod):
    assert (wiod.n, wiod.n_sectors) == (44, 50)
    assert {"CAN", "USA", "MEX", "CHN", "TWN", "ROW"} <= set(wiod.countries)
    assert wiod.year == 2014 and wiod.unit == "USD bn"
    _consistent(wiod)
    theta = wiod.sector_theta
    assert theta.shape == (50,) and (theta >= 1.0).all() and theta.max() < 20
    # the file stores 1/theta: mining is the most elastic, services share one value
    assert wiod.sectors[int(np.argmax(theta))] == "B"
    assert np.allclose(theta[wiod.sectors.index("D35"):], theta[-1])


def test_wiod2014_facts(wiod):
    f, goods = wiod.sector_flows, [wiod.sectors.index(s) for s in wiod.sector_groups["goods"]]
    can, usa, chn, ind = (wiod.index(c) for c in ("CAN", "USA", "CHN", "IND"))
    g = f[goods]
    share = g[:, can, usa].sum() / (g[:, can].sum() - g[:, can, can].sum())
    assert share == pytest.approx(0.74, abs=0.03)          # ~3/4 of Canada's goods to the US
    metals = wiod.sectors.index("C24")
    assert 15 < f[metals, can, usa] < 35                       # USD bn, steel+aluminium+...
    t = wiod.sector_tariffs
    w = g.sum(axis=0)

    def mean_tariff(j: int) -> float:
        tw = (t[goods][:, :, j] * g[:, :, j]).sum()
        return float(tw / (w[:, j].sum() - w[j, j]))
    assert mean_tariff(usa) < 0.03 < mean_tariff(ind)           # tariffs levied by importers
    assert mean_tariff(wiod.index("BRA")) > mean_tariff(usa)
    assert t[goods][:, can, usa].max() < 0.01                  # NAFTA
    assert (t[wiod.sectors.index("D35"):] == 0).all()          # no tariffs on services
    assert t[wiod.sectors.index("C13-C15"), chn, usa] > 0.05   # US apparel tariffs


def test_wiod2014_names_and_aliases(wiod):
    groups = wiod.sector_groups
    assert groups["steel"] == groups["aluminium"] == ("C24",)
    assert groups["autos"] == ("C29",) and groups["lumber"] == ("C16",)
    assert set(groups["energy"]) == {"B", "C19"}
    assert set(groups["agriculture"]) == {"A01", "A02", "A03"}
    assert len(groups["goods"]) == 22 and len(groups["services"]) == 28
    assert set(groups["manufacturing"]) < set(groups["goods"])
    names = dict(zip(wiod.sectors, wiod.sector_names, strict=True))
    assert names["C24"] == "Basic metals" and names["C29"].startswith("Motor vehicles")
    assert wiod.resolve_sectors(["steel", "autos"]) == [wiod.sectors.index("C24"),
                                                        wiod.sectors.index("C29")]


def test_cp1993_shape_and_consistency(cp):
    assert (cp.n, cp.n_sectors) == (31, 40)
    _consistent(cp)
    traded = cp.sector_flows[:20].copy()
    nontraded = cp.sector_flows[20:].copy()
    for s in range(nontraded.shape[0]):
        np.fill_diagonal(nontraded[s], 0.0)
    assert nontraded.sum() == 0 and traded.sum() > 0           # services sold at home only
    assert cp.sector_theta[0] == pytest.approx(9.11) and cp.sector_theta[6] == 64.85
    can, usa, ind = cp.index("CAN"), cp.index("USA"), cp.index("IND")
    assert cp.flows[can, usa] / cp.exports()[can] == pytest.approx(0.774, abs=0.01)
    assert cp.tariffs[:, ind].max() > 0.2 > cp.tariffs[:, usa].max()  # importer levies


def test_cp_tariffs_2005(cp):
    t05 = cp_tariffs_2005()
    assert t05.shape == cp.sector_tariffs.shape
    can, mex, usa = cp.index("CAN"), cp.index("MEX"), cp.index("USA")
    t93 = cp.sector_tariffs
    assert t93[:20, mex, usa].mean() > 0.02 and t93[:20, usa, mex].mean() > 0.1
    assert t05[:20, can, usa].max() < 0.01 and t05[:20, usa, mex].max() < 0.02
    assert (t05[20:] == 0).all() and (np.einsum("sii->si", t05) == 0).all()
    assert (t05 <= 5).all() and t05.max() > 0.5


def test_listing_and_world2023_unchanged():
    table = mp.datasets()
    assert table.loc["wiod2014", "sectors"] == 50 and table.loc["cp1993", "sectors"] == 40
    assert table.loc["world2023", "sectors"] == 1
    w = mp.load("world2023")
    assert w.n_sectors == 1 and w.countries[0] == "ARE"
    assert "sectors" not in mp.data.provenance("world2023")
    meta = mp.data.provenance("wiod2014")
    assert "1/theta" in meta["theta_note"] and "CC BY 4.0" in meta["licences"]["WIOD"]
    assert len(meta["adjusted"]) > 0 and all(a["input_scale"] < 1 for a in meta["adjusted"])


def test_read_icio_round_trip():
    raw = pd.read_csv(FIXTURE, index_col=0)
    world = read_icio(FIXTURE)
    assert world.countries == ("AAA", "BBB", "CCC") and world.sectors == ("A01", "C24")
    assert world.year == 2020 and world.unit == "USD bn"
    ind = [r for r in raw.index if "_" in r]
    fd = [c for c in raw.columns if c not in ind and c != "OUT"]
    # totals are preserved: every sale of every industry is a flow
    assert world.sector_flows.sum() * 1e3 == pytest.approx(raw.loc[ind, ind + fd].values.sum())
    out = raw.loc["OUT", ind].to_numpy().reshape(3, 2).T           # (S, N)
    np.testing.assert_allclose(world.sector_flows.sum(axis=2) * 1e3, out)
    # AAA's C24 sells to BBB: intermediate use by BBB's two industries + BBB's final demand
    expect = raw.loc["AAA_C24", ["BBB_A01", "BBB_C24"]].sum() + raw.loc[
        "AAA_C24", [c for c in fd if c.startswith("BBB_")]].sum()
    assert world.sector_flows[1, 0, 1] * 1e3 == pytest.approx(expect)
    # cost shares: inputs of A01 (from every origin) into CCC's C24, and value added + taxes
    col = raw["CCC_C24"]
    assert world.io_shares[1, 0, 2] == pytest.approx(
        col[["AAA_A01", "BBB_A01", "CCC_A01"]].sum() / col["OUT"])
    assert world.value_added_shares[1, 2] == pytest.approx((col["VA"] + col["TLS"]) / col["OUT"])
    _consistent(world)
    np.testing.assert_allclose(world.value_added().sum() * 1e3,
                               raw.loc[["VA", "TLS"], ind].values.sum())


def test_read_icio_aggregates_sectors_and_reports_errors(tmp_path):
    one = read_icio(FIXTURE, sectors={"all": ["A01", "C24"]})
    assert one.sectors == ("all",)
    np.testing.assert_allclose(one.flows, read_icio(FIXTURE).flows)
    bad = tmp_path / "not_icio.csv"
    bad.write_text("x,a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(errors.DataError, match="COUNTRY_SECTOR"):
        read_icio(bad)
    with pytest.raises(FileNotFoundError):
        read_icio(tmp_path / "missing.csv")


def test_fit_inputs_to_absorption_moves_share_to_value_added():
    flows = np.array([[[10.0, 0.0], [0.0, 10.0]], [[5.0, 0.0], [0.0, 5.0]]])
    va = np.full((2, 2), 0.5)
    io = np.zeros((2, 2, 2))
    io[0, 1, :] = 0.5      # sector 0 buys sector 1 for half its output: 5, absorption 5 ok
    io[1, 1, :] = 0.5      # sector 1 buys itself: 2.5 more -> 7.5 > 5
    new_va, new_io, changes = _fit_inputs_to_absorption(flows, None, va, io)
    assert [(c["s"], c["n"]) for c in changes] == [(1, 0), (1, 1)]
    np.testing.assert_allclose(new_va + new_io.sum(axis=1), 1.0)
    use = np.einsum("usn,un->sn", new_io, flows.sum(axis=2))
    assert (use <= flows.sum(axis=1) * (1 - 1e-6) + 1e-12).all()
    assert new_io[0, 1, 0] == pytest.approx(0.5 * 5 * (1 - 1e-6) / 7.5)
