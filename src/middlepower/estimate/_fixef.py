"""Fixed effects of a PPML fit, read from its linear predictor.

With the fit's linear predictor :math:`\\eta = \\log\\hat\\mu`, the fixed effects solve
:math:`D\\alpha = \\eta - Xb - \\text{offset}` exactly (D stacks one-hot columns of every
factor). pyfixest's ``fixef()`` solves this with lsqr at tolerances 1e-6, and with an
offset or without covariates it reads the raw flows instead of the predictor; here the
system is solved to ``tol`` and the residual checked. Levels are identified only up to
the usual normalisations (a constant moved between factors, and for three-way models
with pair effects, exporter and importer shifts); the minimum-norm solution is returned,
as pyfixest does. Sums of effects, fitted values and the pair-effect contrasts that
:func:`middlepower.estimate.costs.trade_costs` uses are identified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # scipy.sparse costs 0.15 s to import: only when estimating
    pass

__all__ = ["solve_fixef"]


def solve_fixef(eta: np.ndarray, factors: pd.DataFrame, tol: float
                ) -> tuple[dict[str, pd.Series], float]:
    """Fixed effects with ``sum_f alpha_f[level_f(row)] = eta[row]``.

    Parameters
    ----------
    eta : ndarray, shape (n,)
        Fixed-effect part of the linear predictor of the rows used.
    factors : DataFrame, shape (n, n_factors)
        The factor of each row, one column per fixed effect.
    tol : float
        Stopping tolerance (lsqr ``atol`` and ``btol``).

    Returns
    -------
    (dict of factor name to Series indexed by level, largest absolute residual)
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import lsqr

    n = len(eta)
    blocks, levels = [], []
    for name in factors.columns:
        codes, uniques = pd.factorize(factors[name], sort=True)
        blocks.append(sp.csr_matrix((np.ones(n), (np.arange(n), codes)),
                                    shape=(n, len(uniques))))
        levels.append((name, uniques))
    d = sp.hstack(blocks, format="csr")
    alpha = np.zeros(d.shape[1])
    resid = eta.copy()
    # a few refinement passes: lsqr on the residual recovers digits lost to its stopping rule
    for _ in range(4):
        step = lsqr(d, resid, atol=tol, btol=tol, iter_lim=50 * d.shape[1] + 1000)[0]
        alpha += step
        resid = eta - d @ alpha
        if np.abs(resid).max() <= 1e3 * tol * max(1.0, np.abs(eta).max()):
            break
    out, start = {}, 0
    for name, uniques in levels:
        out[name] = pd.Series(alpha[start:start + len(uniques)], index=pd.Index(uniques,
                                                                               name=name))
        start += len(uniques)
    return out, float(np.abs(resid).max())
