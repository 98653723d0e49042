"""mp.suggest on short stories with known answers: per-story checks and precision/recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import middlepower as mp

HERE = Path(__file__).resolve().parent
FIXTURES = yaml.safe_load((HERE / "fixtures.yaml").read_text(encoding="utf-8"))
HELDOUT = yaml.safe_load((HERE / "fixtures_heldout.yaml").read_text(encoding="utf-8"))


def _key(kind: str, actor: str, targets: list[str] | tuple[str, ...]) -> tuple:
    who = "" if kind in ("agreement_end", "coalition") else actor
    return kind, who, tuple(sorted(targets))


def _score(fixtures: list[dict], world: mp.World) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for f in fixtures:
        got = {_key(s.kind, s.actor, s.targets) for s in mp.suggest(f["text"], world)}
        want = {_key(e["kind"], e.get("actor", ""), e["targets"]) for e in f["expect"]}
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return tp, fp, fn


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f["id"] for f in FIXTURES])
def test_fixture(fixture, world2023):
    found = mp.suggest(fixture["text"], world2023)
    by_key = {_key(s.kind, s.actor, s.targets): s for s in found}
    want = {_key(e["kind"], e.get("actor", ""), e["targets"]): e for e in fixture["expect"]}
    assert set(by_key) == set(want), [s.title for s in found]
    for key, e in want.items():
        s = by_key[key]
        if "rate" in e:
            assert s.rate == pytest.approx(e["rate"])
        if "sectors" in e:
            assert list(s.sectors) == e["sectors"]
        if "mood" in e:
            assert s.mood == e["mood"]
        if "variants" in e:
            assert s.variants == e["variants"]
        if "max_confidence" in e:
            assert s.confidence <= e["max_confidence"]


def test_precision_recall(world2023, capsys):
    tp, fp, fn = _score(FIXTURES, world2023)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    htp, hfp, hfn = _score(HELDOUT, world2023)
    with capsys.disabled():
        print(f"\nsuggest fixtures: precision {precision:.2f} recall {recall:.2f} "
              f"(tp={tp} fp={fp} fn={fn}); held-out: precision {htp / (htp + hfp):.2f} "
              f"recall {htp / (htp + hfn):.2f} (tp={htp} fp={hfp} fn={hfn})")
    assert precision >= 0.95 and recall >= 0.95
    assert htp / (htp + hfp) >= 0.8 and htp / (htp + hfn) >= 0.8


def test_every_fixture_scenario_solves(world2023):
    scenarios = [v for f in [*FIXTURES, *HELDOUT] for s in mp.suggest(f["text"], world2023)
                 for v in s.scenario.expand()]
    assert len(scenarios) > 20
    results = mp.solve_many(world2023, scenarios)
    for r in results:
        assert np.isfinite(r.countries["welfare_pct"]).all(), r.name
