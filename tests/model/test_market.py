"""The labour, revenue, selling-cost, pass-through and scale options (model.market)."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower.model.baseline import baseline
from middlepower.model.market import market_of

PRESET = mp.SolveOptions.preset("ilms2025")


@pytest.fixture(scope="module")
def ilms():
    return mp.data.ilms2025()


def test_neutral_market_terms_give_the_plain_numbers(world2023):
    """Revenue cutting the income tax with labour fixed changes nothing: the market
    equations with every term at its neutral value are the plain ones."""
    sc = mp.Scenario("t", [mp.tariff("USA", "CAN", 0.25), mp.tariff("CHN", "USA", 0.3)])
    plain = mp.solve(world2023, sc).countries
    on = mp.solve(world2023, sc, options=mp.SolveOptions(revenue="income_tax")).countries
    assert mp.SolveOptions(revenue="income_tax").market
    np.testing.assert_allclose(on["welfare_pct"], plain["welfare_pct"], atol=1e-10, rtol=0)
    np.testing.assert_allclose(on["employment_pct"], 0.0, atol=1e-12)


@pytest.mark.parametrize("name", ["ilms2025", "world2023"])
def test_zero_shock_changes_nothing_under_the_preset(ilms, name):
    """Also on a world with baseline tariffs, whose revenue already cuts the labour tax."""
    w = ilms.world if name == "ilms2025" else mp.load(name)
    r = mp.solve(w, mp.Scenario("none", []), options=PRESET)
    np.testing.assert_allclose(r.welfare_hat, 1.0, atol=1e-10)
    np.testing.assert_allclose(r.employment_hat, 1.0, atol=1e-10)


def test_accounts_add_up_under_the_preset(ilms):
    """Labour markets clear with the selling-cost terms, and spending is labour income
    plus revenue plus the transfer, economy by economy."""
    w = ilms.world
    r = mp.solve(w, mp.tariff("USA", "CAN", 0.25), options=PRESET)
    m = market_of(baseline(w), PRESET)
    X = r.flows_matrix
    y_new = r.w_hat * r.employment_hat * m.labour
    demand = ((1 - m.nu)[None, :] * X).sum(axis=1) + m.nu * X.sum(axis=0)
    np.testing.assert_allclose(demand / y_new, 1.0, atol=1e-8)
    revenue = (r.sector_tariffs[0] * X).sum(axis=0)
    transfer = m.deficit * y_new.sum() / m.labour.sum()
    np.testing.assert_allclose((y_new + revenue + transfer) / r.income, 1.0, atol=1e-10)
    assert (r.employment_hat > 0).all() and (r.flows_matrix >= 0).all()


def test_calibrated_selling_costs_are_the_papers(ilms):
    """nu_US = 0.270471 and nu_rest = 0.114335 in the paper's code (solveNu)."""
    assert ilms.selling_cost["USA"] == pytest.approx(0.270471, abs=1e-6)
    assert ilms.selling_cost["CAN"] == pytest.approx(0.114335, abs=1e-6)
    nu = market_of(baseline(ilms.world), PRESET).nu       # the general rule, same world
    assert nu[ilms.world.index("USA")] == pytest.approx(0.270471, abs=1e-4)
    m = market_of(baseline(ilms.world), PRESET)
    assert m.phi[ilms.world.index("USA")] == pytest.approx(1.432848, abs=1e-4)


def test_labour_supply_deepens_the_loss_of_the_taxed(world2023):
    sc = mp.tariff("USA", "CAN", 0.25)
    fixed = mp.solve(world2023, sc).countries.loc["CAN"]
    elastic = mp.solve(world2023, sc, options=mp.SolveOptions(labour_supply=0.5)).countries
    assert elastic.loc["CAN", "employment_pct"] < 0
    assert elastic.loc["CAN", "welfare_pct"] < fixed["welfare_pct"] < 0


