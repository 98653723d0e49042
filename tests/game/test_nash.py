"""Nash tariff wars: symmetry, no profitable deviation, order, errors."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower.errors import NashCycleError, ParameterError


@pytest.fixture
def sym() -> mp.World:
    return mp.World.from_matrix(["A", "B"], [[80.0, 20.0], [20.0, 80.0]])


@pytest.fixture
def three() -> mp.World:
    return mp.World.from_matrix(["A", "B", "C"], [[100, 12, 6], [12, 80, 8], [6, 8, 60]])


def test_symmetric_countries_symmetric_tariffs(sym):
    eq = mp.game.nash(sym, ["A", "B"], theta=4.0)
    a, b = eq.rates["rate"]
    assert abs(a - b) < 1e-5 and a > 0.2
    assert eq.table.objective_pct["A"] == pytest.approx(eq.table.objective_pct["B"], abs=1e-8)
    # a war leaves both below free trade here (the symmetric prisoners' dilemma)
    assert (eq.table.objective_pct < 0).all()


def test_no_player_gains_from_a_unilateral_deviation(three):
    eq = mp.game.nash(three, ["A", "B", "C"], instrument="opponent")
    gains = eq.deviation_gains((-0.02, -0.002, 0.002, 0.02))
    assert len(gains) == 3 * 2 * 4
    assert gains["gain_pct"].max() < 1e-8


def test_zero_tariffs_are_not_nash_for_large_players(three):
    for p in ("A", "B"):
        others = [c for c in ("A", "B", "C") if c != p]
        br = mp.game.best_response(three, p, [mp.tariff(by=o, on=p, rate=0.0) for o in others])
        assert br.rates["all"] > 0.1


def test_war_leaves_the_world_below_free_trade(three):
    eq = mp.game.nash(three, ["A", "B", "C"])
    assert eq.world_welfare_pct < 0 and eq.start_world_welfare_pct == pytest.approx(0, abs=1e-9)
    assert eq.converged and eq.max_change < 1e-5


def test_order_of_players_does_not_matter(three):
    a = mp.game.nash(three, ["A", "B", "C"], instrument="opponent")
    b = mp.game.nash(three, ["C", "A", "B"], instrument="opponent")
    ra = a.rates.set_index(["player", "label"])["rate"].sort_index()
    rb = b.rates.set_index(["player", "label"])["rate"].sort_index()
    assert np.allclose(ra.to_numpy(), rb.to_numpy(), atol=1e-6)


def test_coalition_player_and_welfare_tables(three):
    eq = mp.game.nash(three, ["A", mp.game.coalition(["B", "C"])], instrument="opponent",
                      start={"A": 0.1})
    assert list(eq.table.index) == ["A", "B+C"]
    assert eq.result.tariffs[1, 2] == 0 and eq.result.tariffs[2, 1] == 0
    assert set(eq.welfare.columns) >= {"player", "welfare_pct", "vs_start_pct"}
    assert eq.welfare.loc["C", "player"] == "B+C"
    assert eq.rates.set_index("player").loc["A", "start"] == pytest.approx(0.1)


def test_cycle_error_names_a_player(three):
    with pytest.raises(NashCycleError, match=r"no Nash equilibrium after 1 .*best response") as e:
        mp.game.nash(three, ["A", "B"], max_iter=1)
    assert e.value.player in ("A", "B") and len(e.value.history) == 2


def test_bad_players(three):
    with pytest.raises(ParameterError, match="two players"):
        mp.game.nash(three, ["A"])
    with pytest.raises(ParameterError, match="B is in two players"):
        mp.game.nash(three, ["A", "B", ["B", "C"]])
    with pytest.raises(ParameterError, match="start names"):
        mp.game.nash(three, ["A", "B"], start={"Q": 0.1})


def test_world2023_wars_are_fast(world2023):
    eq = mp.game.nash(world2023, ["USA", "CAN"], instrument="opponent")
    r = eq.rates.set_index("player")["rate"]
    assert 0.05 < r["USA"] < 0.4 and 0.05 < r["CAN"] < 0.4
    assert eq.table.objective_pct["CAN"] < eq.table.objective_pct["USA"]
    assert eq.seconds < 5
