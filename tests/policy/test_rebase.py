"""A counterfactual as a new baseline: consistent, and composing as hat algebra must."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import middlepower as mp
from middlepower.errors import ParameterError
from middlepower.model.rebase import world_from_result

A = [mp.tariff(by="USA", on="CAN", rate=0.25), mp.tariff(by="USA", on="CHN", rate=0.4)]
B = [*A, mp.tariff(by="CAN", on="USA", rate=0.25), mp.agreement(form=["CAN", "EU27"])]


@pytest.fixture(scope="module")
def world() -> mp.World:
    return mp.load("world2023")


@pytest.mark.parametrize("deficits", ["additive", "ratio"])
def test_rebased_world_is_consistent(world: mp.World, deficits: str) -> None:
    r = mp.solve(world, A, deficits=deficits)
    new = world_from_result(r)
    assert new.countries == world.countries and new.regions == world.regions
    x = r.flows_matrix
    assert np.allclose(new.deficit(), x.sum(axis=0) - x.sum(axis=1), rtol=0, atol=1e-9)
    assert np.allclose(new.output(), r.w_hat * world.output(), rtol=1e-8)
    assert new.output().sum() == pytest.approx(world.output().sum(), rel=1e-9)  # numeraire
    assert np.array_equal(new.tariffs, r.tariffs)
    zero = mp.solve(new, [], deficits=deficits)
    assert np.abs(zero.w_hat - 1).max() < 1e-9
    assert np.abs(zero.countries.welfare_pct).max() < 1e-7


@pytest.mark.parametrize("deficits", ["additive", "ratio"])
def test_a_then_b_equals_a_and_b_at_once(world: mp.World, deficits: str) -> None:
    ra = mp.solve(world, A, deficits=deficits)
    rb = mp.solve(world_from_result(ra), B[len(A):], deficits=deficits)
    rab = mp.solve(world, B, deficits=deficits)
    assert np.allclose(ra.welfare_hat * rb.welfare_hat, rab.welfare_hat, rtol=0, atol=1e-8)
    assert np.allclose(ra.w_hat * rb.w_hat, rab.w_hat, rtol=1e-8)
    assert np.allclose(rb.flows_matrix, rab.flows_matrix, rtol=1e-7, atol=1e-9)


def test_different_theta_does_not_compose(world: mp.World) -> None:
    # the baseline does not carry theta: the composition needs the same elasticity
    ra = mp.solve(world, A, theta=5.0)
    rb = mp.solve(world_from_result(ra), B[len(A):], theta=8.0)
    rab = mp.solve(world, B, theta=5.0)
    assert np.abs(ra.welfare_hat * rb.welfare_hat - rab.welfare_hat).max() > 1e-5


def test_conditional_results_are_refused(toy_tariffs: mp.World) -> None:
    # a stand-in: what the guard reads of a mode="conditional" Result (deficits, name)
    r = SimpleNamespace(deficits="conditional", name="cge", world=toy_tariffs)
    with pytest.raises(ParameterError, match="conditional"):
        world_from_result(r)  # type: ignore[arg-type]


def test_source_records_the_scenario(world: mp.World) -> None:
    r = mp.solve(world, mp.Scenario("us on can", A))
    assert "'us on can'" in world_from_result(r).source
    assert world_from_result(r, source="mine").source == "mine"


def test_policy_baseline_then_shock_equals_both_at_once(world: mp.World) -> None:
    now = mp.policy.baseline(world, "2026-01-20")
    u, c = now.index("USA"), now.index("CAN")
    assert now.tariffs[c, u] == pytest.approx(0.1018, abs=1e-4)
    assert "2026-01-20" in now.source and "726c5958e1e4" in now.source
    pre = mp.policy.pre2025(world)
    inforce = mp.policy.in_force(pre, "2026-01-20")
    retaliate = [mp.tariff(by="CAN", on="USA", rate=0.25)]
    step = mp.solve(now, retaliate)
    once = mp.solve(pre, mp.Scenario("both", [*inforce.shocks, *retaliate]))
    first = mp.policy.cost(world, "2026-01-20")
    assert np.allclose(first.welfare_hat * step.welfare_hat, once.welfare_hat, atol=1e-8)


def test_multi_sector_world_rebases_and_keeps_sector_tariffs() -> None:
    rng = np.random.default_rng(1)
    flows = rng.uniform(1, 10, (2, 3, 3)) + 50 * np.eye(3)[None]
    tariffs = rng.uniform(0, 0.1, (2, 3, 3))
    io = np.stack([np.full((2, 3), 0.2), np.full((2, 3), 0.25)])  # io[s, k, n]
    w = mp.World(["USA", "CAN", "DEU"], flows, tariffs, sectors=["a", "b"],
                 value_added=[[0.6] * 3, [0.5] * 3], io=io)
    pre = mp.policy.pre2025(w)
    kept = np.asarray(pre.sector_tariffs)[:, :, 1:]
    assert np.array_equal(kept, np.asarray(w.sector_tariffs)[:, :, 1:])   # others untouched
    r = mp.policy.cost(w, "2026-01-20")
    new = world_from_result(r)
    assert np.abs(mp.solve(new, []).w_hat - 1).max() < 1e-9
    answer = [mp.tariff(by="CAN", on="USA", rate=0.25)]
    both = mp.solve(pre, mp.Scenario("both", [*mp.policy.in_force(pre, "2026-01-20").shocks,
                                              *answer]))
    assert np.allclose(r.welfare_hat * mp.solve(new, answer).welfare_hat, both.welfare_hat,
                       atol=1e-8)
