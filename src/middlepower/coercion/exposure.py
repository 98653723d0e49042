"""Exposure: how much a target depends on a hegemon, from baseline trade alone.

No model solve is needed here; :func:`middlepower.coercion.responses` and the brief turn
exposure into welfare terms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.world import World

__all__ = ["exposure", "partners", "sector_exposure"]


def partners(world: World, country: str) -> pd.DataFrame:
    """Trade partners of ``country``, largest export market first.

    Returns
    -------
    DataFrame
        partner, name, exports, imports (pre-tariff), export_share_pct, import_share_pct,
        tariff_faced (set by the partner on ``country``), tariff_charged (by ``country``).
    """
    k = world.index(country)
    others = np.array([j for j in range(world.n) if j != k])
    exports = world.flows[k, others]
    imports = world.flows[others, k]
    df = pd.DataFrame({
        "partner": [world.countries[j] for j in others],
        "name": [world.names[j] for j in others],
        "exports": exports,
        "imports": imports,
        "export_share_pct": 100.0 * exports / max(exports.sum(), 1e-300),
        "import_share_pct": 100.0 * imports / max(imports.sum(), 1e-300),
        "tariff_faced": world.tariffs[k, others],
        "tariff_charged": world.tariffs[others, k],
    })
    return df.sort_values("exports", ascending=False).reset_index(drop=True)


def exposure(world: World, target: str, against: str) -> dict[str, float | str | list]:
    """Exposure of ``target`` to ``against`` in baseline trade.

    Returns
    -------
    dict
        ``export_share_pct`` (share of target's exports sold to against),
        ``exports_pct_of_output`` (those exports as % of target's gross output, the GDP
        proxy of a goods-trade world), ``import_share_pct``, ``imports_pct_of_spending``,
        ``export_hhi`` and ``import_hhi`` (Herfindahl index of partners, 0-10,000),
        ``reverse_export_share_pct`` (share of against's exports sold to target), and
        ``top_partners`` (the five largest export markets with shares).
    """
    t, h = world.index(target), world.index(against)
    tab = partners(world, target)
    y = world.output()
    e = world.expenditure()
    ex_h = world.flows[t, h]
    im_h = world.flows[h, t]
    rev = world.flows[h, t] / max(world.exports()[h], 1e-300)
    return {
        "target": world.countries[t],
        "against": world.countries[h],
        "unit": world.unit,
        "exports_to_against": float(ex_h),
        "imports_from_against": float(im_h),
        "export_share_pct": float(100 * ex_h / world.exports()[t]),
        "exports_pct_of_output": float(100 * ex_h / y[t]),
        "import_share_pct": float(100 * im_h / world.imports()[t]),
        "imports_pct_of_spending": float(100 * im_h / e[t]),
        "export_hhi": float(((tab.export_share_pct) ** 2).sum()),
        "import_hhi": float(((tab.import_share_pct) ** 2).sum()),
        "reverse_export_share_pct": float(100 * rev),
        "reverse_exports_pct_of_output": float(100 * im_h / y[h]),
        "top_partners": [
            {"partner": r.partner, "name": r.name, "export_share_pct": float(r.export_share_pct)}
            for r in tab.head(5).itertuples()
        ],
    }


def sector_exposure(world: World, target: str, against: str) -> pd.DataFrame:
    """Exposure of ``target`` to ``against`` by sector (multi-sector worlds).

    Returns
    -------
    DataFrame
        One row per sector, largest first: sector, name, exports_to_against (pre-tariff,
        world unit), share_of_exports_pct (the sector's part of target's exports to
        against), pct_of_sector_output (those exports over the sector's gross output),
        against_share_of_sector_exports_pct (against's part of target's exports of that
        sector), tariff_faced (against's baseline tariff on the sector).
    """
    t, h = world.index(target), world.index(against)
    X = world.sector_flows
    to_h = X[:, t, h]
    out = X[:, t, :].sum(axis=1)
    exports = out - X[:, t, t]
    with np.errstate(divide="ignore", invalid="ignore"):
        df = pd.DataFrame({
            "sector": world.sectors,
            "name": world.sector_names,
            "exports_to_against": to_h,
            "share_of_exports_pct": 100 * to_h / max(to_h.sum(), 1e-300),
            "pct_of_sector_output": np.where(out > 0, 100 * to_h / np.where(out > 0, out, 1),
                                             0.0),
            "against_share_of_sector_exports_pct": np.where(
                exports > 0, 100 * to_h / np.where(exports > 0, exports, 1), 0.0),
            "tariff_faced": world.sector_tariffs[:, t, h],
        })
    return df.sort_values("exports_to_against", ascending=False).reset_index(drop=True)
