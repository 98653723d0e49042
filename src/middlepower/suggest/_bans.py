"""Export restrictions on named goods: ``export_ban`` relations (one way, some goods).

A cue is "export controls" / "export licensing" / "export restrictions", or a verb of
stopping before exports, shipments or sales ("halted shipments of gallium to Seoul",
"banned exports of germanium to the United States", "restricted sales of lithography
machines to China", "barred the export of chips"). The exporter is the actor read as for
tariffs; the destination the economy after "to" (or the first after the cue); else
another economy of the sentence, else of the sentence before. Goods come from the
words near the cue (:data:`._tables.SECTORS`). A ban that names no goods, or is on all
trade, stays an embargo (:mod:`._relations`).
"""

from __future__ import annotations

import re

from ._entities import Mention
from ._relations import Cue, Relation, _near, _roles, _sectors
from ._text import Sentence, clause_bounds, mood_of

__all__ = ["all_export_bans", "export_bans"]

_BAN = re.compile(
    r"\bexport (?:controls?|licen[cs]\w*|restrictions?|curbs?|bans?)\b|"
    r"\b(?:halt|stop|suspend|bar|ban|restrict|curb|cut|block|tighten|limit)\w*\s+"
    r"(?:(?:controls on|the|all|its|their|\w+)\s+){0,2}?(?:exports?|shipments?|sales?)\b",
    re.I)


def export_bans(text: str, s: Sentence, ms: list[Mention], before: list[Mention]
                ) -> list[Relation]:
    """The export restrictions of sentence ``s`` (``before``: mentions of the sentence
    before it, for a destination named there)."""
    out = []
    for m in _BAN.finditer(s.text):
        a, b = s.start + m.start(), s.start + m.end()
        lo, hi = clause_bounds(s, a)
        sectors = _sectors(_near(text, a, b, lo, hi)) or _sectors(text[a:s.end])
        if not sectors:
            continue
        who, targets = _roles(text, ms, a, b, lo, hi)
        dest = next((x for x in ms if b <= x.start < hi
                     and re.search(r"\bto\s+(?:the\s+)?$", text[max(b, x.start - 8):x.start])),
                    None)
        if dest is not None:   # "chips made at Chinese plants to Europe": the "to" names it
            targets = (dest.code,)
            if who is None or who.code == dest.code:
                who = next((x for x in reversed(ms) if x.end <= a and x.code != dest.code), None)
        if not targets:
            actor = who.code if who else None
            pool = [x.code for x in ms if x.code != actor] or \
                [x.code for x in before if x.code != actor]
            targets = tuple(pool[:1])
        if not targets:
            continue
        mood = mood_of(text, s, a, b, who.start if who else None)
        out.append(Relation("export_ban", Cue(s, a, b, mood), who.code if who else None,
                            targets, sectors=sectors,
                            actor_from="text" if who else "inferred"))
    return out


def all_export_bans(text: str, sents: list[Sentence], found: list[Mention]) -> list[Relation]:
    """:func:`export_bans` of every sentence of a document."""
    out: list[Relation] = []
    for k, s in enumerate(sents):
        ms = [m for m in found if s.start <= m.start < s.end]
        prev = [m for m in found if k and sents[k - 1].start <= m.start < sents[k - 1].end]
        out += export_bans(text, s, ms, prev)
    return out
