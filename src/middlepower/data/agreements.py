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

from collections import Counter
from functools import lru_cache
from importlib import resources
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


#: ``until`` / a member's last year when still in force.
_OPEN = 1 << 30


@lru_cache(maxsize=1)
def _flat() -> tuple[list[str], list[str], dict[str, np.ndarray]]:
    """:func:`_rows` as flat arrays, one entry per (row, member), in row then member order.

    Returns the agreement names (one per row), the member codes (sorted), and arrays
    ``start``, ``until``, ``name_id`` (the first row of that name), each of length R, and
    ``row``, ``code``, ``first``, ``last``, each of length M (members over all rows); an
    open end is :data:`_OPEN`.
    """
    rows = _rows()
    names = [r[0] for r in rows]
    codes = sorted({c for r in rows for c, _, _ in r[3]})
    pos = {c: k for k, c in enumerate(codes)}
    first_row: dict[str, int] = {}
    for k, name in enumerate(names):
        first_row.setdefault(name, k)
    members = [(k, pos[c], a, _OPEN if b is None else b)
               for k, r in enumerate(rows) for c, a, b in r[3]]
    m = np.array(members, dtype=np.int64).reshape(-1, 4)
    return names, codes, {
        "start": np.array([r[1] for r in rows], dtype=np.int64),
        "until": np.array([_OPEN if r[2] is None else r[2] for r in rows], dtype=np.int64),
        "name_id": np.array([first_row[n] for n in names], dtype=np.int64),
        "row": m[:, 0], "code": m[:, 1], "first": m[:, 2], "last": m[:, 3]}


def _hits(year: int | None) -> dict[str, np.ndarray]:
    """Every (agreement, pair of members) in force in ``year``, vectorised.

    One entry per pair of active members of an active row, in the order a loop over the
    rows and ``itertools.combinations`` of their members would meet them, without a
    code paired with itself and without a repeat of the same agreement for a pair (the
    first kept): ``lo`` < ``hi`` (code ids), ``row``, ``size`` (distinct active members of
    the row) and ``since`` (the later of the two members' first years).
    """
    _, codes, f = _flat()
    row, code, first = f["row"], f["code"], f["first"]
    if year is not None:
        keep = ((f["start"][row] <= year) & (f["until"][row] >= year)
                & (first <= year) & (f["last"] >= year))
        row, code, first = row[keep], code[keep], first[keep]
    R, M = len(f["start"]), len(codes)
    n_row = np.bincount(row, minlength=R)
    distinct = np.unique(row * M + code) // M
    size = np.bincount(distinct, minlength=R)
    # combinations within each row: member p of a row of n pairs with p+1 .. n-1
    pos = np.arange(len(row)) - (np.cumsum(n_row) - n_row)[row]
    later = n_row[row] - 1 - pos
    left = np.repeat(np.arange(len(row)), later)
    block = np.repeat(np.cumsum(later) - later, later)
    right = left + 1 + (np.arange(len(left)) - block)
    c1, c2 = code[left], code[right]
    ok = c1 != c2
    left, right, c1, c2 = left[ok], right[ok], c1[ok], c2[ok]
    lo, hi = np.minimum(c1, c2), np.maximum(c1, c2)
    r = row[left]
    # the same agreement (by name) for the same pair: only its first occurrence counts
    _, once = np.unique((lo * M + hi) * R + f["name_id"][r], return_index=True)
    once.sort()
    return {"lo": lo[once], "hi": hi[once], "row": r[once], "size": size[r[once]],
            "since": np.maximum(first[left], first[right])[once]}


@lru_cache(maxsize=16)
def pair_agreements(year: int | None) -> dict[frozenset[str], tuple[str, int]]:
    """``{frozenset({a, b}): (agreements, since)}`` for every pair under an agreement in
    ``year`` (ISO3 codes): the most specific agreements first (fewest members: AUT-BEL
    trade under the EU, not under the EU's agreement with Cameroon), at most three names
    joined by ``"; "``, and the year the pair first traded under one. ``None``: every
    agreement ever listed."""
    names, codes, _ = _flat()
    h = _hits(year)
    if not len(h["lo"]):
        return {}
    # per pair: fewest members first, then the newest, then the order met (a stable sort)
    order = np.lexsort((np.arange(len(h["lo"])), -h["since"], h["size"],
                        h["lo"] * len(codes) + h["hi"]))
    lo, hi, row, since = (h[k][order] for k in ("lo", "hi", "row", "since"))
    starts = np.flatnonzero(np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])])
    ends = np.r_[starts[1:], len(lo)]
    earliest = np.minimum.reduceat(since, starts)
    out: dict[frozenset[str], tuple[str, int]] = {}
    rows_, los, his = row.tolist(), lo.tolist(), hi.tolist()
    for s, e, year0 in zip(starts.tolist(), ends.tolist(), earliest.tolist(), strict=True):
        text = "; ".join(names[k] for k in rows_[s:min(e, s + 3)])
        if e - s > 3:
            text += f"; and {e - s - 3} more"
        out[frozenset((codes[los[s]], codes[his[s]]))] = (text, year0)
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
    codes = world.countries
    index = {c: k for k, c in enumerate(codes)}
    regions = world.regions
    found: dict[tuple[int, int], tuple[str, int]] = {}
    # two single economies: one look-up per agreement pair, not one per world pair
    for key, hit in pairs.items():
        u, v = tuple(key)
        x, y = index.get(u), index.get(v)
        if x is not None and y is not None and u not in regions and v not in regions:
            found[(x, y) if x < y else (y, x)] = hit
    # a region: every member pair must be covered
    seen = set(found)
    for r in sorted(index[c] for c in regions if c in index):
        for other in range(len(codes)):
            x, y = (r, other) if r < other else (other, r)
            if x == y or (x, y) in seen:
                continue
            seen.add((x, y))
            hits = _covering(pairs, _members(world, codes[x]), _members(world, codes[y]))
            if hits:
                found[(x, y)] = (_mode([h[0] for h in hits]), max(h[1] for h in hits))
    rows = [(codes[x], codes[y], name, since) for (x, y), (name, since) in sorted(found.items())]
    return pd.DataFrame(rows, columns=["a", "b", "agreement", "since"])


def _mode(names: list[str]) -> str:
    """The most frequent name; among ties the first in sorted order (as ``Series.mode``)."""
    counts = Counter(names)
    most = max(counts.values())
    return min(n for n, c in counts.items() if c == most)


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
