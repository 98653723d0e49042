"""Outputs are atomic and all-or-nothing: a failure never leaves a half file or a partial
set, and the previous files survive."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import middlepower as mp
import middlepower._atomic as atomic
from middlepower.cli import app
from middlepower.errors import OutputError

runner = CliRunner(env={"COLUMNS": "200"})
OK = "name: ok\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic.atomic_write(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_failed_temp_write_leaves_every_old_file(tmp_path: Path, monkeypatch) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.html"
    a.write_text("old a")
    b.write_text("old b")
    real = atomic._write_temp
    calls = []

    def flaky(path: Path, data: bytes) -> Path:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "_write_temp", flaky)
    with pytest.raises(OutputError, match=r"No space left on device.*nothing was written.*"
                                          r"left as they were"):
        atomic.write_outputs([(a, "new a", "--csv"), (b, "new b", "--html")])
    assert a.read_text() == "old a" and b.read_text() == "old b"
    assert _leftovers(tmp_path) == []


def test_interrupt_during_write_leaves_old_files(tmp_path: Path, monkeypatch) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a")
    b.write_text("old b")
    real_fsync = os.fsync
    n = []

    def interrupted(fd: int) -> None:
        n.append(fd)
        if len(n) == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_outputs([(a, "new a", None), (b, "new b", None)])
    assert a.read_text() == "old a" and b.read_text() == "old b"
    assert _leftovers(tmp_path) == []


def test_failed_rename_says_what_was_and_was_not_written(tmp_path: Path, monkeypatch) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    real = os.replace
    n = []

    def flaky(src, dst) -> None:
        n.append(dst)
        if len(n) == 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OutputError, match=r"written: '.*a\.csv'; not written: '.*b\.csv'"):
        atomic.write_outputs([(a, "new a", None), (b, "new b", None)])
    assert a.read_text() == "new a" and not b.exists()
    assert _leftovers(tmp_path) == []


def test_brief_to_json_into_missing_folder(tmp_path: Path) -> None:
    world = mp.World.from_matrix(["AAA", "BBB", "CCC"],
                                 [[80.0, 10, 5], [8, 60, 6], [4, 7, 50]])
    b = mp.brief(world, "AAA", against="BBB", bands=0, diversify_with=["CCC"],
                 coalition=["CCC"])
    with pytest.raises(OutputError, match="does not exist"):
        b.to_json(tmp_path / "missing" / "b.json")
    assert not (tmp_path / "missing").exists()
    text = b.to_json(tmp_path / "b.json")
    assert (tmp_path / "b.json").read_text() == text


def test_cli_writes_no_output_when_one_fails_to_render(tmp_path: Path, monkeypatch) -> None:
    """--json, --csv and --html: the HTML fails, so the old JSON and CSV stay as they were."""
    scen = tmp_path / "s.yaml"
    scen.write_text(OK)
    out = {k: tmp_path / f"r.{k}" for k in ("json", "csv", "html")}
    for p in out.values():
        p.write_text("previous")

    def broken(*a, **k):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("middlepower.report.html.results_html", broken)
    r = runner.invoke(app, ["run", str(scen), "--json", str(out["json"]), "--csv",
                            str(out["csv"]), "--html", str(out["html"])])
    assert r.exit_code == 3, r.output
    assert "internal error: RuntimeError: renderer exploded" in r.output
    assert "Traceback" not in r.output
    assert all(p.read_text() == "previous" for p in out.values())
    assert _leftovers(tmp_path) == []


def test_cli_interrupt_names_the_files_not_written(tmp_path: Path, monkeypatch) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(OK)
    target = tmp_path / "r.json"
    target.write_text("previous")

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("middlepower.model.solve_many", interrupted)
    r = runner.invoke(app, ["run", str(scen), "--json", str(target)])
    assert r.exit_code == 130
    assert "interrupted: stopped; not written:" in r.output and "r.json" in r.output
    assert target.read_text() == "previous"
