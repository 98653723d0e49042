"""NAFTA's effects (Yotov et al. 2016, ch. 2, application 2 data), estimate then engine.

1. PPML on the 1986-2006 panel every four years with exporter-year, importer-year and
   symmetric pair fixed effects: the average effect of a regional trade agreement.
2. General equilibrium in 1994 (the baseline year): NAFTA's partial effect removed for the
   US-Canada-Mexico pairs that have an agreement (RTA = 1), sigma = 7, E/Y fixed, the price
   index of Germany as numeraire: the cost of "no NAFTA", conditional and full endowment.

The panel (about 100,000 rows) is not shipped; point --data at Chapter2Application2.dta.

    python examples/yotov_nafta.py [--data ../shared/data/yotov2016/Chapter2Application2.dta]
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "yotov2016" / \
    "Chapter2Application2.dta"


def run(path: Path) -> dict:
    panel = mp.data.read_yotov(path)
    panel = panel[panel.year.isin([1986, 1990, 1994, 1998, 2002, 2006])].copy()
    a = np.where(panel.exporter < panel.importer, panel.exporter, panel.importer)
    b = np.where(panel.exporter < panel.importer, panel.importer, panel.exporter)
    panel["pair"] = pd.Series(a, index=panel.index) + "-" + pd.Series(b, index=panel.index)
    t0 = time.perf_counter()
    fit = mp.estimate.ppml(panel, "trade", ["RTA"],
                           fe=["exporter^year", "importer^year", "pair"], cluster="pair")
    seconds = time.perf_counter() - t0
    base = panel[panel.year == 1994]
    world = mp.World.from_frame(base, value="trade", year=1994)
    nafta = base[base.exporter.isin(["USA", "CAN", "MEX"]) & base.importer.isin(
        ["USA", "CAN", "MEX"]) & (base.exporter != base.importer) & (base.RTA == 1)]
    shock = mp.partial_effect(nafta[["exporter", "importer"]].assign(beta=-fit.coef["RTA"]))
    scenario = mp.Scenario("no NAFTA", [shock])
    full = mp.solve(world, scenario, theta=6.0, deficits="ratio", numeraire="price:DEU")
    cdl = mp.solve(world, scenario, theta=6.0, mode="conditional", numeraire="price:DEU")
    return {"fit": fit, "seconds": seconds, "full": full, "cdl": cdl, "pairs": len(nafta)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    out = run(ap.parse_args().data)
    print(out["fit"].summary())
    print(f"estimation time: {out['seconds']:.2f} s; NAFTA pairs switched off: {out['pairs']}\n")
    t = pd.DataFrame({
        "exports_cdl_pct": out["cdl"].countries["exports_pct"],
        "exports_full_pct": out["full"].countries["exports_pct"],
        "real_gdp_pct": out["full"].countries["real_gdp_pct"],
        "welfare_pct": out["full"].countries["welfare_pct"],
    })
    print("Without NAFTA in 1994 (% change)")
    print(t.loc[["USA", "CAN", "MEX"]].round(3).to_string())
    print("\nLargest gains elsewhere (trade diversion reversed)")
    print(t.drop(index=["USA", "CAN", "MEX"]).nlargest(5, "real_gdp_pct").round(3).to_string())
