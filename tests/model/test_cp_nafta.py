"""Caliendo & Parro (2015), NAFTA's tariff cuts on cp1993: the replication in
``examples/cp_nafta.py`` against the paper's Table 2 (see docs/replication_cp2015.md)."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from examples_loader import load_example
from middlepower.errors import ConvergenceError

NAFTA = ["CAN", "MEX", "USA"]


@pytest.fixture(scope="module")
def cp():
    return load_example("cp_nafta")


@pytest.fixture(scope="module")
def world() -> mp.World:
    return mp.load("cp1993")


@pytest.fixture(scope="module")
def authors(cp, world) -> mp.World:
    return cp.balanced_world(world, cp.authors_inputs(world))


@pytest.fixture(scope="module")
def authors_result(cp, authors):
    return mp.solve(authors, cp.nafta_scenario(authors))


def test_scenario_moves_only_tariffs_among_members(cp, world):
    new = cp.nafta_tariffs(world)
    changed = new != np.asarray(world.sector_tariffs)
    members = [world.index(c) for c in NAFTA]
    outside = np.ones(world.n, dtype=bool)
    outside[members] = False
    assert not changed[:, outside, :].any() and not changed[:, :, outside].any()
    assert not changed[20:].any()                     # non-traded sectors carry no tariff
    assert changed.sum() == 115                       # 20 sectors x 6 pairs, 5 unchanged
    scenario = cp.nafta_scenario(world)
    assert len(scenario.shocks) == 115
    np.testing.assert_array_equal(scenario.arrays(world).tariffs, new)


def test_zero_deficit_solver_is_the_engine_with_the_additive_closure(cp, world):
    """With the data's deficits the example's solver and mp.solve solve the same system."""
    flows = cp.equilibrium_flows(cp.Inputs.of(world), cp.nafta_tariffs(world), world.deficit())
    engine = mp.solve(world, cp.nafta_scenario(world)).sector_flows_matrix
    assert np.abs(flows - engine).max() < 1e-8 * engine.max()


def test_balanced_world_has_no_deficits_and_keeps_the_parameters(cp, world):
    inputs = cp.Inputs.of(world)
    balanced = cp.balanced_world(world)
    assert np.abs(balanced.deficit()).max() < 1e-8 * balanced.output().max()
    assert np.abs(world.deficit()).max() > 100            # the USA's 123 bn before
    np.testing.assert_allclose(balanced.final_shares(), inputs.alpha, atol=1e-8)
    np.testing.assert_allclose(balanced.io_shares, world.io_shares)
    np.testing.assert_array_equal(balanced.sector_tariffs, world.sector_tariffs)


def test_authors_inputs_reproduce_table_2(cp, authors_result):
    ours = cp.cp_decomposition(authors_result).loc[NAFTA]
    paper = cp.PAPER.loc[NAFTA]
    for col in ("welfare", "tot", "vot"):                 # paper rounds to 0.01
        assert np.abs(ours[col] - paper[col]).max() < 0.006, col
    wages = authors_result.countries.loc[NAFTA, "real_gdp_pct"]
    assert np.abs(wages - paper["real_wage"]).max() < 0.01
    trade = cp.imports_from_nafta(authors_result)      # the abstract: 118%, 11%, 41%
    assert np.abs(trade - paper["imports_from_nafta"]).max() < 1.0


def test_shipped_io_shares_lower_mexicos_gains(cp, world):
    """The dataset builder's input scaling, not the model, moves Mexico (documented)."""
    balanced = cp.balanced_world(world)
    result = mp.solve(balanced, cp.nafta_scenario(balanced))
    ours = cp.cp_decomposition(result)["welfare"]
    assert ours["MEX"] == pytest.approx(0.906, abs=0.01)
    assert ours["CAN"] == pytest.approx(-0.06, abs=0.01)
    assert ours["USA"] == pytest.approx(0.066, abs=0.01)
    assert result.countries.loc["MEX", "real_gdp_pct"] == pytest.approx(1.481, abs=0.01)


def test_decomposition_tends_to_the_exact_welfare_change(cp, authors, authors_result):
    """Table 2's first-order sum overstates Mexico's gain; summed over small steps it
    converges to the exact real-income change middlepower reports."""
    exact = authors_result.countries.loc["MEX", "welfare_pct"]
    assert abs(exact) < 0.05
    one, eight = cp.along_path(authors, 1)["MEX"], cp.along_path(authors, 8)["MEX"]
    assert one == pytest.approx(1.311, abs=0.005)
    assert abs(eight - exact) < abs(one - exact) / 5


def test_solver_raises_instead_of_returning_unconverged(cp, world):
    with pytest.raises(ConvergenceError, match="no convergence"):
        cp.equilibrium_flows(cp.Inputs.of(world), max_iter=3)


def test_engine_zero_deficit_closure_gives_the_balanced_world(cp, world):
    """mp.solve(..., deficits="zero").to_world() is the example's balanced baseline."""
    balanced = mp.solve(world, mp.Scenario("balance", []), deficits="zero").to_world()
    np.testing.assert_allclose(balanced.sector_flows, cp.balanced_world(world).sector_flows,
                               rtol=1e-8, atol=1e-9 * world.output().max())
