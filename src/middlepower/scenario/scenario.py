"""A named list of shocks, optionally with variants, read from Python or a YAML file.

A scenario file looks like::

    name: US tariffs on Canada
    description: The US puts 25% on all Canadian goods.
    data: world2023          # dataset name or path to a long table
    theta: 5.0               # trade elasticity
    deficits: additive       # or ratio
    shocks:                  # applied in every variant
      - {type: tariff, by: USA, on: CAN, rate: 0.25}
    variants:                # optional: alternatives solved side by side
      give in: {shocks: []}
      retaliate:
        description: Canada answers in kind.
        shocks:
          - {type: tariff, by: CAN, on: USA, rate: 0.25}

Each variant is the scenario's shocks followed by the variant's own. The file is parsed
with a safe YAML loader and validated by pydantic; nothing in it is executed. Errors name
the file, the line and the field.

A file is refused before it can exhaust memory or the stack: it must be a regular file of
at most ``MAX_FILE_BYTES``, UTF-8, with at most ``MAX_ALIASES`` aliases, ``MAX_NODES``
values once aliases are expanded, nesting at most ``MAX_DEPTH`` deep, and no key (or
variant name) given twice in one mapping.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from ..errors import DuplicateKeyError, ScenarioError, ScenarioLimitError
from .shocks import Shock, ShockArrays

if TYPE_CHECKING:
    from ..data.world import World
    from .patches import SparseShocks

__all__ = ["Scenario", "Variant"]

DeficitClosure = Literal["additive", "ratio", "zero"]

#: Largest scenario file read, in bytes (the shipped examples are under 6 kB).
MAX_FILE_BYTES = 1_000_000
#: Most YAML aliases (``*name``) in one file: enough for shared shock lists, not a bomb.
MAX_ALIASES = 100
#: Most values (scalars, lists, mappings) in the document once aliases are expanded.
MAX_NODES = 100_000
#: Deepest nesting of lists and mappings (a scenario needs about 6).
MAX_DEPTH = 40


class Variant(BaseModel):
    """An alternative added to a scenario's common shocks."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    description: str = ""
    shocks: list[Shock] = Field(default_factory=list)


