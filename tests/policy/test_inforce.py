"""Rates on a world's economies, the in-force scenario, the pre-2025 baseline, costs."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower.errors import ParameterError, UnknownCountryError

DAY = "2026-01-20"


@pytest.fixture(scope="module")
def world() -> mp.World:
    return mp.load("world2023")


def _tracker(partner: str, as_of: str = DAY) -> float:
    return float(mp.policy.us_tariffs(as_of).set_index("partner").loc[partner, "rate"])


def test_listed_partner_takes_its_tracker_rate(world: mp.World) -> None:
    rates = mp.policy.partner_rates(world, DAY)
    assert "USA" not in rates.index
    for c in ("CAN", "MEX", "CHN", "JPN"):
        assert rates.loc[c, "rate"] == pytest.approx(_tracker(c))


def test_eu27_is_import_weighted_over_members(world: mp.World) -> None:
    # the tracker lists the EU (without Slovakia) and Slovakia apart; EU27 lies between
    rates = mp.policy.partner_rates(world, DAY)
    eu, svk = _tracker("EU27"), _tracker("SVK")
    assert eu < rates.loc["EU27", "rate"] < svk
    parts = mp.policy.us_tariffs(DAY).set_index("partner")
    w_eu, w_svk = parts.loc["EU27", "imports_2024"], parts.loc["SVK", "imports_2024"]
    expected_inc = (w_eu * parts.loc["EU27", "increase"] + w_svk * parts.loc["SVK", "increase"]) \
        / (w_eu + w_svk)
    assert rates.loc["EU27", "increase"] == pytest.approx(expected_inc, rel=2e-3)
    assert "27 members" in rates.loc["EU27", "rule"]


def test_unlisted_partners_take_the_all_partner_increase() -> None:
    w = mp.World.from_matrix(["USA", "ISL", "A"], [[50, 1, 1], [2, 20, 1], [1, 1, 30]])
    rates = mp.policy.partner_rates(w, DAY)
    all_ = mp.policy.us_tariffs(DAY).set_index("partner").loc["ALL"]
    assert rates.loc["ISL", "increase"] == pytest.approx(all_.increase)  # Census partner
    assert rates.loc["ISL", "rate_2024"] != pytest.approx(all_.rate_2024)  # its own 2024 rate
    assert rates.loc["A", "rate"] == pytest.approx(all_.rate)              # not a partner


def test_region_weights_members_by_2024_imports() -> None:
    w = mp.World.from_matrix(["USA", "NA"], [[50, 5], [5, 40]], regions={"NA": ["CAN", "MEX"]})
    rates = mp.policy.partner_rates(w, DAY)
    t = mp.policy.us_tariffs(DAY).set_index("partner")
    weights = t.loc[["CAN", "MEX"], "imports_2024"]
    assert rates.loc["NA", "increase"] == pytest.approx(
        np.average(t.loc[["CAN", "MEX"], "increase"], weights=weights), rel=1e-6)


def test_world_without_usa_is_a_clear_error() -> None:
    w = mp.World.from_matrix(["CAN", "MEX"], [[5, 1], [1, 5]])
    with pytest.raises(UnknownCountryError, match="USA"):
        mp.policy.in_force(w, DAY)


def _tariffs(scenario: mp.Scenario, world: mp.World) -> np.ndarray:
    t = np.asarray(scenario.arrays(world).tariffs)
    return t[0] if t.ndim == 3 else t  # one-sector worlds, with or without a sector axis


def test_in_force_level_and_increase(world: mp.World) -> None:
    u, c = world.index("USA"), world.index("CAN")
    level = _tariffs(mp.policy.in_force(world, DAY), world)
    assert level[c, u] == pytest.approx(_tracker("CAN"))
    inc = _tariffs(mp.policy.in_force(world, DAY, method="increase"), world)
    assert inc[c, u] == pytest.approx(world.tariffs[c, u] + 0.1008, abs=1e-4)
    others = np.ones(world.n, dtype=bool)
    others[u] = False
    assert np.array_equal(level[:, others], np.asarray(world.tariffs)[:, others])
    with pytest.raises(ParameterError, match="method"):
        mp.policy.in_force(world, DAY, method="double")  # type: ignore[arg-type]


def test_pre2025_sets_2024_rates_and_is_idempotent(world: mp.World) -> None:
    pre = mp.policy.pre2025(world)
    u, c = world.index("USA"), world.index("CHN")
    assert pre.tariffs[c, u] == pytest.approx(_tracker("CHN", "2025-01-01"))
    assert np.array_equal(pre.flows, world.flows)
    assert np.array_equal(np.delete(pre.tariffs, u, axis=1), np.delete(world.tariffs, u, axis=1))
    assert np.array_equal(mp.policy.pre2025(pre).tariffs, pre.tariffs)
    # the 2024 step on a pre-2025 world is no shock at all
    r = mp.solve(pre, mp.policy.in_force(pre, "2025-01-01"))
    assert np.abs(r.countries.welfare_pct).max() < 1e-8


def test_cost_and_headline(world: mp.World) -> None:
    r = mp.policy.cost(world, DAY)
    w = r.countries.welfare_pct
    assert w["CAN"] < w["EU27"] < 0 and w["MEX"] < 0 and w["CHN"] < 0
    line = mp.policy.headline(world, "CAN", DAY, result=r)
    assert line.startswith("On 20 Jan 2026 the US taxes goods from Canada at 10.2% on average")
    assert f"{-w['CAN']:.2f}% of real income" in line
    assert "the United States" in line
    with pytest.raises(ParameterError, match="USA"):
        mp.policy.headline(world, "USA", DAY, result=r)
