"""Datasets shipped inside the package, loaded with no network.

Each dataset is a Parquet long table (exporter, importer, value, tariff) and a JSON file
with its provenance: sources, licences, construction, known gaps. Build scripts live in
``scripts/`` of the repository.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import UnknownDatasetError
from ._countries import suggest
from .readers import read_table
from .world import World

__all__ = ["datasets", "load", "provenance"]

_DIR = "data/_files"


def _files() -> Any:
    return resources.files("middlepower").joinpath(_DIR)


def _names() -> list[str]:
    return sorted(p.name[: -len(".json")] for p in _files().iterdir() if p.name.endswith(".json"))


def provenance(name: str) -> dict[str, Any]:
    """The provenance record of a shipped dataset (sources, licences, method, gaps)."""
    _check_name(name)
    return json.loads(_files().joinpath(f"{name}.json").read_text(encoding="utf-8"))


def _unknown(name: str) -> UnknownDatasetError:
    names = _names()
    hints = suggest(name, names)
    hint = f"did you mean {hints[0]!r}? " if hints else ""
    return UnknownDatasetError(
        f"unknown dataset {name!r}; {hint}available: {', '.join(names)} "
        "(or pass the path of a .csv/.parquet/.dta long table)."
    )


def _check_name(name: str) -> None:
    if name not in _names():
        raise _unknown(name)


def datasets() -> pd.DataFrame:
    """The shipped datasets: name, economies, year, unit, description."""
    rows = []
    for name in _names():
        meta = provenance(name)
        rows.append({"name": name, "economies": len(meta["countries"]), "year": meta.get("year"),
                     "unit": meta.get("unit", ""), "description": meta.get("description", "")})
    return pd.DataFrame(rows).set_index("name")


@lru_cache(maxsize=8)
def _load_shipped(name: str) -> World:
    meta = provenance(name)
    with resources.as_file(_files().joinpath(f"{name}.parquet")) as p:
        df = pd.read_parquet(p)
    world = World.from_frame(df, tariff="tariff", year=meta.get("year"), unit=meta.get("unit", ""),
                             source=meta.get("source", ""), regions=meta.get("regions", {}))
    order = meta["countries"]  # keep the build script's order, not alphabetical
    idx = [world.index(c) for c in order]
    names = [meta.get("names", {}).get(c, world.names[k]) for c, k in zip(order, idx, strict=True)]
    return World(order, world.flows[idx][:, idx], world.tariffs[idx][:, idx], names=names,
                 regions=world.regions, **world.meta())


def load(name: str = "world2023", **columns: str) -> World:
    """Load a shipped dataset by name, or a long table from a file path.

    Parameters
    ----------
    name : str, default "world2023"
        A name from :func:`datasets` (``"world2023"``, ``"world2023-full"``, ...), or the
        path of a ``.csv``, ``.parquet`` or ``.dta`` long table.
    **columns
        For a file: ``exporter=``, ``importer=``, ``value=``, ``tariff=`` column names.

    Returns
    -------
    World

    Examples
    --------
    >>> import middlepower as mp
    >>> world = mp.load("world2023")
    >>> "CAN" in world
    True
    """
    if name in _names():
        return _load_shipped(name)
    path = Path(name)
    if path.suffix.lower() in (".csv", ".parquet", ".pq", ".dta", ".gz") and path.exists():
        ex = columns.get("exporter", "exporter")
        im = columns.get("importer", "importer")
        val = columns.get("value", "value")
        df = read_table(path, ex, im, val)
        return World.from_frame(df, ex, im, val, tariff=columns.get("tariff"),
                                source=f"file {path.name}")
    raise _unknown(name)
