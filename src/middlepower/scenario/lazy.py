"""Scenarios built when asked for.

Analyses that hand the solver thousands of scenarios with patches built directly (the
leverage matrix, coalition search) need the Scenario objects only to name one in an
error, or to check a patch against the dense arrays: :class:`LazyScenarios` builds each
on access.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

from .scenario import Scenario

__all__ = ["LazyScenarios"]


class LazyScenarios(Sequence[Scenario]):
    """A read-only sequence: item k is ``build(items[k])``, made on access."""

    def __init__(self, items: Sequence[Any], build: Callable[[Any], Scenario]) -> None:
        self._items, self._build = items, build

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, k: int) -> Scenario: ...
    @overload
    def __getitem__(self, k: slice) -> list[Scenario]: ...

    def __getitem__(self, k: int | slice) -> Scenario | list[Scenario]:
        if isinstance(k, slice):
            return [self._build(x) for x in self._items[k]]
        return self._build(self._items[k])
