"""The 2025-26 regime by sector on icio2022: US rates by partner and sector, Canada's surtaxes."""

from __future__ import annotations

import pandas as pd
import pytest

import middlepower as mp
from middlepower import errors
from middlepower.data.icio import GOODS, SECTORS
from middlepower.policy.regime import _active, _us_chapters, layers


@pytest.fixture(scope="module")
def icio() -> mp.World:
    return mp.load("icio2022")


def _rate(table: pd.DataFrame, imposer: str, partner: str, sector: str) -> pd.Series:
    row = table[(table.imposer == imposer) & (table.partner == partner)
                & (table.sector == sector)]
    assert len(row) == 1, (imposer, partner, sector)
    return row.iloc[0]


def test_us_steel_at_50_and_uk_at_25(icio):
    t = mp.policy.regime(icio, "2026-08-19")
    can = _rate(t, "USA", "CAN", "C24A")
    assert can.rate - can.base == pytest.approx(0.50, abs=1e-12)
    assert "Section 232" in can.source
    gbr = _rate(t, "USA", "GBR", "C24A")
    assert gbr.rate - gbr.base == pytest.approx(0.25, abs=1e-12)
    before = mp.policy.regime(icio, "2025-04-01")         # 25% from 2025-03-12
    r = _rate(before, "USA", "CAN", "C24A")
    assert r.rate - r.base == pytest.approx(0.25, abs=1e-12)


def test_partner_total_of_the_tracker_is_kept():
    day = pd.Timestamp("2026-08-19")
    ch = _us_chapters(day, day, _active(layers(), day))
    rates = mp.policy.us_tariffs(day).set_index("partner")
    for p in ("CAN", "MEX", "EU27", "JPN"):
        g = ch[ch.partner == p]
        mean = (g.increase * g.imports_2024).sum() / g.imports_2024.sum()
        assert mean == pytest.approx(rates.loc[p, "increase"], rel=1e-9), p


def test_canada_surtax_from_its_orders(icio):
    assert not (mp.policy.regime(icio, "2026-01-20").imposer == "CAN").any()
    t = mp.policy.regime(icio, "2026-09-10")
    steel = _rate(t, "CAN", "USA", "C24A")
    lay = layers()
    row = lay[(lay.imposer == "CAN") & (lay.hs2 == "72")].iloc[0]
    # chapter 72 is the only chapter of C24A: surtax = mean listed rate x heading coverage
    assert steel.rate - steel.base == pytest.approx(row.duty_pct / 100 * row.coverage)
    assert row.duty_pct == 50.0 and 0.5 < row.coverage <= 1
    assert "SOR/2025-95" in steel.source
    covered = set(t[t.imposer == "CAN"].sector)
    assert {"C24A", "C24B", "C25", "C31T33", "C10T12"} <= covered
    assert not covered & {s for s in SECTORS if s not in GOODS}    # goods only
    assert set(t[t.imposer == "CAN"].partner) == {"USA"}


def test_dates(icio):
    late = mp.policy.regime(icio, "2026-12-04")
    assert "last entry applies" in late.attrs["note"]
    assert late.attrs["tracker_day"] == str(mp.policy.coverage()[1].date())
    assert (late.imposer == "CAN").any()                  # the surtax dates are its own
    assert mp.policy.latest() >= pd.Timestamp("2026-09-08")
    with pytest.raises(errors.DateRangeError):
        mp.policy.regime(icio, "2024-06-01")


def test_user_layer_adds_a_counter_tariff(icio, tmp_path):
    extra = tmp_path / "china.csv"
    extra.write_text("imposer,partner,hs2,duty_pct,coverage,start,end,source\n"
                     "CHN,USA,12,10,1,2025-03-10,,example row\n")
    t = mp.policy.regime(icio, "2026-01-20", layers_csv=extra)
    soy = _rate(t, "CHN", "USA", "A01")
    assert 0 < soy.rate - soy.base < 0.10 and soy.source == "example row"
    bad = tmp_path / "bad.csv"
    bad.write_text("imposer,partner,hs2,duty_pct\nCHN,USA,12,ten\n")
    with pytest.raises(errors.ParameterError, match="lacks column"):
        mp.policy.regime(icio, "2026-01-20", layers_csv=bad)


def test_in_force_sets_rates_by_sector_and_solves(icio):
    s = mp.policy.in_force(icio, "2026-09-10")
    rates = {(x.by, x.on, sec): x.rate for x in s.shocks for sec in x.sectors}
    table = mp.policy.regime(icio, "2026-09-10")
    assert rates[("USA", "CAN", "C24A")] == pytest.approx(_rate(table, "USA", "CAN",
                                                                "C24A").rate)
    assert ("CAN", "USA", "C24A") in rates
    assert rates[("USA", "CAN", "C24A")] > rates[("USA", "CAN", "C29")]
    base = mp.policy.pre2025(icio)
    k = icio.sectors.index("C24A")
    assert base.sector_tariffs[k, icio.index("CAN"), icio.index("USA")] < 0.01
    r = mp.solve(base, s)
    assert r.converged
    w = dict(zip(icio.countries, r.welfare_hat, strict=True))
    assert w["CAN"] < 1 and w["MEX"] < 1


def test_wiod2014_sectors_work_too():
    t = mp.policy.regime(mp.load("wiod2014"), "2026-08-19")
    assert set(t[t.imposer == "USA"].sector) <= set(mp.load("wiod2014").sectors)
    assert (t.rate >= t.base).all()


def test_hs2_concordance_is_complete():
    c = mp.policy.concordance()
    chapters = {f"{k:02d}" for k in range(1, 98)} - {"77"}
    assert set(c.hs2) == chapters                       # 98, 99: special provisions
    assert set(c.sector) <= set(GOODS) | {"R"}
    assert set(c[c.hs2 == "72"].sector) == {"C24A"} and set(c[c.hs2 == "76"].sector) == {"C24B"}
    assert set(c[c.hs2 == "27"].sector) == {"B05", "B06", "C19"}
