"""Coalitions of middle powers against a coercing hegemon: search, Shapley split, stability.

Setting: ``against`` taxes ``target`` at ``tariff``. A coalition S (partners of the target)
answers with an instrument among the target and S:

* ``"free_trade"``: an agreement among them (the estimated agreement effect each way);
* ``"retaliation"``: each of them taxes the hegemon's goods at ``tariff``;
* ``"both"`` (default).

The empty coalition is "give in". Every coalition is one general-equilibrium solve, run
in vectorised batches (:func:`middlepower.model.batch.run_many`, locally or on Dask).

* :func:`search` ranks coalitions by the target's welfare or by the coalition's total gain:
  exhaustively over all subsets when there are at most 12 candidates, otherwise by beam
  search (start from single partners, keep the ``beam_width`` best of each size, extend
  each by one partner, up to ``max_size``).
* :func:`shapley` splits the coalition's gain (money-metric welfare of its members,
  relative to giving in) by Shapley value: exact up to 12 players, else sampled orders.
* :func:`stability` asks whether every member gains relative to staying out, and whether
  the Shapley split is in the core.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from ..coercion.responses import agreement_sectors, tariff_sectors
from ..data.world import World
from ..errors import ParameterError
from ..model import summaries
from ..model.batch import run_many
from ..model.options import SolveOptions
from ..scenario.lazy import LazyScenarios
from ..scenario.scenario import Scenario
from ..scenario.shocks import agreement
from ..scenario.shocks import tariff as tariff_shock
from .game import (
    all_subsets,
    core_violations,
    permutation_subsets,
    shapley_exact,
    shapley_sampled,
)

__all__ = ["CoalitionGame", "search", "shapley", "stability"]

Instrument = Literal["free_trade", "retaliation", "both"]
Objective = Literal["target", "coalition"]

#: Largest candidate set searched exhaustively (2^12 = 4,096 solves).
EXHAUSTIVE_MAX = 12


@dataclass
class CoalitionGame:
    """Solves coalitions on demand and caches them: players -> welfare arrays.

    ``welfare_pct[S]`` and ``welfare_level[S]`` are (N,) arrays for the scenario in which
    the players in S use the instrument (the coercive tariff always applies).
    """

    world: World
    target: str
    against: str
    tariff: float = 0.25
    instrument: str = "both"
    effect: float | None = None
    theta: float | None = None
    deficits: str | None = None
    executor: Any = None
    progress: bool = False
    welfare_pct: dict[frozenset, np.ndarray] = field(default_factory=dict, repr=False)
    welfare_level: dict[frozenset, np.ndarray] = field(default_factory=dict, repr=False)
    sectors: str | list[str] | None = None
    #: Share of the target's exports that enters duty-free; the coalition's retaliation
    #: mirrors it (the same share of the hegemon's goods escapes it).
    exempt: float = 0.0
    #: How every coalition is solved (:class:`mp.SolveOptions`); theta and deficits above,
    #: where given, override it.
    options: SolveOptions | None = None
    _gains: dict[frozenset, float] = field(default_factory=dict, repr=False, init=False)

    def __post_init__(self) -> None:
        if self.instrument not in get_args(Instrument):
            raise ParameterError(f"instrument={self.instrument!r}: expecting one of "
                                 f"{get_args(Instrument)}.")
        self.target = self.world.countries[self.world.index(self.target)]
        self.against = self.world.countries[self.world.index(self.against)]
        if self.target == self.against:
            raise ParameterError(f"target and against are both {self.target!r}.")
        self._idx = {c: k for k, c in enumerate(self.world.countries)}
        # a player is an economy, or a group (e.g. "EU27" in a world of EU members) whose
        # members act as one: they join and leave together
        self._members: dict[str, list[str]] = {self.target: [self.target]}
        self._own: dict[str, list[int]] = {}
        self._spend = self.world.income()

    def scenario(self, players: frozenset) -> Scenario:
        sectors = tariff_sectors(self.world, self.sectors)
        shocks: list[Any] = [tariff_shock(by=self.against, on=self.target, rate=self.tariff,
                                          sectors=sectors, exempt=self.exempt)]
        members = sorted({m for p in players for m in self.members(p)})
        if len(members) >= 2 and self.instrument in ("free_trade", "both"):
            shocks.append(agreement(form=members, effect=self.effect,
                                    sectors=agreement_sectors(self.world)))
        if members and self.instrument in ("retaliation", "both"):
            shocks.append(tariff_shock(by=members, on=self.against, rate=self.tariff,
                                       sectors=sectors, exempt=self.exempt))
        return Scenario("+".join(sorted(players)) or "give in", shocks)

    def solve(self, sets: Iterable[frozenset]) -> None:
        """Solve every set not solved yet, in one batch."""
        todo = [s for s in dict.fromkeys(sets) if s not in self.welfare_pct]
        if not todo:
            return
        if self.executor is None:   # (N,) outcomes only, no Result per coalition
            scenarios = LazyScenarios(todo, self.scenario)
            welfare = summaries(self.world, scenarios, patches=_patches(self, todo, scenarios),
                                 options=self.solve_options,
                                 progress=self.progress)["welfare_hat"]
        else:
            welfare = [r.welfare_hat for r in run_many(
                self.world, [self.scenario(s) for s in todo], executor=self.executor,
                progress=self.progress, options=self.solve_options)]
        welfare = np.asarray(welfare)                        # (sets, N)
        pct, level = 100 * (welfare - 1), self._spend * (welfare - 1)
        for s, p, lv in zip(todo, pct, level, strict=True):
            self.welfare_pct[s] = p
            self.welfare_level[s] = lv

    @property
    def solve_options(self) -> SolveOptions:
        return SolveOptions.of(self.options, theta=self.theta, deficits=self.deficits)

    def members(self, player: str) -> list[str]:
        """Economies a player stands for (itself, or a group's members)."""
        return self._members.get(player, [player])

    def _indices(self, players: Iterable[str]) -> list[int]:
        own = self._own
        return [k for p in players for k in (own.get(p) or self._own_of(p))]

    def _own_of(self, player: str) -> list[int]:
        """The player's economies' indices (cached: Shapley values ask 2^n times)."""
        self._own[player] = [self._idx[m] for m in self.members(player)]
        return self._own[player]

    def spend(self, players: Iterable[str]) -> float:
        """Baseline income of the players' economies."""
        return float(self._spend[self._indices(players)].sum())

    def pct(self, s: frozenset, player: str) -> float:
        """Welfare change (%) of a player in scenario s; a group's is income-weighted."""
        idx = self._indices([player])
        if len(idx) == 1:
            return float(self.welfare_pct[s][idx[0]])
        return float(100 * self.welfare_level[s][idx].sum() / self._spend[idx].sum())

    def gain(self, s: frozenset) -> float:
        """v(S): members' money-metric welfare relative to giving in (world's unit)."""
        if not s:
            return 0.0
        got = self._gains.get(s)
        if got is None:    # Shapley values read each v(S) once per member: compute it once
            idx = self._indices(s)
            got = float((self.welfare_level[s][idx]
                         - self.welfare_level[frozenset()][idx]).sum())
            self._gains[s] = got
        return got

    def gains(self, sets: Sequence[frozenset]) -> dict[frozenset, float]:
        """v(S) of many sets, as :meth:`gain`, the new ones at once: each set's members as
        a mask over the economies (exact Shapley values read 2^n of them)."""
        todo = [s for s in dict.fromkeys(sets) if s and s not in self._gains]
        if todo:
            idx = [self._indices(s) for s in todo]
            level = np.array([self.welfare_level[s] for s in todo])          # (sets, N)
            member = np.zeros(level.shape, dtype=bool)
            member[np.repeat(np.arange(len(todo)), [len(i) for i in idx]),
                   [k for i in idx for k in i]] = True
            v = np.where(member, level - self.welfare_level[frozenset()], 0.0).sum(axis=1)
            self._gains.update(zip(todo, v.tolist(), strict=True))
        return {s: self.gain(s) for s in sets}

    def value(self, s: frozenset) -> float:
        self.solve([frozenset(), s])
        return self.gain(s)


#: Coalitions per block when building patches directly: (block, L, L) arrays, L the
#: economies involved, stay a few MB.
_PATCH_BLOCK = 512


def _patches(game: CoalitionGame, sets: list[frozenset], scenarios: LazyScenarios) -> Any:
    """The fast path's patches of every coalition in ``sets``, built at once from the
    coalitions' membership instead of from one Scenario each; checked against the dense
    shock arrays of the largest and the smallest coalition. None where the fast path does
    not apply (several sectors, sectors named) or the check fails: the caller then builds
    the scenarios as usual."""
    from ..data.agreements import in_force
    from ..model import fast_path_applies
    from ..scenario.patches import ShockPatch, same_as_dense

    world = game.world
    if not fast_path_applies(world, game.solve_options) or game.sectors is not None:
        return None
    idx = game._idx
    h, t = idx[game.against], idx[game.target]
    own: dict[str, list[int]] = {}
    for p in set().union(*sets):
        codes = game.members(p)
        if not set(codes) <= idx.keys() or game.against in codes:
            return None               # the scenarios raise their own errors
        own[p] = [idx[c] for c in codes]
    members = [list({i for p in s for i in own[p]}) for s in sets]
    ref = [max(range(len(sets)), key=lambda k: len(members[k])),
           min(range(len(sets)), key=lambda k: len(members[k]))]
    largest = scenarios[ref[0]].shocks
    rate = largest[0].applied_rate
    agree = game.instrument in ("free_trade", "both")
    retaliate = game.instrument in ("retaliation", "both")
    eff = next((sh.beta() for sh in largest if sh.type == "agreement"), 0.0)
    local = np.array(sorted({h, t, *(m for ms in members for m in ms)}), dtype=np.intp)
    pos = {int(g): k for k, g in enumerate(local)}
    L = len(local)
    t0_loc = world.sector_tariffs[0][np.ix_(local, local)]
    new_pair = ~in_force(world)[np.ix_(local, local)] & ~np.eye(L, dtype=bool)
    lh, lt = pos[h], pos[t]
    parts = []
    for start in range(0, len(sets), _PATCH_BLOCK):
        block = members[start:start + _PATCH_BLOCK]
        k = len(block)
        member = np.zeros((k, L), dtype=bool)
        rows = np.repeat(np.arange(k), [len(ms) for ms in block])
        member[rows, [pos[m] for ms in block for m in ms]] = True
        tar = np.repeat(t0_loc[None], k, axis=0)
        beta = np.zeros((k, L, L))
        tar[:, lt, lh] = rate
        size = member.sum(axis=1)
        if agree:
            pair = member[:, :, None] & member[:, None, :] & new_pair[None] \
                & (size >= 2)[:, None, None]
            beta[pair] = eff
        if retaliate:
            tar[:, lh, :] = np.where(member, rate, tar[:, lh, :])
        r, a, b = np.nonzero((beta != 0) | (tar != t0_loc[None]))
        parts.append((r + start, local[a], local[b], tar[r, a, b], beta[r, a, b]))
    row, i, j, tn, be = (np.concatenate([p[q] for p in parts]) for q in range(5))
    patches = ShockPatch(len(sets), row, np.zeros(len(row), dtype=np.intp), i, j, tn, be,
                         np.zeros(len(row)))
    t0 = world.sector_tariffs
    if not all(same_as_dense(patches, k, scenarios[k].arrays(world), t0) for k in ref):
        return None
    return patches


def _check_candidates(game: CoalitionGame, candidates: Sequence[str]) -> list[str]:
    """Players from candidate codes: an economy, or a group of several economies of this
    world (``EU27`` where its members stand alone) as one player."""
    out: list[str] = []
    taken = {game.target, game.against}
    for c in candidates:
        codes = [game.world.countries[k] for k in game.world.resolve(c, "candidates")]
        codes = [x for x in codes if x not in taken]
        if not codes:
            continue
        label = codes[0] if len(codes) == 1 else str(c)
        if label in out:
            continue
        game._members[label] = codes
        game._own.pop(label, None)
        taken.update(codes)
        out.append(label)
    if not out:
        raise ParameterError("no candidate partners left once the target and the hegemon "
                             "are removed.")
    return out


def _table(game: CoalitionGame, partner_sets: list[frozenset]) -> pd.DataFrame:
    """One row per partner set (every set and its outside options solved), unsorted.

    Each member's gain is its welfare in the coalition against the coalition without it
    (the target's: against giving in); the worst member is the first smallest gain, the
    target first, then the partners in the set's own order. Computed at once over the
    stacked (sets, N) welfare of the game, adding the same numbers in the same order as
    :meth:`CoalitionGame.pct`, :meth:`CoalitionGame.gain` and :meth:`CoalitionGame.spend`
    do one set at a time, so the table is the same to the last bit.
    """
    t, h = game.target, game.against
    keys = list(game.welfare_pct)
    level = np.array([game.welfare_level[k] for k in keys])          # (K, N)
    pct_all = np.array([game.welfare_pct[k] for k in keys])
    names = sorted(set().union(*keys, *partner_sets) | {t})
    col = {p: c for c, p in enumerate(names)}
    pct = np.empty((len(keys), len(names)))                            # (K, players)
    for p, c in col.items():
        idx = game._indices([p])
        pct[:, c] = pct_all[:, idx[0]] if len(idx) == 1 else \
            100 * level[:, idx].sum(axis=1) / game._spend[idx].sum()
    # a set as a bit mask over names, so that "the set without m" is one xor
    bit = np.array([1 << c for c in range(len(names))],
                   dtype=np.int64 if len(names) < 63 else object)
    key_masks = _masks([[col[p] for p in k] for k in keys], bit)
    order = np.argsort(key_masks, kind="stable")
    sorted_masks = key_masks[order]

    def rows_of(m: np.ndarray) -> np.ndarray:
        return order[np.searchsorted(sorted_masks, m)]

    r = len(partner_sets)
    lens = np.array([len(p) for p in partner_sets], dtype=np.intp)
    width = int(lens.max(initial=0))
    used = np.arange(width)[None, :] < lens[:, None]                     # (r, width)
    part = np.zeros((r, width), dtype=np.intp)
    part[used] = [col[m] for p in partner_sets for m in p]   # each set in its own order
    part_bits = np.where(used, bit[part], 0)
    mask_s = _masks([[col[m] for m in p] for p in partner_sets], bit) | bit[col[t]]
    row_s = rows_of(mask_s)
    row_0 = int(rows_of(np.zeros(1, dtype=bit.dtype))[0])
    row_out = rows_of(mask_s[:, None] ^ part_bits)
    ct = col[t]
    target_pct = pct[row_s, ct]
    gains = np.full((r, width + 1), np.inf)
    gains[:, 0] = target_pct - pct[row_0, ct]
    gains[:, 1:][used] = (pct[row_s[:, None], part] - pct[row_out, part])[used]
    worst = np.argmin(gains, axis=1)
    value, spend = np.empty(r), np.empty(r)
    sets = [p | {t} for p in partner_sets]       # built as CoalitionGame.gain's callers do
    own = {p: game._indices([p]) for p in names}
    member_idx = [[i for p in s for i in own[p]] for s in sets]
    sizes = np.array([len(ix) for ix in member_idx])
    for n_idx in np.unique(sizes).tolist():
        ks = np.flatnonzero(sizes == n_idx)
        idx = np.array([member_idx[k] for k in ks], dtype=np.intp)       # (rows, n_idx)
        value[ks] = (level[row_s[ks, None], idx] - level[row_0, idx]).sum(axis=1)
        spend[ks] = game._spend[idx].sum(axis=1)
    for k, s in enumerate(sets):
        if s in game._gains:
            value[k] = game._gains[s]
    ordered = [sorted(p) for p in partner_sets]
    return pd.DataFrame({
        "coalition": ["+".join(p) or f"({t} alone)" for p in ordered],
        "partners": [tuple(p) for p in ordered],
        "size": np.array([len(p) for p in ordered], dtype=np.int64),
        "target_welfare_pct": target_pct,
        "target_gain_pp": gains[:, 0],
        "against_welfare_pct": pct_all[row_s, game._idx[h]],
        "coalition_gain": value,
        "coalition_gain_pct": 100 * value / spend,
        "all_gain": gains.min(axis=1) > 0,
        "min_member_gain_pp": gains[np.arange(r), worst],
        "worst_member": [t if q == 0 else names[c] for q, c in
                         zip(worst.tolist(), part[np.arange(r), np.maximum(worst - 1, 0)]
                             .tolist(), strict=True)],
    })


def _masks(members: list[list[int]], bit: np.ndarray) -> np.ndarray:
    """Each list of columns as the sum of their bits (the columns of one list differ)."""
    rows = np.repeat(np.arange(len(members)), [len(m) for m in members])
    out = np.zeros(len(members), dtype=bit.dtype)
    np.add.at(out, rows, bit[np.array([c for m in members for c in m], dtype=np.intp)])
    return out


def search(
    world: World,
    target: str,
    against: str,
    candidates: Sequence[str],
    *,
    instrument: Instrument = "both",
    objective: Objective = "target",
    max_size: int | None = None,
    require_all_gain: bool = False,
    tariff: float = 0.25,
    effect: float | None = None,
    method: Literal["auto", "exhaustive", "beam"] = "auto",
    beam_width: int = 8,
    top: int | None = 20,
    theta: float | None = None,
    deficits: str | None = None,
    sectors: str | list[str] | None = None,
    exempt: float = 0.0,
    executor: Any = None,
    progress: bool = False,
    options: SolveOptions | None = None,
) -> pd.DataFrame:
    """Rank the coalitions of ``candidates`` that answer ``against``'s tariff on ``target``.

    Parameters
    ----------
    world : World
    target, against : str
    candidates : sequence of str
        Possible partners (codes or groups, e.g. ``["EU27", "GBR", "JPN", "CPTPP"]``).
    instrument : {"free_trade", "retaliation", "both"}, default "both"
    objective : {"target", "coalition"}, default "target"
        Rank by the target's welfare, or by the coalition's total money-metric gain.
    max_size : int, optional
        Largest number of partners (default: all for exhaustive, 6 for beam search).
    require_all_gain : bool, default False
        Keep only coalitions in which every member gains relative to staying out (the
        target relative to giving in).
    tariff : float, default 0.25
        The coercive tariff, and the retaliation rate.
    effect : float, optional
        Agreement effect (beta); the shipped estimate by default.
    method : {"auto", "exhaustive", "beam"}
        ``auto``: exhaustive up to 12 candidates, beam search beyond.
    beam_width : int, default 8
    top : int or None, default 20
        Rows returned (None: all evaluated).
    sectors, exempt
        The coercion's sectors and duty-free share (as :func:`mp.brief`); the coalition's
        retaliation mirrors them.
    theta, deficits, options
        As in :func:`mp.solve`.
    executor : dask.distributed.Client or address, optional

    Returns
    -------
    DataFrame
        One row per coalition, best first: coalition, partners, size, target_welfare_pct,
        target_gain_pp (vs giving in), against_welfare_pct, coalition_gain (money, world
        unit), coalition_gain_pct (of members' spending), all_gain, min_member_gain_pp,
        worst_member. The empty partner set appears as "(CAN alone)": the target uses the
        instrument by itself (for "both" and "retaliation": it retaliates alone).
    """
    if objective not in get_args(Objective):
        raise ParameterError(f"objective={objective!r}: expecting one of {get_args(Objective)}.")
    game = CoalitionGame(world, target, against, tariff, instrument, effect, theta, deficits,
                         executor, progress, sectors=sectors, exempt=exempt, options=options)
    cands = _check_candidates(game, candidates)
    if method == "auto":
        method = "exhaustive" if len(cands) <= EXHAUSTIVE_MAX else "beam"
    if method == "exhaustive":
        if len(cands) > 20:
            raise ParameterError(f"{len(cands)} candidates: 2^{len(cands)} coalitions is too "
                                 "many for an exhaustive search; use method='beam'.")
        size = len(cands) if max_size is None else min(max_size, len(cands))
        partner_sets = [frozenset(c) for k in range(size + 1) for c in combinations(cands, k)]
        game.solve([frozenset()] + [p | {game.target} for p in partner_sets])
    elif method == "beam":
        partner_sets = _beam(game, cands, beam_width, max_size or min(6, len(cands)),
                             objective)
    else:
        raise ParameterError(f"method={method!r}: expecting 'auto', 'exhaustive' or 'beam'.")
    if method == "beam":   # every member's outside option: the coalition without it
        game.solve([(p - {m}) | {game.target} for p in partner_sets for m in p])
    # (an exhaustive search has solved them all: every subset of a set is a set)
    table = _table(game, partner_sets)
    key = "target_welfare_pct" if objective == "target" else "coalition_gain"
    table = table.sort_values(key, ascending=False, ignore_index=True)
    if require_all_gain:
        table = table[table.all_gain].reset_index(drop=True)
    return table if top is None else table.head(top)


def _score(game: CoalitionGame, p: frozenset, objective: str) -> float:
    s = p | {game.target}
    return game.pct(s, game.target) if objective == "target" else game.gain(s)


def _beam(game: CoalitionGame, cands: list[str], width: int, max_size: int,
          objective: str) -> list[frozenset]:
    """Beam search over partner sets; returns every set evaluated."""
    if width < 1:
        raise ParameterError(f"beam_width={width!r} must be at least 1.")
    evaluated: list[frozenset] = [frozenset()]
    frontier = [frozenset()]
    game.solve([frozenset(), frozenset({game.target})])
    for _ in range(max_size):
        nxt = list(dict.fromkeys(p | {c} for p in frontier for c in cands if c not in p))
        if not nxt:
            break
        game.solve([p | {game.target} for p in nxt])
        evaluated.extend(nxt)
        frontier = sorted(nxt, key=lambda p: _score(game, p, objective), reverse=True)[:width]
    return evaluated


def shapley(
    world: World,
    target: str,
    against: str,
    members: Sequence[str],
    *,
    instrument: Instrument = "both",
    tariff: float = 0.25,
    effect: float | None = None,
    n_perm: int | None = None,
    seed: int = 0,
    theta: float | None = None,
    deficits: str | None = None,
    sectors: str | list[str] | None = None,
    executor: Any = None,
    game: CoalitionGame | None = None,
    options: SolveOptions | None = None,
) -> pd.DataFrame:
    """Split the coalition's gain among its members (the target included) by Shapley value.

    v(S) is the money-metric welfare gain of S's members, relative to giving in, when the
    members of S use the instrument together (the coercive tariff always applies). Exact
    for up to 12 players (all 2^n coalitions solved); with more, or with ``n_perm`` given,
    estimated from ``n_perm`` random orders (default 200) with a standard error.

    Returns
    -------
    DataFrame
        Index: player. Columns: shapley (world's unit), share_pct (of v(N)), se
        (0 when exact), standalone (v of the player alone).
    """
    game = game or CoalitionGame(world, target, against, tariff, instrument, effect, theta,
                                 deficits, executor, sectors=sectors, options=options)
    players = [game.target, *_check_candidates(game, members)]
    exact = n_perm is None and len(players) <= EXHAUSTIVE_MAX
    if exact:
        subsets = all_subsets(players)
        game.solve(subsets)
        table = shapley_exact(players, game.gains(subsets)).to_frame()
        table["se"] = 0.0
    else:
        orders, sets = permutation_subsets(players, n_perm or 200, seed)
        game.solve(sets)
        table = shapley_sampled(orders, game.gain).loc[players]
    grand = game.gain(frozenset(players))
    game.solve([frozenset({p}) for p in players])
    table["share_pct"] = 100 * table["shapley"] / grand if grand else np.nan
    table["standalone"] = [game.gain(frozenset({p})) for p in players]
    table.index.name = "player"
    return table[["shapley", "share_pct", "se", "standalone"]]


def stability(
    world: World,
    target: str,
    against: str,
    members: Sequence[str],
    *,
    instrument: Instrument = "both",
    tariff: float = 0.25,
    effect: float | None = None,
    theta: float | None = None,
    deficits: str | None = None,
    sectors: str | list[str] | None = None,
    executor: Any = None,
    options: SolveOptions | None = None,
) -> dict[str, Any]:
    """Is the coalition of ``target`` and ``members`` stable?

    Returns
    -------
    dict
        ``members`` (DataFrame: welfare inside, outside, gain in pp, gains), ``all_gain``,
        ``shapley`` (DataFrame, exact for <= 12 players), ``in_core`` (bool or None when
        too large to check) and ``core_violations`` (DataFrame of blocking coalitions).
    """
    game = CoalitionGame(world, target, against, tariff, instrument, effect, theta, deficits,
                         executor, sectors=sectors, options=options)
    players = [game.target, *_check_candidates(game, members)]
    grand = frozenset(players)
    game.solve([grand, frozenset(), *[grand - {m} for m in players]])
    rows = []
    for m in players:
        outside = frozenset() if m == game.target else grand - {m}
        inside, out = game.pct(grand, m), game.pct(outside, m)
        rows.append({"member": m, "inside_pct": inside, "outside_pct": out,
                     "gain_pp": inside - out, "gains": inside > out})
    table = pd.DataFrame(rows).set_index("member")
    result: dict[str, Any] = {"members": table, "all_gain": bool(table.gains.all())}
    if len(players) <= EXHAUSTIVE_MAX:
        sh = shapley(world, target, against, members, instrument=instrument, tariff=tariff,
                     effect=effect, theta=theta, deficits=deficits, sectors=sectors, game=game)
        viol = core_violations(players, game.gain, sh["shapley"].to_dict())
        result.update(shapley=sh, in_core=viol.empty, core_violations=viol)
    else:
        result.update(shapley=None, in_core=None, core_violations=None)
    return result
