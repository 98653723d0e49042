"""The command line: commands run, outputs are written, bad input exits 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from middlepower.cli import app

runner = CliRunner(env={"COLUMNS": "200"})
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_datasets_and_show():
    r = runner.invoke(app, ["datasets"])
    assert r.exit_code == 0 and "world2023-full" in r.stdout
    r = runner.invoke(app, ["show", "CAN"])
    assert r.exit_code == 0 and "United States" in r.stdout and "74.6%" in r.stdout


def test_show_unknown_country_exits_2():
    r = runner.invoke(app, ["show", "CANADA"])
    assert r.exit_code == 2
    assert "did you mean 'CAN'" in r.output and "Traceback" not in r.output


def test_brief_writes_json_and_html(tmp_path):
    out_json, out_html = tmp_path / "b.json", tmp_path / "b.html"
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--json", str(out_json),
                            "--html", str(out_html)])
    assert r.exit_code == 0, r.output
    assert "Saying no" in r.stdout
    assert json.loads(out_json.read_text())["target"] == "CAN"
    assert out_html.read_text().startswith("<!DOCTYPE html>")


def test_brief_without_the_tariff_game(tmp_path):
    """--no-game leaves out the say-no analysis (the brief's slowest part); the default
    on one-sector data has it, in the terminal and in the JSON."""
    out = tmp_path / "b.json"
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--bands", "0", "--no-game",
                            "--json", str(out)])
    assert r.exit_code == 0, r.output
    assert "Nash war" not in r.stdout and json.loads(out.read_text())["say_no"] is None
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--bands", "0"])
    assert r.exit_code == 0 and "Nash war" in r.stdout


def test_brief_bad_tariff_exits_2():
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--tariff", "25"])
    assert r.exit_code == 2 and "Did you mean 0.25" in r.output


def test_run_scenario_file(tmp_path):
    csv = tmp_path / "r.csv"
    r = runner.invoke(app, ["run", str(EXAMPLES / "usmca_ends.yaml"), "--csv", str(csv),
                            "--html", str(tmp_path / "r.html"), "--json", str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    assert "with MFN tariffs" in r.stdout
    assert "scenario" in csv.read_text().splitlines()[0]


def test_run_bad_file_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: -1}\n")
    r = runner.invoke(app, ["run", str(bad)])
    assert r.exit_code == 2 and "bad.yaml: line 3" in r.output
    r = runner.invoke(app, ["run", str(tmp_path / "missing.yaml")])
    assert r.exit_code == 2 and "no such scenario file" in r.output


def test_leverage_command(tmp_path):
    r = runner.invoke(app, ["leverage", "--countries", "USA,CAN,MEX,CHN", "--html",
                            str(tmp_path / "l.html"), "--csv", str(tmp_path / "l.csv")])
    assert r.exit_code == 0, r.output
    assert "USA" in r.stdout and (tmp_path / "l.html").read_text().startswith("<!DOCTYPE")
    assert len((tmp_path / "l.csv").read_text().splitlines()) == 7


def test_coalition_command():
    r = runner.invoke(app, ["coalition", "CAN", "--against", "USA", "--candidates",
                            "EU27,GBR,JPN", "--top", "3"])
    assert r.exit_code == 0, r.output
    assert "Shapley split" in r.stdout and "EU27" in r.stdout
    r = runner.invoke(app, ["coalition", "CAN", "--against", "USA", "--candidates", "EU"])
    assert r.exit_code == 2 and "did you mean" in r.output
