"""The ``middlepower`` command: parse, call the Python API, print with rich. No model logic.

Exit codes:

* 0 - done;
* 1 - the model could not give an answer (no convergence, inadmissible equilibrium);
* 2 - bad input: a one-line message naming the argument or file, no traceback;
* 3 - an internal error (a bug): a short message saying how to report it; the traceback
  only with ``--debug``;
* 130 - interrupted (Ctrl-C); no output file is left half-written.

User text (scenario and variant names, country codes from a data file) is printed as
plain text: the consoles do not interpret Rich markup or emoji codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table
from rich.text import Text

from . import errors
from ._cli_common import (
    _balance,
    _check_bands,
    _check_scheduler,
    _fail,
    _fmt,
    _guard,
    _int_option,
    _outputs,
    _pct,
    _progress_note,
    _responses_table,
    _say,
    _sector_list,
    _state,
    _table,
    _write,
    console,
    err,
)
from ._csv import frame_to_csv
from ._elasticity import theta_band

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Measure economic coercion in world trade and design coalition "
                       "responses (structural gravity, exact hat algebra).")


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        console.print(f"middlepower {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback of an internal error.")] = False,
          version: Annotated[bool, typer.Option(
              "--version", callback=_print_version, is_eager=True,
              help="Print the version and exit.")] = False) -> None:
    """Measure economic coercion in world trade and design coalition responses."""
    if debug:
        _state["debug"] = True

Data = Annotated[str, typer.Option("--data", "-d", help="Dataset name or path to a long table.")]
Theta = Annotated[float | None, typer.Option(
    help="Trade elasticity (default: the dataset's sectoral elasticities, else 5).")]
AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Start from the US tariffs in force on this date (YYYY-MM-DD, 2025-01-01 "
                    "to 2026-09-21) instead of the dataset's baseline tariffs.")]
Sectors = Annotated[str | None, typer.Option(
    help="Comma-separated sectors the tariffs hit (codes or aliases: steel,autos); "
         "multi-sector data only; default: all goods.")]


def _load(data: str, as_of: str | None = None, theta: float | None = None,
          deficits: str = "additive"):
    """The dataset; with ``as_of``, the equilibrium under the US tariffs in force then."""
    import gc

    from .data import load

    world = load(data)
    # What is loaded by now (pandas, the world) lives until the command exits: moved out of
    # the collector's view, it is not scanned again by every full collection (two in a
    # brief, 0.05-0.07 s of a 1 s command).
    gc.freeze()
    if as_of is None:
        return world
    from .policy import baseline

    return baseline(world, as_of, theta=theta, deficits=deficits)


@app.command()
@_guard
def datasets() -> None:
    """List the datasets shipped with middlepower."""
    from .data import datasets as _datasets

    table = Table(title="middlepower datasets")
    for col in ("name", "economies", "sectors", "year", "unit", "description"):
        table.add_column(col)
    for name, row in _datasets().iterrows():
        table.add_row(str(name), str(row.economies), str(getattr(row, "sectors", 1)),
                      str(row.year), row.unit, row.description)
    console.print(table)


@app.command()
@_guard
def show(
    country: Annotated[str, typer.Argument(help="ISO3 code, e.g. CAN.")],
    data: Data = "world2023",
    top: Annotated[int, typer.Option(help="Number of partners to list.")] = 8,
) -> None:
    """Show one economy: output, trade, and its top partners."""
    from .coercion.exposure import partners

    _int_option("--top", top, 0)
    world = _load(data)
    k = world.index(country.upper() if country.upper() in world else country)
    code = world.countries[k]
    s = world.summary().loc[code]
    unit = world.unit
    head = Table(title=f"{world.names[k]} ({code}), {world.year or ''} - {unit}",
                 show_header=False)
    head.add_row("output (Y)", _fmt(s.output))
    head.add_row("exports", f"{_fmt(s.exports)}  ({100 * s.exports / s.output:.1f}% of output)")
    head.add_row("imports", f"{_fmt(s.imports)}  ({100 * s.imports / s.expenditure:.1f}% of "
                            "spending)")
    head.add_row(*_balance(s.deficit))
    head.add_row("tariff revenue", _fmt(s.tariff_revenue))
    head.add_row("domestic share", f"{100 * s.domestic_share:.1f}%")
    console.print(head)
    table = Table(title=f"top partners of {code}")
    for col in ("partner", "exports to", "share of exports", "imports from",
                "share of imports", "tariff paid there", "tariff charged"):
        table.add_column(col, justify="right" if col != "partner" else "left")
    for row in partners(world, code).head(top).itertuples():
        table.add_row(f"{row.name} ({row.partner})", _fmt(row.exports),
                      f"{row.export_share_pct:.1f}%", _fmt(row.imports),
                      f"{row.import_share_pct:.1f}%", f"{100 * row.tariff_faced:.1f}%",
                      f"{100 * row.tariff_charged:.1f}%")
    console.print(table)
    if world.n_sectors > 1:
        X = world.sector_flows[:, k, :]
        exports = X.sum(axis=1) - X[:, k]
        order = np.argsort(-exports)[:top]
        sec = Table(title=f"largest export sectors of {code} ({world.n_sectors} sectors; "
                          "--sectors takes codes or aliases)")
        for col in ("sector", "name", "exports", "share of exports", "% of sector output"):
            sec.add_column(col, justify="left" if col in ("sector", "name") else "right")
        out = X.sum(axis=1)
        for s_ in order:
            sec.add_row(world.sectors[s_], world.sector_names[s_], _fmt(exports[s_]),
                        f"{100 * exports[s_] / max(exports.sum(), 1e-300):.1f}%",
                        f"{100 * exports[s_] / max(out[s_], 1e-300):.1f}%")
        console.print(sec)
        aliases = ", ".join(world.sector_groups)
        console.print(Text(f"sector aliases: {aliases}"), style="dim")
    console.print(f"source: {world.source[:160]}..." if world.source else "", style="dim")


@app.command()
@_guard
def brief(
    target: Annotated[str, typer.Argument(help="The coerced economy, e.g. CAN.")],
    against: Annotated[str, typer.Option("--against", "-a", help="The hegemon, e.g. USA.")],
    tariff: Annotated[float, typer.Option(help="Coercive tariff, 0.25 = 25%.")] = 0.25,
    data: Annotated[str | None, typer.Option(
        "--data", "-d", help="Dataset name or path to a long table (default: world2023; "
        "icio2022 when --sectors is given).", show_default=False)] = None,
    theta: Theta = None,
    deficits: Annotated[str, typer.Option(help="additive or ratio.")] = "additive",
    bands: Annotated[int, typer.Option(help="Draws for 5-95% uncertainty bands; 0 for none."
                                       )] = 200,
    sectors: Sectors = None,
    exempt: Annotated[float, typer.Option(
        help="Share of the target's exports entering duty-free (e.g. 0.8 under USMCA).")
        ] = 0.0,
    as_of: AsOf = None,
    game: Annotated[bool | None, typer.Option(
        "--game/--no-game", help="Add the tariff game (optimal tariffs, Nash wars; about "
        "0.2 s on world2023). Default: on for one-sector data.", show_default=False)] = None,
    model: Annotated[str | None, typer.Option(help="A model preset: ilms2025 (the Liberation-"
                                              "Day paper's; one-sector data).")] = None,
    currency: Annotated[str | None, typer.Option(
        help="State amounts in this currency (e.g. CAD) at the data year's average rate.")
        ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the brief as JSON.")
                        ] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML brief.")
                        ] = None,
) -> None:
    """The coercion brief: exposure, and the cost of giving in, retaliating, diversifying
    or joining a coalition."""
    from .data.datasets import DEFAULT_DATASET, SECTOR_DATASET
    from .report import brief as make_brief

    # a sectoral question needs sectors: the present-day input-output world by default
    data = data or (SECTOR_DATASET if sectors else DEFAULT_DATASET)
    _check_bands(bands)
    _outputs([(json_out, "--json"), (html_out, "--html")], [data])
    with _progress_note("loading data and solving the responses..."):
        world = _load(data, as_of, theta, deficits)
        b = make_brief(world, target, against, tariff, theta=theta, deficits=deficits,
                       bands=bands, sectors=_sector_list(sectors), exempt=exempt, game=game,
                       model=model, currency=currency)
    e = b.exposure
    console.rule(Text(f"Coercion brief: {b.target} against {b.against}, tariff {tariff:.0%}",
                      style="bold"))
    console.print(b.baseline_line(data + (f", as of {as_of}" if as_of else "")), style="dim")
    console.print(b.headline, style="bold")
    for n in b.notes:
        console.print(n)
    console.print(
        f"Exposure: {e['export_share_pct']:.1f}% of {b.target}'s exports go to {b.against} "
        f"({e['exports_pct_of_output']:.1f}% of its output); {b.against} sends "
        f"{e['reverse_export_share_pct']:.1f}% of its exports to {b.target}.")
    console.print(_responses_table(b, bands))
    if b.sector_exposure is not None:
        sec = Table(title=f"{b.target}'s exports to {b.against} by sector (largest)")
        for col in ("sector", "name", "exports", "% of these exports", "% of sector output"):
            sec.add_column(col, justify="left" if col in ("sector", "name") else "right")
        for r in b.sector_exposure.head(8).itertuples():
            sec.add_row(r.sector, r.name, f"{r.exports_to_against:,.1f}",
                        f"{r.share_of_exports_pct:.1f}", f"{r.pct_of_sector_output:.1f}")
        console.print(sec)
    with _progress_note("writing..."):
        _write([(json_out, b.to_json, "--json"), (html_out, b.to_html, "--html")])


@app.command()
@_guard
def run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    data: Annotated[str | None, typer.Option("--data", "-d", help="Override the file's data.")
                    ] = None,
    theta: Annotated[float | None, typer.Option(help="Override the file's theta.")] = None,
    top: Annotated[int, typer.Option(help="Rows per table (largest welfare changes).")] = 12,
    bands: Annotated[int, typer.Option(help="Draws for 5-95% welfare bands (0: none).")] = 0,
    as_of: AsOf = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results as JSON.")
                        ] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write results as CSV.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write an HTML report.")
                        ] = None,
) -> None:
    """Solve a scenario file; one table per variant."""
    from .data import DEFAULT_DATASET
    from .model import SolveOptions, solve_many
    from .scenario import Scenario

    _int_option("--top", top, 0)
    _check_bands(bands)
    _outputs([(json_out, "--json"), (csv_out, "--csv"), (html_out, "--html")], [file, data])
    scenario = Scenario.from_yaml(file)
    # the web's rule too: the flag beats the file beats SolveOptions' default
    opts = SolveOptions.for_scenario(scenario, theta=theta)
    th, closure = opts.theta, opts.deficits
    world = _load(data or scenario.data or DEFAULT_DATASET, as_of, th, closure)
    scenario.check(world)
    variants = scenario.expand()
    from rich.progress import Progress

    with Progress(transient=True, console=console) as bar:
        task = bar.add_task(f"solving {len(variants)} variant(s)", total=len(variants))
        results = solve_many(world, variants, options=opts,
                             progress=lambda k: bar.update(task, completed=k))
    console.rule(Text.assemble((scenario.name, "bold"), f" (theta={opts.theta_label(world)}, "
                               f"{closure}, {world.n} economies)"))
    if scenario.description:
        console.print(scenario.description.strip())
    band_table = None
    if bands:
        from .uncertainty import uncertainty

        with _progress_note(f"drawing {bands} parameter sets per variant..."):
            band_table = uncertainty(world, variants, n=bands,
                                     theta=None if th is None else theta_band(th),
                                     deficits=closure).table
    from .report.outliers import flag
    from .report.tables import actors, ordered

    flags = flag(world)
    pinned = {v.name: actors(world, v.shocks) for v in variants}
    cols = ["welfare_pct", "real_gdp_pct", "exports_pct", "terms_of_trade_pct"]
    heads = [("economy", "left"), ("real income", "right"), ("real GDP", "right"),
             ("exports", "right"), ("terms of trade", "right")]
    if band_table is not None:
        heads.append(("real income 5-95%", "right"))
    shown: set[str] = set()
    for r, v in zip(results, variants, strict=True):
        c = r.countries
        for note in _agreement_notes(world, v.shocks):
            console.print(f"{r.name}: {note}", style="dim")
        table = _table(f"{r.name}: % change ({r.iterations} iterations); actors first",
                       heads)
        for code in ordered(c, pinned[r.name], top):
            shown.add(code)
            extra = []
            if band_table is not None:
                row = band_table.loc[(r.name, code)]
                extra = [f"{row.welfare_pct_p5:+.2f}, {row.welfare_pct_p95:+.2f}"]
            table.add_row(code + (" †" if code in flags else ""),
                          *[_pct(c.loc[code, col]) for col in cols], *extra)
        console.print(table)
    caveat = {k: v for k, v in flags.items() if k in shown}
    if caveat:
        console.print("† data caveat (changes large partly for data reasons): "
                      + "; ".join(f"{k}: {v}" for k, v in caveat.items()) + ".", style="dim")
    from .report.html import results_html

    table_out = _with_bands(results.countries, band_table)
    # 15 significant digits (pandas' most; its default 10 would differ from the API's
    # numbers at 1e-10): the same number from every door
    _write([(json_out, lambda: table_out.to_json(orient="records", indent=1,
                                                 double_precision=15), "--json"),
            (csv_out, lambda: frame_to_csv(table_out, index=False), "--csv"),
            (html_out, lambda: results_html(world, results, scenario.name, bands=band_table,
                                            pinned=pinned, top=top,
                                            description=(scenario.description or "").strip()),
             "--html")])


def _agreement_notes(world: Any, shocks: Sequence[Any]) -> list[str]:
    """What each agreement shock of a variant adds and skips (pairs already in force)."""
    from .scenario.shocks import Agreement

    out = []
    for sh in shocks:
        if isinstance(sh, Agreement):
            note = sh.note(world)
            if note and (sh.end is not None or "already in force" in note):
                out.append(f"agreement: {note}.")
    return out


def _with_bands(countries: Any, bands: Any) -> Any:
    """The results table, with welfare_pct_p5/p95 columns when bands were drawn."""
    if bands is None:
        return countries
    cols = [c for c in bands.columns if c.startswith("welfare_pct_p")]
    return countries.join(bands[cols], on=["scenario", "country"])


Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address (tcp://host:8786); local batches if omitted.")]


@app.command()
@_guard
def leverage(
    data: Data = "world2023",
    tariff: Annotated[float, typer.Option(help="Tariff each side sets on the other.")] = 0.25,
    embargo: Annotated[bool, typer.Option(help="Stop all trade instead of a tariff.")] = False,
    countries: Annotated[str | None, typer.Option(help="Comma-separated subset.")] = None,
    theta: Theta = None,
    sectors: Sectors = None,
    top: Annotated[int, typer.Option(help="Rows to print (largest gaps).")] = 15,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the pair table.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write a heatmap page.")
                        ] = None,
    scheduler: Scheduler = None,
) -> None:
    """The leverage matrix: bilateral trade wars between every pair of economies."""
    from rich.progress import Progress

    from .coercion import leverage as run_leverage

    _int_option("--top", top, 0)
    _check_scheduler(scheduler)
    _outputs([(csv_out, "--csv"), (html_out, "--html")], [data])
    world = _load(data)
    codes = [c.strip() for c in countries.split(",")] if countries else None
    n = len(codes) if codes else world.n
    with Progress(transient=True, console=console) as bar:
        task = bar.add_task(f"{n * (n - 1) // 2} trade wars", total=n * (n - 1) // 2)
        lev = run_leverage(world, tariff, embargo=embargo, countries=codes, theta=theta,
                           sectors=_sector_list(sectors),
                           executor=scheduler, progress=lambda k: bar.update(task, completed=k))
    from .report.tables import oriented_leverage

    oriented = oriented_leverage(lev.table)
    table = _table(f"Leverage ({lev.how}): largest asymmetries, stronger side first; real "
                   "income change, %; ratio only where both lose",
                   [("stronger", "left"), ("weaker", "left"), ("stronger", "right"),
                    ("weaker", "right"), ("ratio", "right"), ("gap pp", "right")])
    for r in oriented.head(top).itertuples():
        table.add_row(r.stronger, r.weaker, _pct(r.stronger_change_pct, 3),
                      _pct(r.weaker_change_pct, 3),
                      "" if r.ratio != r.ratio else f"{r.ratio:,.1f}", f"{r.gap_pp:.3f}")
    console.print(table)
    from .report.html import leverage_html

    _write([(csv_out, lambda: frame_to_csv(oriented, index=False), "--csv"),
            (html_out, lambda: leverage_html(lev, world, f"Leverage matrix, {data}"), "--html")])


@app.command()
@_guard
def coalition(
    target: Annotated[str, typer.Argument(help="The coerced economy, e.g. CAN.")],
    against: Annotated[str, typer.Option("--against", "-a", help="The hegemon.")],
    candidates: Annotated[str, typer.Option(help="Comma-separated partners or groups.")
                          ] = "EU27,GBR,JPN,KOR,AUS,MEX,CHN,IND",
    instrument: Annotated[str, typer.Option(help="free_trade, retaliation or both.")] = "both",
    objective: Annotated[str, typer.Option(help="target or coalition.")] = "target",
    tariff: Annotated[float, typer.Option(help="Coercive tariff and retaliation rate.")] = 0.25,
    max_size: Annotated[int | None, typer.Option(help="Most partners in a coalition.")] = None,
    all_gain: Annotated[bool, typer.Option("--all-gain", help="Only coalitions where every "
                                           "member gains.")] = False,
    shapley: Annotated[bool, typer.Option(help="Split the best coalition's gain.")] = True,
    data: Data = "world2023",
    theta: Theta = None,
    sectors: Sectors = None,
    top: Annotated[int, typer.Option(help="Coalitions to list.")] = 10,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the ranking.")] = None,
    scheduler: Scheduler = None,
) -> None:
    """Search the coalitions of partners that cut the target's loss most."""
    from rich.progress import Progress

    from . import coalition as co

    _int_option("--top", top, 0)
    _int_option("--max-size", max_size, 1)
    _check_scheduler(scheduler)
    _outputs([(csv_out, "--csv")], [data])
    world = _load(data)
    cands = [c.strip() for c in candidates.split(",") if c.strip()]
    with Progress(transient=True, console=console) as bar:
        task = bar.add_task("solving coalitions", total=None)
        ranking = co.search(world, target, against, cands, instrument=instrument,
                            objective=objective, max_size=max_size, require_all_gain=all_gain,
                            tariff=tariff, top=None, theta=theta, executor=scheduler,
                            sectors=_sector_list(sectors),
                            progress=lambda k: bar.update(task, completed=k))
    table = _table(f"Coalitions for {target} against {against} ({instrument}), "
                   f"{len(ranking)} evaluated; real income, %",
                   [("partners", "left"), (f"{target}", "right"), ("gain pp", "right"),
                    (f"{against}", "right"), ("all gain", "right"),
                    ("weakest (pp)", "right")])
    for r in ranking.head(top).itertuples():
        table.add_row(" ".join(r.partners) or "(alone)", _pct(r.target_welfare_pct, 3),
                      f"{r.target_gain_pp:+.3f}", _pct(r.against_welfare_pct, 3),
                      "yes" if r.all_gain else "no",
                      f"{r.worst_member} {r.min_member_gain_pp:+.3f}")
    console.print(table)
    # ranking.iloc[0] is a row: its .size would be the number of columns, not partners
    if shapley and len(ranking) and int(ranking.iloc[0]["size"]) > 0:
        best = list(ranking.iloc[0].partners)
        sh = co.shapley(world, target, against, best, instrument=instrument, tariff=tariff,
                        theta=theta, executor=scheduler, sectors=_sector_list(sectors))
        st = Table(title=f"Shapley split of the gain of {'+'.join([target, *best])} "
                         f"({world.unit})")
        for col in ("member", "shapley", "share %", "alone"):
            st.add_column(col, justify="left" if col == "member" else "right")
        for name, r in sh.iterrows():
            st.add_row(str(name), f"{r.shapley:,.2f}", f"{r.share_pct:.1f}",
                       f"{r.standalone:,.2f}")
        if (sh["shapley"] < 0).any():
            st.caption = ("A negative share: on average the coalition gains less when this "
                          "member joins than without it (it costs the others more than it "
                          "brings); the shares still add up to the whole gain.")
            st.caption_justify = "left"
        console.print(st)
    elif shapley and len(ranking):
        console.print(f"Acting alone ranks first for {target}: there is no coalition gain to "
                      "split.", style="dim")
    # members as "AUS EU27", not a Python tuple
    flat = ranking.assign(partners=[" ".join(p) for p in ranking.partners])
    _write([(csv_out, lambda: frame_to_csv(flat, index=False), "--csv")])


