"""Sparse patches of scenarios equal the dense shock arrays, entry for entry and bit for bit.

Random scenarios of every shock type (tariffs replaced and added, per sector; partial-effect
tables with repeated pairs, groups and a sector column; agreements formed, deepened and
ended; embargoes; trade costs one and both ways) on one- and three-sector worlds, against
:meth:`Scenario.arrays`, the dense reference.
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower.errors import ScenarioError, UnknownCountryError
from middlepower.scenario import patches as patches_mod
from middlepower.scenario.lazy import LazyScenarios
from middlepower.scenario.patches import sparse_batch

# the module, not the function ``middlepower.model.solve`` that shadows it in the package
solve_mod = importlib.import_module("middlepower.model.solve")

CODES = ["USA", "CAN", "MEX", "CHN", "DEU", "FRA", "JPN", "GBR"]
GROUPS = ["USMCA", "G7", "EU27"]


def _world(sectors: int, seed: int = 0) -> mp.World:
    rng = np.random.default_rng(seed)
    n = len(CODES)
    flows = rng.uniform(0.5, 5.0, (sectors, n, n))
    for s in range(sectors):
        flows[s][np.diag_indices(n)] += rng.uniform(20, 60, n)
    tariffs = rng.uniform(0, 0.1, (sectors, n, n))
    if sectors == 1:
        return mp.World(CODES, flows[0], tariffs[0], year=2023)
    names = [f"s{k}" for k in range(sectors)]
    return mp.World(CODES, flows, tariffs, sectors=names, year=2023,
                    sector_groups={"goods": names[:2]})


def _side(rng: np.random.Generator, k: int | None = None) -> str | list[str]:
    pool = CODES + GROUPS
    if k is None:
        k = int(rng.integers(1, 4))
    picks = [str(c) for c in rng.choice(pool, size=k, replace=False)]
    return picks[0] if k == 1 and rng.uniform() < 0.5 else picks


def _sectors(rng: np.random.Generator, world: mp.World) -> list[str] | None:
    if world.n_sectors == 1 or rng.uniform() < 0.4:
        return None
    return [str(s) for s in rng.choice([*world.sectors, "goods"],
                                       size=int(rng.integers(1, 3)), replace=False)]


def _two_sides(rng: np.random.Generator) -> tuple:
    while True:
        a, b = _side(rng), _side(rng)
        la = {a} if isinstance(a, str) else set(a)
        lb = {b} if isinstance(b, str) else set(b)
        if not (la & lb & set(CODES)) and la != lb:
            return a, b


def _shock(rng: np.random.Generator, world: mp.World) -> object:
    kind = rng.integers(6)
    if kind == 0:
        by, on = _two_sides(rng)
        return mp.tariff(by=by, on=on, rate=float(rng.choice([0.0, 0.1, 0.25, 0.6])),
                         sectors=_sectors(rng, world),
                         exempt=float(rng.choice([0.0, 0.3])))
    if kind == 1:
        by, on = _two_sides(rng)
        return mp.tariff(by=by, on=on, rate=float(rng.uniform(0.0, 0.3)), add=True,
                         sectors=_sectors(rng, world))
    if kind == 2:
        rows = []
        for _ in range(int(rng.integers(1, 6))):
            ex, im = (str(c) for c in rng.choice([*CODES, "USMCA"], 2, replace=False))
            row = {"exporter": ex, "importer": im, "beta": float(rng.normal(0, 0.5))}
            if world.n_sectors > 1 and rng.uniform() < 0.5:
                row["sector"] = str(rng.choice(world.sectors))
            rows.append(row)
        rows.append(dict(rows[0]))          # a repeated pair adds up
        if rng.uniform() < 0.5 and not any("sector" in r for r in rows):
            return mp.partial_effect(pd.DataFrame(rows))
        return mp.partial_effect(rows)
    if kind == 3:
        members = _side(rng, int(rng.integers(2, 5)))
        if rng.uniform() < 0.3:
            return mp.agreement(end=str(rng.choice(["USMCA", "EU27"]))
                                if rng.uniform() < 0.5 else members)
        deepen = rng.choice([False, True, 0.2])
        return mp.agreement(form=members, effect=float(rng.uniform(-0.5, 1.0)),
                            deepen=deepen.item() if hasattr(deepen, "item") else deepen,
                            sectors=_sectors(rng, world))
    if kind == 4:
        return mp.embargo(*_two_sides(rng))
    a, b = _two_sides(rng)
    return mp.trade_cost(a, b, float(rng.uniform(-0.3, 0.5)), both_ways=bool(rng.uniform() < 0.5),
                         sectors=_sectors(rng, world))


def _scenarios(world: mp.World, k: int, seed: int) -> list[mp.Scenario]:
    rng = np.random.default_rng(seed)
    return [mp.Scenario(f"s{m}", [_shock(rng, world) for _ in range(int(rng.integers(0, 6)))])
            for m in range(k)]


def _dense_changes(world: mp.World, s: mp.Scenario) -> tuple[np.ndarray, ...]:
    a = s.arrays(world)
    changed = (a.beta != 0) | (a.log_dhat != 0) | (a.tariffs != world.sector_tariffs)
    k = np.nonzero(changed)
    return (*k, a.tariffs[k], a.beta[k], a.log_dhat[k])


def _equal(x: np.ndarray, y: np.ndarray) -> bool:
    return x.dtype == y.dtype and x.shape == y.shape and bool(np.array_equal(x, y))


def _assert_batch_is_dense(world: mp.World, scenarios: list[mp.Scenario]) -> None:
    """The batch's entries of every scenario are those of its dense arrays, bit for bit."""
    batch = sparse_batch(world, scenarios)
    assert batch.b == len(scenarios)
    assert np.all(np.diff(batch.row) >= 0)
    for k, s in enumerate(scenarios):
        mine = batch.scenario(k)
        got = (mine.sector, mine.exporter, mine.importer, mine.tariffs, mine.beta,
               mine.log_dhat)
        for x, y in zip(got, _dense_changes(world, s), strict=True):
            assert _equal(x, y), s.shocks


