"""Write the inputs of the Liberation-Day model (Ignatenko, Lashkaripour, Macedoni &
Simonovska 2025) into the package: ``src/middlepower/data/_files/ilms2025/``.

    python scripts/build_ilms2025.py [--raw ../shared/data]

Inputs (unchanged public files, ``world2023/`` of the raw data): ``trade_cepii.csv``
(194 x 194 goods trade in 2023, thousands of USD, row exporter, column importer, empty
diagonal; CEPII BACI HS22 V202501, Etalab Open Licence 2.0), ``gdp.csv`` (GDP 2023,
current USD, World Bank WDI, CC BY 4.0), ``tariffs.csv`` (the US tariff announced on
2 April 2025 for each economy, as the paper's replication files give it) and
``country_labels.csv``: the exact inputs of the paper's replication package.

Outputs: ``flows.parquet`` (exporter, importer, value: the non-zero off-diagonal flows,
thousands of USD, as in the file) and ``countries.parquet`` (iso3 in the file's order,
gdp in thousands of USD as the code divides it, ustr_rate). The model's baseline is built
from them at load time by :func:`middlepower.data.ilms.ilms2025`, with the paper's rule.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd

from middlepower._atomic import atomic_write


def build(raw: Path, out: Path) -> None:
    src = raw / "world2023"
    labels = pd.read_csv(src / "country_labels.csv")["iso3"].astype(str).to_numpy()
    X = np.nan_to_num(pd.read_csv(src / "trade_cepii.csv").to_numpy(dtype=float))
    gdp = pd.read_csv(src / "gdp.csv")["gdp"].to_numpy(dtype=float) / 1000.0
    rates = pd.read_csv(src / "tariffs.csv")["applied_tariff"].to_numpy(dtype=float)
    n = len(labels)
    if X.shape != (n, n) or len(gdp) != n or len(rates) != n:
        raise SystemExit(f"inputs disagree on the number of economies ({n}).")
    i, j = np.nonzero(X * (1 - np.eye(n)))
    flows = pd.DataFrame({"exporter": labels[i], "importer": labels[j], "value": X[i, j]})
    countries = pd.DataFrame({"iso3": labels, "gdp": gdp, "ustr_rate": rates})
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("flows", flows), ("countries", countries)):
        buf = io.BytesIO()
        df.to_parquet(buf, index=False, compression="zstd")
        atomic_write(out / f"{name}.parquet", buf.getvalue())
    print(f"{len(flows)} flows, {n} economies -> {out}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--raw", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path,
                    default=Path("src/middlepower/data/_files/ilms2025"))
    a = ap.parse_args()
    build(a.raw, a.out)
