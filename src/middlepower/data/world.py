"""The baseline economy: who sells how much to whom, and at what tariff.

A :class:`World` holds, for N economies,

* ``flows[i, j]``: value shipped from exporter i to importer j at pre-tariff prices,
  with domestic sales ``flows[j, j]`` on the diagonal;
* ``tariffs[i, j]``: ad valorem tariff importer j levies on goods from i.

From these the model reads (Dekle, Eaton & Kortum 2008; Costinot & Rodriguez-Clare 2014)

.. math::

    Y_i = \\sum_j X_{ij}, \\qquad E_j = \\sum_i (1+t_{ij}) X_{ij}, \\qquad
    \\lambda_{ij} = (1+t_{ij}) X_{ij} / E_j, \\qquad D_j = \\sum_i X_{ij} - Y_j .

A World is immutable: its arrays are read-only and every method returns new objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import (
    DataError,
    DomesticSalesError,
    DuplicatePairError,
    MissingColumnError,
    NegativeFlowError,
    NonFiniteError,
    ShapeError,
    TariffError,
    UnknownCountryError,
)
from ._countries import country_name, suggest
from .groups import groups

__all__ = ["World"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.flags.writeable = False
    return a


def _first_bad(mask: np.ndarray, countries: Sequence[str]) -> str:
    i, j = np.argwhere(mask)[0]
    return f"[{countries[i]}, {countries[j]}]"


def _matrix(name: str, value: Any, countries: Sequence[str]) -> np.ndarray:
    """``value`` as a float (N, N) array, checked for shape and finiteness (a new copy)."""
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numbers; could not read them: {exc}") from None
    _check_matrix(name, a, countries)
    return a


def _check_matrix(name: str, a: np.ndarray, countries: Sequence[str]) -> None:
    n = len(countries)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ShapeError(f"{name} must be a square N x N array; got shape {a.shape}.")
    if a.shape[0] != n:
        raise ShapeError(
            f"{name} is {a.shape[0]} x {a.shape[1]} but {n} countries were given; "
            "give one row and one column per country, in the same order."
        )
    bad = ~np.isfinite(a)
    if bad.any():
        where = _first_bad(bad, countries)
        raise NonFiniteError(
            f"{name}{where} = {a[tuple(np.argwhere(bad)[0])]}: {int(bad.sum())} value(s) are NaN "
            "or infinite; fill or drop them before building the World (a missing flow is 0)."
        )


class World:
    """A baseline world economy (immutable).

    Parameters
    ----------
    countries : sequence of str, length N
        ISO3 codes, or region codes such as ``"EU27"`` and ``"ROW"``; unique.
    flows : array-like of shape (N, N)
        ``flows[i, j]``: pre-tariff value of goods shipped from i to j; domestic sales on
        the diagonal, each positive. Non-negative and finite.
    tariffs : array-like of shape (N, N), optional
        ``tariffs[i, j]``: ad valorem tariff (0.25 = 25%) set by importer j on goods
        from i. Zero by default; must be >= 0 and finite. The diagonal is ignored (set 0).
    names : sequence of str, optional
        Display names; looked up with country-converter when omitted.
    year : int, optional
    unit : str
        Unit of flows, e.g. ``"USD bn"``.
    source : str
        Provenance text.
    regions : mapping of str to sequence of str, optional
        For codes that stand for several economies (``EU27``, ``ROW``), their members.

    Raises
    ------
    ShapeError, NonFiniteError, NegativeFlowError, DomesticSalesError, TariffError, DataError

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
    >>> w.output().tolist()
    [10.0, 10.0, 10.0]
    """

    __slots__ = ("_countries", "_flows", "_index", "_names", "_regions", "_tariffs", "source",
                 "unit", "year")

    def __init__(
        self,
        countries: Sequence[str],
        flows: Any,
        tariffs: Any = None,
        *,
        names: Sequence[str] | None = None,
        year: int | None = None,
        unit: str = "",
        source: str = "",
        regions: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        countries = tuple(str(c) for c in countries)
        if len(countries) < 2:
            raise DataError(f"a World needs at least 2 economies; got {len(countries)}.")
        dup = pd.Index(countries)[pd.Index(countries).duplicated()]
        if len(dup):
            raise DataError(f"country codes must be unique; repeated: {sorted(set(dup))}.")
        f = _matrix("flows", flows, countries)
        neg = f < 0
        if neg.any():
            i, j = np.argwhere(neg)[0]
            raise NegativeFlowError(
                f"flows[{countries[i]}, {countries[j]}] = {f[i, j]:g}: trade flows must be >= 0 "
                f"({int(neg.sum())} negative value(s)); check the sign of the source data."
            )
        dom = np.diag(f)
        if (dom <= 0).any():
            bad = [countries[k] for k in np.flatnonzero(dom <= 0)]
            c = bad[0]
            raise DomesticSalesError(
                f"flows[{c}, {c}] = {dom[countries.index(c)]:g}: domestic sales must be positive "
                f"(also: {', '.join(bad[1:6]) or 'none'}); add them, or merge {c} into a region "
                f"with world.aggregate({{'ROW': [{c!r}, ...]}})."
            )
        if tariffs is None:
            t = np.zeros_like(f)
        else:
            t = _matrix("tariffs", tariffs, countries)
            neg = t < 0
            np.fill_diagonal(neg, False)
            if neg.any():
                i, j = np.argwhere(neg)[0]
                raise TariffError(
                    f"tariffs[{countries[i]}, {countries[j]}] = {t[i, j]:g}: tariffs must be >= 0 "
                    "(0.25 means 25%); a negative rate below -100% makes prices negative."
                )
            np.fill_diagonal(t, 0.0)
        if names is None:
            names = [country_name(c) for c in countries]
        elif len(names) != len(countries):
            raise ShapeError(f"{len(names)} names given for {len(countries)} countries.")
        self._countries = countries
        self._names = tuple(str(n) for n in names)
        self._flows = _readonly(f)
        self._tariffs = _readonly(t)
        self._index = {c: k for k, c in enumerate(countries)}
        self._regions = {str(k): tuple(v) for k, v in (regions or {}).items() if k in self._index}
        self.year = year
        self.unit = unit
        self.source = source

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_matrix(
        cls, countries: Sequence[str], flows: Any, tariffs: Any = None, **meta: Any
    ) -> World:
        """Build a World from an N x N flow matrix (exporter rows, importer columns).

        Same parameters as :class:`World`.
        """
        return cls(countries, flows, tariffs, **meta)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        exporter: str = "exporter",
        importer: str = "importer",
        value: str = "value",
        tariff: str | None = None,
        **meta: Any,
    ) -> World:
        """Build a World from a long table, one row per (exporter, importer) pair.

        Pairs absent from the table trade nothing (flow 0); domestic sales
        (exporter == importer) must be present and positive.

        Parameters
        ----------
        df : DataFrame
        exporter, importer, value : str
            Column names of the exporter code, importer code and flow value.
        tariff : str, optional
            Column with ad valorem tariffs set by the importer (0.25 = 25%).
        **meta
            ``year``, ``unit``, ``source``, ``names``, ``regions`` as for :class:`World`.
        """
        if not isinstance(df, pd.DataFrame):
            raise DataError(f"from_frame expects a pandas DataFrame; got {type(df).__name__}.")
        needed = [exporter, importer, value] + ([tariff] if tariff else [])
        missing = [c for c in needed if c not in df.columns]
        if missing:
            raise MissingColumnError(
                f"column(s) {missing} not in the table; it has {list(df.columns)[:12]}. "
                "Name the right ones with exporter=, importer=, value=."
            )
        ex = df[exporter].astype(str).to_numpy()
        im = df[importer].astype(str).to_numpy()
        pairs = pd.DataFrame({"e": ex, "i": im})
        dup = pairs.duplicated(keep=False)
        if dup.any():
            first = pairs[dup].iloc[0]
            times = int(((pairs.e == first.e) & (pairs.i == first.i)).sum())
            raise DuplicatePairError(
                f"pair ({first.e}, {first.i}) appears {times} "
                f"times ({int(dup.sum())} duplicated rows in all); aggregate the table first, "
                f"e.g. df.groupby([{exporter!r}, {importer!r}], as_index=False).sum()."
            )
        countries = sorted(set(ex) | set(im))
        pos = {c: k for k, c in enumerate(countries)}
        r = np.fromiter((pos[c] for c in ex), dtype=np.intp, count=len(ex))
        c = np.fromiter((pos[c] for c in im), dtype=np.intp, count=len(im))
        vals = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(vals)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise NonFiniteError(
                f"{value} for ({ex[k]}, {im[k]}) is {df[value].iloc[k]!r}: {int(bad.sum())} "
                "value(s) are missing, non-numeric or infinite; fill or drop them first."
            )
        flows = np.zeros((len(countries), len(countries)))
        flows[r, c] = vals
        tariffs = None
        if tariff:
            tv = pd.to_numeric(df[tariff], errors="coerce").to_numpy(dtype=np.float64)
            if (~np.isfinite(tv)).any():
                k = int(np.flatnonzero(~np.isfinite(tv))[0])
                raise NonFiniteError(
                    f"{tariff} for ({ex[k]}, {im[k]}) is {df[tariff].iloc[k]!r}; tariffs must be "
                    "finite numbers (use 0 for none)."
                )
            tariffs = np.zeros_like(flows)
            tariffs[r, c] = tv
        return cls(countries, flows, tariffs, **meta)

    # ----------------------------------------------------------------- attributes
    @property
    def countries(self) -> tuple[str, ...]:
        """Codes of the N economies, in the order of the arrays' axes."""
        return self._countries

    @property
    def names(self) -> tuple[str, ...]:
        """Display names, same order as ``countries``."""
        return self._names

    @property
    def flows(self) -> np.ndarray:
        """(N, N) pre-tariff flows, exporter rows, importer columns (read-only)."""
        return self._flows

    @property
    def tariffs(self) -> np.ndarray:
        """(N, N) ad valorem tariffs set by importer j (column) on exporter i (row)."""
        return self._tariffs

    @property
    def regions(self) -> dict[str, tuple[str, ...]]:
        """Members of codes that stand for several economies (e.g. ``EU27``, ``ROW``)."""
        return dict(self._regions)

    @property
    def n(self) -> int:
        """Number of economies."""
        return len(self._countries)

    def __len__(self) -> int:
        return self.n

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __repr__(self) -> str:
        head = ", ".join(self._countries[:6]) + (", ..." if self.n > 6 else "")
        meta = f", year={self.year}" if self.year else ""
        return f"<World N={self.n} [{head}]{meta}, unit={self.unit!r}>"

    # ----------------------------------------------------------------- lookups
    def index(self, code: str) -> int:
        """Position of ``code`` in ``countries``.

        Raises
        ------
        UnknownCountryError
            With the closest valid codes, and the region a country was merged into.
        """
        try:
            return self._index[code]
        except KeyError:
            raise UnknownCountryError(self._unknown_message(code)) from None

    def region_of(self, code: str) -> str | None:
        """Region code whose members include ``code`` (e.g. ``'DEU'`` -> ``'EU27'``)."""
        for region, members in self._regions.items():
            if code in members:
                return region
        return None

    def _unknown_message(self, code: Any, where: str = "") -> str:
        code = str(code)
        at = f" in {where}" if where else ""
        region = self.region_of(code.upper())
        if region:
            return (f"country {code!r}{at} is not separate in this world: it is part of "
                    f"{region!r}; use {region!r}, or a world where it stands alone "
                    "(e.g. mp.load('world2023-full')).")
        hints = suggest(code, self._countries)
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        return f"unknown country {code!r}{at}{hint} (this world has {self.n} economies: " \
               f"{', '.join(self._countries[:8])}{', ...' if self.n > 8 else ''})"

    # ----------------------------------------------------------------- derived
    def output(self) -> np.ndarray:
        """Y_i = sum_j X_ij: gross output (sales at home and abroad), shape (N,)."""
        return self._flows.sum(axis=1)

    def expenditure(self) -> np.ndarray:
        """E_j = sum_i (1 + t_ij) X_ij: spending including tariffs paid, shape (N,)."""
        return ((1.0 + self._tariffs) * self._flows).sum(axis=0)

    def tariff_revenue(self) -> np.ndarray:
        """R_j = sum_i t_ij X_ij, shape (N,)."""
        return (self._tariffs * self._flows).sum(axis=0)

    def deficit(self) -> np.ndarray:
        """D_j = sum_i X_ij - Y_j: imports minus exports at pre-tariff prices, shape (N,)."""
        return self._flows.sum(axis=0) - self.output()

    def exports(self) -> np.ndarray:
        """Sales abroad, sum_{j != i} X_ij, shape (N,)."""
        return self._flows.sum(axis=1) - np.diag(self._flows)

    def imports(self) -> np.ndarray:
        """Purchases from abroad at pre-tariff prices, sum_{i != j} X_ij, shape (N,)."""
        return self._flows.sum(axis=0) - np.diag(self._flows)

    def shares(self) -> np.ndarray:
        """lambda_ij = (1 + t_ij) X_ij / E_j: j's spending share on i, shape (N, N).

        Columns sum to one.
        """
        return (1.0 + self._tariffs) * self._flows / self.expenditure()[None, :]

    def summary(self) -> pd.DataFrame:
        """One row per economy: output, expenditure, exports, imports, deficit."""
        return pd.DataFrame(
            {
                "name": self._names,
                "output": self.output(),
                "expenditure": self.expenditure(),
                "exports": self.exports(),
                "imports": self.imports(),
                "deficit": self.deficit(),
                "tariff_revenue": self.tariff_revenue(),
                "domestic_share": np.diag(self.shares()),
            },
            index=pd.Index(self._countries, name="country"),
        )

    # ----------------------------------------------------------------- conversions
    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: exporter, importer, value, tariff (all N x N pairs)."""
        n = self.n
        codes = np.asarray(self._countries, dtype=object)
        return pd.DataFrame(
            {
                "exporter": np.repeat(codes, n),
                "importer": np.tile(codes, n),
                "value": self._flows.ravel(),
                "tariff": self._tariffs.ravel(),
            }
        )

    def meta(self) -> dict[str, Any]:
        """Metadata passed on by methods that make a new World."""
        return {"year": self.year, "unit": self.unit, "source": self.source}

    def with_tariffs(self, tariffs: Any) -> World:
        """A copy with another (N, N) tariff matrix."""
        return World(self._countries, self._flows, tariffs, names=self._names,
                     regions=self._regions, **self.meta())

    def aggregate(self, mapping: Mapping[str, Any], rest: str | None = "ROW") -> World:
        """Merge economies into regions; totals (flows, tariff revenue) are preserved.

        Parameters
        ----------
        mapping : mapping
            Either ``{region: [member, ...]}`` or ``{member: region}``. Members may be
            existing regions. A region may keep the code of one of its members.
        rest : str or None, default "ROW"
            Region for every economy the mapping does not mention; ``None`` keeps them
            separate.

        Returns
        -------
        World
            Flows are summed; a region's tariff on a partner is the flow-weighted mean of
            its members' tariffs, so tariff revenue is unchanged (simple mean where the
            members bought nothing from that partner).

        Examples
        --------
        >>> import middlepower as mp
        >>> w = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
        >>> w.aggregate({"BC": ["B", "C"]}, rest=None).flows.tolist()
        [[8.0, 2.0], [2.0, 20.0]]
        """
        groups = _normalise_mapping(mapping)
        assign: dict[str, str] = {}
        for region, members in groups.items():
            for m in members:
                if m not in self._index:
                    self._raise_unknown(m, "aggregate mapping")
                if m in assign and assign[m] != region:
                    raise DataError(f"{m!r} is mapped to both {assign[m]!r} and {region!r}.")
                assign[m] = region
        for c in self._countries:
            if c not in assign:
                assign[c] = rest if rest is not None else c
        order: list[str] = []
        for c in self._countries:
            if assign[c] not in order:
                order.append(assign[c])
        pos = {r: k for k, r in enumerate(order)}
        g = np.zeros((len(order), self.n))
        g[[pos[assign[c]] for c in self._countries], np.arange(self.n)] = 1.0
        flows = g @ self._flows @ g.T
        revenue = g @ (self._tariffs * self._flows) @ g.T
        counts = g @ np.ones_like(self._flows) @ g.T
        simple = g @ self._tariffs @ g.T / counts
        with np.errstate(invalid="ignore", divide="ignore"):
            tariffs = np.where(flows > 0, revenue / np.where(flows > 0, flows, 1.0), simple)
        np.fill_diagonal(tariffs, 0.0)
        regions: dict[str, tuple[str, ...]] = {}
        for r in order:
            members = [c for c in self._countries if assign[c] == r]
            if members == [r] and r not in self._regions:
                continue
            flat: list[str] = []
            for m in members:
                flat.extend(self._regions.get(m, (m,)))
            regions[r] = tuple(flat)
        names = []
        for r in order:
            if r in self._index and assign.get(r) == r and len(regions.get(r, (r,))) <= 1:
                names.append(self._names[self._index[r]])
            else:
                names.append(country_name(r))
        return World(order, flows, tariffs, names=names, regions=regions, **self.meta())

    def _raise_unknown(self, code: str, where: str) -> None:
        raise UnknownCountryError(self._unknown_message(code, where))

    def resolve(self, codes: str | Iterable[str], where: str = "") -> list[int]:
        """Indices of countries or named groups, expanded against this world.

        A group (``"USMCA"``, ``"EU27"``...) expands to its members that stand alone here,
        and to the regions that hold its other members (``DEU`` -> ``EU27``); members
        folded into ``ROW`` are left out, since ROW mostly holds other economies.
        Raises :class:`UnknownCountryError` for a code that is neither.
        """
        items = [codes] if isinstance(codes, str) else list(codes)
        out: list[int] = []
        for code in items:
            code = str(code)
            if code in self._index:
                idx = [self._index[code]]
            elif code in groups:
                idx = []
                for m in groups[code].members:
                    holder = m if m in self._index else self.region_of(m)
                    if holder is not None and holder != "ROW":
                        idx.append(self._index[holder])
                if not idx:
                    raise UnknownCountryError(
                        f"group {code!r}{' in ' + where if where else ''} has no member in this "
                        "world (all are folded into ROW)."
                    )
            else:
                self._raise_unknown(code, where)
            for k in idx:
                if k not in out:
                    out.append(k)
        return out


def _normalise_mapping(mapping: Mapping[str, Any]) -> dict[str, list[str]]:
    if not isinstance(mapping, Mapping) or not mapping:
        raise DataError("aggregate needs a non-empty mapping {region: [members]} or "
                        "{member: region}.")
    values = list(mapping.values())
    if all(isinstance(v, str) for v in values):
        out: dict[str, list[str]] = {}
        for member, region in mapping.items():
            out.setdefault(str(region), []).append(str(member))
        return out
    if all(isinstance(v, Iterable) and not isinstance(v, str) for v in values):
        return {str(r): [str(m) for m in v] for r, v in mapping.items()}
    raise DataError("aggregate mapping must be all {region: [members]} or all "
                    "{member: region}; got a mix.")
