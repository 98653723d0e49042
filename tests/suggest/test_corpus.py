"""Issue 23: the example sentences, stated-or-flagged rates over the corpus, and the scores
on the untouched third of the corpus (tests/data/suggest/untouched.yaml)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import jsonschema
import pytest

import middlepower as mp

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_suggest", ROOT / "benchmarks" / "suggest.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
STORIES = [s for part in bench.PARTS for s in bench.load(part)]


def _one(found, kind, actor, target):
    hits = [s for s in found if (s.kind, s.actor, s.targets) == (kind, actor, (target,))]
    assert len(hits) == 1, [s.title for s in found]
    return hits[0]


def test_rate_in_another_sentence_than_the_party(world2023):
    s = _one(mp.suggest("Ottawa promised a response. The White House's 35% duty on lumber "
                        "takes effect Monday.", world2023), "tariff", "USA", "CAN")
    assert s.rate == pytest.approx(0.35) and s.sectors == ("lumber",) and not s.rate_assumed


def test_raised_to_is_the_new_rate_on_all_partners(world2023):
    s = _one(mp.suggest("Washington raised its levy on copper to 50%.", world2023),
             "tariff", "USA", "ALL")
    assert s.rate == pytest.approx(0.5) and s.sectors == ("metals",)
    on = s.scenario.shocks[0].on
    assert "CHN" in on and "CAN" in on and "USA" not in on


def test_counter_tariffs_sized_in_dollars_and_the_measure_they_answer(world2023):
    found = mp.suggest("Mexico unveiled $9 billion in counter-tariffs after the US 30% "
                       "tariffs came into force.", world2023)
    us = _one(found, "tariff", "USA", "MEX")
    mx = _one(found, "tariff", "MEX", "USA")
    assert us.rate == pytest.approx(0.3) and not us.rate_assumed and us.coverage is None
    assert mx.rate_assumed and mx.coverage == pytest.approx(9.0)
    imports = world2023.flows[list(world2023.countries).index("USA"),
                              list(world2023.countries).index("MEX")]
    assert mx.scenario.shocks[0].exempt == pytest.approx(1 - 9.0 / imports, abs=1e-4)
    assert any("assumed" in a for a in mx.assumptions)
    assert mx.confidence < us.confidence


def test_export_ban_on_some_goods_is_one_way(world2023):
    s = _one(mp.suggest("Beijing halted shipments of gallium to Seoul.", world2023),
             "export_ban", "CHN", "KOR")
    shock = s.scenario.shocks[0]
    assert shock.type == "export_ban" and (shock.by, shock.on) == ("CHN", "KOR")
    assert shock.sectors == ["metals"] and any("one sector" in a for a in s.assumptions)


def test_extra_tariff_adds_and_export_controls_are_read(world2023):
    found = mp.suggest("Beijing imposed an extra 20% tariff on American soybeans on top of "
                       "existing duties, and added export controls on graphite.", world2023)
    t = _one(found, "tariff", "CHN", "USA")
    assert t.add and t.scenario.shocks[0].add and t.rate == pytest.approx(0.2)
    b = _one(found, "export_ban", "CHN", "USA")
    assert "mining" in b.sectors


def test_exemption_share_becomes_exempt(world2023):
    s = _one(mp.suggest("Canada faces a 35% US tariff, but three quarters of its exports "
                        "enter duty-free under the agreement.", world2023), "tariff", "USA", "CAN")
    assert s.exempt == pytest.approx(0.75) and s.scenario.shocks[0].exempt == pytest.approx(0.75)


def test_dates_are_recorded(world2023):
    s = mp.suggest("Brazil will face a 50% US tariff from 1 August.", world2023)[0]
    assert s.dates == ("from 1 August",) and s.to_dict()["dates"] == ["from 1 August"]


def test_multi_sector_world_bans_only_the_sector():
    w = mp.load(mp.data.DEFAULT_SECTOR_DATASET)
    s = mp.suggest("Beijing halted shipments of gallium to Seoul.", w)[0]
    assert s.scenario.shocks[0].sectors == ["metals"]
    assert not any("one sector" in a for a in s.assumptions)
    s.scenario.check(w)


def _stated(rate: float, text: str) -> bool:
    pct = f"{rate * 100:g}"
    return bool(re.search(rf"(?<![\d.]){re.escape(pct)}\s*(?:%|per ?cent|percent)", text))


@pytest.mark.parametrize("story", STORIES, ids=[s["id"] for s in STORIES])
def test_no_rate_the_text_does_not_give_without_an_assumed_flag(story, world2023):
    found = mp.suggest(story["text"], world2023)
    for s in found:
        if s.rate is None:
            continue
        if s.rate_assumed:
            assert any("assumed" in a for a in s.assumptions), s.title
        else:
            assert _stated(s.rate, story["text"]), (s.title, story["text"])
    stated = [s.confidence for s in found if s.rate is not None and not s.rate_assumed]
    for s in found:
        if s.rate_assumed and stated:
            assert s.confidence < min(stated), s.title


def test_corpus_follows_its_schema_and_size():
    schema = json.loads((bench.CORPUS / "schema.json").read_text())
    parts = {p: bench.load(p) for p in bench.PARTS}
    for stories in parts.values():
        jsonschema.validate(stories, schema)
    assert len(STORIES) >= 40 and len({s["id"] for s in STORIES}) == len(STORIES)
    assert 3 * len(parts["untouched"]) >= len(STORIES)   # at least a third kept aside


def test_scores_on_the_untouched_third(world2023, capsys):
    """Measured once the rules were done: precision 0.73, recall 0.65 (11 of 17 measures).
    Below the issue's targets (0.90, 0.85); the bar is set at what is reached so a
    regression fails; see docs/suggest.md."""
    counts, _ = bench.score(bench.load("untouched"), world2023)
    p, r, tp, fp, fn = bench.rates(counts)
    with capsys.disabled():
        print(f"\nuntouched third: precision {p:.2f} recall {r:.2f} (tp={tp} fp={fp} fn={fn})")
    assert p >= 0.73 and r >= 0.64


def test_scores_on_the_tuning_part(world2023):
    p, r, *_ = bench.rates(bench.score(bench.load("tune"), world2023)[0])
    assert p >= 0.93 and r >= 0.86
