"""Self-contained HTML: Vega-Lite charts (JavaScript inlined) and a world map of results.

Country shapes: ``_assets/countries-110m.json`` from the npm package world-atlas 2.0.2
(Natural Earth 1:110m, public domain; packaging ISC, see world-atlas-LICENSE.txt).

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
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import altair as alt

    from ..data.world import World
    from ..model.result import Results
    from .brief import Brief

__all__ = ["brief_html", "leverage_html", "results_html", "world_map"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1b1b1b;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem}
.headline{font-size:1.15rem;background:#f3f6fa;border-left:4px solid #2b6cb0;padding:.8rem 1rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}
th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left} .neg{color:#b91c1c} .pos{color:#15803d}
.meta{color:#666;font-size:.85rem}
"""


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _script_json(obj: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` can only occur inside JSON strings, where the ``\\uXXXX`` form
    means the same character to the JSON reader but cannot end the element
    (``</script>``) or open a comment (``<!--``); U+2028/U+2029 are escaped because old
    JavaScript engines read them as line ends inside string literals.
    """
    text = json.dumps(obj, ensure_ascii=True)
    for ch, esc in _SCRIPT_ESCAPES.items():
        text = text.replace(ch, esc)
    return text


@lru_cache(maxsize=1)
def _vega_bundle() -> str:
    """vega + vega-lite + vega-embed, as one script, from vl-convert (no network)."""
    import vl_convert
    from altair.utils.html import vl_version_for_vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
    # A literal '</script' in the library would end the element early; none today.
    return bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


@lru_cache(maxsize=1)
def _topology() -> dict[str, Any]:
    path = resources.files("middlepower").joinpath("report/_assets/countries-110m.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _numeric_ids(world: World) -> pd.DataFrame:
    """(map id, economy) for every country the map can colour, regions spread on members."""
    from ..data._countries import _coco

    rows = []
    for code in world.countries:
        for member in world.regions.get(code, (code,)):
            rows.append((member, code))
    members = [m for m, _ in rows]
    nums = _coco().convert(members, src="ISO3", to="ISOnumeric", not_found=None)
    if not isinstance(nums, list):
        nums = [nums]
    out = [(f"{int(n):03d}", econ) for n, (_, econ) in zip(nums, rows, strict=True)
           if isinstance(n, int | float) and n == n]
    return pd.DataFrame(out, columns=["id", "economy"]).drop_duplicates("id")


def world_map(world: World, values: pd.DataFrame, title: str) -> alt.Chart:
    """Choropleth of one column per option in ``values`` (index: economy), with a selector."""
    import altair as alt

    ids = _numeric_ids(world)
    labels = [str(c) for c in values.columns]
    options = [f"option_{k}" for k in range(len(labels))]
    wide = ids.join(values.set_axis(options, axis=1), on="economy")
    wide["name"] = wide["economy"].map(dict(zip(world.countries, world.names, strict=True)))
    pick = alt.param(name="option", value=options[min(1, len(options) - 1)],
                     bind=alt.binding_select(options=options, labels=labels,
                                             name="Response: "))
    topo = alt.InlineData(values=_topology(), format=alt.DataFormat(type="topojson",
                                                                      feature="countries"))
    lim = float(max(values.abs().to_numpy().max(), 0.05))
    return (
        alt.Chart(topo, title=title)
        .mark_geoshape(stroke="white", strokeWidth=0.3)
        .transform_lookup(lookup="id", from_=alt.LookupData(
            alt.InlineData(values=wide.to_dict("records")), "id", ["name", "economy",
                                                                  *options]))
        .transform_calculate(welfare_pct="datum[option]")
        .encode(
            color=alt.Color("welfare_pct:Q", title="welfare, %",
                            scale=alt.Scale(scheme="redblue", domain=[-lim, lim])),
            tooltip=[alt.Tooltip("name:N", title="economy"),
                     alt.Tooltip("welfare_pct:Q", format="+.3f", title="welfare %")],
        )
        .add_params(pick)
        .project("equalEarth")
        .properties(width=900, height=450)
    )


def _bars(table: pd.DataFrame, target: str, against: str) -> alt.Chart:
    import altair as alt

    frames = []
    for who, label in (("target", target), ("against", against), ("world", "world")):
        part = pd.DataFrame({"response": table.index, "economy": label,
                             "welfare_pct": table[f"{who}_welfare_pct"].to_numpy()})
        for q in (5, 95):
            col = f"{who}_welfare_p{q}"
            part[f"p{q}"] = table[col].to_numpy() if col in table else part["welfare_pct"]
        frames.append(part)
    long = pd.concat(frames)
    base = alt.Chart(alt.InlineData(values=long.to_dict("records")),
                     title="Real income (welfare) change by response, % (lines: 5-95% band)")
    y = alt.Y("response:N", sort=list(table.index), title=None)
    bars = base.mark_bar().encode(
        y=y, yOffset="economy:N", x=alt.X("welfare_pct:Q", title="% change"),
        color=alt.Color("economy:N", title=None),
        tooltip=["response:N", "economy:N", alt.Tooltip("welfare_pct:Q", format="+.3f"),
                 alt.Tooltip("p5:Q", format="+.3f", title="5%"),
                 alt.Tooltip("p95:Q", format="+.3f", title="95%")])
    rules = base.mark_rule(color="black").encode(y=y, yOffset="economy:N", x="p5:Q",
                                                 x2="p95:Q")
    return (bars + rules).properties(width=800, height=260)


def _cell(v: Any, signed: bool) -> str:
    if isinstance(v, float):
        if not signed:
            return f"<td>{v:,.2f}</td>"
        cls = "neg" if v < 0 else "pos" if v > 0 else ""
        return f'<td class="{cls}">{v:+.3f}</td>'
    return f"<td>{html.escape(str(v))}</td>"


def _table(df: pd.DataFrame, signed: bool = True) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [df.index.name or "", *df.columns])
    body = "".join(
        "<tr>" + f"<td>{html.escape(str(i))}</td>" + "".join(_cell(v, signed) for v in row)
        + "</tr>" for i, row in zip(df.index, df.itertuples(index=False), strict=True))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page(title: str, body: str, chart: alt.TopLevelMixin) -> str:
    """The page: ``body`` must already be escaped HTML; the chart goes in as safe JSON."""
    spec = _script_json(chart.to_dict())
    options = _script_json({"renderer": "svg", "actions": False, "mode": "vega-lite"})
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
            f"<script>{_vega_bundle()}</script></head><body>"
            f"{body}<h2>Charts</h2><div id='charts'></div>"
            f"<script>vegaEmbed('#charts', {spec}, {options}).catch(console.error);</script>"
            "</body></html>")


def brief_html(b: Brief) -> str:
    """The brief as one self-contained HTML page."""
    import altair as alt

    w = b.world
    names = dict(zip(w.countries, w.names, strict=True))
    e = b.exposure
    welfare = pd.DataFrame({r.name: r.countries["welfare_pct"] for r in b.results})
    chart = alt.vconcat(
        _bars(b.responses, b.target, b.against),
        world_map(w, welfare, "Welfare change by economy, % (pick a response)"),
    ).configure_view(stroke=None)
    exp_rows = pd.DataFrame({
        "value": [e["export_share_pct"], e["exports_pct_of_output"], e["import_share_pct"],
                  e["imports_pct_of_spending"], e["export_hhi"],
                  e["reverse_export_share_pct"], e["reverse_exports_pct_of_output"]]},
        index=pd.Index([f"share of {b.target}'s exports sold to {b.against}, %",
                        f"exports to {b.against}, % of {b.target} output",
                        f"share of {b.target}'s imports from {b.against}, %",
                        f"imports from {b.against}, % of {b.target} spending",
                        "concentration of export markets (HHI, 0-10,000)",
                        f"share of {b.against}'s exports sold to {b.target}, %",
                        f"exports to {b.target}, % of {b.against} output"], name="exposure"))
    theta = f"{b.theta:g}" if b.theta is not None else "sectoral (the dataset's)"
    draws = (f"uniform on [{0.8 * b.theta:g}, {1.2 * b.theta:g}]" if b.theta is not None
             else "the sectoral elasticities times a uniform factor in [0.8, 1.2]")
    sectors = ""
    if b.sector_exposure is not None:
        taxed = ", ".join(b.sectors) if b.sectors else "all sectors"
        sectors = (f"<h2>Exposure by sector (tariff on: {html.escape(taxed)}"
                   + (f"; {b.exempt:.0%} of exports exempt" if b.exempt else "") + ")</h2>"
                   + _table(b.sector_exposure.head(10).set_index("sector")[
                       ["name", "exports_to_against", "share_of_exports_pct",
                        "pct_of_sector_output"]].rename(columns={
                           "exports_to_against": f"exports to {b.against} ({w.unit})",
                           "share_of_exports_pct": "% of these exports",
                           "pct_of_sector_output": "% of sector output"}), signed=False))
    partners = pd.DataFrame(e["top_partners"]).set_index("partner")
    partners.index.name = "top export markets"
    resp = b.responses.drop(columns="description").rename(columns=lambda c: c.replace(
        "target_", f"{b.target} ").replace("against_", f"{b.against} ").replace(
        "third_countries_", "others ").replace("_pct", " %").replace("_", " "))
    body = (
        f"<h1>Coercion brief: {html.escape(names[b.target])} against "
        f"{html.escape(names[b.against])}</h1>"
        f"<p class='meta'>{html.escape(b.against)} tariff on {html.escape(b.target)}: "
        f"{b.tariff:.0%}; theta = {html.escape(theta)}; deficits: {html.escape(str(b.deficits))}; "
        f"data: {html.escape(str(w.year))} ({w.n} economies, {html.escape(w.unit)}).</p>"
        f"<p class='headline'>{html.escape(b.headline)}</p>"
        + "".join(f"<p>{html.escape(n)}</p>" for n in b.notes)
        + "<h2>Exposure</h2>" + _table(exp_rows, signed=False) + _table(partners, signed=False)
        + sectors
        + "<h2>Responses (percent changes from the baseline)</h2>" + _table(resp)
        + (f"<p class='meta'>p5/p95: 5th and 95th percentiles over {b.bands} draws of theta "
           f"({html.escape(draws)}) and of the agreement effect "
           "(normal, its estimated standard error).</p>" if b.bands else "")
        + "<ul>" + "".join(f"<li><b>{html.escape(str(k))}</b>: {html.escape(str(v))}</li>"
                           for k, v in b.responses["description"].items()) + "</ul>"
        + "<h2>Best coalitions (free trade among members and joint retaliation)</h2>"
        + _table(b.coalitions.set_index("coalition")[
            ["target_welfare_pct", "target_gain_pp", "against_welfare_pct",
             "min_member_gain_pp", "worst_member", "all_gain"]].rename(columns={
                "target_welfare_pct": f"{b.target} welfare %",
                "target_gain_pp": "gain vs giving in, pp",
                "against_welfare_pct": f"{b.against} welfare %",
                "min_member_gain_pp": "weakest member's gain, pp",
                "worst_member": "weakest member", "all_gain": "every member gains"}))
        + f"<p class='meta'>Source: {html.escape(str(w.source))}</p>"
    )
    return _page(f"middlepower brief {b.target} vs {b.against}", body, chart)


def results_html(world: World, results: Results, title: str) -> str:
    """Results of a scenario file: a table per variant and a map."""
    import altair as alt

    welfare = pd.DataFrame({r.name: r.countries["welfare_pct"] for r in results})
    chart = world_map(world, welfare, "Welfare change by economy, % (pick a variant)")
    body = f"<h1>{html.escape(title)}</h1>"
    for r in results:
        cols = ["welfare_pct", "real_gdp_pct", "exports_pct", "imports_pct",
                "terms_of_trade_pct"]
        body += f"<h2>{html.escape(r.name)}</h2>" + _table(
            r.countries[cols].sort_values("welfare_pct"))
    return _page(title, body, alt.vconcat(chart))


def leverage_html(lev: Any, world: World, title: str) -> str:
    """Heatmap of the leverage matrix (row A, column B: how many times more B loses)."""
    import altair as alt

    m = lev.matrix.copy()
    long = m.stack(future_stack=True).dropna().rename("leverage").reset_index()
    long.columns = ["a", "b", "leverage"]
    long["log2"] = np.log2(long["leverage"].clip(lower=1 / 64, upper=64))
    long["loss_a"] = [lev.loss.loc[a, b] for a, b in zip(long.a, long.b, strict=True)]
    long["loss_b"] = [lev.loss.loc[b, a] for a, b in zip(long.a, long.b, strict=True)]
    order = list(m.index)
    chart = (
        alt.Chart(alt.InlineData(values=long.to_dict("records")),
                  title=f"Leverage in bilateral trade wars ({lev.how}): B's loss / A's loss")
        .mark_rect()
        .encode(x=alt.X("b:N", sort=order, title="B (target of A)"),
                y=alt.Y("a:N", sort=order, title="A"),
                color=alt.Color("log2:Q", title="log2 ratio",
                                scale=alt.Scale(scheme="purpleorange", domainMid=0)),
                tooltip=["a:N", "b:N", alt.Tooltip("leverage:Q", format=".2f"),
                         alt.Tooltip("loss_a:Q", format=".3f", title="A loss %"),
                         alt.Tooltip("loss_b:Q", format=".3f", title="B loss %")])
        .properties(width=max(300, 16 * len(order)), height=max(300, 16 * len(order)))
    )
    body = (f"<h1>{html.escape(title)}</h1><p>Row A, column B: how many times more B loses "
            "than A when the two put tariffs on each other (above 1: A holds leverage over "
            "B). Ratios mislead when a loss is near zero or a side gains; see the table "
            "for the losses.</p>")
    top = lev.table.assign(abs_gap=lev.table.gap_pp.abs()).nlargest(20, "abs_gap")
    body += _table(top.set_index("a")[["b", "loss_a", "loss_b", "leverage_a_over_b",
                                       "gap_pp"]])
    return _page(title, body, alt.vconcat(chart))
