"""The command line never shows a traceback unless asked: internal errors, --debug,
Ctrl-C, and user text printed without Rich markup."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from middlepower.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _boom(*a, **k):
    raise ZeroDivisionError("division by zero in a helper")


def test_internal_error_is_short_and_says_how_to_report(monkeypatch) -> None:
    monkeypatch.setattr("middlepower.cli._load", _boom)
    r = runner.invoke(app, ["show", "CAN"])
    assert r.exit_code == 3
    assert "internal error: ZeroDivisionError: division by zero in a helper" in r.output
    assert "This is a bug in middlepower" in r.output and "--debug" in r.output
    assert "Traceback" not in r.output


def test_debug_shows_the_traceback(monkeypatch) -> None:
    monkeypatch.setattr("middlepower.cli._load", _boom)
    r = runner.invoke(app, ["--debug", "show", "CAN"])
    assert r.exit_code == 3
    assert "Traceback (most recent call last)" in r.output and "_boom" in r.output


def test_markup_and_emoji_in_user_text_are_printed_verbatim(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text("name: '[bold red]x[/] :smile: [link=http://e.x]y[/link]'\n"
                    "description: '[/] closes nothing'\nshocks:\n"
                    "  - {type: tariff, by: USA, on: CAN, rate: 0.1}\n")
    r = runner.invoke(app, ["run", str(scen), "--top", "2"])
    assert r.exit_code == 0, r.output
    assert "[bold red]x[/] :smile: [link=http://e.x]y[/link]" in r.output
    assert "[/] closes nothing" in r.output


def test_coalition_shapley_reads_the_size_column() -> None:
    """Regression: ranking.iloc[0].size was the row's length, so Shapley ran on no partner."""
    r = runner.invoke(app, ["coalition", "CAN", "--against", "USA", "--candidates", "EU27,JPN",
                            "--instrument", "retaliation"])
    assert r.exit_code == 0, r.output
    assert "Shapley split" in r.output or "Acting alone ranks first" in r.output


@pytest.mark.parametrize("delay", [0.3, 1.5])
def test_ctrl_c_exits_130_without_traceback(tmp_path: Path, delay: float) -> None:
    """Through the console-script launcher, so Ctrl-C while numpy loads is covered too."""
    scen = tmp_path / "s.yaml"
    scen.write_text("name: ok\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n")
    out = tmp_path / "r.json"
    out.write_text("previous")
    # 'ready' once Python itself has started: a Ctrl-C before that is CPython's, not ours
    code = ("import sys; sys.stderr.write('ready\\n'); sys.stderr.flush(); "
            "from _middlepower_launch import main; main()")
    p = subprocess.Popen([sys.executable, "-c", code, "run", str(scen), "--bands", "10000",
                          "--json", str(out)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stderr is not None and p.stderr.readline() == "ready\n"
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    if p.returncode == 0 or out.read_text() != "previous":
        return  # a very fast machine finished (and wrote) first: nothing to interrupt
    assert p.returncode == 130, err
    assert "Traceback" not in err and err.startswith("interrupted:"), err
    assert out.read_text() == "previous"
