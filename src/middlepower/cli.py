"""The ``middlepower`` command: parse, call the Python API, print with rich. No model logic.

Exit codes: 0 ok; 2 bad input (a message, no traceback); 1 a solver that did not converge.
"""

from __future__ import annotations

import json
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
err = Console(stderr=True)

Data = Annotated[str, typer.Option("--data", "-d", help="Dataset name or path to a long table.")]


def _fail(exc: Exception, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    raise typer.Exit(code)


def _guard(fn):  # noqa: ANN001, ANN202 - decorator for commands
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return fn(*args, **kwargs)
        except errors.ConvergenceError as exc:
            _fail(exc, 1)
        except (errors.MiddlepowerError, FileNotFoundError, ValueError) as exc:
            _fail(exc, 2)

    return wrapper


def _load(data: str):  # noqa: ANN202
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


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()


__all__ = ["app", "main"]
