"""The ``middlepower`` command: parse, call the Python API, print with rich. No model logic.

Exit codes: 0 ok; 2 bad input (a message, no traceback); 1 a solver that did not converge.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import errors

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Measure economic coercion in world trade and design coalition "
                       "responses (structural gravity, exact hat algebra).")
console = Console()
err = Console(stderr=True, soft_wrap=True)

Data = Annotated[str, typer.Option("--data", "-d", help="Dataset name or path to a long table.")]


def _fail(exc: Exception, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    raise typer.Exit(code)


def _guard(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except errors.ConvergenceError as exc:
            _fail(exc, 1)
        except (errors.MiddlepowerError, FileNotFoundError) as exc:
            _fail(exc, 2)

    return wrapper


def _load(data: str):
    from .data import load

    return load(data)


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:,.{digits}f}"


@app.command()
@_guard
def datasets() -> None:
    """List the datasets shipped with middlepower."""
    from .data import datasets as _datasets

    table = Table(title="middlepower datasets")
    for col in ("name", "economies", "year", "unit", "description"):
        table.add_column(col)
    for name, row in _datasets().iterrows():
        table.add_row(str(name), str(row.economies), str(row.year), row.unit, row.description)
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
    head.add_row("trade deficit", _fmt(s.deficit))
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
    console.print(f"[dim]source: {world.source[:160]}...[/]" if world.source else "")


def _progress_note(text: str):
    return console.status(text, spinner="dots")


@app.command()
@_guard
def brief(
    target: Annotated[str, typer.Argument(help="The coerced economy, e.g. CAN.")],
    against: Annotated[str, typer.Option("--against", "-a", help="The hegemon, e.g. USA.")],
    tariff: Annotated[float, typer.Option(help="Coercive tariff, 0.25 = 25%.")] = 0.25,
    data: Data = "world2023",
    theta: Annotated[float, typer.Option(help="Trade elasticity.")] = 5.0,
    deficits: Annotated[str, typer.Option(help="additive or ratio.")] = "additive",
    bands: Annotated[int, typer.Option(help="Draws for 5-95% uncertainty bands; 0 for none."
                                       )] = 200,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the brief as JSON.")
                        ] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML brief.")
                        ] = None,
) -> None:
    """The coercion brief: exposure, and the cost of giving in, retaliating, diversifying
    or joining a coalition."""
    from .report import brief as make_brief

    with _progress_note("loading data and solving the responses..."):
        world = _load(data)
        b = make_brief(world, target, against, tariff, theta=theta, deficits=deficits,
                       bands=bands)
    e = b.exposure
    console.rule(f"[bold]Coercion brief: {b.target} against {b.against}, tariff {tariff:.0%}")
    console.print(f"[bold]{b.headline}[/]")
    for n in b.notes:
        console.print(n)
    console.print(
        f"Exposure: {e['export_share_pct']:.1f}% of {b.target}'s exports go to {b.against} "
        f"({e['exports_pct_of_output']:.1f}% of its output); {b.against} sends "
        f"{e['reverse_export_share_pct']:.1f}% of its exports to {b.target}.")
    table = Table(title="Responses: % change from the baseline")
    cols = ["target_welfare_pct", "target_real_gdp_pct", "against_welfare_pct",
            "against_real_gdp_pct", "world_welfare_pct"]
    heads = [f"{b.target} welfare", f"{b.target} real GDP", f"{b.against} welfare",
             f"{b.against} real GDP", "world welfare"]
    table.add_column("response")
    for h in heads:
        table.add_column(h, justify="right")
    if bands:
        table.add_column(f"{b.target} welfare 5-95%", justify="right")
    for name, row in b.responses.iterrows():
        band = [f"[{row.target_welfare_p5:+.2f}, {row.target_welfare_p95:+.2f}]"] if bands else []
        table.add_row(str(name), *[f"{row[c]:+.3f}" for c in cols], *band)
    console.print(table)
    if json_out:
        b.to_json(json_out)
        console.print(f"wrote {json_out}")
    if html_out:
        with _progress_note("rendering HTML..."):
            b.to_html(html_out)
        console.print(f"wrote {html_out}")


@app.command()
@_guard
def run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    data: Annotated[str | None, typer.Option("--data", "-d", help="Override the file's data.")
                    ] = None,
    theta: Annotated[float | None, typer.Option(help="Override the file's theta.")] = None,
    top: Annotated[int, typer.Option(help="Rows per table (largest welfare changes).")] = 12,
    bands: Annotated[int, typer.Option(help="Draws for 5-95% welfare bands (0: none).")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results as JSON.")
                        ] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write results as CSV.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write an HTML report.")
                        ] = None,
) -> None:
    """Solve a scenario file; one table per variant."""
    from .model import solve_many
    from .scenario import Scenario

    scenario = Scenario.from_yaml(file)
    world = _load(data or scenario.data or "world2023")
    scenario.check(world)
    variants = scenario.expand()
    th = theta if theta is not None else (scenario.theta or 5.0)
    from rich.progress import Progress

    with Progress(transient=True, console=console) as bar:
        task = bar.add_task(f"solving {len(variants)} variant(s)", total=len(variants))
        results = solve_many(world, variants, theta=th, deficits=scenario.deficits or "additive",
                             progress=lambda k: bar.update(task, completed=k))
    console.rule(f"[bold]{scenario.name}[/] (theta={th:g}, {scenario.deficits or 'additive'}, "
                 f"{world.n} economies)")
    if scenario.description:
        console.print(scenario.description.strip())
    band_table = None
    if bands:
        from .uncertainty import uncertainty

        with _progress_note(f"drawing {bands} parameter sets per variant..."):
            band_table = uncertainty(world, variants, n=bands, theta=(0.8 * th, 1.2 * th),
                                     deficits=scenario.deficits or "additive").table
    cols = ["welfare_pct", "real_gdp_pct", "exports_pct", "imports_pct", "terms_of_trade_pct"]
    for r in results:
        c = r.countries
        order = c["welfare_pct"].abs().sort_values(ascending=False).index[:top]
        table = Table(title=f"{r.name}: % change ({r.iterations} iterations)")
        table.add_column("economy")
        for col in cols:
            table.add_column(col.removesuffix("_pct").replace("_", " "), justify="right")
        if band_table is not None:
            table.add_column("welfare 5-95%", justify="right")
        for code in order:
            extra = []
            if band_table is not None:
                row = band_table.loc[(r.name, code)]
                extra = [f"[{row.welfare_pct_p5:+.2f}, {row.welfare_pct_p95:+.2f}]"]
            table.add_row(code, *[f"{c.loc[code, col]:+.3f}" for col in cols], *extra)
        console.print(table)
    if json_out:
        json_out.write_text(results.countries.to_json(orient="records", indent=1),
                            encoding="utf-8")
        console.print(f"wrote {json_out}")
    if csv_out:
        results.countries.to_csv(csv_out, index=False)
        console.print(f"wrote {csv_out}")
    if html_out:
        from .report.html import results_html

        html_out.write_text(results_html(world, results, scenario.name), encoding="utf-8")
        console.print(f"wrote {html_out}")


Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", help="Dask scheduler address (tcp://host:8786); local batches if omitted.")]


@app.command()
@_guard
def leverage(
    data: Data = "world2023",
    tariff: Annotated[float, typer.Option(help="Tariff each side sets on the other.")] = 0.25,
    embargo: Annotated[bool, typer.Option(help="Stop all trade instead of a tariff.")] = False,
    countries: Annotated[str | None, typer.Option(help="Comma-separated subset.")] = None,
    theta: Annotated[float, typer.Option(help="Trade elasticity.")] = 5.0,
    top: Annotated[int, typer.Option(help="Rows to print (largest gaps).")] = 15,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the pair table.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write a heatmap page.")
                        ] = None,
    scheduler: Scheduler = None,
) -> None:
    """The leverage matrix: bilateral trade wars between every pair of economies."""
    from rich.progress import Progress

    from .coercion import leverage as run_leverage

    world = _load(data)
    codes = [c.strip() for c in countries.split(",")] if countries else None
    n = len(codes) if codes else world.n
    with Progress(transient=True, console=console) as bar:
        task = bar.add_task(f"{n * (n - 1) // 2} trade wars", total=n * (n - 1) // 2)
        lev = run_leverage(world, tariff, embargo=embargo, countries=codes, theta=theta,
                           executor=scheduler, progress=lambda k: bar.update(task, completed=k))
    table = Table(title=f"Leverage ({lev.how}): largest asymmetries")
    for col in ("A", "B", "A loss %", "B loss %", "B/A", "gap pp"):
        table.add_column(col, justify="left" if col in "AB" else "right")
    t = lev.table.assign(abs_gap=lev.table.gap_pp.abs()).nlargest(top, "abs_gap")
    for r in t.itertuples():
        table.add_row(r.a, r.b, f"{r.loss_a:.3f}", f"{r.loss_b:.3f}",
                      f"{r.leverage_a_over_b:.2f}", f"{r.gap_pp:+.3f}")
    console.print(table)
    if csv_out:
        lev.table.to_csv(csv_out, index=False)
        console.print(f"wrote {csv_out}")
    if html_out:
        from .report.html import leverage_html

        html_out.write_text(leverage_html(lev, world, f"Leverage matrix, {data}"),
                            encoding="utf-8")
        console.print(f"wrote {html_out}")


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
    theta: Annotated[float, typer.Option(help="Trade elasticity.")] = 5.0,
    top: Annotated[int, typer.Option(help="Coalitions to list.")] = 10,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the ranking.")] = None,
    scheduler: Scheduler = None,
) -> None:
    """Search the coalitions of partners that cut the target's loss most."""
    from rich.progress import Progress

    from . import coalition as co

    world = _load(data)
    cands = [c.strip() for c in candidates.split(",") if c.strip()]
    with Progress(transient=True, console=console) as bar:
        task = bar.add_task("solving coalitions", total=None)
        ranking = co.search(world, target, against, cands, instrument=instrument,
                            objective=objective, max_size=max_size, require_all_gain=all_gain,
                            tariff=tariff, top=None, theta=theta, executor=scheduler,
                            progress=lambda k: bar.update(task, completed=k))
    table = Table(title=f"Coalitions for {target} against {against} ({instrument}), "
                        f"{len(ranking)} evaluated")
    for col in ("coalition", f"{target} welfare %", "gain vs give in pp", f"{against} welfare %",
                "all gain", "worst member (pp)"):
        table.add_column(col, justify="left" if col == "coalition" else "right")
    for r in ranking.head(top).itertuples():
        table.add_row(r.coalition, f"{r.target_welfare_pct:+.3f}", f"{r.target_gain_pp:+.3f}",
                      f"{r.against_welfare_pct:+.3f}", "yes" if r.all_gain else "no",
                      f"{r.worst_member} ({r.min_member_gain_pp:+.3f})")
    console.print(table)
    if shapley and len(ranking) and ranking.iloc[0].size > 0:
        best = list(ranking.iloc[0].partners)
        sh = co.shapley(world, target, against, best, instrument=instrument, tariff=tariff,
                        theta=theta, executor=scheduler)
        st = Table(title=f"Shapley split of the gain of {'+'.join([target, *best])} "
                         f"({world.unit})")
        for col in ("member", "shapley", "share %", "alone"):
            st.add_column(col, justify="left" if col == "member" else "right")
        for name, r in sh.iterrows():
            st.add_row(str(name), f"{r.shapley:,.2f}", f"{r.share_pct:.1f}",
                       f"{r.standalone:,.2f}")
        console.print(st)
    if csv_out:
        ranking.to_csv(csv_out, index=False)
        console.print(f"wrote {csv_out}")


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()


__all__ = ["app", "main"]
