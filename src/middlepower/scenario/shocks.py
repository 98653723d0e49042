"""Shocks: the policy moves a scenario is made of, validated by pydantic.

Each shock is a small frozen model with a ``type`` tag, so a list of shocks reads and
writes as YAML/JSON. Countries are ISO3 codes or named groups (``mp.groups``), expanded
against the world a scenario is solved on.

======================  ==========================================================
``tariff``              importer ``by`` sets ``rate`` on goods from ``on``
``partial_effect``      table of (exporter, importer, beta): flows scale by e^beta
``agreement``           ``form`` or ``end`` an agreement among members (beta each way)
``embargo``             trade between two sides stops, both directions
``export_ban``          exporter ``by`` stops selling ``sectors`` to ``on`` (one way)
``trade_cost``          iceberg cost from ``from`` to ``to`` changes by ``change``
======================  ==========================================================

All shocks are applied, in order, to three (S, N, N) arrays (sector, exporter, importer;
S = 1 for a one-sector world): the new tariffs t', the partial effects beta (log of the
change in flows at constant prices, ``dhat^-theta = exp(beta)``), and log iceberg-cost
changes log(dhat). ``tariff`` and ``trade_cost`` take ``sectors=`` (codes, names or
aliases such as ``steel``). Omitted, a tariff taxes every goods sector (services too only
with ``sectors="all"``; :meth:`World.tariff_default_sectors`) and a trade cost every
sector; the others hit every sector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..errors import ScenarioError
from ._base import (
    MAX_EFFECT,
    MAX_EXTREME_TARIFF,
    MAX_TARIFF,
    Countries,
    ShockArrays,
    _as_list,
    _at,
    _check_codes,
    _number,
    _prefix,
    _Shock,
    _split_sectors,
)
from ._fields import _build
from ._succession import keeps_another, nothing_to_end, substitution, with_successors
from .bans import Embargo, ExportBan

if TYPE_CHECKING:
    import pandas as pd

    from ..data.world import World

__all__ = [
    "Agreement",
    "Embargo",
    "ExportBan",
    "PairEffect",
    "PartialEffect",
    "Shock",
    "ShockArrays",
    "Tariff",
    "TradeCost",
    "agreement",
    "embargo",
    "export_ban",
    "partial_effect",
    "tariff",
    "trade_cost",
]

class Tariff(_Shock):
    """Importer(s) ``by`` set an ad valorem tariff ``rate`` on goods from ``on``.

    ``rate`` replaces the baseline tariff (``add=False``) or is added to it (``add=True``;
    a negative rate then cuts it, not below zero). 0.25 means 25%.
    """

    type: Literal["tariff"] = "tariff"
    by: Countries
    on: Countries
    add: bool = False  # before rate, so that rate's check can see it
    allow_extreme: bool = False
    rate: float
    sectors: list[str] | None = None
    exempt: float = 0.0

    _codes = field_validator("by", "on")(_check_codes)

    @field_validator("rate", "exempt", mode="before")
    @classmethod
    def _not_bool(cls, v: Any, info: ValidationInfo) -> Any:
        return _number(v, info.field_name or "value")

    _sector_list = field_validator("sectors", mode="before")(_split_sectors)

    @field_validator("exempt")
    @classmethod
    def _exempt(cls, v: float) -> float:
        if not np.isfinite(v) or not 0 <= v < 1:
            raise ValueError(f"exempt is the share of the flow entering duty-free, in [0, 1); "
                             f"got {v}")
        return v

    @field_validator("rate")
    @classmethod
    def _rate(cls, v: float, info: ValidationInfo) -> float:
        if not np.isfinite(v):
            raise ValueError(f"rate must be a finite number; got {v}")
        ceiling = MAX_EXTREME_TARIFF if info.data.get("allow_extreme") else MAX_TARIFF
        if v > ceiling:
            extra = "" if info.data.get("allow_extreme") else \
                " If you really mean it, set allow_extreme=True (YAML: allow_extreme: true)."
            raise ValueError(f"rate {v:g} means {v * 100:g}%; rates are fractions (0.25 = 25%). "
                             f"Did you mean {v / 100:g}? Use an embargo to stop trade.{extra}")
        add = info.data.get("add", False)
        if not add and v < 0:
            raise ValueError(f"rate {v:g} is negative: a tariff cannot be below 0% "
                             "(use add=True with a negative rate to cut an existing tariff)")
        if add and v <= -1:
            raise ValueError(f"rate {v:g} would cut the tariff by 100% or more")
        return v

    @model_validator(mode="after")
    def _sectors(self) -> Tariff:
        if self.sectors is not None and not self.sectors:
            raise ValueError("sectors is empty; omit it to tax every goods sector")
        from ..data.groups import groups

        by = _as_list(self.by)
        if set(by) == set(_as_list(self.on)) and len(by) == 1 and by[0] not in groups:
            raise ValueError(f"{self.by!r} would tax itself: a country cannot tax its own "
                             "goods; name another economy in 'on'")
        return self

    def _sector_index(self, world: World, sectors: list[str] | None, where: str
                      ) -> np.ndarray:
        """A tariff with no sectors named taxes goods (:meth:`World.tariff_default_sectors`)."""
        if sectors is None:
            sectors = world.tariff_default_sectors()
        return super()._sector_index(world, sectors, where)

    @property
    def applied_rate(self) -> float:
        """The rate charged on average: ``rate * (1 - exempt)``.

        ``exempt`` is the share of the flow that enters duty-free (e.g. goods that qualify
        under USMCA rules of origin). Charging the average rate on the whole flow is a
        first-order approximation: it ignores that exempt and taxed goods face different
        prices, so it understates the shift of trade into the exempt part.
        """
        return self.rate * (1.0 - self.exempt)

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        i, j = self._pairs(world, self.on, self.by, where, "on", "by")
        s = self._sector_index(world, self.sectors, where)
        ss, ii = np.meshgrid(s, i, indexing="ij")
        jj = np.broadcast_to(j, ss.shape)
        rate = self.applied_rate
        new = arrays.tariffs[ss, ii, jj] + rate if self.add else np.full(ss.shape, rate)
        if (new < 0).any():
            k = np.unravel_index(int(np.argmin(new)), new.shape)
            raise ScenarioError(
                f"{_prefix(where)}tariff by {world.countries[jj[k]]} on "
                f"{world.countries[ii[k]]} would be {new[k]:.4g} < 0 after adding {rate:g} "
                f"to {arrays.tariffs[ss[k], ii[k], jj[k]]:.4g}."
            )
        arrays.tariffs[ss, ii, jj] = new


class PairEffect(BaseModel):
    """One row of a partial-effect table."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    exporter: str
    importer: str
    beta: float
    sector: str | None = None

    @field_validator("beta")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not np.isfinite(v):
            raise ValueError(f"beta must be finite; got {v} (use an embargo to stop trade)")
        return v


