"""Checks run on a PPML problem before pyfixest sees it.

pyfixest aborts the whole Python process (a Rust panic in its demeaning) on an empty
frame, all-zero flows or a single row, and returns finite but meaningless estimates
(-25 to -30) when a covariate perfectly separates zero flows. Everything here runs on
plain arrays so that such data never reaches it.

Separation follows Correia, Guimaraes & Zylkin (2021): an observation is separated when
some combination ``z = A g`` of the regressors and fixed effects is zero wherever the
flow is positive, non-negative wherever it is zero, and positive at that observation;
its fitted value then goes to zero and the likelihood has no maximum. The estimates of
the other parameters exist once separated observations are dropped (the ``ppmlhdfe``
default). Two checks are run:

* fixed effects: a level whose flows are all zero separates all its observations;
* regressors: the iterated-rectifier least squares of Correia et al. (their "ReLU"
  method), on the fixed effects and covariates together.

References
----------
.. [1] Correia, S., Guimaraes, P. & Zylkin, T. (2021). Verifying the existence of
   maximum likelihood estimates for generalized linear models. arXiv:1903.01633.
.. [2] Santos Silva, J. & Tenreyro, S. (2010). On the existence of the maximum likelihood
   estimates in Poisson regression. Economics Letters 107(2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # scipy.sparse costs 0.15 s to import: only when estimating
    import scipy.sparse as sp

from ..errors import DataError, SeparationError

__all__ = ["Screened", "screen"]

#: Weight of positive flows in the rectifier regression (they must be fitted as zero).
_POSITIVE_WEIGHT = 1e8
#: |z| below this counts as zero; u starts at one on zero flows, and separated rows keep
#: z of that order while the others decay towards zero.
_ZERO = 1e-5
_RECTIFIER_ROUNDS = 200


@dataclass
class Screened:
    """Rows that go to pyfixest, and what was removed before."""

    keep: np.ndarray                     # bool, shape (n_rows,)
    separated_fe: int = 0
    separated_x: int = 0
    singletons: int = 0
    culprits: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        out = []
        if self.separated_fe:
            out.append(f"Dropped {self.separated_fe} observation(s) separated by fixed effects "
                       f"whose flows are all zero ({', '.join(self.culprits[:3])}).")
        if self.separated_x:
            out.append(f"Dropped {self.separated_x} observation(s) separated by the covariates "
                       "(their fitted flow would be zero; Correia et al. 2021).")
        return out


def _codes(frame: pd.DataFrame, cols: list[str]) -> list[np.ndarray]:
    return [pd.factorize(frame[c], sort=False)[0] for c in cols]


def _fe_separated(y: np.ndarray, codes: list[np.ndarray], names: list[str],
                  keep: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Rows in a fixed-effect level with no positive flow (dropping zeros cannot create more)."""
    sep = np.zeros(len(y), dtype=bool)
    culprits: list[str] = []
    for name, c in zip(names, codes, strict=True):
        total = np.bincount(c[keep], weights=y[keep], minlength=c.max() + 1)
        count = np.bincount(c[keep], minlength=c.max() + 1)
        dead = (total <= 0) & (count > 0)
        if dead.any():
            sep |= keep & dead[c]
            culprits.append(f"{int(dead.sum())} level(s) of {name}")
    return sep, culprits


def _singletons(codes: list[np.ndarray], keep: np.ndarray) -> np.ndarray:
    """Rows alone in a fixed-effect level, found repeatedly (fitted exactly; no information)."""
    keep = keep.copy()
    while True:
        single = np.zeros(len(keep), dtype=bool)
        for c in codes:
            count = np.bincount(c[keep], minlength=c.max() + 1)
            single |= keep & (count[c] == 1)
        if not single.any() or single.sum() == keep.sum():
            return keep
        keep &= ~single


def _design(x: np.ndarray, codes: list[np.ndarray]) -> sp.csr_matrix:
    """[covariates, one-hot of every fixed effect], shape (n, k + sum of levels)."""
    import scipy.sparse as sp

    n = x.shape[0]
    blocks = [sp.csr_matrix(x)] if x.shape[1] else []
    for c in codes:
        levels, inv = np.unique(c, return_inverse=True)
        blocks.append(sp.csr_matrix((np.ones(n), (np.arange(n), inv)), shape=(n, len(levels))))
    if not blocks:
        blocks = [sp.csr_matrix(np.ones((n, 1)))]
    elif not codes:
        blocks.append(sp.csr_matrix(np.ones((n, 1))))
    return sp.hstack(blocks, format="csr")


