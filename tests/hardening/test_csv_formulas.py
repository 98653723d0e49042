"""Every CSV the command line or the web writes reads as text in a spreadsheet, never as a
formula (issue 27, item 7b): a text cell starting with = + - @ tab or CR gets a leading
quote, numbers (-0.32) stay numbers. One test per writer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import middlepower.cli as cli
from middlepower._csv import FORMULA_STARTS, frame_to_csv, neutral_cell

_runner = CliRunner()
_EVIL = "=cmd|' /C notepad'!'A1'"

#: A three-economy world whose first code is a formula (codes in a data file are user text).
_WORLD = ("exporter,importer,value\n=EV,USA,10\n=EV,CAN,5\n=EV,=EV,100\nUSA,=EV,8\n"
          "USA,CAN,30\nUSA,USA,500\nCAN,USA,40\nCAN,=EV,4\nCAN,CAN,200\n")


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _assert_no_formula(text: str) -> None:
    for cell in _cells(text):
        if cell[:1] in FORMULA_STARTS:
            float(cell)  # only a number may start with '-' or '+'


def test_neutral_cell_quotes_text_not_numbers() -> None:
    for start in FORMULA_STARTS:
        assert neutral_cell(start + "x") == "'" + start + "x"
    assert neutral_cell(-0.32) == -0.32
    assert neutral_cell("CAN") == "CAN"
    df = pd.DataFrame({"name": ["=1+1", "-2", "ok"], "pct": [-0.32, 1.5, -7.0]},
                      index=pd.Index(["@a", "b", "c"], name="+i"))
    back = pd.read_csv(io.StringIO(frame_to_csv(df)), index_col=0)
    assert list(back["name"]) == ["'=1+1", "'-2", "ok"]
    assert list(back.index) == ["'@a", "b", "c"] and back.index.name == "'+i"
    assert back["pct"].dtype == float and list(back["pct"]) == [-0.32, 1.5, -7.0]


@pytest.fixture()
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts written through the shared function by the command line."""
    seen: list[str] = []

    def wrapped(frame, **kw):
        out = frame_to_csv(frame, **kw)
        seen.append(out)
        return out

    monkeypatch.setattr(cli, "frame_to_csv", wrapped)
    return seen


def _invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.csv").write_text(_WORLD)
    result = _runner.invoke(cli.app, [*args, "--csv", "out.csv"])
    assert result.exit_code == 0, result.output
    return (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_run_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy: list[str]) -> None:
    (tmp_path / "f.yaml").write_text(
        "name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n"
        f"variants:\n  \"{_EVIL}\": {{}}\n  \"-2+3\": {{}}\n  \"@SUM(A1)\": {{}}\n")
    text = _invoke(tmp_path, monkeypatch, "run", "f.yaml")
    assert spy == [text]
    cells = _cells(text)
    assert "'" + _EVIL in cells and "'-2+3" in cells and "'@SUM(A1)" in cells
    _assert_no_formula(text)
    back = pd.read_csv(io.StringIO(text))
    assert back["welfare_pct"].dtype == float and (back["welfare_pct"] < 0).any()


def test_leverage_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy: list[str]) -> None:
    text = _invoke(tmp_path, monkeypatch, "leverage", "--data", "w.csv")
    assert spy == [text] and "'=EV" in _cells(text)
    _assert_no_formula(text)
    assert (pd.read_csv(io.StringIO(text))["weaker_change_pct"] < 0).all()


def test_coalition_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy: list[str]) -> None:
    text = _invoke(tmp_path, monkeypatch, "coalition", "=EV", "--against", "USA",
                   "--candidates", "CAN", "--data", "w.csv")
    assert spy == [text]
    _assert_no_formula(text)


def test_game_nash_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy: list[str]) -> None:
    text = _invoke(tmp_path, monkeypatch, "game", "nash", "CAN", "=EV", "--data", "w.csv")
    assert spy == [text] and "'=EV" in _cells(text)
    _assert_no_formula(text)


def test_game_say_no_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy: list[str]
                         ) -> None:
    text = _invoke(tmp_path, monkeypatch, "game", "say-no", "=EV", "--against", "USA",
                   "--data", "w.csv")
    assert spy == [text]
    _assert_no_formula(text)
    assert (pd.read_csv(io.StringIO(text))["target_welfare_pct"] < 0).any()


def test_timeline_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spy: list[str]) -> None:
    text = _invoke(tmp_path, monkeypatch, "timeline", "--countries", "CAN,USA")
    assert spy == [text]
    _assert_no_formula(text)


def test_no_cli_csv_bypasses_the_shared_function() -> None:
    """A new ``--csv`` writer must use frame_to_csv too: no raw ``.to_csv(`` in the CLI."""
    source = Path(cli.__file__).read_text(encoding="utf-8")
    assert ".to_csv(" not in source


@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_web_csv() -> None:
    pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
    from fastapi.testclient import TestClient

    from middlepower.web import create_app

    with TestClient(create_app(warm=False)) as client:
        _web_csv(client)


def _web_csv(client) -> None:
    body = {"scenario": {"name": _EVIL, "shocks": [
        {"type": "tariff", "by": "USA", "on": "CAN", "rate": 0.25}],
        "variants": {"-1+1": {}, "@A1": {}}}}
    r = client.post("/api/v1/solve?format=csv", json=body)
    assert r.status_code == 200, r.text
    cells = _cells(r.text)
    assert "'-1+1" in cells and "'@A1" in cells
    _assert_no_formula(r.text)