@app.command()
@_guard
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; loopback unless you mean to "
                                      "share the server.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (1-65535).")] = 8000,
    data: Annotated[str, typer.Option("--data", "-d", help="Shipped dataset the page opens "
                                      "with.")] = "world2023",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786) for heavy batches.")
    ] = None,
) -> None:
    """The web app: a page and a JSON API (/api/v1, docs at /docs)."""
    if not 1 <= port <= 65535:
        _fail(f"--port must be between 1 and 65535; got {port}.")
    from . import web

    web.create_app(data, scheduler=scheduler, warm=False)  # refuse bad options before binding
    if not web.is_loopback(host):
        err.print(f"warning: serving on {host}: anyone who can reach this address can use "
                  "the server (there is no login).")
    console.print(f"middlepower on http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port} "
                  f"(API docs at /docs); Ctrl-C to stop.")
    web.serve(host=host, port=port, data=data, scheduler=scheduler)


# ------------------------------------------------------------------ game (mp.game)
game_app = typer.Typer(no_args_is_help=True, help="The tariff game: optimal tariffs, Nash "
                       "tariff wars, and whether an economy can say no.")
app.add_typer(game_app, name="game")


Bounds = Annotated[str, typer.Option(
    "--bounds", help="Tariff rates searched, LOW,HIGH (0.25 = 25%); widen HIGH when the "
                     "best rate lies at the bound.")]


