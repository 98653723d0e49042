"""Datasets shipped inside the package, loaded with no network.

Each dataset is a Parquet long table (exporter, importer, value, tariff) and a JSON file
with its provenance: sources, licences, construction, known gaps. Build scripts live in
``scripts/`` of the repository.

A multi-sector dataset (its JSON lists ``sectors``) adds a ``sector`` column to the long
table and a second table ``NAME-sectors.parquet`` (country, sector, input, share): rows
with ``input == "value_added"`` hold value-added shares, the others the input-output
shares ``io[sector, input, country]``. Sector names, aliases (``sector_groups``) and trade
elasticities (``theta``) are in the JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, UnknownDatasetError
from ._countries import country_name, suggest
from .readers import read_table
from .world import World

__all__ = ["cp_tariffs_2005", "datasets", "load", "provenance"]

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
    """The shipped datasets: name, economies, sectors, year, unit, description."""
    rows = []
    for name in _names():
        meta = provenance(name)
        rows.append({"name": name, "economies": len(meta["countries"]),
                     "sectors": len(meta.get("sectors", ["all"])), "year": meta.get("year"),
                     "unit": meta.get("unit", ""), "description": meta.get("description", "")})
    return pd.DataFrame(rows).set_index("name")


def _read_parquet(filename: str) -> pd.DataFrame:
    with resources.as_file(_files().joinpath(filename)) as p:
        return pd.read_parquet(p)


def _positions(column: pd.Series, order: list[str], what: str, name: str) -> np.ndarray:
    pos = pd.Series(np.arange(len(order)), index=order)
    idx = pos.reindex(column.astype(str).to_numpy()).to_numpy()
    if np.isnan(idx).any():
        bad = sorted(set(column.astype(str)) - set(order))[:5]
        raise DataError(f"dataset {name!r} is damaged: {what} {bad} of its tables are "
                                  "not in its JSON; rebuild it with its script in scripts/.")
    return idx.astype(np.intp)


def _load_sectoral(name: str, meta: dict[str, Any]) -> World:
    """Arrays of a multi-sector dataset from its two tables, in the JSON's order."""
    countries, sectors = list(meta["countries"]), list(meta["sectors"])
    S, N = len(sectors), len(countries)
    df = _read_parquet(f"{name}.parquet")
    k = _positions(df["sector"], sectors, "sector(s)", name)
    r = _positions(df["exporter"], countries, "country code(s)", name)
    c = _positions(df["importer"], countries, "country code(s)", name)
    flows = np.zeros((S, N, N))
    tariffs = np.zeros((S, N, N))
    flows[k, r, c] = df["value"].to_numpy(dtype=np.float64)
    tariffs[k, r, c] = df["tariff"].to_numpy(dtype=np.float64)
    sec = _read_parquet(f"{name}-sectors.parquet")
    is_va = sec["input"].astype(str).to_numpy() == "value_added"
    s = _positions(sec["sector"], sectors, "sector(s)", name)
    n = _positions(sec["country"], countries, "country code(s)", name)
    value_added = np.zeros((S, N))
    value_added[s[is_va], n[is_va]] = sec["share"].to_numpy(dtype=np.float64)[is_va]
    io = np.zeros((S, S, N))
    u = _positions(sec["input"][~is_va], sectors, "input sector(s)", name)
    io[s[~is_va], u, n[~is_va]] = sec["share"].to_numpy(dtype=np.float64)[~is_va]
    theta = meta.get("theta")
    return World(countries, flows, tariffs, sectors=sectors, value_added=value_added, io=io,
                 theta=None if not theta else [theta[x] for x in sectors],
                 sector_names=[meta.get("sector_names", {}).get(x, x) for x in sectors],
                 sector_groups=meta.get("sector_groups", {}),
                 names=_country_names(meta, countries),
                 year=meta.get("year"), unit=meta.get("unit", ""),
                 source=meta.get("source", ""), regions=meta.get("regions", {}))


