"""The public API of DESIGN.md exists, and __all__ tells the truth."""

from __future__ import annotations

import json
from pathlib import Path

import middlepower as mp

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_all_is_honest():
    for name in mp.__all__:
        assert hasattr(mp, name), name


def test_design_contract_names():
    for name in ("load", "datasets", "World", "Scenario", "tariff", "partial_effect",
                 "embargo", "solve", "solve_many", "brief", "estimate", "uncertainty",
                 "coercion", "coalition", "errors"):
        assert hasattr(mp, name), name
    for name in ("from_frame", "from_matrix", "aggregate", "countries", "flows", "tariffs",
                 "unit"):
        assert hasattr(mp.World, name), name
    assert callable(mp.Scenario.from_yaml)
    assert callable(mp.coalition.search) and callable(mp.coercion.leverage)


def test_published_json_schema_is_current():
    published = json.loads((DOCS / "scenario.schema.json").read_text())
    assert published == json.loads(json.dumps(mp.Scenario.json_schema()))
