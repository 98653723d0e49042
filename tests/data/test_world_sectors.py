"""The World's sector axis: validation, views, round trips, aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower import errors


def _world(seed: int = 0) -> mp.World:
    rng = np.random.default_rng(seed)
    S, N = 3, 4
    X = rng.uniform(0.1, 1.0, (S, N, N))
    for s in range(S):
        X[s][np.diag_indices(N)] += rng.uniform(3, 8, N)
    raw = rng.uniform(0, 1, (S, S, N))
    io = raw / raw.sum(1, keepdims=True) * 0.3
    return mp.World(["A", "B", "C", "D"], X, rng.uniform(0, 0.2, (S, N, N)),
                    sectors=["agri", "steel", "cars"], value_added=1 - io.sum(1), io=io,
                    theta=[8.0, 4.0, 6.0], sector_names=["Agriculture", "Steel", "Cars"],
                    sector_groups={"metal": ["steel"], "goods": ["agri", "steel", "cars"]})


def test_views_are_totals_and_revenue_weighted_tariffs():
    w = _world()
    np.testing.assert_allclose(w.flows, w.sector_flows.sum(axis=0))
    np.testing.assert_allclose(w.tariffs * w.flows,
                               (w.sector_tariffs * w.sector_flows).sum(axis=0))
    np.testing.assert_allclose(w.final_shares().sum(axis=0), 1.0)
    assert w.n_sectors == 3 and w.sectors == ("agri", "steel", "cars")
    assert w.income() == pytest.approx(w.value_added() + w.deficit() + w.tariff_revenue())


def test_one_sector_world_is_unchanged():
    w = mp.load("world2023")
    assert w.sectors == ("all",) and w.n_sectors == 1
    assert w.flows.shape == (w.n, w.n) and w.sector_flows.shape == (1, w.n, w.n)
    np.testing.assert_array_equal(w.value_added(), w.output())
    np.testing.assert_array_equal(w.final_shares(), np.ones((1, w.n)))


def test_frame_round_trip_with_sectors():
    w = _world()
    df = w.to_frame()
    assert list(df.columns) == ["sector", "exporter", "importer", "value", "tariff"]
    back = mp.World.from_frame(df, tariff="tariff", sector="sector",
                               value_added=w.value_added_shares, io=w.io_shares,
                               theta=w.sector_theta)
    np.testing.assert_allclose(back.sector_flows, w.sector_flows)
    np.testing.assert_allclose(back.sector_tariffs, w.sector_tariffs)
    assert back.sectors == w.sectors


def test_aggregate_countries_preserves_totals():
    w = _world()
    a = w.aggregate({"AB": ["A", "B"]}, rest=None)
    assert a.countries == ("AB", "C", "D")
    assert a.sector_flows.sum() == pytest.approx(w.sector_flows.sum())
    # value added and input use are preserved (tariffs inside AB become domestic)
    assert a.value_added().sum() == pytest.approx(w.value_added().sum())
    use = np.einsum("skn,sn->k", w.io_shares, w.sector_output())
    use_a = np.einsum("skn,sn->k", a.io_shares, a.sector_output())
    np.testing.assert_allclose(use_a, use)
    inside = w.sector_tariffs[:, :2, :2] * w.sector_flows[:, :2, :2]
    assert a.tariff_revenue().sum() == pytest.approx(w.tariff_revenue().sum() - inside.sum())


def test_aggregate_sectors_and_collapse_preserve_totals():
    w = _world()
    a = w.aggregate_sectors({"manuf": ["metal", "cars"]})
    assert a.sectors == ("agri", "manuf")
    np.testing.assert_allclose(a.flows, w.flows)
    np.testing.assert_allclose(a.tariff_revenue(), w.tariff_revenue())
    np.testing.assert_allclose(a.value_added(), w.value_added())
    np.testing.assert_allclose(a.income(), w.income())
    assert 4.0 <= a.sector_theta[1] <= 6.0
    c = w.collapse()
    assert c.n_sectors == 1 and not c.io_shares.any()
    np.testing.assert_allclose(c.flows, w.flows)
    np.testing.assert_allclose(c.tariff_revenue(), w.tariff_revenue())


def test_resolve_sectors_by_code_name_alias_and_all():
    w = _world()
    assert w.resolve_sectors(["Steel"]) == [1]
    assert w.resolve_sectors("metal") == [1]
    assert w.resolve_sectors(["cars", "metal"]) == [2, 1]
    assert w.resolve_sectors("all") == [0, 1, 2]
    with pytest.raises(errors.UnknownSectorError, match="did you mean 'cars'"):
        w.resolve_sectors("carz")


@pytest.mark.parametrize(("change", "error", "pattern"), [
    ({"value_added": -0.1}, errors.DataError, r"value_added = -0.1 .*\[0, 1\]"),
    ({"io_scale": 1.5}, errors.DataError, r"not 1"),
    ({"theta": [4.0, 0.0, 5.0]}, errors.DataError, r"theta of sector steel is 0"),
    ({"tariff": 25.0}, errors.TariffError, r"2500%.*percent"),
    ({"flow": -1.0}, errors.NegativeFlowError, r"flows\[steel, A, B\]"),
    ({"flow": np.nan}, errors.NonFiniteError, r"flows\[steel\]"),
    ({"sectors": ["x", "x", "y"]}, errors.DataError, r"unique"),
])
def test_sector_validation_names_the_culprit(change, error, pattern):
    w = _world()
    X, t = np.array(w.sector_flows), np.array(w.sector_tariffs)
    va, io = np.array(w.value_added_shares), np.array(w.io_shares)
    kw = {"sectors": list(w.sectors), "theta": list(w.sector_theta)}
    if "value_added" in change:
        va[1, 2] = change["value_added"]
    if "io_scale" in change:
        io[2, :, 3] *= change["io_scale"]
    if "theta" in change:
        kw["theta"] = change["theta"]
    if "tariff" in change:
        t[0, 0, 1] = change["tariff"]
    if "flow" in change:
        X[1, 0, 1] = change["flow"]
    if "sectors" in change:
        kw["sectors"] = change["sectors"]
    with pytest.raises(error, match=pattern):
        mp.World(w.countries, X, t, value_added=va, io=io, **kw)


def test_inconsistent_input_output_table_is_refused():
    """Intermediate use larger than absorption: final demand would be negative."""
    X = np.array([[[5.0, 1.0], [1.0, 5.0]], [[0.1, 0.0], [0.0, 5.0]]])
    io = np.zeros((2, 2, 2))
    io[0, 1, 0] = 0.9                      # sector 0 of A buys 0.9 per unit from sector 1
    va = 1 - io.sum(axis=1)
    with pytest.raises(errors.DataError, match="A"):
        mp.World(["A", "B"], X, sectors=["x", "y"], value_added=va, io=io)


def test_long_table_without_sector_column_is_one_sector():
    df = pd.DataFrame({"exporter": ["A", "A", "B", "B"], "importer": ["A", "B", "A", "B"],
                       "value": [5.0, 1.0, 2.0, 6.0]})
    w = mp.World.from_frame(df)
    assert w.sectors == ("all",)
