"""An error's remedy names the options of the door it came through (issue 27, item 5):
``middlepower game nash USA CAN`` said "pass local=True, widen bounds=, targets='players'"
(Python keywords the command line does not take). The command line now says flags, every
flag it advises exists and runs, and the web says JSON fields."""

from __future__ import annotations

import re
import time

import pytest
from typer.testing import CliRunner

from middlepower.cli import app

_runner = CliRunner(env={"COLUMNS": "200"})
_PYTHON = ("local=True", "bounds=", "targets='players'", "instrument='opponent'")


def _nash(*extra: str):
    return _runner.invoke(app, ["game", "nash", "USA", "CAN", *extra])


def test_cli_advice_names_flags_only() -> None:
    out = _nash()
    assert out.exit_code == 2, out.output
    msg = out.output
    assert "no interior optimum for USA's tariff" in msg and "Traceback" not in msg
    for py in _PYTHON:
        assert py not in msg, f"{py!r} is Python syntax: {msg}"
    assert "add --local" in msg and "--bounds 0,4" in msg
    assert "--targets players --instrument opponent" in msg


def test_every_advised_flag_is_taken() -> None:
    msg = _nash().output
    advised = re.findall(r"--[a-z]+(?: (?:[0-9.,]+|players|opponent))?",
                         msg.split("error:", 1)[1])
    assert {"--local", "--bounds 0,4", "--targets players", "--instrument opponent"} <= set(
        advised)
    assert _nash("--local").exit_code == 0
    assert _nash("--targets", "players", "--instrument", "opponent").exit_code == 0
    wider = _nash("--bounds", "0,4")  # still at the bound: a clear error, not a bad option
    assert wider.exit_code == 2 and "upper bound 4" in wider.output
    assert "--bounds 0,8" in wider.output


def test_readme_command_runs() -> None:
    out = _nash("--targets", "players")
    assert out.exit_code == 0, out.output
    assert "Nash tariff war" in out.output


@pytest.mark.parametrize("text", ["0", "a,b", "0,1,2"])
def test_bad_bounds_flag_is_named(text: str) -> None:
    out = _nash("--bounds", text)
    assert out.exit_code == 2 and f"--bounds {text!r}: expecting two rates" in out.output


def test_say_no_takes_bounds() -> None:
    out = _runner.invoke(app, ["game", "say-no", "CAN", "--against", "USA", "--bounds", "0,1"])
    assert out.exit_code == 0, out.output


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_web_advice_names_json_fields() -> None:
    pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
    from fastapi.testclient import TestClient

    from middlepower.web import create_app

    with TestClient(create_app(warm=False)) as client:
        r = client.post("/api/v1/game/nash", json={"players": ["USA", "CAN"],
                                                   "instrument": "uniform", "targets": "all"})
        assert r.status_code == 202, r.text
        job = r.json()
        for _ in range(600):
            if job["status"] in ("done", "error"):
                break
            time.sleep(0.05)
            job = client.get(job["status_url"]).json()
        assert job["status"] == "error", job
        msg = job["error"]
        assert '"local": true' in msg and '"bounds": [0, 4]' in msg
        assert "local=True" not in msg and "--local" not in msg
        res = client.get(job["result_url"])
        assert res.status_code == 400 and res.json()["error"]["message"] == msg
