"""Files the page needs, all from the installed package: nothing is fetched from the web.

* ``vega.js``: Vega, Vega-Lite and Vega-Embed, bundled by ``vl-convert-python`` (the
  library that also inlines them into the HTML reports of :mod:`middlepower.report`).
  Bundling takes a few seconds, so the bundle is built once (in a child process), kept
  in memory and written to the user's cache folder for the next start.
* ``countries-110m.json``: the world-atlas TopoJSON map shipped in ``report/_assets``.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["static_dir", "topojson", "vega_bundle"]

_lock = threading.Lock()
_bundle: bytes | None = None


def static_dir() -> Path:
    """The folder of the page's own files (index.html, app.js, app.css)."""
    return Path(str(resources.files("middlepower").joinpath("web/static")))


@lru_cache(maxsize=1)
def topojson() -> bytes:
    """The world map (Natural Earth 1:110m via world-atlas 2.0.2)."""
    return resources.files("middlepower").joinpath(
        "report/_assets/countries-110m.json").read_bytes()


def vega_bundle() -> bytes:
    """The JavaScript bundle of Vega-Embed, Vega-Lite and Vega (an ES module).

    Built in a child process and cached on disk (:mod:`middlepower.report._vega`): a V8
    that cannot start (a memory limit) raises ``ChartRendererError`` instead of killing
    the server.
    """
    global _bundle
    with _lock:
        if _bundle is None:
            from ..report._vega import javascript_bundle

            _bundle = javascript_bundle().encode("utf-8")
        return _bundle
