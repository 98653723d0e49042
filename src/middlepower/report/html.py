"""Self-contained HTML: Vega-Lite charts (JavaScript inlined) and a world map of results.

One valid document per page (a parser checks it in the tests): unique ids, a mobile
viewport, a layout that reflows down to 390 px (wide tables scroll inside their own box,
the map is as tall as its width asks for), chart text of 12-16 px, and tables with
human labels. The map's colour scale is symmetric and clipped at the 95th percentile of
the absolute changes, so that one outlier does not wash out everyone else (the page says
where it clips and who lies beyond); its response selector sits beside it and starts on
the first response.

Country shapes (:mod:`.worldmap`): ``_assets/countries-110m.json`` from world-atlas 2.0.2
(Natural Earth 1:110m, public domain; packaging ISC, see world-atlas-LICENSE.txt); the
countries not modelled on their own are shaded and labelled "rest of world".

Every string a user supplies (scenario, variant and country names and codes, data
source, descriptions) is escaped for where it lands: :func:`html.escape` in text and
attributes, and :func:`_script_json` for the chart specification inside ``<script>``,
which escapes ``<``, ``>``, ``&`` and U+2028/U+2029 so that no value can close the
script element or start markup. User text never becomes a Vega field name (dots and
brackets there are paths): map options get fixed keys and the names become labels.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._elasticity import theta_band
from .text import human_pct, money, possessive
from .worldmap import ASPECT, CLIP_PERCENTILE, colour_limit, world_map

if TYPE_CHECKING:
    import altair as alt

    from ..data.world import World
    from ..model.result import Results
    from .brief import Brief

__all__ = ["brief_html", "leverage_html", "results_html", "world_map"]

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;
max-width:1100px;color:#1b1b1b;line-height:1.5;padding:1rem;font-size:16px}
h1{font-size:1.6rem;margin:.5rem 0 .2rem} h2{font-size:1.25rem;margin-top:2rem}
h3{font-size:1.05rem}
.headline{font-size:1.2rem;background:#f3f6fa;border-left:4px solid #2b6cb0;
padding:.8rem 1rem;margin:1rem 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.5rem 0;font-size:.95rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
th{background:#fafafa} th:first-child,td:first-child{text-align:left}
td.neg{color:#b91c1c} td.pos{color:#15803d} td.amt{color:#555;white-space:nowrap}
.meta,.note{color:#555;font-size:.9rem}
.flag{color:#9a3412;font-weight:600}
.chart{width:100%;min-height:120px} figure.chart{margin:0}
.controls{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin:.3rem 0}
select{font-size:1rem;padding:.25rem .4rem}
dl dt{font-weight:600;margin-top:.5rem} dl dd{margin-left:1rem}
footer{margin-top:2.5rem;border-top:1px solid #ddd;padding-top:.5rem}
@media (max-width:600px){body{padding:.6rem;font-size:15px} h1{font-size:1.3rem}
.headline{font-size:1.05rem} th,td{padding:.3rem .35rem}}
"""

