"""Relations to suggestions: merge the sentences about one pair, fill the gaps, build scenarios.

Rules, in order:

1. The *main coercer* of a story is the economy that acts in most tariff, coercion and
   embargo relations (ties: the first named); a tariff whose actor the text leaves out
   ("the imposition of tariffs on Canada") is given to it, with lower confidence.
2. Relations about the same (actor, target) merge: evidence accumulates, the first stated
   rate wins (others are noted), sectors add up. A tariff of the target on the actor that
   comes later in the story is the target's *stated* retaliation: the first move's
   ``retaliate`` variant, and a suggestion of its own (issue 23).
3. A tariff suggestion has variants when the story implies the target's responses:
   ``give in`` (always, the tariff alone), ``retaliate`` (a retaliation word or a stated
   counter-tariff), ``diversify`` (a diversification word or a deal of the target; with
   its deal partners, else the other economies named), ``coalition`` (a coalition word;
   free trade among the members plus joint retaliation, as in
   :func:`middlepower.coercion.responses`).
4. Coalition members are the economies named, less the coercer and the great powers
   (:data:`._tables.GREAT_POWERS`) unless a coalition sentence names them.

Confidence of one relation: a base by kind (tariff 0.9, embargo and export ban 0.85, end of
an agreement 0.85, deal 0.8, coercion with no instrument 0.6), minus 0.25 for an inferred
actor and 0.1 for one taken from the previous sentence, times the mood factor (fact 1,
threat 0.75, hypothetical 0.6, negated 0.35). A suggestion takes its best relation plus 0.03
per further sentence, times 0.85 for an assumed rate and 0.85 for sector tariffs spread over
all goods, capped at 0.95; an assumed rate is then capped 0.01 under the lowest confidence
of a stated rate in the story, so it ranks below every stated one. A coalition, usually a
call rather than a fact, gets 0.4 plus 0.04 per sentence calling for it (at most five),
times the mood factor of its most factual sentence, times 0.7 when middlepower's own list of
middle powers has to fill in for partners the story does not name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import MiddlepowerError
from ..scenario.scenario import Scenario, Variant
from ..scenario.shocks import agreement, tariff
from ._bans import all_export_bans
from ._common import ASSUMED_RATE, _confidence, _Doc, _economy, _evidence, _map_notes, _mood, _pct
from ._coref import ALL, complete
from ._entities import Mention, mentions
from ._others import (
    _coalition_suggestion,
    _deal_suggestion,
    _embargo_suggestion,
    _end_suggestion,
    _export_ban_suggestion,
)
from ._relations import Cue, Relation, extract
from ._tables import GREAT_POWERS
from ._text import sentences
from .core import Suggestion

if TYPE_CHECKING:
    from ..data.world import World

__all__ = ["ASSUMED_RATE", "build"]


def build(text: str, world: World, data: str | None) -> tuple[list[Suggestion], list[str]]:  # noqa: C901 (to split)
    """Suggestions for ``text`` on ``world``, best first, and the lines left out."""
    sents = sentences(text)
    found = mentions(text)
    relations, responses = extract(text, sents, found)
    relations = complete(text, sents, found, relations + all_export_bans(text, sents, found))
    notes: dict[str, str] = {}
    mapped: dict[str, str | None] = {}
    for m in found:
        if m.code not in mapped:
            mapped[m.code], note = _economy(world, m.code)
            if note:
                notes[m.code] = note
    economies = list(dict.fromkeys(e for e in mapped.values() if e))
    mapped[ALL] = ALL
    doc = _Doc(text, world, data, _fill_actors(relations, found), responses, found,
               economies, notes, len(getattr(world, "sectors", ("all",))) > 1)
    skipped: list[str] = []
    wmap = {code: e for code, e in mapped.items()}

    coercion, stated, embargoes, deals, ends, bans = _group(doc, wmap, skipped)
    hegemon = _main_coercer(coercion)
    members = _coalition_members(doc, wmap, hegemon)
    out: list[Suggestion] = []
    for (actor, target), rels in coercion.items():
        out.append(_tariff_suggestion(doc, actor, target, rels, stated.get((target, actor), []),
                                      deals, members))
    for (target, actor), rels in stated.items():   # a stated counter-tariff is a measure too
        if (target, actor) not in coercion:
            out.append(_tariff_suggestion(doc, target, actor, rels, [], deals, members))
    for (a, b), rels in embargoes.items():
        out.append(_embargo_suggestion(doc, a, b, rels))
    for (a, b), rels in bans.items():
        out.append(_export_ban_suggestion(doc, a, b, rels))
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
    kept = _assumed_below_stated(kept)
    kept.sort(key=lambda s: (-s.confidence, s.evidence[0].start if s.evidence else 0))
    return kept, skipped


# ----------------------------------------------------------------- mapping and grouping
def _fill_actors(relations: list[Relation], found: list[Mention]) -> list[Relation]:
    counts = Counter(r.actor for r in relations
                     if r.kind in ("tariff", "coerce", "embargo") and r.actor)
    first = {m.code: m.start for m in reversed(found)}
    ranked = sorted(counts, key=lambda c: (-counts[c], first.get(c, 0)))
    named = Counter(m.code for m in found)
    by_mentions = sorted(named, key=lambda c: (-named[c], first.get(c, 0)))
    out = []
    for r in relations:
        if r.actor is None and r.kind in ("tariff", "embargo", "export_ban"):
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
    bans: dict[tuple[str, str], list[Relation]] = {}
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
            elif r.kind == "export_ban":
                bans.setdefault((a, b), []).append(r)
            elif r.kind == "embargo":
                key = (b, a) if (b, a) in embargoes else (a, b)
                embargoes.setdefault(key, []).append(r)
            else:
                key = (b, a) if (b, a) in deals else (a, b)
                deals.setdefault(key, []).append(r)
    return coercion, stated, embargoes, deals, ends, bans


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
    add = any(r.add for r in rels)
    exempt = next((r.exempt for r in rels if r.exempt), 0.0)
    size = next((r.coverage for r in rels if r.coverage), None)
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
    on: str | list[str] = target
    if target == ALL:
        on = [c for c in doc.world.countries if c != actor]
        assumptions.append(f"a tariff on {'imported' if sectors else 'all'} goods: on every "
                           f"partner of {actor}")
    if size is not None and target != ALL:
        exempt = _coverage(doc, actor, target, size, rate, assumed, assumptions)
    if exempt and size is None:
        assumptions.append(f"the story says {exempt:.0%} of the flow enters duty-free: "
                           f"exempt={exempt:g}")
    assumptions += _map_notes(doc, rels)
    variants = _responses(doc, actor, target, rate, stated, deals, members) \
        if target != ALL else {}

    def make(sec: list[str] | None) -> Scenario:
        coerce = tariff(by=actor, on=on, rate=rate, sectors=sec, add=add, exempt=exempt)
        desc = f"{actor} taxes goods from {target} at {_pct(rate)}" + (
            f" ({', '.join(sec)})" if sec else "") + "; suggested from a news story."
        return Scenario(name=_title_tariff(actor, target, rate, sectors, add), shocks=[coerce],
                        description=desc, variants=variants, data=doc.data)

    whose = "imported goods" if target == ALL else f"goods from {target}"
    scenario, factor = _sectoral(doc, make, sectors, whose, assumptions)
    conf = _confidence(rels, 0.85 if assumed else 1.0, factor)
    return Suggestion("tariff", _title_tariff(actor, target, rate, sectors, add), scenario,
                      _evidence(doc, [r.cue for r in [*rels, *stated]]), conf,
                      tuple(assumptions), actor, (target,), sectors, rate, _mood(rels),
                      rate_assumed=assumed, add=add, exempt=exempt, coverage=size,
                      dates=tuple(dict.fromkeys(d for r in rels for d in r.dates)))


def _coverage(doc: _Doc, actor: str, target: str, size: float, rate: float, assumed: bool,
              assumptions: list[str]) -> float:
    """A size in dollars as coverage: the rate on ``size`` of the imports of ``actor`` from
    ``target``, i.e. ``exempt = 1 - size / imports`` (at least 0)."""
    codes = list(doc.world.countries)
    imports = float(doc.world.flows[codes.index(target), codes.index(actor)])
    share = min(1.0, size / imports) if imports > 0 else 1.0
    exempt = round(1.0 - share, 4) if share < 1 else 0.0
    how = "the rate assumed" if assumed else "at the rate stated"
    assumptions.append(f"the story sizes it at USD {size:g} bn of imports: {share:.0%} of "
                       f"{actor}'s imports from {target} ({imports:.0f} {doc.world.unit}) "
                       f"taxed, {how} (exempt={exempt:g})")
    return exempt


def _assumed_below_stated(found: list[Suggestion]) -> list[Suggestion]:
    """An assumed rate ranks below every stated one: its confidence is capped just under
    the lowest confidence of a suggestion whose rate the story states."""
    stated = [s.confidence for s in found if s.rate is not None and not s.rate_assumed]
    if not stated:
        return found
    cap = round(max(0.05, min(stated) - 0.01), 2)
    return [replace(s, confidence=min(s.confidence, cap)) if s.rate_assumed else s
            for s in found]


def _title_tariff(actor: str, target: str, rate: float, sectors: tuple[str, ...],
                  add: bool = False) -> str:
    extra = f", {', '.join(sectors)}" if sectors else ""
    who = "all partners" if target == ALL else target
    return f"{actor} tariff on {who} ({'+' if add else ''}{_pct(rate)}{extra})"


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


