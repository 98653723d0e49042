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
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, MissingColumnError, NonFiniteError

__all__ = ["add_domestic_sales", "read_baci", "read_table", "read_yotov"]


def _existing(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no such file: {str(p)!r}")
    return p


def _need(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MissingColumnError(
            f"{what} lacks column(s) {missing}; it has {list(df.columns)[:15]}."
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
        raw = pd.read_csv(_existing(p), dtype={"i": "Int64", "j": "Int64", "t": "Int64"},
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
    codes = pd.read_csv(_existing(country_codes))
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
        df = pd.read_parquet(p)
    elif suffix in (".csv", ".txt", ".gz"):
        df = pd.read_csv(p)
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

