"""Trade agreements in force: which pairs of economies already trade under one.

The shipped table ``_files/agreements.csv`` lists reciprocal trade agreements (free-trade
areas and customs unions notified to the WTO under GATT Article XXIV or the Enabling
Clause, as recorded in the WTO Regional Trade Agreements database) among the economies
of the shipped datasets: one row per agreement with its entry-into-force year, the last
year it was in force (``until``, empty while in force) and its members.

Members are ISO3 codes; ``DNK:1973`` marks a member that joined later, ``GBR:1973-2020``
one that also left. A member may be the ``key`` of another row (``EU``, ``EFTA``,
``ASEAN``, ``MERCOSUR``, ``GCC``, ``SACU``, ``EAEU``, ``CARIFORUM``): it stands for that
row's members in the year asked about (an EU agreement covers Croatia from 2013).

Scope, so a reader knows what "not in force" means here: every agreement among the
economies that stand alone in ``world2023`` and ``wiod2014`` that the WTO database lists,
plus the plurilaterals and the EU, EFTA and UK agreements of smaller economies; partial-
scope agreements (APTA, GSTP, LAIA's partial deals, the US-Japan Trade Agreement of
2020) are left out, since they do not cover substantially all trade, and so is the
AfCFTA (trading under it had barely started in 2023). Bilateral agreements between two
economies that are both folded into ``ROW`` in ``world2023`` are not exhaustive.

A pair of economies is under an agreement in year ``Y`` if some row in force in ``Y``
(``entry_into_force <= Y <= until``) has both as members in ``Y``. For a region such as
``EU27`` or ``ROW``, a pair counts as covered only when every member pair is.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .world import World

__all__ = ["agreements", "agreements_table", "in_force", "pair_agreements"]

#: A member's years: (code, first year, last year or None).
_Member = tuple[str, int, int | None]


@lru_cache(maxsize=1)
def agreements_table() -> pd.DataFrame:
    """The shipped table, one row per agreement.

    Returns
    -------
    DataFrame
        key (short name other rows may use as a member, or empty), agreement, kind
        (``CU`` customs union or ``FTA``), entry_into_force (year), until (last year in
        force, NaN while in force), members (space-separated, see the module docs).
    """
    path = resources.files("middlepower").joinpath("data/_files/agreements.csv")
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype={"key": str, "members": str}, keep_default_na=False,
                         na_values={"until": [""]})
    df["entry_into_force"] = df["entry_into_force"].astype(int)
    return df


def _parse(token: str, start: int) -> _Member:
    code, _, years = token.partition(":")
    if not years:
        return code, start, None
    first, _, last = years.partition("-")
    return code, max(start, int(first)), int(last) if last else None


@lru_cache(maxsize=1)
def _rows() -> list[tuple[str, int, int | None, list[_Member]]]:
    """(agreement, start, until, members with their years), keys expanded."""
    df = agreements_table()
    by_key: dict[str, list[_Member]] = {}
    out = []
    for r in df.sort_values("entry_into_force", kind="stable").itertuples():
        until = None if pd.isna(r.until) else int(r.until)
        members: list[_Member] = []
        for tok in r.members.split():
            if tok in by_key:
                # a member that is itself a row: its members, from when they joined it
                members += [(c, max(a, r.entry_into_force), b) for c, a, b in by_key[tok]]
            else:
                members.append(_parse(tok, r.entry_into_force))
        if r.key:
            by_key[r.key] = members
        out.append((r.agreement, r.entry_into_force, until, members))
    return out


@lru_cache(maxsize=16)
def pair_agreements(year: int | None) -> dict[frozenset[str], tuple[str, int]]:
    """``{frozenset({a, b}): (agreements, since)}`` for every pair under an agreement in
    ``year`` (ISO3 codes): the most specific agreements first (fewest members: AUT-BEL
    trade under the EU, not under the EU's agreement with Cameroon), at most three names
    joined by ``"; "``, and the year the pair first traded under one. ``None``: every
    agreement ever listed."""
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
    out: dict[frozenset[str], tuple[str, int]] = {}
    for key, hits in found.items():
        hits.sort(key=lambda h: (h[0], -h[2]))
        names = [h[1] for h in hits]
        text = "; ".join(names[:3]) + (f"; and {len(names) - 3} more" if len(names) > 3 else "")
        out[key] = (text, min(h[2] for h in hits))
    return out


def _members(world: World, code: str) -> tuple[str, ...]:
    return world.regions.get(code, (code,))


def agreements(world: World) -> pd.DataFrame:
    """The pairs of ``world``'s economies that trade under an agreement in its year.

    Returns
    -------
    DataFrame
        One row per unordered pair (``a`` before ``b`` in the world's order): a, b,
        agreement (the names, newest first; for a region pair, those covering most
        member pairs), since (the year the pair first traded under one). Regions count
        only when every member pair is covered.

    Examples
    --------
    >>> import middlepower as mp
    >>> t = mp.load("world2023").agreements
    >>> t[(t.a == "CAN") & (t.b == "EU27")].agreement.item()
    'EU-Canada (CETA)'
    """
    return _table(world).copy()


def _table(world: World) -> pd.DataFrame:
    pairs = pair_agreements(world.year)
    rows = []
    codes = world.countries
    for x, y in combinations(range(len(codes)), 2):
        mx, my = _members(world, codes[x]), _members(world, codes[y])
        found = _covering(pairs, mx, my)
        if found:
            names = pd.Series([f[0] for f in found])
            rows.append((codes[x], codes[y], str(names.mode().iloc[0]),
                         max(f[1] for f in found)))
    return pd.DataFrame(rows, columns=["a", "b", "agreement", "since"])


def _covering(pairs: dict[frozenset[str], tuple[str, int]], mx: tuple[str, ...],
              my: tuple[str, ...]) -> list[tuple[str, int]]:
    """The agreements covering every member pair of two economies, or [] if one is not."""
    found = []
    for u in mx:
        for v in my:
            if u == v:
                continue
            hit = pairs.get(frozenset((u, v)))
            if hit is None:
                return []
            found.append(hit)
    return found


def in_force(world: World) -> np.ndarray:
    """(N, N) boolean: ``True`` where the pair trades under an agreement (symmetric,
    diagonal False). Cached on the world."""
    return _cached(world)[0]


def _cached(world: World) -> tuple[np.ndarray, dict[frozenset[str], str]]:
    cache = world._views  # a World is immutable: computed once per world
    if "agreements_in_force" not in cache:
        t = _table(world)
        m = np.zeros((world.n, world.n), dtype=bool)
        if len(t):
            i = np.array([world.index(c) for c in t.a], dtype=np.intp)
            j = np.array([world.index(c) for c in t.b], dtype=np.intp)
            m[i, j] = m[j, i] = True
        m.setflags(write=False)
        names = {frozenset((a, b)): n for a, b, n in zip(t.a, t.b, t.agreement, strict=True)}
        cache["agreements_in_force"] = (m, names)
    return cache["agreements_in_force"]


def pair_name(world: World, a: str, b: str) -> str | None:
    """The agreements ``a`` and ``b`` trade under in ``world`` (``"; "``-joined), or None."""
    return _cached(world)[1].get(frozenset((a, b)))
