"""Every case of the bad-input table gives its named error (or exit code), never a
traceback, and docs/errors.md shows what each one prints.

Regenerate the page after changing a case or a message::

    MIDDLEPOWER_WRITE_DOCS=1 .venv/bin/python -m pytest -q tests/hardening/test_bad_inputs.py
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
import traceback
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import middlepower as mp
from hardening.cases import CASES, PENDING_ENGINE, Case, Dir, Sparse, Symlink
from middlepower.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
_BY_ID = {c.id: c for c in CASES}
_runner = CliRunner(env={"COLUMNS": "200"})


@dataclass(frozen=True)
class Outcome:
    got: str          # "exit 2", an error class name, "no error" or "traceback"
    message: str      # the line shown to the user
    full: str         # everything printed, for failure reports
    kept: bool        # files in case.keep unchanged


def _make_files(case: Case, root: Path) -> None:
    for name, spec in case.files.items():
        path = root / name
        if isinstance(spec, Dir):
            path.mkdir()
        elif isinstance(spec, Symlink):
            path.symlink_to(spec.target)
        elif isinstance(spec, Sparse):
            with path.open("wb") as fh:
                fh.truncate(spec.size)
        elif isinstance(spec, bytes):
            path.write_bytes(spec)
        else:
            path.write_text(spec, encoding="utf-8")


def _run_cli(case: Case) -> tuple[str, str, str]:
    args = shlex.split(case.input)
    assert args[0] == "middlepower", case.id
    result = _runner.invoke(app, args[1:])
    out = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(*result.exc_info))
        return "traceback", type(result.exception).__name__, out + tb
    lines = [ln for ln in out.splitlines() if ln.strip()]
    shown = next((ln for ln in lines if ln.startswith(("error:", "internal error:"))), None)
    if shown is None:
        shown = next((ln for ln in lines if re.search(case.match, ln)), lines[-1] if lines
                     else "")
    return f"exit {result.exit_code}", shown.strip(), out


@lru_cache(maxsize=1)
def _world() -> mp.World:
    return mp.load("world2023")


def _run_api(case: Case) -> tuple[str, str, str]:
    from hardening.cases import _bomb

    ns = {"mp": mp, "np": np, "pd": pd, "world": _world(), "BOMB": _bomb()}
    try:
        exec(case.input, ns)
    except mp.errors.MiddlepowerError as exc:
        return type(exc).__name__, str(exc).splitlines()[0], str(exc)
    except Exception as exc:  # a builtin error is a finding: record it as a traceback
        return "traceback", f"{type(exc).__name__}: {exc}", traceback.format_exc()
    return "no error", "", ""


@cache
def outcome(case_id: str) -> Outcome:
    """Run one case in a fresh scratch folder (cached: the doc test reuses the results)."""
    case = _BY_ID[case_id]
    old = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="mp-hardening-") as tmp:
        root = Path(tmp)
        _make_files(case, root)
        os.chdir(root)
        try:
            got, message, full = (_run_cli if case.kind == "cli" else _run_api)(case)
        finally:
            os.chdir(old)
        kept = all((root / n).read_text(encoding="utf-8") == text
                   for n, text in case.keep.items())
    return Outcome(got, message, full, kept)


def _expected_ok(case: Case, out: Outcome) -> bool:
    if case.kind == "api" and out.got not in ("traceback", "no error"):
        cls = getattr(mp.errors, case.expect)
        return issubclass(getattr(mp.errors, out.got), cls)
    return out.got == case.expect


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_named_error(case: Case) -> None:
    out = outcome(case.id)
    assert out.got != "traceback", f"{case.id}: traceback\n{out.full}"
    assert _expected_ok(case, out), f"{case.id}: expected {case.expect}, got {out.got}\n" \
                                    f"{out.full}"
    assert re.search(case.match, out.message), f"{case.id}: {out.message!r} does not match " \
                                               f"{case.match!r}"
    assert "Traceback" not in out.full
    assert out.kept, f"{case.id}: an input or previous output file was changed"


def test_table_is_large_and_ids_unique() -> None:
    ids = [c.id for c in [*CASES, *PENDING_ENGINE]]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 60


def test_pending_engine_cases_name_errors() -> None:
    """Pending cases say which error they expect, so the lead can enable them one by one."""
    for case in PENDING_ENGINE:
        assert case.kind == "cli" or case.expect[0].isupper(), case.id
        assert case.match


def _cell(text: str) -> str:
    text = text.replace("|", "\\|").replace("`", "'")
    return f"`{text}`" if text else ""


def _files_note(case: Case) -> str:
    notes = []
    for name, spec in case.files.items():
        if isinstance(spec, Dir):
            notes.append(f"{name}: a directory")
        elif isinstance(spec, Symlink):
            notes.append(f"{name} -> {spec.target}")
        elif isinstance(spec, Sparse):
            notes.append(f"{name}: {spec.size:,} bytes (sparse)")
        else:
            shown = repr(spec)
            notes.append(f"{name}: {shown[:70]}{'...' if len(shown) > 70 else ''}")
    return "; ".join(notes)


def render_doc() -> str:
    """docs/errors.md from the outcomes of every case."""
    lines = [
        "# What middlepower says to bad input",
        "",
        "Generated by `tests/hardening/test_bad_inputs.py` from `tests/hardening/cases.py`;",
        "do not edit by hand. Regenerate with `MIDDLEPOWER_WRITE_DOCS=1 .venv/bin/python -m "
        "pytest -q tests/hardening/test_bad_inputs.py`.",
        "",
        "Command-line exit codes: 0 done; 1 the model could not give an answer (no",
        "convergence, inadmissible equilibrium); 2 bad input; 3 an internal error (a bug:",
        "please report it; `middlepower --debug ...` shows the traceback); 130 interrupted.",
        "Python API calls raise the named class from `middlepower.errors`.",
        "",
        f"{len(CASES)} cases run in the test suite; "
        f"{sum(_expected_ok(c, outcome(c.id)) for c in CASES)} give the expected result."
        + (f" {len(PENDING_ENGINE)} more wait for the engine's input bounds and admissibility "
           "checks (listed at the end)." if PENDING_ENGINE else ""),
    ]
    area = None
    for case in CASES:
        if case.area != area:
            area = case.area
            lines += ["", f"## {area}", "",
                      "| case | input | files | expected | got | message |",
                      "|---|---|---|---|---|---|"]
        out = outcome(case.id)
        lines.append(f"| {case.id} | {_cell(case.input)} | {_cell(_files_note(case))} | "
                     f"{case.expect} | {out.got} | {_cell(out.message)} |")
    lines += ["", "## Pending: need the engine's checks", "",
              "| case | input | expected | message should match |", "|---|---|---|---|"]
    for case in PENDING_ENGINE:
        lines.append(f"| {case.id} | {_cell(case.input)} | {case.expect} | "
                     f"{_cell(case.match)} |")
    return "\n".join(lines) + "\n"


#: Where the web API's section (written by test_web_probes.py) starts in docs/errors.md.
WEB_HEADING = "\n# The web API: the abuse table\n"


def test_errors_doc_is_current() -> None:
    text = render_doc()
    if os.environ.get("MIDDLEPOWER_WRITE_DOCS"):
        from middlepower._atomic import atomic_write

        old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        _, sep, web = old.partition(WEB_HEADING)  # keep the web section as it is
        atomic_write(DOC, text + (sep + web if sep else ""))
    assert DOC.exists(), "docs/errors.md is missing; regenerate it (see the module docstring)"
    cli_part = DOC.read_text(encoding="utf-8").partition(WEB_HEADING)[0]
    assert cli_part.rstrip("\n") == text.rstrip("\n"), (
        "docs/errors.md is out of date; regenerate it with MIDDLEPOWER_WRITE_DOCS=1 "
        ".venv/bin/python -m pytest -q tests/hardening/test_bad_inputs.py")
