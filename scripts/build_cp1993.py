"""Build the shipped dataset ``cp1993``: Caliendo & Parro (2015), 31 regions x 40 sectors.

Run from the repository root, with the raw files beside it::

    python scripts/build_cp1993.py [--raw ../shared/data] [--out src/middlepower/data/_files]

Inputs: the replication data of Caliendo, L. & Parro, F. (2015), "Estimates of the Trade
and Welfare Effects of NAFTA", Review of Economic Studies 82(1): 1-44 (tab separated, no
header). The layouts below are those the authors' Matlab code (``Equilibrium/script.m``)
reads:

* ``xbilat1993.txt`` (620 x 31): 20 traded sectors stacked in blocks of 31 rows; in block
  j, row n is the importer and column i the exporter; thousand USD at pre-tariff prices
  (the code multiplies by 1 + tariff to get expenditure).
* ``tariffs1993.txt``, ``tariffs2005.txt`` (620 x 31): same layout, percent, set by the
  row (importer) on the column (exporter).
* ``GO.txt`` (40 x 31): gross output, USD. Where a sector's exports exceed it, the code
  raises output to exports (domestic sales 0); the same is done here.
* ``B.txt`` (40 x 31): value-added share of gross output.
* ``IO.txt`` (1240 x 40): one 40 x 40 block per country; in it, row k is the input and
  column s the using sector, a column sums to 1 (the intermediate-cost mix). So
  io[s, k, n] = (1 - B[s, n]) * G_n[k, s].
* ``T.txt`` (20): theta of the traded sectors, used as 1./T in the code, i.e. the values
  are theta itself. The code gives the 20 non-traded sectors 8.22 (irrelevant: they are
  not traded).

Non-traded sectors (21-40) have only domestic sales, equal to gross output.

Outputs: ``cp1993.parquet`` (sector, exporter, importer, value USD bn, tariff 1993),
``cp1993-sectors.parquet``, ``cp1993-tariffs2005.parquet`` (sector, exporter, importer,
tariff; non-zero rows), ``cp1993.json``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from build_wiod2014 import _atomic_parquet, _long_table, _sector_table, _write

from middlepower.data.readers import _fit_inputs_to_absorption

COUNTRIES = ["ARG", "AUS", "AUT", "BRA", "CAN", "CHL", "CHN", "DNK", "FIN", "FRA", "DEU",
             "GRC", "HUN", "IND", "IDN", "IRL", "ITA", "JPN", "KOR", "MEX", "NLD", "NZL",
             "NOR", "PRT", "ZAF", "ESP", "SWE", "TUR", "GBR", "USA", "ROW"]

#: (code, name) in the order of the data (Caliendo & Parro 2015, Table 1 and appendix).
SECTORS = [
    ("agriculture", "Agriculture"), ("mining", "Mining"), ("food", "Food"),
    ("textile", "Textile"), ("wood", "Wood"), ("paper", "Paper"),
    ("petroleum", "Petroleum"), ("chemicals", "Chemicals"), ("plastic", "Plastic"),
    ("minerals", "Minerals"), ("basic_metals", "Basic metals"),
    ("metal_products", "Metal products"), ("machinery", "Machinery n.e.c."),
    ("office", "Office"), ("electrical", "Electrical"), ("communication", "Communication"),
    ("medical", "Medical"), ("auto", "Auto"), ("other_transport", "Other transport"),
    ("other_manufacturing", "Other manufacturing"),
    ("electricity", "Electricity"), ("construction", "Construction"), ("retail", "Retail"),
    ("hotels", "Hotels"), ("land_transport", "Land transport"),
    ("water_transport", "Water transport"), ("air_transport", "Air transport"),
    ("aux_transport", "Auxiliary transport"), ("post", "Post"), ("finance", "Finance"),
    ("real_estate", "Real estate"), ("renting", "Renting mach."),
    ("computer", "Computer"), ("research", "R&D"), ("other_business", "Other business"),
    ("public", "Public"), ("education", "Education"), ("health", "Health"),
    ("other_services", "Other services"), ("households", "Private households"),
]
TRADED = 20
THETA_NONTRADED = 8.22


def _groups(codes: list[str]) -> dict[str, list[str]]:
    return {
        "steel": ["basic_metals"], "aluminium": ["basic_metals"], "aluminum": ["basic_metals"],
        "metals": ["basic_metals", "metal_products"], "autos": ["auto"], "cars": ["auto"],
        "energy": ["mining", "petroleum"], "oil": ["mining", "petroleum"],
        "lumber": ["wood"], "electronics": ["office", "communication"],
        "goods": codes[:TRADED], "traded": codes[:TRADED],
        "manufacturing": codes[2:TRADED], "services": codes[TRADED:],
        "non_traded": codes[TRADED:],
    }


def _stacked(path: Path, scale: float) -> np.ndarray:
    """(S, exporter, importer) from the stacked importer-row layout."""
    a = np.loadtxt(path, delimiter="\t") * scale
    n = a.shape[1]
    return np.transpose(a.reshape(-1, n, n), (0, 2, 1))


def build(raw: Path, out: Path) -> dict:
    d = raw / "cp1993"
    N, S = len(COUNTRIES), len(SECTORS)
    codes = [c for c, _ in SECTORS]
    trade = _stacked(d / "xbilat1993.txt", 1e-6)          # thousand USD -> USD bn
    t93 = _stacked(d / "tariffs1993.txt", 0.01)
    t05 = _stacked(d / "tariffs2005.txt", 0.01)
    go = np.loadtxt(d / "GO.txt", delimiter="\t") * 1e-9   # USD -> USD bn
    b = np.loadtxt(d / "B.txt", delimiter="\t")
    g = np.loadtxt(d / "IO.txt", delimiter="\t").reshape(N, S, S)  # g[n, k, s]
    theta_traded = np.loadtxt(d / "T.txt", delimiter="\t")
    assert trade.shape == (TRADED, N, N) and go.shape == (S, N) and b.shape == (S, N)

    flows = np.zeros((S, N, N))
    tariffs = np.zeros((S, N, N))
    tariffs05 = np.zeros((S, N, N))
    for s in range(TRADED):
        np.fill_diagonal(trade[s], 0.0)
    flows[:TRADED] = trade
    tariffs[:TRADED] = t93
    tariffs05[:TRADED] = t05
    for s in range(S):
        np.fill_diagonal(tariffs[s], 0.0)
        np.fill_diagonal(tariffs05[s], 0.0)
    exports = flows.sum(axis=2)
    raised = go < exports
    output = np.maximum(go, exports)
    for s in range(S):
        flows[s][np.diag_indices(N)] = output[s] - exports[s]

    negative_io = [f"{COUNTRIES[n]} {codes[s]} <- {codes[k]}: {g[n, k, s]:.7f}"
                   for n, k, s in np.argwhere(g < 0)]
    raw_sum = g.sum(axis=1)
    rounding = float(np.abs(raw_sum[raw_sum > 0] - 1.0).max())
    g = np.clip(g, 0.0, None)
    colsum = g.sum(axis=1, keepdims=True)                      # (N, 1, S)
    g = np.where(colsum > 0, g / np.where(colsum > 0, colsum, 1.0), 0.0)
    io = np.transpose(g, (2, 1, 0)) * (1.0 - b)[:, None, :]   # io[s, k, n]
    mix = g.sum(axis=1).T                                      # (S, N) column sums
    no_inputs = np.abs(b + io.sum(axis=1) - 1.0) > 1e-6
    va = np.where(no_inputs, 1.0 - io.sum(axis=1), b)
    va, io, changes = _fit_inputs_to_absorption(flows, tariffs, va, io)
    adjusted = [{"country": COUNTRIES[c["n"]], "sector": codes[c["s"]],
                 "intermediate_use_usd_bn": round(c["intermediate"], 4),
                 "absorption_usd_bn": round(c["absorption"], 4),
                 "input_scale": round(c["factor"], 6)} for c in changes]
    theta = {c: float(theta_traded[k]) if k < TRADED else THETA_NONTRADED
             for k, c in enumerate(codes)}
    zero_output = [f"{COUNTRIES[n]} {codes[s]}" for s, n in np.argwhere(output <= 0)]
    deficits = flows.sum(axis=(0, 1)) - flows.sum(axis=(0, 2))

    excess = sum(c["intermediate"] - c["absorption"] for c in changes)
    meta = {
        "year": 1993,
        "unit": "USD bn",
        "description": "Caliendo & Parro (2015) NAFTA data: 30 economies and ROW x 40 "
                       "sectors (20 traded), 1993, tariffs 1993 (2005 in "
                       "mp.data.cp_tariffs_2005())",
        "source": "Replication data of Caliendo, L. and Parro, F. (2015), 'Estimates of the "
                  "Trade and Welfare Effects of NAFTA', Review of Economic Studies 82(1): "
                  "1-44, doi:10.1093/restud/rdu035 (supplementary material): bilateral "
                  "trade 1993 (UN Comtrade), applied tariffs 1993 and 2005 (UNCTAD TRAINS), "
                  "input-output tables, value-added shares and gross output (OECD STAN and "
                  "IO tables, UNIDO, and the authors' sources), sectoral trade elasticities "
                  "(the paper's estimates).",
        "licences": {"Caliendo & Parro (2015) replication data": "distributed by the authors "
                     "and the Review of Economic Studies as supplementary material for "
                     "replication; no explicit licence: cite the paper"},
        "method": {
            "flows": "xbilat1993 (thousand USD, pre-tariff; rows importers, columns "
                     "exporters, 20 sector blocks) / 1e6 -> USD bn, transposed to exporter x "
                     "importer. Domestic sales = gross output - exports; where exports "
                     f"exceed gross output ({int(raised.sum())} cells) gross output is raised "
                     "to exports (domestic sales 0), as in the authors' code. Non-traded "
                     "sectors (21-40): gross output, all sold at home.",
            "tariffs": "tariffs1993 / 100, set by the row (importer) on the column "
                       "(exporter); zero for non-traded sectors. The 2005 tariffs, same "
                       "layout, ship as cp1993-tariffs2005.parquet and are returned by "
                       "mp.data.cp_tariffs_2005() as an (S, N, N) array.",
            "value_added": "B.txt, value-added share of gross output.",
            "io": "io[s, k, n] = (1 - B[s, n]) x IO_n[k, s], IO_n the country's 40 x 40 "
                  "block of IO.txt (rows inputs, columns using sectors, columns sum to 1; "
                  "private households use no inputs and have B = 1). Negative coefficients "
                  f"set to 0: {negative_io}. Columns rescaled to sum to exactly 1 (largest "
                  f"rounding gap in the file {rounding:.2g}). {int(no_inputs.sum())} "
                  "cell(s) where B + "
                  "inputs != 1 after that take value added = 1 - inputs.",
            "consistency": "The authors' code clips negative final-demand shares to 0 and "
                           "renormalises the others (so its baseline is not exactly an "
                           "equilibrium). Here final-demand shares are derived and input "
                           "columns are scaled instead: where intermediate use of sector s "
                           "in n exceeds its absorption, every sector's share of input s in "
                           "n is scaled down to leave 1e-6 of the absorption to final "
                           "demand, the share removed moving to value added (see "
                           "'adjusted'; the data's own input shares are io / input_scale). "
                           "The data need it in many cells (GO.txt, IO.txt and the trade data "
                           "come from different sources): in all, intermediate use above "
                           f"absorption was USD {excess:.0f} "
                           "bn. This differs from the authors' procedure (clip alphas, then "
                           "re-solve the model for a consistent base year, which moves flows "
                           "instead of input shares) and is the first suspect if a "
                           "replication differs from the paper. Deficits are those of the "
                           "data (the paper's counterfactuals first remove them; that is a "
                           "scenario choice).",
        },
        "theta_note": "T.txt holds theta itself (the authors' code uses 1./T as the "
                      "exponent); 20 traded sectors as shipped, e.g. agriculture 9.11, "
                      "mining 13.53, petroleum 64.85, auto and other transport 8.22. The "
                      "20 non-traded sectors get 8.22 as in the authors' code (no effect: "
                      "they are not traded).",
        "adjusted": adjusted,
        "zero_output": zero_output,
        "gaps": [
            "1993 data; the 2005 tariffs are the only 2005 data shipped.",
            "Steel and aluminium are both in basic metals; 'steel' and 'aluminium' are "
            "aliases of the whole sector.",
            "Non-traded sectors have no trade at all (the paper's assumption).",
            f"Trade deficits of the data are kept (largest: USA {deficits[29]:.1f} USD bn).",
        ],
        "built_by": "scripts/build_cp1993.py",
        "countries": COUNTRIES,
        "names": {},
        "regions": {},
        "sectors": codes,
        "sector_names": dict(SECTORS),
        "sector_groups": _groups(codes),
        "theta": theta,
        "io_column_sums": {"min": float(mix.min()), "max": float(mix.max())},
    }
    _write(out, "cp1993", _long_table(flows, tariffs, COUNTRIES, codes),
           _sector_table(va, io, COUNTRIES, codes), meta)
    s, i, j = np.nonzero(tariffs05)
    t05_table = pd.DataFrame({
        "sector": pd.Categorical(np.asarray(codes)[s], categories=codes),
        "exporter": pd.Categorical(np.asarray(COUNTRIES)[i], categories=COUNTRIES),
        "importer": pd.Categorical(np.asarray(COUNTRIES)[j], categories=COUNTRIES),
        "tariff": tariffs05[s, i, j],
    })
    _atomic_parquet(t05_table, out / "cp1993-tariffs2005.parquet")
    return meta


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=here / "src" / "middlepower" / "data" / "_files")
    args = ap.parse_args()
    m = build(args.raw, args.out)
    print(f"cp1993: {len(m['countries'])} economies x {len(m['sectors'])} sectors; "
          f"{len(m['adjusted'])} input columns scaled; {len(m['zero_output'])} zero-output cells")
    for name in ("cp1993.parquet", "cp1993-sectors.parquet", "cp1993-tariffs2005.parquet",
                 "cp1993.json"):
        print(f"  {name}: {(args.out / name).stat().st_size / 1e3:.0f} kB")
