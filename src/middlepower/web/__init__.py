"""middlepower in a browser: a JSON API (``/api/v1``, OpenAPI at ``/docs``) and a page.

Needs the ``web`` extra (FastAPI and uvicorn)::

    pip install 'middlepower[web]'
    middlepower serve                      # http://127.0.0.1:8000

>>> from middlepower.web import create_app       # doctest: +SKIP
>>> app = create_app("world2023")                # any ASGI server can run it
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ..errors import MissingDependencyError

__all__ = ["Limits", "create_app", "is_loopback", "serve"]


def _require() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "the web app needs FastAPI and uvicorn: pip install 'middlepower[web]'") from None


def create_app(data: str = "world2023", **kw: Any) -> Any:
    """The ASGI application; see :func:`middlepower.web.app.create_app`."""
    _require()
    from .app import create_app as _create

    return _create(data, **kw)


def is_loopback(host: str) -> bool:
    """Is ``host`` (a name or an address) this machine: localhost, 127.0.0.0/8, ::1?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8000, data: str = "world2023",
          scheduler: str | None = None, log_level: str = "warning") -> None:
    """Run the app with uvicorn until interrupted. Binds to loopback unless told otherwise."""
    _require()
    import uvicorn

    app = create_app(data, scheduler=scheduler)
    _warm_kernel()
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                timeout_graceful_shutdown=5)


def _warm_kernel() -> None:
    """A server solves for hours: load the compiled solver kernel now, in the background
    (compiled once per machine, about 5 s; then 0.5 s from numba's cache), instead of
    after its first half-second of solving."""
    import threading

    from ..model import warm_up

    threading.Thread(target=warm_up, name="middlepower-kernel", daemon=True).start()


def __getattr__(name: str) -> Any:
    if name == "Limits":
        from .limits import Limits

        return Limits
    raise AttributeError(name)
