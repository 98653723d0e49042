"""Remove one border: Canada-US (Yotov et al. 2016, ch. 2, 1_RemovingSpecificBorder.dta).

Same 2006 data as the borders application, with a separate dummy for the Canada-US
border (INTL_BRDR_AB). Counterfactual: that border disappears (both dummies zero for the
two Canada-US pairs), sigma = 7, Germany (ZZZ) as reference; book and exact methods.

    python examples/yotov_remove_can_us_border.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp

data = pd.read_csv(Path(__file__).parent / "data" / "yotov2016_borders_2006.csv", comment="#")
can_us = data.exporter.isin(["CAN", "USA"]) & data.importer.isin(["CAN", "USA"]) \
    & (data.exporter != data.importer)
data["INTL_BRDR_AB"] = can_us.astype(float)

fit = mp.estimate.ppml(data, "trade", ["ln_DIST", "CNTG", "INTL_BRDR", "INTL_BRDR_AB"],
                       fe=["exporter", "importer"])
change = {"INTL_BRDR": np.where(can_us, 0.0, data.INTL_BRDR),
          "INTL_BRDR_AB": 0.0}
results = {m: mp.estimate.counterfactual(data, fit, change, sigma=7, reference="ZZZ", method=m)
           for m in ("book", "exact")}

if __name__ == "__main__":
    print(fit.summary(), "\n")
    cols = ["exports_full_pct", "real_gdp_pct", "imr_pct"]
    table = pd.concat({m: r.table[cols] for m, r in results.items()}, axis=1)
    print(f"book rounds: {results['book'].rounds}")
    print(table.loc[["CAN", "USA", "MEX", "ZZZ", "JPN", "CHN"]].round(3).to_string())
