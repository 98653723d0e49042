"""Tables 1, 2, 3 and 8 of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), JIE,
reproduced by examples/replicate_liberation_day.py under SolveOptions.preset("ilms2025").

The published values (examples/data/liberation_day_published.csv, with their source) are
printed to two decimals (welfare, employment, revenue) or one (deficit, exports and
imports over GDP, prices): every cell of ours must round to the printed one, i.e. lie
within half a unit of its last digit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from examples_loader import load_example


@pytest.fixture(scope="module")
def replication():
    ex = load_example("replicate_liberation_day")
    out = ex.run()
    return ex, out, ex.compare(out)


def test_every_printed_cell_is_reproduced(replication):
    _, _, both = replication
    assert len(both) == 136 and both["ours"].notna().all()
    decimals = np.where(both["outcome"].isin(["welfare", "employment", "revenue"]), 2, 1)
    half = 0.5 * 10.0 ** -decimals
    off = both[both["gap"].abs() > half]
    assert off.empty, f"cells off by more than half a printed digit:\n{off}"
    two = both[decimals == 2]
    assert two["gap"].abs().max() <= 0.01


def test_the_optimal_rates_are_the_papers(replication):
    _, out, _ = replication
    rates = out["rates"]["rate"]
    assert rates.iloc[0] == pytest.approx(0.2180, abs=5e-5)
    assert rates.iloc[2] == pytest.approx(0.2274, abs=5e-5)


def test_writes_the_tables(replication, tmp_path, monkeypatch):
    ex, _, _ = replication
    monkeypatch.setattr("sys.argv", ["replicate_liberation_day.py", "--out", str(tmp_path)])
    ex.main()
    for name in ("table_1", "table_2", "table_3", "table_8", "countries_case1"):
        df = pd.read_csv(tmp_path / f"{name}.csv")
        assert len(df) > 0
    c1 = pd.read_csv(tmp_path / "countries_case1.csv")
    assert len(c1) == 194 and set(c1.columns) == {"iso3", "welfare", "employment", "prices"}
    t1 = pd.read_csv(tmp_path / "table_1.csv")
    assert set(t1.columns) == {"case", "region", "outcome", "value"}
