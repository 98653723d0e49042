"""Coalition search, Shapley split and stability on real solves."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower import coalition, errors
from middlepower.coalition.game import all_subsets


@pytest.fixture(scope="module")
def sym_world() -> mp.World:
    """H (hegemon), T (target), P1 and P2 identical partners, Z trades with nobody."""
    codes = ["H", "T", "P1", "P2", "Z"]
    f = np.array([[200, 20, 10, 10, 0],
                  [20, 100, 5, 5, 0],
                  [10, 5, 100, 5, 0],
                  [10, 5, 5, 100, 0],
                  [0, 0, 0, 0, 50]], dtype=float)
    return mp.World.from_matrix(codes, f)


def test_shapley_axioms_on_solved_game(sym_world):
    sh = coalition.shapley(sym_world, "T", "H", ["P1", "P2", "Z"])
    game = coalition.CoalitionGame(sym_world, "T", "H")
    grand = game.value(frozenset({"T", "P1", "P2", "Z"}))
    assert sh["shapley"].sum() == pytest.approx(grand, rel=1e-9)          # efficiency
    assert sh.loc["P1", "shapley"] == pytest.approx(sh.loc["P2", "shapley"], rel=1e-9)
    assert sh.loc["Z", "shapley"] == pytest.approx(0.0, abs=1e-9)        # null player
    assert sh["share_pct"].sum() == pytest.approx(100.0)
    assert (sh["se"] == 0).all()


def test_gains_of_many_sets_equal_one_by_one(world2023):
    """CoalitionGame.gains (all sets at once, members as a mask) gives gain() of each set,
    groups of economies (EU27 here is one player of its 27 members) included."""
    many = coalition.CoalitionGame(mp.load("world2023-full"), "CAN", "USA")
    one = coalition.CoalitionGame(many.world, "CAN", "USA")
    search_mod = importlib.import_module("middlepower.coalition.search")
    players = ["CAN", *search_mod._check_candidates(many, ["EU27", "MEX", "JPN"])]
    search_mod._check_candidates(one, ["EU27", "MEX", "JPN"])
    sets = all_subsets(players)
    many.solve(sets)
    one.solve(sets)
    got = many.gains(sets)
    assert got[frozenset()] == 0.0 and len(got) == len(sets)
    for s in sets:
        assert got[s] == pytest.approx(one.gain(s), rel=1e-12, abs=1e-9)


def test_sampled_shapley_close_to_exact(sym_world):
    exact = coalition.shapley(sym_world, "T", "H", ["P1", "P2", "Z"])
    est = coalition.shapley(sym_world, "T", "H", ["P1", "P2", "Z"], n_perm=400, seed=2)
    for p in exact.index:
        assert abs(est.loc[p, "shapley"] - exact.loc[p, "shapley"]) \
            <= 4 * est.loc[p, "se"] + 1e-9


def test_exhaustive_search_covers_all_subsets(world2023):
    cands = ["EU27", "GBR", "JPN", "MEX"]
    table = coalition.search(world2023, "CAN", "USA", cands, top=None)
    assert len(table) == 2 ** len(cands)
    alone = table.set_index("coalition").loc["(CAN alone)"]
    brief = mp.brief(world2023, "CAN", against="USA", bands=0).responses
    assert alone.target_welfare_pct == pytest.approx(brief.loc["retaliate", "target_welfare_pct"])
    give_in = brief.loc["give in", "target_welfare_pct"]
    np.testing.assert_allclose(table.target_welfare_pct - table.target_gain_pp, give_in)
    assert table.target_welfare_pct.is_monotonic_decreasing
    assert table.iloc[0].target_welfare_pct > give_in
    filtered = coalition.search(world2023, "CAN", "USA", cands, top=None, require_all_gain=True)
    assert filtered.all_gain.all() and len(filtered) <= len(table)


def test_beam_search_finds_the_exhaustive_best(world2023):
    cands = ["EU27", "GBR", "JPN", "KOR", "MEX", "CHN"]
    ex = coalition.search(world2023, "CAN", "USA", cands, method="exhaustive", top=1)
    beam = coalition.search(world2023, "CAN", "USA", cands, method="beam", beam_width=3,
                            max_size=6, top=1)
    assert beam.iloc[0].coalition == ex.iloc[0].coalition


def test_objectives_and_instruments(world2023):
    ft = coalition.search(world2023, "CAN", "USA", ["EU27", "JPN"], instrument="free_trade",
                          top=None).set_index("coalition")
    assert ft.loc["(CAN alone)", "coalition_gain"] == 0.0   # free trade needs a partner
    assert ft.loc["EU27+JPN", "against_welfare_pct"] > -0.2     # no retaliation: US barely hit
    ret = coalition.search(world2023, "CAN", "USA", ["EU27", "JPN"], instrument="retaliation",
                           objective="coalition", top=None)
    assert ret.coalition_gain.is_monotonic_decreasing


def test_stability_report(world2023):
    st = coalition.stability(world2023, "CAN", "USA", ["EU27", "GBR", "JPN"])
    m = st["members"]
    assert list(m.index) == ["CAN", "EU27", "GBR", "JPN"]
    assert st["all_gain"] == bool(m.gains.all())
    assert st["shapley"]["shapley"].sum() == pytest.approx(
        coalition.CoalitionGame(world2023, "CAN", "USA").value(
            frozenset({"CAN", "EU27", "GBR", "JPN"})), rel=1e-9)
    assert isinstance(st["in_core"], bool)


def test_bad_arguments(world2023):
    with pytest.raises(errors.ParameterError, match="instrument"):
        coalition.search(world2023, "CAN", "USA", ["EU27"], instrument="sanctions")
    with pytest.raises(errors.ParameterError, match="no candidate"):
        coalition.search(world2023, "CAN", "USA", ["USA", "CAN"])
    with pytest.raises(errors.UnknownCountryError, match="did you mean"):
        coalition.search(world2023, "CAN", "USA", ["EU"])


def test_a_group_of_separate_economies_is_one_player():
    """In a world where the EU's members stand alone, "EU27" joins as one player."""
    world = mp.load("world2023-full")
    table = mp.coalition.search(world, "CAN", "USA", ["EU27", "JPN"])
    assert set(table.coalition) == {"EU27", "JPN", "EU27+JPN", "(CAN alone)"}
    eu = table.set_index("coalition").loc["EU27"]
    assert eu["size"] == 1
    sh = mp.coalition.shapley(world, "CAN", "USA", ["EU27", "JPN"])
    assert list(sh.index) == ["CAN", "EU27", "JPN"]
    assert sh.share_pct.sum() == pytest.approx(100.0)


