"""The closed-form optimal tariff and retaliation (game.closed_form) against the numbers
of the paper's code and against the numerical optimum where the formula is exact."""

from __future__ import annotations

import pytest

import middlepower as mp

PRESET = mp.SolveOptions.preset("ilms2025")


def test_the_papers_rates_on_its_baseline():
    """21.80% (Table 1 Case 3), 18.54% (Table 2 (3)), 22.74% retaliation: the note on
    the paper's code, main_baseline.m lines 161, 237 and 186-194."""
    w = mp.data.ilms2025().world
    assert mp.game.ilms_optimal_tariff(w, "USA", PRESET) == pytest.approx(0.2180, abs=5e-5)
    assert mp.game.ilms_optimal_tariff(w, "USA", PRESET, denominator="income") == \
        pytest.approx(0.1854, abs=5e-5)
    assert mp.game.ilms_optimal_retaliation(w, "USA", PRESET) == pytest.approx(0.2274, abs=5e-5)


@pytest.mark.parametrize("opts", [
    mp.SolveOptions(theta=4.0),
    mp.SolveOptions(theta=4.0, selling_cost=0.1, scale=0.1675),
    mp.SolveOptions(theta=4.0, pass_through=0.5),
    mp.SolveOptions(theta=4.0, labour_supply=0.5),
], ids=["EK", "uniform nu + scale", "pass-through 0.5", "labour supply, lump sum"])
def test_closed_form_is_the_small_economys_optimum(opts):
    """For an economy of 0.3% of the world, with the same selling cost everywhere and the
    revenue handed back, the formula is the numerical optimum (to the change of shares the
    optimum itself causes: 1e-3 here)."""
    w = mp.World.from_matrix(["H", "F"], [[2.0, 1.0], [1.0, 996.0]])
    numerical = mp.game.optimal_tariff(w, "H", options=opts, xtol=1e-9, bounds=(0, 1))
    closed = mp.game.ilms_optimal_tariff(w, "H", opts)
    assert float(numerical.rates.iloc[0]) == pytest.approx(closed, abs=1e-3)


def test_income_tax_relief_is_outside_the_formula():
    """With revenue cutting a distorting labour tax, a tariff also raises revenue
    efficiently, so the numerical optimum is above the terms-of-trade formula."""
    w = mp.World.from_matrix(["H", "F"], [[2.0, 1.0], [1.0, 996.0]])
    opts = mp.SolveOptions(theta=4.0, labour_supply=0.5, revenue="income_tax")
    numerical = float(mp.game.optimal_tariff(w, "H", options=opts, bounds=(0, 1)).rates.iloc[0])
    assert numerical > mp.game.ilms_optimal_tariff(w, "H", opts) + 0.05