@pytest.mark.parametrize("sectors", [1, 3])
def test_random_scenarios_equal_dense_arrays(sectors: int) -> None:
    world = _world(sectors)
    scenarios = _scenarios(world, 300, seed=sectors)
    kinds = {type(sh).__name__ for s in scenarios for sh in s.shocks}
    assert kinds == {"Tariff", "PartialEffect", "Agreement", "Embargo", "TradeCost"}
    _assert_batch_is_dense(world, scenarios)
    for s in scenarios:
        dense, ref = s.patches(world).dense(world), s.arrays(world)
        for name in ("tariffs", "beta", "log_dhat"):
            assert _equal(getattr(dense, name), getattr(ref, name))


def test_variants_of_one_structure_share_work_and_stay_exact(world2023: mp.World) -> None:
    """Many scenarios differing only in an agreement's effect (as uncertainty draws)."""
    base = [mp.tariff(by="USA", on="CAN", rate=0.25), mp.agreement(form=["CAN", "EU27", "JPN"]),
            mp.trade_cost("CAN", "G7", 0.1, both_ways=True)]
    scenarios = [mp.Scenario(f"d{k}", [base[0], base[1].model_copy(update={"effect": e}),
                                       base[2]])
                 for k, e in enumerate(np.linspace(-0.4, 0.9, 25))]
    _assert_batch_is_dense(world2023, scenarios)


def test_errors_are_the_dense_paths_and_name_the_first_culprit(toy: mp.World) -> None:
    good = mp.Scenario("good", [mp.tariff(by="AAA", on="BBB", rate=0.1)])
    unknown = mp.Scenario("unknown", [mp.tariff(by="AAA", on="ZZZ", rate=0.1)])
    cut = mp.Scenario("cut", [mp.tariff(by="AAA", on="BBB", rate=-0.2, add=True)])
    for bad in (unknown, cut):
        with pytest.raises((UnknownCountryError, ScenarioError)) as dense:
            bad.arrays(toy)
        with pytest.raises(type(dense.value)) as sparse:
            sparse_batch(toy, [good, bad])
        assert str(sparse.value) == str(dense.value)
    with pytest.raises(ScenarioError, match="'cut'"):
        sparse_batch(toy, [good, cut, unknown])


def test_empty_batch_and_empty_scenario(toy: mp.World) -> None:
    assert sparse_batch(toy, []).b == 0
    batch = sparse_batch(toy, [mp.Scenario("nothing", [])])
    assert batch.b == 1 and len(batch.row) == 0