def _country_names(meta: dict[str, Any], countries: list[str]) -> list[str]:
    """Display names: the JSON's (written by the build script), else the shipped table's;
    country-converter is not initialised for a shipped dataset (it costs 0.2-0.6 s)."""
    given = meta.get("names") or {}
    return [given.get(c) or country_name(c) for c in countries]


@lru_cache(maxsize=8)
def _load_shipped(name: str) -> World:
    meta = provenance(name)
    if len(meta.get("sectors", ())) > 1:
        return _load_sectoral(name, meta)
    order = list(meta["countries"])  # keep the build script's order, not alphabetical
    df = _read_parquet(f"{name}.parquet")
    r = _positions(df["exporter"], order, "country code(s)", name)
    c = _positions(df["importer"], order, "country code(s)", name)
    N = len(order)
    if len(np.unique(r * N + c)) != len(df):
        raise DataError(f"dataset {name!r} is damaged: a pair appears twice in its table; "
                        "rebuild it with its script in scripts/.")
    # column-major flows, as the former route (from_frame, then reorder) left them: the
    # solver's sums then round exactly as before
    flows = np.zeros((N, N), order="F")
    tariffs = np.zeros((N, N))
    flows[r, c] = df["value"].to_numpy(dtype=np.float64)
    tariffs[r, c] = df["tariff"].to_numpy(dtype=np.float64)
    return World(order, flows, tariffs, names=_country_names(meta, order),
                 year=meta.get("year"), unit=meta.get("unit", ""),
                 source=meta.get("source", ""), regions=meta.get("regions", {}))


#: The dataset every door uses when none is named (CLI ``--data``, web ``data``, mp.load()).
DEFAULT_DATASET = "world2023"

#: The dataset a sectoral question uses when none is named (``brief --sectors steel``,
#: ``middlepower suggest`` on a story naming sectors, and the goods' share of a pair's
#: trade that sizes an export ban on a one-sector world): the present-day input-output
#: world, where steel, aluminium and autos are sectors.
SECTOR_DATASET = "icio2022"
#: The same constant under the name the suggest code uses.
DEFAULT_SECTOR_DATASET = SECTOR_DATASET


def load(name: str = DEFAULT_DATASET, **columns: str) -> World:
    """Load a shipped dataset by name, or a long table from a file path.

    Parameters
    ----------
    name : str, default "world2023"
        A name from :func:`datasets` (``"world2023"``, ``"world2023-full"``, and the
        multi-sector ``"icio2022"`` (OECD ICIO 2022: 53 economies and the EU27 x 50 ISIC
        rev. 4 sectors; ``"icio2022-full"`` with the 80 economies), ``"wiod2014"`` (44
        economies x 50 sectors) and ``"cp1993"`` (31 x 40, Caliendo & Parro 2015)), or the
        path of a ``.csv``, ``.parquet`` or ``.dta`` long
        table.
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


def cp_tariffs_2005() -> np.ndarray:
    """The 2005 applied tariffs of the ``cp1993`` dataset, shape (S, N, N) = (40, 31, 31).

    ``t[s, i, j]``: ad valorem tariff (0.05 = 5%) levied by importer j on sector-s goods
    from i, in the sector and country order of ``mp.load("cp1993")``; zero in the 20
    non-traded sectors and on the diagonal. With the 1993 baseline this gives the NAFTA
    experiment of Caliendo & Parro (2015): change only the tariffs among CAN, MEX and USA
    to their 2005 values.

    Examples
    --------
    >>> import middlepower as mp
    >>> t05 = mp.data.cp_tariffs_2005()
    >>> world = mp.load("cp1993")
    >>> t05.shape == world.sector_tariffs.shape
    True
    """
    meta = provenance("cp1993")
    countries, sectors = list(meta["countries"]), list(meta["sectors"])
    df = _read_parquet("cp1993-tariffs2005.parquet")
    out = np.zeros((len(sectors), len(countries), len(countries)))
    out[_positions(df["sector"], sectors, "sector(s)", "cp1993"),
        _positions(df["exporter"], countries, "country code(s)", "cp1993"),
        _positions(df["importer"], countries, "country code(s)", "cp1993")] = \
        df["tariff"].to_numpy(dtype=np.float64)
    return out
