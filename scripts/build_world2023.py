"""Build the embedded datasets ``world2023`` and ``world2023-full``.

Run from the repository root, with the raw files beside it::

    python scripts/build_world2023.py [--raw ../shared/data] [--out src/middlepower/data/_files]

Needs the ``build`` extra (``pip install -e '.[build]'``: rdata to read the WIOD R file).

Inputs (unchanged public files):

* ``world2023/trade_cepii.csv``: 194 x 194 goods trade in 2023, thousands of USD, row k
  exporter, column k importer, ``iso_code`` k of ``country_labels.csv``; diagonal empty.
  CEPII BACI (HS22, V202501), Etalab Open Licence 2.0, as packaged by Ignatenko,
  Macedoni, Lashkaripour & Simonovska (2025).
* ``world2023/gdp.csv``: GDP 2023, current USD, World Bank WDI (CC BY 4.0), same rows.
* ``wiod2014/initial_conditions_WIOD_2014.rds``: applied tariffs (1 + t) by origin,
  destination and sector for 44 WIOD economies in 2014, with trade shares and
  expenditure (Timmer et al. 2015, in the format of the KITE model).

Method:

1. Flows in USD bn. Domestic sales X_jj = GDP_j + deficit_j - imports_j = GDP_j - exports_j
   (see ``middlepower.data.add_domestic_sales``). Economies where that is not positive
   are folded into ROW in both datasets.
2. Baseline tariffs: for each pair of WIOD economies, the trade-weighted mean over the 50
   sectors of the applied tariff, weights = 2014 flows (trade share x destination
   expenditure). Zero for every pair where either side is outside WIOD.
3. Re-export and transit hubs. BACI records a re-exported good twice: as an import of
   the hub (Hong Kong imports a phone from China) and, since importers report the
   country of origin, as a flow from the origin to the final buyer (China to the US). The
   hub's imports then far exceed what it uses, and its goods "deficit" is not one: Hong
   Kong's 2023 deficit in BACI is USD 440 bn against a GDP of 381 bn, while its own
   statistics (Census and Statistics Department, total exports incl. re-exports vs
   imports) show a goods deficit of about 15% of GDP, financed by a services surplus. In
   a model with fixed deficits, the recorded figure makes Hong Kong spend twice its
   output and gain from every tariff war around it. Treatment, as GTAP does for Hong
   Kong's re-exports (Gehlhar 1996, "Reconciling bilateral trade data for use in GTAP"):
   the re-exports are netted from the hub's imports. An economy whose recorded goods
   deficit exceeds ``HUB_THRESHOLD`` (75%) of GDP is treated as a hub (2023: HKG, KGZ,
   DJI, LBR, TGO, MHL: Hong Kong, re-exports to Russia and transit to Ethiopia and the
   Sahel, ship registries), and its imports from every partner are scaled down by one
   factor (the files do not say which imports are re-exported) until its deficit is
   ``HUB_DEFICIT`` (15%) of GDP, Hong Kong's own figure. We keep Hong Kong separate rather
   than merge it with mainland China (the other common practice) because US tariffs
   treat the two differently. Domestic sales (GDP - exports) are unchanged.
   ``middlepower.report.outliers.flag`` then lists economies whose data stay unusual
   (deficit or surplus above 20% of output, domestic share below 15%: Vietnam, Malaysia,
   gross exports near GDP); they are kept and flagged in the JSON (``flags``) and in
   every table that shows them.
4. ``world2023-full``: every economy the data allow. ``world2023``: G20 and CPTPP members
   and every economy with 2023 GDP above USD 300 bn kept separate, EU27 as one bloc,
   the rest in ROW. Merging sums flows and takes flow-weighted tariffs (revenue kept).
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp
from middlepower.data.readers import add_domestic_sales
from middlepower.report.outliers import flag

GDP_THRESHOLD_BN = 300.0
#: Recorded goods deficit, as a share of GDP, above which an economy is a re-export hub.
HUB_THRESHOLD = 0.75
#: Deficit a hub is netted down to, as a share of GDP (Hong Kong's own 2023 figure).
HUB_DEFICIT = 0.15


def net_reexports(codes: list[str], flows: np.ndarray, gdp: pd.Series
                  ) -> tuple[np.ndarray, dict[str, dict[str, float]]]:
    """Scale hubs' imports down so that their goods deficit is ``HUB_DEFICIT`` of GDP.

    ``flows``: (N, N) off-diagonal goods trade, exporter x importer. Returns the new
    flows and, per hub, the recorded and netted deficit and the netted imports (USD bn).
    """
    out = flows.copy()
    exports, imports = flows.sum(axis=1), flows.sum(axis=0)
    g = gdp.reindex(codes).to_numpy()
    report = {}
    for k, code in enumerate(codes):
        deficit = imports[k] - exports[k]
        if not g[k] > 0 or deficit <= HUB_THRESHOLD * g[k]:
            continue
        keep = (exports[k] + HUB_DEFICIT * g[k]) / imports[k]
        out[:, k] *= keep
        report[code] = {"recorded_deficit": round(float(deficit), 3),
                        "netted_deficit": round(float(HUB_DEFICIT * g[k]), 3),
                        "reexports_netted": round(float(imports[k] * (1 - keep)), 3)}
    return out, report


def read_wiod_tariffs(path: Path) -> pd.DataFrame:
    """Trade-weighted bilateral tariff (exporter, importer, tariff) from the WIOD file.

    In this file ``trade_share`` is indexed (origin = exporter, destination = importer):
    its shares sum to one over origins for each destination. The ``tariff`` table is
    indexed the other way round: its ``origin`` is the country that levies the tariff.
    Evidence: (origin IND, destination USA, food C05) is 1.28 and (USA, IND, C05) is 1.01;
    India's applied food tariffs are near 30%, the US's near 3%. Read literally, the US
    would tax Brazil at 8.3% and Brazil the US at 1.0% (trade-weighted, all goods);
    transposed, 1.0% and 8.3%, in line with WTO tariff profiles.
    """
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns that data.table is read as data.frame
        r = rdata.read_rds(path)
    share = r["trade_share"].rename(columns={"origin": "exporter", "destination": "importer",
                                             "value": "share"})
    tariff = r["tariff"].rename(columns={"origin": "importer", "destination": "exporter",
                                         "value": "one_plus_t"})
    exp = r["expenditure"].rename(columns={"country": "importer", "value": "expenditure"})
    key = ["exporter", "importer", "sector"]
    df = share.merge(tariff, on=key).merge(exp, on=["importer", "sector"])
    df["flow"] = df["share"] * df["expenditure"]
    df["revenue"] = df["flow"] * (df["one_plus_t"] - 1.0)
    pair = df.groupby(["exporter", "importer"], as_index=False)[["flow", "revenue"]].sum()
    pair["tariff"] = np.where(pair["flow"] > 0, pair["revenue"] / pair["flow"].where(
        pair["flow"] > 0, 1.0), 0.0)
    pair = pair[(pair.exporter != pair.importer) & (pair.exporter != "ROW")
                & (pair.importer != "ROW")]
    return pair[["exporter", "importer", "tariff"]].astype({"exporter": str, "importer": str})


def build(raw: Path, out: Path) -> None:
    labels = pd.read_csv(raw / "world2023" / "country_labels.csv")
    codes = labels["iso3"].tolist()
    trade = pd.read_csv(raw / "world2023" / "trade_cepii.csv").to_numpy(dtype=float) * 1e-6
    gdp = pd.Series(pd.read_csv(raw / "world2023" / "gdp.csv")["gdp"].to_numpy() * 1e-9,
                    index=codes)
    nan_pairs = int(np.isnan(trade).sum()) - len(codes)
    trade = np.nan_to_num(trade, nan=0.0)  # BACI leaves pairs with no recorded trade empty
    np.fill_diagonal(trade, 0.0)
    trade, hubs = net_reexports(codes, trade, gdp)
    print("re-export hubs netted (USD bn):", hubs)
    n = len(codes)
    long = pd.DataFrame({"exporter": np.repeat(codes, n), "importer": np.tile(codes, n),
                         "value": trade.ravel()})
    long = long[(long.exporter != long.importer)]
    with_dom, bad = add_domestic_sales(long, gdp)
    print(f"non-positive domestic sales (folded into ROW): {bad}")
    flows = trade.copy()
    dom = with_dom[with_dom.exporter == with_dom.importer].set_index("exporter")["value"]
    idx = [codes.index(c) for c in dom.index]
    flows[idx, idx] = dom.to_numpy()  # the folded economies keep a zero diagonal

    wiod = read_wiod_tariffs(raw / "wiod2014" / "initial_conditions_WIOD_2014.rds")
    not_in_data = sorted(set(wiod.exporter) - set(codes))
    wiod = wiod[wiod.exporter.isin(codes) & wiod.importer.isin(codes)]
    tariffs = np.zeros_like(flows)
    tariffs[[codes.index(c) for c in wiod.exporter],
            [codes.index(c) for c in wiod.importer]] = wiod["tariff"].to_numpy()
    covered = sorted(set(wiod.exporter))

    keep_full = [c for c in codes if c not in bad]
    mapping_full = {c: [c] for c in keep_full}
    mapping_full["ROW"] = list(bad)
    full = _aggregate_raw(codes, flows, tariffs, mapping_full)

    g20 = set(mp.groups["G20"].members)
    cptpp = set(mp.groups["CPTPP"].members)
    eu = set(mp.groups["EU27"].members)
    big = set(gdp.index[gdp > GDP_THRESHOLD_BN])
    separate = sorted(((g20 | cptpp | big) - eu) & set(keep_full))
    mapping = {c: [c] for c in separate}
    mapping["EU27"] = sorted(eu)
    mapping["ROW"] = sorted(set(codes) - set(separate) - eu)
    small = _aggregate_raw(codes, flows, tariffs, mapping)

    source = (
        "Goods trade 2023: CEPII BACI (HS22, V202501), Etalab Open Licence 2.0. GDP 2023: "
        "World Bank WDI, CC BY 4.0. Both as packaged in the replication files of Ignatenko, "
        "Macedoni, Lashkaripour & Simonovska (2025), 'Making America Great Again? The "
        "Economic Impacts of Liberation Day Tariffs'. Tariffs: trade-weighted 2014 applied "
        "tariffs from WIOD (Timmer et al. 2015) where both partners are WIOD economies, zero "
        "elsewhere."
    )
    common = {
        "year": 2023,
        "unit": "USD bn",
        "source": source,
        "licences": {"CEPII BACI": "Etalab Open Licence 2.0",
                     "World Bank WDI": "CC BY 4.0",
                     "WIOD": "CC BY 4.0 (Timmer et al. 2015)"},
        "method": {
            "flows": "BACI goods trade, thousands of USD / 1e6 -> USD bn, pre-tariff values; "
                     f"{nan_pairs} empty off-diagonal cells read as zero trade.",
            "domestic_sales": "GDP + trade deficit - imports (= GDP - goods exports). GDP is "
                              "value added including services and trade is gross goods value, "
                              "so domestic shares are overstated for service economies and "
                              "understated for processing/re-export hubs (VNM 5%, MYS 10%, SVK 9% "
                              "of GDP). Economies where the figure is not positive are folded "
                              f"into ROW: {', '.join(bad)}.",
            "tariffs": "The WIOD tariff table's 'origin' column is the importer that levies the "
                       "tariff (its trade shares use origin = exporter); see "
                       "read_wiod_tariffs in the build script for the evidence. "
                       "Trade-weighted mean over 50 WIOD sectors of applied tariffs (2014), "
                       "weights = 2014 sector flows (trade share x expenditure), for pairs "
                       f"where both are among the {len(covered)} WIOD economies present here; "
                       "zero for every other pair (so non-WIOD importers have no baseline "
                       "tariffs). Regions' tariffs are flow-weighted means (revenue kept).",
        },
        "reexport_hubs": {
            "method": f"Economies with a recorded goods deficit above {HUB_THRESHOLD:.0%} of "
                      "GDP are re-export or transit hubs: their imports from every partner "
                      f"are scaled down by one factor until the deficit is {HUB_DEFICIT:.0%} "
                      "of GDP (Hong Kong's own statistics), removing re-exports that BACI "
                      "also records from the origin to the final buyer (GTAP practice, "
                      "Gehlhar 1996). See scripts/build_world2023.py.",
            "hubs": hubs,
        },
        "gaps": [
            "Taiwan is absent from the BACI file used (and so from every dataset).",
            f"WIOD economies not in the trade data: {', '.join(not_in_data)}.",
            "Goods only: services trade is not in the flows.",
            "Tariffs are 2014 applied rates, before the 2018-2025 tariff changes.",
        ],
        "built_by": "scripts/build_world2023.py",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, world, desc in [
        ("world2023", small, "2023 goods trade: G20, CPTPP and GDP > USD 300 bn economies, EU27 "
                             "as one bloc, rest in ROW"),
        ("world2023-full", full, "2023 goods trade: every economy the data allow (re-export "
                                 "hubs with non-positive domestic sales in ROW)"),
    ]:
        meta = dict(common, description=desc, flags=flag(world),
                    countries=list(world.countries),
                    names=dict(zip(world.countries, world.names, strict=True)),
                    regions={k: list(v) for k, v in world.regions.items()})
        world.to_frame().to_parquet(out / f"{name}.parquet", index=False)
        (out / f"{name}.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        print(f"{name}: {world.n} economies: {' '.join(world.countries)}")


def _aggregate_raw(codes: list[str], flows: np.ndarray, tariffs: np.ndarray,
                   mapping: dict[str, list[str]]) -> mp.World:
    """Merge economies; done on raw arrays because the folded ones have no domestic sales
    and so cannot form a World on their own."""
    order = list(mapping)
    pos = {c: k for k, c in enumerate(codes)}
    g = np.zeros((len(order), len(codes)))
    for r, members in enumerate(mapping.values()):
        g[r, [pos[m] for m in members]] = 1.0
    f = g @ flows @ g.T
    rev = g @ (tariffs * flows) @ g.T
    t = np.where(f > 0, rev / np.where(f > 0, f, 1.0), 0.0)
    np.fill_diagonal(t, 0.0)
    regions = {r: tuple(m) for r, m in mapping.items() if m != [r]}
    return mp.World(order, f, t, regions=regions, year=2023, unit="USD bn")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=here / "src" / "middlepower" / "data" / "_files")
    args = ap.parse_args()
    build(args.raw, args.out)
