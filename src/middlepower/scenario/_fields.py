"""Small checks and messages shared by the shock classes of :mod:`.shocks`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import ScenarioError

if TYPE_CHECKING:
    from pydantic import ValidationError

#: A country code, a group name, or a list of them.
Countries = str | list[str]


def _at(where: str, field: str) -> str:
    """``tariff.on (file.yaml, line 4, shock 2 of 'x')``: the field, then where it stands."""
    return f"{field} ({where})" if where else field


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def _as_list(x: Countries) -> list[str]:
    return [x] if isinstance(x, str) else list(x)


def _check_codes(v: Countries) -> Countries:
    items = _as_list(v)
    if not items:
        raise ValueError("needs at least one country or group")
    for c in items:
        if not isinstance(c, str) or not c.strip():
            raise ValueError(f"country codes must be non-empty strings; got {c!r}")
    return v


def _number(v: Any, what: str) -> Any:
    """Refuse booleans where a number is meant (pydantic would read True as 1)."""
    if isinstance(v, bool):
        raise ValueError(f"{what} must be a number, not {v!r}")
    return v


def _split_sectors(v: Any) -> Any:
    """``"steel, autos"`` -> ``["steel", "autos"]`` (the CLI's and YAML's short form)."""
    if isinstance(v, str):
        return [s.strip() for s in v.split(",") if s.strip()]
    return v


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


def explain_file(exc: ValidationError, source: str, lines: dict[tuple[Any, ...], int] | None = None
             ) -> str:
    """One line per pydantic error: file:line: field: message (got value)."""
    lines = lines or {}
    parts = []
    for e in exc.errors():
        loc = tuple(e["loc"])
        # pydantic puts the union tag in the path (shocks.0.tariff.rate); keep the YAML path
        yaml_loc = tuple(p for p in loc if p not in ("tariff", "partial_effect", "agreement",
                                                      "embargo", "trade_cost"))
        line = None
        for cut in range(len(yaml_loc), -1, -1):
            line = lines.get(yaml_loc[:cut])
            if line:
                break
        field = ".".join(str(p) for p in yaml_loc) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "union_tag_invalid":
            msg = (f"unknown shock type {e.get('input', {}).get('type')!r}; use one of tariff, "
                   "partial_effect, agreement, embargo, trade_cost")
        elif e["type"] == "union_tag_not_found":
            msg = "a shock needs a 'type' (tariff, partial_effect, agreement, embargo, trade_cost)"
        elif e["type"] == "missing":
            msg = "required field missing"
        shown = repr(e.get("input"))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        got = "" if e["type"] in ("missing", "union_tag_invalid", "union_tag_not_found") \
            else f" (got {shown})"
        at = f" line {line}:" if line else ""
        parts.append(f"{source}:{at} {field}: {msg}{got}")
    return "\n".join(parts)
