"""Country names without country-converter: the shipped names table and fast dataset loads.

Loading a shipped dataset used to initialise country-converter (0.2-0.6 s) to name every
economy; the names now come from the dataset's JSON and ``_files/country_names.csv``.
These tests pin that the names did not change, against country-converter itself.
"""

from __future__ import annotations

import logging
import subprocess
import sys

import country_converter as coco
import numpy as np
import pytest

import middlepower as mp
from middlepower.data import _countries
from middlepower.data._countries import REGION_NAMES, country_name
from middlepower.data.world import World

SHIPPED = ("world2023", "world2023-full", "wiod2014", "cp1993")


@pytest.fixture(scope="module")
def converter() -> coco.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


def _coco_name(cc: coco.CountryConverter, code: str) -> str:
    """What ``country_name`` answered before the shipped table: country-converter's."""
    if code in REGION_NAMES:
        return REGION_NAMES[code]
    name = cc.convert(code, src="ISO3", to="name_short", not_found=None)
    return name if isinstance(name, str) and name else code


def test_shipped_table_is_country_converters(converter):
    table = _countries._shipped_names()
    assert len(table) >= 240 and table["CAN"] == "Canada"
    wrong = {c: (n, _coco_name(converter, c)) for c, n in table.items()
             if n != _coco_name(converter, c)}
    assert not wrong, f"rerun scripts/build_country_names.py: {wrong}"


@pytest.mark.parametrize("name", SHIPPED)
def test_dataset_names_unchanged(name, converter):
    world = mp.load(name)
    given = mp.data.provenance(name).get("names") or {}
    expected = tuple(given.get(c) or _coco_name(converter, c) for c in world.countries)
    assert world.names == expected
    # the JSON's names were themselves country-converter's when the build script ran
    assert world.names == tuple(_coco_name(converter, c) for c in world.countries)


def test_unknown_and_lowercase_codes_fall_back_to_country_converter(converter):
    assert country_name("XYZ") == "XYZ"
    assert "can" not in _countries._shipped_names()
    assert country_name("can") == _coco_name(converter, "can") == "Canada"


def test_world_without_names_uses_the_table():
    w = World(["CAN", "ROW", "MEX"], np.eye(3) + 1.0)
    assert w.names == ("Canada", "Rest of the world", "Mexico")


@pytest.mark.parametrize("name", ["world2023", "world2023-full"])
def test_direct_load_equals_the_long_table_route(name):
    """The loader scatters the Parquet table straight into the JSON's order; the old route
    (``World.from_frame``, then reorder) must give the same World."""
    from middlepower.data.datasets import _read_parquet

    meta = mp.data.provenance(name)
    fast = mp.load(name)
    slow = World.from_frame(_read_parquet(f"{name}.parquet"), tariff="tariff",
                            year=meta.get("year"), unit=meta.get("unit", ""),
                            source=meta.get("source", ""), regions=meta.get("regions", {}),
                            names=[meta["names"][c] for c in sorted(meta["countries"])])
    idx = [slow.index(c) for c in meta["countries"]]
    assert fast.countries == tuple(meta["countries"])
    np.testing.assert_array_equal(fast.flows, slow.flows[np.ix_(idx, idx)])
    np.testing.assert_array_equal(fast.tariffs, slow.tariffs[np.ix_(idx, idx)])
    assert fast.names == tuple(slow.names[k] for k in idx)
    assert fast.regions == slow.regions
    assert fast.meta() == slow.meta()
    # the former route left flows column-major; the solver's sums round by the layout
    old_layout = World(meta["countries"], slow.flows[idx][:, idx], slow.tariffs[idx][:, idx])
    assert fast.flows.flags.f_contiguous == old_layout.flows.flags.f_contiguous
    assert fast.tariffs.flags.c_contiguous == old_layout.tariffs.flags.c_contiguous


def test_loading_a_dataset_does_not_start_country_converter():
    code = ("import sys, middlepower as mp\n"
            "for n in ('world2023', 'wiod2014'):\n"
            "    mp.load(n).names\n"
            "print('country_converter' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "False"
