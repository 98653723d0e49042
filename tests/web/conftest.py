"""Fixtures of the web tests: an in-process client, and a real server on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

# Starlette suggests a renamed httpx package; the test client works the same
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

from middlepower.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The app in process, with default limits (the world is loaded on first use)."""
    with TestClient(create_app(warm=False)) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Debian's chromium (``.ci/run`` installs it); the browser tests skip without it.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module (starting one costs about a second)."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed")
    exe = os.environ.get("MIDDLEPOWER_CHROMIUM", "/usr/bin/chromium")
    exe = exe if Path(exe).exists() else shutil.which("chromium")
    if not exe:
        pytest.skip("no chromium (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def live_server() -> str:
    """``middlepower serve`` in a subprocess on a free loopback port; its base URL."""
    port = free_port()
    exe = Path(sys.executable).with_name("middlepower")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "middlepower.cli"]
    proc = subprocess.Popen([*cmd, "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"middlepower serve did not start: {out[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
