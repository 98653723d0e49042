r"""The coefficient matrices of a batch of scenarios, and the products the solver takes.

For scenario b, sector s, exporter i and importer j (see :mod:`middlepower.model`):

.. math::

    a^s_{ij} = \lambda^s_{ij}\, e^{\beta^s_{ij}} (\hat d^s_{ij} \hat t^s_{ij})^{-\theta_s},
    \quad a\tau = a\, t'/(1 + t'), \quad a_{sale} = a / (1 + t'),
    \quad a_{pair} = a_{sale}\, a.

Each iteration needs sums over exporters (``importer``: :math:`\sum_i m_{bsij} v_{bsi}`)
and over importers (``exporter``: :math:`\sum_j m_{bsij} v_{bsj}`) of these four.
Two layouts give the same numbers, up to the order of the sums:

* :class:`Dense`: every scenario's own (S, N, N) copies, (b, S, N, N) in all. Simple,
  the reference; a batch of b scenarios reads 4 b S N^2 doubles per iteration.
* :class:`Shared`: the baseline's four (S, N, N) matrices, shared by the batch, and the
  few entries each scenario changes. A product is one matrix product per sector over the
  whole batch plus a scatter of the changed entries, so an iteration reads the baseline
  once whatever b is, and a chunk of scenarios needs no (b, S, N, N) array: chunks can be
  large. The multi-sector engine uses it; the one-sector plain path keeps :class:`Dense`
  as the reference the fast path is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..scenario.patches import ShockPatch
    from .baseline import Baseline

__all__ = ["Dense", "Shared", "dense", "shared"]

_NAMES = ("a", "a_tau", "a_sale", "a_pair")


def _changed(base: Baseline, shocks: ShockPatch, theta: np.ndarray,
             phi: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(t', a) on the changed entries: a = lambda e^beta (dhat that^phi_j)^-theta, phi the
    importer's tariff pass-through (1 unless the pass-through options say otherwise)."""
    b, s, i, j = shocks.row, shocks.sector, shocks.exporter, shocks.importer
    log_that = np.log1p(shocks.tariffs) - np.log1p(base.sector_tariffs[s, i, j])
    if phi is not None:
        log_that = phi[j] * log_that
    with np.errstate(invalid="ignore"):  # -inf (embargo) stays -inf
        log_a = shocks.beta - theta[b, s] * (shocks.log_dhat + log_that)
    return shocks.tariffs, base.sector_shares[s, i, j] * np.exp(log_a)


@dataclass(frozen=True)
class Dense:
    """Every scenario's coefficients as (b, S, N, N) arrays."""

    a: np.ndarray
    a_tau: np.ndarray
    a_sale: np.ndarray
    a_pair: np.ndarray

    @property
    def b(self) -> int:
        return self.a.shape[0]

    def __getitem__(self, k: Any) -> Dense:
        return Dense(self.a[k], self.a_tau[k], self.a_sale[k], self.a_pair[k])

    def importer(self, name: str, v: np.ndarray) -> np.ndarray:
        """sum_i m_bsij v_bsi, (b, S, N): batched vector-matrix products (BLAS)."""
        return np.matmul(v[..., None, :], getattr(self, name))[..., 0, :]

    def exporter(self, name: str, v: np.ndarray) -> np.ndarray:
        """sum_j m_bsij v_bsj, (b, S, N)."""
        return np.matmul(getattr(self, name), v[..., :, None])[..., :, 0]

    def column(self, r: int) -> np.ndarray:
        """a^s_ir, (b, S, N): what every exporter sells to importer r."""
        return self.a[:, :, :, r]

    def diagonal(self, name: str) -> np.ndarray:
        """m^s_ii, (b, S, N)."""
        idx = np.arange(self.a.shape[2])
        return getattr(self, name)[:, :, idx, idx]

    def isolated(self) -> np.ndarray:
        """(b, N): economies with no trade left with anyone, in any sector."""
        off = self.a.sum(axis=1)                                      # (b, N, N)
        idx = np.arange(off.shape[2])
        off[:, idx, idx] = 0.0
        return (off.sum(axis=2) == 0) & (off.sum(axis=1) == 0)


def dense(base: Baseline, shocks: ShockPatch, theta: np.ndarray,
          phi: np.ndarray | None = None) -> Dense:
    """The :class:`Dense` coefficients of ``shocks`` (exponentials only where they change)."""
    b, s, i, j = shocks.row, shocks.sector, shocks.exporter, shocks.importer
    t_new = np.repeat(base.sector_tariffs[None], shocks.b, axis=0)
    a = np.repeat(base.sector_shares[None], shocks.b, axis=0)
    t_new[b, s, i, j], a[b, s, i, j] = _changed(base, shocks, theta, phi)
    tau = t_new / (1.0 + t_new)
    a_sale = a / (1.0 + t_new)
    return Dense(a, a * tau, a_sale, a_sale * a)


