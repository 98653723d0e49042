"""The baseline economy: who sells how much to whom, and at what tariff.

A :class:`World` holds, for N economies,

* ``flows[i, j]``: value shipped from exporter i to importer j at pre-tariff prices,
  with domestic sales ``flows[j, j]`` on the diagonal;
* ``tariffs[i, j]``: ad valorem tariff importer j levies on goods from i.

From these the model reads (Dekle, Eaton & Kortum 2008; Costinot & Rodriguez-Clare 2014)

.. math::

    Y_i = \\sum_j X_{ij}, \\qquad E_j = \\sum_i (1+t_{ij}) X_{ij}, \\qquad
    \\lambda_{ij} = (1+t_{ij}) X_{ij} / E_j, \\qquad D_j = \\sum_i X_{ij} - Y_j .

With S sectors (Caliendo & Parro 2015) every flow and tariff gains a leading sector axis,
``sector_flows[s, i, j]``, and each country-sector has a value-added share
:math:`\\gamma^s_n` and input-output shares :math:`\\gamma^{s,k}_n` (input k per unit of
output s), summing to one. Final-demand shares are implied by the data:

.. math::

    \alpha^s_n = \\Big(E^s_n - \\sum_u \\gamma^{u,s}_n Y^u_n\\Big) / I_n, \\qquad
    I_n = \\sum_s \\gamma^s_n Y^s_n + D_n + R_n ,

with :math:`E^s_n` sector absorption including tariffs, :math:`Y^s_n` gross output and
:math:`R_n` tariff revenue. One sector with a value-added share of one is the model above.

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
    UnknownSectorError,
)
from ._countries import country_name, suggest
from .groups import groups

__all__ = ["World"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.flags.writeable = False
    return a


#: Baseline tariffs above this (500%) are almost surely given in percent.
MAX_BASELINE_TARIFF = 5.0

#: Tolerance of "value-added and input shares sum to one".
_SHARE_TOL = 1e-6


def _first_bad(mask: np.ndarray, countries: Sequence[str],
               sectors: Sequence[str] | None = None) -> str:
    """``[CAN, USA]``, or ``[steel, CAN, USA]`` for an (S, N, N) mask."""
    idx = np.argwhere(mask)[0]
    if len(idx) == 3:
        s, i, j = idx
        head = f"{sectors[s]}, " if sectors is not None and len(sectors) > 1 else ""
        return f"[{head}{countries[i]}, {countries[j]}]"
    i, j = idx
    return f"[{countries[i]}, {countries[j]}]"


def _numbers(name: str, value: Any) -> np.ndarray:
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numbers; could not read them: {exc}") from None
    return a


def _matrix(name: str, value: Any, countries: Sequence[str]) -> np.ndarray:
    """``value`` as a float (N, N) array, checked for shape and finiteness (a new copy)."""
    a = _numbers(name, value)
    _check_matrix(name, a, countries)
    return a


def _cube(name: str, value: Any, countries: Sequence[str], sectors: Sequence[str] | None
          ) -> np.ndarray:
    """``value`` as a float (S, N, N) array (an (N, N) one gains a sector axis)."""
    a = _numbers(name, value)
    if a.ndim == 2:
        _check_matrix(name, a, countries)
        return a[None]
    if a.ndim != 3:
        raise ShapeError(f"{name} must be N x N, or S x N x N with sectors; got shape {a.shape}.")
    if sectors is not None and a.shape[0] != len(sectors):
        raise ShapeError(f"{name} has {a.shape[0]} sectors but {len(sectors)} sector names "
                         "were given.")
    for s in range(a.shape[0]):
        where = f"{name}[{sectors[s]}]" if sectors is not None else f"{name}[sector {s}]"
        _check_matrix(where if a.shape[0] > 1 else name, a[s], countries)
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


def _check_shares(name: str, a: np.ndarray, countries: Sequence[str],
                  sectors: Sequence[str]) -> None:
    bad = ~np.isfinite(a)
    if bad.any():
        raise NonFiniteError(f"{name} has {int(bad.sum())} NaN or infinite value(s); shares "
                             "must be numbers in [0, 1].")
    out = (a < 0) | (a > 1)
    if out.any():
        idx = tuple(np.argwhere(out)[0])
        raise DataError(f"{name} = {a[idx]:g} for country {countries[idx[-1]]}, sector "
                        f"{sectors[idx[0]]}: shares must lie in [0, 1] "
                        f"({int(out.sum())} value(s) outside).")


class World:
    """A baseline world economy (immutable), with one sector or many.

    Parameters
    ----------
    countries : sequence of str, length N
        ISO3 codes, or region codes such as ``"EU27"`` and ``"ROW"``; unique.
    flows : array-like of shape (N, N) or (S, N, N)
        ``flows[i, j]`` (or ``flows[s, i, j]``): pre-tariff value of goods shipped from i to
        j; domestic sales on the diagonal, each country's total positive. Non-negative and
        finite.
    tariffs : array-like of the shape of ``flows``, optional
        Ad valorem tariff (0.25 = 25%) set by importer j on goods from i. Zero by default;
        must lie in [0, 5] (a larger value is almost surely in percent). The diagonal is
        ignored (set 0).
    sectors : sequence of str, optional
        Short unique sector codes, one per leading slice of ``flows``; ``("all",)`` for
        one sector.
    value_added : array-like of shape (S, N), optional
        Share of value added in the gross output of each sector and country, in [0, 1];
        ones by default (no intermediate inputs).
    io : array-like of shape (S, S, N), optional
        ``io[s, k, n]``: cost share of inputs from sector k in the gross output of sector
        s in country n. ``value_added[s, n] + io[s, :, n].sum()`` must be 1.
    theta : array-like of shape (S,), optional
        Trade elasticity of each sector (> 0); without it, the solver's ``theta`` applies.
    sector_names : sequence of str, optional
        Display names of the sectors.
    sector_groups : mapping of str to sequence of str, optional
        Aliases shocks accept besides sector codes, e.g. ``{"steel": ["C24"]}``.
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

    __slots__ = (
        "__weakref__",
        "_countries",
        "_flows",
        "_index",
        "_io",
        "_names",
        "_regions",
        "_sector_groups",
        "_sector_names",
        "_sectors",
        "_tariffs",
        "_theta",
        "_va",
        "_views",
        "source",
        "unit",
        "year",
    )

    def __init__(  # noqa: C901 (checks at the door, one per argument)
        self,
        countries: Sequence[str],
        flows: Any,
        tariffs: Any = None,
        *,
        sectors: Sequence[str] | None = None,
        value_added: Any = None,
        io: Any = None,
        theta: Any = None,
        sector_names: Sequence[str] | None = None,
        sector_groups: Mapping[str, Sequence[str]] | None = None,
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
        if sectors is not None:
            sectors = tuple(str(s) for s in sectors)
            if len(set(sectors)) != len(sectors) or not all(sectors):
                raise DataError(f"sector codes must be unique, non-empty strings; got {sectors}.")
        f = _cube("flows", flows, countries, sectors)
        S = f.shape[0]
        if sectors is None:
            if S > 1:
                raise DataError(f"flows have {S} sectors: name them with sectors=[...].")
            sectors = ("all",)
        neg = f < 0
        if neg.any():
            idx = tuple(np.argwhere(neg)[0])
            raise NegativeFlowError(
                f"flows{_first_bad(neg, countries, sectors)} = {f[idx]:g}: trade flows must be "
                f">= 0 ({int(neg.sum())} negative value(s)); check the sign of the source data."
            )
        dom = np.einsum("sii->i", f)
        if (dom <= 0).any():
            bad = [countries[k] for k in np.flatnonzero(dom <= 0)]
            c = bad[0]
            raise DomesticSalesError(
                f"flows[{c}, {c}] = {dom[countries.index(c)]:g}: domestic sales must be positive "
                f"(also: {', '.join(bad[1:6]) or 'none'}); add them, or merge {c} into a region "
                f"with world.aggregate({{'ROW': [{c!r}, ...]}})."
            )
        t = np.zeros_like(f) if tariffs is None else self._checked_tariffs(
            _cube("tariffs", tariffs, countries, sectors), f.shape, countries, sectors)
        va, io_, th = self._checked_sector_params(value_added, io, theta, countries, sectors)
        if names is None:
            names = [country_name(c) for c in countries]
        elif len(names) != len(countries):
            raise ShapeError(f"{len(names)} names given for {len(countries)} countries.")
        if sector_names is None:
            sector_names = sectors
        elif len(sector_names) != S:
            raise ShapeError(f"{len(sector_names)} sector names given for {S} sectors.")
        self._countries = countries
        self._names = tuple(str(n) for n in names)
        self._sectors = sectors
        self._sector_names = tuple(str(n) for n in sector_names)
        self._flows = _readonly(f)
        self._tariffs = _readonly(t)
        self._va = _readonly(va)
        self._io = _readonly(io_)
        self._theta = None if th is None else _readonly(th)
        self._index = {c: k for k, c in enumerate(countries)}
        self._regions = {str(k): tuple(v) for k, v in (regions or {}).items() if k in self._index}
        self._sector_groups = self._checked_groups(sector_groups or {})
        self._views: dict[str, Any] = {}
        self.year = year
        self.unit = unit
        self.source = source
        self._check_final_shares()

    # ----------------------------------------------------------------- validation
    @staticmethod
    def _checked_tariffs(t: np.ndarray, shape: tuple[int, ...], countries: Sequence[str],
                         sectors: Sequence[str]) -> np.ndarray:
        if t.shape != shape:
            raise ShapeError(f"tariffs have shape {t.shape} but flows {shape}.")
        off = np.ones(t.shape[1:], dtype=bool)
        np.fill_diagonal(off, False)
        neg = (t < 0) & off
        if neg.any():
            idx = tuple(np.argwhere(neg)[0])
            raise TariffError(
                f"tariffs{_first_bad(neg, countries, sectors)} = {t[idx]:g}: tariffs must be "
                ">= 0 (0.25 means 25%); a negative rate below -100% makes prices negative."
            )
        big = (t > MAX_BASELINE_TARIFF) & off
        if big.any():
            idx = tuple(np.argwhere(big)[0])
            raise TariffError(
                f"tariffs{_first_bad(big, countries, sectors)} = {t[idx]:g} means "
                f"{t[idx] * 100:g}%: this looks like a rate in percent; give fractions "
                f"(0.25 = 25%), e.g. divide the column by 100."
            )
        t = t.copy()
        t[:, ~off] = 0.0
        return t

    @staticmethod
    def _checked_sector_params(value_added: Any, io: Any, theta: Any, countries: Sequence[str],
                               sectors: Sequence[str]) -> tuple[np.ndarray, ...]:
        S, N = len(sectors), len(countries)
        va = np.ones((S, N)) if value_added is None else _numbers("value_added", value_added)
        if va.shape != (S, N):
            raise ShapeError(f"value_added must have shape (S, N) = {(S, N)}; got {va.shape}.")
        io_ = np.zeros((S, S, N)) if io is None else _numbers("io", io)
        if io_.shape != (S, S, N):
            raise ShapeError(f"io must have shape (S, S, N) = {(S, S, N)}; got {io_.shape}.")
        _check_shares("value_added", va, countries, sectors)
        _check_shares("io", io_, countries, sectors)
        total = va + io_.sum(axis=1)
        off = np.abs(total - 1.0) > _SHARE_TOL
        if off.any():
            s, n = np.argwhere(off)[0]
            raise DataError(
                f"sector {sectors[s]} of {countries[n]}: value-added share {va[s, n]:.6g} plus "
                f"input shares {io_[s, :, n].sum():.6g} = {total[s, n]:.6g}, not 1 "
                f"({int(off.sum())} country-sector(s) off); rescale the input shares.")
        th = None
        if theta is not None:
            th = np.atleast_1d(_numbers("theta", theta))
            if th.size == 1 and S > 1:
                th = np.full(S, th[0])
            if th.shape != (S,):
                raise ShapeError(f"theta must have one value per sector ({S}); got {th.shape}.")
            bad = ~np.isfinite(th) | (th <= 0)
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise DataError(f"theta of sector {sectors[k]} is {th[k]:g}: trade elasticities "
                                "must be positive numbers.")
        return va, io_, th

    def _checked_groups(self, groups_: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for alias, members in groups_.items():
            members = [members] if isinstance(members, str) else list(members)
            unknown = [m for m in members if m not in self._sectors]
            if unknown:
                raise DataError(f"sector group {alias!r} names unknown sector(s) {unknown}.")
            out[str(alias)] = tuple(members)
        return out

    def _check_final_shares(self) -> None:
        if self.n_sectors == 1 and not self._io.any():
            return
        va = self.value_added()
        if (va <= 0).any():
            n = int(np.flatnonzero(va <= 0)[0])
            raise DataError(f"{self._countries[n]} has no value added (value-added shares "
                            "times output sum to 0): its wage is not determined.")
        income = self.income()
        if (income <= 0).any():
            n = int(np.argmin(income))
            raise DataError(
                f"{self._countries[n]}: final spending (value added {self.value_added()[n]:.4g} "
                f"+ deficit {self.deficit()[n]:.4g} + tariff revenue "
                f"{self.tariff_revenue()[n]:.4g}) is {income[n]:.4g} <= 0: intermediate use "
                "takes more than the economy buys; make flows and input shares consistent.")
        alpha = self._alpha_raw()
        bad = alpha < -1e-8
        if bad.any():
            s, n = np.argwhere(bad)[0]
            raise DataError(
                f"sector {self._sectors[s]} of {self._countries[n]}: intermediate use "
                f"(sum_u io[u, s] Y_u) exceeds the sector's absorption by "
                f"{-alpha[s, n] * self.income()[n]:.4g} ({self.unit or 'units'}), so final "
                "demand would be negative; make flows and input shares consistent.")

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_matrix(
        cls, countries: Sequence[str], flows: Any, tariffs: Any = None, **meta: Any
    ) -> World:
        """Build a World from an N x N (or S x N x N) flow matrix (exporter rows).

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
        sector: str | None = None,
        **meta: Any,
    ) -> World:
        """Build a World from a long table, one row per (exporter, importer[, sector]).

        Pairs absent from the table trade nothing (flow 0); domestic sales
        (exporter == importer) must be present and positive.

        Parameters
        ----------
        df : DataFrame
        exporter, importer, value : str
            Column names of the exporter code, importer code and flow value.
        tariff : str, optional
            Column with ad valorem tariffs set by the importer (0.25 = 25%).
        sector : str, optional
            Column with the sector code; sectors keep their order of first appearance
            unless ``sectors=`` is given in ``meta``.
        **meta
            ``year``, ``unit``, ``source``, ``names``, ``regions``, and the sector
            parameters (``sectors``, ``value_added``, ``io``, ``theta``, ...) as for
            :class:`World`.
        """
        if not isinstance(df, pd.DataFrame):
            raise DataError(f"from_frame expects a pandas DataFrame; got {type(df).__name__}.")
        needed = [exporter, importer, value] + ([tariff] if tariff else []) \
            + ([sector] if sector else [])
        missing = [c for c in needed if c not in df.columns]
        if missing:
            raise MissingColumnError(
                f"column(s) {missing} not in the table; it has {list(df.columns)[:12]}. "
                "Name the right ones with exporter=, importer=, value=."
            )
        ex = df[exporter].astype(str).to_numpy()
        im = df[importer].astype(str).to_numpy()
        sec = df[sector].astype(str).to_numpy() if sector else np.full(len(df), "all")
        pairs = pd.DataFrame({"e": ex, "i": im, "s": sec})
        dup = pairs.duplicated(keep=False)
        if dup.any():
            first = pairs[dup].iloc[0]
            times = int(((pairs.e == first.e) & (pairs.i == first.i) & (pairs.s == first.s)).sum())
            label = f"{first.s}, " if sector else ""
            raise DuplicatePairError(
                f"pair ({label}{first.e}, {first.i}) appears {times} "
                f"times ({int(dup.sum())} duplicated rows in all); aggregate the table first, "
                f"e.g. df.groupby([{exporter!r}, {importer!r}], as_index=False).sum()."
            )
        countries = sorted(set(ex) | set(im))
        sectors = tuple(meta.pop("sectors", None) or pd.unique(sec))
        unknown = sorted(set(sec) - set(sectors))
        if unknown:
            raise DataError(f"sector(s) {unknown[:5]} in the table are not in sectors=.")
        pos = {c: k for k, c in enumerate(countries)}
        spos = {c: k for k, c in enumerate(sectors)}
        r = np.fromiter((pos[c] for c in ex), dtype=np.intp, count=len(ex))
        c = np.fromiter((pos[c] for c in im), dtype=np.intp, count=len(im))
        k = np.fromiter((spos[c] for c in sec), dtype=np.intp, count=len(sec))
        vals = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(vals)
        if bad.any():
            b = int(np.flatnonzero(bad)[0])
            raise NonFiniteError(
                f"{value} for ({ex[b]}, {im[b]}) is {df[value].iloc[b]!r}: {int(bad.sum())} "
                "value(s) are missing, non-numeric or infinite; fill or drop them first."
            )
        shape = (len(sectors), len(countries), len(countries))
        flows = np.zeros(shape)
        flows[k, r, c] = vals
        tariffs = None
        if tariff:
            tv = pd.to_numeric(df[tariff], errors="coerce").to_numpy(dtype=np.float64)
            if (~np.isfinite(tv)).any():
                b = int(np.flatnonzero(~np.isfinite(tv))[0])
                raise NonFiniteError(
                    f"{tariff} for ({ex[b]}, {im[b]}) is {df[tariff].iloc[b]!r}; tariffs must be "
                    "finite numbers (use 0 for none)."
                )
            tariffs = np.zeros(shape)
            tariffs[k, r, c] = tv
        if not sector:
            return cls(countries, flows[0], None if tariffs is None else tariffs[0], **meta)
        return cls(countries, flows, tariffs, sectors=sectors, **meta)

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
    def sectors(self) -> tuple[str, ...]:
        """Codes of the S sectors; ``("all",)`` for a one-sector world."""
        return self._sectors

    @property
    def sector_names(self) -> tuple[str, ...]:
        """Display names of the sectors."""
        return self._sector_names

    @property
    def sector_groups(self) -> dict[str, tuple[str, ...]]:
        """Aliases of sectors or groups of sectors (``{"steel": ("C24",)}``)."""
        return dict(self._sector_groups)

    @property
    def n_sectors(self) -> int:
        """Number of sectors."""
        return len(self._sectors)

    def tariff_default_sectors(self) -> list[str] | None:
        """The sectors a tariff covers when it names none: the one rule for every door.

        Tariffs are levied on goods at the border, so on a world with a ``goods`` sector
        group (``wiod2014``, ``icio2022``: services trade too) a tariff with no sectors
        named taxes every goods sector; ``sectors="all"`` taxes services as well. On a
        world without that group (one sector, ``cp1993``) it covers every sector: None.
        """
        return ["goods"] if self.n_sectors > 1 and "goods" in self._sector_groups else None

    def _view(self, key: str, make: Any) -> np.ndarray:
        if key not in self._views:
            a = make()
            a.flags.writeable = False
            self._views[key] = a
        return self._views[key]

    @property
    def sector_flows(self) -> np.ndarray:
        """(S, N, N) pre-tariff flows by sector (read-only)."""
        return self._flows

    @property
    def sector_tariffs(self) -> np.ndarray:
        """(S, N, N) ad valorem tariffs by sector (read-only)."""
        return self._tariffs

    @property
    def flows(self) -> np.ndarray:
        """(N, N) pre-tariff flows summed over sectors, exporter rows, importer columns."""
        if self.n_sectors == 1:
            return self._flows[0]
        return self._view("flows", lambda: self._flows.sum(axis=0))

    @property
    def tariffs(self) -> np.ndarray:
        """(N, N) tariffs set by importer j (column) on exporter i (row).

        With sectors: the flow-weighted mean over sectors (tariff revenue over flows), the
        simple mean where nothing is traded.
        """
        if self.n_sectors == 1:
            return self._tariffs[0]
        return self._view("tariffs", lambda: _weighted_tariff(self._tariffs, self._flows))

    @property
    def value_added_shares(self) -> np.ndarray:
        """(S, N) share of value added in gross output, gamma^s_n."""
        return self._va

    @property
    def io_shares(self) -> np.ndarray:
        """(S, S, N): io[s, k, n], input k per unit of output s in country n."""
        return self._io

    @property
    def sector_theta(self) -> np.ndarray | None:
        """(S,) trade elasticity of each sector, or None when the solver's theta applies."""
        return self._theta

    @property
    def regions(self) -> dict[str, tuple[str, ...]]:
        """Members of codes that stand for several economies (e.g. ``EU27``, ``ROW``)."""
        return dict(self._regions)

    @property
    def agreements(self) -> pd.DataFrame:
        """Pairs of economies trading under an agreement in force in ``year`` (a, b,
        agreement, since), from the shipped table; see :mod:`middlepower.data.agreements`."""
        from .agreements import agreements

        return agreements(self)

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
        sec = f", S={self.n_sectors}" if self.n_sectors > 1 else ""
        return f"<World N={self.n}{sec} [{head}]{meta}, unit={self.unit!r}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # slots and read-only arrays: rebuild from the constructor (Dask ships worlds)
        return (_rebuild, (self._countries, self._flows, self._tariffs, self._init_kw()))

    def _init_kw(self) -> dict[str, Any]:
        return {**self._sector_meta(), "names": self._names, "regions": self._regions,
                **self.meta()}

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
        if region == "ROW":  # ROW is mostly other economies: never a stand-in for one
            return (f"country {code!r}{at} is not separate in this world: it is folded into "
                    "'ROW' (the rest of the world); use a world where it stands alone, e.g. "
                    "mp.load('world2023-full') (--data world2023-full on the command line).")
        if region:
            return (f"country {code!r}{at} is not separate in this world: it is part of "
                    f"{region!r}; use {region!r}, or a world where it stands alone "
                    "(e.g. mp.load('world2023-full')).")
        if code in groups:
            members = [m for m in groups[code].members if m in self._index]
            eg = f", e.g. {members[0]!r}" if members else ""
            return (f"{code!r}{at} is a group ({groups[code].title}), not one economy; name "
                    f"one of its members{eg}.")
        hints = suggest(code, self._countries)
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        return f"unknown country {code!r}{at}{hint} (this world has {self.n} economies: " \
               f"{', '.join(self._countries[:8])}{', ...' if self.n > 8 else ''})"

    def resolve_sectors(self, names: str | Iterable[str] | None, where: str = "") -> list[int]:
        """Indices of sectors given by code, display name, alias or ``"all"``.

        ``None`` or ``"all"`` means every sector. Matching is case-insensitive.

        Raises
        ------
        UnknownSectorError
            With the closest codes and aliases.
        """
        if names is None:
            return list(range(self.n_sectors))
        items = [names] if isinstance(names, str) else list(names)
        lookup: dict[str, list[int]] = {"all": list(range(self.n_sectors))}
        for k, (code, name) in enumerate(zip(self._sectors, self._sector_names, strict=True)):
            lookup.setdefault(code.lower(), [k])
            lookup.setdefault(name.lower(), [k])
        for alias, members in self._sector_groups.items():
            lookup.setdefault(alias.lower(), [self._sectors.index(m) for m in members])
        out: list[int] = []
        for item in items:
            key = str(item).strip().lower()
            if key not in lookup:
                import difflib

                options = [*self._sector_groups, *self._sectors]
                close = difflib.get_close_matches(key, [o.lower() for o in options], n=3,
                                                  cutoff=0.5)
                by_lower = {o.lower(): o for o in options}
                hint = f"; did you mean {' or '.join(repr(by_lower[c]) for c in close)}?" \
                    if close else ""
                at = f" in {where}" if where else ""
                head = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
                if self.n_sectors == 1:
                    raise UnknownSectorError(
                        f"unknown sector {item!r}{at}: this world has 1 sector (all goods "
                        "together), so a shock cannot single out a sector; use a "
                        "multi-sector dataset (data: icio2022, --data icio2022) or omit "
                        "sectors to cover all goods.")
                raise UnknownSectorError(
                    f"unknown sector {item!r}{at}{hint} (this world has {self.n_sectors} "
                    f"sector(s); codes and aliases: {head})")
            for k in lookup[key]:
                if k not in out:
                    out.append(k)
        return out

    # ----------------------------------------------------------------- derived
    def sector_output(self) -> np.ndarray:
        """Y^s_i = sum_j X^s_ij: gross output by sector, shape (S, N)."""
        return self._view("sector_output", lambda: self._flows.sum(axis=2))

    def sector_expenditure(self) -> np.ndarray:
        """E^s_j = sum_i (1 + t^s_ij) X^s_ij: absorption incl. tariffs, shape (S, N)."""
        return self._view("sector_expenditure",
                          lambda: ((1.0 + self._tariffs) * self._flows).sum(axis=1))

    def output(self) -> np.ndarray:
        """Y_i = sum_j X_ij: gross output (sales at home and abroad), shape (N,)."""
        return self._view("output", lambda: self._flows.sum(axis=(0, 2)))

    def value_added(self) -> np.ndarray:
        """sum_s gamma^s_i Y^s_i: value added (GDP), shape (N,); output with one sector."""
        return self._view("value_added",
                          lambda: (self._va * self.sector_output()).sum(axis=0))

    def expenditure(self) -> np.ndarray:
        """E_j = sum_s sum_i (1 + t_ij) X_ij: spending including tariffs paid, shape (N,)."""
        return self._view("expenditure", lambda: self.sector_expenditure().sum(axis=0))

    def tariff_revenue(self) -> np.ndarray:
        """R_j = sum_i t_ij X_ij, shape (N,)."""
        return self._view("revenue", lambda: (self._tariffs * self._flows).sum(axis=(0, 1)))

    def income(self) -> np.ndarray:
        """I_n = value added + deficit + tariff revenue: final spending, shape (N,)."""
        return self.value_added() + self.deficit() + self.tariff_revenue()

    def deficit(self) -> np.ndarray:
        """D_j = sum_i X_ij - Y_j: imports minus exports at pre-tariff prices, shape (N,)."""
        return self._view("deficit", lambda: self._flows.sum(axis=(0, 1)) - self.output())

    def exports(self) -> np.ndarray:
        """Sales abroad, sum_{j != i} X_ij, shape (N,)."""
        return self.flows.sum(axis=1) - np.diag(self.flows)

    def imports(self) -> np.ndarray:
        """Purchases from abroad at pre-tariff prices, sum_{i != j} X_ij, shape (N,)."""
        return self.flows.sum(axis=0) - np.diag(self.flows)

    def sector_shares(self) -> np.ndarray:
        """lambda^s_ij = (1 + t^s_ij) X^s_ij / E^s_j, shape (S, N, N).

        Columns sum to one; where a country buys nothing of a sector, its column is the
        unit vector on itself (the price of a good nobody buys moves with local costs).
        """
        def make() -> np.ndarray:
            e = self.sector_expenditure()
            with np.errstate(invalid="ignore", divide="ignore"):
                lam = (1.0 + self._tariffs) * self._flows / e[:, None, :]
            empty = e <= 0
            if empty.any():
                s, j = np.nonzero(empty)
                lam[s, :, j] = 0.0
                lam[s, j, j] = 1.0
            return lam
        return self._view("sector_shares", make)

    def shares(self) -> np.ndarray:
        """lambda_ij = (1 + t_ij) X_ij / E_j: j's spending share on i, shape (N, N).

        Columns sum to one. With sectors, the share of j's total absorption.
        """
        if self.n_sectors == 1:
            return self.sector_shares()[0]
        return ((1.0 + self._tariffs) * self._flows).sum(axis=0) / self.expenditure()[None, :]

    def _alpha_raw(self) -> np.ndarray:
        intermediate = np.einsum("usn,un->sn", self._io, self.sector_output())
        return (self.sector_expenditure() - intermediate) / self.income()[None, :]

    def final_shares(self) -> np.ndarray:
        """alpha^s_n: share of sector s in final spending of country n, shape (S, N).

        Implied by the data (see the module docstring); columns sum to one.
        """
        def make() -> np.ndarray:
            a = np.clip(self._alpha_raw(), 0.0, None)
            return a / a.sum(axis=0, keepdims=True)
        return self._view("final_shares", make)

    def summary(self) -> pd.DataFrame:
        """One row per economy: output, expenditure, exports, imports, deficit."""
        return pd.DataFrame(
            {
                "name": self._names,
                "output": self.output(),
                "value_added": self.value_added(),
                "expenditure": self.expenditure(),
                "exports": self.exports(),
                "imports": self.imports(),
                "deficit": self.deficit(),
                "tariff_revenue": self.tariff_revenue(),
                "domestic_share": np.diag(self.shares()),
            },
            index=pd.Index(self._countries, name="country"),
        )

    def sector_summary(self) -> pd.DataFrame:
        """One row per (country, sector): output, exports, imports, value-added share."""
        S, N = self.n_sectors, self.n
        X = self._flows
        dom = np.einsum("sii->si", X)
        return pd.DataFrame({
            "country": np.tile(np.asarray(self._countries, dtype=object), S),
            "sector": np.repeat(np.asarray(self._sectors, dtype=object), N),
            "output": self.sector_output().ravel(),
            "exports": (X.sum(axis=2) - dom).ravel(),
            "imports": (X.sum(axis=1) - dom).ravel(),
            "value_added_share": self._va.ravel(),
            "final_share": self.final_shares().ravel(),
        })

    # ----------------------------------------------------------------- conversions
    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: [sector,] exporter, importer, value, tariff (every pair)."""
        S, n = self.n_sectors, self.n
        codes = np.asarray(self._countries, dtype=object)
        frame = pd.DataFrame(
            {
                "exporter": np.tile(np.repeat(codes, n), S),
                "importer": np.tile(codes, n * S),
                "value": self._flows.ravel(),
                "tariff": self._tariffs.ravel(),
            }
        )
        if S > 1:
            frame.insert(0, "sector", np.repeat(np.asarray(self._sectors, dtype=object), n * n))
        return frame

    def meta(self) -> dict[str, Any]:
        """Metadata passed on by methods that make a new World."""
        return {"year": self.year, "unit": self.unit, "source": self.source}

    def _sector_meta(self) -> dict[str, Any]:
        return {"sectors": self._sectors, "value_added": self._va, "io": self._io,
                "theta": self._theta, "sector_names": self._sector_names,
                "sector_groups": self._sector_groups}

    def with_tariffs(self, tariffs: Any) -> World:
        """A copy with other tariffs: (N, N) for every sector, or (S, N, N)."""
        t = np.asarray(tariffs, dtype=np.float64)
        if t.ndim == 2 and self.n_sectors > 1:
            t = np.broadcast_to(t, self._flows.shape)
        return World(self._countries, self._flows, t, names=self._names,
                     regions=self._regions, **self._sector_meta(), **self.meta())

    def with_flows(self, flows: Any, tariffs: Any = None) -> World:
        """A copy with other flows (and tariffs), same shape, same sector parameters."""
        return World(self._countries, flows, self._tariffs if tariffs is None else tariffs,
                     names=self._names, regions=self._regions, **self._sector_meta(),
                     **self.meta())

    def collapse(self) -> World:
        """The one-sector world: flows summed over sectors, revenue-weighted tariffs.

        Gross output becomes the single sector's output (with a value-added share of one,
        as in the one-sector datasets), so GDP is measured by gross output.
        """
        if self.n_sectors == 1 and not self._io.any():
            return self
        return World(self._countries, self.flows, self.tariffs, names=self._names,
                     regions=self._regions, **self.meta())

    def aggregate_sectors(self, mapping: Mapping[str, Any], rest: str | None = None) -> World:
        """Merge sectors; flows, tariff revenue, value added and input use are preserved.

        Parameters
        ----------
        mapping : mapping
            ``{new: [sector, ...]}`` or ``{sector: new}``; sectors may be given by code,
            name or alias.
        rest : str, optional
            New sector for every sector the mapping does not mention; None keeps them.

        Returns
        -------
        World
            Value-added and input shares are output-weighted means; a merged sector's
            trade elasticity is the import-weighted mean of its members'.
        """
        groups_ = _normalise_mapping(mapping)
        assign: dict[int, str] = {}
        for new, members in groups_.items():
            for k in self.resolve_sectors(members, "aggregate_sectors mapping"):
                if k in assign and assign[k] != new:
                    raise DataError(f"sector {self._sectors[k]!r} is mapped to both "
                                    f"{assign[k]!r} and {new!r}.")
                assign[k] = new
        for k, code in enumerate(self._sectors):
            assign.setdefault(k, rest if rest is not None else code)
        order = list(dict.fromkeys(assign[k] for k in range(self.n_sectors)))
        G = np.zeros((len(order), self.n_sectors))
        G[[order.index(assign[k]) for k in range(self.n_sectors)], np.arange(self.n_sectors)] = 1.0
        flows = np.einsum("as,sij->aij", G, self._flows)
        revenue = np.einsum("as,sij->aij", G, self._flows * self._tariffs)
        simple = np.einsum("as,sij->aij", G, self._tariffs) / G.sum(axis=1)[:, None, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            tariffs = np.where(flows > 0, revenue / np.where(flows > 0, flows, 1.0), simple)
        Y = self.sector_output()
        Ya = G @ Y
        safe = np.where(Ya > 0, Ya, 1.0)
        va = np.where(Ya > 0, (G @ (self._va * Y)) / safe, (G @ self._va) / G.sum(1)[:, None])
        # io_new[a, b, n] = sum_{s in a, k in b} io[s, k, n] Y^s_n / Y^a_n
        io_w = np.einsum("as,bk,skn,sn->abn", G, G, self._io, Y)
        io_simple = np.einsum("as,bk,skn->abn", G, G, self._io) / G.sum(1)[:, None, None]
        io_new = np.where(Ya[:, None, :] > 0, io_w / safe[:, None, :], io_simple)
        theta = None
        if self._theta is not None:
            m = self._flows.sum(axis=(1, 2)) - np.einsum("sii->s", self._flows)
            w = G * np.where(m > 0, m, 1e-12)[None, :]
            theta = (w @ self._theta) / w.sum(axis=1)
        names = [self._sector_names[self._sectors.index(c)] if c in self._sectors
                 and G[order.index(c)].sum() == 1 else c for c in order]
        return World(self._countries, flows, tariffs, sectors=order, value_added=va, io=io_new,
                     theta=theta, sector_names=names, names=self._names,
                     regions=self._regions, **self.meta())

    def aggregate(self, mapping: Mapping[str, Any], rest: str | None = "ROW") -> World:  # noqa: C901 (to split)
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
            members bought nothing from that partner). With sectors, value-added and input
            shares are output-weighted means, so value added and input use are unchanged.

        Examples
        --------
        >>> import middlepower as mp
        >>> w = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
        >>> w.aggregate({"BC": ["B", "C"]}, rest=None).flows.tolist()
        [[8.0, 2.0], [2.0, 18.0]]
        """
        groups_ = _normalise_mapping(mapping)
        assign: dict[str, str] = {}
        for region, members in groups_.items():
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
        flows = np.einsum("ri,sij,cj->src", g, self._flows, g)
        revenue = np.einsum("ri,sij,cj->src", g, self._tariffs * self._flows, g)
        counts = g @ np.ones((self.n, self.n)) @ g.T
        simple = np.einsum("ri,sij,cj->src", g, self._tariffs, g) / counts
        with np.errstate(invalid="ignore", divide="ignore"):
            tariffs = np.where(flows > 0, revenue / np.where(flows > 0, flows, 1.0), simple)
        idx = np.arange(len(order))
        tariffs[:, idx, idx] = 0.0
        Y = self.sector_output()                      # (S, N)
        Yr = Y @ g.T                                  # (S, R)
        safe = np.where(Yr > 0, Yr, 1.0)
        mean = g / g.sum(axis=1, keepdims=True)
        va = np.where(Yr > 0, ((self._va * Y) @ g.T) / safe, self._va @ mean.T)
        io_new = np.where(Yr[:, None, :] > 0,
                          np.einsum("skn,sn,rn->skr", self._io, Y, g) / safe[:, None, :],
                          np.einsum("skn,rn->skr", self._io, mean))
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
        meta = {**self._sector_meta(), "value_added": va, "io": io_new}
        return World(order, flows, tariffs, names=names, regions=regions, **meta, **self.meta())

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


def _rebuild(countries: tuple[str, ...], flows: np.ndarray, tariffs: np.ndarray,
             kw: dict[str, Any]) -> World:
    return World(countries, flows, tariffs, **kw)


def _weighted_tariff(tariffs: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Revenue-weighted mean over the sector axis; the simple mean where nothing trades."""
    total = flows.sum(axis=0)
    revenue = (tariffs * flows).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, revenue / np.where(total > 0, total, 1.0),
                        tariffs.mean(axis=0))


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
