"""Shapley values and the core on games whose answers are known by hand."""

from __future__ import annotations

import pytest

from middlepower.coalition.game import (
    all_subsets,
    core_violations,
    permutation_subsets,
    shapley_exact,
    shapley_sampled,
)


def glove(s: frozenset) -> float:
    """L owns a left glove, R1 and R2 right gloves; a pair is worth 1."""
    return float(min("L" in s, len(s & {"R1", "R2"})))


def test_glove_game():
    phi = shapley_exact(["L", "R1", "R2"], glove)
    assert phi["L"] == pytest.approx(2 / 3)
    assert phi["R1"] == pytest.approx(1 / 6) and phi["R2"] == pytest.approx(1 / 6)
    # the core gives everything to L: the Shapley split is blocked by {L, R1}
    viol = core_violations(["L", "R1", "R2"], glove, phi.to_dict())
    assert not viol.empty and viol.iloc[0]["coalition"] in ("L+R1", "L+R2")
    assert core_violations(["L", "R1", "R2"], glove, {"L": 1.0, "R1": 0.0, "R2": 0.0}).empty


def test_axioms_on_an_additive_game_with_a_null_player():
    worth = {"A": 3.0, "B": 3.0, "C": 1.0, "N": 0.0}

    def v(s: frozenset) -> float:
        return sum(worth[p] for p in s) + (2.0 if {"A", "B"} <= s else 0.0)

    players = list(worth)
    phi = shapley_exact(players, v)
    assert phi.sum() == pytest.approx(v(frozenset(players)))   # efficiency
    assert phi["A"] == pytest.approx(phi["B"])                   # symmetry
    assert phi["N"] == pytest.approx(0.0)                        # null player
    assert phi["A"] == pytest.approx(4.0)                        # synergy split evenly


def test_sampling_agrees_with_exact():
    players = ["L", "R1", "R2"]
    orders, sets = permutation_subsets(players, 3000, seed=1)
    assert frozenset() in sets and len(all_subsets(players)) == 8
    est = shapley_sampled(orders, glove)
    exact = shapley_exact(players, glove)
    for p in players:
        assert abs(est.loc[p, "shapley"] - exact[p]) < 4 * est.loc[p, "se"] + 1e-12
