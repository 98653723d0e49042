"""Ship the small Yotov et al. (2016) files the replication example and tests need.

Writes, from ``yotov2016/`` (CC BY 4.0, Yotov, Piermartini, Monteiro & Larch 2016):

* ``examples/data/yotov2016_borders_2006.csv``: the 2006 cross-section of chapter 2,
  application 1 (69 countries incl. domestic flows; Germany coded ZZZ as in the book);
* ``examples/data/yotov2016_borders_published.csv``: the book's published results
  (``1_TradeWithoutBorder_FULL.xls``);
* ``examples/data/yotov2016_nafta_published.csv``, with ``--nafta-xls``: the published
  results of application 2, the effects of NAFTA (``2_RTAsEffects_FULL.xls`` from the
  book's replication files, ``Chapter2/Applications/2_RTAsEffects/Results/``; not in
  ``../shared``).

    python scripts/build_yotov_examples.py [--raw ../shared/data] [--nafta-xls FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from middlepower._atomic import atomic_write
from middlepower.data import read_yotov

NOTE = ("# Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy "
        "Analysis, WTO/UNCTAD; CC BY 4.0. {what}. Built by scripts/build_yotov_examples.py.\n")


def _write_csv(frame: pd.DataFrame, path: Path, note: str) -> None:
    """The note, then the table; atomically (a failed write leaves the old file)."""
    atomic_write(path, note + frame.to_csv(index=False, float_format="%.10g"))


def build_nafta(xls: Path, out: Path) -> None:
    """The published NAFTA table (percent, baseline with NAFTA relative to no NAFTA)."""
    pub = pd.read_excel(xls)
    _write_csv(pub, out / "yotov2016_nafta_published.csv", NOTE.format(
        what="Published results of chapter 2 application 2, the effects of NAFTA "
             "(2_RTAsEffects_FULL.xls; percent, baseline with NAFTA relative to no NAFTA)"))
    print(f"wrote {len(pub)} published NAFTA rows to {out}")


def build(raw: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    d = read_yotov(raw / "yotov2016" / "1_TradeWithoutBorder.dta")
    cols = ["exporter", "importer", "year", "trade", "DIST", "ln_DIST", "CNTG", "LANG", "CLNY",
            "INTL_BRDR"]
    with open(out / "yotov2016_borders_2006.csv", "w", encoding="utf-8") as fh:
        fh.write(NOTE.format(what="Chapter 2 application 1 data, 2006 (manufacturing, incl. "
                                  "domestic trade; Germany coded ZZZ)"))
        d[cols].to_csv(fh, index=False, float_format="%.10g")
    pub = pd.read_excel(raw / "yotov2016" / "1_TradeWithoutBorder_FULL.xls")
    with open(out / "yotov2016_borders_published.csv", "w", encoding="utf-8") as fh:
        fh.write(NOTE.format(what="Published results of chapter 2 application 1 "
                                  "(1_TradeWithoutBorder_FULL.xls)"))
        pub.to_csv(fh, index=False, float_format="%.10g")
    print(f"wrote {len(d)} rows and {len(pub)} published countries to {out}")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=here / "examples" / "data")
    ap.add_argument("--nafta-xls", type=Path, default=None,
                    help="2_RTAsEffects_FULL.xls of the book's replication files")
    args = ap.parse_args()
    build(args.raw, args.out)
    if args.nafta_xls is not None:
        build_nafta(args.nafta_xls, args.out)
