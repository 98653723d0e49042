"""The command line on today's tariffs: --as-of and the timeline."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from middlepower.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def test_brief_as_of_starts_from_tariffs_in_force(tmp_path):
    now, base = tmp_path / "now.json", tmp_path / "base.json"
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--bands", "0",
                            "--as-of", "2026-01-20", "--json", str(now)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--bands", "0",
                            "--json", str(base)])
    assert r.exit_code == 0, r.output
    give_in = {p: {x["name"]: x for x in json.loads(f.read_text())["responses"]}["give in"]
               for p, f in (("now", now), ("base", base))}
    # with 10% already in force, moving to 25% costs Canada less than from 2014 tariffs
    assert give_in["base"]["target_welfare_pct"] < give_in["now"]["target_welfare_pct"] < 0


def test_as_of_outside_the_tracker_exits_2():
    r = runner.invoke(app, ["brief", "CAN", "--against", "USA", "--as-of", "2024-01-20"])
    assert r.exit_code == 2 and "2025-01-01 to 2026-09-21" in r.output


def test_timeline_writes_csv(tmp_path):
    out = tmp_path / "t.csv"
    r = runner.invoke(app, ["timeline", "--countries", "CAN,USA", "--csv", str(out)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out)
    assert set(t.country) == {"CAN", "USA"}
    first = t[t.date == t.date.min()]
    assert (first.welfare_pct.abs() < 1e-9).all()      # the 2024 tariffs: no change
    assert t[t.country == "CAN"].welfare_pct.min() < -0.5
