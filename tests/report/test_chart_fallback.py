"""A chart renderer that cannot start does not take the command with it (issue 27, item
7d): under ``ulimit -v 8000000`` V8 aborted the whole ``middlepower brief --html`` with
"Fatal process out of memory" and wrote nothing. The bundle is now built in a child
process; when it fails, the page is written without charts, with a one-line warning."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import middlepower as mp
from middlepower.report import _vega, html

#: The limit of the report (``ulimit -v 8000000``: KiB).
LIMIT_BYTES = 8_000_000 * 1024


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def test_brief_under_memory_limit_writes_its_outputs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("middlepower")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "middlepower.cli"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1",
           "COLUMNS": "200"}  # an empty cache: the renderer must really run
    done = subprocess.run([*cmd, "brief", "CAN", "--against", "USA", "--bands", "0",
                           "--html", "b.html", "--json", "b.json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, preexec_fn=_limit)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert json.loads((tmp_path / "b.json").read_text())["target"] == "CAN"
    page = (tmp_path / "b.html").read_text()
    assert "Canada" in page and "<table" in page
    if "vegaEmbed(" not in page:  # V8 could not start: said once, in the page and on stderr
        warning = [ln for ln in done.stderr.splitlines() if ln.startswith("warning:")]
        assert len(warning) == 1 and "has no charts" in warning[0], done.stderr
        assert "Charts left out" in page


def test_killed_renderer_is_a_named_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(_vega, "_CHILD", "import os, signal\nos.kill(os.getpid(), "
                        "signal.SIGTRAP)\n")
    with pytest.raises(_vega.ChartRendererError, match="killed by SIGTRAP"):
        _vega.javascript_bundle()
    assert not list(tmp_path.rglob("*.js"))  # nothing cached from a failed build


def test_page_without_renderer_keeps_tables(world2023, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    def broken(*_a, **_k):
        raise _vega.ChartRendererError("the chart renderer failed (killed by SIGTRAP)")

    b = mp.brief(world2023, "CAN", against="USA", bands=0)
    monkeypatch.setattr(_vega, "javascript_bundle", broken)
    monkeypatch.setattr(html, "chart_failure", [])
    html._vega_bundle.cache_clear()
    try:
        page = b.to_html()
    finally:
        html._vega_bundle.cache_clear()
    assert "Charts left out:</b> the chart renderer failed (killed by SIGTRAP)" in page
    assert "<script" not in page and "<table" in page
