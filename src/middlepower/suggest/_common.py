"""What the suggestion builders share: the document, evidence, confidence, economies.

Confidence of one relation: a base by kind (tariff 0.9, embargo 0.85, export ban 0.85,
end of an agreement 0.85, deal 0.8, coercion with no instrument 0.6), minus 0.25 for an
inferred actor and 0.1 for one taken from the previous sentence, times the mood factor
(fact 1, threat 0.75, hypothetical 0.6, negated 0.35). A suggestion takes its best
relation plus 0.03 per further sentence, times its factors, capped at 0.95.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UnknownCountryError
from ._entities import Mention
from ._relations import Cue, Relation, ResponseCues
from ._text import Mood
from .core import Evidence

if TYPE_CHECKING:
    from ..data.world import World

#: Rate used when a story names a tariff or a threat but no rate: the rate most often
#: threatened in 2025-2026 (US tariffs on Canada, Mexico and the EU).
ASSUMED_RATE = 0.25

_MOOD_FACTOR: dict[str, float] = {"fact": 1.0, "threat": 0.75, "hypothetical": 0.6,
                                  "negated": 0.35}
_MOOD_ORDER: dict[str, int] = {"fact": 0, "hypothetical": 1, "threat": 2, "negated": 3}
_BASE: dict[str, float] = {"tariff": 0.9, "coerce": 0.6, "embargo": 0.85, "deal": 0.8,
                           "end": 0.85, "export_ban": 0.85}


@dataclass
class _Doc:
    text: str
    world: World
    data: str | None
    relations: list[Relation]
    responses: ResponseCues
    found: list[Mention]
    economies: list[str]          # world economies named, in order of first mention
    notes: dict[str, str]         # text code -> note on how it maps to the world
    multi_sector: bool


def _economy(world: World, code: str) -> tuple[str | None, str | None]:
    """The economy of ``world`` that stands for ``code``, and a note when it is not itself."""
    from ..data.groups import groups

    if code in list(world.countries):
        return code, None
    if code in groups:
        try:
            world.resolve(code)
        except UnknownCountryError:
            return None, f"{code}: no member separate in this world (all in ROW)"
        return code, None
    region = world.region_of(code)
    if region and region != "ROW":
        return region, (f"{code} is part of {region} in this world: the shock applies to "
                        f"all of {region}")
    return None, f"{code} is not separate in this world (it is in ROW)"


# ----------------------------------------------------------------- evidence, confidence
def _evidence(doc: _Doc, cues: Sequence[Cue]) -> tuple[Evidence, ...]:
    seen: dict[int, Evidence] = {}
    for c in sorted(cues, key=lambda c: c.start):
        if c.sentence.start not in seen:
            seen[c.sentence.start] = Evidence(c.sentence.text, c.sentence.start,
                                              c.sentence.end, doc.text[c.start:c.end],
                                              c.start, c.end, c.mood)
    return tuple(seen.values())


def _relation_confidence(r: Relation) -> float:
    base = _BASE[r.kind]
    if r.actor_from == "inferred":
        base -= 0.25
    elif r.actor_from == "context":
        base -= 0.1
    if r.settlement:
        base -= 0.05
    if r.note.startswith("'sanctions'"):
        base -= 0.2
    return base * _MOOD_FACTOR[r.cue.mood]


def _confidence(rels: Sequence[Relation], *factors: float) -> float:
    best = max(_relation_confidence(r) for r in rels)
    n = len({r.cue.sentence.start for r in rels})
    value = min(0.95, best + 0.03 * (n - 1))
    for f in factors:
        value *= f
    return round(max(0.05, min(0.95, value)), 2)


def _mood(rels: Sequence[Relation]) -> Mood:
    return min((r.cue.mood for r in rels), key=_MOOD_ORDER.__getitem__)


def _pct(rate: float) -> str:
    return f"{rate * 100:g}%"


def _map_notes(doc: _Doc, rels: Sequence[Relation]) -> list[str]:
    codes = {r.actor for r in rels if r.actor} | {t for r in rels for t in r.targets}
    return [doc.notes[c] for c in sorted(codes) if c in doc.notes]
