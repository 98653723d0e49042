"""The baseline quantities of a world, computed once per World.

A :class:`World` is immutable, so its :class:`Baseline` is kept in a weak-keyed cache
(here, not on the World): it lives as long as the World does.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..data.world import World
from ._coefficients import baseline_matrices

if TYPE_CHECKING:
    from .onesector import Base1

__all__ = ["Baseline", "baseline"]


@dataclass(frozen=True)
class Baseline:
    """Baseline quantities of a world; see :mod:`middlepower.model`.

    Sector arrays are (S, N) or (S, N, N); country totals (N,) or (N, N).
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    sector_flows: np.ndarray     # X^s_ij, pre-tariff
    sector_tariffs: np.ndarray   # t^s_ij
    sector_shares: np.ndarray    # lambda^s_ij
    sector_output: np.ndarray    # Y^s_i
    absorption: np.ndarray       # E^s_j, incl. tariffs
    va_share: np.ndarray         # gamma^s_n
    io: np.ndarray               # io[s, k, n]
    alpha: np.ndarray            # final-demand shares alpha^s_n
    value_added: np.ndarray      # VA_n = sum_s gamma^s_n Y^s_n
    deficit: np.ndarray          # D_n
    income: np.ndarray           # I_n = VA_n + D_n + R_n
    has_io: bool
    scale: np.ndarray            # E^s_j where positive, else 1: spending's unit in the state
    flows: np.ndarray            # (N, N) sums over sectors, as in the one-sector model
    tariffs: np.ndarray
    output: np.ndarray           # Y_i gross output
    spending: np.ndarray         # E_j total absorption incl. tariffs
    shares: np.ndarray           # (N, N) lambda_ij of total absorption

    @cached_property
    def coefficient_matrices(self) -> dict[str, np.ndarray]:
        """The coefficient matrices with no shock, (S, N, N) each, by name (see
        :mod:`._coefficients`)."""
        return baseline_matrices(self)

    @cached_property
    def io_by_country(self) -> np.ndarray:
        """(N, S, K) io[s, k, n] as one (S, K) matrix per country n: sum_k io p^k."""
        return np.ascontiguousarray(self.io.transpose(2, 0, 1))

    @cached_property
    def io_used_by_country(self) -> np.ndarray:
        """(N, S, U) io[u, s, n] per country: input s used by all sectors u, sum_u io Y^u."""
        return np.ascontiguousarray(self.io.transpose(2, 1, 0))

    @classmethod
    def of(cls, world: World) -> Baseline:
        return cls(world.countries, world.sectors, world.sector_flows, world.sector_tariffs,
                   world.sector_shares(), world.sector_output(), world.sector_expenditure(),
                   world.value_added_shares, world.io_shares, world.final_shares(),
                   world.value_added(), world.deficit(), world.income(),
                   bool(world.io_shares.any()),
                   np.where(world.sector_expenditure() > 0, world.sector_expenditure(), 1.0),
                   world.flows, world.tariffs, world.output(),
                   world.expenditure(), world.shares())

    @cached_property
    def one_sector(self) -> Base1:
        """The shared matrices of the one-sector fast path (:mod:`.onesector`)."""
        from .onesector import base1

        return base1(self)


_CACHE: weakref.WeakKeyDictionary[World, Baseline] = weakref.WeakKeyDictionary()


def baseline(world: World) -> Baseline:
    """The baseline of ``world``, computed once per World object (it is immutable)."""
    try:
        return _CACHE[world]
    except KeyError:
        base = _CACHE[world] = Baseline.of(world)
        return base