@dataclass(frozen=True)
class Shared:
    """The baseline's matrices (``base.coefficient_matrices``) and each scenario's changed entries.

    Entry e is (row[e], s[e], i[e], j[e]); ``delta[name][e]`` is the scenario's coefficient
    there less the baseline's.
    """

    b: int
    mats: dict[str, np.ndarray]        # the baseline's (S, N, N), by name
    row: np.ndarray
    s: np.ndarray
    i: np.ndarray
    j: np.ndarray
    delta: dict[str, np.ndarray]
    lost: np.ndarray                   # entries cut to zero that trade in the baseline

    def __getitem__(self, k: Any) -> Shared:
        rows = np.arange(self.b)[k]
        new = np.full(self.b, -1, dtype=np.intp)
        new[rows] = np.arange(len(rows))
        keep = new[self.row] >= 0
        return Shared(len(rows), self.mats, new[self.row[keep]], self.s[keep], self.i[keep],
                      self.j[keep], {n: d[keep] for n, d in self.delta.items()},
                      self.lost[keep])

    def importer(self, name: str, v: np.ndarray) -> np.ndarray:
        """sum_i m_bsij v_bsi: per sector, the batch's (b, N) rows times the baseline's
        (N, N), then the changed entries."""
        out = np.ascontiguousarray(np.matmul(v.transpose(1, 0, 2), self.mats[name])
                                   .transpose(1, 0, 2))
        if len(self.row):
            np.add.at(out, (self.row, self.s, self.j),
                      self.delta[name] * v[self.row, self.s, self.i])
        return out

    def exporter(self, name: str, v: np.ndarray) -> np.ndarray:
        """sum_j m_bsij v_bsj, as :meth:`importer` with the baseline transposed."""
        out = np.ascontiguousarray(np.matmul(v.transpose(1, 0, 2),
                                             self.mats[name].transpose(0, 2, 1))
                                   .transpose(1, 0, 2))
        if len(self.row):
            np.add.at(out, (self.row, self.s, self.i),
                      self.delta[name] * v[self.row, self.s, self.j])
        return out

    def column(self, r: int) -> np.ndarray:
        out = np.repeat(self.mats["a"][None, :, :, r], self.b, axis=0)
        at = self.j == r
        np.add.at(out, (self.row[at], self.s[at], self.i[at]), self.delta["a"][at])
        return out

    def diagonal(self, name: str) -> np.ndarray:
        idx = np.arange(self.mats[name].shape[1])
        out = np.repeat(self.mats[name][None, :, idx, idx], self.b, axis=0)
        at = self.i == self.j
        np.add.at(out, (self.row[at], self.s[at], self.i[at]), self.delta[name][at])
        return out

    def isolated(self) -> np.ndarray:
        """(b, N), as :meth:`Dense.isolated`: a country whose every off-diagonal entry that
        trades in the baseline (any sector) is cut to zero."""
        a = self.mats["a"]
        n = a.shape[1]
        off = (a > 0) & ~np.eye(n, dtype=bool)[None]
        cut = self.lost & (self.i != self.j)
        lost_row = np.bincount(self.row[cut] * n + self.i[cut], minlength=self.b * n)
        lost_col = np.bincount(self.row[cut] * n + self.j[cut], minlength=self.b * n)
        return ((off.sum(axis=(0, 2)) - lost_row.reshape(self.b, n) == 0)
                & (off.sum(axis=(0, 1)) - lost_col.reshape(self.b, n) == 0))


def baseline_matrices(base: Baseline) -> dict[str, np.ndarray]:
    """The four (S, N, N) coefficient matrices of the baseline itself (no shock), computed
    with the same operations as :func:`dense` so that unchanged entries agree bit for bit."""
    lam, t0 = base.sector_shares, base.sector_tariffs
    sale = lam / (1.0 + t0)
    return {"a": lam, "a_tau": lam * (t0 / (1.0 + t0)), "a_sale": sale, "a_pair": sale * lam}


def shared(base: Baseline, shocks: ShockPatch, theta: np.ndarray) -> Shared:
    """The :class:`Shared` coefficients of ``shocks``."""
    mats = base.coefficient_matrices
    s, i, j = shocks.sector, shocks.exporter, shocks.importer
    t_new, a = _changed(base, shocks, theta)
    a_sale = a / (1.0 + t_new)
    new = {"a": a, "a_tau": a * (t_new / (1.0 + t_new)), "a_sale": a_sale,
           "a_pair": a_sale * a}
    delta = {n: new[n] - mats[n][s, i, j] for n in _NAMES}
    lost = (a == 0) & (mats["a"][s, i, j] > 0)
    return Shared(shocks.b, mats, shocks.row, s, i, j, delta, lost)
