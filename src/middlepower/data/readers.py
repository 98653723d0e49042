"""Readers for the files trade economists already have.

Each returns a tidy pandas DataFrame; :meth:`World.from_frame` turns one year of it into a
:class:`World`. Country codes go through country-converter where the file uses names or
numbers.

* :func:`read_yotov` - Stata files of Yotov, Piermartini, Monteiro & Larch (2016),
  "An Advanced Guide to Trade Policy Analysis" (exporter, importer, year, trade, ...).
* :func:`read_baci` - CEPII BACI product-level files (t, i, j, k, v, q) with numeric
  country codes and BACI's country-code table; summed to country-pair totals.
* :func:`read_table` - a plain long CSV or Parquet file.
* :func:`add_domestic_sales` - domestic sales from GDP where the trade data has none.
* :func:`read_icio` - an OECD Inter-Country Input-Output CSV, as a multi-sector World.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DataError, MissingColumnError, NonFiniteError

if TYPE_CHECKING:
    from .world import World

__all__ = ["add_domestic_sales", "read_baci", "read_icio", "read_table", "read_yotov"]


def _existing(path: str | Path) -> Path:
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"no such file: {str(p)!r}") from None
    except OSError as exc:
        raise DataError(f"cannot read {str(p)!r}: {exc.strerror}.") from None
    if stat.S_ISDIR(mode):
        raise DataError(f"{str(p)!r} is a directory; give the path of a data file inside it.")
    if not stat.S_ISREG(mode):  # /dev/zero or a pipe would be read forever
        raise DataError(f"{str(p)!r} is not a regular file (a device, pipe or socket); give "
                        "the path of a .csv, .parquet or .dta file.")
    return p


def _read_frame(p: Path, reader: Callable[..., pd.DataFrame], kind: str, **kw) -> pd.DataFrame:
    """Call a pandas reader, turning its parser errors into one DataError naming the file."""
    try:
        return reader(p, **kw)
    except UnicodeDecodeError as exc:
        raise DataError(f"{p.name} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
                        f"offset {exc.start}); save it as UTF-8 CSV.") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{p.name} is empty: a {kind} needs a header row and data.") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).removeprefix("Error tokenizing data. C error: ").strip()
        raise DataError(f"{p.name} is not a readable {kind}: {detail}.") from None
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{p.name} is not a readable {kind}: {first}") from None


def _need(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        only = str(df.columns[0]) if len(df.columns) == 1 else ""
        sep = next((s for s in (";", "\t", "|") if s in only), None)
        hint = f" It looks separated by {sep!r}: save it with commas." if sep else ""
        raise MissingColumnError(
            f"{what} lacks column(s) {missing}; it has {list(df.columns)[:15]}.{hint}"
        )


def read_yotov(path: str | Path, year: int | None = None) -> pd.DataFrame:
    """Read a Stata (.dta) gravity panel in the layout of Yotov et al. (2016).

    Parameters
    ----------
    path : str or Path
        A ``.dta`` file with at least ``exporter``, ``importer``, ``year``, ``trade``.
    year : int, optional
        Keep only this year.

    Returns
    -------
    DataFrame
        The file's columns, with the book's hand-made dummy columns (``EXPORTER_FE*``,
        ``IMPORTER_FE*``) dropped (fixed effects are built by the estimator) and ``year``
        as int.

    Examples
    --------
    >>> df = read_yotov("1_TradeWithoutBorder.dta")            # doctest: +SKIP
    >>> world = mp.World.from_frame(df, value="trade", year=2006)  # doctest: +SKIP
    """
    p = _existing(path)
    try:
        df = pd.read_stata(p, convert_categoricals=False)
    except ValueError as exc:
        raise DataError(f"{p.name} is not a readable Stata file: {exc}") from None
    _need(df, ["exporter", "importer", "year", "trade"], p.name)
    df = df.loc[:, ~df.columns.str.match(r"^(EXPORTER|IMPORTER)_FE\d+$")].copy()
    df["year"] = df["year"].astype(int)
    for c in ("exporter", "importer"):
        df[c] = df[c].astype(str).str.strip()
    if year is not None:
        if year not in set(df["year"]):
            raise DataError(f"year {year} not in {p.name}; it has {sorted(set(df['year']))}.")
        df = df[df["year"] == year].reset_index(drop=True)
    return df


def read_baci(
    path: str | Path | list[str | Path],
    country_codes: str | Path,
    unit: float = 1e-6,
) -> pd.DataFrame:
    """Read CEPII BACI product-level files and sum them to country-pair totals.

    Parameters
    ----------
    path : path or list of paths
        BACI CSV(s) with columns ``t`` (year), ``i`` (exporter code), ``j`` (importer code),
        ``k`` (HS product), ``v`` (value, thousands of USD), ``q`` (quantity, tonnes).
    country_codes : path
        BACI's ``country_codes_V*.csv`` (``country_code``, ``country_iso3``, ...).
    unit : float, default 1e-6
        Multiplier from thousands of USD to the unit wanted (1e-6 gives USD bn).

    Returns
    -------
    DataFrame
        ``year, exporter, importer, value`` (ISO3 codes), one row per pair and year.
        BACI has no domestic sales: add them (e.g. :func:`add_domestic_sales`) before
        building a World.
    """
    paths = path if isinstance(path, list) else [path]
    frames = []
    for p in paths:
        raw = _read_frame(_existing(p), pd.read_csv, "BACI CSV file",
                          dtype={"i": "Int64", "j": "Int64", "t": "Int64"},
                          na_values=["", "NA", "           NA"], skipinitialspace=True)
        _need(raw, ["t", "i", "j", "v"], Path(p).name)
        v = pd.to_numeric(raw["v"], errors="coerce")
        if v.isna().any():
            k = int(np.flatnonzero(v.isna())[0])
            raise NonFiniteError(f"{Path(p).name} row {k + 2}: value v={raw['v'].iloc[k]!r} is "
                                 "missing or not a number.")
        if (v < 0).any():
            k = int(np.flatnonzero(v < 0)[0])
            raise DataError(f"{Path(p).name} row {k + 2}: negative value v={v.iloc[k]}.")
        raw = raw.assign(v=v)
        frames.append(raw.groupby(["t", "i", "j"], as_index=False)["v"].sum())
    tot = pd.concat(frames).groupby(["t", "i", "j"], as_index=False)["v"].sum()
    codes = _read_frame(_existing(country_codes), pd.read_csv, "CSV file")
    _need(codes, ["country_code", "country_iso3"], Path(country_codes).name)
    lookup = dict(zip(codes["country_code"].astype(int), codes["country_iso3"].astype(str),
                      strict=True))
    unknown = sorted(set(tot["i"]).union(tot["j"]) - set(lookup))
    if unknown:
        raise DataError(f"BACI country code(s) {unknown[:10]} are not in "
                        f"{Path(country_codes).name}; use the code table of the same release.")
    return pd.DataFrame({
        "year": tot["t"].astype(int),
        "exporter": tot["i"].map(lookup),
        "importer": tot["j"].map(lookup),
        "value": tot["v"].astype(float) * unit,
    })


def read_table(
    path: str | Path,
    exporter: str = "exporter",
    importer: str = "importer",
    value: str = "value",
) -> pd.DataFrame:
    """Read a long CSV or Parquet table (one row per exporter-importer pair).

    Returns the table with the three named columns checked to exist.
    """
    p = _existing(path)
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        df = _read_frame(p, pd.read_parquet, "Parquet file")
    elif suffix in (".csv", ".txt", ".gz"):
        df = _read_frame(p, pd.read_csv, "CSV file")
    elif suffix == ".dta":
        return read_yotov(p)
    else:
        raise DataError(f"{p.name}: unknown table format {suffix!r}; use .csv, .parquet or .dta.")
    _need(df, [exporter, importer, value], p.name)
    return df


def add_domestic_sales(
    trade: pd.DataFrame,
    gdp: pd.Series,
    exporter: str = "exporter",
    importer: str = "importer",
    value: str = "value",
) -> tuple[pd.DataFrame, list[str]]:
    """Add domestic sales X_jj = GDP_j + trade deficit_j - imports_j (= GDP_j - exports_j).

    This is the rule of Ignatenko, Macedoni, Lashkaripour & Simonovska (2025) for goods
    trade against total GDP: what a country produces and does not export is sold at home.
    Its limits: GDP includes services and is value added, while trade is gross goods
    value, so the domestic share of tradables is overstated for service economies and
    understated (even negative) for re-export hubs.

    Parameters
    ----------
    trade : DataFrame
        International flows (no domestic rows), long format.
    gdp : Series
        GDP by country code, same unit as ``value``.

    Returns
    -------
    (DataFrame, list of str)
        The table with one domestic row per country, and the countries whose domestic
        sales came out zero or negative (left out of the table; merge them into a
        region or drop them before building a World).
    """
    if (trade[exporter] == trade[importer]).any():
        raise DataError("trade already holds domestic rows (exporter == importer).")
    exports = trade.groupby(exporter)[value].sum()
    countries = sorted(set(trade[exporter]) | set(trade[importer]))
    missing = [c for c in countries if c not in gdp.index]
    if missing:
        raise DataError(f"no GDP for {missing[:10]}; give GDP for every country in the trade data.")
    if not np.isfinite(gdp.loc[countries].to_numpy(dtype=float)).all():
        raise NonFiniteError("GDP has NaN or infinite values.")
    dom = gdp.loc[countries] - exports.reindex(countries).fillna(0.0)
    bad = sorted(dom.index[dom <= 0])
    rows = pd.DataFrame({exporter: dom.index, importer: dom.index, value: dom.to_numpy()})
    rows = rows[~rows[exporter].isin(bad)]
    out = pd.concat([trade[[exporter, importer, value]], rows], ignore_index=True)
    return out, bad


# ----------------------------------------------------------------- input-output tables

def _fit_inputs_to_absorption(
    flows: np.ndarray, tariffs: np.ndarray | None, value_added: np.ndarray, io: np.ndarray,
    margin: float = 1e-6,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, float | int]]]:
    """Shrink input shares where intermediate use exceeds a sector's absorption.

    In Caliendo & Parro (2015) final demand for sector s in n is what is left of the
    absorption once intermediate use is met: ``E[s, n] - sum_u io[u, s, n] Y[u, n]``. Data
    assembled from several sources (or rounded) can make that negative. Where it does,
    every using sector's share of input s in country n is scaled by the same factor so that
    intermediate use is ``(1 - margin)`` of the absorption; the share removed moves to value
    added, so ``value_added + io.sum(axis=1)`` stays 1.

    Parameters
    ----------
    flows : (S, N, N) pre-tariff flows, exporter i on axis 1, importer on axis 2.
    tariffs : (S, N, N) or None, ad valorem, set by the importer.
    value_added : (S, N) value-added shares.
    io : (S, S, N), ``io[u, k, n]`` = cost share of input k in sector u of country n.
    margin : float
        Final demand left in an adjusted cell, as a share of its absorption.

    Returns
    -------
    (value_added, io, changes)
        New arrays (inputs untouched) and one record per adjusted (sector, country) with
        the indices ``s`` and ``n``, ``intermediate`` and ``absorption`` (flow units) and the
        scale ``factor`` applied to the input column.
    """
    t = np.zeros_like(flows) if tariffs is None else tariffs
    output = flows.sum(axis=2)                        # (S, N): Y[s, i]
    absorption = (flows * (1.0 + t)).sum(axis=1)      # (S, N): E[s, n]
    intermediate = np.einsum("usn,un->sn", io, output)
    target = absorption * (1.0 - margin)
    over = intermediate > target
    factor = np.where(over, target / np.where(over, intermediate, 1.0), 1.0)
    new_io = io * factor[None, :, :]
    new_va = value_added + (io - new_io).sum(axis=1)
    changes = [{"s": int(s), "n": int(n), "intermediate": float(intermediate[s, n]),
                "absorption": float(absorption[s, n]), "factor": float(factor[s, n])}
               for s, n in np.argwhere(over)]
    return new_va, new_io, changes


_ICIO_FINAL = frozenset({"HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR", "NONRES", "CONS_H",
                         "CONS_NP", "CONS_G", "CONS_ABR", "CONS_NONRES", "DIRP", "P33"})
_ICIO_VALUE_ADDED = frozenset({"VA", "VALU", "VALUE_ADDED"})
_ICIO_TAXES = frozenset({"TLS", "TAXSUB", "TAXES"})
_ICIO_TOTALS = frozenset({"OUT", "OUTPUT", "TOTAL", "TOT"})
_ICIO_SPLITS = {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}


def _icio_label(label: str) -> tuple[str, str] | None:
    """("CAN", "C24") for "CAN_C24"; None for a label that is not country_code."""
    head, sep, tail = label.partition("_")
    if not sep or not head or not tail:
        return None
    return _ICIO_SPLITS.get(head.upper(), head.upper()), tail


def read_icio(  # noqa: C901 (one pass over the ICIO layout; to split)
    path: str | Path,
    year: int | None = None,
    sectors: dict[str, list[str]] | None = None,
    *,
    scale: float = 1e-3,
    unit: str = "USD bn",
) -> World:
    """Build a multi-sector :class:`World` from an OECD Inter-Country Input-Output table.

    Reads the CSV layout the OECD distributes (ICIO 2021 and 2023 editions): the first
    column holds row labels ``COUNTRY_SECTOR`` (``"CAN_C24"``) followed by the rows of taxes
    less subsidies (``TLS`` or ``TAXSUB``), value added (``VA`` or ``VALU``) and output
    (``OUT`` or ``OUTPUT``); the columns are the same ``COUNTRY_SECTOR`` codes (intermediate
    use), then final-demand columns ``COUNTRY_HFCE``, ``_NPISH``, ``_GGFC``, ``_GFCF``,
    ``_INVNT``, ``_DPABR`` ... and a total column. The split rows of China and Mexico
    (``CN1``/``CN2``, ``MX1``/``MX2``) are summed into ``CHN`` and ``MEX``. A ``.zip``
    holding one CSV is read directly.

    Construction (values at basic prices, so pre-tariff; ICIO has no bilateral tariffs,
    which are zero here):

    * ``flows[s, i, j]`` = intermediate use by every industry of j + final demand of j,
      of sector-s goods made in i (domestic sales on the diagonal). Negative cells (an
      inventory draw-down larger than the other uses) are set to 0, with a warning.
    * ``io[u, k, n]`` = inputs of sector k (from every origin) bought by industry u of n,
      over u's total costs; ``value_added[u, n]`` = the rest (value added plus taxes less
      subsidies on the inputs it buys), so that the two sum to 1.
    * Where intermediate use of a sector would exceed its absorption (possible after the
      clipping above), the input column is shrunk as in :func:`_fit_inputs_to_absorption`,
      with a warning.

    Parameters
    ----------
    path : str or Path
        The CSV (or a .zip with one CSV) of one year.
    year : int, optional
        Recorded on the World; read from a 4-digit year in the file name when omitted.
    sectors : dict of str to list of str, optional
        Merge ICIO industries into coarser sectors, e.g. ``{"metals": ["C24", "C25"]}``
        (passed to :meth:`World.aggregate_sectors`).
    scale : float, default 1e-3
        Factor applied to the table's values (ICIO is in USD million; 1e-3 gives USD bn).
    unit : str, default "USD bn"

    Returns
    -------
    World
        With ``sectors`` = the industry codes in the file's order, ``value_added`` and
        ``io``; ``theta`` is left to the solver.

    Examples
    --------
    >>> import middlepower as mp                               # doctest: +SKIP
    >>> world = mp.data.read_icio("ICIO23_2020.csv")             # doctest: +SKIP
    """
    import re
    import warnings

    from .world import World

    p = _existing(path)
    df = _read_frame(p, pd.read_csv, "OECD ICIO CSV", index_col=0)
    rows = [str(r).strip() for r in df.index]
    cols = [str(c).strip() for c in df.columns]
    industries = [(k, lab) for k, r in enumerate(rows)
                  if r.upper() not in _ICIO_TAXES | _ICIO_VALUE_ADDED | _ICIO_TOTALS
                  and (lab := _icio_label(r)) is not None]
    if not industries:
        raise DataError(f"{p.name}: no row labels of the form COUNTRY_SECTOR (e.g. 'CAN_C24') "
                        "in the first column; is this an OECD ICIO CSV?")
    countries = list(dict.fromkeys(c for _, (c, _s) in industries))
    codes = list(dict.fromkeys(s for _, (_c, s) in industries))
    cpos = {c: k for k, c in enumerate(countries)}
    spos = {s: k for k, s in enumerate(codes)}
    S, N = len(codes), len(countries)
    row_idx = np.array([k for k, _ in industries])
    row_c = np.array([cpos[c] for _, (c, _s) in industries])
    row_s = np.array([spos[s] for _, (_c, s) in industries])

    industry_cols, final_cols = [], []
    for k, col in enumerate(cols):
        lab = _icio_label(col)
        if col.upper() in _ICIO_TOTALS or lab is None or lab[0] not in cpos:
            continue
        if lab[1] in spos:
            industry_cols.append((k, cpos[lab[0]], spos[lab[1]]))
        else:
            final_cols.append((k, cpos[lab[0]]))
    missing = sorted({f"{countries[n]}_{codes[s]}" for n in range(N) for s in range(S)}
                     - {f"{countries[n]}_{codes[s]}" for _, n, s in industry_cols})
    if missing:
        raise DataError(f"{p.name}: industry column(s) {missing[:5]} missing; the columns must "
                        "repeat the COUNTRY_SECTOR row codes.")

    values = df.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    block = values[row_idx]
    if not np.isfinite(block[:, [k for k, *_ in industry_cols + final_cols]]).all():
        raise NonFiniteError(f"{p.name}: empty or non-numeric cells in the industry rows; "
                             "fill them with 0.")
    ic = np.array([k for k, *_ in industry_cols])
    ic_n = np.array([n for _, n, _s in industry_cols])
    ic_u = np.array([u for *_, u in industry_cols])
    flows = np.zeros((S, N, N))
    inputs = np.zeros((S, S, N))       # inputs[u, k, n]
    z = block[:, ic]                   # (rows, industry columns)
    for r in range(len(row_idx)):
        np.add.at(flows[row_s[r], row_c[r]], ic_n, z[r])
        np.add.at(inputs[:, row_s[r], :], (ic_u, ic_n), z[r])
    if final_cols:
        fc = np.array([k for k, _ in final_cols])
        fc_n = np.array([n for _, n in final_cols])
        fd = block[:, fc]
        for r in range(len(row_idx)):
            np.add.at(flows[row_s[r], row_c[r]], fc_n, fd[r])

    va_rows = [k for k, r in enumerate(rows) if r.upper() in _ICIO_VALUE_ADDED]
    if not va_rows:
        raise DataError(f"{p.name}: no value-added row ('VA' or 'VALU') below the industries; "
                        "is this an OECD ICIO CSV?")
    cost_rows = list(row_idx) + va_rows + [k for k, r in enumerate(rows)
                                           if r.upper() in _ICIO_TAXES]
    costs = np.zeros((S, N))  # inputs + taxes less subsidies + value added, per industry
    np.add.at(costs, (ic_u, ic_n), np.nansum(values[np.ix_(cost_rows, ic)], axis=0))
    neg = flows < 0
    if neg.any():
        warnings.warn(f"{p.name}: {int(neg.sum())} negative flow(s) (inventory draw-downs) "
                      f"set to 0, in all {-flows[neg].sum():.6g} (table units).", stacklevel=2)
        flows[neg] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        io = np.where(costs[:, None, :] > 0, inputs / costs[:, None, :], 0.0)
    io = np.clip(io, 0.0, None)
    total = io.sum(axis=1)
    over = total > 1.0  # subsidies larger than value added: no room left for it
    io = np.where(over[:, None, :], io / np.where(over, total, 1.0)[:, None, :], io)
    va = np.clip(1.0 - io.sum(axis=1), 0.0, 1.0)
    va, io, changes = _fit_inputs_to_absorption(flows, None, va, io)
    if changes:
        warnings.warn(f"{p.name}: intermediate use above absorption in {len(changes)} "
                      "country-sector(s); their input shares were scaled down.", stacklevel=2)
    if year is None:
        m = re.search(r"(19|20)\d\d", p.stem)
        year = int(m.group(0)) if m else None
    world = World(countries, flows * scale, None, sectors=codes, value_added=va, io=io,
                  year=year, unit=unit, source=f"OECD ICIO, file {p.name}")
    if sectors:
        world = world.aggregate_sectors(sectors)
    return world