class _ScenarioFields(BaseModel):
    """The fields of a scenario file, validated without the positional constructor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    data: str | None = None
    theta: float | None = None
    deficits: DeficitClosure | None = None
    shocks: list[Shock] = Field(default_factory=list)
    variants: dict[str, Variant] = Field(default_factory=dict)

    @field_validator("theta")
    @classmethod
    def _theta(cls, v: float | None) -> float | None:
        if v is not None and not (v > 0 and v < 1e3):
            raise ValueError(f"theta must be a positive trade elasticity (typically 2-10); got {v}")
        return v

    @field_validator("variants")
    @classmethod
    def _variant_names(cls, v: dict[str, Variant]) -> dict[str, Variant]:
        # Results, tables and uncertainty bands are keyed by variant name: two names that
        # print the same would be pooled or overwrite each other.
        seen: dict[str, str] = {}
        for name in v:
            key = name.strip()
            if not key:
                raise ValueError("a variant needs a non-empty name")
            if key in seen:
                raise ValueError(f"variant names {seen[key]!r} and {name!r} differ only by "
                                 "spaces; give each variant its own name")
            seen[key] = name
        return v


class Scenario(_ScenarioFields):
    """A named set of shocks to solve against a baseline world.

    Parameters
    ----------
    name : str
    shocks : list of shocks
        Made with :func:`mp.tariff`, :func:`mp.agreement`, :func:`mp.embargo`,
        :func:`mp.partial_effect`, :func:`mp.trade_cost`, or dicts with a ``type``.
    description : str, optional
    variants : dict of str to Variant, optional
        Alternatives solved side by side; each adds its shocks to ``shocks``.
    data, theta, deficits : optional
        Defaults a file may carry for the command line; :func:`mp.solve` arguments win.

    Examples
    --------
    >>> import middlepower as mp
    >>> s = mp.Scenario("us25", [mp.tariff(by="USA", on="CAN", rate=0.25)])
    >>> s.name, len(s.shocks)
    ('us25', 1)
    """

    _source: str = PrivateAttr(default="")
    _shock_lines: list[int | None] = PrivateAttr(default_factory=list)
    _variant_lines: dict[str, list[int | None]] = PrivateAttr(default_factory=dict)

    def __init__(self, name: str | None = None, shocks: Any = None, **data: Any) -> None:
        if name is not None:
            data["name"] = name
        if shocks is not None:
            data["shocks"] = list(shocks)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ScenarioError(_explain(exc, data.get("name", "scenario"))) from None

    # ------------------------------------------------------------- files
    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario file.

        Raises
        ------
        ScenarioError
            With file, line and field, for YAML syntax errors, unknown shock types,
            missing fields and bad values.
        FileNotFoundError
        """
        p = Path(path)
        return cls.from_yaml_text(_read_text(p), source=p.name)

    @classmethod
    def from_yaml_text(cls, text: str, source: str = "<string>") -> Scenario:
        """Validate a scenario given as YAML text.

        Raises
        ------
        ScenarioLimitError
            Text longer than ``MAX_FILE_BYTES`` characters, more than ``MAX_ALIASES``
            aliases, more than ``MAX_NODES`` values after expansion, or deeper than
            ``MAX_DEPTH``; checked before the document is built.
        DuplicateKeyError
            A key or variant name given twice in one mapping.
        ScenarioError
            Syntax errors and invalid fields, with line numbers.
        """
        if not isinstance(text, str):
            raise ScenarioError(f"{source}: expected YAML text (str); got {type(text).__name__}.")
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioLimitError(f"{source}: {len(text):,} characters is more than a "
                                     f"scenario file may hold ({MAX_FILE_BYTES:,}).")
        raw, node = _parse(text, source)
        if not isinstance(raw, dict):
            raise ScenarioError(f"{source}: a scenario file must be a mapping with 'name' and "
                                f"'shocks'; got {type(raw).__name__}.")
        lines = _line_map(node)
        try:
            _ScenarioFields.model_validate(raw)
        except ValidationError as exc:
            raise ScenarioError(_explain(exc, source, lines)) from None
        scenario = cls(**raw)
        scenario._source = source
        scenario._shock_lines = [lines.get(("shocks", k)) for k in range(len(scenario.shocks))]
        scenario._variant_lines = {
            v: [lines.get(("variants", v, "shocks", k)) for k in range(len(var.shocks))]
            for v, var in scenario.variants.items()}
        return scenario

    def to_yaml(self) -> str:
        """The scenario as YAML text (round-trips through :meth:`from_yaml_text`)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True,
                               exclude_defaults=False)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema of scenario files."""
        return cls.model_json_schema(by_alias=True)

    # ------------------------------------------------------------- use
    def expand(self) -> list[Scenario]:
        """One scenario per variant (common shocks first), or ``[self]`` without variants."""
        if not self.variants:
            return [self]
        out = []
        for vname, v in self.variants.items():
            s = Scenario(name=vname, description=v.description or self.description,
                         shocks=[*self.shocks, *v.shocks], data=self.data, theta=self.theta,
                         deficits=self.deficits)
            s._source = self._source
            s._shock_lines = [*self._shock_lines, *self._variant_lines.get(vname, [])]
            out.append(s)
        return out

    def arrays(self, world: World) -> ShockArrays:
        """Apply the shocks, in order, to the baseline of ``world``.

        Returns
        -------
        ShockArrays
            New tariffs, partial effects beta and log iceberg-cost changes, each (N, N).

        Raises
        ------
        UnknownCountryError, ScenarioError
            Naming the shock (and the file and line when read from YAML).
        """
        arrays = ShockArrays.baseline(world)
        for k, shock in enumerate(self.shocks):
            shock.apply(world, arrays, self._where(k))
        return arrays

    def patches(self, world: World) -> SparseShocks:
        """The entries of :meth:`arrays` that differ from the baseline, found without
        building the dense arrays (see :mod:`middlepower.scenario.patches`).

        Returns
        -------
        SparseShocks
            (sector, exporter, importer) of each changed entry and its new tariff, beta
            and log dhat; ``.dense(world)`` equals :meth:`arrays` exactly.

        Raises
        ------
        UnknownCountryError, ScenarioError
            As :meth:`arrays`.
        """
        from .patches import sparse_batch

        return sparse_batch(world, [self]).scenario(0)

    def check(self, world: World) -> None:
        """Raise the first error any variant would meet on ``world``."""
        for s in self.expand():
            s.arrays(world)

    def _where(self, k: int) -> str:
        src = f"{self._source}, " if self._source else ""
        line = self._shock_lines[k] if k < len(self._shock_lines) else None
        at = f"line {line}, " if line else ""
        return f"{src}{at}shock {k + 1} of {self.name!r}"

    def __repr__(self) -> str:
        v = f", variants={list(self.variants)}" if self.variants else ""
        return f"Scenario({self.name!r}, shocks={len(self.shocks)}{v})"


def _read_text(p: Path) -> str:
    """The UTF-8 text of a scenario file, refusing what is not a small regular file."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"no such scenario file: {str(p)!r}") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file {str(p)!r}: {exc.strerror}.") from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(f"{str(p)!r} is a directory, not a scenario file; give the path "
                            "of a .yaml file.")
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(f"{str(p)!r} is not a regular file (a device, pipe or socket); "
                            "give the path of a .yaml file.")
    if st.st_size > MAX_FILE_BYTES:
        raise ScenarioLimitError(f"{p.name}: {st.st_size:,} bytes is more than a scenario "
                                 f"file may hold ({MAX_FILE_BYTES:,}); is it the right file?")
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file {str(p)!r}: {exc.strerror}.") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat, or a file system that lies
        raise ScenarioLimitError(f"{p.name}: more than {MAX_FILE_BYTES:,} bytes.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(f"{p.name}: line {line}: not UTF-8 text (byte "
                            f"0x{data[exc.start]:02x} at offset {exc.start}); save the file "
                            "as UTF-8.") from None


class _LimitError(Exception):
    """Raised inside the composer; turned into ScenarioLimitError with the file name."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.mark = mark


