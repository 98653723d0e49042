"""Every probe of the web API abuse table (``web_probes.py``) gets its named, clear answer:
the expected status and message, within its time and size, with no traceback, server path
or raw user markup; docs/errors.md's "Web API" section shows what each one got.

Regenerate the section after changing a probe or a message::

    MIDDLEPOWER_WRITE_DOCS=1 .venv/bin/python -m pytest -q tests/hardening/test_web_probes.py
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from hardening.web_probes import PROBES, Probe  # noqa: E402
from middlepower._csv import FORMULA_STARTS  # noqa: E402
from middlepower.web import create_app, service  # noqa: E402
from middlepower.web.limits import Limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "errors.md"
#: Where the web section of docs/errors.md starts (the CLI table comes before it).
WEB_HEADING = "\n# The web API: the abuse table\n"
_BY_ID = {p.id: p for p in PROBES}
#: Text that would leak the server's insides.
_LEAKS = ("Traceback", 'File "', "site-packages", str(ROOT), "/work/", "/home/", "/usr/lib")
_MARKUP = ("<script", "<img", "<b>")

_LIMITS = {
    "default": Limits(),
    "tight": Limits(max_jobs_per_client=1, max_jobs=2),
    "queue": Limits(max_jobs_per_client=1, max_jobs=2),
    "slow": Limits(timeout_s=0.5, job_time_limit_s=0.5),
    "buggy": Limits(),
}


def _slow_leverage(req: Any, progress: Callable[..., None] | None = None,
                   executor: Any = None) -> dict[str, Any]:
    """Reports progress every 50 ms for up to 5 s: a job that can be stopped."""
    for k in range(100):
        if progress is not None:
            progress(k)
        time.sleep(0.05)
    return {"table": []}


def _blocked_leverage(req: Any, progress: Any = None, executor: Any = None) -> dict:
    time.sleep(3)
    return {"table": []}


def _buggy_solve(req: Any, limits: Any) -> dict:
    raise RuntimeError(f"cannot open {ROOT}/secret/config.py")


def _slow_solve(req: Any, limits: Any) -> dict:
    time.sleep(2)
    return {"table": []}


@contextlib.contextmanager
def _patched(kind: str) -> Iterator[None]:
    patches = {"slow": {"leverage": _slow_leverage, "solve": _slow_solve},
               "tight": {"leverage": _blocked_leverage},
               "queue": {"leverage": _blocked_leverage},
               "buggy": {"solve": _buggy_solve}}.get(kind, {})
    with contextlib.ExitStack() as stack:
        for name, fn in patches.items():
            stack.enter_context(mock.patch.object(service, name, fn))
        yield


@cache
def _app(kind: str) -> Any:
    return create_app(warm=False, limits=_LIMITS[kind])


def _client(kind: str, host: str = "testclient") -> TestClient:
    return TestClient(_app(kind), raise_server_exceptions=False, client=(host, 50000))


def _poll(c: TestClient, job: dict, until: tuple[str, ...], seconds: float = 10) -> dict:
    deadline = time.monotonic() + seconds
    while job["status"] not in until and time.monotonic() < deadline:
        time.sleep(0.02)
        job = c.get(job["status_url"]).json()
    return job


def _leverage(c: TestClient, countries: list[str]) -> httpx.Response:
    return c.post("/api/v1/leverage", json={"countries": countries})


def _per_client(kind: str) -> httpx.Response:
    c = _client(kind, "10.0.0.1")
    assert _leverage(c, ["USA", "CAN"]).status_code == 202
    return _leverage(c, ["USA", "MEX"])


def _queue_full(kind: str) -> httpx.Response:
    for k, pair in enumerate((["USA", "JPN"], ["USA", "KOR"])):  # two clients, one job each
        assert _leverage(_client(kind, f"10.0.1.{k}"), pair).status_code == 202
    return _leverage(_client(kind, "10.0.1.9"), ["USA", "GBR"])


def _time_limit(kind: str) -> httpx.Response:
    c = _client(kind, "10.0.2.1")
    r = _leverage(c, ["USA", "CHN"])
    assert r.status_code == 202, r.text
    job = _poll(c, r.json(), ("done", "error", "cancelled"))
    assert job["status"] == "error" and job["error_type"] == "TimeLimit", job
    return c.get(job["result_url"])


def _cancel(kind: str) -> httpx.Response:
    c = _client(kind, "10.0.3.1")
    r = _leverage(c, ["USA", "BRA"])
    assert r.status_code == 202, r.text
    job = r.json()
    stopped = c.delete(job["status_url"])
    assert stopped.status_code == 200, stopped.text
    job = _poll(c, stopped.json(), ("done", "error", "cancelled"))
    assert job["status"] == "cancelled", job
    return c.get(job["result_url"])


def _slow_request(kind: str) -> httpx.Response:
    return _client(kind, "10.0.4.1").post("/api/v1/solve", json={"scenario": {
        "name": "slow", "shocks": [{"type": "tariff", "by": "USA", "on": "CAN", "rate": 0.1}]}})


STEPS: dict[str, Callable[[str], httpx.Response]] = {
    "per-client": _per_client, "queue-full": _queue_full, "time-limit": _time_limit,
    "cancel": _cancel, "slow-request": _slow_request}


@dataclass(frozen=True)
class Outcome:
    status: int
    message: str       # the error's message, or the start of a 2xx body
    text: str          # the whole body
    seconds: float
    size: int
    headers: dict[str, str]


def _send(p: Probe) -> httpx.Response:
    c = _client(p.app)
    if p.raw is not None:
        return c.request(p.method, p.path, content=p.raw, headers=p.headers)
    if p.body is not None:
        return c.request(p.method, p.path, json=p.body, headers=p.headers)
    return c.request(p.method, p.path, headers=p.headers)


@cache
def outcome(probe_id: str) -> Outcome:
    p = _BY_ID[probe_id]
    t0 = time.perf_counter()
    with _patched(p.app):
        r = STEPS[p.steps](p.app) if p.steps else _send(p)
    seconds = time.perf_counter() - t0
    # an answer: the part the probe looks for (its numbers may differ in the last digit
    # with the engine path a process has warmed up)
    found = re.search(p.match, r.text)
    message = found.group(0) if found else r.text[:160]
    if r.status_code >= 400:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            message = r.json()["error"]["message"]
    return Outcome(r.status_code, message, r.text, seconds, len(r.content), dict(r.headers))


@pytest.mark.parametrize("probe", PROBES, ids=[p.id for p in PROBES])
def test_probe_gets_its_named_answer(probe: Probe) -> None:
    out = outcome(probe.id)
    assert out.status == probe.status, f"{probe.id}: {out.status} {out.text[:500]}"
    assert out.seconds < probe.seconds, f"{probe.id}: {out.seconds:.1f} s"
    assert out.size <= probe.max_bytes, f"{probe.id}: {out.size:,} bytes"
    for leak in _LEAKS:
        assert leak not in out.text, f"{probe.id}: {leak!r} in the answer"
    for tag in _MARKUP:
        assert tag not in out.text, f"{probe.id}: raw {tag!r} in the answer"
    if out.status >= 400:
        err = json.loads(out.text)["error"]
        assert err["status"] == out.status and err["type"] and "\n" not in err["message"]
        assert re.search(probe.match, out.message), f"{probe.id}: {out.message!r}"
    else:
        assert re.search(probe.match, out.text), f"{probe.id}: {out.text[:300]!r}"
    if out.status in (429, 503):
        assert int(out.headers["retry-after"]) > 0
    if probe.csv:
        assert out.headers["content-type"].startswith("text/csv")
        for row in csv.reader(io.StringIO(out.text)):
            for cell in row:
                if cell[:1] in FORMULA_STARTS:
                    float(cell)  # only a number may start with - or +


def test_table_is_large_and_ids_unique() -> None:
    assert len(PROBES) >= 40
    assert len({p.id for p in PROBES}) == len(PROBES)


def _cell(text: str) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|").replace("`", "'")
    return f"`{text[:200]}{'...' if len(text) > 200 else ''}`" if text else ""


def _verdict(p: Probe, out: Outcome) -> str:
    ok = out.status == p.status and re.search(
        p.match, out.message if out.status >= 400 else out.text) is not None
    return "as expected" if ok else "NOT as expected"


def _size(out: Outcome) -> str:
    """Errors to the byte; answers to two digits (their solver diagnostics vary by a few
    bytes with the engine path a process has warmed up)."""
    if out.status >= 400:
        return f"{out.size:,} B"
    return f"{out.size / 1e6:.2g} MB" if out.size >= 1e6 else f"{out.size / 1e3:.2g} kB"


def render_web_section() -> str:
    lines = [
        WEB_HEADING.strip("\n"), "",
        "Generated by `tests/hardening/test_web_probes.py` from `tests/hardening/"
        "web_probes.py`; do not edit by hand. Regenerate with `MIDDLEPOWER_WRITE_DOCS=1 "
        ".venv/bin/python -m pytest -q tests/hardening/test_web_probes.py`.", "",
        "Each probe is sent to the app in process (FastAPI's TestClient). Every answer must "
        "have the expected status and message, arrive within its time bound (30 s unless "
        "noted), stay within its size bound (64 KiB unless noted; the largest answer any "
        "request may get is 24 MiB, `Limits.max_response_bytes`), and carry no traceback, "
        "no server path and no raw `<` of user markup (JSON escapes `<`, `>`, `&` as "
        "`\\u003c`...). Errors are `{\"error\": {\"type\", \"message\", \"status\"}}`; 429 "
        "and 503 carry `Retry-After`; every CSV cell that starts with `=`, `+`, `-`, `@`, "
        "tab or CR is quoted (`'=`) unless it is a number.", "",
        f"{len(PROBES)} probes; "
        f"{sum(_verdict(p, outcome(p.id)) == 'as expected' for p in PROBES)} as expected.",
    ]
    area = None
    for p in PROBES:
        if p.area != area:
            area = p.area
            lines += ["", f"## Web: {area}", "",
                      "| probe | request | expected | got | size | message |",
                      "|---|---|---|---|---|---|"]
        out = outcome(p.id)
        lines.append(f"| {p.id} | {_cell(p.what)} | {p.status} | {out.status} | "
                     f"{_size(out)} | {_cell(out.message)} |")
    return "\n".join(lines) + "\n"


def test_errors_doc_web_section_is_current() -> None:
    section = render_web_section()
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    head, _, _ = text.partition(WEB_HEADING)
    if os.environ.get("MIDDLEPOWER_WRITE_DOCS"):
        from middlepower._atomic import atomic_write

        atomic_write(DOC, head.rstrip("\n") + "\n" + WEB_HEADING + section.split("\n", 1)[1])
        text = DOC.read_text(encoding="utf-8")
    _, sep, tail = text.partition(WEB_HEADING)
    assert sep, "docs/errors.md has no web section; regenerate it (see the module docstring)"
    assert WEB_HEADING.strip("\n") + "\n" + tail == section, (
        "the web section of docs/errors.md is out of date; regenerate it with "
        "MIDDLEPOWER_WRITE_DOCS=1 .venv/bin/python -m pytest -q "
        "tests/hardening/test_web_probes.py")