def _rectifier(y: np.ndarray, x: np.ndarray, codes: list[np.ndarray]) -> np.ndarray:
    """Observations separated by the regressors (iterated rectifier, Correia et al. 2021).

    Regress u (1 on zero flows at the start) on all regressors with a large weight on
    positive flows, clip the fit at zero on the zero flows and repeat; when the fit is
    non-negative everywhere, its strictly positive entries are the separated rows.
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import lsqr

    zero = y == 0
    a = _design(x, codes)
    # scale columns so that lsqr's tolerance means the same for every covariate
    norms = np.sqrt(np.asarray(a.multiply(a).sum(axis=0))).ravel()
    a = a @ sp.diags(1.0 / np.where(norms > 0, norms, 1.0))
    w = np.where(zero, 1.0, np.sqrt(_POSITIVE_WEIGHT))
    aw = sp.diags(w) @ a
    u = zero.astype(float)
    for _ in range(_RECTIFIER_ROUNDS):
        g = lsqr(aw, w * u, atol=1e-12, btol=1e-12, iter_lim=20 * a.shape[1] + 100)[0]
        z = a @ g
        z[np.abs(z) < _ZERO] = 0.0
        if (z[zero] >= 0).all():
            return zero & (z > 0)
        u = np.where(zero, np.maximum(z, 0.0), 0.0)
        if not u.any():
            break
    return np.zeros(len(y), dtype=bool)


def screen(frame: pd.DataFrame, y: str, x: list[str], fe_cols: list[str], *,
           separation: str, n_params_x: int) -> Screened:
    """Check a PPML problem and choose the rows to estimate on.

    Raises :class:`DataError` for a problem that has no estimate at all (no rows, no
    positive flow, fewer observations than parameters) and, with
    ``separation="raise"``, :class:`SeparationError` when any observation is separated.
    """
    n = len(frame)
    if n == 0:
        raise DataError("ppml got an empty table (0 rows); pass the flows to estimate on.")
    yv = frame[y].to_numpy(dtype=float)
    if not (yv > 0).any():
        raise DataError(f"every value of {y!r} is zero ({n} rows): PPML needs at least one "
                        "positive flow; check the column and the filter that built the table.")
    codes = _codes(frame, fe_cols)
    keep = np.ones(n, dtype=bool)
    sep_fe, culprits = _fe_separated(yv, codes, fe_cols, keep)
    if sep_fe.any() and separation == "raise":
        raise SeparationError(
            f"{int(sep_fe.sum())} observation(s) have zero flows throughout a fixed-effect "
            f"level ({', '.join(culprits)}); their effect is minus infinity. Drop them or use "
            "separation='drop'.")
    keep &= ~sep_fe
    kept_before = int(keep.sum())
    keep = _singletons(codes, keep) if codes else keep
    singletons = kept_before - int(keep.sum())
    sep_x = np.zeros(n, dtype=bool)
    if x and (yv[keep] == 0).any():
        xm = frame.loc[keep, x].to_numpy(dtype=float)
        sub = _rectifier(yv[keep], xm, [c[keep] for c in codes])
        sep_x[np.flatnonzero(keep)[sub]] = True
        if sep_x.any() and separation == "raise":
            raise SeparationError(
                f"{int(sep_x.sum())} zero flow(s) are perfectly predicted by the covariates "
                f"{x} with the fixed effects (e.g. row {int(np.flatnonzero(sep_x)[0])}): some "
                "coefficient would be infinite. Drop those rows, or use separation='drop'.")
        keep &= ~sep_x
        keep = _singletons(codes, keep) if codes else keep
    rows = int(keep.sum())
    levels = sum(len(np.unique(c[keep])) for c in codes) - max(len(codes) - 1, 0)
    n_params = n_params_x + (levels if codes else 1)
    if rows <= n_params or not (yv[keep] > 0).any():
        raise DataError(
            f"too few observations to estimate: {rows} usable row(s) (of {n}) for {n_params} "
            f"parameter(s) ({n_params_x} covariate(s) and the fixed effects {fe_cols or 'none'})"
            "; add data or remove fixed effects.")
    return Screened(keep=keep, separated_fe=int(sep_fe.sum()), separated_x=int(sep_x.sum()),
                    singletons=singletons, culprits=culprits)