def _bounds(text: str) -> tuple[float, float]:
    """'0,2' -> (0.0, 2.0); the game checks the range itself (0 <= low < high <= 10)."""
    parts = [p.strip() for p in text.split(",")]
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise errors.ParameterError(f"--bounds {text!r}: expecting two rates LOW,HIGH such as "
                                    "0,4 (0 to 400%).") from None


def _game_players(codes: list[str]) -> list[Any]:
    """'CAN+EU27+GBR' is one coalition player; a plain code is one economy."""
    from .game import coalition as _coalition

    return [_coalition(c.split("+")) if "+" in c else c for c in codes]


@game_app.command("nash")
@_guard
def game_nash(
    players: Annotated[list[str], typer.Argument(help="Players; join codes with + for a "
                                                 "coalition (CAN+EU27+GBR+JPN).")],
    instrument: Annotated[str, typer.Option(help="uniform, opponent or sector.")] = "uniform",
    targets: Annotated[str, typer.Option(help="uniform tariff on 'all' partners or only "
                                         "the other 'players'.")] = "all",
    local: Annotated[bool, typer.Option("--local", help="Take interior (local) optima.")
                     ] = False,
    bounds: Bounds = "0,2",
    data: Data = "world2023",
    theta: Annotated[float | None, typer.Option(help="Trade elasticity.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every economy's "
                                                 "welfare.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Best-response curves of a "
                                                  "two-player war.")] = None,
) -> None:
    """A Nash tariff war among PLAYERS; everyone else keeps today's tariffs."""
    from . import game
    from .game.plot import curves_html

    _outputs([(csv_out, "--csv"), (html_out, "--html")], [data])
    if html_out is not None and len(players) != 2:
        raise errors.ParameterError(f"--html draws best-response curves of two players; got "
                                    f"{len(players)}.")
    world = _load(data)
    eq = game.nash(world, _game_players(players), instrument=instrument, targets=targets,
                   local=local, bounds=_bounds(bounds), theta=theta, progress=True)
    t = Table(title=f"Nash tariff war ({eq.instrument}): {eq.iterations} iterations, "
                    f"{eq.solves} solves, {eq.seconds:.2f} s")
    for col in ("player", "on", "tariff %", "welfare %", "vs start %"):
        t.add_column(col, justify="left" if col in ("player", "on") else "right")
    for r in eq.rates.itertuples():
        row = eq.table.loc[r.player]
        t.add_row(r.player, r.label, f"{100 * r.rate:.2f}", f"{row.objective_pct:+.3f}",
                  f"{row.vs_start_pct:+.3f}")
    console.print(t)
    console.print(f"World welfare {eq.world_welfare_pct:+.3f}% vs baseline.")
    curves = None
    if html_out is not None:
        curves = game.best_response_curves(world, *_game_players(players), theta=theta)
    rates = tuple(eq.rates.groupby("player", sort=False)["rate"].first())
    _write([(csv_out, lambda: frame_to_csv(eq.welfare), "--csv"),
            (html_out, lambda: curves_html(
                curves, (rates[0], rates[1]), f"Tariff war: {' vs '.join(players)}"), "--html")])


