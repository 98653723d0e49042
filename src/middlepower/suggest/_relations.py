"""From sentences and mentions to relations: who does what to whom, and how surely.

A *relation* is one instrument found in one sentence: a tariff (``tariff``), coercion
with no instrument named (``coerce``: "threatened", "pressure", "bullying"), an embargo
or export ban (``embargo``), a deal between two parties (``deal``) or the end of a named
agreement (``end``). Each carries the cue it rests on and the cue's mood.

Who acts on whom is read from the words around the cue, in this order:

* actor: "by X" after the cue (passive); the economy right before the cue ("US
  tariffs", "Canada imposed tariffs"); the first economy of the clause that is not
  the target; else left empty (the document's main coercer is filled in later);
* target: the first economy after the cue ("tariffs on Canadian steel"), with those
  joined to it by "and" / "or" / commas; else an economy before the cue followed by a
  verb of receiving ("Canada faces tariffs"); else the object of a verb of coercion
  before the cue ("threatened Europe with tariffs"); else, in a retaliation sentence,
  the first other economy of the clause.

Negation and threat words change the mood, never these roles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ._entities import Mention
from ._rates import extra_words, rates_for
from ._tables import AGREEMENTS, SECTORS
from ._text import Mood, Sentence, clause_bounds, mood_of

__all__ = ["Cue", "Relation", "ResponseCues", "extract"]

RelationKind = Literal["tariff", "coerce", "embargo", "export_ban", "deal", "end"]

_TARIFF = re.compile(
    r"\b(?:counter-?tariffs?|tariffs?(?!-free)|duties|duty(?![- ]free)|levies|levy|"
    r"surcharges?|import tax(?:es)?|border tax(?:es)?|counter-?measures?)\b|(?<=%) on\b", re.I)
_COERCE = re.compile(
    r"\bthreaten(?:s|ed|ing)?\b|\bpressur(?:e|es|ed|ing)\b|\bcoerc\w*|"
    r"\bbull(?:y|ies|ied|ying)\b|\bpunish\w*|\bintimidat\w*|\bblackmail\w*|\btrade war\b|"
    r"\beconomic war\w*", re.I)
_EMBARGO = re.compile(
    r"\bembargo\w*|\b(?:export|import) bans?\b|"
    r"\bban(?:s|ned|ning)?\s+(?:\w+\s+){0,3}?(?:exports?|imports?|trade|shipments?|sales?|"
    r"purchases?)\b|"
    r"\b(?:halt|stop|cut(?:s|ting)? off|suspend|block)\w*\s+(?:\w+\s+){0,2}?(?:trade|imports|"
    r"exports)\b|\b(?:stop|halt|cease)\w*\s+(?:buying|purchasing)\b|"
    r"\bblockade\w*|\bsanctions?\b", re.I)
_DEAL = re.compile(
    r"\bfree[- ]trade (?:agreement|deal|pact|area)s?\b|\b(?:trade )?(?:deal|agreement|accord|"
    r"pact|treaty)s?\b|\bFTA\b", re.I)
_SETTLE = re.compile(
    r"\b(?:resolv|settl|end)\w*\s+(?:\w+\s+){0,3}?(?:dispute|row|spat|feud|quarrel)s?\b",
    re.I)
_TRADE_CONTEXT = re.compile(
    r"\btrade\b|\btrading\b|\btariff|\bcommerc\w*|\beconomic\b|\bfree[- ]trade\b|\bFTA\b|"
    r"\bmarkets?\b|\bexport\w*|\bimport\w*|\binvestment\b|\bgoods\b", re.I)
_NOT_TRADE = re.compile(
    r"\bdefen[cs]e\b|\bmilitary\b|\bsecurity\b|\bpeace\b|\bceasefire\b|\bclimate\b|"
    r"\bnuclear\b|\barms\b|\bmigration\b|\bextradition\b|\bfisheries\b", re.I)
_END = re.compile(
    r"\bterminat\w*|\bwithdraw\w*|\bpull(?:s|ed|ing)? (?:\w+ ){0,2}out\b|\bscrap\w*|"
    r"\btear(?:s|ing)? up\b|\btorn up\b|\babandon\w*|\bexit\w*|\bquit\w*|\bcollaps\w*|"
    r"\bexpir\w*|\blaps\w*|\bkill\w*|\bend(?:s|ed|ing)?\b|\bdemise\b|\bdissolv\w*", re.I)
_RISK = re.compile(
    r"\brenegotiat\w*|\breview\w*|\bfuture\b|\buncertain\w*|\bundermin\w*|\bjeopard\w*|"
    r"\bresolution\b|\bsunset\b|\bin doubt\b|\bat risk\b", re.I)
_RESPONSES: dict[str, re.Pattern[str]] = {
    "retaliate": re.compile(
        r"\bretaliat\w*|\bcounter-?tariffs?\b|\bcounter-?measures?\b|\bhit(?:s|ting)? back\b|"
        r"\bstrik(?:e|es|ing) back\b|\bstruck back\b|\bin kind\b|\bpush-?back\b|"
        r"\bpushed back\b|\banti-coercion\b|\breciprocal tariffs?\b", re.I),
    "diversify": re.compile(
        r"\bdiversif\w*|\bnew markets\b|\b(?:reduc|lower|cut)\w* (?:\w+ ){0,2}dependen\w*|"
        r"\bless dependent\b|\balternative (?:markets|partners|buyers|suppliers)\b|"
        r"\bpivot\w*", re.I),
    "coalition": re.compile(
        r"\bcoalitions?\b|\bmiddle powers?\b|\bsmall(?:er)? (?:powers|nations|countries|"
        r"economies)\b|\bband(?:s|ed|ing)? together\b|\bjoin(?:s|ed|ing)? forces\b|\bunite\b|"
        r"\bunited front\b|\bcommon front\b|\bcollective(?:ly)?\b|"
        r"\bcoordinated (?:response|retaliation)\b|\balliance\b", re.I),
}
_RETALIATION_HERE = re.compile(
    r"\bretaliat\w*|\bcounter-?tariffs?\b|\bcounter-?measures?\b|\bhit(?:s|ting)? back\b|"
    r"\bstr(?:ike|uck) back\b|\bin kind\b|\bin response\b|\bresponded\b", re.I)
_RECEIVE = re.compile(
    r"\b(?:faces?|facing|faced|hit(?! back)|struck(?! back)|targeted|subject(?:ed)? to|"
    r"exposed to|under|suffer\w*|brac\w*|spared|exempt\w*|slapped with|lashed with)\b", re.I)
_ACTOR_GAP_BAD = re.compile(
    r"\b(?:on|against|from|to|with|for|faces?|facing|faced|hit|by|over|into|at)\b|[;:,]",
    re.I)
_JOIN = re.compile(r"^\s*(?:,\s*)?(?:and|or|as well as|&)?\s*(?:the\s+)?$", re.I)
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_PRONOUN = re.compile(r"\s+(?:on|against)\s+(?:their|its)\b", re.I)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
_VERB_CUE = re.compile(
    r"(?:threaten(?:s|ed|ing)?|pressur(?:ed|es|ing)|punish(?:es|ed|ing)?|bull(?:ies|ied)|"
    r"coerc(?:ed|es|ing)|intimidat(?:ed|es|ing)|blackmail(?:ed|s|ing))$", re.I)
_SECTOR_STOP = re.compile(r"\b(?:after|before|when|since|because|while|as)\b", re.I)
_SECTOR_RX = {name: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b",
                               re.I) for name, words in SECTORS.items()}


@dataclass(frozen=True, slots=True)
class Cue:
    """The words a relation rests on, their sentence and their mood."""

    sentence: Sentence
    start: int
    end: int
    mood: Mood


@dataclass(frozen=True)
class Relation:
    """One instrument found in one sentence."""

    kind: RelationKind
    cue: Cue
    actor: str | None = None
    targets: tuple[str, ...] = ()
    rate: float | None = None
    sectors: tuple[str, ...] = ()
    agreement: str | None = None
    actor_from: Literal["text", "context", "inferred"] = "text"
    settlement: bool = False
    retaliation: bool = False
    note: str = ""
    add: bool = False
    exempt: float = 0.0
    coverage: float | None = None      # USD bn of imports the measure covers, if stated
    dates: tuple[str, ...] = ()


@dataclass
class ResponseCues:
    """Sentences that imply the target's responses, for the whole document."""

    cues: dict[str, list[Cue]] = field(default_factory=dict)
    coalition_named: list[str] = field(default_factory=list)
    coalition_rivals: list[str] = field(default_factory=list)


