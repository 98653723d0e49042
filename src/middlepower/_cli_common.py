"""What every command of :mod:`middlepower.cli` shares: the consoles, the guard that turns
errors into one-line messages and exit codes, the checks of options, atomic output, and
number formats."""

from __future__ import annotations

import functools
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import errors

console = Console(markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)

#: Where to report internal errors.
ISSUES_URL = "the middlepower issue tracker"
#: Most draws for --bands: each draw solves every variant again.
MAX_BANDS = 10_000
_state: dict[str, Any] = {"debug": bool(os.environ.get("MIDDLEPOWER_DEBUG"))}


def _say(label: str, message: str, style: str = "bold red") -> None:
    err.print(Text.assemble((label, style), " ", str(message)))


def _fail(exc: BaseException | str, code: int = 2) -> None:
    # an error whose remedy names options says them as flags here (MiddlepowerError.doors)
    _say("error:", exc.for_door("cli") if isinstance(exc, errors.MiddlepowerError) else str(exc))
    raise typer.Exit(code)


def _os_message(exc: OSError) -> str:
    name = f" {str(exc.filename)!r}" if exc.filename else ""
    return f"{exc.strerror or type(exc).__name__}:{name}." if exc.strerror else str(exc)


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure of a command into one line and an exit code (see the module)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _state["written"] = []
        _state["pending"] = []
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):  # the framework's own exits: let typer handle them
            raise
        except errors.ConvergenceError as exc:  # also InadmissibleEquilibriumError
            _fail(exc, 1)
        except errors.MiddlepowerError as exc:
            _fail(exc, 2)
        except OSError as exc:  # a file the user pointed at: missing, a directory, no access
            _fail(_os_message(exc), 2)
        except KeyboardInterrupt:
            _say("interrupted:", _unwritten_note())
            _state["interrupted"] = True
            raise typer.Exit(130) from None
        except MemoryError:
            _fail("out of memory; try fewer --bands draws, fewer countries or a smaller "
                  "dataset.", 1)
        except Exception as exc:
            if _state["debug"]:
                traceback.print_exc()
            _say("internal error:", f"{type(exc).__name__}: {exc}")
            err.print(f"This is a bug in middlepower, not in your input. Please report it to "
                      f"{ISSUES_URL} with the command you ran"
                      + ("." if _state["debug"] else
                         " and the output of the same command with --debug "
                         "(middlepower --debug ...)."))
            raise typer.Exit(3) from None

    return wrapper


def _unwritten_note() -> str:
    pending = [str(p) for p in _state.get("pending", []) if p not in _state.get("written", [])]
    if not pending:
        return "stopped; no output file was written."
    return f"stopped; not written: {', '.join(pending)} (previous files, if any, are intact)."


def _int_option(option: str, value: int | None, lo: int, hi: int | None = None,
                allow: Sequence[int] = ()) -> None:
    """Refuse an integer option outside [lo, hi], naming the option."""
    if value is None or value in allow:
        return
    if value < lo or (hi is not None and value > hi):
        rng = f"between {lo} and {hi:,}" if hi is not None else f"at least {lo}"
        extra = f" (or {', '.join(map(str, allow))})" if allow else ""
        raise errors.ParameterError(f"{option} must be {rng}{extra}; got {value}.")


def _sector_list(sectors: str | None) -> list[str] | None:
    """``"steel, autos"`` -> ``["steel", "autos"]``; None or empty: the default."""
    if sectors is None:
        return None
    items = [x.strip() for x in sectors.split(",") if x.strip()]
    if not items:
        raise errors.ParameterError("--sectors is empty; give sector codes or aliases, e.g. "
                                    "--sectors steel,autos (see: middlepower show DATA).")
    return items


def _check_bands(bands: int) -> None:
    _int_option("--bands", bands, 2, MAX_BANDS, allow=(0,))


_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx|inproc)://)?"
                        r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))"
                        r":\d{1,5}/?$")


def _check_scheduler(address: str | None) -> None:
    if address is not None and not _SCHEDULER.match(address):
        raise errors.ParameterError(f"--scheduler {address!r} is not a Dask scheduler address; "
                                    "expecting host:port, e.g. tcp://10.0.0.5:8786.")


def _outputs(targets: Sequence[tuple[Path | None, str]], inputs: Sequence[Any] = ()) -> None:
    """Check every output path before any work, so a typo costs nothing."""
    from ._atomic import check_targets

    chosen = [(p, opt) for p, opt in targets if p is not None]
    check_targets(chosen, [i for i in inputs if i is not None and Path(str(i)).is_file()])
    _state["pending"] = [str(p) for p, _ in chosen]


def _write(outputs: Sequence[tuple[Path | None, Callable[[], str], str]]) -> None:
    """Compute every output's text, then write them all (atomic, all or nothing)."""
    from ._atomic import write_outputs

    ready = [(p, make(), opt) for p, make, opt in outputs if p is not None]
    for path in write_outputs(ready):
        _state["written"].append(str(path))
        console.print(f"wrote {path}")
    # a page written without its charts (the renderer failed, e.g. under a memory limit)
    html = sys.modules.get("middlepower.report.html")
    if html is not None and html.chart_failure and any(o == "--html" for _, _, o in ready):
        _say("warning:", f"the --html page has no charts: {html.chart_failure[-1]}; its "
             "tables and text are complete.", "bold yellow")


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:,.{digits}f}"


def _balance(deficit: float) -> tuple[str, str]:
    """("goods trade surplus", "11.43") for a negative deficit: words, not a sign."""
    if round(deficit, 2) == 0:
        return "goods trade balance", "balanced"
    return ("goods trade deficit" if deficit > 0 else "goods trade surplus",
            _fmt(abs(deficit)))


def _pct(x: float, digits: int = 2) -> str:
    """A signed percentage without "-0.00"."""
    from .report.text import human_pct

    return human_pct(x, digits)


def _progress_note(text: str):
    return console.status(text, spinner="dots")


def _table(title: str, heads: Sequence[tuple[str, str]]) -> Table:
    """A table that wraps, never cuts: every column folds its text at 80 columns."""
    table = Table(title=title, title_justify="left")
    for name, justify in heads:
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    return table


def _responses_table(b: Any, bands: int) -> Table:
    """The brief's responses in real income, with amounts: fits 80 columns."""
    unit = b.unit or b.world.unit or "amount"
    heads = [("response", "left"), (f"{b.target} real income", "right"), (unit, "right")]
    if bands:
        heads.append(("5-95%", "right"))
    short = "target_welfare_short_pct" in b.responses
    if short:
        heads.append(("this year", "right"))
    heads += [(f"{b.against} real income", "right"), ("world", "right")]
    table = _table("Responses: % change from the baseline (long run; 'this year': trade "
                   "responding as in the first year)", heads)
    covers = b.responses.get("retaliation_covers")
    if covers is not None:
        said = {n: c for n, c in covers.items() if c != "no retaliation"}
        table.caption = "Retaliation covers: " + "; ".join(f"{n}: {c}" for n, c in said.items())
        table.caption_justify = "left"
    for name, row in b.responses.iterrows():
        band = ([f"{row.target_welfare_p5:+.2f}, {row.target_welfare_p95:+.2f}"]
                if bands else [])
        year = [_pct(row.target_welfare_short_pct)] if short else []
        table.add_row(str(name), _pct(row.target_welfare_pct),
                      f"{row.target_welfare_change:+,.1f}", *band, *year,
                      _pct(row.against_welfare_pct), _pct(row.world_welfare_pct))
    return table
