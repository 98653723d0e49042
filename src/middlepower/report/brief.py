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
from ..model.options import SolveOptions
from ..model.result import Results
from .brief_notes import (
    _agreement_notes,
    _currency,
    _headline,
    _horizon_note,
    _leverage_note,
    _model_note,
    _no_worse_than_response,
    _present_codes,
    _sector_effects,
    _sector_notes,
    _theta_range,
    _this_year,
    _top_movers,
)
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
    #: The named model preset the brief ran under (``SolveOptions.PRESETS``), or None.
    model: str | None = None
    #: The unit of the brief's amounts (the data's, or another currency's: ``currency=``).
    unit: str = ""

    @property
    def method(self) -> str:
        """One paragraph: how the numbers are made."""
        text = method_summary(self.world, self.theta, self.deficits)
        if self.model:
            text += (f" Model: the {self.model} preset ("
                     f"{SolveOptions.PRESETS[self.model]}).")
        return text

    def baseline_line(self, dataset: str | None = None) -> str:
        """The first line of a brief: the baseline (dataset, year, tariffs) and the threat."""
        w = self.world
        size = f"{w.n} economies" + (f" x {w.n_sectors} sectors" if w.n_sectors > 1 else "")
        m = re.search(r"US tariffs in force on (\d{4}-\d{2}-\d{2})", w.source or "")
        # a dataset whose tariffs are older than its flows says so in its source
        older = re.search(r"tariffs: the (\d{4}) applied rates", w.source or "")
        regime = (f"US tariffs in force on {m.group(1)}" if m else
                  f"the {older.group(1)} applied tariffs" if older else
                  f"tariffs as in the data ({w.year})" if w.year else "tariffs as in the data")
        from ..coercion.responses import coverage

        secs = self.sectors
        scope = coverage(w, secs, self.exempt)
        name = f"{dataset} " if dataset else ""
        return (f"Baseline: {name}({size}, {w.year or 'no year'}, {w.unit or 'no unit'}), "
                f"{regime}. Threat: {self.against} taxes {self.target} at {self.tariff:.0%} "
                f"({scope}). Answers are long-run equilibria (this year's beside them)"
                + (f", in the {self.model} model (labour supply, selling costs, scale)."
                   if self.model else "."))

    @property
    def caveats(self) -> list[str]:
        """What the numbers leave out."""
        return caveats(self.world)

    @property
    def glossary(self) -> dict[str, str]:
        return dict(GLOSSARY)

    def money(self, pct: float, who: str = "target") -> str:
        """A percent change of ``who`` (target, against, world) in the dataset's unit."""
        return money(pct, self.spending.get(who, float("nan")), self.unit or self.world.unit,
                     signed=True)

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
            "model": self.model,
            "unit": self.unit or self.world.unit,
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


