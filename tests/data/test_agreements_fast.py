"""The vectorised agreements build equals the plain one it replaced.

``pair_agreements`` and the world's pair table were loops over every pair of members
and every pair of economies (0.1-0.4 s on first use); they are now array operations and
dictionary look-ups. The plain loops are kept here as the reference, and both must give
the same dictionary and the same table, for every shipped dataset, for years at the
edges of membership changes, and for invented regions.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

import middlepower as mp
from middlepower.data.agreements import _covering, _members, _rows, _table, pair_agreements

YEARS = [None, 1957, 1958, 1960, 1973, 1993, 1994, 1995, 2004, 2012, 2013, 2014, 2019, 2020,
         2021, 2023, 2040]


def _plain_pairs(year):
    """Every pair of every row in force, one list of (size, name, since) per pair."""
    found: dict[frozenset[str], list[tuple[int, str, int]]] = {}
    for name, start, until, members in _rows():
        if year is not None and (start > year or (until is not None and until < year)):
            continue
        active = [(c, a) for c, a, b in members
                  if year is None or (a <= year and (b is None or b >= year))]
        size = len({c for c, _ in active})
        for (c1, a1), (c2, a2) in combinations(active, 2):
            if c1 == c2:
                continue
            hits = found.setdefault(frozenset((c1, c2)), [])
            if all(h[1] != name for h in hits):
                hits.append((size, name, max(a1, a2)))
    out = {}
    for key, hits in found.items():
        hits.sort(key=lambda h: (h[0], -h[2]))
        names = [h[1] for h in hits]
        more = f"; and {len(names) - 3} more" if len(names) > 3 else ""
        out[key] = ("; ".join(names[:3]) + more, min(h[2] for h in hits))
    return out


def _plain_table(world):
    pairs = pair_agreements(world.year)
    rows = []
    for x, y in combinations(range(world.n), 2):
        a, b = world.countries[x], world.countries[y]
        found = _covering(pairs, _members(world, a), _members(world, b))
        if found:
            name = pd.Series([f[0] for f in found]).mode().iloc[0]
            rows.append((a, b, str(name), max(f[1] for f in found)))
    return pd.DataFrame(rows, columns=["a", "b", "agreement", "since"])


@pytest.mark.parametrize("year", YEARS)
def test_pairs_equal_the_plain_loop(year):
    fast = pair_agreements(year)
    assert fast == _plain_pairs(year)
    assert all(type(since) is int for _, since in fast.values())


@pytest.mark.parametrize("name", ["world2023", "world2023-full", "wiod2014", "cp1993"])
def test_tables_equal_the_plain_loop(name):
    world = mp.load(name)
    fast = _table(world)
    pd.testing.assert_frame_equal(fast, _plain_table(world))
    assert len(fast) > 40


@pytest.mark.parametrize("codes, regions, year", [
    (["CAN", "MEX", "USA", "EUX", "DEU", "KOR", "CHL"], {"EUX": ("FRA", "DEU", "ITA")}, 2023),
    (["CAN", "MEX", "USA", "EUX", "EFT", "KOR"],
     {"EUX": ("FRA", "DEU"), "EFT": ("CHE", "NOR", "ISL")}, None),
    (["NAM", "EUX", "CHL", "PER", "COL", "GBR"],
     {"NAM": ("CAN", "MEX", "USA"), "EUX": ("FRA", "ESP", "GBR")}, 2014),
    (["AAA", "BBB", "CAN"], {}, 2023),
])
def test_invented_regions_equal_the_plain_loop(codes, regions, year):
    n = len(codes)
    flows = np.random.default_rng(n).uniform(1, 5, (n, n)) + 50 * np.eye(n)
    world = mp.World(codes, flows, regions=regions, year=year)
    pd.testing.assert_frame_equal(_table(world), _plain_table(world))


def test_in_force_matches_the_table(world2023):
    from middlepower.data.agreements import in_force

    m = in_force(world2023)
    t = _plain_table(world2023)
    expected = np.zeros_like(m)
    for a, b in zip(t.a, t.b, strict=True):
        expected[world2023.index(a), world2023.index(b)] = True
    np.testing.assert_array_equal(m, expected | expected.T)
