"""Build ``examples/data/wiod2000_eu.csv``: the ge_gravity documentation example.

44 WIOD economies in 2000, aggregate trade including domestic sales, and ``eu_effect``:
the PPML estimate of the EU-enlargement coefficient (three-way fixed effects, foreign
flows 2000/2005/2010/2014, clustered by pair) for the pairs that became EU pairs over
the period, zero elsewhere -- the steps of ``GE_gravity_example.do`` (Baier, Yotov &
Zylkin 2019), here with pyfixest.

    python scripts/build_wiod2000.py [--raw ../shared/data]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pandas as pd
import pyfixest as pf


def build(raw: Path, out: Path) -> None:
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = rdata.read_rda(raw / "wiod_aggregate" / "TradeData0014.rda")["TradeData0014"]
    df = pd.DataFrame(df)
    df["exporter"] = df["exporter"].astype(str)
    df["importer"] = df["importer"].astype(str)
    df["year"] = df["year"].astype(int)
    foreign = df[df.exporter != df.importer].copy()
    foreign["exp_year"] = foreign.exporter + foreign.year.astype(str)
    foreign["imp_year"] = foreign.importer + foreign.year.astype(str)
    foreign["pair"] = foreign.exporter + foreign.importer
    fit = pf.fepois("trade ~ eu_enlargement + other_fta | exp_year + imp_year + pair",
                    data=foreign, vcov={"CRV1": "pair"})
    b = float(fit.coef()["eu_enlargement"])
    se = float(fit.se()["eu_enlargement"])
    df = df.sort_values(["exporter", "importer", "year"])
    first = df.groupby(["exporter", "importer"])["eu_enlargement"].transform("first")
    last = df.groupby(["exporter", "importer"])["eu_enlargement"].transform("last")
    df["eu_effect"] = b * (last - first)
    y2000 = df[df.year == 2000][["exporter", "importer", "trade", "eu_effect"]]
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (f"# WIOD aggregate trade 2000 (44 economies, incl. domestic sales), as in the "
              f"documentation of Stata's ge_gravity (Baier, Yotov & Zylkin 2019). "
              f"eu_effect = {b:.6f} (se {se:.6f}) x new EU pair 2000-2014; PPML with "
              f"exporter-year, importer-year, pair FE (pyfixest). Source: WIOD "
              f"(Timmer et al. 2015), CC BY 4.0. Built by scripts/build_wiod2000.py.\n")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(header)
        y2000.to_csv(fh, index=False)
    print(f"eu_enlargement = {b:.6f} (se {se:.6f}); {len(y2000)} rows -> {out}")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=here / "examples" / "data" / "wiod2000_eu.csv")
    args = ap.parse_args()
    build(args.raw, args.out)
