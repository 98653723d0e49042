"""Relations to suggestions: merge the sentences about one pair, fill the gaps, build scenarios.

Rules, in order:

1. The *main coercer* of a story is the economy that acts in most tariff, coercion and
   embargo relations (ties: the first named); a tariff whose actor the text leaves out
   ("the imposition of tariffs on Canada") is given to it, with lower confidence.
2. Relations about the same (actor, target) merge: evidence accumulates, the first stated
   rate wins (others are noted), sectors add up. A tariff of the target on the actor that
   comes later in the story is the target's *stated* retaliation, not a new suggestion.
3. A tariff suggestion has variants when the story implies the target's responses:
   ``give in`` (always, the tariff alone), ``retaliate`` (a retaliation word or a stated
   counter-tariff), ``diversify`` (a diversification word or a deal of the target; with
   its deal partners, else the other economies named), ``coalition`` (a coalition word;
   free trade among the members plus joint retaliation, as in
   :func:`middlepower.coercion.responses`).
4. Coalition members are the economies named, less the coercer and the great powers
   (:data:`._tables.GREAT_POWERS`) unless a coalition sentence names them.

Confidence of one relation: a base by kind (tariff 0.9, embargo 0.85, end of an agreement
0.85, deal 0.8, coercion with no instrument 0.6), minus 0.25 for an inferred actor and 0.1
for one taken from the previous sentence, times the mood factor (fact 1, threat 0.75,
hypothetical 0.6, negated 0.35). A suggestion takes its best relation plus 0.03 per further
sentence, times 0.85 for an assumed rate and 0.85 for sector tariffs spread over all goods,
capped at 0.95. A coalition, usually a call rather than a fact, gets 0.4 plus 0.04 per
sentence calling for it (at most five), times the mood factor of its most factual
sentence, times 0.7 when middlepower's own list of middle powers has to fill in for
partners the story does not name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import MiddlepowerError, UnknownCountryError
from ..scenario.scenario import Scenario, Variant
from ..scenario.shocks import agreement, embargo, tariff
from ._entities import Mention, mentions
from ._relations import Cue, Relation, ResponseCues, extract
from ._tables import AGREEMENTS, GREAT_POWERS
from ._text import Mood, sentences
from .core import Evidence, Suggestion

if TYPE_CHECKING:
    from ..data.world import World

__all__ = ["ASSUMED_RATE", "build"]

#: Rate used when a story names a tariff or a threat but no rate: the rate most often
#: threatened in 2025-2026 (US tariffs on Canada, Mexico and the EU).
ASSUMED_RATE = 0.25

_MOOD_FACTOR: dict[str, float] = {"fact": 1.0, "threat": 0.75, "hypothetical": 0.6,
                                  "negated": 0.35}
_MOOD_ORDER: dict[str, int] = {"fact": 0, "hypothetical": 1, "threat": 2, "negated": 3}
_BASE: dict[str, float] = {"tariff": 0.9, "coerce": 0.6, "embargo": 0.85, "deal": 0.8,
                           "end": 0.85}


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


def build(text: str, world: World, data: str | None) -> tuple[list[Suggestion], list[str]]:  # noqa: C901 (to split)
    """Suggestions for ``text`` on ``world``, best first, and the lines left out."""
    sents = sentences(text)
    found = mentions(text)
    relations, responses = extract(text, sents, found)
    notes: dict[str, str] = {}
    mapped: dict[str, str | None] = {}
    for m in found:
        if m.code not in mapped:
            mapped[m.code], note = _economy(world, m.code)
            if note:
                notes[m.code] = note
    economies = list(dict.fromkeys(e for e in mapped.values() if e))
    doc = _Doc(text, world, data, _fill_actors(relations, found), responses, found,
               economies, notes, len(getattr(world, "sectors", ("all",))) > 1)
    skipped: list[str] = []
    wmap = {code: e for code, e in mapped.items()}

    coercion, stated, embargoes, deals, ends = _group(doc, wmap, skipped)
    hegemon = _main_coercer(coercion)
    members = _coalition_members(doc, wmap, hegemon)
    out: list[Suggestion] = []
    for (actor, target), rels in coercion.items():
        out.append(_tariff_suggestion(doc, actor, target, rels, stated.get((target, actor), []),
                                      deals, members))
    for (a, b), rels in embargoes.items():
        out.append(_embargo_suggestion(doc, a, b, rels))
    for (a, b), rels in deals.items():
        out.append(_deal_suggestion(doc, a, b, rels, coercion))
    for key, rels in ends.items():
        s = _end_suggestion(doc, key, rels, coercion, wmap, skipped)
        if s is not None:
            out.append(s)
    if responses.cues["coalition"]:
        s = _coalition_suggestion(doc, hegemon, members, coercion)
        if s is not None:
            out.append(s)
    kept = []
    for s in out:
        try:
            s.scenario.check(world)
        except MiddlepowerError as exc:
            skipped.append(f"{s.title}: {exc}")
            continue
        kept.append(s)
    kept.sort(key=lambda s: (-s.confidence, s.evidence[0].start if s.evidence else 0))
    return kept, skipped


# ----------------------------------------------------------------- mapping and grouping
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


def _fill_actors(relations: list[Relation], found: list[Mention]) -> list[Relation]:
    counts = Counter(r.actor for r in relations
                     if r.kind in ("tariff", "coerce", "embargo") and r.actor)
    first = {m.code: m.start for m in reversed(found)}
    ranked = sorted(counts, key=lambda c: (-counts[c], first.get(c, 0)))
    named = Counter(m.code for m in found)
    by_mentions = sorted(named, key=lambda c: (-named[c], first.get(c, 0)))
    out = []
    for r in relations:
        if r.actor is None and r.kind in ("tariff", "embargo"):
            pool = [c for c in [*ranked, *by_mentions] if c not in r.targets]
            if not pool:
                continue
            r = replace(r, actor=pool[0], actor_from="inferred")
        out.append(r)
    return out


def _group(doc: _Doc, wmap: dict[str, str | None], skipped: list[str]):
    coercion: dict[tuple[str, str], list[Relation]] = {}
    stated: dict[tuple[str, str], list[Relation]] = {}
    embargoes: dict[tuple[str, str], list[Relation]] = {}
    deals: dict[tuple[str, str], list[Relation]] = {}
    ends: dict[str, list[Relation]] = {}
    # a counter-tariff is the answer to a first move: group first moves first
    for r in sorted(doc.relations, key=lambda r: r.retaliation):
        if r.kind == "end":
            assert r.agreement is not None
            ends.setdefault(r.agreement, []).append(r)
            continue
        for t in r.targets:
            a, b = wmap.get(r.actor or ""), wmap.get(t)
            if a is None or b is None:
                missing = r.actor if a is None else t
                skipped.append(f"{r.kind} {r.actor} -> {t}: "
                               f"{doc.notes.get(missing or '', f'{missing} unknown')}")
                continue
            if a == b:
                continue
            if r.kind in ("tariff", "coerce"):
                if (b, a) in coercion and r.kind == "tariff":
                    stated.setdefault((a, b), []).append(r)
                else:
                    coercion.setdefault((a, b), []).append(r)
            elif r.kind == "embargo":
                key = (b, a) if (b, a) in embargoes else (a, b)
                embargoes.setdefault(key, []).append(r)
            else:
                key = (b, a) if (b, a) in deals else (a, b)
                deals.setdefault(key, []).append(r)
    return coercion, stated, embargoes, deals, ends


def _main_coercer(coercion: dict[tuple[str, str], list[Relation]]) -> str | None:
    if not coercion:
        return None
    counts = Counter(a for (a, _), rels in coercion.items() for _ in rels)
    order = list(dict.fromkeys(a for a, _ in coercion))
    return max(order, key=lambda a: (counts[a], -order.index(a)))


def _coalition_members(doc: _Doc, wmap: dict[str, str | None], hegemon: str | None
                       ) -> list[str]:
    named = {wmap.get(c) for c in doc.responses.coalition_named}
    rivals = {wmap.get(c) for c in doc.responses.coalition_rivals} - named
    return [e for e in doc.economies if e != hegemon and e not in rivals
            and (e not in GREAT_POWERS or e in named)]


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


# ----------------------------------------------------------------- tariffs
def _rate(rels: Sequence[Relation], assumptions: list[str]) -> tuple[float, bool]:
    rates = [r.rate for r in rels if r.rate is not None and r.cue.mood != "negated"]
    rates = rates or [r.rate for r in rels if r.rate is not None]
    if not rates:
        assumptions.append(f"no rate given: {_pct(ASSUMED_RATE)} assumed, the rate most "
                           "often threatened")
        return ASSUMED_RATE, True
    others = sorted({x for x in rates if x != rates[0]})
    if others:
        assumptions.append(f"first rate stated used ({_pct(rates[0])}); the story also gives "
                           f"{', '.join(_pct(x) for x in others)}")
    return rates[0], False


def _sectoral(doc: _Doc, make: Callable[[list[str] | None], Scenario],
              sectors: tuple[str, ...], what: str, assumptions: list[str]
              ) -> tuple[Scenario, float]:
    """Build with ``sectors=`` on a multi-sector world, else (or if refused) on all goods."""
    if sectors and doc.multi_sector:
        known = [x for x in sectors if _has_sector(doc.world, x)]
        unknown = [x for x in sectors if x not in known]
        if unknown:
            assumptions.append(f"this world has no sector {', '.join(unknown)}: "
                               + ("left out" if known else "all goods taxed instead"))
        if known:
            try:
                scenario = make(known)
                scenario.check(doc.world)
                return scenario, 1.0 if not unknown else 0.85
            except MiddlepowerError as exc:
                assumptions.append(f"this world refused sectors {known} ({exc}); all goods "
                                   "taxed instead")
        return make(None), 0.85
    if sectors:
        assumptions.append(
            f"this world has one sector: the {', '.join(sectors)} tariff is applied to all "
            f"{what} (overstates the shock); load a multi-sector world such as "
            "mp.load('icio2022') to tax only those sectors")
        return make(None), 0.85
    return make(None), 1.0


def _has_sector(world: World, name: str) -> bool:
    try:
        world.resolve_sectors([name])
    except MiddlepowerError:
        return False
    return True


def _tariff_suggestion(doc: _Doc, actor: str, target: str, rels: list[Relation],
                       stated: list[Relation], deals: dict[tuple[str, str], list[Relation]],
                       members: list[str]) -> Suggestion:
    assumptions: list[str] = []
    rate, assumed = _rate(rels, assumptions)
    sectors = tuple(dict.fromkeys(s for r in rels for s in r.sectors))
    if all(r.kind == "coerce" for r in rels):
        assumptions.append("no instrument named (threat, pressure or coercion): a tariff "
                           "on all goods assumed")
    if any(r.actor_from == "inferred" for r in rels) and not any(
            r.actor_from == "text" for r in rels):
        assumptions.append(f"the text does not say who imposes it: {actor}, the story's main "
                           "coercer, assumed")
    if any(r.cue.mood == "negated" for r in rels):
        assumptions.append("the story denies, lifts or rules out part of it; kept as a "
                           "scenario with low confidence")
    assumptions += _map_notes(doc, rels)
    variants = _responses(doc, actor, target, rate, stated, deals, members)

    def make(sec: list[str] | None) -> Scenario:
        coerce = tariff(by=actor, on=target, rate=rate, sectors=sec) if sec else \
            tariff(by=actor, on=target, rate=rate)
        desc = f"{actor} taxes goods from {target} at {_pct(rate)}" + (
            f" ({', '.join(sec)})" if sec else "") + "; suggested from a news story."
        return Scenario(name=_title_tariff(actor, target, rate, sectors), shocks=[coerce],
                        description=desc, variants=variants, data=doc.data)

    scenario, factor = _sectoral(doc, make, sectors, f"goods from {target}", assumptions)
    conf = _confidence(rels, 0.85 if assumed else 1.0, factor)
    return Suggestion("tariff", _title_tariff(actor, target, rate, sectors), scenario,
                      _evidence(doc, [r.cue for r in [*rels, *stated]]), conf,
                      tuple(assumptions), actor, (target,), sectors, rate, _mood(rels))


def _title_tariff(actor: str, target: str, rate: float, sectors: tuple[str, ...]) -> str:
    extra = f", {', '.join(sectors)}" if sectors else ""
    return f"{actor} tariff on {target} ({_pct(rate)}{extra})"


def _responses(doc: _Doc, actor: str, target: str, rate: float, stated: list[Relation],
               deals: dict[tuple[str, str], list[Relation]], members: list[str]
               ) -> dict[str, Variant]:
    cues = doc.responses.cues
    out: dict[str, Variant] = {"give in": Variant(
        description=f"{target} does not respond; the tariff is absorbed.")}
    if stated or cues["retaliate"]:
        rates = [r.rate for r in stated if r.rate is not None]
        r_rate = rates[0] if rates else rate
        why = "stated in the story" if stated else \
            f"the story mentions {_cue_words(doc, cues['retaliate'], target)!r}"
        out["retaliate"] = Variant(
            description=f"{target} answers with {_pct(r_rate)} on {actor} ({why}).",
            shocks=[tariff(by=target, on=actor, rate=r_rate)])
    partners = [b if a == target else a for (a, b) in deals if target in (a, b)]
    partners = [p for p in dict.fromkeys(partners) if p not in (actor, target)]
    if not partners and cues["diversify"]:
        partners = [e for e in doc.economies if e not in (actor, target)]
    if partners and (cues["diversify"] or any(target in k for k in deals)):
        out["diversify"] = Variant(
            description=f"{target} signs trade agreements with {', '.join(partners)}.",
            shocks=[agreement(form=[target, p]) for p in partners])
    allies = [m for m in members if m not in (actor, target)]
    if cues["coalition"] and allies:
        out["coalition"] = Variant(
            description=f"Free trade among {target}, {', '.join(allies)}, and joint "
                        f"{_pct(rate)} retaliation against {actor}.",
            shocks=[agreement(form=[target, *allies]),
                    tariff(by=[target, *allies], on=actor, rate=rate)])
    return out if len(out) > 1 else {}


def _cue_words(doc: _Doc, cues: Sequence[Cue], code: str) -> str:
    """The words of the first cue whose sentence names ``code``, else of the first cue."""
    wmap = {m.start: _economy(doc.world, m.code)[0] for m in doc.found}
    for c in cues:
        if any(e == code for start, e in wmap.items()
               if c.sentence.start <= start < c.sentence.end):
            return doc.text[c.start:c.end]
    return doc.text[cues[0].start:cues[0].end]


# ----------------------------------------------------------------- other instruments
def _embargo_suggestion(doc: _Doc, a: str, b: str, rels: list[Relation]) -> Suggestion:
    assumptions = [r.note for r in rels if r.note]
    sectors = tuple(dict.fromkeys(s for r in rels for s in r.sectors))
    if sectors:
        assumptions.append(f"the story names {', '.join(sectors)}; an embargo stops all trade "
                           "between the two, an upper bound")
    assumptions += _map_notes(doc, rels)
    title = f"embargo between {a} and {b}"
    scenario = Scenario(name=title, shocks=[embargo(a, b)], data=doc.data,
                        description=f"Trade between {a} and {b} stops in both directions; "
                                    "suggested from a news story.")
    conf = _confidence(rels, 0.85 if sectors else 1.0)
    return Suggestion("embargo", title, scenario, _evidence(doc, [r.cue for r in rels]), conf,
                      tuple(dict.fromkeys(assumptions)), a, (b,), sectors, None, _mood(rels))


def _deal_suggestion(doc: _Doc, a: str, b: str, rels: list[Relation],
                     coercion: dict[tuple[str, str], list[Relation]]) -> Suggestion:
    from ..data.estimates import RTA_EFFECT

    assumptions: list[str] = []
    variants: dict[str, Variant] = {"full agreement": Variant(
        description=f"{a} and {b} form a trade agreement (the estimated average effect).",
        shocks=[agreement(form=[a, b])])}
    if all(r.settlement for r in rels):
        narrow = round(RTA_EFFECT.beta / 4, 3)
        assumptions.append(f"a settled dispute covers a few product lines: a quarter of the "
                           f"average agreement effect (beta = {narrow}) as 'narrow settlement', "
                           "the full effect as an upper bound")
        variants = {"narrow settlement": Variant(
            description=f"{a} and {b} settle their dispute (beta = {narrow} each way).",
            shocks=[agreement(form=[a, b], effect=narrow)]), **variants}
    if any(r.actor_from == "context" for r in rels) and not any(
            r.actor_from == "text" for r in rels):
        assumptions.append(f"{a} is taken from the sentence before")
    for (h, t), crels in coercion.items():
        if t in (a, b) and h not in (a, b):
            rate = next((r.rate for r in crels if r.rate is not None), ASSUMED_RATE)
            variants[f"full agreement and the {h} tariff on {t}"] = Variant(
                description=f"The agreement, while {h} taxes {t} at {_pct(rate)}.",
                shocks=[agreement(form=[a, b]), tariff(by=h, on=t, rate=rate)])
            break
    assumptions += _map_notes(doc, rels)
    title = f"{a}-{b} trade agreement"
    if len(variants) == 1:
        only = next(iter(variants.values()))
        scenario = Scenario(name=title, shocks=list(only.shocks), data=doc.data,
                            description=only.description)
    else:
        scenario = Scenario(name=title, shocks=[], variants=variants, data=doc.data,
                            description=f"{a} and {b} deepen trade; suggested from a news "
                                        "story.")
    return Suggestion("deal", title, scenario, _evidence(doc, [r.cue for r in rels]),
                      _confidence(rels), tuple(assumptions), a, (b,),
                      tuple(dict.fromkeys(s for r in rels for s in r.sectors)), None,
                      _mood(rels))


def _end_suggestion(doc: _Doc, key: str, rels: list[Relation],
                    coercion: dict[tuple[str, str], list[Relation]],
                    wmap: dict[str, str | None], skipped: list[str]) -> Suggestion | None:
    members_spec = AGREEMENTS[key][1]
    if isinstance(members_spec, str):
        members: Any = members_spec
        codes = list(_group_members(members_spec))
    else:
        mapped = [_economy(doc.world, c)[0] for c in members_spec]
        if any(m is None for m in mapped) or len(set(mapped)) < 2:
            skipped.append(f"{key} ends: its members are not separate in this world")
            return None
        members = [m for m in mapped if m]
        codes = list(members)
    assumptions = [r.note for r in rels if r.note]
    variants: dict[str, Variant] = {}
    for (h, t), crels in coercion.items():
        if h in codes and t in codes:
            rate = next((r.rate for r in crels if r.rate is not None), ASSUMED_RATE)
            variants = {
                "agreement ends": Variant(description=f"{key} ends; no new tariffs."),
                f"ends, with the {h} tariff on {t}": Variant(
                    description=f"{key} ends and {h} taxes {t} at {_pct(rate)}.",
                    shocks=[tariff(by=h, on=t, rate=rate)]),
            }
            break
    title = f"{key} ends"
    scenario = Scenario(name=title, shocks=[agreement(end=members)], variants=variants,
                        data=doc.data,
                        description=f"The {key} agreement ends: trade among its members "
                                    "loses the estimated agreement effect.")
    return Suggestion("agreement_end", title, scenario, _evidence(doc, [r.cue for r in rels]),
                      _confidence(rels), tuple(dict.fromkeys(assumptions)), "",
                      tuple(codes), (), None, _mood(rels))


def _group_members(name: str) -> tuple[str, ...]:
    from ..data.groups import groups

    return groups[name].members


def _coalition_suggestion(doc: _Doc, hegemon: str | None, members: list[str],
                          coercion: dict[tuple[str, str], list[Relation]]
                          ) -> Suggestion | None:
    cues = doc.responses.cues["coalition"]
    trade_talk = any(_trade_words(c.sentence.text) for c in cues)
    if hegemon is None and not trade_talk:
        return None
    assumptions: list[str] = []
    factor = 1.0
    group = list(members)
    if len(group) < 2:
        group = [*group, "MIDDLE-POWERS"]
        factor = 0.7
        assumptions.append("fewer than two partners named: middlepower's MIDDLE-POWERS list "
                           "added (see mp.groups['MIDDLE-POWERS'])")
    if hegemon is None:
        title = f"coalition of {', '.join(group)}"
        scenario = Scenario(name=title, shocks=[agreement(form=group)], data=doc.data,
                            description="Free trade among the coalition; suggested from a "
                                        "news story.")
    else:
        pressure = [(t, next((r.rate for r in rels if r.rate is not None), ASSUMED_RATE))
                    for (h, t), rels in coercion.items() if h == hegemon and t in group]
        rate = pressure[0][1] if pressure else ASSUMED_RATE
        title = f"coalition of {', '.join(group)} against {hegemon}"
        shocks = [tariff(by=hegemon, on=t, rate=r) for t, r in pressure]
        scenario = Scenario(name=title, shocks=shocks, data=doc.data, variants={
            "no coalition": Variant(description=f"{hegemon}'s tariffs, each member alone."),
            "free trade among members": Variant(
                description=f"{', '.join(group)} deepen trade among themselves.",
                shocks=[agreement(form=group)]),
            "free trade and joint retaliation": Variant(
                description=f"and they tax {hegemon} at {_pct(rate)} together.",
                shocks=[agreement(form=group), tariff(by=group, on=hegemon, rate=rate)]),
        }, description=f"Middle powers answer {hegemon} together; suggested from a news story.")
        assumptions.append(f"members: the economies the story names, less {hegemon} and the "
                           "great powers it does not put in a coalition")
    n = len({c.sentence.start for c in cues})
    mood = min((c.mood for c in cues), key=_MOOD_ORDER.__getitem__)
    conf = round(max(0.05, min(0.95, (0.4 + 0.04 * min(n, 5)) * factor
                               * _MOOD_FACTOR[mood])), 2)
    return Suggestion("coalition", title, scenario, _evidence(doc, cues), conf,
                      tuple(assumptions), hegemon or "", tuple(group), (), None, mood)


def _trade_words(s: str) -> bool:
    import re

    return bool(re.search(r"\btrade\b|\btariff|\beconomic\b|\bcoercion\b|\bmarkets?\b", s,
                          re.I))
