"""World: construction, validation at the boundary, derived quantities, aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower import errors


def test_derived_quantities_by_hand(toy):
    assert toy.output().tolist() == [95.0, 74.0, 61.0]
    assert toy.expenditure().tolist() == [92.0, 77.0, 61.0]
    assert toy.deficit().tolist() == [-3.0, 3.0, 0.0]
    assert toy.exports().tolist() == [15.0, 14.0, 11.0]
    assert toy.imports().tolist() == [12.0, 17.0, 11.0]
    np.testing.assert_allclose(toy.shares().sum(axis=0), 1.0)


def test_tariffs_enter_expenditure_and_shares():
    w = mp.World.from_matrix(["A", "B"], [[10, 2], [4, 20]], [[0, 0.5], [0.25, 0]])
    assert w.expenditure().tolist() == [15.0, 23.0]
    assert w.tariff_revenue().tolist() == [1.0, 1.0]
    np.testing.assert_allclose(w.shares()[0, 1], 3.0 / 23.0)


def test_world_is_immutable(toy):
    with pytest.raises(ValueError):
        toy.flows[0, 0] = 1.0
    arr = np.eye(2) + 1
    w = mp.World.from_matrix(["A", "B"], arr)
    arr[0, 0] = 99
    assert w.flows[0, 0] == 2.0


def test_round_trip_through_frame(toy_tariffs):
    back = mp.World.from_frame(toy_tariffs.to_frame(), tariff="tariff")
    order = [back.index(c) for c in toy_tariffs.countries]
    np.testing.assert_array_equal(back.flows[np.ix_(order, order)], toy_tariffs.flows)
    np.testing.assert_array_equal(back.tariffs[np.ix_(order, order)], toy_tariffs.tariffs)


def test_from_frame_missing_pairs_are_zero():
    df = pd.DataFrame({"o": ["A", "B", "A"], "d": ["A", "B", "B"], "v": [5.0, 6.0, 1.0]})
    w = mp.World.from_frame(df, exporter="o", importer="d", value="v")
    assert w.flows.tolist() == [[5.0, 1.0], [0.0, 6.0]]


@pytest.mark.parametrize(
    ("flows", "error", "pattern"),
    [
        ([[1, 2, 3], [4, 5, 6]], errors.ShapeError, "square"),
        ([[1, -2], [3, 4]], errors.NegativeFlowError, r"flows\[A, B\] = -2"),
        ([[1, np.nan], [3, 4]], errors.NonFiniteError, r"flows\[A, B\]"),
        ([[1, np.inf], [3, 4]], errors.NonFiniteError, "NaN or infinite"),
        ([[0, 2], [3, 4]], errors.DomesticSalesError, r"flows\[A, A\] = 0.*aggregate"),
        ([[1, 2], [3, -4]], errors.NegativeFlowError, r"\[B, B\]"),
    ],
)
def test_bad_flows_are_named(flows, error, pattern):
    with pytest.raises(error, match=pattern):
        mp.World.from_matrix(["A", "B"], flows)


def test_non_numeric_flows():
    with pytest.raises(errors.DataError, match="flows must be numbers"):
        mp.World.from_matrix(["A", "B"], [["x", 1], [1, 2]])


def test_bad_tariffs_are_named():
    with pytest.raises(errors.TariffError, match=r"tariffs\[B, A\] = -1.5"):
        mp.World.from_matrix(["A", "B"], np.eye(2), [[0, 0], [-1.5, 0]])
    with pytest.raises(errors.ShapeError, match="tariffs is 3 x 3"):
        mp.World.from_matrix(["A", "B"], np.eye(2), np.zeros((3, 3)))
    with pytest.raises(errors.NonFiniteError, match="tariffs"):
        mp.World.from_matrix(["A", "B"], np.eye(2), [[0, np.nan], [0, 0]])


def test_errors_are_builtin_subclasses():
    assert issubclass(errors.DataError, ValueError)
    assert issubclass(errors.UnknownCountryError, KeyError)
    assert issubclass(errors.ConvergenceError, RuntimeError)


def test_duplicate_pairs_and_missing_columns():
    df = pd.DataFrame({"exporter": ["A", "A", "B", "A"], "importer": ["A", "B", "B", "B"],
                       "value": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(errors.DuplicatePairError, match=r"pair \(A, B\) appears 2 times"):
        mp.World.from_frame(df)
    with pytest.raises(errors.MissingColumnError, match="trade"):
        mp.World.from_frame(df, value="trade")
    df2 = df.drop_duplicates(["exporter", "importer"]).assign(value=["1", "x", "3"])
    with pytest.raises(errors.NonFiniteError, match=r"value for \(A, B\) is 'x'"):
        mp.World.from_frame(df2)


def test_duplicate_country_codes():
    with pytest.raises(errors.DataError, match="repeated"):
        mp.World.from_matrix(["A", "A"], np.eye(2))


def test_unknown_country_suggests(world2023):
    with pytest.raises(errors.UnknownCountryError, match="did you mean 'CAN'"):
        world2023.index("CANADA")
    with pytest.raises(errors.UnknownCountryError, match=r"did you mean .*'CAN'"):
        world2023.index("CNA")
    with pytest.raises(errors.UnknownCountryError, match="part of 'EU27'"):
        world2023.index("DEU")


def test_aggregate_preserves_totals(toy_tariffs):
    agg = toy_tariffs.aggregate({"NA": ["USA", "CAN", "MEX"]}, rest=None)
    assert agg.countries == ("NA", "CHN")
    np.testing.assert_allclose(agg.flows.sum(), toy_tariffs.flows.sum())
    # revenue on trade between the region and the rest is kept; tariffs inside the region
    # vanish with the border (that trade is now domestic)
    inside = np.zeros((4, 4), dtype=bool)
    inside[:3, :3] = True
    external = (toy_tariffs.tariffs * toy_tariffs.flows)[~inside].sum()
    np.testing.assert_allclose(agg.tariff_revenue().sum(), external)
    y = toy_tariffs.output()
    np.testing.assert_allclose(agg.output(), [y[:3].sum(), y[3]])
    assert agg.regions == {"NA": ("USA", "CAN", "MEX")}
    assert agg.tariffs[0, 0] == 0.0


def test_aggregate_rest_and_member_form(toy_tariffs):
    agg = toy_tariffs.aggregate({"USA": "USA", "CHN": "CHN"})
    assert agg.countries == ("USA", "ROW", "CHN")
    assert set(agg.regions["ROW"]) == {"CAN", "MEX"}
    with pytest.raises(errors.UnknownCountryError, match="aggregate mapping"):
        toy_tariffs.aggregate({"X": ["USA", "XYZ"]})
    with pytest.raises(errors.DataError, match="both"):
        toy_tariffs.aggregate({"X": ["USA"], "Y": ["USA"]})


def test_groups_documented_and_resolved(world2023):
    assert set(mp.groups["USMCA"].members) == {"USA", "CAN", "MEX"}
    assert len(mp.groups["EU27"].members) == 27
    assert "GBR" in mp.groups["CPTPP"]
    for name in ("EU27", "USMCA", "CPTPP", "G7", "G20", "BRICS", "NATO-Europe"):
        assert mp.groups[name].as_of
    g7 = [world2023.countries[k] for k in world2023.resolve("G7")]
    assert set(g7) == {"CAN", "EU27", "JPN", "GBR", "USA"}
    with pytest.raises(errors.UnknownCountryError, match="did you mean 'USMCA'"):
        mp.groups["USMCA2"]

