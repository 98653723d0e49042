"""Trade policy in force: the US tariffs since 2025, as scenarios, baselines and timelines.

>>> import middlepower as mp
>>> t = mp.policy.us_tariffs("2026-01-20").set_index("partner")
>>> round(float(100 * t.loc["CAN", "rate"]), 2)
10.18

Data: the public US tariff tracker (github.com/tradewartracker/trade-war-redux-2025, MIT),
derived by ``scripts/build_us_tariffs.py``; see ``docs/policy.md``.
"""

from .inforce import baseline, cost, headline, in_force, partner_rates, pre2025
from .regime import concordance, latest, layers, regime
from .sectors import sector_rates
from .timeline import timeline, timeline_chart, timeline_html, timeline_wide
from .tracker import EVENTS, change_dates, coverage, provenance, step_of, us_tariffs

__all__ = [
    "EVENTS",
    "baseline",
    "change_dates",
    "concordance",
    "cost",
    "coverage",
    "headline",
    "in_force",
    "latest",
    "layers",
    "partner_rates",
    "pre2025",
    "provenance",
    "regime",
    "sector_rates",
    "step_of",
    "timeline",
    "timeline_chart",
    "timeline_html",
    "timeline_wide",
    "us_tariffs",
]