def _parse(text: str, source: str) -> tuple[Any, Any]:
    """Compose once, check limits and duplicate keys on the node graph, then construct."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # the reader checks every character up front
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise ScenarioError(f"{source}: line {line}: character {char!r} is not "
                            "allowed in YAML (control characters must be escaped in double "
                            "quotes, e.g. \"\\t\").") from None
    try:
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_graph(node, source)
            raw = loader.construct_document(node) if node is not None else None
        except _LimitError as exc:
            at = f" line {exc.mark.line + 1}:" if exc.mark is not None else ""
            raise ScenarioLimitError(f"{source}:{at} {exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
                tag = problem.removeprefix("could not determine a constructor for the ")
                raise ScenarioError(f"{source}:{at}: {tag} is not allowed: a scenario file "
                                    "holds plain values (text, numbers, lists, mappings)."
                                    ) from None
            raise ScenarioError(f"{source}:{at}: YAML syntax error: {problem}") from None
    finally:
        loader.dispose()
    return raw, node


def _check_graph(root: Any, source: str) -> None:
    """Refuse recursive aliases, alias bombs and duplicate keys.

    Sizes are memoised per node, so shared (aliased) subtrees cost one visit: linear in
    the composed document even when its expansion would be exponential. Anchors are
    defined before their aliases, so a depth-first walk in document order meets each
    shared node first where it is defined and the recursion depth stays that of the
    composed document (at most MAX_DEPTH).
    """
    size: dict[int, int] = {}
    open_: set[int] = set()

    def walk(node: Any, path: tuple[Any, ...]) -> int:
        key = id(node)
        if key in size:
            return size[key]
        if key in open_:
            raise _LimitError("an alias refers to a value that contains it (a recursive "
                            "anchor); scenarios cannot be recursive.", node.start_mark)
        open_.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            _check_duplicates(node, path, source)
            for k, v in node.value:
                total += walk(k, path) + walk(v, (*path, getattr(k, "value", "?")))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                total += walk(v, (*path, i))
        open_.discard(key)
        if total > MAX_NODES:
            raise _LimitError(f"more than {MAX_NODES:,} values once aliases are expanded (an "
                            "alias bomb?); write the values out or use fewer aliases.",
                            node.start_mark)
        size[key] = total
        return total

    walk(root, ())


def _check_duplicates(node: Any, path: tuple[Any, ...], source: str) -> None:
    first: dict[str, int] = {}
    for k, _ in node.value:
        if not isinstance(k, yaml.ScalarNode):
            continue
        line = k.start_mark.line + 1
        if k.value in first:
            both = f"lines {first[k.value]} and {line}" if first[k.value] != line \
                else f"both on line {line}"
            if path == ("variants",):
                raise DuplicateKeyError(f"{source}: line {line}: variant {k.value!r} is "
                                        f"defined twice ({both}); give each variant its own "
                                        "name.")
            where = "in " + ".".join(str(p) for p in path) if path else "at the top level"
            raise DuplicateKeyError(f"{source}: line {line}: key {k.value!r} appears twice "
                                    f"{where} ({both}); YAML would silently keep the last "
                                    "one; remove one.")
        first[k.value] = line


class _Loader(yaml.SafeLoader):
    """Safe loader with YAML 1.2 booleans: only true/false, so that ``on:`` (a tariff's
    exporter) and ``NO`` stay strings instead of turning into booleans.

    It counts aliases and nesting while composing, so a bomb or a deeply nested document
    stops early instead of exhausting memory or the stack.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitError(f"more than {MAX_ALIASES} aliases (*name); write the values "
                                "out.", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(f"nested more than {MAX_DEPTH} levels deep; a scenario needs "
                                "about 6.", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).append((
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")))


def _line_map(node: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map each key path of a YAML document to its 1-based line."""
    out: dict[tuple[Any, ...], int] = {}
    if node is None:
        return out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[(*path, key)] = k.start_mark.line + 1
            out.update({p: ln for p, ln in _line_map(v, (*path, key)).items() if p != (*path, key)})
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_line_map(v, (*path, i)))
    return out


#: The shock tags (pydantic puts one in an error's path; a YAML file's path has none).
_TAGS = ("tariff", "partial_effect", "agreement", "embargo", "export_ban", "trade_cost")
_KINDS = ", ".join(_TAGS)


def _explain(exc: ValidationError, source: str, lines: dict[tuple[Any, ...], int] | None = None
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
