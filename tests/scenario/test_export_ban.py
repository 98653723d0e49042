"""export_ban: one way, only the goods named, a share of them; sized by trade on one sector."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower.errors import MiddlepowerError, ScenarioError
from middlepower.scenario.patches import sparse_batch


@pytest.fixture(scope="module")
def wiod() -> mp.World:
    return mp.load(mp.data.DEFAULT_SECTOR_DATASET)


def _idx(world: mp.World, code: str) -> int:
    return list(world.countries).index(code)


def test_multi_sector_ban_touches_only_those_sectors_one_way(wiod):
    a = mp.Scenario("b", [mp.export_ban(by="CHN", on="USA", sectors="metals")]).arrays(wiod)
    s = wiod.resolve_sectors(["metals"])
    c, u = _idx(wiod, "CHN"), _idx(wiod, "USA")
    assert np.isneginf(a.beta[s, c, u]).all()
    assert (a.beta[:, u, c] == 0).all()                    # one way
    other = [k for k in range(wiod.n_sectors) if k not in s]
    assert (a.beta[other, c, u] == 0).all()                # only those goods
    assert np.isfinite(a.beta).sum() == a.beta.size - len(s)


def test_partial_ban_scales_flows_by_the_share(wiod):
    a = mp.Scenario("b", [mp.export_ban(by="JPN", on="KOR", sectors="chemicals", share=0.4)]
                    ).arrays(wiod)
    s = wiod.resolve_sectors(["chemicals"])
    assert a.beta[s, _idx(wiod, "JPN"), _idx(wiod, "KOR")] == pytest.approx(np.log(0.6))


def test_no_sectors_bans_goods_not_services(wiod):
    a = mp.Scenario("b", [mp.export_ban(by="CHN", on="USA")]).arrays(wiod)
    goods = wiod.resolve_sectors(["goods"])
    c, u = _idx(wiod, "CHN"), _idx(wiod, "USA")
    assert np.isneginf(a.beta[goods, c, u]).all()
    assert np.isneginf(a.beta[:, c, u]).sum() == len(goods) < wiod.n_sectors


def test_one_sector_world_cut_is_share_times_goods_share(world2023, wiod):
    ban = mp.export_ban(by="CHN", on="USA", sectors="metals", share=0.5)
    ref = mp.load(mp.data.DEFAULT_SECTOR_DATASET)      # the goods' shares come from there
    flows = ref.sector_flows[:, _idx(ref, "CHN"), _idx(ref, "USA")]
    g = flows[ref.resolve_sectors(["metals"])].sum() / flows[ref.resolve_sectors(["goods"])
                                                            ].sum()
    assert ban.trade_share(world2023) == pytest.approx(g) and 0 < g < 0.5
    a = mp.Scenario("b", [ban]).arrays(world2023)
    c, u = _idx(world2023, "CHN"), _idx(world2023, "USA")
    assert a.beta[0, c, u] == pytest.approx(np.log1p(-0.5 * g))
    assert a.beta[0, u, c] == 0
    note = ban.note(world2023)
    assert "one sector" in note and mp.data.DEFAULT_SECTOR_DATASET in note
    assert f"{0.5 * g:.1%}" in note
    assert ban.note(wiod) == ""


def test_one_sector_goods_share_given(toy):
    ban = mp.export_ban(by="AAA", on="BBB", sectors="metals", goods_share=0.2)
    a = mp.Scenario("b", [ban]).arrays(toy)
    assert a.beta[0, 0, 1] == pytest.approx(np.log(0.8))
    assert "as given" in ban.note(toy)


def test_one_sector_pair_unknown_to_the_reference_says_what_to_do(toy):
    with pytest.raises(ScenarioError, match="goods_share"):
        mp.Scenario("b", [mp.export_ban(by="AAA", on="BBB", sectors="metals")]).arrays(toy)


def test_solves_and_hurts_the_target(world2023, wiod):
    for w in (world2023, wiod):
        r = mp.solve(w, mp.Scenario("b", [mp.export_ban(by="CHN", on="USA", sectors="metals")]))
        assert r.countries.loc["USA", "welfare_pct"] < 0


@pytest.mark.parametrize("kw, msg", [
    ({"share": 0}, "share"), ({"share": 1.5}, "share"), ({"share": True}, "number"),
    ({"goods_share": 0}, "goods_share"), ({"sectors": []}, "empty"),
])
def test_bad_fields_are_named(kw, msg):
    with pytest.raises(ScenarioError, match=msg):
        mp.export_ban(**{"by": "CHN", "on": "USA", "sectors": "metals", **kw})


def test_yaml_round_trip_and_bad_yaml():
    s = mp.Scenario("b", [mp.export_ban(by="CHN", on=["KOR", "JPN"], sectors="metals",
                                        share=0.3)])
    back = mp.Scenario.from_yaml_text(s.to_yaml())
    assert back.shocks == s.shocks
    bad = "name: b\nshocks:\n- type: export_ban\n  by: CHN\n  'on': KOR\n  share: 2\n"
    with pytest.raises(MiddlepowerError, match=r"line 3.*share"):
        mp.Scenario.from_yaml_text(bad)


def test_schema_knows_export_ban():
    schema = mp.Scenario.json_schema()
    assert "ExportBan" in schema["$defs"]
    assert set(schema["$defs"]["ExportBan"]["properties"]) >= {"by", "on", "sectors", "share"}


@pytest.mark.parametrize("name", ["world2023", "wiod2014"])
def test_sparse_patches_equal_dense_arrays(name):
    world = mp.load(name)
    scenarios = [mp.Scenario("a", [mp.export_ban(by="CHN", on="USA", sectors="metals")]),
                 mp.Scenario("b", [mp.tariff(by="USA", on="CHN", rate=0.2),
                                   mp.export_ban(by="CHN", on=["USA", "JPN"], share=0.5,
                                                 sectors=["metals", "chemicals"])])]
    batch = sparse_batch(world, scenarios)
    for k, s in enumerate(scenarios):
        a = s.arrays(world)
        mine = batch.scenario(k)
        changed = (a.beta != 0) | (a.log_dhat != 0) | (a.tariffs != world.sector_tariffs)
        where = np.nonzero(changed)
        assert np.array_equal(mine.beta, a.beta[where])
        assert np.array_equal(mine.sector, where[0]) and np.array_equal(mine.exporter, where[1])
