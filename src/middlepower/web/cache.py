"""A bounded, thread-safe memo: identical requests are computed once, even concurrently.

Keys are canonical JSON of a validated request. The first caller of a key computes it;
callers arriving meanwhile wait on the same future instead of solving the model again
(50 users asking for the same brief cost one solve). Errors are passed to the waiting
callers but not kept, so a retry computes again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

__all__ = ["Memo"]


class Memo:
    """Least-recently-used memo of up to ``maxsize`` results."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, Future] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def ready(self, key: str) -> Future | None:
        """The finished future for ``key``, if any (no waiting, no computing)."""
        with self._lock:
            fut = self._items.get(key)
            if fut is not None and fut.done() and fut.exception() is None:
                self._items.move_to_end(key)
                self.hits += 1
                return fut
        return None

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, computing it with ``compute()`` if needed."""
        with self._lock:
            fut = self._items.get(key)
            owner = fut is None
            if owner:
                fut = Future()
                self._items[key] = fut
                self.misses += 1
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(key)
                self.hits += 1
        if owner:
            try:
                fut.set_result(compute())
            except BaseException as exc:
                fut.set_exception(exc)
                with self._lock:
                    if self._items.get(key) is fut:
                        del self._items[key]
        return fut.result()
