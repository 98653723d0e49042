"""The brief: numbers that pass sanity checks, JSON contract, HTML that draws in a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

import middlepower as mp
from middlepower.coercion.responses import TEXT_COLUMNS


@pytest.fixture(scope="module")
def can_brief():
    return mp.brief(mp.load("world2023"), "CAN", against="USA", tariff=0.25)


def test_brief_economics(can_brief):
    r = can_brief.responses
    assert list(r.index) == ["no coercion", "give in", "retaliate", "diversify", "coalition"]
    assert r.loc["no coercion"].drop(list(TEXT_COLUMNS)).abs().max() < 1e-9
    assert r.loc["give in", "target_welfare_pct"] < -0.5          # Canada loses
    assert r.loc["retaliate", "against_welfare_pct"] < r.loc["give in", "against_welfare_pct"]
    assert r.loc["coalition", "target_welfare_pct"] > r.loc["give in", "target_welfare_pct"]
    e = can_brief.exposure
    assert e["export_share_pct"] == pytest.approx(74.3, abs=0.5)
    assert e["top_partners"][0]["partner"] == "USA"
    assert can_brief.headline.startswith("Saying no") and "USD" in can_brief.headline
    # the notes add to the headline, never say it again in other words
    assert can_brief.notes[0].startswith("If Canada retaliates, United States loses")
    assert not any(n.startswith("Saying no") for n in can_brief.notes)
    # CETA is in force: diversifying with the EU adds only the China pair
    assert can_brief.agreements["diversify"]["new"] == ["CAN-CHN"]
    assert r.loc["diversify", "target_welfare_pct"] > r.loc["give in", "target_welfare_pct"]


def test_brief_json_contract(can_brief, tmp_path):
    data = json.loads(can_brief.to_json(tmp_path / "b.json"))
    assert data["target"] == "CAN" and data["against"] == "USA"
    assert {"export_share_pct", "top_partners"} <= set(data["exposure"])
    names = [x["name"] for x in data["responses"]]
    assert {"give in", "retaliate", "diversify", "coalition"} <= set(names)
    for x in data["responses"]:
        assert isinstance(x["target_welfare_pct"], float)
        assert isinstance(x["against_welfare_pct"], float)
    lev = data["leverage"]
    assert lev["target_loss_pct"] > lev["against_loss_pct"] > 0   # the US can hurt Canada more
    assert lev["against_leverage_over_target"] > 5
    best = data["coalitions"][0]
    assert best["target_welfare_pct"] >= data["responses"][-1]["target_welfare_pct"] - 1e-9


def test_brief_rejects_bad_input():
    world = mp.load("world2023")
    with pytest.raises(mp.errors.UnknownCountryError, match="did you mean 'CAN'"):
        mp.brief(world, "CANADA", against="USA")
    with pytest.raises(mp.errors.ScenarioError, match="both 'USA'"):
        mp.brief(world, "USA", against="USA")
    with pytest.raises(mp.errors.ScenarioError, match="negative"):
        mp.brief(world, "CAN", against="USA", tariff=-1.5)


def test_html_is_self_contained(can_brief):
    page = can_brief.to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "cdn.jsdelivr" not in page and "<script src=" not in page
    assert "vegaEmbed" in page and "countries" in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_html_draws_charts_and_map_in_chromium(can_brief, tmp_path):
    page = tmp_path / "brief.html"
    can_brief.to_html(page)
    dom = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    roles = re.findall(r'aria-roledescription="([a-z ]+)"', dom)
    assert roles.count("bar") >= 12          # 5 responses x 3 economies, 0-width bars too
    assert roles.count("geoshape") > 150     # the countries of the world map
    values = set(re.findall(r'aria-label="real income, %: (-?[0-9.e-]+);', dom))
    assert len(values) > 20                  # countries carry their own welfare values
    assert "economy: Canada" in dom
    assert "Coercion brief: Canada against United States" in dom


def test_brief_has_the_tariff_game_on_one_sector_worlds(tmp_path):
    world = mp.load("world2023")
    b = mp.brief(world, "CAN", against="USA", bands=0)
    tab = b.say_no.table
    assert {"give in", "optimal retaliation", "Nash war"} <= set(tab.index)
    # answering optimally never leaves the target worse off than giving in
    assert tab.loc["optimal retaliation", "target_welfare_pct"] >= \
        tab.loc["give in", "target_welfare_pct"] - 1e-9
    game_note = next(n for n in b.notes if n.startswith("Tariff game: "))
    assert b.say_no.sentence[:-1] in game_note and b.curves_svg.startswith("<svg")
    # the game's give-in is to the hegemon's optimal tariff, and the note says so
    opt = b.say_no.table.loc["give in", "hegemon_tariff"]
    assert f"optimal tariff on Canada, {opt:.0%}, not the 25%" in game_note
    page = b.to_html()
    assert "id='game'" in page and "best response of USA" in page
    assert b.to_dict()["say_no"]["sentence"] == b.say_no.sentence
    quick = mp.brief(world, "CAN", against="USA", bands=0, game=False)
    assert quick.say_no is None and "id='game'" not in quick.to_html()