@game_app.command("say-no")
@_guard
def game_say_no(
    target: Annotated[str, typer.Argument(help="The coerced economy, e.g. CAN.")],
    against: Annotated[str, typer.Option("--against", "-a", help="The hegemon.")],
    coalitions: Annotated[str, typer.Option(help="Comma-separated partners; each is tried "
                                            "alone and all together (join with + to pair).")
                          ] = "",
    objective: Annotated[str, typer.Option(help="Coalition objective: total or worst.")
                         ] = "total",
    local: Annotated[bool, typer.Option("--local", help="Take interior (local) optima.")
                     ] = False,
    bounds: Bounds = "0,2",
    data: Data = "world2023",
    theta: Annotated[float | None, typer.Option(help="Trade elasticity.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the table.")] = None,
) -> None:
    """Can TARGET say no? Give in, retaliate optimally, or fight a Nash war (with allies)."""
    import math

    from . import game

    _outputs([(csv_out, "--csv")], [data])
    items = [c.strip() for c in coalitions.split(",") if c.strip()]
    cands: list[list[str]] = [c.split("+") for c in items]
    if len(cands) > 1:
        cands.append([m for c in cands for m in c])
    world = _load(data)
    s = game.say_no(world, target, against, cands, objective=objective, local=local,
                    bounds=_bounds(bounds), theta=theta, progress=True)
    t = Table(title=f"Can {s.target} say no to {s.hegemon}? ({s.seconds:.2f} s)")
    for col in ("situation", f"{s.hegemon} tariff %", f"{s.target} tariff %",
                f"{s.target} welfare %", f"{s.hegemon} welfare %", "coalition %", "world %"):
        t.add_column(col, justify="left" if col == "situation" else "right")
    for name, r in s.table.iterrows():
        coal = "" if math.isnan(r.coalition_welfare_pct) else f"{r.coalition_welfare_pct:+.3f}"
        t.add_row(str(name), f"{100 * r.hegemon_tariff:.2f}", f"{100 * r.target_tariff:.2f}",
                  f"{r.target_welfare_pct:+.3f}", f"{r.hegemon_welfare_pct:+.3f}", coal,
                  f"{r.world_welfare_pct:+.3f}")
    console.print(t)
    console.print(s.sentence)
    _write([(csv_out, lambda: frame_to_csv(s.table), "--csv")])


