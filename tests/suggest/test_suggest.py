"""mp.suggest: the seed story, recognisers, mood, sectors, evidence, YAML."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import middlepower as mp
from middlepower.errors import ParameterError
from middlepower.suggest import write_yaml
from middlepower.suggest._entities import mentions
from middlepower.suggest._relations import extract
from middlepower.suggest._text import sentences

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"

#: The seed article's situation in our own words (the article itself is not redistributed).
PARAPHRASE = """\
Ottawa and Washington clash over Carney's call for middle-power unity
Washington and Ottawa are locked in a diplomatic row after Canadian Prime Minister Mark \
Carney urged smaller countries to stand together against American economic bullying.
Last week Carney settled a long-running trade dispute with China.
President Trump, who also threatened European countries over Greenland, reacted angrily.
US officials said Canada's trade deal with China could undermine the coming USMCA \
renegotiations.
Since Trump returned to office, tariffs have been imposed on Canada after decades of \
duty-free trade.
Carney wants to reduce Canada's dependence on the United States and to build coalitions \
of middle powers.
European governments have pushed back against Washington, and British Prime Minister \
Keir Starmer criticised Trump's remarks on NATO.
An expert warned that Canada cannot easily absorb retaliation from the US.
"""


def _titles(found) -> list[str]:
    return [s.title for s in found]


def _codes(s: mp.scenario.Scenario) -> set[str]:
    out: set[str] = set()
    for v in s.expand():
        for shock in v.shocks:
            for field in ("by", "on", "form", "end", "between"):
                value = getattr(shock, field, None)
                if value is None:
                    continue
                items = value if isinstance(value, list | tuple) else [value]
                for item in items:
                    out |= set(item) if isinstance(item, list | tuple) else {item}
    return out


# ----------------------------------------------------------------- the seed situation
def _check_seed(found, text: str) -> None:
    by_title = {s.title: s for s in found}
    us_can = by_title["USA tariff on CAN (25%)"]
    assert us_can.variants == ["give in", "retaliate", "diversify", "coalition"]
    assert us_can.kind == "tariff" and us_can.actor == "USA" and us_can.targets == ("CAN",)
    assert "USMCA ends" in by_title
    assert "CAN-CHN trade agreement" in by_title
    us_eu = by_title["USA tariff on EU27 (25%)"]
    assert us_eu.mood == "threat" and us_eu.confidence < us_can.confidence
    coalition = next(s for s in found if s.kind == "coalition")
    assert {"CAN", "EU27", "GBR"} <= set(coalition.targets) and coalition.actor == "USA"
    # no country absent from the text (groups are named by the text: USMCA)
    named = {m.code for m in mentions(text)} | {"USMCA"}
    for s in found:
        assert _codes(s.scenario) <= named, (s.title, _codes(s.scenario) - named)
    coalition_variant = us_can.scenario.variants["coalition"]
    assert _codes(mp.Scenario("x", coalition_variant.shocks)) == {"CAN", "EU27", "GBR", "USA"}


def test_seed_paraphrase(world2023):
    found = mp.suggest(PARAPHRASE, world2023)
    assert len(found) == 5, _titles(found)
    _check_seed(found, PARAPHRASE)
    us_can = next(s for s in found if s.title == "USA tariff on CAN (25%)")
    results = mp.solve_many(world2023, us_can.scenario.expand())
    welfare = {r.name: r.countries.loc["CAN", "welfare_pct"] for r in results}
    assert welfare["give in"] < 0 and welfare["coalition"] > welfare["give in"]


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed/article.txt")
def test_seed_article(world2023):
    text = SEED.read_text(encoding="utf-8")
    found = mp.suggest(text, world2023)
    _check_seed(found, text)
    assert not found.skipped


# ----------------------------------------------------------------- recognisers
@pytest.mark.parametrize(("text", "code", "kind"), [
    ("Talks with Ottawa stalled.", "CAN", "capital"),
    ("Officials in Brussels replied.", "EU27", "capital"),
    ("Beijing answered.", "CHN", "capital"),
    ("The Canadian prime minister spoke.", "CAN", "demonym"),
    ("Mexican exports fell.", "MEX", "demonym"),
    ("Starmer disagreed.", "GBR", "leader"),
    ("Sheinbaum said no.", "MEX", "leader"),
    ("The White House said so.", "USA", "institution"),
    ("The European Union agreed.", "EU27", "institution"),
    ("The E.U. agreed.", "EU27", "institution"),
    ("The Republic of Korea agreed.", "KOR", "name"),
    ("Trade with Viet Nam grew.", "VNM", "name"),
    ("The U.S. agreed.", "USA", "name"),
    ("Guinea-Bissau exports cashews.", "GNB", "name"),
])
def test_recognisers(text, code, kind):
    found = mentions(text)
    assert [(m.code, m.kind) for m in found] == [(code, kind)]
    assert text[found[0].start:found[0].end] == found[0].surface


def test_places_that_are_not_governments():
    assert mentions("North American supply chains and the South China Sea") == []
    got = [m.code for m in mentions("US-Canada Diplomatic Spat Intensifies")]
    assert got == ["USA", "CAN"]
    assert [m.code for m in mentions("Canada Mexico Japan")] == ["CAN", "MEX", "JPN"]


def test_country_converter_names_found_in_running_text():
    import country_converter as coco

    data = coco.CountryConverter().data
    hits = 0
    for name, iso3 in zip(data["name_short"], data["ISO3"], strict=True):
        found = mentions(f"Tariffs on {name} rose sharply this year.")
        hits += [m.code for m in found] == [iso3]
    assert hits / len(data) > 0.95


def test_sentences_keep_offsets_and_abbreviations():
    text = "The U.S. imposed tariffs. Canada replied!\n- A bullet point\nMr. Carney spoke."
    parts = sentences(text)
    assert [p.text for p in parts] == ["The U.S. imposed tariffs.", "Canada replied!",
                                       "A bullet point", "Mr. Carney spoke."]
    for p in parts:
        assert text[p.start:p.end] == p.text


def test_hard_wrapped_lines_stay_one_sentence():
    text = "Washington slapped a tariff on Canada, and Ottawa vowed to\nretaliate.\nNext line"
    assert [p.text for p in sentences(text)] == [
        "Washington slapped a tariff on Canada, and Ottawa vowed to\nretaliate.", "Next line"]


@pytest.mark.parametrize(("text", "rate"), [
    ("The US put a 25 per cent tariff on Canadian goods.", 0.25),
    ("The US put a twenty-five percent tariff on Canadian goods.", 0.25),
    ("The US raised tariffs on Canadian goods from 10% to 35%.", 0.35),
    ("Although 80% of Canadian exports enter free, the US put a 10% tariff on Canada.", 0.10),
])
def test_rates(text, rate, world2023):
    found = mp.suggest(text, world2023)
    assert [(s.actor, s.targets) for s in found] == [("USA", ("CAN",))]
    assert found[0].rate == pytest.approx(rate)


# ----------------------------------------------------------------- mood never inverts
def test_threat_and_negation_lower_confidence_not_direction(world2023):
    fact = mp.suggest("Canada imposed a 20% tariff on American steel.", world2023)[0]
    threat = mp.suggest("Canada threatened a 20% tariff on American steel.", world2023)[0]
    maybe = mp.suggest("Canada could impose a 20% tariff on American steel.", world2023)[0]
    denied = mp.suggest("Canada will not impose a 20% tariff on American steel.", world2023)[0]
    for s in (fact, threat, maybe, denied):
        assert (s.actor, s.targets, s.rate) == ("CAN", ("USA",), 0.2)
    assert (fact.mood, threat.mood, maybe.mood, denied.mood) == (
        "fact", "threat", "hypothetical", "negated")
    assert fact.confidence > threat.confidence > denied.confidence
    assert fact.confidence > maybe.confidence > denied.confidence


def test_evidence_offsets_point_into_the_text(world2023):
    for s in mp.suggest(PARAPHRASE, world2023):
        assert s.evidence
        for e in s.evidence:
            assert PARAPHRASE[e.start:e.end] == e.sentence
            assert PARAPHRASE[e.cue_start:e.cue_end] == e.cue
            assert e.start <= e.cue_start < e.cue_end <= e.end
        assert 0 < s.confidence < 1


def test_no_trade_story_gives_nothing(world2023):
    text = "Japan and Australia signed a defence agreement. The leaders praised the alliance."
    assert list(mp.suggest(text, world2023)) == []
    assert list(mp.suggest("", world2023)) == []
    sents = sentences(text)
    relations, _ = extract(text, sents, mentions(text))
    assert relations == []


# ----------------------------------------------------------------- sectors and worlds
def test_sector_tariff_on_one_sector_world_taxes_all_goods(world2023):
    s = mp.suggest("The US imposed a 50% tariff on Canadian steel.", world2023)[0]
    assert s.sectors == ("steel",)
    assert s.scenario.shocks[0].sectors is None
    assert any("one sector" in a for a in s.assumptions)


def test_sector_tariff_on_multi_sector_world():
    rng = np.random.default_rng(1)
    flows = rng.uniform(1, 10, (2, 3, 3)) + np.array([np.diag([100.0, 80, 60])] * 2)
    world = mp.World.from_matrix(["USA", "CAN", "MEX"], flows, sectors=("C24", "REST"),
                                 sector_groups={"steel": ["C24"]})
    s = mp.suggest("The US imposed a 50% tariff on Canadian steel and aluminum.", world)[0]
    assert s.sectors == ("steel", "aluminium")
    assert s.scenario.shocks[0].sectors == ["steel"]
    assert any("no sector aluminium" in a for a in s.assumptions)
    assert mp.solve(world, s.scenario).countries.loc["CAN", "welfare_pct"] < 0


def test_folded_economies_are_skipped_with_a_note(world2023):
    found = mp.suggest("The US imposed a 30% tariff on Ukraine.", world2023)
    assert list(found) == []
    assert found.skipped and "UKR" in found.skipped[0]


def test_member_state_maps_to_its_region(world2023):
    s = mp.suggest("The US imposed a 30% tariff on German cars.", world2023)[0]
    assert (s.actor, s.targets) == ("USA", ("EU27",))
    assert any("DEU is part of EU27" in a for a in s.assumptions)


def test_world_by_name_sets_scenario_data():
    s = mp.suggest("The US imposed a 30% tariff on Canada.", "world2023")[0]
    assert s.scenario.data == "world2023"


# ----------------------------------------------------------------- output
def test_yaml_round_trip_and_atomic_files(tmp_path, world2023):
    found = mp.suggest(PARAPHRASE, world2023)
    for s in found:
        back = mp.Scenario.from_yaml_text(s.to_yaml())
        assert back.model_dump() == s.scenario.model_dump()
    paths = write_yaml(found, tmp_path / "out")
    assert [p.name[:3] for p in paths] == [f"{k:02d}-" for k in range(1, len(found) + 1)]
    for p in paths:
        assert mp.Scenario.from_yaml(p).name
    assert not list((tmp_path / "out").glob(".*.tmp"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(ParameterError, match="is a file"):
        write_yaml(found, tmp_path / "file")


def test_bad_arguments():
    with pytest.raises(ParameterError, match="as a str"):
        mp.suggest(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="min_confidence"):
        mp.suggest("x", min_confidence=2)


def test_min_confidence_and_table(world2023):
    found = mp.suggest(PARAPHRASE, world2023, min_confidence=0.5)
    assert found and all(s.confidence >= 0.5 for s in found)
    table = found.table()
    assert list(table.columns[:3]) == ["title", "kind", "confidence"]
    assert found[0].to_dict()["scenario"]["name"] == found[0].title


def test_example_runs(capsys):
    from examples_loader import load_example

    load_example("suggest_from_story").main()
    out = capsys.readouterr().out
    assert "USA tariff on CAN (35%, lumber)" in out and "coalition" in out
