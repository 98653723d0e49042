"""Messages of pydantic errors for a shock built in Python and for a scenario file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import ScenarioError

if TYPE_CHECKING:
    from pydantic import ValidationError

def _build(cls: type[BaseModel], **kw: Any) -> Any:
    from pydantic import ValidationError

    try:
        return cls(**kw)
    except ValidationError as exc:
        raise ScenarioError(_explain(exc, cls.__name__.lower())) from None


def _explain(exc: Any, what: str) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"] if p != what)
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{what}{'.' + loc if loc else ''}: {msg} (got {e.get('input')!r})")
    return "; ".join(parts)


#: The shock tags (pydantic puts one in an error's path; a YAML file's path has none).
_TAGS = ("tariff", "partial_effect", "agreement", "embargo", "export_ban", "trade_cost")
_KINDS = ", ".join(_TAGS)


def explain_file(exc: ValidationError, source: str, lines: dict[tuple[Any, ...], int] | None = None
             ) -> str:
    """One line per pydantic error: file:line: field: message (got value)."""
    lines = lines or {}
    parts = []
    for e in exc.errors():
        yaml_loc = tuple(p for p in e["loc"] if p not in _TAGS)
        line = None
        for cut in range(len(yaml_loc), -1, -1):
            line = lines.get(yaml_loc[:cut])
            if line:
                break
        field = ".".join(str(p) for p in yaml_loc) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "union_tag_invalid":
            msg = f"unknown shock type {e.get('input', {}).get('type')!r}; use one of {_KINDS}"
        elif e["type"] == "union_tag_not_found":
            msg = f"a shock needs a 'type' ({_KINDS})"
        elif e["type"] == "missing":
            msg = "required field missing"
        shown = shown if len(shown := repr(e.get("input"))) <= 60 else shown[:57] + "..."
        got = "" if e["type"] in ("missing", "union_tag_invalid", "union_tag_not_found") \
            else f" (got {shown})"
        at = f" line {line}:" if line else ""
        parts.append(f"{source}:{at} {field}: {msg}{got}")
    return "\n".join(parts)
