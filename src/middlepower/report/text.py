"""Words the brief shares between its terminal, JSON and HTML forms: the method in one
paragraph, its caveats, a glossary, and number formats a reader can take in at a glance.
"""

from __future__ import annotations

import math
from typing import Any

from .._text import possessive

__all__ = ["GLOSSARY", "caveats", "human_pct", "method_summary", "money", "possessive"]

#: Terms a minister's office asks about, in plain words.
GLOSSARY: dict[str, str] = {
    "real income (welfare)": "what a country's spending buys: income (wages, tariff revenue "
                             "and the fixed trade deficit) divided by the price index of what "
                             "it buys. The headline measure; its change in dollars is the "
                             "baseline income (final spending: value added, tariff revenue "
                             "and the trade deficit, not intermediate purchases) times the "
                             "percent change.",
    "real GDP": "value added deflated by the price index; unlike real income it leaves out "
                "tariff revenue, so it can fall where welfare rises.",
    "theta (trade elasticity)": "how strongly trade responds to costs: a 1% rise in the cost "
                                "of goods from a partner cuts purchases from it by about "
                                "theta percent. Around 5 in most estimates; the bands vary it.",
    "agreement effect": "the average rise in trade between two partners that sign a trade "
                        "agreement, estimated by gravity regression (about +75% at constant "
                        "prices); added only where no agreement is in force already.",
    "5-95% band": "the range of results over random draws of theta and of the agreement "
                  "effect: nine draws in ten fall inside it.",
    "leverage": "in a bilateral tariff war, how many times more one side loses than the "
                "other; shown only when both sides lose.",
    "Shapley share": "a coalition member's fair share of the coalition's total gain: its "
                     "average contribution over every order in which members could join. "
                     "A negative share means the coalition gains less, on average, when this "
                     "member joins: it costs the others more than it brings.",
    "pp (percentage point)": "the difference between two percentages: -1.0% against -1.5% is "
                             "0.5 pp better.",
}


def method_summary(world: Any, theta: float | None, deficits: str) -> str:
    """One paragraph on how the numbers are made, for a reader who will not read the docs."""
    th = f"a trade elasticity theta of {theta:g}" if theta is not None else \
        "the dataset's sectoral trade elasticities"
    sectors = (f"{world.n_sectors} sectors linked by input-output shares (Caliendo & Parro "
               "2015)" if world.n_sectors > 1 else "one goods sector")
    keep = ("in units of world output" if deficits == "additive" else "as a ratio to output")
    return (f"A structural gravity model of world trade (Armington; exact hat algebra, Dekle, "
            f"Eaton & Kortum 2008, with tariff revenue, Costinot & Rodriguez-Clare 2014) on "
            f"{world.year or 'the baseline'} trade among {world.n} economies ({sectors}), "
            f"with {th}. Each response is solved as a new equilibrium: prices, wages and "
            f"trade adjust everywhere; trade deficits stay fixed {keep}. Trade agreements "
            f"add the estimated average agreement effect only between partners that do not "
            f"already have one in force (the shipped table of WTO-notified agreements).")


def caveats(world: Any) -> list[str]:
    """What the numbers leave out, in the order a reader should weigh them."""
    out = ["Static: a comparison of equilibria, the long run after trade has adjusted; no "
           "transition, no investment, no exchange-rate or policy-rate response.",
           "Goods only: services trade, and income from investment abroad, are not modelled."]
    if world.n_sectors == 1:
        out.append("One sector: a tariff hits every good alike; with several sectors "
                   "(mp.load('icio2022'), --data icio2022) the brief can target steel, "
                   "aluminium or autos.")
    out.append("Agreements already in force are taken as given; a new agreement is assumed "
               "to raise trade by the average past effect, which real negotiations may not "
               "reach.")
    return out


def money(pct: float, base: float, unit: str, signed: bool = False) -> str:
    """``-1.89%`` of a baseline of 2,100 (``"USD bn"``) -> ``"-USD 40 bn"``.

    A negative amount always shows its sign; a positive one shows ``+`` when ``signed``
    (a change), none otherwise (an amount lost, already said in words). Amounts under 10
    in the unit are shown with one decimal (two under 0.1); larger ones rounded.
    """
    amount = pct / 100.0 * base
    if not math.isfinite(amount):
        return ""
    cur, _, scale = unit.partition(" ")
    digits = 2 if abs(amount) < 0.1 else 1 if abs(amount) < 10 else 0
    shown = round(abs(amount), digits) > 0
    sign = "-" if amount < 0 and shown else ("+" if signed and amount > 0 and shown else "")
    body = f"{abs(amount):,.{digits}f}"
    return f"{sign}{cur} {body} {scale}".strip() if scale else f"{sign}{body} {cur}".strip()


def human_pct(x: float, digits: int = 2, signed: bool = True) -> str:
    """A percentage for people: ``+1.23%``, and ``0.00%`` rather than ``-0.00%``."""
    if not math.isfinite(x):
        return "n/a"
    if round(x, digits) == 0:
        x = 0.0
    return f"{x:+.{digits}f}%" if signed and x != 0 else f"{x:.{digits}f}%"