def brief(world: World, target: str, against: str, tariff: float = 0.25, *,
          diversify_with: Sequence[str] = DEFAULT_DIVERSIFY,
          coalition: Sequence[str] = DEFAULT_COALITION, theta: float | None = None,
          deficits: str = "additive", bands: int = 200, seed: int = 0,
          sectors: str | Sequence[str] | None = None, exempt: float = 0.0,
          game: bool | None = None, model: str | None = None,
          currency: str | None = None) -> Brief:
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
    model : str, optional
        A model preset (``"ilms2025"``: the Liberation-Day paper's labour supply, revenue,
        selling costs, pass-through and scale; one-sector worlds): every number of the
        brief is then solved under :meth:`SolveOptions.preset`. Without it, the brief's
        notes say how its headline moves under that preset.
    currency : str, optional
        State amounts in this currency (``"CAD"``; the shipped ECB annual rates,
        :mod:`middlepower.data.fx`) at the data year's average rate; default the data's
        unit (USD).
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
    opts = SolveOptions.preset(model) if model else None
    if opts is not None and theta is None:
        theta = opts.theta
    if theta is None and world.sector_theta is None:
        theta = SolveOptions.DEFAULT_THETA
    exp = exposure(world, target, against)
    table, results = responses(world, target, against, tariff, diversify_with=diversify_with,
                               coalition=coalition, theta=theta, deficits=deficits,
                               sectors=sectors, exempt=exempt, options=opts)
    t, h = exp["target"], exp["against"]
    year = _this_year(table, world, target, against, tariff, opts, theta=theta,
                      deficits=deficits, diversify_with=diversify_with, coalition=coalition,
                      sectors=sectors, exempt=exempt)
    from ..coalition.search import search
    from ..coercion.leverage import leverage

    lev = leverage(world, tariff, countries=[h, t], theta=theta, deficits=deficits,
                   sectors=sectors, options=opts).pair(h, t)
    lev = {"tariff": tariff, "against_loss_pct": lev["loss_a"], "target_loss_pct": lev["loss_b"],
           "against_leverage_over_target": lev["leverage_a_over_b"], "gap_pp": lev["gap_pp"]}
    best = search(world, t, h, coalition, tariff=tariff, theta=theta, deficits=deficits, top=5,
                  sectors=sectors, exempt=exempt, options=opts)
    from ..coercion.responses import best_retaliation

    br = best_retaliation(world, t, h, tariff, theta=theta, deficits=deficits,
                          sectors=sectors, exempt=exempt, options=opts).iloc[0]
    lev["best_retaliation_rate"] = float(br["rate"])
    lev["best_retaliation_target_welfare_pct"] = float(br["target_welfare_pct"])
    if bands:
        from ..uncertainty import uncertainty

        scenarios = response_scenarios(world, t, h, tariff, diversify_with, coalition,
                                       sectors=sectors, exempt=exempt)
        b = uncertainty(world, scenarios, n=bands, theta=_theta_range(theta),
                        deficits=deficits, percentiles=(5, 95), seed=seed,
                        options=opts).table
        for who, code in (("target", t), ("against", h)):
            for q in (5, 95):
                table[f"{who}_welfare_p{q}"] = [b.loc[(name, code), f"welfare_pct_p{q}"]
                                                for name in table.index]
    names = dict(zip(world.countries, world.names, strict=True))
    # A percent change of real income is a change of what final spending buys: the dollar
    # base is income (value added + tariff revenue + deficit), not gross spending, which
    # on a multi-sector world also counts intermediate purchases (about twice as much).
    unit, rate, fx_note = _currency(world, currency)
    spend = world.income() * rate
    spending = {"target": float(spend[world.index(t)]), "against": float(spend[world.index(h)]),
                "world": float(spend.sum())}
    for who in ("target", "against", "world"):
        table[f"{who}_welfare_change"] = table[f"{who}_welfare_pct"] / 100 * spending[who]
    headline, notes = _headline(names[t], names[h], table, tariff,
                                lambda pct, signed=False: money(pct, spending["target"],
                                                                unit, signed))
    notes.extend([fx_note] if fx_note else [])
    scen = {x.name: x for x in response_scenarios(world, t, h, tariff, diversify_with, coalition,
                                                   sectors=sectors, exempt=exempt)}
    pairs = {k: agreement_pairs(world, scen[k]) for k in ("diversify", "coalition") if k in scen}
    notes.extend(_agreement_notes(names[t], pairs))
    best = _no_worse_than_response(best, table, world, t, coalition)
    notes.append(_leverage_note(lev, tariff, names[t], names[h]))
    notes.append(f"{possessive(names[t])} best retaliatory rate is {br['rate']:.1%} "
                 f"({br['target_welfare_pct']:+.2f}% real income, vs "
                 f"{table.loc['retaliate', 'target_welfare_pct']:+.2f}% at {tariff:.0%}).")
    notes.append(_horizon_note(names[t], table, year.short_run_ratio))
    if model is None:
        note = _model_note(world, t, h, tariff, table, names, sectors, exempt)
        if note:
            notes.append(note)
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
        say, svg = _game(world, t, h, coalition, theta, deficits, opts)
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
                 curves_svg=svg, model=model, unit=unit)


def _game(world: World, target: str, against: str, coalition: Sequence[str],
          theta: float | None, deficits: str, opts: SolveOptions | None = None
          ) -> tuple[Any, str]:
    """The say-no table (the coalition's partners as one player) and the curves' SVG."""
    from ..game import best_response_curves, say_no
    from ..game.plot import curves_svg

    partners = set(_present_codes(world, coalition)) - {target, against}
    coalitions = [sorted(partners)] if partners else None
    say = say_no(world, target, against, coalitions, theta=theta, deficits=deficits,
                 options=opts)
    war = say.table.loc["Nash war"]
    curves = best_response_curves(world, target, against, theta=theta, deficits=deficits,
                                  options=opts)
    return say, curves_svg(curves, (float(war.target_tariff), float(war.hegemon_tariff)))
