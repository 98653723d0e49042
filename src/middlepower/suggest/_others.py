"""Suggestions other than tariffs: embargoes and export bans, deals, agreements that end,
coalitions (rules in :mod:`._build`)."""

from __future__ import annotations

from typing import Any

from ..scenario.scenario import Scenario, Variant
from ..scenario.shocks import agreement, embargo, export_ban, tariff
from ._common import (
    _MOOD_FACTOR,
    _MOOD_ORDER,
    ASSUMED_RATE,
    _confidence,
    _Doc,
    _economy,
    _evidence,
    _map_notes,
    _mood,
    _pct,
)
from ._relations import Relation
from ._tables import AGREEMENTS
from .core import Suggestion


def _embargo_suggestion(doc: _Doc, a: str, b: str, rels: list[Relation]) -> Suggestion:
    """All trade both ways; on some goods only ("stop buying Australian coal"), a one-way
    ban of the goods from ``b`` to ``a`` (:func:`mp.export_ban`), not a full embargo."""
    assumptions = [r.note for r in rels if r.note]
    sectors = tuple(dict.fromkeys(s for r in rels for s in r.sectors))
    assumptions += _map_notes(doc, rels)
    title = f"embargo between {a} and {b}"
    if sectors:
        title = f"{a} stops imports of {', '.join(sectors)} from {b}"
        shock = _ban_shock(doc, b, a, sectors, assumptions)[0]
        scenario = Scenario(name=title, shocks=[shock], data=doc.data,
                            description=f"{b}'s sales of {', '.join(sectors)} to {a} stop; "
                                        "suggested from a news story.")
    else:
        scenario = Scenario(name=title, shocks=[embargo(a, b)], data=doc.data,
                            description=f"Trade between {a} and {b} stops in both directions; "
                                        "suggested from a news story.")
    conf = _confidence(rels)
    return Suggestion("embargo", title, scenario, _evidence(doc, [r.cue for r in rels]), conf,
                      tuple(dict.fromkeys(assumptions)), a, (b,), sectors, None, _mood(rels))


def _export_ban_suggestion(doc: _Doc, a: str, b: str, rels: list[Relation]) -> Suggestion:
    """Exporter ``a`` stops selling the goods named to ``b`` (one way)."""
    assumptions = _map_notes(doc, rels)
    sectors = tuple(dict.fromkeys(s for r in rels for s in r.sectors))
    title = f"{a} export ban on {b} ({', '.join(sectors)})"
    shock, _ = _ban_shock(doc, a, b, sectors, assumptions)
    if any(r.actor_from == "inferred" for r in rels):
        assumptions.append(f"the text does not say who restricts the exports: {a} assumed")
    scenario = Scenario(name=title, shocks=[shock], data=doc.data,
                        description=f"{a} stops selling {', '.join(sectors)} to {b}; "
                                    "suggested from a news story.")
    return Suggestion("export_ban", title, scenario, _evidence(doc, [r.cue for r in rels]),
                      _confidence(rels), tuple(dict.fromkeys(assumptions)), a, (b,), sectors,
                      None, _mood(rels))


def _ban_shock(doc: _Doc, by: str, on: str, sectors: tuple[str, ...],
               assumptions: list[str]) -> tuple[Any, str]:
    """``export_ban`` of ``sectors`` (those the world knows; else, on a one-sector world,
    sized by the goods' share of the pair's trade), and the note that states it."""
    from ..errors import MiddlepowerError

    known = [x for x in sectors if _knows(doc, x)] if doc.multi_sector else list(sectors)
    if doc.multi_sector and len(known) < len(sectors):
        assumptions.append(f"this world has no sector {', '.join(set(sectors) - set(known))}")
    shock = export_ban(by=by, on=on, sectors=known or None)
    try:
        note = shock.note(doc.world)
    except MiddlepowerError as exc:
        shock = export_ban(by=by, on=on, sectors=known or None, goods_share=0.05)
        note = f"{exc}; 5% of the flow assumed"
    if note:
        assumptions.append(note)
    if any(x in ("metals", "mining", "chemicals") for x in known):
        assumptions.append("a named good (gallium, graphite) stands for its whole sector: "
                           "an upper bound")
    return shock, note


def _knows(doc: _Doc, name: str) -> bool:
    from ..errors import MiddlepowerError

    try:
        doc.world.resolve_sectors([name])
    except MiddlepowerError:
        return False
    return True


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
