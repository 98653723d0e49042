"""Agreements that replaced one another among the same members, and what ``end`` says.

``end: USMCA`` on 2014 data (``wiod2014``) must act on NAFTA, the agreement USMCA replaced
on 2020-07-01 among the same three members, not silently do nothing; ``end: NAFTA`` on
2022 data acts on USMCA. Names are lower case, as :meth:`Agreement._named` compares them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..data.world import World

#: An agreement and the one it replaced or that replaced it, among the same members.
SUCCESSION: dict[str, tuple[str, ...]] = {
    "usmca": ("nafta",), "united states-mexico-canada agreement": ("nafta",),
    "nafta": ("usmca",), "north american free trade agreement": ("usmca",),
}


def with_successors(names: set[str]) -> set[str]:
    """``names`` plus the agreements each replaced or was replaced by."""
    out = set(names)
    for n in names:
        out.update(SUCCESSION.get(n, ()))
    return out


def substitution(end: str, ended: list[str], year: int | None) -> str:
    """``'; USMCA is not in force in 2014: NAFTA, which it replaced, is ended'`` when the
    pairs ended trade under another name than ``end``, else ``''``."""
    names = sorted({n for held in ended for n in held.split("; ")})
    if not names or end.lower() in {n.lower() for n in names}:
        return ""
    return (f"; {end} is not in force in {year}: {', '.join(names)}, which it replaced or "
            "which replaced it, is ended")


def nothing_to_end(end: str, world: World, held: list[str], prefix: str) -> str:
    """The error for ``end: NAME`` where no member pair trades under NAME in the year."""
    data = world.source.split(",")[0][:80] if world.source else "this world"
    return (f"{prefix}agreement.end={end!r}: no pair of members trades under {end} in "
            f"{world.year} (dataset: {data}), so there is nothing to end"
            + (f"; in force among them: {', '.join(held[:6])}; end those by name or list "
               "the members (end: [A, B])" if held else "") + ".")


def members_in(name: str, year: int | None) -> frozenset[str]:
    """ISO3 members of the agreement called ``name`` (any case) in ``year``."""
    from ..data.agreements import _rows

    out: set[str] = set()
    for agreement, start, until, members in _rows():
        if agreement.lower() != name.lower():
            continue
        if year is not None and not (start <= year and (until is None or year <= until)):
            continue
        out.update(c for c, a, b in members
                   if year is None or (a <= year and (b is None or year <= b)))
    return frozenset(out)


def keeps_another(held: str, named: set[str], year: int | None) -> bool:
    """Whether a pair under the agreements ``held`` (``"; "``-joined) keeps one after the
    named agreement ends: one that is not the named one and does not include all its
    members (CAN-MEX keep CPTPP when USMCA ends; DEU-FRA do not keep EU-Vietnam when the
    EU ends, since that agreement is the EU's own)."""
    names = [n for n in held.split("; ") if n and not n.startswith("and ")]
    mine = [n for n in names if n.lower() in named]
    if not mine:
        return True
    bloc: frozenset[str] = frozenset().union(*(members_in(n, year) for n in mine))
    return any(not bloc <= members_in(n, year) for n in names if n.lower() not in named)
