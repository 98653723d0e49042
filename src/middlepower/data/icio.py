"""The OECD ICIO sectors of ``icio2022`` and the reconciliation of its final demand.

ICIO (2025 edition, reference year 2022) has 50 ISIC rev. 4 sectors. This module holds
their codes, names, the concordance to the 50 sectors of ``wiod2014`` (used for the
trade elasticities and the 2014 applied tariffs), the aliases a shock may name, and
:func:`ras_final_demand`, the biproportional (RAS) scaling that splits each node's
final sales across destinations so that goods trade by pair matches observed totals.
``scripts/build_icio2022.py`` uses them to build the shipped dataset.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GOODS", "SECTORS", "TO_WIOD", "GroupTarget", "goods_pair_totals",
           "ras_final_demand", "sector_groups"]

#: ICIO 2025 code -> (readable name, wiod2014 sector it maps to). The wiod2014 sector
#: supplies theta and the 2014 tariff. Merges: mining B05-B09 -> B; paper and printing
#: C17_18 -> C17 (paper carries the tariff; printing is a sixth of the pair in WIOD);
#: steel C24A and non-ferrous C24B -> C24; ships C301 and other transport C302T309 -> C30;
#: G (trade) -> G46 (wholesale); J58T60 -> J58; K -> K64; L -> L68; M -> M69_M70;
#: R, S, T -> R_S. Every service of wiod2014 has the same theta, so service merges do not
#: change the elasticity.
SECTORS: dict[str, tuple[str, str]] = {
    "A01": ("Crop and animal production, hunting", "A01"),
    "A02": ("Forestry and logging", "A02"),
    "A03": ("Fishing and aquaculture", "A03"),
    "B05": ("Coal and lignite", "B"),
    "B06": ("Crude petroleum and natural gas", "B"),
    "B07": ("Metal ores", "B"),
    "B08": ("Other mining and quarrying (incl. potash)", "B"),
    "B09": ("Mining support services", "B"),
    "C10T12": ("Food, beverages and tobacco", "C10-C12"),
    "C13T15": ("Textiles, apparel and leather", "C13-C15"),
    "C16": ("Wood and cork products", "C16"),
    "C17_18": ("Paper and printing", "C17"),
    "C19": ("Coke and refined petroleum", "C19"),
    "C20": ("Chemicals (incl. fertilisers)", "C20"),
    "C21": ("Pharmaceuticals", "C21"),
    "C22": ("Rubber and plastics", "C22"),
    "C23": ("Other non-metallic minerals", "C23"),
    "C24A": ("Basic iron and steel", "C24"),
    "C24B": ("Non-ferrous metals (aluminium, copper, precious)", "C24"),
    "C25": ("Fabricated metal products", "C25"),
    "C26": ("Computer, electronic and optical products", "C26"),
    "C27": ("Electrical equipment", "C27"),
    "C28": ("Machinery and equipment n.e.c.", "C28"),
    "C29": ("Motor vehicles, trailers and parts", "C29"),
    "C301": ("Ships and boats", "C30"),
    "C302T309": ("Other transport equipment (aircraft, rail)", "C30"),
    "C31T33": ("Furniture, other manufacturing, repair", "C31_C32"),
    "D": ("Electricity, gas and steam", "D35"),
    "E": ("Water, sewerage and waste", "E36"),
    "F": ("Construction", "F"),
    "G": ("Wholesale and retail trade", "G46"),
    "H49": ("Land transport and pipelines", "H49"),
    "H50": ("Water transport", "H50"),
    "H51": ("Air transport", "H51"),
    "H52": ("Warehousing and transport support", "H52"),
    "H53": ("Postal and courier", "H53"),
    "I": ("Accommodation and food services", "I"),
    "J58T60": ("Publishing, film and broadcasting", "J58"),
    "J61": ("Telecommunications", "J61"),
    "J62_63": ("IT and information services", "J62_J63"),
    "K": ("Financial and insurance services", "K64"),
    "L": ("Real estate", "L68"),
    "M": ("Professional, scientific and technical services", "M69_M70"),
    "N": ("Administrative and support services", "N"),
    "O": ("Public administration and defence", "O84"),
    "P": ("Education", "P85"),
    "Q": ("Health and social work", "Q"),
    "R": ("Arts, entertainment and recreation", "R_S"),
    "S": ("Other services", "R_S"),
    "T": ("Households as employers", "R_S"),
}

TO_WIOD: dict[str, str] = {k: v[1] for k, v in SECTORS.items()}

#: Goods: agriculture, mining and manufacturing, except mining support services (B09, a
#: service activity with no customs line). These carry tariffs and are matched to BACI.
GOODS: tuple[str, ...] = tuple(k for k in SECTORS if k[0] in "ABC" and k != "B09")


def sector_groups() -> dict[str, list[str]]:
    """Aliases a shock may name (``sectors: [steel]``), each a list of ICIO codes."""
    goods = list(GOODS)
    services = [k for k in SECTORS if k not in GOODS]
    return {
        "steel": ["C24A"], "iron_and_steel": ["C24A"],
        "aluminium": ["C24B"], "aluminum": ["C24B"], "copper": ["C24B"],
        "non_ferrous": ["C24B"], "basic_metals": ["C24A", "C24B"],
        "metals": ["C24A", "C24B", "C25"],
        "autos": ["C29"], "cars": ["C29"], "motor_vehicles": ["C29"],
        "lumber": ["C16"], "wood": ["C16"],
        "energy": ["B05", "B06", "C19"], "oil": ["B06", "C19"], "oil_and_gas": ["B06"],
        "coal": ["B05"], "refined_petroleum": ["C19"], "metal_ores": ["B07"],
        "mining": ["B05", "B06", "B07", "B08"], "potash": ["B08"],
        "fertiliser": ["C20"], "fertilizer": ["C20"], "chemicals": ["C20"],
        "electricity": ["D"], "forestry": ["A02"], "agriculture": ["A01", "A02", "A03"],
        "farming": ["A01"], "fishing": ["A03"], "food": ["C10T12"], "textiles": ["C13T15"],
        "paper": ["C17_18"], "pharmaceuticals": ["C21"], "plastics": ["C22"],
        "electronics": ["C26"], "electrical": ["C27"], "machinery": ["C28"],
        "ships": ["C301"], "aerospace": ["C302T309"], "other_transport": ["C302T309"],
        "primary": ["A01", "A02", "A03", "B05", "B06", "B07", "B08"],
        "manufacturing": [k for k in goods if k.startswith("C")],
        "goods": goods, "services": services,
        "transport": ["H49", "H50", "H51", "H52", "H53"], "finance": ["K"],
    }


def goods_pair_totals(flows: np.ndarray, goods: np.ndarray) -> np.ndarray:
    """(N, N) goods trade by pair: ``flows[goods].sum(axis=0)``, diagonal zero."""
    out = flows[goods].sum(axis=0)
    np.fill_diagonal(out, 0.0)
    return out


#: A sector-group target: (sector indices, exporter, importer, goods trade in them).
GroupTarget = tuple[np.ndarray, int, int, float]


def ras_final_demand(prior: np.ndarray, z: np.ndarray, intermediate: np.ndarray,
                     goods: np.ndarray, target: np.ndarray, *, iterations: int = 500,
                     tol: float = 1e-6, groups: list[GroupTarget] | None = None
                     ) -> tuple[np.ndarray, dict[str, float]]:
    """Scale the final-sales split ``F[s, i, j]`` to node totals and goods pair totals.

    Rule (biproportional / RAS, alternating two sets of constraints):

    * rows: ``sum_j F[s, i, j] = z[s, i]`` (each node's final sales, exact in ICIO);
    * pairs: for each ordered pair i != j with a finite ``target[i, j]``,
      ``sum_{s in goods} (F[s, i, j] + intermediate[s, i, j]) = target[i, j]``, i.e. the
      goods final sales on the pair are scaled by one factor so that, with the (fixed)
      intermediate flows, the pair's goods trade is the target.

    * sector groups (optional, ``groups``): for each (sectors G, i, j, value),
      ``sum_{s in G} (F[s, i, j] + intermediate[s, i, j]) = value`` (e.g. US imports by
      HS chapters mapped to ICIO sectors); applied before the pair step (the values
      should add up to the pair's target) in the first three quarters of the
      iterations only, so that where groups conflict with the totals the totals hold.

    The domestic cells ``F[s, i, i]`` have no pair constraint: they absorb what the rows
    need. A pair whose intermediate goods trade alone exceeds its target cannot be met
    (final sales cannot be negative); it is left at the prior and counted in ``unmet``.
    Cells with a zero prior stay zero (RAS never creates a flow), so ``prior`` should
    put a little weight wherever trade may exist.

    Returns the scaled array and a report: iterations, the largest relative row error
    and the largest relative pair error among the pairs that can be met.
    """
    F = prior.astype(np.float64, copy=True)
    fixed = intermediate[goods].sum(axis=0)
    want = target - fixed
    off = ~np.eye(target.shape[0], dtype=bool)
    met = np.isfinite(target) & (want > 0) & off
    unmet = int((np.isfinite(target) & ~(want > 0) & off).sum())
    want = np.where(met, want, 0.0)
    live_groups = []
    for sec, i, j, value in groups or []:
        need = value - intermediate[sec, i, j].sum()
        if need > 0 and F[sec, i, j].sum() > 0:
            live_groups.append((sec, i, j, need))
    row_err = pair_err = group_err = np.inf
    done = 0
    for _ in range(iterations):
        done += 1
        # the last quarter of the iterations drops the groups: pair totals and node
        # totals win where a group conflicts with them (a group it cannot meet)
        for sec, i, j, need in live_groups if done <= iterations - iterations // 4 else ():
            F[sec, i, j] *= need / F[sec, i, j].sum()
        have = F[goods].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(met & (have > 0), want / have, 1.0)
        F[goods] *= g[None, :, :]
        rows = F.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(rows > 0, z / rows, 1.0)
        F *= r[:, :, None]
        row_err = float(np.max(np.abs(F.sum(axis=2) - z) / np.maximum(z, 1e-9)))
        have = F[goods].sum(axis=0)
        live = met & (have > 0)
        pair_err = float(np.max(np.abs(have[live] - want[live]) / want[live])) if live.any() \
            else 0.0
        group_err = max((abs(F[sec, i, j].sum() / need - 1)
                         for sec, i, j, need in live_groups), default=0.0)
        if pair_err < tol and (group_err < tol or done > iterations - iterations // 4):
            break
    return F, {"iterations": done, "max_row_error": row_err, "max_pair_error": pair_err,
               "pairs_targeted": int(met.sum()), "pairs_unmet": unmet,
               "groups_targeted": len(live_groups),
               "groups_unmet": len(groups or []) - len(live_groups),
               "max_group_error": float(group_err)}
