"""Instruments: what a player's tariff vector means.

An instrument turns a vector of rates into tariff shocks set by the player's members on
its targets (the economies it taxes, grouped as opponents):

==============  =====================================  ==============================
instrument      rates                                   labels
==============  =====================================  ==============================
``uniform``     one rate on every target                ``"all"`` (or the one opponent)
``opponent``    one rate per opponent                   ``"CAN"``, ``"EU27+GBR"``, ...
``sector``      one rate per opponent and sector        ``"CAN:steel"``, ...
==============  =====================================  ==============================

A per-sector instrument needs a multi-sector world (``world.n_sectors > 1``); it writes
``mp.tariff(..., sectors=[s])`` shocks, so it adds no logic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data.world import World
from ..errors import ParameterError
from ..scenario.shocks import Tariff
from ..scenario.shocks import tariff as tariff_shock

__all__ = ["Instrument", "PerOpponent", "PerSector", "Uniform", "as_instrument"]

#: Opponents: (label, member codes) pairs, codes already resolved against the world.
Targets = list[tuple[str, list[str]]]


class Instrument:
    """Base class: ``labels`` names the rates, ``shocks`` writes them as tariff shocks."""

    name: str = ""

    def labels(self, world: World, targets: Targets) -> list[str]:
        raise NotImplementedError

    def shocks(self, world: World, by: list[str], targets: Targets, rates: np.ndarray
               ) -> list[Tariff]:
        """Tariff shocks for rates (d,) set by economies ``by`` on ``targets``."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Uniform(Instrument):
    """One tariff on all targets (a coalition's common external tariff)."""

    name: str = field(default="uniform", init=False)

    def labels(self, world: World, targets: Targets) -> list[str]:
        return [targets[0][0] if len(targets) == 1 else "all"]

    def shocks(self, world: World, by: list[str], targets: Targets, rates: np.ndarray
               ) -> list[Tariff]:
        on = [c for _, codes in targets for c in codes]
        return [tariff_shock(by=by, on=on, rate=float(rates[0]))]


@dataclass(frozen=True)
class PerOpponent(Instrument):
    """One tariff per opponent; an opponent that is a group pays one rate."""

    name: str = field(default="opponent", init=False)

    def labels(self, world: World, targets: Targets) -> list[str]:
        return [label for label, _ in targets]

    def shocks(self, world: World, by: list[str], targets: Targets, rates: np.ndarray
               ) -> list[Tariff]:
        return [tariff_shock(by=by, on=codes, rate=float(r))
                for (_, codes), r in zip(targets, rates, strict=True)]


@dataclass(frozen=True)
class PerSector(Instrument):
    """One tariff per opponent and sector (multi-sector worlds).

    Parameters
    ----------
    sectors : sequence of str, optional
        Sector codes, names or aliases; every sector of the world when None.
    """

    sectors: tuple[str, ...] | None = None
    name: str = field(default="sector", init=False)

    def _sector_codes(self, world: World) -> list[str]:
        if world.n_sectors < 2:
            raise ParameterError(
                "instrument='sector' needs a multi-sector world (this one has one sector); "
                "load one such as mp.load('icio2022'), or use 'uniform' or 'opponent'.")
        idx = world.resolve_sectors(list(self.sectors) if self.sectors else None,
                                    "instrument sectors")
        return [world.sectors[k] for k in dict.fromkeys(idx)]

    def labels(self, world: World, targets: Targets) -> list[str]:
        return [f"{label}:{s}" for label, _ in targets for s in self._sector_codes(world)]

    def shocks(self, world: World, by: list[str], targets: Targets, rates: np.ndarray
               ) -> list[Tariff]:
        sectors = self._sector_codes(world)
        pairs = [(codes, s) for _, codes in targets for s in sectors]
        return [tariff_shock(by=by, on=codes, rate=float(r), sectors=[s])
                for (codes, s), r in zip(pairs, rates, strict=True)]


_NAMES: dict[str, type[Instrument]] = {"uniform": Uniform, "opponent": PerOpponent,
                                       "per_opponent": PerOpponent, "bilateral": PerOpponent,
                                       "sector": PerSector, "per_sector": PerSector}


def as_instrument(x: str | Instrument | Any) -> Instrument:
    """An Instrument from its name (``"uniform"``, ``"opponent"``, ``"sector"``) or itself."""
    if isinstance(x, Instrument):
        return x
    if isinstance(x, str) and x.lower() in _NAMES:
        return _NAMES[x.lower()]()
    raise ParameterError(f"instrument={x!r}: expecting 'uniform', 'opponent' or 'sector', or "
                         "mp.game.PerSector(sectors=[...]).")


def targets_of(world: World, on: Any, exclude: Sequence[int], where: str) -> Targets:
    """Opponents from ``on``: None (every economy outside ``exclude``, one opponent each
    for 'opponent'), a code or group (one opponent), or a list whose items are codes,
    groups, lists of codes or Players (one opponent each)."""
    from .players import Player

    def resolve(item: Any) -> tuple[str, list[str]]:
        if isinstance(item, Player):
            members, label = list(item.members), item.name
        elif isinstance(item, str):
            members, label = [item], item
        else:
            members = [str(m) for m in item]
            label = "+".join(members)
        idx = [k for k in dict.fromkeys(world.resolve(members, where)) if k not in exclude]
        if not idx:
            raise ParameterError(f"{where}: opponent {label!r} has no economy outside the "
                                 "player itself; name other economies.")
        return label, [world.countries[k] for k in idx]

    if on is None:
        return [(world.countries[k], [world.countries[k]])
                for k in range(world.n) if k not in exclude]
    if isinstance(on, str | Player):
        return [resolve(on)]
    out = [resolve(item) for item in on]
    if not out:
        raise ParameterError(f"{where}: on=[] names no opponent.")
    seen: dict[str, str] = {}
    for label, codes in out:
        for c in codes:
            if c in seen:
                raise ParameterError(f"{where}: {c} is in two opponents ({seen[c]!r} and "
                                     f"{label!r}); list each economy once.")
            seen[c] = label
    return out
