"""Cooperative-game tools on a characteristic function v: frozenset of players -> value.

* Shapley value (Shapley 1953): the average marginal contribution of a player over all
  orders in which the grand coalition can form,

  .. math:: \\phi_i = \\sum_{S \\subseteq N \\setminus \\{i\\}}
            \\frac{|S|!\\,(n-|S|-1)!}{n!}\\,\\big(v(S \\cup \\{i\\}) - v(S)\\big),

  exact from all 2^n values, or estimated from random orders (Castro, Gomez & Tejada
  2009) with a standard error.
* The core: allocations x with sum_{i in N} x_i = v(N) and sum_{i in T} x_i >= v(T) for
  every coalition T; :func:`core_violations` lists the T that block x.

These functions know nothing about trade; :mod:`middlepower.coalition.search` supplies v
from general-equilibrium solves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

__all__ = ["all_subsets", "core_violations", "permutation_subsets", "shapley_exact",
           "shapley_sampled"]

Value = Mapping[frozenset, float] | Callable[[frozenset], float]


def _v(value: Value, s: frozenset) -> float:
    return float(value[s]) if isinstance(value, Mapping) else float(value(s))


def all_subsets(players: Sequence[str]) -> list[frozenset]:
    """Every subset of ``players``, the empty set first, by size."""
    return [frozenset(c) for k in range(len(players) + 1) for c in combinations(players, k)]


def shapley_exact(players: Sequence[str], value: Value) -> pd.Series:
    """Exact Shapley values from a value for every subset (2^n of them).

    Each v(S) is read once; subset S is the bit mask m with bit b set for ``players[b]``
    in S, so that S + {i} is m | 2^i and the sum over S not holding i is one gather.
    """
    n = len(players)
    masks = np.arange(1 << n)
    v = np.array([_v(value, frozenset(p for b, p in enumerate(players) if m >> b & 1))
                  for m in masks.tolist()])
    size = np.bitwise_count(masks)
    weight = np.array([factorial(k) * factorial(n - k - 1) / factorial(n)
                       for k in range(n)] + [0.0])
    phi = {}
    for b, i in enumerate(players):
        without = masks[(masks >> b & 1) == 0]
        phi[i] = float((weight[size[without]] * (v[without | 1 << b] - v[without])).sum())
    return pd.Series(phi, name="shapley")


def permutation_subsets(players: Sequence[str], n_perm: int, seed: int = 0
                        ) -> tuple[list[list[str]], list[frozenset]]:
    """Random orders of ``players`` and the distinct prefix sets their marginals need."""
    rng = np.random.default_rng(seed)
    orders = [list(rng.permutation(list(players))) for _ in range(n_perm)]
    sets = {frozenset()}
    for order in orders:
        for k in range(1, len(order) + 1):
            sets.add(frozenset(order[:k]))
    return orders, sorted(sets, key=len)


def shapley_sampled(orders: Iterable[list[str]], value: Value) -> pd.DataFrame:
    """Shapley values estimated from the given orders: mean and standard error."""
    marg: dict[str, list[float]] = {}
    for order in orders:
        prev = frozenset()
        v_prev = _v(value, prev)
        for p in order:
            cur = prev | {p}
            v_cur = _v(value, cur)
            marg.setdefault(p, []).append(v_cur - v_prev)
            prev, v_prev = cur, v_cur
    return pd.DataFrame({
        "shapley": {p: float(np.mean(m)) for p, m in marg.items()},
        "se": {p: float(np.std(m, ddof=1) / np.sqrt(len(m))) if len(m) > 1 else np.nan
               for p, m in marg.items()},
    })


def core_violations(players: Sequence[str], value: Value, allocation: Mapping[str, float],
                    tol: float = 1e-9) -> pd.DataFrame:
    """Coalitions T that could do better alone: v(T) - sum_{i in T} x_i > tol.

    Returns a DataFrame (coalition, value, allocated, excess), largest excess first; empty
    when ``allocation`` is in the core (it must also split exactly v(N)).
    """
    rows = []
    for s in all_subsets(players)[1:]:
        alloc = sum(allocation[p] for p in s)
        excess = _v(value, s) - alloc
        if excess > tol * max(1.0, abs(_v(value, frozenset(players)))):
            rows.append({"coalition": "+".join(sorted(s)), "value": _v(value, s),
                         "allocated": alloc, "excess": excess})
    return pd.DataFrame(rows, columns=["coalition", "value", "allocated", "excess"]
                        ).sort_values("excess", ascending=False, ignore_index=True)
