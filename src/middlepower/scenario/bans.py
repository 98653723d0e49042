"""Shocks that stop trade: ``embargo`` (both ways, everything) and ``export_ban`` (one way,
some goods, all or a share of them).

An export ban of exporter i on importer j in sectors S, a share ``share`` of the flows:
``beta[s, i, j] += log(1 - share)`` for s in S (``-inf`` when ``share = 1``), so flows
of those goods from i to j fall by that share at constant prices and the model finds the
rest (prices, diversion). On a one-sector world that cannot see the goods, the ban is a
partial one-way embargo of the whole flow: ``log(1 - share * g)``, where ``g`` is the
goods' share of the pair's goods trade in the multi-sector default dataset
(:data:`~middlepower.data.datasets.DEFAULT_SECTOR_DATASET`), or ``goods_share`` when
given. :meth:`ExportBan.note` states which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import field_validator, model_validator

from ..errors import MiddlepowerError, ScenarioError
from ._base import Countries, ShockArrays, _check_codes, _number, _prefix, _Shock, _split_sectors

if TYPE_CHECKING:
    from ..data.world import World

__all__ = ["Embargo", "ExportBan"]


class Embargo(_Shock):
    """Trade between the two sides in ``between`` stops, in both directions."""

    type: Literal["embargo"] = "embargo"
    between: tuple[Countries, Countries]

    @field_validator("between")
    @classmethod
    def _sides(cls, v: tuple[Countries, Countries]) -> tuple[Countries, Countries]:
        for side in v:
            _check_codes(side)
        return v

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        a, b = self.between
        for x, y in ((a, b), (b, a)):
            i, j = self._pairs(world, x, y, where, "between", "between")
            arrays.beta[:, i, j] = -np.inf


class ExportBan(_Shock):
    """Exporter(s) ``by`` stop selling the goods of ``sectors`` to ``on`` (one way).

    ``sectors`` omitted: every goods sector. ``share`` (0, 1]: the share of those flows
    that stops (1, a full ban). ``goods_share`` (0, 1]: on a one-sector world, the goods'
    share of the pair's trade; omitted, read from the multi-sector default dataset.
    """

    type: Literal["export_ban"] = "export_ban"
    by: Countries
    on: Countries
    sectors: list[str] | None = None
    share: float = 1.0
    goods_share: float | None = None

    _codes = field_validator("by", "on")(_check_codes)
    _sector_list = field_validator("sectors", mode="before")(_split_sectors)

    @field_validator("share", "goods_share", mode="before")
    @classmethod
    def _not_bool(cls, v: object) -> object:
        return _number(v, "share")

    @model_validator(mode="after")
    def _ranges(self) -> ExportBan:
        for name in ("share", "goods_share"):
            v = getattr(self, name)
            if v is not None and (not np.isfinite(v) or not 0 < v <= 1):
                raise ValueError(f"{name} is a share of the flow, in (0, 1]; got {v}")
        if self.sectors is not None and not self.sectors:
            raise ValueError("sectors is empty; omit it to ban every goods sector")
        return self

    def _sees_sectors(self, world: World) -> bool:
        """Whether ``world`` can hold the ban in its own sectors."""
        if self.sectors is None or world.n_sectors > 1:
            return True
        try:
            world.resolve_sectors(self.sectors)
        except MiddlepowerError:
            return False
        return True

    def cut(self, world: World) -> float:
        """The share of the flow that stops on a one-sector world: ``share * g``."""
        return self.share * self.trade_share(world)

    def trade_share(self, world: World) -> float:
        """``g``: the goods' share of the pair's goods trade (1 when ``world`` sees them)."""
        if self._sees_sectors(world):
            return 1.0
        if self.goods_share is not None:
            return self.goods_share
        from ..data.datasets import DEFAULT_SECTOR_DATASET, load

        ref = load(DEFAULT_SECTOR_DATASET)
        try:
            i, j = self._pairs(ref, self.by, self.on, "", "by", "on")
            named = ref.resolve_sectors(self.sectors)
        except MiddlepowerError as exc:
            raise ScenarioError(
                f"export_ban {self.by} -> {self.on}: this world has one sector, and the goods' "
                f"share of the pair's trade cannot be read from {DEFAULT_SECTOR_DATASET} "
                f"({exc}); give goods_share= (0-1) yourself.") from None
        goods = np.array(ref.resolve_sectors(ref.tariff_default_sectors()), dtype=np.intp)
        flows = ref.sector_flows[:, i, j]
        total = float(flows[goods].sum())
        if total <= 0:
            raise ScenarioError(f"export_ban {self.by} -> {self.on}: no goods trade between "
                                f"them in {DEFAULT_SECTOR_DATASET}; give goods_share=.")
        return min(1.0, float(flows[np.array(named, dtype=np.intp)].sum()) / total)

    def note(self, world: World) -> str:
        """The assumption that sizes the ban on ``world`` (empty when it sees the goods)."""
        if self._sees_sectors(world):
            return ""
        from ..data.datasets import DEFAULT_SECTOR_DATASET

        g = self.trade_share(world)
        src = "as given" if self.goods_share is not None else \
            f"their share of the pair's goods trade in {DEFAULT_SECTOR_DATASET}"
        return (f"this world has one sector: the ban on {', '.join(self.sectors or [])} is "
                f"a one-way cut of {self.cut(world):.1%} of all goods from {self.by} to "
                f"{self.on} ({self.share:.0%} of those goods, {g:.1%} of the flow, {src})")

    def entries(self, world: World, where: str = ""
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(sectors, exporters, importers, beta added) of the ban on ``world``."""
        i, j = self._pairs(world, self.by, self.on, where, "by", "on")
        if self._sees_sectors(world):
            sectors = self.sectors if self.sectors is not None else \
                world.tariff_default_sectors()
            s = self._sector_index(world, sectors, where)
            cut = self.share
        else:
            s = np.arange(world.n_sectors, dtype=np.intp)
            try:
                cut = self.cut(world)
            except ScenarioError as exc:
                raise ScenarioError(f"{_prefix(where)}{exc}") from None
        beta = -np.inf if cut >= 1 else float(np.log1p(-cut))
        return s, i, j, beta

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        s, i, j, beta = self.entries(world, where)
        ss, ii = np.meshgrid(s, i, indexing="ij")
        arrays.beta[ss, ii, np.broadcast_to(j, ss.shape)] += beta
