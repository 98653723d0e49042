"""The world map's shapes: each country given to its economy, the rest of the world flagged."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import middlepower as mp
from middlepower.report.worldmap import ANTARCTICA, REST, map_ids, topology, world_map


def _shapes() -> int:
    return sum(1 for g in topology()["objects"]["countries"]["geometries"]
               if g.get("id") != ANTARCTICA)


@pytest.mark.parametrize("name", ["world2023", "wiod2014", "cp1993"])
def test_every_shape_is_drawn_once(name: str) -> None:
    world = mp.load(name)
    ids = map_ids(world)
    keys = [m["id"] for m in ids]
    assert len(keys) == len(set(keys)) == _shapes()
    assert ANTARCTICA not in keys
    for m in ids:
        # a country of its own, or the rest of the world drawn as the ROW economy
        assert (m["economy"] == "ROW") if m["rest"] else (m["economy"] in world.countries)
    assert sum(m["rest"] for m in ids) > 50   # Africa, most of Asia and Latin America


def test_countries_land_on_their_economy() -> None:
    world = {m["id"]: m for m in map_ids(mp.load("world2023"))}
    assert world["124"]["economy"] == "CAN" and not world["124"]["rest"]
    assert world["276"]["economy"] == "EU27"            # Germany is drawn as the EU
    assert world["N. Cyprus"]["economy"] == "EU27"      # a shape without an id
    assert world["Kosovo"]["rest"]
    wiod = {m["id"]: m for m in map_ids(mp.load("wiod2014"))}
    assert wiod["276"]["economy"] == "DEU"
    assert wiod["566"]["rest"] and wiod["566"]["economy"] == "ROW"   # Nigeria: in ROW


def test_the_map_labels_the_rest_of_the_world() -> None:
    world = mp.load("wiod2014")
    values = pd.DataFrame({"give in": pd.Series(0.0, index=list(world.countries))})
    values.loc["CAN", "give in"] = -1.0
    values.loc["ROW", "give in"] = 0.25
    spec = world_map(world, values, "t").to_dict()
    text = json.dumps(spec)
    assert len(spec["layer"]) == 2 and REST in text
    # the lookup table: the rows with a "rest" flag, inline or among the named datasets
    tables = [v for v in spec.get("datasets", {}).values()
              if isinstance(v, list) and v and "rest" in v[0]]
    rows = tables[0]
    nigeria = next(r for r in rows if r["id"] == "566")
    assert nigeria["rest"] and nigeria["option_0"] == 0.25     # ROW's change, in the tooltip
    assert nigeria["name"].startswith(REST)
