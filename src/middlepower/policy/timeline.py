"""The welfare cost of the US tariffs in force at every change date, solved as one batch.

Each change date of the tracker is one scenario (:func:`~middlepower.policy.in_force`)
solved from the same pre-2025 baseline (:func:`~middlepower.policy.pre2025`), so the
numbers are the change relative to 2024 tariffs of being in that date's tariff regime
(a comparison of steady states, not a path through time).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..data.world import World
from .inforce import IMPORTER, _world, in_force, partner_rates, pre2025
from .tracker import EVENTS, change_dates, provenance, step_of

if TYPE_CHECKING:
    import altair as alt

__all__ = ["MAIN_STEPS", "timeline", "timeline_chart", "timeline_html", "timeline_wide"]

DEFAULT_COUNTRIES = ("CAN", "MEX", "CHN", "EU27", "USA")

#: The steps annotated on the chart: the main legal turns.
MAIN_STEPS = ("2025-02-04", "2025-03-06", "2025-04-05", "2025-05-12", "2025-08-07",
              "2025-11-01", "2026-02-20", "2026-04-06", "2026-08-19")


def timeline(world: str | World = "world2023", countries: Sequence[str] | None = None, *,
             theta: float | None = None, deficits: Literal["additive", "ratio"] = "additive",
             dates: Sequence[Any] | None = None, relative_to_2024: bool = True,
             **solve_options: Any) -> pd.DataFrame:
    """Welfare change relative to 2024 tariffs under the US tariffs of every change date.

    Parameters
    ----------
    world : World or str, default "world2023"
    countries : sequence of str, optional
        Economies to report; by default CAN, MEX, CHN, EU27 and USA (those in the world).
        Every economy is solved; this only selects rows.
    theta, deficits, **solve_options
        As for :func:`mp.solve_many`.
    dates : sequence of dates, optional
        By default every change date of the tracker (the first is the 2024 tariffs).
    relative_to_2024 : bool, default True
        Solve from :func:`pre2025` (world); False measures from the world's own tariffs.

    Returns
    -------
    DataFrame
        One row per (date, country): ``date``, ``event``, ``country``, ``name``,
        ``us_tariff`` (US tariff in force on the country's goods, a share; for the USA,
        its import-weighted mean over all partners), ``welfare_pct``, ``real_gdp_pct``.
        ``attrs`` holds theta, deficits and the tracker's commit.

    Examples
    --------
    >>> import middlepower as mp
    >>> t = mp.policy.timeline("world2023", ["CAN", "USA"])
    >>> t.pivot(index="date", columns="country", values="welfare_pct").shape
    (24, 2)
    """
    from ..model import solve_many

    w = _world(world)
    start = pre2025(w) if relative_to_2024 else w
    steps = change_dates() if dates is None else sorted({step_of(d) for d in dates})
    wanted = [c for c in (countries or DEFAULT_COUNTRIES) if countries or c in w]
    for c in wanted:
        w.index(c)  # a clear error for an unknown code before solving
    scenarios = [in_force(start, d, name=str(d.date())) for d in steps]
    results = solve_many(start, scenarios, theta, deficits, **solve_options)
    imports = _us_imports(start)
    rows = []
    for d, r in zip(steps, results, strict=True):
        rates = partner_rates(start, d).rate
        us_mean = float(np.average(rates.reindex(imports.index).to_numpy(),
                                   weights=imports.to_numpy()))
        table = r.countries
        for c in wanted:
            rows.append({"date": d, "event": EVENTS.get(str(d.date()), ""), "country": c,
                         "name": w.names[w.index(c)],
                         "us_tariff": us_mean if c == IMPORTER else float(rates[c]),
                         "welfare_pct": float(table.loc[c, "welfare_pct"]),
                         "real_gdp_pct": float(table.loc[c, "real_gdp_pct"])})
    out = pd.DataFrame(rows)
    out.attrs.update(theta=theta if theta is not None else "default", deficits=deficits,
                     commit=provenance()["commit"],
                     relative_to_2024=relative_to_2024, source=start.source)
    return out


def _us_imports(world: World) -> pd.Series:
    """US imports from each partner in the world's data (the weights of its mean tariff)."""
    u = world.index(IMPORTER)
    flows = np.asarray(world.flows)
    col = flows.sum(axis=0)[:, u] if flows.ndim == 3 else flows[:, u]
    s = pd.Series(col, index=list(world.countries))
    return s.drop(IMPORTER)