# ----------------------------------------------------------------- suggest (issue 14)
def _read_story(file: str) -> str:
    """The story from a file or stdin ("-"), or a one-line error naming the file."""
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    if path.is_dir():
        raise errors.ParameterError(f"story {file!r} is a folder; give a text file, or - to "
                                    "read stdin.")
    if not path.exists():
        raise errors.ParameterError(f"no such story file: {file!r}.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise errors.ParameterError(f"story {file!r} is not UTF-8 text; save it as plain "
                                    "UTF-8 text.") from None


def _evidence_text(s: Any, most: int = 2) -> Text:
    out = Text()
    for k, e in enumerate(s.evidence[:most]):
        a, b = e.cue_start - e.start, e.cue_end - e.start
        left = e.sentence[max(0, a - 60):a]
        right = e.sentence[b:b + 60]
        out.append(("\n" if k else "") + ("..." if a > 60 else "") + left)
        out.append(e.sentence[a:b], style="bold")
        out.append(right + ("..." if b + 60 < len(e.sentence) else ""))
    if len(s.evidence) > most:
        out.append(f"\n(+{len(s.evidence) - most} more)", style="dim")
    return out


@app.command("suggest")
@_guard
def suggest_cmd(
    file: Annotated[str, typer.Argument(help="A news story as a UTF-8 text file; - reads stdin.")],
    data: Data = "auto",
    yaml_dir: Annotated[Path | None, typer.Option(
        "--yaml", "--out", help="Write one scenario file per suggestion into this folder.")
    ] = None,
    run_all: Annotated[bool, typer.Option(
        "--run", help="Solve every suggested scenario and print the welfare changes.")
    ] = False,
    with_brief: Annotated[bool, typer.Option(
        "--brief", help="Run the coercion brief for the main tariff's target and coercer.")
    ] = False,
    min_confidence: Annotated[float, typer.Option(help="Hide suggestions below this.")] = 0.0,
) -> None:
    """Scenarios a news story implies (tariffs, export bans, deals, ...), each traced to its
    sentences. --data auto (default): wiod2014 if the story names sectors, else world2023."""
    from .suggest import pick_world, write_yaml
    from .suggest import suggest as make_suggestions

    story = _read_story(file)
    data, why = pick_world(story, data)
    with _progress_note("reading the story..."):
        world = _load(data)
        found = make_suggestions(story, data, min_confidence=min_confidence)
    for line in [why] if why else []:
        console.print(line, style="dim")
    if not found:
        console.print(f"No trade measure recognised in {file}.")
    else:
        table = Table(title=f"Suggestions from {file} ({world.n} economies)", show_lines=True)
        for col in ("#", "suggestion", "confidence", "variants", "evidence", "assumed"):
            table.add_column(col, justify="right" if col in ("#", "confidence") else "left",
                             overflow="fold")
        for k, s in enumerate(found, start=1):
            table.add_row(str(k), s.title, f"{s.confidence:.2f} {s.mood}",
                          "\n".join(s.variants) or "-", _evidence_text(s),
                          "\n".join(s.assumptions) or "-")
        console.print(table)
    for line in found.skipped:
        console.print(f"not modelled: {line}", style="dim")
    for path in write_yaml(found, yaml_dir) if yaml_dir is not None and found else []:
        console.print(f"wrote {path}")
    if run_all and found:
        from .model import solve_many

        scenarios = [(s, v) for s in found for v in s.scenario.expand()]
        with _progress_note(f"solving {len(scenarios)} scenario(s)..."):
            results = solve_many(world, [v for _, v in scenarios])
        t = Table(title="Welfare, % change from the baseline")
        for col in ("suggestion", "variant", "actor", "targets"):
            t.add_column(col)
        for (s, v), r in zip(scenarios, results, strict=True):
            c = r.countries["welfare_pct"]
            codes = [x for x in s.targets if x in c.index]
            t.add_row(s.title, v.name if v.name != s.title else "-",
                      f"{s.actor} {c[s.actor]:+.3f}" if s.actor in c.index else "-",
                      ", ".join(f"{x} {c[x]:+.3f}" for x in codes[:4]) or "-")
        console.print(t)
    if with_brief:
        main_tariff = next((s for s in found if s.kind == "tariff"), None)
        if main_tariff is None:
            console.print("--brief: no tariff among the suggestions; nothing to brief.")
        else:
            brief(main_tariff.targets[0], against=main_tariff.actor,
                  tariff=main_tariff.rate or 0.25, data=data, bands=0)


