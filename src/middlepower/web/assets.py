"""Files the page needs, all from the installed package: nothing is fetched from the web.

* ``vega.js``: Vega, Vega-Lite and Vega-Embed, bundled by ``vl-convert-python`` (the
  library that also inlines them into the HTML reports of :mod:`middlepower.report`).
  Bundling takes a few seconds, so the bundle is built once, kept in memory and written
  to the user's cache folder for the next start.
* ``countries-110m.json``: the world-atlas TopoJSON map shipped in ``report/_assets``.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .._atomic import atomic_write

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


def _cache_file() -> Path:
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "middlepower" / f"vega-bundle-{version}.js"


def vega_bundle() -> bytes:
    """The JavaScript bundle of Vega-Embed, Vega-Lite and Vega (an ES module)."""
    global _bundle
    with _lock:
        if _bundle is not None:
            return _bundle
        path = _cache_file()
        try:
            _bundle = path.read_bytes()
        except OSError:
            import vl_convert

            _bundle = vl_convert.javascript_bundle().encode("utf-8")
            _write_quietly(path, _bundle)
        return _bundle


def _write_quietly(path: Path, data: bytes) -> None:
    """Write atomically; a read-only home only costs the next start a few seconds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError:  # OutputError included
        pass
