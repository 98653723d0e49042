"""How the app answers: JSON with markup-safe escapes, CSV with neutralised cells, one
error shape, a body-size limit, the client a request comes from (:mod:`.app` uses these)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any, Literal

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from .._csv import neutral_cell
from . import service

Format = Literal["json", "csv"]

#: "<", ">" and "&" only occur inside JSON strings, where the \\u form reads the same: no
#: answer or error echoing a user's "<script>" carries it as markup (a page or a sniffing
#: client that inserts it as HTML gets text).
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def _json_bytes(content: Any) -> bytes:
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in _JSON_ESCAPES:
        text = text.replace(ch, esc)
    return text.encode("utf-8")


class _SafeJSON(JSONResponse):
    """JSON with markup characters escaped (see :data:`_JSON_ESCAPES`)."""

    def render(self, content: Any) -> bytes:
        return _json_bytes(content)


def _error(status: int, kind: str, message: str, **extra: Any) -> JSONResponse:
    return _SafeJSON({"error": {"type": kind, "message": message, "status": status,
                                **extra}}, status_code=status)


_TYPE_TAG = re.compile(r"^(constrained-)?(str|int|float|bool|list|dict|tuple)(\[.*\])?$")


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    """One line per problem, ``field: message``, without echoing large inputs."""
    lines, detail, seen = [], [], set()
    for e in exc.errors():
        # a union's branches add type tags to the path (players.1.constrained-str, then
        # players.1.list[...]): keep the field and its first complaint
        loc = [str(p) for p in e.get("loc", ()) if p != "body" and not _TYPE_TAG.match(str(p))]
        field = ".".join(loc) or "body"
        if field in seen:
            continue
        seen.add(field)
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        if e.get("type") == "json_invalid":  # loc is ('body', offset): say what it is
            field = "body"
            msg = (f"not valid JSON (at character {loc[-1] if loc else 0}: "
                   f"{(e.get('ctx') or {}).get('error', 'decode error')})")
        lines.append(f"{field}: {msg}")
        detail.append({"field": field, "message": msg, "type": e.get("type")})
    return "; ".join(lines), detail


def _csv_cell(v: Any) -> Any:
    if isinstance(v, list):
        v = "+".join(str(x) for x in v)
    return neutral_cell(v)  # text a spreadsheet would run as a formula is quoted


def _csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    fields: list[str] = []
    for r in rows:
        fields.extend(k for k in r if k not in fields)
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _csv_cell(v) for k, v in r.items()})
    return buf.getvalue()


def _respond(payload: dict[str, Any], fmt: Format, name: str, hit: bool | None = None
             ) -> Response:
    headers = {} if hit is None else {"X-Cache": "hit" if hit else "miss"}
    if fmt == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return Response(_csv(payload.get("table", [])), media_type="text/csv; charset=utf-8",
                        headers=headers)
    body = getattr(payload, "json_bytes", None)
    if body is not None:
        return Response(body, media_type="application/json", headers=headers)
    return _SafeJSON(payload, headers=headers)


class _Answer(dict):
    """A JSON-ready answer and its encoding, made once: cached answers skip json.dumps."""

    json_bytes: bytes


def _encoded(payload: dict[str, Any], most: int) -> _Answer:
    out = _Answer(payload)
    out.json_bytes = _json_bytes(payload)
    if len(out.json_bytes) > most:  # a guard behind the per-field limits (docs/errors.md)
        raise service.LimitExceededError(
            f"the answer would be {len(out.json_bytes):,} bytes; at most {most:,}. Ask for "
            "less (fewer variants or economies, no flows).")
    return out


class _BodyLimit:
    """Refuse bodies over ``limit`` bytes (413), declared or streamed."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = (f"request body over {self.limit:,} bytes; send a smaller scenario or "
                   "story (the server accepts names and parameters, not data files).")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _error(413, "RequestTooLarge", message)(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError(message)
            return msg

        try:
            await self.app(scope, counted, send)
        except _TooLargeError as exc:
            await _error(413, "RequestTooLarge", str(exc))(scope, receive, send)


class _TooLargeError(Exception):
    pass


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


