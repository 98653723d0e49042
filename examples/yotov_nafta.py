"""The effects of NAFTA (Yotov et al. 2016, ch. 2, application 2), as the book computes them.

1. PPML on the 1986-2006 panel every four years with exporter-year, importer-year and
   pair fixed effects and the RTA dummy (the book's estimate: 0.557).
2. Trade costs of every pair in 1994 from the pair fixed effects (domestic costs one),
   the pairs that never trade filled by a gravity regression on distance, contiguity,
   language and colony (``fit.trade_costs(base, fill="gravity")``).
3. The baseline is the constrained PPML of 1994 flows with those costs; the
   counterfactual removes the RTA effect from the six NAFTA pairs; sigma = 7, E/Y fixed,
   Germany (ZZZ) as reference. Reported as the effect *of* NAFTA: the baseline relative
   to the world without it (``framing="effect_of"``), ``book`` and ``exact`` side by side.

The panel (about 100,000 rows) is not shipped; point --data at Chapter2Application2.dta
(in ``../shared/data/yotov2016`` in this project's checkout).

    python examples/yotov_nafta.py [--data PATH/Chapter2Application2.dta]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "yotov2016" / \
    "Chapter2Application2.dta"
PUBLISHED = Path(__file__).parent / "data" / "yotov2016_nafta_published.csv"
NAFTA = ("CAN", "MEX", "USA")
COLUMNS = {"exports_cdl_pct": "change_Xi_CDL", "exports_full_pct": "change_Xi_FULL",
           "factory_price_pct": "change_price_FULL", "imr_pct": "change_IMR_FULL",
           "real_gdp_pct": "change_rGDP_FULL"}


def load_panel(path: Path) -> pd.DataFrame:
    """The book's sample: every fourth year, Germany coded ZZZ, ln_DIST added."""
    panel = mp.data.read_yotov(path)
    panel = panel[panel.year.isin([1986, 1990, 1994, 1998, 2002, 2006])].copy()
    for col in ("exporter", "importer"):
        panel[col] = panel[col].replace({"DEU": "ZZZ"})
    panel["ln_DIST"] = np.log(panel["DIST"])
    return panel.reset_index(drop=True)


def run(path: Path) -> dict:
    panel = load_panel(path)
    t0 = time.perf_counter()
    fit = mp.estimate.ppml(panel, "trade", ["RTA"],
                           fe=["exporter^year", "importer^year", "pair_id"], cluster="pair_id")
    seconds = time.perf_counter() - t0
    base = panel[panel.year == 1994].reset_index(drop=True)
    costs = fit.trade_costs(base, fill="gravity", pair="pair_id")
    in_nafta = base.exporter.isin(NAFTA) & base.importer.isin(NAFTA) & \
        (base.exporter != base.importer)
    change = {"RTA": np.where(in_nafta, 0.0, base.RTA)}
    results = {m: mp.estimate.counterfactual(base, fit, change, sigma=7, reference="ZZZ",
                                             method=m, costs=costs, framing="effect_of")
               for m in ("book", "exact")}
    return {"fit": fit, "seconds": seconds, "costs": costs, "pairs": int(in_nafta.sum()),
            "base": base, "change": change, "baseline": results["exact"].baseline, **results}


def published() -> pd.DataFrame:
    pub = pd.read_csv(PUBLISHED, comment="#")
    pub["country"] = pub["country"].replace({"DEU": "ZZZ"})
    return pub.set_index("country")


def comparison(out: dict) -> pd.DataFrame:
    """Largest gap of each method to the published table, per column (percentage points)."""
    pub = published()
    rows = []
    for ours, theirs in COLUMNS.items():
        for m in ("book", "exact"):
            gap = (out[m].table.loc[pub.index, ours] - pub[theirs]).abs()
            rows.append({"measure": ours, "method": m, "max_gap_pp": gap.max(),
                         "country": gap.idxmax()})
    return pd.DataFrame(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    path = ap.parse_args().data
    if not path.is_file():
        print(f"yotov_nafta: data file not found: {path}\n  this example needs the book's "
              "Chapter2Application2.dta (Yotov et al. 2016, CC BY 4.0); pass --data PATH.",
              file=sys.stderr)
        return 2
    out = run(path)
    print(out["fit"].summary())
    src = out["costs"].source.value_counts().to_dict()
    print(f"estimation: {out['seconds']:.1f} s; 1994 trade costs by source: {src}; "
          f"NAFTA pairs: {out['pairs']}; book rounds: {out['book'].rounds}\n")
    pub = published()
    side = pd.concat({"published": pub.loc[list(NAFTA), list(COLUMNS.values())]
                      .set_axis(list(COLUMNS), axis=1),
                      "book": out["book"].table.loc[list(NAFTA), list(COLUMNS)],
                      "exact": out["exact"].table.loc[list(NAFTA), list(COLUMNS)]})
    print("Effects of NAFTA in 1994 (% change, with NAFTA relative to without)")
    print(side.round(3).to_string(), "\n")
    print("Largest gap to the published table (all 69 countries), percentage points")
    print(comparison(out).round(5).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
