"""Shocks as sparse patches: only the (sector, exporter, importer) entries they touch.

:meth:`Scenario.arrays` writes every shock into dense (S, N, N) copies of the baseline; a
scenario mostly touches a few pairs, and the analyses that solve thousands of variations of one
scenario (coalitions, Shapley values, uncertainty draws, the tariff game) spent more time
building those copies than solving. Here each shock is *resolved* once per world into operations
on flat entry indices ``s N^2 + i N + j`` (which pairs, which sectors, which pairs an agreement
skips), cached on the World; a scenario is then its operations applied, in order, to the few
entries they touch, with the float operations of :meth:`Shock.apply
<middlepower.scenario.shocks.Tariff.apply>` (replace or add a tariff, add to beta or to log
dhat, beta = -inf for an embargo), so that the result equals the dense arrays bit for bit on
every entry.

Scenarios whose shocks resolve to the same operations (the draws of an uncertainty run, which
differ only in an agreement's effect) are applied together, one (scenarios, entries) array per
quantity. Errors are reported by the dense path itself: on any failure the scenarios are
replayed through :meth:`Scenario.arrays`, which raises with the file, line and shock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import MiddlepowerError
from .bans import Embargo, ExportBan
from .shocks import Agreement, PartialEffect, ShockArrays, Tariff, TradeCost, _known

if TYPE_CHECKING:
    from ..data.world import World
    from .scenario import Scenario

__all__ = ["ShockPatch", "SparseBatch", "SparseShocks", "patch_of_arrays", "same_as_dense",
           "sparse_batch", "sparse_runs"]

#: Resolved shocks kept per world; cleared when full (a long-lived web service sees many).
_CACHE_MAX = 20_000
_CACHE_KEY = "scenario_patch_ops"


@dataclass(frozen=True)
class SparseShocks:
    """The entries of one scenario's (S, N, N) shock arrays that differ from the baseline.

    Entry e is (sector[e], exporter[e], importer[e]) with its new tariff, beta and
    log dhat; entries are in row-major order of the dense arrays and every other entry
    equals :meth:`ShockArrays.baseline`.
    """

    sector: np.ndarray
    exporter: np.ndarray
    importer: np.ndarray
    tariffs: np.ndarray
    beta: np.ndarray
    log_dhat: np.ndarray

    def dense(self, world: World) -> ShockArrays:
        """The dense arrays, as :meth:`Scenario.arrays` returns them."""
        out = ShockArrays.baseline(world)
        k = (self.sector, self.exporter, self.importer)
        out.tariffs[k], out.beta[k], out.log_dhat[k] = self.tariffs, self.beta, self.log_dhat
        return out


@dataclass(frozen=True)
class ShockPatch:
    """The changed entries of ``b`` scenarios: entry e belongs to scenario ``row[e]``.

    The one representation of shocks between the scenario layer and the model: entry e
    sets the tariff of (sector, exporter, importer) to ``tariffs[e]`` and adds ``beta[e]``
    and ``log_dhat[e]`` (every other entry is the baseline's). Built by
    :func:`sparse_batch` from scenarios, rows ascend and within a row entries are in
    row-major order of the dense arrays (the order of ``np.nonzero`` on them); analyses
    that build one directly (the leverage matrix, coalitions) may give any order.
    """

    b: int
    row: np.ndarray
    sector: np.ndarray
    exporter: np.ndarray
    importer: np.ndarray
    tariffs: np.ndarray
    beta: np.ndarray
    log_dhat: np.ndarray

    def scenario(self, k: int) -> SparseShocks:
        """The entries of scenario ``k``."""
        lo, hi = np.searchsorted(self.row, [k, k + 1])
        return SparseShocks(*(v[lo:hi] for v in (self.sector, self.exporter, self.importer,
                                                 self.tariffs, self.beta, self.log_dhat)))

    def rows(self, start: int, stop: int) -> ShockPatch:
        """Scenarios ``start:stop``, renumbered from 0."""
        if start == 0 and stop == self.b:
            return self
        lo, hi = np.searchsorted(self.row, [start, stop])
        return ShockPatch(stop - start, self.row[lo:hi] - start,
                           *(v[lo:hi] for v in (self.sector, self.exporter, self.importer,
                                                self.tariffs, self.beta, self.log_dhat)))

    def take(self, rows: np.ndarray) -> ShockPatch:
        """The entries of scenarios ``rows`` (ascending), renumbered 0..len(rows)-1."""
        new = np.full(self.b, -1, dtype=np.intp)
        new[rows] = np.arange(len(rows))
        keep = new[self.row] >= 0
        return ShockPatch(len(rows), new[self.row[keep]],
                          *(v[keep] for v in (self.sector, self.exporter, self.importer,
                                              self.tariffs, self.beta, self.log_dhat)))

    @staticmethod
    def concat(parts: Sequence[ShockPatch]) -> ShockPatch:
        """The scenarios of ``parts`` one after the other."""
        offsets = np.cumsum([0] + [p.b for p in parts])
        return ShockPatch(int(offsets[-1]),
                          np.concatenate([p.row + o for p, o in zip(parts, offsets, strict=False)]),
                          *(np.concatenate([getattr(p, k) for p in parts])
                            for k in ("sector", "exporter", "importer", "tariffs", "beta",
                                      "log_dhat")))


#: The name of :class:`ShockPatch` before the one-engine redesign.
SparseBatch = ShockPatch


def patch_of_arrays(arrays: Sequence[ShockArrays], t0: np.ndarray) -> ShockPatch:
    """The :class:`ShockPatch` of dense :class:`ShockArrays` (each (S, N, N)) against
    baseline tariffs ``t0`` (S, N, N): every entry that differs."""
    parts = []
    for a in arrays:
        s, i, j = np.nonzero((a.beta != 0) | (a.log_dhat != 0) | (a.tariffs != t0))
        parts.append(ShockPatch(1, np.zeros(len(i), dtype=np.intp), s, i, j,
                                a.tariffs[s, i, j], a.beta[s, i, j], a.log_dhat[s, i, j]))
    if not parts:
        e = np.zeros(0, dtype=np.intp)
        return ShockPatch(0, e, e, e, e, np.zeros(0), np.zeros(0), np.zeros(0))
    return ShockPatch.concat(parts)


def same_as_dense(patch: ShockPatch, k: int, arrays: ShockArrays, t0: np.ndarray) -> bool:
    """Does scenario ``k`` of ``patch`` change exactly what its dense ``arrays`` do?

    Analyses that build a patch directly check one scenario against the shocks' own
    arrays, so that the two can never drift apart silently.
    """
    ref = patch_of_arrays([arrays], t0)
    mine = patch.take(np.array([k]))
    noop = ((mine.tariffs == t0[mine.sector, mine.exporter, mine.importer])
            & (mine.beta == 0) & (mine.log_dhat == 0))

    def key(q: ShockPatch, keep: np.ndarray) -> list[tuple]:
        cols = (q.sector, q.exporter, q.importer, q.tariffs, q.beta, q.log_dhat)
        return sorted(zip(*(c[keep].tolist() for c in cols), strict=True))
    return key(ref, np.ones(len(ref.row), dtype=bool)) == key(mine, ~noop)


# ------------------------------------------------------------------ resolved operations
@dataclass(frozen=True)
class _Op:
    """One write of a shock into the arrays, on flat entries ``flat``.

    ``kind``: ``set_t`` (tariff replaced), ``add_t`` (tariff added to, never below 0),
    ``add_beta``, ``inf_beta`` (embargo), ``add_dhat``. The value comes per scenario from
    the shock (a number, or with ``mask`` a pair (where True, where False)); ``const``
    holds per-entry values fixed by the shock itself (partial-effect tables).
    ``unique``: no entry repeats, so ``+=`` by fancy index equals ``np.add.at``.
    """

    kind: str
    flat: np.ndarray
    mask: np.ndarray | None = None
    const: np.ndarray | None = None
    unique: bool = True

    @cached_property
    def simple(self) -> bool:
        """One number per scenario written to distinct entries: what
        :func:`_apply_simple` applies for many families at once."""
        return (self.kind in _SIMPLE_KINDS and self.mask is None and self.const is None
                and self.unique)

    @cached_property
    def sorted_flat(self) -> np.ndarray:
        """``flat`` ascending (distinct entries: the order of writes does not matter)."""
        return np.sort(self.flat)


#: Kinds of operation :func:`_apply_simple` handles, and the quantity each writes.
_SIMPLE_KINDS = {"set_t": 0, "add_beta": 1, "add_dhat": 2}

#: A resolved shock: its operations and the per-scenario values of each.
_Resolved = tuple[tuple[_Op, ...], Callable[[Any], tuple[Any, ...]]]


def _k(v: Any) -> Any:
    """A hashable form of a countries/sectors field."""
    return v if v is None or isinstance(v, str) else tuple(v)


def _key(shock: Any) -> tuple:
    """What a shock's resolution depends on (not its rate or effect). Partial-effect
    tables are keyed by identity (``by_id``), cached within one call only."""
    if isinstance(shock, Tariff):
        return ("tariff", _k(shock.by), _k(shock.on), _k(shock.sectors), shock.add)
    if isinstance(shock, Agreement):
        return ("agreement", shock.form is not None, _k(shock.members), _k(shock.sectors))
    if isinstance(shock, Embargo):
        return ("embargo", _k(shock.between[0]), _k(shock.between[1]))
    if isinstance(shock, TradeCost):
        return ("trade_cost", _k(shock.from_), _k(shock.to), shock.both_ways,
                _k(shock.sectors))
    return ("by_id", id(shock))


def _flat(world: World, s: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Flat indices of every sector in ``s`` times every pair (i, j), sector-major."""
    n = world.n
    return (s[:, None] * (n * n) + (i * n + j)[None, :]).ravel()


def _all_sectors(world: World) -> np.ndarray:
    return np.arange(world.n_sectors, dtype=np.intp)


def _resolve(world: World, shock: Any) -> _Resolved:
    """The operations of ``shock`` on ``world``: the index work of its ``apply``."""
    if isinstance(shock, Tariff):
        i, j = shock._pairs(world, shock.on, shock.by, "", "on", "by")
        s = shock._sector_index(world, shock.sectors, "")
        op = _Op("add_t" if shock.add else "set_t", _flat(world, s, i, j))
        return (op,), lambda sh: (sh.applied_rate,)
    if isinstance(shock, Agreement):
        from ..data.agreements import in_force

        i, j = shock._member_pairs(world, "")
        s = shock._sector_index(world, shock.sectors, "")
        flat = _flat(world, s, i, j)
        if shock.form is not None:
            mask = np.tile(in_force(world)[i, j], len(s))
            return (_Op("add_beta", flat, mask=mask),), lambda sh: (
                (sh._deepen_beta(), sh.beta()),)
        if _known(world):
            mask = np.tile(shock._ends(world, i, j), len(s))
            return (_Op("add_beta", flat, mask=mask),), lambda sh: ((sh.beta(), 0.0),)
        return (_Op("add_beta", flat),), lambda sh: (sh.beta(),)
    if isinstance(shock, Embargo):
        a, b = shock.between
        ops = tuple(_Op("inf_beta", _flat(world, _all_sectors(world), *shock._pairs(
            world, x, y, "", "between", "between"))) for x, y in ((a, b), (b, a)))
        return ops, lambda sh: (None, None)
    if isinstance(shock, TradeCost):
        sides = [(shock.from_, shock.to), (shock.to, shock.from_)][:1 + shock.both_ways]
        s = shock._sector_index(world, shock.sectors, "")
        ops = tuple(_Op("add_dhat", _flat(world, s, *shock._pairs(world, x, y, "", "from",
                                                                   "to")))
                    for x, y in sides)
        return ops, lambda sh: (np.log1p(sh.change),) * len(ops)
    if isinstance(shock, PartialEffect):
        return _resolve_table(world, shock)
    if isinstance(shock, ExportBan):   # keyed by identity: its beta depends on the world
        s, i, j, beta = shock.entries(world)
        return (_Op("add_beta", _flat(world, s, i, j)),), lambda sh: (beta,)
    raise TypeError(f"not a shock: {type(shock).__name__}")


def _resolve_table(world: World, shock: PartialEffect) -> _Resolved:
    """A partial-effect table: one ``np.add.at`` in table order, which is how its rows
    add up in :meth:`PartialEffect.apply` (each row's entries are distinct, rows follow
    one another)."""
    if not shock.table:
        return (), lambda sh: ()
    codes: dict[str, np.ndarray] = {}
    for row in shock.table:
        for code in (row.exporter, row.importer):
            if code not in codes:
                codes[code] = np.array(world.resolve(code, ""), dtype=np.intp)
    sectors: dict[str | None, np.ndarray] = {None: _all_sectors(world)}
    by_sector = any(r.sector is not None for r in shock.table)
    flats, values = [], []
    if not by_sector and all(len(v) == 1 for v in codes.values()):
        i = np.fromiter((codes[r.exporter][0] for r in shock.table), dtype=np.intp)
        j = np.fromiter((codes[r.importer][0] for r in shock.table), dtype=np.intp)
        beta = np.fromiter((r.beta for r in shock.table), dtype=np.float64)
        s = _all_sectors(world)
        flat = _flat(world, s, i, j)
        op = _Op("add_beta", flat, const=np.tile(beta, len(s)), unique=False)
        return (op,), lambda sh: (None,)
    for row in shock.table:
        if row.sector not in sectors:
            sectors[row.sector] = np.array(world.resolve_sectors(row.sector, ""),
                                           dtype=np.intp)
        ii, jj = np.meshgrid(codes[row.exporter], codes[row.importer], indexing="ij")
        flat = _flat(world, sectors[row.sector], ii.ravel(), jj.ravel())
        flats.append(flat)
        values.append(np.full(len(flat), row.beta))
    op = _Op("add_beta", np.concatenate(flats), const=np.concatenate(values), unique=False)
    return (op,), lambda sh: (None,)


class _RefusedError(Exception):
    """A shock the dense path refuses (a tariff cut below zero): it names the culprit."""


def _ops_of(world: World, shock: Any, local: dict) -> _Resolved:
    """The resolved operations of ``shock``, from the world's cache when possible."""
    key = _key(shock)
    if key[0] == "by_id":
        if key not in local:
            local[key] = (_resolve(world, shock), shock)   # hold it: ids are reused
        return local[key][0]
    cache = world._views.setdefault(_CACHE_KEY, {})
    got = cache.get(key)
    if got is None:
        got = _resolve(world, shock)
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[key] = got
    return got


def _values(op: _Op, vals: list[Any]) -> Any:
    """The (D, 1) or (D, E) values of ``op`` for D scenarios."""
    if op.const is not None:
        return op.const[None, :]
    if op.mask is not None:
        a = np.array([v[0] for v in vals], dtype=np.float64)
        b = np.array([v[1] for v in vals], dtype=np.float64)
        return np.where(op.mask[None, :], a[:, None], b[:, None])
    return np.array(vals, dtype=np.float64)[:, None]


def _union(world: World, flats: list[np.ndarray]
           ) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """The distinct entries of ``flats``, ascending, and a map from entries to positions
    in it. Sorting is O(E log E); where the entries are many against the S N^2 of the
    world (an agreement among many members in every sector) a mark per entry is cheaper
    (a coalition of wiod2014: 1.6 ms -> 0.2 ms)."""
    flat = np.concatenate(flats)
    size = world.sector_tariffs.size
    if 16 * len(flat) < size:
        union = np.unique(flat)
        return union, lambda f: np.searchsorted(union, f)
    mark = np.zeros(size, dtype=bool)
    mark[flat] = True
    union = np.flatnonzero(mark)
    inverse = np.empty(size, dtype=np.intp)
    inverse[union] = np.arange(len(union))
    return union, lambda f: inverse[f]


def _apply_family(world: World, ops: list[_Op], vals: list[list[Any]], d: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Apply ``ops`` (in order) for ``d`` scenarios sharing them; ``vals[m]`` holds op m's
    value for each scenario. Returns the changed entries: (scenario, flat, t, beta,
    log dhat), by scenario then flat index."""
    if not ops:
        e = np.zeros(0, dtype=np.intp)
        return e, e, np.zeros(0), np.zeros(0), np.zeros(0)
    union, where = _union(world, [op.flat for op in ops])
    t0 = world.sector_tariffs.ravel()[union]
    t = np.repeat(t0[None, :], d, axis=0)
    beta = np.zeros_like(t)
    ld = np.zeros_like(t)
    for op, v in zip(ops, vals, strict=True):
        pos = where(op.flat)
        kind = op.kind
        if kind == "set_t":
            t[:, pos] = _values(op, v)
        elif kind == "add_t":
            new = t[:, pos] + _values(op, v)
            if (new < 0).any():
                raise _RefusedError
            t[:, pos] = new
        elif kind == "inf_beta":
            beta[:, pos] = -np.inf
        else:
            target = beta if kind == "add_beta" else ld
            if op.unique:
                target[:, pos] += _values(op, v)
            else:
                np.add.at(target, (slice(None), pos),
                          np.broadcast_to(_values(op, v), (d, len(pos))))
    changed = (beta != 0) | (ld != 0) | (t != t0)
    r, c = np.nonzero(changed)
    return r, union[c], t[r, c], beta[r, c], ld[r, c]


def _apply_simple(world: World, families: list[tuple[list[int], _Op, list[Any]]]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_apply_family` of many families of one simple operation each (a tariff set
    on some pairs, an agreement's or a trade cost's number added), all at once: a batch
    of different bilateral tariffs is a thousand families of one scenario each."""
    rows: list[int] = []
    values: list[Any] = []
    flats: list[np.ndarray] = []
    kinds: list[int] = []
    for fam_rows, op, vals in families:
        rows += fam_rows
        values += vals
        flats += [op.sorted_flat] * len(fam_rows)
        kinds += [_SIMPLE_KINDS[op.kind]] * len(fam_rows)
    size = np.fromiter((len(f) for f in flats), dtype=np.intp, count=len(flats))
    flat = np.concatenate(flats)
    row = np.repeat(np.asarray(rows, dtype=np.intp), size)
    value = np.repeat(np.asarray(values, dtype=np.float64), size)
    kind = np.repeat(np.asarray(kinds, dtype=np.int8), size)
    t0 = world.sector_tariffs.ravel()[flat]
    t = np.where(kind == 0, value, t0)
    beta = np.where(kind == 1, value, 0.0)     # 0 + value, as the += of _apply_family
    ld = np.where(kind == 2, value, 0.0)
    changed = (beta != 0) | (ld != 0) | (t != t0)
    return row[changed], flat[changed], t[changed], beta[changed], ld[changed]


def sparse_batch(world: World, scenarios: Sequence[Scenario]) -> ShockPatch:
    """The changed entries of every scenario's shock arrays (see :class:`ShockPatch`).

    Equal, entry for entry and bit for bit, to ``[s.arrays(world) for s in scenarios]``
    compared with the baseline; raises what that would raise, naming the first scenario
    (in order) that fails.
    """
    try:
        return sparse_runs(world, [s.shocks for s in scenarios])
    except (MiddlepowerError, _RefusedError):
        for s in scenarios:
            s.arrays(world)      # raises with the file, line and shock
        raise


def sparse_runs(world: World, scenarios: Sequence[Sequence[Any]]) -> ShockPatch:
    """:func:`sparse_batch` of shock lists, for callers that build thousands of variations
    of scenarios already checked (uncertainty draws): no Scenario object per run. An
    invalid shock raises without the scenario's name; check one run with
    :func:`sparse_batch` first."""
    if not len(scenarios):
        e = np.zeros(0, dtype=np.intp)
        return ShockPatch(0, e, e, e, e, np.zeros(0), np.zeros(0), np.zeros(0))
    local: dict = {}
    families: dict[tuple, list[int]] = {}
    for k, s in enumerate(scenarios):
        families.setdefault(tuple(_key(sh) for sh in s), []).append(k)
    parts = []
    simple: list[tuple[list[int], _Op, list[Any]]] = []
    for rows in families.values():
        first = scenarios[rows[0]]
        resolved = [_ops_of(world, sh, local) for sh in first]
        ops = [op for r in resolved for op in r[0]]
        per = [[] for _ in ops]                  # per[m]: op m's value in each scenario
        for k in rows:
            m = 0
            for (_, value), sh in zip(resolved, scenarios[k], strict=True):
                for v in value(sh):
                    per[m].append(v)
                    m += 1
        if len(ops) == 1 and ops[0].simple:
            simple.append((rows, ops[0], per[0]))
            continue
        r, flat, t, beta, ld = _apply_family(world, ops, per, len(rows))
        parts.append((np.asarray(rows, dtype=np.intp)[r], flat, t, beta, ld))
    if simple:
        parts.append(_apply_simple(world, simple))
    row, flat, t, beta, ld = (np.concatenate([p[q] for p in parts]) for q in range(5))
    if len(families) > 1:
        order = np.argsort(row, kind="stable")   # a row's entries stay in flat order
        row, flat, t, beta, ld = row[order], flat[order], t[order], beta[order], ld[order]
    nn = world.n * world.n
    s, ij = np.divmod(flat, nn)
    i, j = np.divmod(ij, world.n)
    return ShockPatch(len(scenarios), row, s, i, j, t, beta, ld)
