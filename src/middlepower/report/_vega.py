"""The Vega JavaScript bundle, built in a child process so that its failure is not ours.

``vl_convert.javascript_bundle()`` starts an embedded V8 engine. When V8 cannot reserve its
heap (under ``ulimit -v 8000000`` it aborts with "Fatal process out of memory: Oilpan:
CagedHeap reservation") it kills the whole process: no Python exception, no message, no
output file. So the bundle is made by a short-lived child Python; if the child dies or
fails, :class:`ChartRendererError` says why in one line, and the caller writes its page
without charts (tables and text only) and a warning. The bundle is kept in the user's
cache folder (``$XDG_CACHE_HOME/middlepower``), so only the first page of a vl-convert
version pays for the child (about 2 s).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .._atomic import atomic_write
from ..errors import MiddlepowerError

__all__ = ["ChartRendererError", "javascript_bundle"]

#: Longest wait for the child that builds the bundle (it takes 1-3 s).
TIMEOUT_S = 120.0

_CHILD = ("import sys, vl_convert\n"
          "v = sys.argv[1] or None\n"
          "out = vl_convert.javascript_bundle(vl_version=v) if v else "
          "vl_convert.javascript_bundle()\n"
          "sys.stdout.buffer.write(out.encode('utf-8'))\n")


class ChartRendererError(MiddlepowerError, RuntimeError):
    """The chart library could not be built (its JavaScript engine failed to start)."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vl-convert-python")
    except PackageNotFoundError:
        return "unknown"


def _cache_file(vl_version: str | None) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tail = f"-vl{vl_version}" if vl_version else ""
    return root / "middlepower" / f"vega-bundle-{_version()}{tail}.js"


def _why(proc: subprocess.CompletedProcess[bytes]) -> str:
    if proc.returncode < 0:
        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = f"signal {-proc.returncode}"
        why = f"killed by {name}"
    else:
        why = f"exit code {proc.returncode}"
    # V8 writes "# Fatal process out of memory: ..." between '#' lines, then a stack trace
    lines = [ln.strip().lstrip("#").strip()
             for ln in proc.stderr.decode("utf-8", "replace").splitlines()
             if not ln.startswith((" ", "\t", "===="))]
    lines = [ln for ln in lines if ln]
    fatal = next((ln for ln in lines if "out of memory" in ln.lower()), None)
    if fatal:
        return f"{why}: {fatal[:160].rstrip('.')}; is the memory limited (ulimit -v)?"
    return f"{why}{': ' + lines[-1][:160] if lines else ''}"


def javascript_bundle(vl_version: str | None = None) -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (from the cache, else a child process).

    Raises
    ------
    ChartRendererError
        When the child fails or is killed (e.g. V8 out of memory under a memory limit).
    """
    path = _cache_file(vl_version)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, vl_version or ""],
                              capture_output=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ChartRendererError(f"the chart renderer (vl-convert) took over {TIMEOUT_S:g} s"
                                 ) from None
    except OSError as exc:
        raise ChartRendererError(f"the chart renderer (vl-convert) could not start: {exc}"
                                 ) from None
    if proc.returncode != 0 or not proc.stdout:
        raise ChartRendererError(f"the chart renderer (vl-convert's JavaScript engine) failed "
                                 f"({_why(proc)})")
    text = proc.stdout.decode("utf-8")
    try:  # a read-only home only costs the next page the child again
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    except OSError:
        pass
    return text