@pytest.mark.parametrize(("kw", "words"), [
    ({"labour_supply": -1.0}, "labour_supply"),
    ({"pass_through": 2.0}, "pass_through"),
    ({"revenue": "rebate"}, "revenue"),
    ({"selling_cost": "guess"}, "selling_cost"),
    ({"selling_cost": {"XXX": 0.1}}, "XXX"),
    ({"selling_cost": 0.95}, "selling_cost"),
])
def test_bad_market_options_are_named(world2023, kw, words):
    with pytest.raises(mp.errors.ParameterError, match=words):
        mp.solve(world2023, mp.tariff("USA", "CAN", 0.25), options=mp.SolveOptions(**kw))


def test_market_options_are_one_sector():
    with pytest.raises(mp.errors.ParameterError, match="one-sector options"):
        mp.solve(mp.load("wiod2014"), mp.tariff("USA", "CAN", 0.25),
                 options=mp.SolveOptions(labour_supply=0.5))


def test_batches_equal_single_solves(ilms):
    w = ilms.world
    scen = [mp.Scenario(f"t{r}", [mp.tariff("USA", "CAN", r)]) for r in (0.1, 0.25, 0.5)]
    many = mp.solve_many(w, scen, options=PRESET)
    for s, r in zip(scen, many, strict=True):
        one = mp.solve(w, s, options=PRESET)
        np.testing.assert_allclose(r.welfare_hat, one.welfare_hat, atol=1e-12)


def test_brief_under_the_preset_and_the_default_briefs_model_note(world2023):
    """--model ilms2025 solves every response under the preset; the default brief says in
    one line how its headline moves under it, with the same numbers."""
    plain = mp.brief(world2023, "CAN", "USA", bands=0, game=False)
    under = mp.brief(world2023, "CAN", "USA", bands=0, game=False, model="ilms2025")
    give = mp.solve(world2023, mp.tariff("USA", "CAN", 0.25), options=PRESET)
    k = world2023.index("CAN")
    assert under.responses.loc["give in", "target_welfare_pct"] == \
        pytest.approx(100 * (give.welfare_hat[k] - 1), abs=1e-12)
    assert under.responses.loc["no coercion", "target_welfare_pct"] == pytest.approx(0, abs=1e-10)
    note = next(n for n in plain.notes if n.startswith("How much the model matters"))
    assert f"giving in costs Canada {-under.responses.loc['give in', 'target_welfare_pct']:.2f}%" \
        in note
    assert "ilms2025 model" in under.baseline_line("world2023")


def test_short_run_loss_of_the_taxed_is_larger(world2023):
    """Trade responds less in the first year, so the small taxed economy loses more this
    year than in the long run; with a ratio of 1 the short run is the long run."""
    sc = mp.tariff("USA", "CAN", 0.25)
    k = world2023.index("CAN")
    long = mp.solve(world2023, sc).welfare_hat[k]
    short = mp.solve(world2023, sc, options=mp.SolveOptions(horizon="short")).welfare_hat[k]
    same = mp.solve(world2023, sc, options=mp.SolveOptions(horizon="short",
                                                           short_run_ratio=1.0)).welfare_hat[k]
    assert short < long < 1
    assert same == pytest.approx(long, abs=1e-12)
    with pytest.raises(mp.errors.ParameterError, match="horizon"):
        mp.SolveOptions(horizon="medium")


def test_brief_shows_both_horizons(world2023):
    b = mp.brief(world2023, "CAN", "USA", bands=0, game=False)
    short = mp.solve(world2023, mp.tariff("USA", "CAN", 0.25),
                     options=mp.SolveOptions(horizon="short"))
    got = b.responses.loc["give in", "target_welfare_short_pct"]
    assert got == pytest.approx(100 * (short.welfare_hat[world2023.index("CAN")] - 1),
                                abs=1e-12)
    assert any(n.startswith("This year and the long run") for n in b.notes)