@app.command()
@_guard
def timeline(
    data: Data = "world2023",
    countries: Annotated[str | None, typer.Option(
        help="Comma-separated economies to show (default CAN, MEX, CHN, EU27, USA).")] = None,
    theta: Theta = None,
    deficits: Annotated[str, typer.Option(help="additive or ratio.")] = "additive",
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the table.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the step chart.")
                        ] = None,
) -> None:
    """The US tariffs in force at every change date since 2025, and what each cost."""
    from .policy import timeline as run_timeline
    from .policy import timeline_html, timeline_wide

    _outputs([(csv_out, "--csv"), (html_out, "--html")], [data])
    codes = [c.strip() for c in countries.split(",") if c.strip()] if countries else None
    with _progress_note("solving every change date..."):
        table = run_timeline(_load(data), codes, theta=theta, deficits=deficits)
    wide, events = timeline_wide(table)
    out = Table(title="US tariffs in force: welfare change relative to 2024 tariffs, %")
    out.add_column("date")
    out.add_column("step")
    for c in wide.columns:
        out.add_column(c, justify="right")
    for d in wide.index:
        out.add_row(f"{d:%Y-%m-%d}", Text(str(events[d])),
                    *[f"{v:+.2f}" for v in wide.loc[d]])
    console.print(out)
    _write([(csv_out, lambda: frame_to_csv(table, index=False), "--csv"),
            (html_out, lambda: timeline_html(table), "--html")])


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:  # between commands' guards, e.g. while parsing options
        _say("interrupted:", "stopped; no output file was written.")
        sys.exit(130)
    except BrokenPipeError:  # e.g. `middlepower show CAN | head -3`
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        sys.exit(141)
    except SystemExit as exc:
        # typer turns a Ctrl-C outside the commands' guards (while it builds the command
        # line, just after start) into a silent exit 130
        if exc.code == 130 and not _state.get("interrupted"):
            _say("interrupted:", "stopped; no output file was written.")
        raise


if __name__ == "__main__":
    main()


__all__ = ["app", "main"]
