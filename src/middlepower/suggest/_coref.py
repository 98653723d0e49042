"""What a tariff sentence leaves to the rest of the story: its target, exemption, size, date.

* **Target** of a tariff whose sentence names none after the cue: "all partners" (``ALL``)
  when it is on foreign or imported goods ("tariffs on foreign copper", "on imports of
  copper", "on imported steel"); else another economy of the same sentence ("Mexico
  unveiled counter-tariffs after the US 30% tariffs": the US tariffs are on Mexico); else
  one of the sentence before, in the same paragraph ("Ottawa promised a response. The
  White House's 35% duty on lumber ..."); else, when goods are named, all partners.
* **Exemption**: "three quarters of its exports enter duty-free", "half of its exports
  qualify under USMCA": ``exempt=`` for the tariffs of that sentence.
* **Size**: "$9 billion in counter-tariffs", "on 21 billion euros of US goods": the value
  of imports the measure covers (USD bn; euros at 1.1 dollars), near the cue.
* **Dates**: "from 1 August", "on 4 June 2018", "effective 20 March", "in May 2020".
* An embargo with no target after its cue ("blocking all imports from the Baltic state")
  takes one from before the cue or the sentence before, as a tariff does (never "all").
* An embargo or coercion cue of a sentence that also holds an export ban on named goods
  is the ban ("restricted sales ... to China under pressure from Washington").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ._entities import Mention
from ._relations import Relation, _near
from ._text import Sentence, clause_bounds

__all__ = ["ALL", "EUR_USD", "complete"]

#: The target of a tariff on every partner ("tariffs on foreign copper").
ALL = "ALL"
#: Dollars per euro used to read a size in euros (2025 average, about 1.1).
EUR_USD = 1.1

_FOREIGN = re.compile(r"\b(?:foreign|imported|imports of|import of|global|all countries|"
                      r"every country|worldwide|all trading partners)\b", re.I)
_SHARES = {"half": 0.5, "a half": 0.5, "one half": 0.5, "three quarters": 0.75,
           "three-quarters": 0.75, "a quarter": 0.25, "one quarter": 0.25, "a third": 1 / 3,
           "one third": 1 / 3, "two thirds": 2 / 3, "two-thirds": 2 / 3, "most": None}
_EXEMPT = re.compile(
    r"\b(?P<share>(?:about |some |roughly |nearly |almost )?(?:three[- ]quarters|a quarter|"
    r"one quarter|(?:a|one) half|half|a third|one third|two[- ]thirds|\d{1,2}(?:\.\d+)?\s*"
    r"(?:%|per ?cent|percent)))\s+of\s+(?:its|their|the|[A-Z]\w+(?:'s)?)\s+"
    r"(?:\w+\s+){0,2}?(?:exports|goods|imports|shipments|trade)\b"
    r"(?P<rest>[^.;]{0,80})", re.I)
_FREE = re.compile(r"duty[- ]free|exempt|qualif\w*|spared|tariff[- ]free", re.I)
_MONEY = re.compile(
    r"(?:(?:US|C|CA)?\$|USD\s?|€|EUR\s?)\s?(\d+(?:\.\d+)?)\s*(billion|bn|million|m)\b|"
    r"\b(\d+(?:\.\d+)?)\s*(billion|bn)\s+(euros?|dollars?)", re.I)
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December)")
_DATE = re.compile(
    rf"\b(?:from|on|effective|starting|as of|in|by|until)\s+(?:\d{{1,2}}\s+{_MONTH}"
    rf"(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})")


def complete(text: str, sents: Sequence[Sentence], found: Sequence[Mention],
             relations: list[Relation]) -> list[Relation]:
    """``relations`` with the tariffs' missing targets, exemptions, sizes and dates filled
    in from the story, and embargo cues that are export bans dropped."""
    bans = {r.cue.sentence.start for r in relations if r.kind == "export_ban"}
    cues: dict[int, list[int]] = {}
    for r in relations:
        if r.kind == "tariff":
            cues.setdefault(r.cue.sentence.start, []).append(r.cue.start)
    out = []
    for r in relations:
        if r.kind in ("embargo", "coerce") and r.cue.sentence.start in bans:
            continue   # the ban says what the stop or the pressure is
        if r.kind == "embargo" and not r.targets:
            lo, hi = clause_bounds(r.cue.sentence, r.cue.start)
            r = replace(r, targets=_target(text, sents, found, r, lo, hi, everyone=False))
            if not r.targets:
                continue
        if r.kind == "tariff":
            r = _fill(text, sents, found, r, cues[r.cue.sentence.start])
            if not r.targets:
                continue
        out.append(r)
    return out


def _fill(text: str, sents: Sequence[Sentence], found: Sequence[Mention], r: Relation,
          cues: list[int]) -> Relation:
    s = r.cue.sentence
    lo, hi = clause_bounds(s, r.cue.start)
    targets = r.targets or _target(text, sents, found, r, lo, hi)
    exempt = next((v for v in (_exempt(m) for m in _EXEMPT.finditer(s.text)) if v), 0.0)
    return replace(r, targets=targets, exempt=exempt, coverage=_size(text, r, lo, hi, cues),
                   dates=tuple(m.group(0) for m in _DATE.finditer(s.text)))


def _target(text: str, sents: Sequence[Sentence], found: Sequence[Mention], r: Relation,
            lo: int, hi: int, everyone: bool = True) -> tuple[str, ...]:
    s = r.cue.sentence
    if everyone and _FOREIGN.search(_near(text, r.cue.start, r.cue.end, lo, hi)):
        return (ALL,)
    here = [m.code for m in found if s.start <= m.start < r.cue.start and m.code != r.actor]
    if here:
        return (here[0],)
    k = next(i for i, x in enumerate(sents) if x.start == s.start)
    if k and sents[k - 1].paragraph == s.paragraph:
        prev = sents[k - 1]
        before = [m.code for m in found if prev.start <= m.start < prev.end
                  and m.code != r.actor]
        if before:
            return (before[0],)
    return (ALL,) if everyone and r.sectors and r.actor else ()


def _exempt(m: re.Match[str]) -> float:
    if not _FREE.search(m.group("rest")):
        return 0.0
    word = re.sub(r"^(?:about|some|roughly|nearly|almost)\s+", "", m.group("share").lower())
    num = re.match(r"(\d+(?:\.\d+)?)", word)
    value = float(num.group(1)) / 100 if num else _SHARES.get(word.replace("-", " ")) \
        or _SHARES.get(word)
    return value if value and 0 < value < 1 else 0.0


def _size(text: str, r: Relation, lo: int, hi: int, cues: list[int]) -> float | None:
    """USD bn of imports named within 60 characters of the cue, in its clause, when this
    cue is the tariff cue of the sentence nearest to it."""
    start = max(lo, r.cue.start - 60)
    m = _MONEY.search(text[start:min(hi, r.cue.end + 60)])
    if m is None:
        return None
    at = start + m.start()
    if min(cues, key=lambda c: abs(c - at)) != r.cue.start:
        return None
    value, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    usd = float(value) * (0.001 if unit.lower() in ("million", "m") else 1.0)
    euros = "€" in m.group(0) or "EUR" in m.group(0) or "euro" in m.group(0).lower()
    return round(usd * (EUR_USD if euros else 1.0), 3)
