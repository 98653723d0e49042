"""Players of a tariff game: one economy, or a coalition of economies acting as one.

A coalition sets a common external tariff, trades freely inside (its members' tariffs on
each other are zero in every scenario the game solves) and maximises either its total
real income or the real income of its worst-off member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from ..data.world import World
from ..errors import ParameterError
from ..scenario.shocks import Tariff
from ..scenario.shocks import tariff as tariff_shock

__all__ = ["Objective", "Player", "coalition"]

#: How a coalition ranks outcomes: its total real income, or its worst-off member's.
Objective = Literal["total", "worst"]


@dataclass(frozen=True)
class Player:
    """An economy, or economies acting as one, in a tariff game.

    Parameters
    ----------
    members : tuple of str
        Codes of the economies (one for a single economy). Group names such as ``"EU27"``
        are kept as given and expanded against the world when the game is solved.
    name : str, optional
        Label in tables; defaults to the members joined by ``+``.
    objective : {"total", "worst"}, default "total"
        ``"total"``: the coalition's total real income, sum_j E_j What_j / sum_j E_j over
        its members (baseline spending E_j as weights; a money-metric sum). ``"worst"``:
        min_j What_j, the real income of its worst-off member. Equal for one economy.
    """

    members: tuple[str, ...]
    name: str = ""
    objective: Objective = "total"

    def __post_init__(self) -> None:
        if not self.members or not all(isinstance(m, str) and m for m in self.members):
            raise ParameterError(f"a player needs at least one country code; got "
                                 f"members={self.members!r}.")
        if self.objective not in get_args(Objective):
            raise ParameterError(f"objective={self.objective!r}: expecting one of "
                                 f"{get_args(Objective)}.")
        if not self.name:
            object.__setattr__(self, "name", "+".join(self.members))

    @property
    def is_coalition(self) -> bool:
        return len(self.members) > 1

    def indices(self, world: World) -> list[int]:
        """Positions of the members in ``world.countries`` (groups expanded, deduplicated)."""
        out: list[int] = []
        for k in world.resolve(list(self.members), f"player {self.name!r}"):
            if k not in out:
                out.append(k)
        return out

    def codes(self, world: World) -> list[str]:
        return [world.countries[k] for k in self.indices(world)]

    def internal_free_trade(self, world: World) -> list[Tariff]:
        """Zero tariffs among the members (empty for one economy)."""
        codes = self.codes(world)
        return [tariff_shock(by=codes, on=codes, rate=0.0)] if len(codes) > 1 else []

    def value(self, welfare_hat: np.ndarray, spending: np.ndarray, idx: Sequence[int]
              ) -> np.ndarray:
        """The objective from welfare changes.

        welfare_hat : (b, N) What_j of b solved scenarios; spending : (N,) baseline E_j.
        Returns (b,): 1 means no change.
        """
        w = welfare_hat[:, idx]
        if self.objective == "worst":
            return w.min(axis=1)
        e = spending[list(idx)]
        return w @ e / e.sum()

    def __str__(self) -> str:
        return self.name


def coalition(members: Sequence[str], *, name: str = "",
              objective: Objective = "total") -> Player:
    """A coalition acting as one player (common external tariff, free trade inside).

    Examples
    --------
    >>> import middlepower as mp
    >>> mp.game.coalition(["CAN", "EU27", "GBR", "JPN"], objective="worst").name
    'CAN+EU27+GBR+JPN'
    """
    if isinstance(members, str):
        members = [members]
    return Player(tuple(members), name=name, objective=objective)


def as_player(p: str | Sequence[str] | Player) -> Player:
    """A Player from a code (``"USA"``), a list of codes (a coalition) or a Player."""
    if isinstance(p, Player):
        return p
    if isinstance(p, str):
        return Player((p,))
    try:
        members = tuple(p)
    except TypeError:
        raise ParameterError(f"a player is a country code, a list of codes or "
                             f"mp.game.coalition(...); got {p!r}.") from None
    return Player(members)


def check_disjoint(world: World, players: Sequence[Player]) -> list[list[int]]:
    """Member indices of each player; raises when two players share an economy."""
    seen: dict[int, str] = {}
    out = []
    for p in players:
        idx = p.indices(world)
        for k in idx:
            if k in seen:
                raise ParameterError(f"{world.countries[k]} is in two players ({seen[k]!r} and "
                                     f"{p.name!r}); each economy can play only once.")
            seen[k] = p.name
        out.append(idx)
    return out