def test_fast_solves_from_patches_equal_the_plain_path(world2023: mp.World) -> None:
    rng = np.random.default_rng(5)
    codes = list(world2023.countries)
    scenarios = []
    for k in range(12):
        a, b, c = (str(x) for x in rng.choice(codes, 3, replace=False))
        scenarios.append(mp.Scenario(f"r{k}", [
            mp.tariff(by=a, on=[b, c], rate=float(rng.uniform(0, 0.4))),
            mp.agreement(form=[b, c, "CAN"] if "CAN" not in (b, c) else [b, c]),
            mp.trade_cost(c, a, float(rng.uniform(0, 0.2)))]))
    fast = mp.solve_many(world2023, scenarios)
    plain = mp.solve_many(world2023, scenarios, options=mp.SolveOptions(backend="reference"))
    for f, p in zip(fast, plain, strict=True):
        np.testing.assert_allclose(f.welfare_hat, p.welfare_hat, rtol=0, atol=1e-12)


def test_agreements_on_a_world_outside_the_agreements_table(toy: mp.World) -> None:
    """Made-up codes: ``end`` hits every member pair, ``form`` skips none."""
    scenarios = [mp.Scenario("end", [mp.agreement(end=["AAA", "BBB", "CCC"], effect=0.3)]),
                 mp.Scenario("form", [mp.agreement(form=["AAA", "CCC"], deepen=True)])]
    _assert_batch_is_dense(toy, scenarios)
    assert len(sparse_batch(toy, scenarios).scenario(0).beta) == 6


def _same_patches(fast: object, ref: object) -> None:
    for a in ("row", "sector", "exporter", "importer", "tariffs", "beta", "log_dhat"):
        assert _equal(getattr(fast, a), getattr(ref, a)), a


@pytest.mark.parametrize("instrument", ["both", "free_trade", "retaliation"])
def test_coalition_patches_built_directly_equal_the_scenarios(world2023: mp.World,
                                                              instrument: str) -> None:
    """Every coalition of six partners (CETA and CPTPP pairs already in force are skipped)."""
    import importlib
    from itertools import combinations

    search = importlib.import_module("middlepower.coalition.search")
    game = search.CoalitionGame(world2023, "CAN", "USA", instrument=instrument, effect=0.4)
    cands = search._check_candidates(game, ["EU27", "GBR", "JPN", "KOR", "AUS", "MEX"])
    sets = [frozenset()] + [frozenset(c) | {game.target} for k in range(7)
                            for c in combinations(cands, k)]
    scenarios = LazyScenarios(sets, game.scenario)
    direct = search._patches(game, sets, scenarios)
    assert direct is not None
    _same_patches(direct, sparse_batch(world2023, list(scenarios)))


def test_uncertainty_patches_equal_the_runs(world2023: mp.World) -> None:
    import importlib

    unc = importlib.import_module("middlepower.uncertainty")
    base = mp.Scenario("v", [mp.tariff(by="USA", on="CAN", rate=0.25)], variants={
        "a": {"shocks": [mp.agreement(form=["CAN", "EU27", "JPN", "CHN"])]},
        "b": {"shocks": [mp.agreement(end="USMCA"), mp.agreement(form=["CAN", "MEX"],
                                                                 effect=0.2)]}}).expand()
    betas = np.random.default_rng(1).normal(0.5, 0.1, 40)
    runs = unc._Runs(base, betas)
    assert runs[-1].name == "b" and runs[3].shocks[1].effect == betas[1]
    _same_patches(unc._patches(world2023, runs, base, betas),
                  sparse_batch(world2023, list(runs)))


@pytest.mark.parametrize("sectors", [1, 3])
def test_many_one_shock_scenarios_equal_dense_arrays(sectors: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of one-shock scenarios (each its own family: the analyses' and benchmarks'
    bilateral tariff wars) goes through the all-at-once path and stays exact, rate 0 and
    rates equal to the baseline included."""
    world = _world(sectors, seed=5)
    rng = np.random.default_rng(11)
    scenarios = []
    for m in range(200):
        by, on = _two_sides(rng)
        kind = m % 3
        if kind == 0:
            rate = float(rng.choice([0.0, 0.2, world.sector_tariffs[0, 0, 1]]))
            shock = mp.tariff(by=by, on=on, rate=rate, sectors=_sectors(rng, world))
        elif kind == 1:
            shock = mp.trade_cost(by, on, float(rng.uniform(-0.3, 0.5)),
                                  sectors=_sectors(rng, world))
        else:
            shock = mp.tariff(by=by, on=on, rate=float(rng.uniform(0, 0.3)), add=True)
        scenarios.append(mp.Scenario(f"s{m}", [shock]))
    simple = []
    real = patches_mod._apply_simple
    monkeypatch.setattr(patches_mod, "_apply_simple",
                        lambda w, fams: simple.append(len(fams)) or real(w, fams))
    _assert_batch_is_dense(world, scenarios)
    assert simple and simple[0] > 50        # the tariffs set and the costs: one pass