def _row_by_row(game: coalition.CoalitionGame, partners: frozenset) -> dict:
    """One row of the search table from the game's own per-set accessors (the definition
    that search's stacked computation must reproduce)."""
    t, h = game.target, game.against
    s = partners | {t}
    gain = {t: game.pct(s, t) - game.pct(frozenset(), t)}
    for m in partners:
        gain[m] = game.pct(s, m) - game.pct(s - {m}, m)
    worst = min(gain, key=gain.get)
    value = game.gain(s)
    return {"coalition": "+".join(sorted(partners)) or f"({t} alone)",
            "partners": tuple(sorted(partners)), "size": len(partners),
            "target_welfare_pct": game.pct(s, t), "target_gain_pp": gain[t],
            "against_welfare_pct": game.pct(s, h), "coalition_gain": value,
            "coalition_gain_pct": 100 * value / game.spend(s),
            "all_gain": bool(min(gain.values()) > 0), "min_member_gain_pp": gain[worst],
            "worst_member": worst}


@pytest.mark.parametrize("kw", [{}, {"method": "beam", "beam_width": 2, "max_size": 3},
                                {"instrument": "free_trade", "max_size": 2}])
def test_search_table_equals_the_row_by_row_definition(world2023, monkeypatch, kw):
    import importlib

    search_mod = importlib.import_module("middlepower.coalition.search")
    seen = []
    stacked = search_mod._table

    def both(game, partner_sets):
        table = stacked(game, partner_sets)
        game._gains.clear()
        ref = pd.DataFrame([_row_by_row(game, p) for p in partner_sets])
        seen.append(len(ref))
        pd.testing.assert_frame_equal(table, ref, check_exact=True)
        return table

    monkeypatch.setattr(search_mod, "_table", both)
    coalition.search(world2023, "CAN", "USA", ["EU27", "GBR", "JPN", "MEX", "KOR"], **kw)
    assert seen and seen[0] > 5