class PartialEffect(_Shock):
    """Flows from ``exporter`` to ``importer`` change by ``exp(beta)`` at constant prices.

    This is the form gravity estimates come in: ``dhat_ij^-theta = exp(beta_ij)``.
    Effects on the same pair add up. An optional ``sector`` column (code, name or alias)
    limits a row to those sectors; without it a row applies to every sector.
    """

    type: Literal["partial_effect"] = "partial_effect"
    table: list[PairEffect]

    @field_validator("table", mode="before")
    @classmethod
    def _from_frame(cls, v: Any) -> Any:
        if hasattr(v, "to_dict") and hasattr(v, "columns"):
            missing = {"exporter", "importer", "beta"} - set(v.columns)
            if missing:
                raise ValueError(f"partial-effect table lacks column(s) {sorted(missing)}; "
                                 f"it has {list(v.columns)}")
            cols = ["exporter", "importer", "beta"] + (["sector"] if "sector" in v.columns
                                                       else [])
            return v[cols].to_dict("records")
        return v

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        if not self.table:
            return
        # resolve each distinct code once: tables from estimations have N^2 rows
        codes: dict[str, list[int]] = {}
        for k, row in enumerate(self.table):
            for code, side in ((row.exporter, "exporter"), (row.importer, "importer")):
                if code not in codes:
                    codes[code] = world.resolve(code, _at(where, f"partial_effect.table[{k}]."
                                                                 f"{side}"))
        if any(r.sector is not None for r in self.table):
            self._apply_by_sector(world, arrays, codes, where)
            return
        single = all(len(v) == 1 for v in codes.values())
        if single:
            i = np.fromiter((codes[r.exporter][0] for r in self.table), dtype=np.intp)
            j = np.fromiter((codes[r.importer][0] for r in self.table), dtype=np.intp)
            beta = np.fromiter((r.beta for r in self.table), dtype=np.float64)
            for s in range(arrays.beta.shape[0]):
                np.add.at(arrays.beta[s], (i, j), beta)
            return
        for row in self.table:
            ii, jj = np.meshgrid(codes[row.exporter], codes[row.importer], indexing="ij")
            arrays.beta[:, ii, jj] += row.beta

    def _apply_by_sector(self, world: World, arrays: ShockArrays,
                         codes: dict[str, list[int]], where: str) -> None:
        sectors: dict[str | None, np.ndarray] = {}
        for k, row in enumerate(self.table):
            if row.sector not in sectors:
                sectors[row.sector] = np.array(world.resolve_sectors(
                    row.sector, _at(where, f"partial_effect.table[{k}].sector")), dtype=np.intp)
            ss, ii, jj = np.meshgrid(sectors[row.sector], codes[row.exporter],
                                     codes[row.importer], indexing="ij")
            arrays.beta[ss, ii, jj] += row.beta

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame (exporter, importer, beta[, sector])."""
        import pandas as pd

        has_sector = any(r.sector is not None for r in self.table)
        cols = ["exporter", "importer", "beta"] + (["sector"] if has_sector else [])
        return pd.DataFrame([r.model_dump() for r in self.table], columns=cols)


class Agreement(_Shock):
    """Form, or end, a trade agreement among ``members``.

    ``form``: every ordered pair of distinct members gets ``beta = +effect``, except the
    pairs that already trade under an agreement in force in the world's year
    (``world.agreements``, from the shipped table of WTO-notified agreements): their
    baseline trade already reflects it, so they are skipped unless ``deepen`` says
    otherwise (``True``: the same effect on top; a number: that effect on top, e.g. a
    deeper agreement's extra). ``end``: only the pairs under an agreement in force get
    ``-effect`` (``end="USMCA"`` ends what is in force); on a world none of whose pairs is
    in the table (made-up codes), every member pair. ``effect`` defaults to the estimated
    average effect of a regional trade agreement shipped with middlepower (see
    :mod:`middlepower.data.estimates`). :meth:`split` and :meth:`note` say which
    pairs are new and which were skipped. ``sectors`` limits the effect to those sectors
    (every sector when omitted; the shipped effect is a goods estimate, so the analyses
    pass the goods sectors on a world that has services).
    """

    type: Literal["agreement"] = "agreement"
    _within: ClassVar[bool] = True
    form: Countries | None = None
    end: Countries | None = None
    effect: float | None = None
    deepen: bool | float = False
    sectors: list[str] | None = None

    _sector_list = field_validator("sectors", mode="before")(_split_sectors)

    @model_validator(mode="after")
    def _one(self) -> Agreement:
        if (self.form is None) == (self.end is None):
            raise ValueError("give exactly one of 'form' or 'end' (the members, or a group)")
        _check_codes(self.form if self.form is not None else self.end)
        for what, v in (("effect", self.effect),
                        ("deepen", None if isinstance(self.deepen, bool) else self.deepen)):
            if v is None:
                continue
            _number(v, what)
            if not np.isfinite(v) or abs(v) > MAX_EFFECT:
                raise ValueError(f"{what} is the log change of trade (0.5 = +65%), finite and "
                                 f"at most {MAX_EFFECT:g} in size; got {v}")
        if self.end is not None and self.deepen is not False:
            raise ValueError("deepen applies to 'form' only (an effect on top of an "
                             "agreement in force); drop it when ending an agreement")
        return self

    @property
    def members(self) -> Countries:
        return self.form if self.form is not None else self.end  # type: ignore[return-value]

    def beta(self) -> float:
        """The signed partial effect applied to each new member pair."""
        if self.effect is not None:
            size = self.effect
        else:
            from ..data.estimates import RTA_EFFECT

            size = RTA_EFFECT.beta
        return size if self.form is not None else -size

    def _deepen_beta(self) -> float:
        if self.deepen is True:
            return self.beta()
        return 0.0 if self.deepen is False else float(self.deepen)

    def _member_pairs(self, world: World, where: str) -> tuple[np.ndarray, np.ndarray]:
        field = "form" if self.form is not None else "end"
        idx = world.resolve(self.members, _at(where, f"agreement.{field}"))
        if len(idx) < 2:
            raise ScenarioError(f"{_prefix(where)}agreement.{field} needs at least two economies "
                                f"of this world; got {[world.countries[k] for k in idx]}.")
        return self._pairs(world, self.members, self.members, where, field, field)

    def split(self, world: World) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
        """The member pairs (unordered, in the world's order) this shock treats as new, and
        those already under an agreement in force, with its name.

        For ``end``: the pairs it ends, and as "new" those with no agreement to end;
        pairs that keep another agreement are in neither list.
        """
        from ..data.agreements import in_force, pair_name

        i, j = self._member_pairs(world, "")
        m = in_force(world)
        ends = self._ends(world, i, j) if self.end is not None else m[i, j]
        new, old = [], []
        for a, b, hit in zip(i, j, ends, strict=True):
            if a < b:
                ca, cb = world.countries[a], world.countries[b]
                if hit:
                    old.append((ca, cb, pair_name(world, ca, cb) or ""))
                elif self.end is not None and m[a, b]:
                    continue  # keeps another agreement: neither new nor ended
                else:
                    new.append((ca, cb))
        return new, old

    def note(self, world: World) -> str:
        """One sentence: which pairs get the effect and which were skipped, and why."""
        new, old = self.split(world)
        had = "; ".join(f"{a}-{b} ({n})" for a, b, n in old)
        if self.end is not None:
            if not old:
                return ("no member pair trades under an agreement in force, so there is "
                        "nothing to end" if _known(world) else "")
            swap = substitution(self.end, [n for _, _, n in old], world.year) \
                if isinstance(self.end, str) else ""
            rest = (f"; no agreement to end between {', '.join(f'{a}-{b}' for a, b in new)}"
                    if new else "")
            return f"ends {had}{swap}{rest}"
        text = ("new agreement between " + ", ".join(f"{a}-{b}" for a, b in new)
                if new else "no new pair")
        if old:
            text += (f"; already in force, {'deepened' if self.deepen is not False else 'skipped'}"
                     f": {had}")
        return text

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        from ..data.agreements import in_force

        i, j = self._member_pairs(world, where)
        existing = in_force(world)[i, j]
        if self.form is not None:
            beta = np.where(existing, self._deepen_beta(), self.beta())
        elif _known(world):
            beta = np.where(self._ends(world, i, j, where), self.beta(), 0.0)
        else:
            beta = np.full(i.shape, self.beta())
        s = self._sector_index(world, self.sectors, where)
        arrays.beta[s[:, None], i[None, :], j[None, :]] += beta[None, :]

    def _ends(self, world: World, i: np.ndarray, j: np.ndarray, where: str = "") -> np.ndarray:
        """Which pairs ``end`` removes: those in force, except, when ``end`` names an
        agreement (``"USMCA"``), pairs that keep another one (CAN-MEX stay in CPTPP).

        Raises ScenarioError when ``end`` names an agreement (or group) under which no
        member pair trades in the world's year: ending it would silently do nothing."""
        from ..data.agreements import in_force, pair_name

        out = in_force(world)[i, j].copy()
        named = self._named()
        if named:
            for k in np.flatnonzero(out):
                held = pair_name(world, world.countries[i[k]], world.countries[j[k]]) or ""
                out[k] = not keeps_another(held, named, world.year)
            if not out.any() and _known(world):
                raise ScenarioError(self._nothing_to_end(world, where))
        return out

    def _named(self) -> set[str]:
        """Lower-case names of the agreement ``end`` names, if it is one group, with the
        agreement it replaced or that replaced it (``_succession.SUCCESSION``): ``end: USMCA`` on
        2014 data ends NAFTA, the agreement in force among the same members then."""
        if not isinstance(self.end, str):
            return set()
        from ..data.groups import groups

        names = {self.end.lower()}
        if self.end in groups:
            names.add(groups[self.end].title.lower())
        return with_successors(names)

    def _nothing_to_end(self, world: World, where: str) -> str:
        from ..data.agreements import pair_name

        i, j = self._member_pairs(world, where)
        cs = world.countries
        names = {(a, b): pair_name(world, cs[a], cs[b]) for a, b in zip(i, j, strict=True)
                 if a < b}
        held = sorted(f"{cs[a]}-{cs[b]} ({n})" for (a, b), n in names.items() if n)
        return nothing_to_end(str(self.end), world, held, _prefix(where))


def _known(world: World) -> bool:
    """Whether any pair of ``world`` is in the agreements table (real ISO3 economies)."""
    from ..data.agreements import in_force

    return bool(in_force(world).any())


class TradeCost(_Shock):
    """Iceberg trade cost from ``from`` to ``to`` changes by ``change`` (0.1 = +10%)."""

    type: Literal["trade_cost"] = "trade_cost"
    from_: Countries = Field(alias="from")
    to: Countries
    change: float
    both_ways: bool = False
    sectors: list[str] | None = None

    _codes = field_validator("from_", "to")(_check_codes)
    _sector_list = field_validator("sectors", mode="before")(_split_sectors)

    @field_validator("change", mode="before")
    @classmethod
    def _not_bool(cls, v: Any) -> Any:
        return _number(v, "change")

    @field_validator("change")
    @classmethod
    def _change(cls, v: float) -> float:
        if not np.isfinite(v) or v <= -1:
            raise ValueError(f"change must be a finite number above -1 (-100%); got {v}")
        return v

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        sides = [(self.from_, self.to)] + ([(self.to, self.from_)] if self.both_ways else [])
        s = self._sector_index(world, self.sectors, where)
        for x, y in sides:
            i, j = self._pairs(world, x, y, where, "from", "to")
            ss, ii = np.meshgrid(s, i, indexing="ij")
            arrays.log_dhat[ss, ii, np.broadcast_to(j, ss.shape)] += np.log1p(self.change)


#: Any shock; YAML and JSON pick the class by its ``type``.
Shock = Annotated[Tariff | PartialEffect | Agreement | Embargo | ExportBan | TradeCost,
                  Field(discriminator="type")]


# ----------------------------------------------------------------- the functional API
def tariff(by: Countries, on: Countries, rate: float, *, add: bool = False,
           sectors: str | list[str] | None = None, exempt: float = 0.0,
           allow_extreme: bool = False) -> Tariff:
    """Importer(s) ``by`` tax goods from ``on`` at ``rate`` (0.25 = 25%).

    Parameters
    ----------
    by, on : str or list of str
        Importers setting the tariff and exporters it hits (codes or groups).
    rate : float
        Ad valorem rate; replaces the baseline tariff, or adds to it with ``add=True``.
    sectors : str or list of str, optional
        Sector codes, names or aliases (``"steel"``, ``"autos"``). Omitted: every goods
        sector (on a world with services, ``"all"`` taxes them too). Needs a multi-sector
        world for anything but ``"all"``.
    exempt : float, default 0
        Share of the flow that enters duty-free (USMCA-qualifying goods, say): the rate
        applied is ``rate * (1 - exempt)``.
    allow_extreme : bool, default False
        Accept rates above 500% (up to 10,000%).

    Examples
    --------
    >>> import middlepower as mp
    >>> mp.tariff(by="USA", on="CAN", rate=0.25).rate
    0.25
    """
    return _build(Tariff, by=by, on=on, rate=rate, add=add, sectors=sectors, exempt=exempt,
                  allow_extreme=allow_extreme)


def partial_effect(table: Any) -> PartialEffect:
    """Partial effects from a table with columns exporter, importer, beta.

    ``beta`` is the log change of flows at constant prices (``dhat^-theta = exp(beta)``),
    the form a gravity regression's coefficients take.
    """
    return _build(PartialEffect, table=table)


def agreement(*, form: Countries | None = None, end: Countries | None = None,
              effect: float | None = None, deepen: bool | float = False,
              sectors: str | list[str] | None = None) -> Agreement:
    """Form or end an agreement among members (a list or a group such as ``"USMCA"``).

    Pairs already trading under an agreement in force are skipped by ``form`` (their
    baseline trade reflects it) unless ``deepen`` is ``True`` (the same effect on top) or
    a number (that effect on top); ``end`` ends only what is in force. See
    :class:`Agreement`; ``mp.agreement(...).note(world)`` says which pairs are new.

    Examples
    --------
    >>> import middlepower as mp
    >>> note = mp.agreement(form=["CAN", "EU27", "CHN"]).note(mp.load("world2023"))
    >>> note.split("; ")[0]
    'new agreement between CAN-CHN, CHN-EU27'
    """
    return _build(Agreement, form=form, end=end, effect=effect, deepen=deepen,
                  sectors=sectors)


def embargo(a: Countries, b: Countries) -> Embargo:
    """Trade between ``a`` and ``b`` stops in both directions."""
    return _build(Embargo, between=(a, b))


def export_ban(by: Countries, on: Countries, sectors: str | list[str] | None = None, *,
               share: float = 1.0, goods_share: float | None = None) -> ExportBan:
    """Exporter(s) ``by`` stop selling the goods of ``sectors`` to ``on`` (one way).

    ``share`` < 1 is a partial ban (that share of those flows stops). On a one-sector
    world the goods' share of the pair's trade sizes it (:class:`ExportBan`; give
    ``goods_share`` to set it yourself).

    Examples
    --------
    >>> import middlepower as mp
    >>> mp.export_ban(by="CHN", on="USA", sectors="metals").share
    1.0
    """
    return _build(ExportBan, by=by, on=on, sectors=sectors, share=share,
                  goods_share=goods_share)


def trade_cost(from_: Countries, to: Countries, change: float, *,
               both_ways: bool = False, sectors: str | list[str] | None = None) -> TradeCost:
    """Iceberg trade costs from ``from_`` to ``to`` rise by ``change`` (0.1 = +10%),
    in ``sectors`` (codes, names or aliases; every sector when omitted)."""
    return _build(TradeCost, **{"from": from_, "to": to, "change": change,
                                "both_ways": both_ways, "sectors": sectors})
