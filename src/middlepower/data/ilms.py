r"""The baseline of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), "Making America
Great Again? The Economic Impacts of Liberation Day Tariffs" (JIE), built from its inputs.

The inputs (``data/_files/ilms2025/``, written by ``scripts/build_ilms2025.py``) are those
of the paper's replication files: BACI 2023 goods trade among 194 economies (CEPII,
Etalab Open Licence 2.0), World Bank GDP 2023 (CC BY 4.0) and the US tariff announced
for each economy on 2 April 2025. The construction is the paper's code's
(``main_baseline.m``), not ``world2023-full``'s:

1. Selling costs nu, one for the US and one for the rest, solve the two SG&A targets
   (26% of US firms' sales, 12% of the others'; Compustat/Worldscope) on the world summed
   into the two regions, where E = GDP + (1 - nu)(imports - sum (1 - nu) exports):
   nu_US = 0.2705, nu_rest = 0.1143.
2. Domestic sales X_ii = max(0, GDP_i + T0_i - M_i), T0_i = (1 - nu_i)(M_i -
   sum_n (1 - nu_n) X_in): GMB and MHL get none (here a millionth of their imports, as
   a World needs positive domestic sales).
3. No baseline tariffs: the 2023 data are read as tariff-free, and the new tariffs are
   levels.

Flows are in USD bn (the files' thousands / 1e6).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..errors import DataError
from .world import World

__all__ = ["ILMS", "ilms2025"]

#: The 25 economies the paper's code averages as "EU" (its ``id_EU``: CZE and SVK are not
#: among them).
EU25 = ("AUT", "BEL", "BGR", "CYP", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HRV",
        "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVN",
        "SWE")

#: SG&A shares of sales, the calibration targets: (rest of the world, US).
_TARGETS = (0.12, 0.26)


@dataclass(frozen=True)
class ILMS:
    """The paper's baseline: the world, its selling costs, and the April 2025 US rates."""

    world: World
    selling_cost: dict[str, float]     # nu_i, by economy
    ustr_rates: pd.Series              # the announced US tariff on each economy's goods
    gdp: pd.Series                     # USD bn
    eu: tuple[str, ...] = EU25


def _read(name: str) -> pd.DataFrame:
    path = resources.files("middlepower").joinpath(f"data/_files/ilms2025/{name}.parquet")
    try:
        with resources.as_file(path) as p:
            return pd.read_parquet(p)
    except FileNotFoundError:
        raise DataError(f"the Liberation-Day inputs ({name}.parquet) are missing from the "
                        "package; rebuild them with scripts/build_ilms2025.py.") from None


def _solve_nu(X0: np.ndarray, gdp: np.ndarray, us: int) -> tuple[float, float]:
    """(nu_rest, nu_US) from the two SG&A conditions on the two-region world."""
    from scipy.optimize import root

    rest = np.ones(len(gdp), dtype=bool)
    rest[us] = False
    agg = np.array([[X0[np.ix_(rest, rest)].sum(), X0[rest, us].sum()],
                    [X0[us, rest].sum(), X0[us, us]]])
    Y = np.array([gdp[rest].sum(), gdp[us]])

    def gap(nu: np.ndarray) -> np.ndarray:
        E = Y + (1 - nu) * (agg.sum(axis=0) - (agg * (1 - nu)[None, :]).sum(axis=1))
        r11 = (E[0] - agg[1, 0]) / (E[0] - agg[1, 0] + agg[0, 1])
        r22 = (E[1] - agg[0, 1]) / (E[1] - agg[0, 1] + agg[1, 0])
        return np.array([(1 - r11) * nu[1] + r11 * nu[0] - _TARGETS[0],
                         r22 * nu[1] + (1 - r22) * nu[0] - _TARGETS[1]])

    sol = root(gap, np.array([0.1, 0.24]), method="lm", tol=1e-14)
    nu = np.maximum(sol.x, 0.0)
    return float(nu[0]), float(nu[1])


@lru_cache(maxsize=1)
def ilms2025() -> ILMS:
    """The Liberation-Day paper's baseline (see the module's docstring).

    >>> b = ilms2025()
    >>> b.world.n, round(b.selling_cost["USA"], 4), round(b.selling_cost["CAN"], 4)
    (194, 0.2705, 0.1143)
    """
    c = _read("countries")
    f = _read("flows")
    codes = c["iso3"].astype(str).tolist()
    pos = {k: n for n, k in enumerate(codes)}
    n = len(codes)
    X0 = np.zeros((n, n))
    X0[f["exporter"].map(pos).to_numpy(), f["importer"].map(pos).to_numpy()] = f["value"]
    gdp = c["gdp"].to_numpy(dtype=float)
    us = pos["USA"]
    nu_r, nu_us = _solve_nu(X0, gdp, us)
    nu = np.full(n, nu_r)
    nu[us] = nu_us
    M = X0.sum(axis=0)
    T0 = (1 - nu) * (M - (X0 * (1 - nu)[None, :]).sum(axis=1))
    X = X0.copy()
    # the paper leaves GMB and MHL with no domestic sales; a World needs some, so they get
    # a millionth of their imports (their shares move by less than 1e-6)
    X[np.arange(n), np.arange(n)] = np.maximum(gdp + T0 - M, 1e-6 * M)
    world = World.from_matrix(codes, X / 1e6, year=2023, unit="USD bn",
                              source="Ignatenko, Lashkaripour, Macedoni & Simonovska (2025) "
                                     "replication inputs: CEPII BACI 2023 (Etalab 2.0), "
                                     "World Bank WDI GDP 2023 (CC BY 4.0); the paper's "
                                     "baseline construction, no baseline tariffs")
    return ILMS(world, dict(zip(codes, nu.tolist(), strict=True)),
                pd.Series(c["ustr_rate"].to_numpy(dtype=float), index=codes),
                pd.Series(gdp / 1e6, index=codes))