def timeline_chart(table: pd.DataFrame) -> alt.VConcatChart:
    """Step chart of a :func:`timeline` table: welfare (top) and US tariff (bottom).

    Dates on the x axis, one line per country, the main legal steps marked.
    """
    import altair as alt

    df = table.assign(date=pd.to_datetime(table.date).dt.strftime("%Y-%m-%d"),
                      us_tariff_pct=100 * table.us_tariff)
    data = alt.InlineData(values=df.drop(columns=["us_tariff"]).to_dict("records"))
    events = pd.DataFrame([{"date": d, "event": EVENTS.get(d, "")} for d in MAIN_STEPS
                           if d in set(df.date)])
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y"))
    color = alt.Color("country:N", title=None)
    tip = ["date:T", "country:N", "event:N", alt.Tooltip("welfare_pct:Q", format="+.3f"),
           alt.Tooltip("us_tariff_pct:Q", format=".2f", title="US tariff %")]
    welfare = alt.Chart(data, title="Real income change relative to 2024 tariffs, %").mark_line(
        interpolate="step-after", point=True).encode(
        x=x, y=alt.Y("welfare_pct:Q", title="% change"), color=color, tooltip=tip)
    rate = alt.Chart(data, title="US tariff in force (tracker), %").mark_line(
        interpolate="step-after", point=True).encode(
        x=x, y=alt.Y("us_tariff_pct:Q", title="%"), color=color, tooltip=tip)
    layers_w, layers_r = [welfare], [rate]
    if len(events):
        ev = alt.InlineData(values=events.to_dict("records"))
        rules = alt.Chart(ev).mark_rule(color="#999", strokeDash=[3, 3]).encode(x="date:T")
        labels = alt.Chart(ev).mark_text(angle=270, align="left", baseline="bottom", dx=-4,
                                         dy=-2, fontSize=10, color="#555").encode(
            x="date:T", y=alt.value(0), text="event:N")
        layers_w += [rules, labels]
        layers_r += [rules]
    return alt.vconcat(alt.layer(*layers_w).properties(width=850, height=300),
                       alt.layer(*layers_r).properties(width=850, height=220))


def timeline_wide(table: pd.DataFrame, values: str = "welfare_pct"
                  ) -> tuple[pd.DataFrame, pd.Series]:
    """A :func:`timeline` table as date x country (countries in the table's order) of
    ``values``, and each date's event."""
    wide = table.pivot(index="date", columns="country", values=values)
    events = table.drop_duplicates("date").set_index("date")["event"]
    return wide[list(dict.fromkeys(table.country))], events


def timeline_html(table: pd.DataFrame, path: str | Path | None = None,
                  title: str = "US tariffs in force since 2025: what they cost") -> str:
    """A self-contained HTML page: the step chart and the table; written atomically to
    ``path`` when given. Returns the HTML."""
    chart = timeline_chart(table).configure_view(stroke=None)
    wide, events = timeline_wide(table)
    rates, _ = timeline_wide(table, "us_tariff")
    head = "".join(f"<th>{html.escape(c)} welfare %</th>" for c in wide.columns) + "".join(
        f"<th>US tariff on {html.escape(c)} %</th>" for c in wide.columns)
    body_rows = []
    for d in wide.index:
        cells = "".join(f"<td>{v:+.3f}</td>" for v in wide.loc[d]) + "".join(
            f"<td>{100 * v:.2f}</td>" for v in rates.loc[d, wide.columns])
        body_rows.append(f"<tr><td>{d:%Y-%m-%d}</td><td>{html.escape(events[d])}</td>{cells}"
                         "</tr>")
    a = table.attrs
    meta = (f"theta = {a.get('theta', '?')}; deficits: {a.get('deficits', '?')}; relative to "
            f"{'2024 tariffs' if a.get('relative_to_2024', True) else 'the data tariffs'}; "
            f"tracker commit {a.get('commit', '?')} (github.com/tradewartracker/"
            "trade-war-redux-2025, MIT). Each date is the equilibrium with that date's "
            "tariffs in force, not a path through time. US tariff on the USA: its "
            "import-weighted mean over partners.")
    fragment = chart.to_html(inline=True, fullhtml=False, output_div="chart",
                             embed_options={"renderer": "svg", "actions": False})
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{html.escape(meta)}</p>"
        "<div id='chart'></div>" + fragment +
        f"<table><thead><tr><th>date</th><th>step</th>{head}</tr></thead><tbody>"
        + "".join(body_rows) + "</tbody></table></body></html>")
    if path is not None:
        from .._atomic import atomic_write

        atomic_write(path, page)
    return page


_STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;"
          "color:#1b1b1b;padding:0 1rem}table{border-collapse:collapse;font-size:.85rem}"
          "th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:right}"
          "td:nth-child(2),th:nth-child(2){text-align:left}.meta{color:#666;font-size:.85rem}")
