"""What every shock shares: the (S, N, N) arrays, pair and sector indexing, field checks.

Split from :mod:`.shocks` so that shocks defined in other modules (:mod:`.bans`) build on
the same base without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..errors import ScenarioError

if TYPE_CHECKING:
    from ..data.world import World

__all__ = ["MAX_EFFECT", "MAX_EXTREME_TARIFF", "MAX_TARIFF", "Countries", "ShockArrays"]

#: A country code, a group name, or a list of them.
Countries = str | list[str]

#: Largest tariff accepted without ``allow_extreme=True`` (500%): above it a typo (25 for
#: 0.25) is far more likely, and the model's constant elasticities are far from the data.
MAX_TARIFF = 5.0

#: Hard ceiling even with ``allow_extreme`` (10,000%): use an embargo to stop trade.
MAX_EXTREME_TARIFF = 100.0

#: Largest agreement effect |beta| accepted: e^5 is a 148-fold change in trade.
MAX_EFFECT = 5.0


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


@dataclass
class ShockArrays:
    """The (S, N, N) arrays a list of shocks produces for one world (sector, exporter,
    importer)."""

    tariffs: np.ndarray
    beta: np.ndarray
    log_dhat: np.ndarray

    @classmethod
    def baseline(cls, world: World) -> ShockArrays:
        shape = world.sector_flows.shape
        return cls(np.array(world.sector_tariffs), np.zeros(shape), np.zeros(shape))


class _Shock(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    #: Members on both sides are the point (an agreement among them), not a slip.
    _within: ClassVar[bool] = False

    def apply(self, world: World, arrays: ShockArrays, where: str = "") -> None:
        """Write this shock into ``arrays`` (in place) for ``world``."""
        raise NotImplementedError

    def _pairs(self, world: World, exporters: Countries, importers: Countries, where: str,
               field_ex: str, field_im: str) -> tuple[np.ndarray, np.ndarray]:
        """Index arrays of the off-diagonal pairs (exporter in ``exporters``, importer in ...)."""
        ex = np.array(world.resolve(exporters, _at(where, f"{self.type}.{field_ex}")),
                      dtype=np.intp)
        im = np.array(world.resolve(importers, _at(where, f"{self.type}.{field_im}")),
                      dtype=np.intp)
        # a code given alone on one side and also named on the other is a slip (USA
        # embargoing [USA, CAN]); lists on both sides that overlap are a war among them
        side_ex, side_im = _as_list(exporters), _as_list(importers)
        named = {c for c in side_ex if c in world} & {c for c in side_im if c in world}
        if named and min(len(side_ex), len(side_im)) == 1 and not self._within:
            raise ScenarioError(
                f"{_prefix(where)}{self.type} names {', '.join(sorted(named))} on both sides: a "
                "country cannot tax, embargo or trade with itself; remove it from one side "
                "(a group on both sides, e.g. a tariff war among the G7, is fine).")
        ii, jj = np.meshgrid(ex, im, indexing="ij")
        keep = ii != jj
        if not keep.any():
            who = ", ".join(world.countries[k] for k in ex)
            raise ScenarioError(
                f"{_prefix(where)}{self.type} has the same economies on both sides ({who}): a "
                "country cannot tax, embargo or trade with itself; name different economies.")
        return ii[keep], jj[keep]

    def _sector_index(self, world: World, sectors: list[str] | None, where: str
                      ) -> np.ndarray:
        return np.array(world.resolve_sectors(sectors, _at(where, f"{self.type}.sectors")),
                        dtype=np.intp)
