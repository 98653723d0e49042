"""The command line on a multi-sector world: sector tariffs from a file and from --sectors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from middlepower.cli import app

runner = CliRunner(env={"COLUMNS": "200"})
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_run_sector_tariff_example(tmp_path):
    out = tmp_path / "r.csv"
    r = runner.invoke(app, ["run", str(EXAMPLES / "us_sector_tariffs_on_canada.yaml"),
                            "--csv", str(out)])
    assert r.exit_code == 0, r.output
    assert "theta=sectoral" in r.stdout
    t = pd.read_csv(out).set_index(["scenario", "country"])["welfare_pct"]
    give_in = t[("give in", "CAN")]
    assert give_in < 0
    # duty-free entry for USMCA-qualifying autos cuts Canada's loss
    assert give_in < t[("USMCA exemption", "CAN")] < 0
    # retaliating on every US good costs the US more than on three sectors
    assert t[("retaliate on everything", "USA")] < t[("retaliate on the same sectors", "USA")] < 0


def test_brief_with_sectors(tmp_path):
    out = tmp_path / "b.json"
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--data", "wiod2014",
                            "--sectors", "steel,autos", "--bands", "0", "--json", str(out)])
    assert r.exit_code == 0, r.output
    b = json.loads(out.read_text())
    assert b["sectors"] == ["steel", "autos"]
    top = {row["sector"] for row in b["sector_exposure"][:3]}
    assert "C29" in top                       # autos: among Canada's largest sales to the US
    assert "Canada: sectors losing most output" in r.stdout


def test_unknown_sector_exits_2():
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--data", "wiod2014",
                            "--sectors", "steal", "--bands", "0"])
    assert r.exit_code == 2
    assert "did you mean 'steel'" in r.output and "Traceback" not in r.output


def test_show_lists_export_sectors_and_aliases():
    r = runner.invoke(app, ["show", "CAN", "--data", "wiod2014", "--top", "3"])
    assert r.exit_code == 0, r.output
    assert "largest export sectors of CAN" in r.stdout and "Mining" in r.stdout
    assert "steel" in r.stdout
    r = runner.invoke(app, ["datasets"])
    assert r.exit_code == 0 and "wiod2014" in r.stdout and "50" in r.stdout


def test_brief_with_sectors_defaults_to_icio2022(tmp_path):
    out = tmp_path / "b.json"
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--sectors", "steel",
                            "--bands", "0", "--no-game", "--json", str(out)])
    assert r.exit_code == 0, r.output
    assert "Baseline: icio2022" in r.stdout
    b = json.loads(out.read_text())
    assert b["sectors"] == ["steel"]
    assert "the 2014 applied tariffs" in r.stdout       # older than the 2022 flows: say so