def extract(text: str, sents: Sequence[Sentence], found: Sequence[Mention]
            ) -> tuple[list[Relation], ResponseCues]:
    """Relations and response cues of a document (roles unfilled where the text is silent)."""
    relations: list[Relation] = []
    responses = ResponseCues({k: [] for k in _RESPONSES})
    for k, s in enumerate(sents):
        ms = [m for m in found if s.start <= m.start < s.end]
        relations += _tariffs(text, s, ms)
        relations += _embargoes(text, s, ms)
        relations += _coercion(text, s, ms, relations)
        relations += _agreements_end(text, s)
        relations += _deals(text, s, ms, sents[:k], found)
        for name, rx in _RESPONSES.items():
            for m in rx.finditer(s.text):
                a, b = s.start + m.start(), s.start + m.end()
                responses.cues[name].append(Cue(s, a, b, mood_of(text, s, a, b)))
                if name == "coalition":
                    for x in ms:  # "a coalition against the United States" names a rival
                        rival = re.search(r"\bagainst\s+(?:the\s+)?$",
                                          text[max(s.start, x.start - 20):x.start])
                        if not rival and x.code not in responses.coalition_named:
                            responses.coalition_named.append(x.code)
                        elif rival and x.code not in responses.coalition_rivals:
                            responses.coalition_rivals.append(x.code)
                break
    return relations, responses


