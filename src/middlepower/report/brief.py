"""The coercion brief: exposure, responses, and a plain-language headline for one pair.

``mp.brief(world, "CAN", against="USA", tariff=0.25)`` gathers
:func:`middlepower.coercion.exposure` and :func:`middlepower.coercion.responses`; this
module only arranges and words what they computed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..coercion.exposure import exposure
from ..coercion.responses import DEFAULT_COALITION, DEFAULT_DIVERSIFY, responses
from ..data.world import World
from ..model.result import Results

__all__ = ["Brief", "brief"]


@dataclass
class Brief:
    """What :func:`brief` returns: tables, results and the headline."""

    target: str
    against: str
    tariff: float
    theta: float
    deficits: str
    exposure: dict[str, Any]
    responses: pd.DataFrame
    bands: int
    leverage: dict[str, float]
    coalitions: pd.DataFrame
    results: Results = field(repr=False)
    world: World = field(repr=False)
    headline: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: target, against, exposure, responses (list), headline, settings."""
        rows = [{"name": name, **{k: (float(v) if k != "description" else v)
                                  for k, v in row.items()}}
                for name, row in self.responses.iterrows()]
        return {
            "target": self.target,
            "against": self.against,
            "tariff": self.tariff,
            "theta": self.theta,
            "deficits": self.deficits,
            "bands": {"draws": self.bands, "theta_range": list(_theta_range(self.theta)),
                      "percentiles": [5, 95]} if self.bands else None,
            "data": {"year": self.world.year, "unit": self.world.unit,
                     "source": self.world.source, "economies": self.world.n},
            "headline": self.headline,
            "notes": self.notes,
            "exposure": self.exposure,
            "responses": rows,
            "leverage": self.leverage,
            "coalitions": [
                {"coalition": r.coalition, "partners": list(r.partners),
                 "target_welfare_pct": float(r.target_welfare_pct),
                 "against_welfare_pct": float(r.against_welfare_pct),
                 "all_gain": bool(r.all_gain), "worst_member": r.worst_member,
                 "min_member_gain_pp": float(r.min_member_gain_pp)}
                for r in self.coalitions.itertuples()],
        }

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_html(self, path: str | Path | None = None) -> str:
        """One self-contained HTML page (charts and map with JavaScript inlined)."""
        from .html import brief_html

        text = brief_html(self)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def _poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _verb(change_pct: float) -> str:
    return "loses" if change_pct < 0 else "gains"


def _headline(t_name: str, h_name: str, table: pd.DataFrame) -> tuple[str, list[str]]:
    give = table.loc["give in"]
    ret = table.loc["retaliate"]
    options = table.drop(index="no coercion")
    best = options["target_welfare_pct"].idxmax()
    text = (f"Saying no (retaliating) costs {t_name} {-ret.target_welfare_pct:.2f}% of real "
            f"income vs {-give.target_welfare_pct:.2f}% for giving in; {h_name} "
            f"{_verb(ret.against_welfare_pct)} {abs(ret.against_welfare_pct):.2f}% (if {t_name} "
            f"gives in, it {_verb(give.against_welfare_pct)} "
            f"{abs(give.against_welfare_pct):.2f}%).")
    notes = [f"Best response for {t_name}: {best} "
             f"({options.loc[best, 'target_welfare_pct']:+.2f}% real income)."]
    if "coalition" in table.index:
        c = table.loc["coalition"]
        if c.target_welfare_pct > give.target_welfare_pct:
            notes.append(f"The coalition cuts {_poss(t_name)} loss from "
                         f"{-give.target_welfare_pct:.2f}% to {-c.target_welfare_pct:.2f}%, and "
                         f"{h_name} {_verb(c.against_welfare_pct)} "
                         f"{abs(c.against_welfare_pct):.2f}%.")
        else:
            notes.append(f"The coalition does not beat giving in for {t_name} "
                         f"({c.target_welfare_pct:+.2f}% vs {give.target_welfare_pct:+.2f}%): "
                         "the partners' markets are too small to replace the one lost, and "
                         "joint retaliation raises prices at home.")
    return text, notes


def _theta_range(theta: float) -> tuple[float, float]:
    return (0.8 * theta, 1.2 * theta)


