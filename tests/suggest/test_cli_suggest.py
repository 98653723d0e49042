"""``middlepower suggest``: table, YAML files, --run, --brief, and one-line errors."""

from __future__ import annotations

from typer.testing import CliRunner

import middlepower as mp
from middlepower.cli import app

runner = CliRunner(env={"COLUMNS": "200"})
STORY = ("The United States imposed a 25% tariff on Canadian goods, and Ottawa vowed to "
         "retaliate.\nCanada also signed a trade agreement with the European Union.\n")


def test_suggest_prints_writes_and_runs(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    out = tmp_path / "scenarios"
    r = runner.invoke(app, ["suggest", str(story), "--yaml", str(out), "--run"])
    assert r.exit_code == 0, r.output
    assert "USA tariff on CAN (25%)" in r.stdout and "CAN-EU27 trade agreement" in r.stdout
    assert "Welfare, % change" in r.stdout and "retaliate" in r.stdout
    files = sorted(out.glob("*.yaml"))
    assert len(files) == 2
    scenario = mp.Scenario.from_yaml(next(f for f in files if "tariff" in f.name))
    assert scenario.data == "world2023" and scenario.shocks[0].by == "USA"
    assert files[0].read_text().startswith("# USA tariff on CAN (25%)")


def test_suggest_from_stdin_with_brief():
    r = runner.invoke(app, ["suggest", "-", "--brief"], input=STORY)
    assert r.exit_code == 0, r.output
    assert "Coercion brief: CAN against USA, tariff 25%" in r.stdout


def test_suggest_no_trade_story(tmp_path):
    story = tmp_path / "calm.txt"
    story.write_text("The leaders of Japan and Australia met for dinner.", encoding="utf-8")
    r = runner.invoke(app, ["suggest", str(story), "--yaml", str(tmp_path / "o")])
    assert r.exit_code == 0 and "No trade measure recognised" in r.stdout
    assert not (tmp_path / "o").exists()


def test_suggest_bad_inputs_exit_2(tmp_path):
    r = runner.invoke(app, ["suggest", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "no such story file" in r.output
    assert "Traceback" not in r.output
    binary = tmp_path / "story.bin"
    binary.write_bytes(b"\xff\xfe\x00tariff")
    r = runner.invoke(app, ["suggest", str(binary)])
    assert r.exit_code == 2 and "not UTF-8" in r.output
    r = runner.invoke(app, ["suggest", str(tmp_path)])
    assert r.exit_code == 2 and "is a folder" in r.output
    story = tmp_path / "s.txt"
    story.write_text(STORY, encoding="utf-8")
    (tmp_path / "taken").write_text("x")
    r = runner.invoke(app, ["suggest", str(story), "--yaml", str(tmp_path / "taken")])
    assert r.exit_code == 2 and "is a file" in r.output
    r = runner.invoke(app, ["suggest", str(story), "--data", "world1900"])
    assert r.exit_code == 2 and "world1900" in r.output


def test_a_story_naming_sectors_is_built_on_the_multi_sector_default(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Beijing halted shipments of gallium to Seoul.\n", encoding="utf-8")
    r = runner.invoke(app, ["suggest", str(story), "--yaml", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    assert f"built on {mp.data.DEFAULT_SECTOR_DATASET}" in r.stdout
    assert "CHN export ban on KOR (metals)" in r.stdout
    scenario = mp.Scenario.from_yaml(next((tmp_path / "s").glob("*.yaml")))
    assert scenario.data == mp.data.DEFAULT_SECTOR_DATASET
    r = runner.invoke(app, ["suggest", str(story), "--data", "world2023"])
    assert "built on" not in r.stdout and "(39 economies)" in r.stdout
