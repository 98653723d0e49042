"""The shipped datasets and the readers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower import errors
from middlepower.data import add_domestic_sales, read_baci, read_table, read_yotov


def test_world2023_canada_facts(world2023):
    can, usa = world2023.index("CAN"), world2023.index("USA")
    exports = world2023.flows[can, usa]
    assert exports == pytest.approx(417.0, abs=1.0)  # USD bn, BACI 2023
    assert exports / world2023.exports()[can] == pytest.approx(0.74, abs=0.01)
    assert world2023.unit == "USD bn" and world2023.year == 2023


def test_world2023_composition(world2023):
    c = set(world2023.countries)
    assert {"EU27", "ROW", "USA", "CAN", "MEX", "CHN", "JPN", "KOR", "GBR", "AUS"} <= c
    assert not c & set(mp.groups["EU27"].members)
    assert set(mp.groups["CPTPP"].members) - {"AUS", "CAN", "JPN", "MEX", "GBR"} <= c
    assert len(world2023.regions["EU27"]) == 27
    assert (np.diag(world2023.flows) > 0).all()
    assert "TWN" not in c


def test_full_and_small_agree_on_totals(world2023):
    full = mp.load("world2023-full")
    assert full.n > 150
    np.testing.assert_allclose(full.flows.sum(), world2023.flows.sum(), rtol=1e-12)
    np.testing.assert_allclose(full.tariff_revenue().sum(), world2023.tariff_revenue().sum(),
                               rtol=1e-10)


def test_provenance_and_listing():
    table = mp.datasets()
    assert {"world2023", "world2023-full"} <= set(table.index)
    meta = mp.data.provenance("world2023")
    assert "Etalab" in meta["licences"]["CEPII BACI"]
    assert "CC BY 4.0" in meta["licences"]["World Bank WDI"]
    assert any("Taiwan" in g for g in meta["gaps"])
    with pytest.raises(errors.UnknownDatasetError, match="did you mean 'world2023'"):
        mp.load("world2032")


def test_load_from_csv_and_parquet(tmp_path, toy):
    df = toy.to_frame()
    df.to_csv(tmp_path / "t.csv", index=False)
    df.to_parquet(tmp_path / "t.parquet")
    for name in ("t.csv", "t.parquet"):
        w = mp.load(str(tmp_path / name), tariff="tariff")
        np.testing.assert_array_equal(w.flows, toy.flows)
    assert read_table(tmp_path / "t.csv").shape == (9, 4)
    with pytest.raises(errors.DataError, match="unknown table format"):
        read_table(tmp_path / "t.csv").to_json(tmp_path / "t.json") or read_table(
            tmp_path / "t.json")


def test_read_yotov(tmp_path):
    df = pd.DataFrame({"exporter": ["AAA", "AAA", "BBB", "BBB"],
                       "importer": ["AAA", "BBB", "AAA", "BBB"],
                       "year": [2006.0] * 4, "trade": [10.0, 2.0, 3.0, 9.0],
                       "EXPORTER_FE1": [1, 1, 0, 0], "DIST": [1.0, 5.0, 5.0, 1.0]})
    df.to_stata(tmp_path / "y.dta", write_index=False)
    out = read_yotov(tmp_path / "y.dta", year=2006)
    assert "EXPORTER_FE1" not in out and out["year"].dtype.kind == "i"
    w = mp.World.from_frame(out, value="trade")
    assert w.flows.tolist() == [[10.0, 2.0], [3.0, 9.0]]
    with pytest.raises(errors.DataError, match="year 1999 not in"):
        read_yotov(tmp_path / "y.dta", year=1999)


def test_read_baci_sums_products(tmp_path):
    (tmp_path / "codes.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n124,Canada,CA,CAN\n"
        "842,USA,US,USA\n484,Mexico,MX,MEX\n")
    (tmp_path / "baci.csv").write_text(
        "t,i,j,k,v,q\n2023,124,842,010121,100.5,1\n2023,124,842,020110,50.0,2\n"
        "2023,842,124,010121,20.0,3\n2023,484,842,010121,7.0,\n")
    out = read_baci(tmp_path / "baci.csv", tmp_path / "codes.csv", unit=1.0)
    got = {(r.exporter, r.importer): r.value for r in out.itertuples()}
    assert got == {("CAN", "USA"): 150.5, ("USA", "CAN"): 20.0, ("MEX", "USA"): 7.0}
    (tmp_path / "bad.csv").write_text("t,i,j,k,v,q\n2023,124,999,1,1.0,1\n")
    with pytest.raises(errors.DataError, match="999"):
        read_baci(tmp_path / "bad.csv", tmp_path / "codes.csv")
    (tmp_path / "neg.csv").write_text("t,i,j,k,v,q\n2023,124,842,1,-1.0,1\n")
    with pytest.raises(errors.DataError, match="negative"):
        read_baci(tmp_path / "neg.csv", tmp_path / "codes.csv")


def test_add_domestic_sales_rule():
    trade = pd.DataFrame({"exporter": ["A", "B", "C"], "importer": ["B", "A", "A"],
                          "value": [30.0, 10.0, 50.0]})
    gdp = pd.Series({"A": 100.0, "B": 40.0, "C": 20.0})
    out, bad = add_domestic_sales(trade, gdp)
    dom = out[out.exporter == out.importer].set_index("exporter")["value"]
    # GDP + deficit - imports = GDP - exports
    assert dom.to_dict() == {"A": 70.0, "B": 30.0}
    assert bad == ["C"]
