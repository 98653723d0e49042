"""Estimation accuracy and the closure convention, on the Yotov et al. (2016) exercises.

    python benchmarks/estimation.py        # borders (shipped data); NAFTA if ../shared exists

Prints one table per exercise:

* the largest gap (percentage points, over all countries) of ``book`` and ``exact`` to the
  published table, per column, with the time of each step;
* the size of the closure convention: middlepower's ``deficits="ratio"`` keeps each
  E/Y ratio up to a common additive shift that restores world balance; a
  proportional-rescaling implementation of the same fixed-E/Y closure multiplies every
  country's spending by one factor instead. Both are solved here to 1e-12 and their
  full-endowment export changes compared.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from examples_loader import load_example  # noqa: E402


def proportional_exports(data: pd.DataFrame, fitted: np.ndarray, beta: pd.DataFrame,
                         theta: float, reference: str) -> pd.Series:
    """Export changes (%) with spending E'_j = s phi_j w_j Y_j, s restoring world balance.

    Exact hat algebra (Dekle, Eaton & Kortum 2008) without tariffs; the reference
    country's price index is the numeraire, as in ``counterfactual``.
    """
    codes = sorted(set(data.exporter))
    k = {c: n for n, c in enumerate(codes)}
    i = data.exporter.map(k).to_numpy()
    j = data.importer.map(k).to_numpy()
    n = len(codes)
    x = np.zeros((n, n))
    np.add.at(x, (i, j), fitted)
    b = np.zeros((n, n))
    bb = beta.assign(i=beta.exporter.map(k), j=beta.importer.map(k))
    b[bb.i.to_numpy(), bb.j.to_numpy()] = bb.beta.to_numpy()
    y, e = x.sum(1), x.sum(0)
    phi = e / y
    lam = x / e
    a = lam * np.exp(b)
    w = np.ones(n)
    r = k[reference]
    for _ in range(100_000):
        share = a * w[:, None] ** -theta
        lam1 = share / share.sum(0)
        spend = phi * w * y
        spend *= (w * y).sum() / spend.sum()
        sales = lam1 @ spend
        step = (sales / (w * y)) ** (1 / (1 + theta))
        w *= step
        p = (a * w[:, None] ** -theta).sum(0) ** (-1 / theta)
        w /= p[r]
        if np.abs(step - 1).max() < 1e-13:
            break
    share = a * w[:, None] ** -theta
    lam1 = share / share.sum(0)
    spend = phi * w * y
    spend *= (w * y).sum() / spend.sum()
    flows = lam1 * spend
    intl = ~np.eye(n, dtype=bool)
    return pd.Series(100 * ((flows * intl).sum(1) / (x * intl).sum(1) - 1), index=codes)


def _gaps(results: dict, published: pd.DataFrame, columns: dict) -> pd.DataFrame:
    rows = []
    for ours, theirs in columns.items():
        row = {"measure": ours}
        for m, r in results.items():
            gap = (r.table.loc[published.index, ours] - published[theirs]).abs()
            row[f"{m}_gap_pp"] = gap.max()
            row[f"{m}_at"] = gap.idxmax()
        rows.append(row)
    return pd.DataFrame(rows)


def _closure(data: pd.DataFrame, fitted: np.ndarray, result, theta: float) -> str:
    ours = result.table["exports_full_pct"]
    prop = proportional_exports(data, fitted, result.beta, theta, result.reference)
    diff = (ours - prop.loc[ours.index]).abs()
    return f"ratio closure vs proportional rescaling, exports: max {diff.max():.4f} pp " \
           f"({diff.idxmax()})"


def borders() -> None:
    t0 = time.perf_counter()
    ex = load_example("replicate_yotov_borders")
    print(f"== Trade without borders (application 1), example run in "
          f"{time.perf_counter() - t0:.1f} s")
    print(_gaps({"book": ex.book, "exact": ex.exact}, ex.published, ex.COLUMNS)
          .round(6).to_string(index=False))
    print(_closure(ex.data, ex.fit.fitted, ex.exact, 6.0), "\n")


def nafta() -> None:
    ex = load_example("yotov_nafta")
    if not ex.DEFAULT.is_file():
        print(f"== NAFTA skipped: {ex.DEFAULT} not found")
        return
    t0 = time.perf_counter()
    out = ex.run(ex.DEFAULT)
    print(f"== Effects of NAFTA (application 2), estimation {out['seconds']:.1f} s, "
          f"everything {time.perf_counter() - t0:.1f} s")
    results = {"book": out["book"], "exact": out["exact"]}
    print(_gaps(results, ex.published(), ex.COLUMNS).round(6).to_string(index=False))
    removal = mp.estimate.counterfactual(
        out["base"], out["fit"], out["change"], sigma=7, reference="ZZZ",
        costs=out["costs"])
    print(_closure(out["base"], out["baseline"], removal, 6.0) + " (removal framing)")


if __name__ == "__main__":
    borders()
    nafta()