#: Chart text sizes: readable on a phone and on a projector.
_CHART_CONFIG = {"axis": {"labelFontSize": 13, "titleFontSize": 14},
                 "legend": {"labelFontSize": 13, "titleFontSize": 14},
                 "header": {"labelFontSize": 13, "titleFontSize": 14},
                 "title": {"fontSize": 16, "anchor": "start"}}


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _script_json(obj: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` can only occur inside JSON strings, where the ``\\uXXXX`` form
    means the same character to the JSON reader but cannot end the element
    (``</script>``) or open a comment (``<!--``); U+2028/U+2029 are escaped because old
    JavaScript engines read them as line ends inside string literals.
    """
    text = json.dumps(obj, ensure_ascii=True, allow_nan=False)
    for ch, esc in _SCRIPT_ESCAPES.items():
        text = text.replace(ch, esc)
    return text


#: Why the charts were left out of the pages written so far (empty: they were not).
chart_failure: list[str] = []


@lru_cache(maxsize=1)
def _vega_bundle() -> str | None:
    """vega + vega-lite + vega-embed, as one script, from vl-convert (no network); None
    (and the reason in :data:`chart_failure`) when the renderer cannot run."""
    from altair.utils.html import vl_version_for_vl_convert

    from ._vega import ChartRendererError, javascript_bundle

    try:
        bundle = javascript_bundle(vl_version_for_vl_convert())
    except ChartRendererError as exc:
        chart_failure.append(str(exc))
        return None
    # A literal '</script' in the library would end the element early; none today.
    bundle = bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    # vega-embed's "view source" writes a page from template strings ("<html><head>..."),
    # which a reader of our page's source takes for a second document; \x3c is the same
    # "<" to JavaScript inside those strings (the only place these tags occur).
    return re.sub(r"<(/?)(html|head|body)>", r"\\x3c\1\2>", bundle)


def _clip_note(values: pd.DataFrame, names: dict[str, str]) -> str:
    lim = colour_limit(values)
    beyond = values.abs().max(axis=1)
    beyond = beyond[beyond > lim].sort_values(ascending=False)
    who = ", ".join(f"{names.get(c, c)} ({values.loc[c].abs().max():.1f}%)"
                    for c in beyond.index[:6])
    more = f" and {len(beyond) - 6} more" if len(beyond) > 6 else ""
    return (f"Colours saturate at ±{lim:.2f}% (the {CLIP_PERCENTILE:.0f}th percentile of the "
            "changes), so that one large change does not hide the pattern"
            + (f"; beyond it: {who}{more}." if who else "."))


def _bars(table: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Real income change of target, hegemon and world for every response, with bands."""
    import altair as alt

    frames = []
    for who, label in labels.items():
        part = pd.DataFrame({"response": table.index, "economy": label,
                             "change": table[f"{who}_welfare_pct"].to_numpy()})
        for q in (5, 95):
            col = f"{who}_welfare_p{q}"
            part[f"p{q}"] = table[col].to_numpy() if col in table else part["change"]
        frames.append(part)
    long = pd.concat(frames)
    base = alt.Chart(alt.InlineData(values=long.to_dict("records")),
                     title="Real income change, % (lines: 5-95% band)")
    y = alt.Y("response:N", sort=list(table.index), title=None,
              axis=alt.Axis(labelLimit=160))
    bars = base.mark_bar().encode(
        y=y, yOffset=alt.YOffset("economy:N", sort=list(labels.values())),
        x=alt.X("change:Q", title="% change"),
        color=alt.Color("economy:N", title=None, sort=list(labels.values()),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("response:N"), alt.Tooltip("economy:N"),
                 alt.Tooltip("change:Q", format="+.2f", title="real income, %"),
                 alt.Tooltip("p5:Q", format="+.2f", title="5%"),
                 alt.Tooltip("p95:Q", format="+.2f", title="95%")])
    rules = base.mark_rule(color="black").encode(
        y=y, yOffset=alt.YOffset("economy:N", sort=list(labels.values())), x="p5:Q",
        x2="p95:Q")
    return (bars + rules).properties(width="container", height=300)


# ------------------------------------------------------------------ tables
def _num(v: Any, kind: str) -> tuple[str, str]:
    """(text, css class) of one cell: kinds pct (signed %), pp, amt, int, num, share,
    rate (a fraction shown as %), text."""
    if isinstance(v, bool | np.bool_):
        return ("yes" if v else "no"), ""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "", ""
    if kind == "pct":
        text = human_pct(float(v))
        return text, "neg" if text.startswith("-") else "pos" if text.startswith("+") else ""
    if kind == "pp":
        x = 0.0 if round(float(v), 2) == 0 else float(v)
        return f"{x:+.2f}", "neg" if x < 0 else "pos" if x > 0 else ""
    if kind == "int":
        return f"{float(v):,.0f}", ""
    if kind == "num":
        return f"{float(v):,.1f}", ""
    if kind == "share":
        return f"{float(v):.1f}%", ""
    if kind == "rate":  # a tariff given as a fraction
        return f"{100 * float(v):.1f}%", ""
    if kind == "amt":  # an amount reads as one unit: never break "USD 40 bn"
        return str(v).replace(" ", "\u00a0"), "amt"
    return str(v), ""


def _table(rows: Sequence[Sequence[Any]], heads: Sequence[str], kinds: Sequence[str],
           caption: str = "") -> str:
    """An HTML table: every value escaped, formatted by its column's kind."""
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in heads)
    body = []
    for row in rows:
        cells = []
        for k, (v, kind) in enumerate(zip(row, kinds, strict=True)):
            text, cls = _num(v, kind)
            tag = "th scope='row'" if k == 0 else "td"
            attr = f" class='{cls}'" if cls else ""
            cells.append(f"<{tag}{attr}>{html.escape(text)}</{tag.split()[0]}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption class='meta'>{html.escape(caption)}</caption>" if caption else ""
    return (f"<div class='scroll'><table>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _some(items: Sequence[str], sep: str = ", ", most: int = 20) -> str:
    """The first ``most`` items, then how many more; "none" when empty."""
    if not items:
        return "none"
    more = f"{sep}and {len(items) - most} more" if len(items) > most else ""
    return sep.join(items[:most]) + more


def _game_section(b: Brief, t_name: str, h_name: str) -> str:
    """The tariff game: the say-no table, its answer, and the best-response curves."""
    if b.say_no is None:
        return ""
    tab = b.say_no.table
    rows = [[str(name), r.hegemon_tariff, r.target_tariff, r.target_welfare_pct,
             r.hegemon_welfare_pct] for name, r in tab.iterrows()]
    table = _table(rows, ["Situation", f"{possessive(h_name)} tariff on {t_name}",
                          f"{possessive(t_name)} tariff on {h_name}", f"{t_name}: real income",
                          f"{h_name}: real income"], ["text", "rate", "rate", "pct", "pct"])
    svg = (f"<figure class='chart'>{b.curves_svg}<figcaption class='note'>Each side's best "
           "tariff against the other's; they cross at the Nash equilibrium of the bilateral "
           "war.</figcaption></figure>") if b.curves_svg else ""
    return ("<section id='game'><h2>Can " + html.escape(t_name) + " say no? The tariff "
            "game</h2><p class='note'>" + html.escape(possessive(h_name))
            + " optimal coercive tariff, "
            + html.escape(possessive(t_name)) + " optimal answer, and the Nash tariff war "
            "(alone, and "
            "with the coalition acting as one player), each side choosing the rate that is "
            "best for itself given the other's.</p><p><b>" + html.escape(b.say_no.sentence)
            + "</b></p>" + table + svg + "</section>")


# ------------------------------------------------------------------ the page
def _page(title: str, body: str, charts: dict[str, alt.TopLevelMixin],
          select: str | None = None) -> str:
    """The page: ``body`` must already be escaped HTML; each chart goes into the element
    whose id is its key, as safe JSON. ``select``: id of a ``<select>`` that sets the
    ``option`` parameter of the chart in ``#chart-map``."""
    specs = {k: c.to_dict() for k, c in charts.items()}
    for spec in specs.values():
        spec.setdefault("config", {}).update(_CHART_CONFIG)
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    opts = _script_json({"renderer": "svg", "actions": False, "mode": "vega-lite"})
    # a map is as tall as its width asks for (worldmap.ASPECT), also after a resize
    maps = [k for k, spec in specs.items() if "projection" in spec]
    embed = ["const views = {};",
             f"const tall = (el) => Math.max(120, Math.round(el.clientWidth / {ASPECT}));",
             "function embed(key, spec, map) { const el = document.getElementById(key);"
             " if (map) spec.height = tall(el);"
             f" vegaEmbed(el, spec, {opts}).then(r => {{ views[key] = r.view; }})"
             ".catch(console.error); }"]
    for key, spec in specs.items():
        embed.append(f"embed('{key}', {_script_json(spec)}, {_script_json(key in maps)});")
    if maps:
        embed.append(f"window.addEventListener('resize', () => {{ for (const k of "
                     f"{_script_json(maps)}) {{ const v = views[k]; if (v) "
                     "v.height(tall(document.getElementById(k))).runAsync(); } });")
    if select:
        embed.append(f"document.getElementById('{select}').addEventListener('change', e => "
                     "{ const v = views['chart-map']; if (v) { "
                     "v.signal('option', e.target.value).runAsync(); } });")
    bundle = _vega_bundle()
    notice, scripts = "", ""
    if bundle is None:  # the tables and text still make the page; say what is missing
        notice = (f"<p class='note'><b>Charts left out:</b> "
                  f"{html.escape(chart_failure[-1])}.</p>")
    else:
        scripts = f"<script>{bundle}</script><script>{''.join(embed)}</script>"
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"{notice}{body}{scripts}</body></html>\n")


def _selector(sel_id: str, labels: Sequence[str], what: str) -> str:
    opts = "".join(f"<option value='option_{k}'{' selected' if k == 0 else ''}>"
                   f"{html.escape(str(lab))}</option>" for k, lab in enumerate(labels))
    return (f"<div class='controls'><label for='{sel_id}'>{html.escape(what)}:</label>"
            f"<select id='{sel_id}'>{opts}</select></div>")


def _flag_list(flags: dict[str, str], names: dict[str, str]) -> str:
    if not flags:
        return ""
    items = "".join(f"<li><span class='flag'>{html.escape(names.get(c, c))} ({html.escape(c)})"
                    f"</span>: {html.escape(r)}</li>" for c, r in flags.items())
    return ("<p class='note'>† Data caveat: these economies' baseline trade is unusual, so "
            "their changes are large partly for data reasons (gross exports near output, or "
            f"a goods balance above a fifth of output):</p><ul class='note'>{items}</ul>")


def _mark(code: str, names: dict[str, str], flags: dict[str, str]) -> str:
    return names.get(code, code) + (" †" if code in flags else "")


def brief_html(b: Brief) -> str:
    """The brief as one self-contained HTML page."""
    w = b.world
    names = dict(zip(w.countries, w.names, strict=True))
    t_name, h_name = names[b.target], names[b.against]
    e = b.exposure
    unit = b.unit or w.unit
    r = b.responses
    welfare = pd.DataFrame({x.name: x.countries["welfare_pct"] for x in b.results})
    options = [c for c in welfare.columns if c != "no coercion"]
    welfare = welfare[options]
    charts = {"chart-bars": _bars(r, {"target": t_name, "against": h_name, "world": "World"}),
              "chart-map": world_map(w, welfare, "Real income change by economy, %")}
    bands, year = "target_welfare_p5" in r.columns, "target_welfare_short_pct" in r.columns

    def band(row: pd.Series, who: str) -> str:
        return f"{human_pct(row[f'{who}_welfare_p5'])} to {human_pct(row[f'{who}_welfare_p95'])}"

    rows = [[name, row.target_welfare_pct, b.money(row.target_welfare_pct, "target"),
             *([band(row, "target")] if bands else []),
             *([row.target_welfare_short_pct] if year else []), row.against_welfare_pct,
             b.money(row.against_welfare_pct, "against"), row.world_welfare_pct,
             row.target_real_gdp_pct, row.target_exports_pct] for name, row in r.iterrows()]
    heads = ["Response", f"{t_name}: real income", f"in {unit}",
             *(["5-95% band"] if bands else []), *(["this year"] if year else []),
             f"{h_name}: real income", f"in {unit}", "World real income",
             f"{t_name}: real GDP", f"{t_name}: exports"]
    kinds = ["text", "pct", "amt", *(["text"] if bands else []), *(["pct"] if year else []),
             "pct", "amt", "pct", "pct", "pct"]
    resp_table = _table(rows, heads, kinds)
    exp_rows = [
        [f"Share of {t_name}'s exports sold to {h_name}", e["export_share_pct"]],
        [f"{t_name}'s exports to {h_name}, as a share of its output",
         e["exports_pct_of_output"]],
        [f"Share of {t_name}'s imports bought from {h_name}", e["import_share_pct"]],
        [f"Imports from {h_name}, as a share of {t_name}'s spending",
         e["imports_pct_of_spending"]],
        [f"Share of {h_name}'s exports sold to {t_name}", e["reverse_export_share_pct"]],
        [f"{h_name}'s exports to {t_name}, as a share of its output",
         e["reverse_exports_pct_of_output"]],
    ]
    exp_table = _table(exp_rows, ["Exposure", "Value"], ["text", "share"])
    hhi = (f"Concentration of {t_name}'s export markets (Herfindahl index, 0 to 10,000; above "
           f"2,500 is highly concentrated): {e['export_hhi']:,.0f}.")
    partners = _table([[f"{p['name']} ({p['partner']})", p["export_share_pct"]]
                       for p in e["top_partners"]],
                      ["Largest export markets", f"Share of {t_name}'s exports"],
                      ["text", "share"])
    sectors = ""
    if b.sector_exposure is not None:
        taxed = ", ".join(b.sectors) if b.sectors else "all sectors"
        sx = b.sector_exposure.head(10)
        sectors = (f"<h3>By sector (tariff on: {html.escape(taxed)}"
                   + (f"; {b.exempt:.0%} of exports exempt" if b.exempt else "") + ")</h3>"
                   + _table([[f"{x.name} ({x.sector})", x.exports_to_against,
                              x.share_of_exports_pct, x.pct_of_sector_output]
                             for x in sx.itertuples()],
                            ["Sector", f"Exports to {h_name} ({unit})",
                             "Share of these exports", "Share of sector output"],
                            ["text", "num", "share", "share"]))
    co = b.coalitions
    co_rows = [[" + ".join(_mark(m, names, b.flags) for m in x.partners),
                x.target_welfare_pct, b.money(x.target_welfare_pct, "target"),
                x.target_gain_pp if "target_gain_pp" in co.columns else float("nan"),
                x.against_welfare_pct, x.all_gain,
                f"{names.get(x.worst_member, x.worst_member)} ({x.min_member_gain_pp:+.2f} pp)"
                if x.worst_member else ""]
               for x in co.itertuples()]
    co_table = _table(co_rows, [f"Partners of {t_name}", f"{t_name}: real income",
                                f"in {unit}", "Gain vs giving in, pp", f"{h_name}: real income",
                                "Every member gains", "Weakest member (gain vs giving in)"],
                      ["text", "pct", "amt", "pp", "pct", "text", "text"])
    game = _game_section(b, t_name, h_name)
    agreements = ""
    for name, p in b.agreements.items():
        if p["new"] or p["in_force"]:
            agreements += (f"<p><b>{html.escape(name.capitalize())}</b>: new agreement pairs: "
                           f"{html.escape(_some(p['new']))}. Already under an "
                           "agreement in force, so no effect is added: "
                           f"{html.escape(_some(p['in_force'], '; '))}.</p>")
    theta = f"{b.theta:g}" if b.theta is not None else "the dataset's sectoral values"
    band = None if b.theta is None else theta_band(b.theta)
    draws = (f"theta uniform on [{band[0]:g}, {band[1]:g}]" if band is not None
             else "the sectoral elasticities times a uniform factor in [0.8, 1.2]")
    descriptions = "".join(f"<li><b>{html.escape(str(k))}</b>: {html.escape(str(v))}</li>"
                           for k, v in r["description"].items())
    glossary = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>"
                       for k, v in b.glossary.items())
    body = (
        f"<header><h1>Coercion brief: {html.escape(t_name)} against {html.escape(h_name)}</h1>"
        f"<p class='meta'>{html.escape(h_name)} tariff on {html.escape(t_name)}: {b.tariff:.0%}"
        f" · data: {html.escape(str(w.year or ''))} goods trade, {w.n} economies "
        f"({html.escape(unit)}) · trade elasticity: {html.escape(theta)} · middlepower "
        f"{html.escape(b.version)} · {html.escape(b.created)}</p></header>"
        f"<main><p class='headline' id='headline'>{html.escape(b.headline)}</p>"
        "<section id='key-points'><h2>Key points</h2><ul>"
        + "".join(f"<li>{html.escape(n)}</li>" for n in b.notes) + "</ul></section>"
        "<section id='responses'><h2>What each response costs</h2>"
        f"<p class='note'>Percent change from the baseline of {html.escape(str(w.year or ''))}"
        f"; amounts in {html.escape(unit)} a year (baseline spending times the change).</p>"
        + resp_table
        + (f"<p class='meta'>Bands: 5th to 95th percentile over {b.bands} draws of "
           f"{html.escape(draws)} "
           "and of the agreement effect (normal, its estimated standard error).</p>"
           if b.bands else "")
        + f"<ul class='note'>{descriptions}</ul>"
        "<div id='chart-bars' class='chart'></div></section>"
        "<section id='map'><h2>Who gains and who loses</h2>"
        + _selector("map-response", options, "Response shown on the map")
        + "<div id='chart-map' class='chart'></div>"
        f"<p class='meta'>{html.escape(_clip_note(welfare, names))}</p></section>"
        "<section id='coalitions'><h2>Best coalitions</h2><p class='note'>Free trade among "
        f"the members (where no agreement is in force) and joint retaliation against "
        f"{html.escape(h_name)}.</p>" + co_table + agreements + "</section>"
        + game
        + f"<section id='exposure'><h2>Exposure</h2>{exp_table}<p>{html.escape(hhi)}</p>"
        + partners + sectors + "</section>"
        "<section id='method'><h2>Method and caveats</h2>"
        f"<p>{html.escape(b.method)}</p><h3>Caveats</h3><ul>"
        + "".join(f"<li>{html.escape(c)}</li>" for c in b.caveats) + "</ul>"
        + _flag_list(b.flags, names) + "</section>"
        f"<section id='glossary'><h2>Glossary</h2><dl>{glossary}</dl></section></main>"
        f"<footer class='meta'>Data: {html.escape(str(w.source))}</footer>"
    )
    return _page(f"Coercion brief: {t_name} against {h_name}", body, charts,
                 select="map-response")


def results_html(world: World, results: Results, title: str, *,
                 bands: pd.DataFrame | None = None,
                 pinned: dict[str, Sequence[str]] | None = None, top: int = 12,
                 description: str = "") -> str:
    """Results of a scenario file: a map with a variant selector and a table per variant.

    ``bands``: the table of :func:`mp.uncertainty` (index (scenario, country), columns
    ``welfare_pct_p5``/``p95``), shown as a column. ``pinned``: per variant, economies
    listed first (the actors), then the ``top`` largest movers.
    """
    from .outliers import flag
    from .tables import ordered

    names = dict(zip(world.countries, world.names, strict=True))
    flags = flag(world)
    welfare = pd.DataFrame({r.name: r.countries["welfare_pct"] for r in results})
    chart = world_map(world, welfare, "Real income change by economy, %")
    body = (f"<header><h1>{html.escape(title)}</h1><p class='meta'>data: "
            f"{html.escape(str(world.year or ''))}, {world.n} economies "
            f"({html.escape(world.unit)})</p></header><main>"
            + (f"<p>{html.escape(description)}</p>" if description else "")
            + "<section id='map'><h2>Who gains and who loses</h2>"
            + _selector("map-variant", [r.name for r in results], "Variant shown on the map")
            + "<div id='chart-map' class='chart'></div>"
            f"<p class='meta'>{html.escape(_clip_note(welfare, names))}</p></section>")
    spend = world.income()  # the base of a real-income change (see brief)
    for k, r in enumerate(results):
        c = r.countries
        codes = ordered(c, (pinned or {}).get(r.name, ()), top)
        has_band = bands is not None
        rows = []
        for code in codes:
            x = c.loc[code]
            row = [_mark(code, names, flags), x.welfare_pct,
                   money(x.welfare_pct, float(spend[world.index(code)]), world.unit,
                         signed=True)]
            if has_band:
                q = bands.loc[(r.name, code)]
                row.append(f"{human_pct(q.welfare_pct_p5)} to {human_pct(q.welfare_pct_p95)}")
            rows.append([*row, x.real_gdp_pct, x.exports_pct, x.imports_pct,
                         x.terms_of_trade_pct])
        heads = ["Economy", "Real income", f"in {world.unit}",
                 *(["5-95% band"] if has_band else []), "Real GDP", "Exports", "Imports",
                 "Terms of trade"]
        kinds = ["text", "pct", "amt", *(["text"] if has_band else []), "pct", "pct", "pct",
                 "pct"]
        body += (f"<section id='variant-{k}'><h2>{html.escape(r.name)}</h2>"
                 + _table(rows, heads, kinds, caption="% change from the baseline; the actors "
                          "first, then the largest changes in real income") + "</section>")
    shown = {code for r in results for code in ordered(
        r.countries, (pinned or {}).get(r.name, ()), top)}
    body += _flag_list({k: v for k, v in flags.items() if k in shown}, names) + "</main>"
    return _page(title, body, {"chart-map": chart}, select="map-variant")


def leverage_html(lev: Any, world: World, title: str) -> str:
    """Heatmap of bilateral trade wars: colour = how much more B loses than A (pp)."""
    import altair as alt

    from .tables import oriented_leverage

    names = dict(zip(world.countries, world.names, strict=True))
    m = lev.gap.copy()
    long = m.stack(future_stack=True).dropna().rename("gap").reset_index()
    long.columns = ["a", "b", "gap"]
    long["loss_a"] = [lev.loss.loc[a, b] for a, b in zip(long.a, long.b, strict=True)]
    long["loss_b"] = [lev.loss.loc[b, a] for a, b in zip(long.a, long.b, strict=True)]
    long = long.replace([np.inf, -np.inf], np.nan).dropna()
    lim = float(max(np.percentile(np.abs(long["gap"]), CLIP_PERCENTILE), 0.01)) \
        if len(long) else 1.0
    order = list(m.index)
    side = max(300, 16 * len(order))
    chart = (
        alt.Chart(alt.InlineData(values=long.to_dict("records")),
                  title=f"Bilateral trade wars ({lev.how}): B's loss minus A's loss, pp")
        .mark_rect()
        .encode(x=alt.X("b:N", sort=order, title="B (the other side)"),
                y=alt.Y("a:N", sort=order, title="A"),
                color=alt.Color("gap:Q", title="pp",
                                scale=alt.Scale(scheme="purpleorange", domain=[-lim, lim],
                                                clamp=True)),
                tooltip=[alt.Tooltip("a:N", title="A"), alt.Tooltip("b:N", title="B"),
                         alt.Tooltip("loss_a:Q", format=".3f", title="A's loss, %"),
                         alt.Tooltip("loss_b:Q", format=".3f", title="B's loss, %"),
                         alt.Tooltip("gap:Q", format="+.3f", title="B - A, pp")])
        .properties(width="container", height=side)
    )
    body = (f"<header><h1>{html.escape(title)}</h1></header><main><p>Each pair puts "
            f"{html.escape(lev.how)} on each other. Row A, column B: how many percentage points "
            "more of its real income B loses than A (orange: A holds the leverage). Colours "
            f"saturate at ±{lim:.2f} pp. The table lists the stronger side first, with the "
            "ratio of losses only where both sides lose.</p>"
            "<div id='chart-map' class='chart'></div>")
    t = oriented_leverage(lev.table).head(20)
    rows = [[f"{names.get(x.stronger, x.stronger)} ({x.stronger})",
             f"{names.get(x.weaker, x.weaker)} ({x.weaker})", x.stronger_change_pct,
             x.weaker_change_pct, "" if pd.isna(x.ratio) else f"{x.ratio:,.1f}", x.gap_pp]
            for x in t.itertuples()]
    body += _table(rows, ["Stronger side", "Weaker side", "Stronger side: real income",
                          "Weaker side: real income", "Loss ratio", "Gap, pp"],
                   ["text", "text", "pct", "pct", "text", "pp"],
                   caption="Real income change in the bilateral war (negative: a loss); "
                           "largest gaps first") + "</main>"
    return _page(title, body, {"chart-map": chart})
