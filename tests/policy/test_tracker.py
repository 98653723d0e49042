"""The tracker's tables as shipped: values a reader can check against the tracker's CSVs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower.errors import DateRangeError, ParameterError


def _row(as_of: str, partner: str) -> pd.Series:
    return mp.policy.us_tariffs(as_of).set_index("partner").loc[partner]


def test_canada_steps_match_the_tracker() -> None:
    # country-by-time.csv: 0 -> 8.75 (Mar 2025) -> 10.08 (Nov 2025) -> 3.15 -> 7.66 (Aug 2026)
    assert _row("2025-02-10", "CAN").increase == 0.0
    assert _row("2025-03-06", "CAN").increase == pytest.approx(0.0875)
    assert _row("2026-01-20", "CAN").increase == pytest.approx(0.1008, abs=5e-5)
    assert _row("2026-02-20", "CAN").increase == pytest.approx(0.0315, abs=5e-5)
    assert _row("2026-09-21", "CAN").increase == pytest.approx(0.0766, abs=5e-5)


def test_rate_in_force_is_2024_tariff_plus_increase() -> None:
    row = _row("2026-01-20", "CHN")
    assert row.rate_2024 == pytest.approx(0.10866, abs=1e-5)
    assert row.rate == pytest.approx(row.rate_2024 + row.increase)
    assert row.date == pd.Timestamp("2025-12-04")   # the latest step on or before the date


def test_date_between_steps_takes_latest_step() -> None:
    assert mp.policy.step_of("2026-02-19") == pd.Timestamp("2026-02-07")
    assert mp.policy.step_of("2026-02-20") == pd.Timestamp("2026-02-20")
    assert mp.policy.step_of(dt.date(2026, 1, 20)) == pd.Timestamp("2025-12-04")


def test_first_step_is_2024_tariffs() -> None:
    t = mp.policy.us_tariffs("2025-01-15")
    assert (t.increase == 0).all()
    assert np.allclose(t.rate, t.rate_2024)


@pytest.mark.parametrize("day", ["2024-12-31", "2026-09-22", "1999-01-01"])
def test_dates_outside_the_range_name_it(day: str) -> None:
    with pytest.raises(DateRangeError, match="2025-01-01 to 2026-09-21"):
        mp.policy.us_tariffs(day)


@pytest.mark.parametrize("bad", ["20 Jan 2026", "2026-13-01", 20260120])
def test_unparsable_dates(bad: object) -> None:
    with pytest.raises(ParameterError, match="as_of"):
        mp.policy.us_tariffs(bad)


def test_unknown_by() -> None:
    with pytest.raises(ParameterError, match="by='sector'"):
        mp.policy.us_tariffs("2026-01-20", by="sector")  # type: ignore[arg-type]


def test_all_partner_average_is_the_listed_mean() -> None:
    # the tracker's national rate = 2.3% + import-weighted mean increase over listed partners
    t = mp.policy.us_tariffs("2025-08-07").set_index("partner")
    listed = t.drop("ALL")
    mean = np.average(listed.increase, weights=listed.imports_2024)
    assert t.loc["ALL", "increase"] == pytest.approx(mean, abs=2e-4)
    assert t.loc["ALL", "rate"] == pytest.approx(0.023 + 0.16589, abs=2e-4)


def test_hs2_averages_to_partner_rate_on_the_date() -> None:
    hs2 = mp.policy.us_tariffs("2026-01-20", by="hs2")
    part = mp.policy.us_tariffs("2026-01-20").set_index("partner")
    for p in ("CAN", "CHN", "EU27", "JPN"):
        g = hs2[hs2.partner == p]
        assert len(g) > 80
        assert np.average(g.increase, weights=g.imports_2024) == pytest.approx(
            part.loc[p, "increase"], rel=1e-9)
        assert np.average(g.rate_2024, weights=g.imports_2024) == pytest.approx(
            part.loc[p, "rate_2024"], rel=1e-6)


def test_provenance_names_source_commit_and_licence() -> None:
    p = mp.policy.provenance()
    assert p["commit"] == "726c5958e1e4"
    assert "MIT" in p["licence"]
    assert "tradewartracker/trade-war-redux-2025" in p["source"]
    assert len(mp.policy.change_dates()) == 24
    assert set(mp.policy.EVENTS) >= {str(d.date()) for d in mp.policy.change_dates()}


def test_shipped_tables_are_not_datasets() -> None:
    assert not any("tariff" in n for n in mp.datasets().index)


def test_sector_hook_aggregates_with_import_weights() -> None:
    metals = {f"{k:02d}": "metals" if k in (72, 73, 76) else "other" for k in range(1, 100)}
    s = mp.policy.sector_rates("2026-01-20", metals).set_index(["partner", "sector"])
    can = mp.policy.us_tariffs("2026-01-20").set_index("partner").loc["CAN"]
    both = s.loc["CAN"]
    assert np.average(both.rate, weights=both.imports_2024) == pytest.approx(can.rate)
    with pytest.raises(ParameterError, match="not in the concordance"):
        mp.policy.sector_rates("2026-01-20", {"72": "metals"})
    out = mp.policy.sector_rates("2026-01-20", {"72": "metals"}, rest="other")
    assert set(out.sector) == {"metals", "other"}
