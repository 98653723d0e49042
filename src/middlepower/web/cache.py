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

    def __init__(self, maxsize: int = 256, max_bytes: int | None = None) -> None:
        self.maxsize = maxsize
        #: Budget for the answers' encoded size (``json_bytes``): 256 answers of 20 MB
        #: each would otherwise hold 5 GB.
        self.max_bytes = max_bytes
        self._sizes: dict[str, int] = {}
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
                    self._sizes.pop(self._items.popitem(last=False)[0], None)
            else:
                self._items.move_to_end(key)
                self.hits += 1
        if owner:
            try:
                value = compute()
                self._account(key, fut, len(getattr(value, "json_bytes", b"")))
                fut.set_result(value)
            except BaseException as exc:
                fut.set_exception(exc)
                with self._lock:
                    if self._items.get(key) is fut:
                        del self._items[key]
        return fut.result()

    def _account(self, key: str, fut: Future, size: int) -> None:
        """Record ``key``'s size; drop the least recently used answers over the budget."""
        if self.max_bytes is None:
            return
        with self._lock:
            if self._items.get(key) is not fut:
                return
            self._sizes[key] = size
            total = sum(self._sizes.values())
            for old in list(self._items):
                if total <= self.max_bytes:
                    break
                if old in self._sizes:
                    total -= self._sizes.pop(old)
                    del self._items[old]
