"""The coercion brief: exposure, responses, and a plain-language headline for one pair.

``mp.brief(world, "CAN", against="USA", tariff=0.25)`` gathers
:func:`middlepower.coercion.exposure` and :func:`middlepower.coercion.responses`; this
module only arranges and words what they computed.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import atomic_write
from ..coercion.exposure import exposure, sector_exposure
from ..coercion.responses import (
    DEFAULT_COALITION,
    DEFAULT_DIVERSIFY,
    TEXT_COLUMNS,
    agreement_pairs,
    response_scenarios,
    responses,
    tariff_sectors,
)
from ..data.world import World
from ..model.result import Results
from .outliers import flag
from .text import GLOSSARY, caveats, method_summary, money, possessive

__all__ = ["Brief", "brief"]


@dataclass
class Brief:
    """What :func:`brief` returns: tables, results and the headline."""

    target: str
    against: str
    tariff: float
    theta: float | None
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
    sectors: list[str] | None = None
    exempt: float = 0.0
    sector_exposure: pd.DataFrame | None = field(default=None, repr=False)
    sector_effects: pd.DataFrame | None = field(default=None, repr=False)
    #: Per response: agreement pairs it adds (``new``) and skips (``in_force``).
    agreements: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: Economies with unusual baseline data that a table shows: ``{code: reason}``.
    flags: dict[str, str] = field(default_factory=dict)
    #: Baseline spending (dataset unit) of target, against and the world: the dollar base.
    spending: dict[str, float] = field(default_factory=dict)
    created: str = ""
    version: str = ""
    #: The tariff game (:func:`mp.game.say_no`): table, one-line answer, and the SVG of
    #: the two best-response curves of the bilateral war; None when not computed.
    say_no: Any = field(default=None, repr=False)
    curves_svg: str | None = field(default=None, repr=False)

    @property
    def method(self) -> str:
        """One paragraph: how the numbers are made."""
        return method_summary(self.world, self.theta, self.deficits)

    def baseline_line(self, dataset: str | None = None) -> str:
        """The first line of a brief: the baseline (dataset, year, tariffs) and the threat."""
        w = self.world
        size = f"{w.n} economies" + (f" x {w.n_sectors} sectors" if w.n_sectors > 1 else "")
        m = re.search(r"US tariffs in force on (\d{4}-\d{2}-\d{2})", w.source or "")
        regime = (f"US tariffs in force on {m.group(1)}" if m else
                  f"tariffs as in the data ({w.year})" if w.year else "tariffs as in the data")
        from ..coercion.responses import coverage

        secs = self.sectors
        scope = coverage(w, secs, self.exempt)
        name = f"{dataset} " if dataset else ""
        return (f"Baseline: {name}({size}, {w.year or 'no year'}, {w.unit or 'no unit'}), "
                f"{regime}. Threat: {self.against} taxes {self.target} at {self.tariff:.0%} "
                f"({scope}). Answers are long-run equilibria.")

    @property
    def caveats(self) -> list[str]:
        """What the numbers leave out."""
        return caveats(self.world)

    @property
    def glossary(self) -> dict[str, str]:
        return dict(GLOSSARY)

    def money(self, pct: float, who: str = "target") -> str:
        """A percent change of ``who`` (target, against, world) in the dataset's unit."""
        return money(pct, self.spending.get(who, float("nan")), self.world.unit, signed=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: target, against, exposure, responses (list), headline, settings,
        and the page's words: method, caveats, glossary, flags, agreements."""
        rows = [{"name": name, **{k: (float(v) if k not in TEXT_COLUMNS else v)
                                  for k, v in row.items()}}
                for name, row in self.responses.iterrows()]
        return {
            "created": self.created,
            "version": self.version,
            "method": self.method,
            "caveats": self.caveats,
            "glossary": self.glossary,
            "flags": self.flags,
            "agreements": self.agreements,
            "spending": self.spending,
            "target": self.target,
            "against": self.against,
            "tariff": self.tariff,
            "theta": self.theta,
            "deficits": self.deficits,
            "bands": {"draws": self.bands,
                      "theta_range": list(_theta_range(self.theta) or (0.8, 1.2)),
                      "theta_range_is_scale": self.theta is None,
                      "percentiles": [5, 95]} if self.bands else None,
            "data": {"year": self.world.year, "unit": self.world.unit,
                     "source": self.world.source, "economies": self.world.n},
            "headline": self.headline,
            "notes": self.notes,
            "sectors": self.sectors,
            "exempt": self.exempt,
            "sector_exposure": None if self.sector_exposure is None
            else self.sector_exposure.to_dict("records"),
            "sector_effects": None if self.sector_effects is None
            else self.sector_effects.to_dict("records"),
            "say_no": None if self.say_no is None else {
                "sentence": self.say_no.sentence,
                "table": self.say_no.table.reset_index().to_dict("records")},
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
        """The brief as JSON text; written atomically to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            atomic_write(Path(path), text)
        return text

    def to_html(self, path: str | Path | None = None) -> str:
        """One self-contained HTML page (charts and map with JavaScript inlined)."""
        from .html import brief_html

        text = brief_html(self)
        if path is not None:
            atomic_write(Path(path), text)
        return text


def _verb(change_pct: float) -> str:
    return "loses" if change_pct < 0 else "gains"


def _cut_phrase(loss: float, base_loss: float) -> str:
    """How much of the loss of giving in a response removes, in words."""
    cut = 1.0 - loss / base_loss if base_loss > 0 else 0.0
    if cut >= 0.95:
        return "all but removes the loss"
    if 0.42 <= cut <= 0.58:
        return "halves the loss"
    if 0.28 <= cut < 0.42:
        return "cuts the loss by about a third"
    if 0.2 <= cut < 0.28:
        return "cuts the loss by about a quarter"
    return f"cuts the loss by {cut:.0%}" if cut > 0 else "does not cut the loss"


def _headline(t_name: str, h_name: str, table: pd.DataFrame, tariff: float,
              money_of: Any) -> tuple[str, list[str]]:
    """The story in one sentence (what giving in costs, whether retaliation helps, what
    helps most), then the details as notes, none repeating the headline. Every word is
    chosen from the numbers; a loss is written as a loss and a gain as a gain."""
    give = table.loc["give in"]
    ret = table.loc["retaliate"]
    options = table.drop(index=["no coercion", "give in"], errors="ignore")
    best = str(options["target_welfare_pct"].idxmax())
    g_loss = -give.target_welfare_pct
    r_loss = -ret.target_welfare_pct
    gain = ret.target_welfare_pct - give.target_welfare_pct
    if gain < 0:
        verdict = f"makes things worse for {t_name}"
    elif g_loss > 0 and gain < 0.15 * g_loss:
        verdict = f"barely helps {t_name}"
    else:
        verdict = f"helps {t_name}, {_cut_phrase(r_loss, g_loss).replace('cuts', 'cutting')}"
        verdict = verdict.replace("halves", "halving").replace("removes", "removing") \
            .replace("does not cut", "not cutting")
    text = (f"Saying no by retaliating {verdict}: {_loss_words(r_loss)}, against "
            f"{_loss_words(g_loss).removesuffix(' of real income lost')} "
            f"({money_of(abs(g_loss))} a year) for giving in to a "
            f"{tariff:.0%} {h_name} tariff")
    b = options.loc[best]
    if best != "retaliate" and b.target_welfare_pct > give.target_welfare_pct:
        what = {"diversify": "diversifying through new agreements",
                "coalition": "a coalition"}.get(best, best)
        if round(b.target_welfare_pct, 2) > 0:
            text += f"; {what} turns the loss into a gain ({b.target_welfare_pct:+.2f}%)"
        elif round(b.target_welfare_pct, 2) == 0:
            text += f"; {what} all but removes the loss (to {abs(b.target_welfare_pct):.3f}%)"
        else:
            text += f"; {what} {_cut_phrase(-b.target_welfare_pct, g_loss)} (to " \
                    f"{-b.target_welfare_pct:.2f}%)"
    elif best != "retaliate":
        text += "; no response does better than giving in"
    text += "."
    notes = [f"If {t_name} retaliates, {h_name} {_verb(ret.against_welfare_pct)} "
             f"{abs(ret.against_welfare_pct):.2f}% of real income; if {t_name} gives in, it "
             f"{_verb(give.against_welfare_pct)} {abs(give.against_welfare_pct):.2f}%.",
             f"Best response for {t_name}: {best} "
             f"({options.loc[best, 'target_welfare_pct']:+.2f}% real income, "
             f"{money_of(options.loc[best, 'target_welfare_pct'], True)} a year)."]
    if "coalition" in table.index:
        c = table.loc["coalition"]
        if c.target_welfare_pct > give.target_welfare_pct:
            change = (f"turns {possessive(t_name)} loss of {g_loss:.2f}% into a gain of "
                      f"{c.target_welfare_pct:.2f}%" if round(c.target_welfare_pct, 2) > 0
                      else f"cuts {possessive(t_name)} loss from {g_loss:.2f}% to "
                           f"{max(-c.target_welfare_pct, 0):.2f}%")
            notes.append(f"The coalition {change}, and {h_name} "
                         f"{_verb(c.against_welfare_pct)} {abs(c.against_welfare_pct):.2f}%.")
        else:
            notes.append(f"The coalition does not beat giving in for {t_name} "
                         f"({c.target_welfare_pct:+.2f}% vs {give.target_welfare_pct:+.2f}%): "
                         "the partners' markets are too small to replace the one lost, and "
                         "joint retaliation raises prices at home.")
    return text, notes


def _loss_words(loss: float) -> str:
    """``1.79% of real income lost``, or ``a gain of 0.12% of real income``."""
    if round(loss, 2) < 0:
        return f"a gain of {-loss:.2f}% of real income"
    digits = 2 if round(loss, 2) > 0 else 3
    return f"{max(loss, 0):.{digits}f}% of real income lost"


def _leverage_note(lev: dict[str, float], tariff: float, t_name: str, h_name: str) -> str:
    """The bilateral trade war in words; a ratio only when both sides lose, said as one
    loss a multiple of the other ("X times less" reads both ways)."""
    lt, lh = lev["target_loss_pct"], lev["against_loss_pct"]
    head = f"In a bilateral {tariff:.0%} tariff war {t_name} would "
    if lt > 0 and lh > 0:
        (big, small), ratio = ((t_name, h_name), lt / lh) if lt >= lh else \
            ((h_name, t_name), lh / lt)
        return (head + f"lose {lt:.2f}% of real income and {h_name} {lh:.2f}%: "
                f"{possessive(big)} loss is {ratio:.1f} times that of {small}.")
    return (head + f"{_verb(-lt)} {abs(lt):.2f}% and {h_name} {_verb(-lh)} {abs(lh):.2f}%; "
            "with a side that gains, a loss ratio means nothing.")


def _agreement_notes(t_name: str, pairs: dict[str, dict[str, list[str]]]) -> list[str]:
    """Which agreement pairs the diversify and coalition responses add, and which they do
    not because an agreement is already in force."""
    out = []
    for name, p in pairs.items():
        if not p["new"] and not p["in_force"]:
            continue
        new = ", ".join(p["new"][:8]) if p["new"] else "none"
        if len(p["new"]) > 8:
            new += f" and {len(p['new']) - 8} more"
        have = len(p["in_force"])
        text = f"{name.capitalize()}: new agreement pairs {new}"
        if have:
            text += (f"; {have} pair{'s' if have > 1 else ''} already "
                     f"trade{'' if have > 1 else 's'} under an agreement "
                     f"in force, so no effect is added there ("
                     + "; ".join(p["in_force"][:4]) + ("; ..." if have > 4 else "") + ")")
        out.append(text + ".")
    return out


def _theta_range(theta: float | None) -> tuple[float, float] | None:
    """Range of the uniform theta draw (+-20% within the accepted range); None: the
    world's own elasticities scaled by 0.8-1.2 (see :func:`mp.uncertainty`)."""
    from .._elasticity import theta_band

    return None if theta is None else theta_band(theta)


def brief(world: World, target: str, against: str, tariff: float = 0.25, *,
          diversify_with: Sequence[str] = DEFAULT_DIVERSIFY,
          coalition: Sequence[str] = DEFAULT_COALITION, theta: float | None = None,
          deficits: str = "additive", bands: int = 200, seed: int = 0,
          sectors: str | Sequence[str] | None = None, exempt: float = 0.0,
          game: bool | None = None) -> Brief:
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
        As in :func:`mp.solve`; theta defaults to the world's sectoral elasticities, or 5.
    sectors : str or sequence of str, optional
        Sectors the coercive tariff and the retaliations hit (codes, names or aliases such
        as ``"steel"``); on a multi-sector world every goods sector by default.
    exempt : float, default 0
        Share of the target's exports that enters duty-free (USMCA-qualifying goods).
    game : bool, optional
        Add the tariff game (:func:`mp.game.say_no`: the hegemon's optimal coercive tariff,
        the target's optimal retaliation, the bilateral Nash war and the war fought with
        the coalition as one player) and the best-response curves. Default: on for
        one-sector worlds (0.2-0.3 s of a 0.3-0.5 s brief on world2023), off with sectors
        (the game's uniform tariffs would tax services too).
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
    >>> bool(b.responses.loc["give in", "target_welfare_pct"] < 0)
    True
    """
    if theta is None and world.sector_theta is None:
        theta = 5.0
    exp = exposure(world, target, against)
    table, results = responses(world, target, against, tariff, diversify_with=diversify_with,
                               coalition=coalition, theta=theta, deficits=deficits,
                               sectors=sectors, exempt=exempt)
    t, h = exp["target"], exp["against"]
    from ..coalition.search import search
    from ..coercion.leverage import leverage

    lev = leverage(world, tariff, countries=[h, t], theta=theta, deficits=deficits,
                   sectors=sectors).pair(h, t)
    lev = {"tariff": tariff, "against_loss_pct": lev["loss_a"], "target_loss_pct": lev["loss_b"],
           "against_leverage_over_target": lev["leverage_a_over_b"], "gap_pp": lev["gap_pp"]}
    best = search(world, t, h, coalition, tariff=tariff, theta=theta, deficits=deficits, top=5,
                  sectors=sectors, exempt=exempt)
    from ..coercion.responses import best_retaliation

    br = best_retaliation(world, t, h, tariff, theta=theta, deficits=deficits,
                          sectors=sectors, exempt=exempt).iloc[0]
    lev["best_retaliation_rate"] = float(br["rate"])
    lev["best_retaliation_target_welfare_pct"] = float(br["target_welfare_pct"])
    if bands:
        from ..uncertainty import uncertainty

        scenarios = response_scenarios(world, t, h, tariff, diversify_with, coalition,
                                       sectors=sectors, exempt=exempt)
        b = uncertainty(world, scenarios, n=bands, theta=_theta_range(theta),
                        deficits=deficits, percentiles=(5, 95), seed=seed).table
        for who, code in (("target", t), ("against", h)):
            for q in (5, 95):
                table[f"{who}_welfare_p{q}"] = [b.loc[(name, code), f"welfare_pct_p{q}"]
                                                for name in table.index]
    names = dict(zip(world.countries, world.names, strict=True))
    # A percent change of real income is a change of what final spending buys: the dollar
    # base is income (value added + tariff revenue + deficit), not gross spending, which
    # on a multi-sector world also counts intermediate purchases (about twice as much).
    spend = world.income()
    spending = {"target": float(spend[world.index(t)]), "against": float(spend[world.index(h)]),
                "world": float(spend.sum())}
    for who in ("target", "against", "world"):
        table[f"{who}_welfare_change"] = table[f"{who}_welfare_pct"] / 100 * spending[who]
    headline, notes = _headline(names[t], names[h], table, tariff,
                                lambda pct, signed=False: money(pct, spending["target"],
                                                                world.unit, signed))
    scen = {x.name: x for x in response_scenarios(world, t, h, tariff, diversify_with, coalition,
                                                   sectors=sectors, exempt=exempt)}
    pairs = {k: agreement_pairs(world, scen[k]) for k in ("diversify", "coalition") if k in scen}
    notes.extend(_agreement_notes(names[t], pairs))
    best = _no_worse_than_response(best, table, world, t, coalition)
    notes.append(_leverage_note(lev, tariff, names[t], names[h]))
    notes.append(f"{possessive(names[t])} best retaliatory rate is {br['rate']:.1%} "
                 f"({br['target_welfare_pct']:+.2f}% real income, vs "
                 f"{table.loc['retaliate', 'target_welfare_pct']:+.2f}% at {tariff:.0%}).")
    if len(best):
        top = best.iloc[0]
        notes.append(f"Best coalition for {names[t]} among {', '.join(coalition)}: "
                     f"{top.coalition} ({top.target_welfare_pct:+.2f}%; every member gains: "
                     f"{'yes' if top.all_gain else 'no, ' + top.worst_member + ' loses'}).")
    secs = tariff_sectors(world, sectors)
    sec_exp = sec_fx = None
    if world.n_sectors > 1:
        sec_exp = sector_exposure(world, t, h)
        sec_fx = _sector_effects(results["give in"], t, h)
        notes.extend(_sector_notes(sec_fx, t, h, names[t], names[h]))
    say, svg = None, None
    if game if game is not None else world.n_sectors == 1:
        say, svg = _game(world, t, h, coalition, theta, deficits)
        opt = float(say.table.loc["give in", "hegemon_tariff"])
        notes.append(f"Tariff game: {say.sentence[:-1]} (there {names[h]} sets its optimal "
                     f"tariff on {names[t]}, {opt:.0%}, not the {tariff:.0%} of the table "
                     f"above, and both sides' tariffs cover all goods; same closure and "
                     f"elasticities).")
    from .. import __version__

    shown = {t, h, *_present_codes(world, coalition), *_top_movers(results, 8)}
    flags = {k: v for k, v in flag(world).items() if k in shown}
    return Brief(target=t, against=h, tariff=tariff, theta=theta, deficits=deficits,
                 exposure=exp, responses=table, bands=bands, leverage=lev, coalitions=best,
                 results=results, world=world, headline=headline, notes=notes,
                 sectors=secs, exempt=exempt, sector_exposure=sec_exp, sector_effects=sec_fx,
                 agreements=pairs, flags=flags, spending=spending,
                 created=_dt.date.today().isoformat(), version=__version__, say_no=say,
                 curves_svg=svg)


def _game(world: World, target: str, against: str, coalition: Sequence[str],
          theta: float | None, deficits: str) -> tuple[Any, str]:
    """The say-no table (the coalition's partners as one player) and the curves' SVG."""
    from ..game import best_response_curves, say_no
    from ..game.plot import curves_svg

    partners = set(_present_codes(world, coalition)) - {target, against}
    coalitions = [sorted(partners)] if partners else None
    say = say_no(world, target, against, coalitions, theta=theta, deficits=deficits)
    war = say.table.loc["Nash war"]
    curves = best_response_curves(world, target, against, theta=theta, deficits=deficits)
    return say, curves_svg(curves, (float(war.target_tariff), float(war.hegemon_tariff)))


def _present_codes(world: World, codes: Sequence[str]) -> list[str]:
    out: list[str] = []
    for c in codes:
        try:
            out += [world.countries[k] for k in world.resolve(c)]
        except Exception:  # a bad candidate was already reported by the search
            continue
    return out


def _top_movers(results: Results, k: int) -> list[str]:
    out: set[str] = set()
    for r in results:
        out |= set(r.countries["welfare_pct"].abs().nlargest(k).index)
    return sorted(out)


def _no_worse_than_response(best: pd.DataFrame, table: pd.DataFrame, world: World,
                            target: str, coalition: Sequence[str]) -> pd.DataFrame:
    """The coalition search ranks subsets of the candidates; the full set is the brief's
    own "coalition" response. Should the search miss it (a beam search on many
    candidates), put the response in front, so the brief never reports a best
    coalition worse than its own coalition."""
    if "coalition" not in table.index or best is None:
        return best
    own = float(table.loc["coalition", "target_welfare_pct"])
    if len(best) and float(best.iloc[0].target_welfare_pct) >= own - 1e-9:
        return best
    members = [m for m in _present_codes(world, coalition) if m != target]
    row: dict[str, Any] = {c: float("nan") for c in best.columns}
    row.update({"all_gain": False, "worst_member": "",
                "coalition": "+".join(sorted(members)), "partners": tuple(sorted(members)),
                "size": len(members), "target_welfare_pct": own,
                "against_welfare_pct": float(table.loc["coalition", "against_welfare_pct"])})
    if "target_gain_pp" in best.columns:
        row["target_gain_pp"] = own - float(table.loc["give in", "target_welfare_pct"])
    return pd.concat([pd.DataFrame([row]), best], ignore_index=True)


def _sector_effects(result: Any, target: str, against: str) -> pd.DataFrame:
    """Output change by sector in the target and the hegemon under "give in"."""
    sec = result.sectors
    rows = sec[sec.country.isin([target, against])]
    return rows[["country", "sector", "output_baseline", "output_pct", "exports_pct",
                 "price_pct"]].reset_index(drop=True)


def _sector_notes(fx: pd.DataFrame, target: str, against: str, target_name: str,
                  against_name: str) -> list[str]:
    out = []
    for country, who in ((target, target_name), (against, against_name)):
        rows = fx[(fx.country == country) & (fx.output_baseline > 0)]
        lose = rows.nsmallest(3, "output_pct")
        gain = rows.nlargest(3, "output_pct")
        out.append(f"{who}: sectors losing most output (give in): " + ", ".join(
            f"{r.sector} {r.output_pct:+.2f}%" for r in lose.itertuples())
            + "; gaining most: " + ", ".join(f"{r.sector} {r.output_pct:+.2f}%"
                                             for r in gain.itertuples()) + ".")
    return out
