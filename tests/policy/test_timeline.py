"""The timeline: every change date solved in one batch, as a table and an HTML step chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import middlepower as mp


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return mp.policy.timeline(mp.load("world2023"), ["CAN", "MEX", "CHN", "EU27", "USA"])


def test_one_row_per_date_and_country(table: pd.DataFrame) -> None:
    assert len(table) == 24 * 5
    wide = table.pivot(index="date", columns="country", values="welfare_pct")
    assert list(wide.index) == mp.policy.change_dates()
    assert np.abs(wide.iloc[0]).max() < 1e-8          # 2024 tariffs: no change
    assert table.attrs["commit"] == "726c5958e1e4"


def test_each_date_equals_its_own_solve(table: pd.DataFrame) -> None:
    day = "2025-12-04"
    r = mp.policy.cost("world2023", day)
    row = table[(table.date == pd.Timestamp(day))].set_index("country")
    for c in ("CAN", "USA", "EU27"):
        assert row.loc[c, "welfare_pct"] == pytest.approx(r.countries.loc[c, "welfare_pct"],
                                                          abs=1e-9)
    assert row.loc["CAN", "us_tariff"] == pytest.approx(0.1018, abs=1e-4)
    assert row.loc["CAN", "event"] == mp.policy.EVENTS[day]


def test_canada_loses_most_under_the_ieepa_tariffs(table: pd.DataFrame) -> None:
    can = table[table.country == "CAN"].set_index("date").welfare_pct
    assert can[pd.Timestamp("2025-11-01")] < can[pd.Timestamp("2026-02-20")] < 0
    assert can.idxmin() == pd.Timestamp("2025-11-01")   # Canada 35% on non-USMCA goods


def test_selected_dates_take_their_steps() -> None:
    t = mp.policy.timeline("world2023", ["CAN"], dates=["2026-01-20", "2025-12-31"])
    assert list(t.date) == [pd.Timestamp("2025-12-04")]


def test_unknown_country_fails_before_solving() -> None:
    with pytest.raises(mp.errors.UnknownCountryError, match="XYZ"):
        mp.policy.timeline("world2023", ["XYZ"])


def test_html_page_is_written_atomically(table: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "timeline.html"
    page = mp.policy.timeline_html(table, out)
    assert out.read_text(encoding="utf-8") == page
    assert "Supreme Court" in page and "2026-08-19" in page and "vega" in page.lower()
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.html"]   # no temporary left
    with pytest.raises(mp.errors.OutputError):
        mp.policy.timeline_html(table, tmp_path / "missing" / "t.html")