# ----------------------------------------------------------------- instruments
def _tariffs(text: str, s: Sentence, ms: list[Mention]) -> list[Relation]:
    cues = [(s.start + m.start(), s.start + m.end()) for m in _TARIFF.finditer(s.text)]
    rates = rates_for(text, s, cues)
    out = []
    for (a, b), rate in zip(cues, rates, strict=True):
        lo, hi = clause_bounds(s, a)
        who, targets = _roles(text, ms, a, b, lo, hi)   # no target: _coref fills it in
        retaliation = bool(_RETALIATION_HERE.search(text[max(lo, a - 40):b]) or re.match(
            r"[^.;]{0,40}\bin (?:response|retaliation)\b", text[b:hi]))
        mood = mood_of(text, s, a, b, who.start if who else None)
        out.append(Relation("tariff", Cue(s, a, b, mood), who.code if who else None,
                            targets, rate, _sectors(_near(text, a, b, lo, hi)),
                            actor_from="text" if who else "inferred",
                            retaliation=retaliation, add=extra_words(text, a, b, lo, hi)))
    return out


def _embargoes(text: str, s: Sentence, ms: list[Mention]) -> list[Relation]:
    out = []
    for m in _EMBARGO.finditer(s.text):
        a, b = s.start + m.start(), s.start + m.end()
        lo, hi = clause_bounds(s, a)
        who, targets = _roles(text, ms, a, b, lo, hi)   # no target: _coref fills it in
        sanctions = m.group(0).lower().startswith("sanction")
        note = ("'sanctions' modelled as an embargo on all trade, an upper bound"
                if sanctions else "")
        mood = mood_of(text, s, a, b, who.start if who else None)
        out.append(Relation("embargo", Cue(s, a, b, mood), who.code if who else None,
                            targets, sectors=_sectors(_near(text, a, b, lo, hi)),
                            actor_from="text" if who else "inferred", note=note))
    return out