def brief(world: World, target: str, against: str, tariff: float = 0.25, *,
          diversify_with: Sequence[str] = DEFAULT_DIVERSIFY,
          coalition: Sequence[str] = DEFAULT_COALITION, theta: float = 5.0,
          deficits: str = "additive", bands: int = 200, seed: int = 0) -> Brief:
    """The coercion brief for ``target`` under a tariff by ``against``.

    Parameters
    ----------
    world : World
    target, against : str
        ISO3 codes, e.g. ``"CAN"`` and ``"USA"``.
    tariff : float, default 0.25
        The coercive tariff (and the rate of any retaliation).
    diversify_with, coalition : sequences of codes or groups
        Partners of the diversification and coalition responses.
    theta, deficits
        As in :func:`mp.solve`.
    bands : int, default 200
        Draws for 5-95% uncertainty bands (:func:`mp.uncertainty`: theta uniform on
        [0.8 theta, 1.2 theta], agreement effects from their standard error); 0 for none.

    Returns
    -------
    Brief
        ``exposure`` (dict), ``responses`` (DataFrame: give in, retaliate, diversify,
        coalition), ``headline``; ``to_json()``, ``to_html()``.

    Examples
    --------
    >>> import middlepower as mp
    >>> b = mp.brief(mp.load("world2023"), "CAN", against="USA")
    >>> b.responses.loc["give in", "target_welfare_pct"] < 0
    True
    """
    exp = exposure(world, target, against)
    table, results = responses(world, target, against, tariff, diversify_with=diversify_with,
                               coalition=coalition, theta=theta, deficits=deficits)
    t, h = exp["target"], exp["against"]
    from ..coalition.search import search
    from ..coercion.leverage import leverage

    lev = leverage(world, tariff, countries=[h, t], theta=theta, deficits=deficits).pair(h, t)
    lev = {"tariff": tariff, "against_loss_pct": lev["loss_a"], "target_loss_pct": lev["loss_b"],
           "against_leverage_over_target": lev["leverage_a_over_b"], "gap_pp": lev["gap_pp"]}
    best = search(world, t, h, coalition, tariff=tariff, theta=theta, deficits=deficits, top=5)
    from ..coercion.responses import best_retaliation

    br = best_retaliation(world, t, h, tariff, theta=theta, deficits=deficits).iloc[0]
    lev["best_retaliation_rate"] = float(br["rate"])
    lev["best_retaliation_target_welfare_pct"] = float(br["target_welfare_pct"])
    if bands:
        from ..coercion.responses import response_scenarios
        from ..uncertainty import uncertainty

        scenarios = response_scenarios(world, t, h, tariff, diversify_with, coalition)
        b = uncertainty(world, scenarios, n=bands, theta=_theta_range(theta),
                        deficits=deficits, percentiles=(5, 95), seed=seed).table
        for who, code in (("target", t), ("against", h)):
            for q in (5, 95):
                table[f"{who}_welfare_p{q}"] = [b.loc[(name, code), f"welfare_pct_p{q}"]
                                                for name in table.index]
    names = dict(zip(world.countries, world.names, strict=True))
    headline, notes = _headline(names[t], names[h], table)
    notes.append(f"In a bilateral {tariff:.0%} tariff war {names[t]} would lose "
                 f"{lev['target_loss_pct']:.2f}% of real income and {names[h]} "
                 f"{lev['against_loss_pct']:.2f}%: {_poss(names[h])} leverage over {names[t]} is "
                 f"{lev['against_leverage_over_target']:.1f} to 1.")
    notes.append(f"{_poss(names[t])} best retaliatory rate is {br['rate']:.1%} "
                 f"({br['target_welfare_pct']:+.2f}% real income, vs "
                 f"{table.loc['retaliate', 'target_welfare_pct']:+.2f}% at {tariff:.0%}).")
    if len(best):
        top = best.iloc[0]
        notes.append(f"Best coalition for {names[t]} among {', '.join(coalition)}: "
                     f"{top.coalition} ({top.target_welfare_pct:+.2f}%; every member gains: "
                     f"{'yes' if top.all_gain else 'no, ' + top.worst_member + ' loses'}).")
    return Brief(target=t, against=h, tariff=tariff, theta=theta, deficits=deficits,
                 exposure=exp, responses=table, bands=bands, leverage=lev, coalitions=best,
                 results=results, world=world, headline=headline, notes=notes)
