"""Optimal tariffs and best responses, checked against the closed forms of theory."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower.errors import NoInteriorOptimumError, ParameterError, UnknownCountryError


def _two(home: float, foreign: float, trade: float) -> mp.World:
    """Two economies, balanced trade (equal flows both ways), no tariffs."""
    return mp.World.from_matrix(["H", "F"], [[home, trade], [trade, foreign]])


@pytest.mark.parametrize(("home", "foreign", "trade", "theta"),
                         [(80.0, 80.0, 20.0, 4.0), (30.0, 300.0, 10.0, 5.0),
                          (500.0, 60.0, 40.0, 8.0)])
def test_two_country_closed_form(home, foreign, trade, theta):
    # Costinot & Rodriguez-Clare (2014, sec. 4): t* = 1 / (theta lambda'_FF), with the
    # foreign domestic share at the optimum (foreign export supply elasticity theta
    # lambda_FF; Gros 1987 for the monopolistic-competition analogue).
    world = _two(home, foreign, trade)
    opt = mp.game.optimal_tariff(world, "H", theta=theta)
    lam_ff = opt.countries.loc["F", "domestic_share"]
    assert abs(opt.rates["F"] - 1.0 / (theta * lam_ff)) < 1e-4
    assert abs(opt.gradient[0]) < 1e-6 and opt.hessian[0, 0] < 0


def test_small_country_tariff_tends_to_one_over_theta():
    # A tiny economy does not move foreign prices, yet in Armington it is the only seller
    # of its variety: its optimal tariff is 1/theta, not zero (Gros 1987).
    for theta in (4.0, 10.0):
        world = _two(0.01, 1000.0, 0.002)
        t = mp.game.optimal_tariff(world, "H", theta=theta).rates.iloc[0]
        assert abs(t - 1.0 / theta) < 1e-4
    # with many partners too
    world = mp.World.from_matrix(["H", "A", "B"], [[0.01, 0.001, 0.001], [0.001, 500, 50],
                                                   [0.001, 50, 400]])
    assert abs(mp.game.optimal_tariff(world, "H", theta=5.0).rates["all"] - 0.2) < 2e-3


def test_market_power_vanishes_as_goods_become_perfect_substitutes():
    world = _two(0.01, 1000.0, 0.002)
    # theta stops at 30, the top of the accepted range (middlepower._elasticity); the
    # optimum here is 1/theta, which already shows the trend
    thetas = (5, 10, 30)
    rates = [mp.game.optimal_tariff(world, "H", theta=th).rates.iloc[0] for th in thetas]
    assert rates[0] > rates[1] > rates[2] and rates[2] < 0.035
    assert rates == pytest.approx([1 / th for th in thetas], rel=1e-3)


def test_optimum_beats_every_rate_tried_and_a_grid(toy):
    opt = mp.game.optimal_tariff(toy, "AAA", theta=5.0)
    assert opt.welfare_pct >= opt.history["objective_pct"].max() - 1e-10
    grid = np.linspace(0.0, 1.0, 41)
    res = mp.solve_many(toy, [mp.Scenario(f"{r}", [mp.tariff(by="AAA", on=["BBB", "CCC"],
                                                             rate=float(r))]) for r in grid])
    best_grid = max(100 * (r.welfare_hat[0] - 1) for r in res)
    assert opt.welfare_pct >= best_grid - 1e-9
    assert opt.countries.loc["AAA", "welfare_pct"] == pytest.approx(opt.welfare_pct)


def test_per_opponent_symmetric_opponents_get_equal_rates():
    world = mp.World.from_matrix(["H", "A", "B"], [[100, 10, 10], [10, 90, 5], [10, 5, 90]])
    opt = mp.game.optimal_tariff(world, "H", instrument="opponent", on=["A", "B"])
    assert list(opt.rates.index) == ["A", "B"]
    assert abs(opt.rates["A"] - opt.rates["B"]) < 1e-5
    assert np.all(np.linalg.eigvalsh(opt.hessian) < 0)


def test_best_response_and_given(toy):
    hit = [mp.tariff(by="AAA", on="BBB", rate=0.25)]
    br = mp.game.best_response(toy, "BBB", hit, on="AAA")
    assert 0.05 < br.rates["AAA"] < 1.0
    assert br.result.tariffs[0, 1] == pytest.approx(br.rates["AAA"])   # BBB taxes AAA
    assert br.result.tariffs[1, 0] == pytest.approx(0.25)               # given kept


def test_coalition_trades_freely_inside_and_both_objectives_work(toy_tariffs):
    for objective in ("total", "worst"):
        coal = mp.game.coalition(["CAN", "MEX"], objective=objective)
        opt = mp.game.optimal_tariff(toy_tariffs, coal, on="USA")
        t = opt.result.tariffs
        i, j = toy_tariffs.index("CAN"), toy_tariffs.index("MEX")
        assert t[i, j] == 0 and t[j, i] == 0
        assert t[toy_tariffs.index("USA"), i] == pytest.approx(opt.rates.iloc[0])
        w = opt.countries.loc[["CAN", "MEX"], "welfare_pct"]
        if objective == "worst":
            assert opt.welfare_pct == pytest.approx(w.min())
            assert opt.method == "compass search"


def test_corner_raises_named_error(toy):
    with pytest.raises(NoInteriorOptimumError, match=r"AAA.*upper bound 0\.05"):
        mp.game.optimal_tariff(toy, "AAA", bounds=(0.0, 0.05))


def test_deficit_economy_local_optimum(world2023):
    # With fixed deficits the US gains again from near-autarky uniform tariffs: no
    # interior optimum in (0, 2); local=True finds the interior peak.
    with pytest.raises(NoInteriorOptimumError, match="local=True"):
        mp.game.optimal_tariff(world2023, "USA")
    opt = mp.game.optimal_tariff(world2023, "USA", local=True)
    assert 0.2 < opt.rates["all"] < 0.5 and opt.welfare_pct > 0
    assert opt.seconds < 2.0


def test_bad_inputs(toy):
    with pytest.raises(UnknownCountryError, match="ZZZ"):
        mp.game.optimal_tariff(toy, "ZZZ")
    with pytest.raises(ParameterError, match="instrument"):
        mp.game.optimal_tariff(toy, "AAA", instrument="magic")
    with pytest.raises(ParameterError, match="bounds"):
        mp.game.optimal_tariff(toy, "AAA", bounds=(0.5, 0.1))
    with pytest.raises(ParameterError, match="multi-sector"):
        mp.game.optimal_tariff(toy, "AAA", instrument="sector", on="BBB")
    with pytest.raises(ParameterError, match="objective"):
        mp.game.coalition(["AAA", "BBB"], objective="mean")


def test_per_sector_instrument_on_a_multi_sector_world():
    world = mp.load("wiod2014")
    inst = mp.game.PerSector(sectors=("C24",))
    opt = mp.game.optimal_tariff(world, "USA", on="CAN", instrument=inst, start=0.1)
    assert list(opt.rates.index) == ["CAN:C24"]
    assert 0.0 < opt.rates.iloc[0] < 1.0 and opt.hessian[0, 0] < 0
    assert opt.welfare_pct >= opt.history["objective_pct"].max() - 1e-10