def _coercion(text: str, s: Sentence, ms: list[Mention], so_far: list[Relation]
              ) -> list[Relation]:
    taken = [(r.cue.sentence, clause_bounds(s, r.cue.start)) for r in so_far
             if r.cue.sentence == s]
    out = []
    for m in _COERCE.finditer(s.text):
        a, b = s.start + m.start(), s.start + m.end()
        lo, hi = clause_bounds(s, a)
        if any(bounds == (lo, hi) for _, bounds in taken):
            continue  # a tariff or embargo in the same clause says what the coercion is
        noun = not _VERB_CUE.search(m.group(0))
        who, targets = _roles(text, ms, a, b, lo, hi, strict_actor=noun)
        if who is None:
            continue
        if not targets:
            others = [x.code for x in ms if lo <= x.start < hi and x.code != who.code]
            targets = tuple(others[:1])
        if not targets:
            continue
        out.append(Relation("coerce", Cue(s, a, b, mood_of(text, s, a, b, who.start)),
                            who.code, targets, note="no instrument named: a tariff assumed"))
    return out


def _agreements_end(text: str, s: Sentence) -> list[Relation]:
    out = []
    for key, (forms, _members) in AGREEMENTS.items():
        rx = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
        for m in rx.finditer(s.text):
            a = s.start + m.start()
            lo, hi = clause_bounds(s, a)
            clause = text[lo:hi]
            end = _END.search(clause)
            risk = _RISK.search(clause)
            if not (end or risk):
                continue
            hit = end or risk
            assert hit is not None
            ca, cb = lo + hit.start(), lo + hit.end()
            mood = mood_of(text, s, ca, cb)
            if end is None and mood == "fact":
                mood = "hypothetical"
            note = "" if end else ("a renegotiation or review modelled by its downside: "
                                   "the agreement ends")
            out.append(Relation("end", Cue(s, ca, cb, mood), agreement=key, note=note))
            break
    return out


def _deals(text: str, s: Sentence, ms: list[Mention], before: Sequence[Sentence],
           found: Sequence[Mention]) -> list[Relation]:
    out = []
    cues = [(m, False) for m in _DEAL.finditer(s.text)]
    cues += [(m, True) for m in _SETTLE.finditer(s.text)]
    for m, settlement in cues:
        a, b = s.start + m.start(), s.start + m.end()
        lo, hi = clause_bounds(s, a)
        clause = text[lo:hi]
        if _NOT_TRADE.search(clause) or not (settlement or _TRADE_CONTEXT.search(clause)
                                             or _sectors(clause)):
            continue
        if not settlement and _END.search(clause):
            continue  # an agreement that ends is not a deal being made
        parties, source = _deal_parties(text, ms, a, b, lo, hi, before, found, s)
        if len(parties) < 2:
            continue
        out.append(Relation("deal", Cue(s, a, b, mood_of(text, s, a, b)), parties[0],
                            tuple(parties[1:2]), sectors=_sectors(clause), actor_from=source,
                            settlement=settlement))
    return out


# ----------------------------------------------------------------- roles
def _roles(text: str, ms: list[Mention], a: int, b: int, lo: int, hi: int, *,  # noqa: C901 (to split)
           strict_actor: bool = False) -> tuple[Mention | None, tuple[str, ...]]:
    """(actor, targets) of a cue at [a, b) in clause [lo, hi).

    With ``strict_actor`` (a noun such as "coercion"), the actor must be named right
    before the cue ("American bullying") or after it with "by" / "from".
    """
    inside = [m for m in ms if lo <= m.start < hi]
    after = [m for m in inside if m.start >= b]
    before = [m for m in inside if m.end <= a]
    by: Mention | None = None
    for m in after:
        gap = text[b:m.start]
        if len(gap) < 80 and (_BY.search(gap) or (strict_actor and _FROM.search(gap))):
            by = m
            break
    actor = by.code if by else None
    # "Canada faces a 25% US tariff": a receiving verb names the target first
    receivers = [m for m in before[-1:] if len(text[m.end:a]) <= 40   # the nearest only
                 and _RECEIVE.search(text[m.end:a]) and not re.search(r"[,;]", text[m.end:a])]
    targets: list[str] = [receivers[0].code] if receivers else []
    last: Mention | None = None
    for m in after if not targets else []:
        if m.code == actor:
            continue
        if last is None:
            gap = text[b:m.start]
            if len(gap) < 90 and not re.search(r"[,;:()]", gap):
                targets.append(m.code)
                last = m
            continue
        if _JOIN.match(text[last.end:m.start]) or (
                m.start - last.end < 4 and m.code != last.code):
            targets.append(m.code)
            last = m
        else:
            break
    if not targets and _PRONOUN.match(text[b:hi]):
        # "X raised tariffs on their chips": the economies named before, less the actor X
        near = [m for m in before if len(text[m.end:a]) <= 30
                and not _ACTOR_GAP_BAD.search(text[m.end:a])]
        skip = {near[-1].code} if near else set()
        targets = [m.code for m in before if m.code not in skip]
    if not targets:
        for v in _COERCE.finditer(text[lo:a]):
            obj = [m for m in before if m.start >= lo + v.end()]
            if obj:
                targets.append(obj[0].code)
                break
    chosen = by
    if chosen is None:
        for m in reversed(before):
            gap = text[m.end:a]
            if len(gap) <= (45 if strict_actor else 30) and not _ACTOR_GAP_BAD.search(gap) \
                    and m.code not in targets:
                chosen = m
                break
    if chosen is None and not strict_actor:
        for m in before:
            if m.code not in targets and m not in receivers:
                chosen = m
                break
    actor = chosen.code if chosen else None
    if not targets and _RETALIATION_HERE.search(text[lo:hi]):
        targets = [m.code for m in before if m.code != actor][:1]
    targets = [t for t in dict.fromkeys(targets) if t != actor]
    return chosen, tuple(targets)


def _deal_parties(text: str, ms: list[Mention], a: int, b: int, lo: int, hi: int,
                  before_sents: Sequence[Sentence], found: Sequence[Mention], s: Sentence
                  ) -> tuple[list[str], Literal["text", "context"]]:
    inside = [m for m in ms if lo <= m.start < hi]
    partners: list[str] = []
    for k, m in enumerate(inside):
        gap = text[lo:m.start]
        if re.search(r"\b(?:with|between)\s+(?:the\s+)?(?:\w+\s+){0,2}$", gap) or (
                partners and k and _JOIN.match(text[inside[k - 1].end:m.start])
                and re.search(r"\bbetween\b", gap)):
            partners.append(m.code)
    before = [m.code for m in inside if m.end <= a and m.code not in partners]
    if partners:
        # the party is the one nearest before the cue: "X threatened Y if Y signs a deal
        # with Z" is a deal of Y and Z
        ordered = list(dict.fromkeys([*before[-1:], *partners]))
    else:
        ordered = list(dict.fromkeys(before))[-2:]
    if len(ordered) >= 2:
        return ordered, "text"
    # the subject named earlier: first in this sentence, then in the two before it
    earlier = [m.code for m in ms if m.start < lo]
    if earlier and earlier[0] not in ordered:
        return [earlier[0], *ordered], "context"
    for prev in reversed(before_sents[-2:]):
        if prev.paragraph != s.paragraph:
            continue
        codes = [m.code for m in found if prev.start <= m.start < prev.end]
        if codes and codes[0] not in ordered:
            return [codes[0], *ordered], "context"
    return ordered, "text"


def _near(text: str, a: int, b: int, lo: int, hi: int) -> str:
    """The words a cue's sectors are read from: 45 characters before it (back to a
    conjunction such as "after") and 60 after it, within its clause."""
    start = max(lo, a - 45)
    stops = list(_SECTOR_STOP.finditer(text, start, a))
    if stops:
        start = stops[-1].end()
    return text[start:min(hi, b + 60)]


def _sectors(clause: str) -> tuple[str, ...]:
    return tuple(name for name, rx in _SECTOR_RX.items() if rx.search(clause))
