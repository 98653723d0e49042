"""Build the shipped multi-sector dataset ``wiod2014`` (44 economies x 50 sectors, 2014).

Run from the repository root, with the raw files beside it::

    python scripts/build_wiod2014.py [--raw ../shared/data] [--out src/middlepower/data/_files]

Needs the ``build`` extra (``rdata`` reads the R file).

Input: ``wiod2014/initial_conditions_WIOD_2014.rds``, the World Input-Output Database
2016 release, year 2014 (Timmer et al. 2015), in the format of the KITE model (Kiel
Institute; ``julianhinz/KITE`` on GitHub). An R list of long tables, sectors coded
``C01`` ... ``C50``, values in USD million:

* ``trade_share`` (origin, destination, sector): share of the destination's absorption
  bought from the origin; sums to 1 over origins, so origin = exporter.
* ``tariff`` (origin, destination, sector): 1 + applied tariff. Here ``origin`` is the
  country that levies it (the importer): see :func:`_tariff_orientation` for the evidence.
* ``expenditure`` (country, sector): absorption incl. tariffs, X[s, n] of Caliendo &
  Parro (2015). ``factor_share`` (sector, country): value-added share. ``intermediate_share``
  (input, output, country): input mix of the using ("output") sector, summing to 1 over
  inputs, so io[s, k, n] = (1 - factor_share[s, n]) * intermediate_share[k, s, n].
* ``trade_elasticity`` (sector): 1/theta, the exponent KITE's price index uses (see
  ``THETA_NOTE``). ``value_added``, ``trade_balance``, ``consumption_share``: not used;
  middlepower derives them from flows (they agree to within 1-4%, see the provenance).

Output: ``wiod2014.parquet`` (sector, exporter, importer, value in USD bn at pre-tariff
prices, tariff), ``wiod2014-sectors.parquet`` (country, sector, input, share) and
``wiod2014.json`` (provenance).
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from middlepower._atomic import atomic_write
from middlepower.data.readers import _fit_inputs_to_absorption

#: File code -> (WIOD 2016 release code, name). Found from sizes and country profiles (the
#: file itself names sectors C01..C50 only): see SECTOR_EVIDENCE.
SECTORS: dict[str, tuple[str, str]] = {
    "C01": ("A01", "Crop and animal production"),
    "C02": ("A02", "Forestry and logging"),
    "C03": ("A03", "Fishing and aquaculture"),
    "C04": ("B", "Mining and quarrying"),
    "C05": ("C10-C12", "Food, beverages and tobacco"),
    "C06": ("C13-C15", "Textiles, apparel and leather"),
    "C07": ("C16", "Wood and cork products"),
    "C08": ("C17", "Paper products"),
    "C09": ("C18", "Printing and recorded media"),
    "C10": ("C19", "Coke and refined petroleum"),
    "C11": ("C20", "Chemicals"),
    "C12": ("C21", "Pharmaceuticals"),
    "C13": ("C22", "Rubber and plastics"),
    "C14": ("C23", "Other non-metallic minerals"),
    "C15": ("C24", "Basic metals"),
    "C16": ("C25", "Fabricated metal products"),
    "C17": ("C26", "Computer, electronic and optical products"),
    "C18": ("C27", "Electrical equipment"),
    "C19": ("C28", "Machinery and equipment n.e.c."),
    "C20": ("C29", "Motor vehicles, trailers and parts"),
    "C21": ("C30", "Other transport equipment"),
    "C22": ("C31_C32", "Furniture and other manufacturing"),
    "C23": ("D35", "Electricity, gas and steam"),
    "C24": ("E36", "Water supply"),
    "C25": ("E37-E39", "Sewerage and waste"),
    "C26": ("F", "Construction"),
    "C27": ("G45", "Motor vehicle trade and repair"),
    "C28": ("G46", "Wholesale trade"),
    "C29": ("G47", "Retail trade"),
    "C30": ("H49", "Land transport"),
    "C31": ("H50", "Water transport"),
    "C32": ("H51", "Air transport"),
    "C33": ("H52", "Warehousing and transport support"),
    "C34": ("H53", "Postal and courier"),
    "C35": ("I", "Accommodation and food services"),
    "C36": ("J58", "Publishing"),
    "C37": ("J59_J60", "Film, video and broadcasting"),
    "C38": ("J61", "Telecommunications"),
    "C39": ("J62_J63", "IT and information services"),
    "C40": ("K64", "Financial services"),
    "C41": ("K65_K66", "Insurance and auxiliary financial services"),
    "C42": ("L68", "Real estate"),
    "C43": ("M69_M70", "Legal, accounting and management consulting"),
    "C44": ("M71", "Architecture and engineering"),
    "C45": ("M72", "Scientific research and development"),
    "C46": ("N", "Administrative and support services"),
    "C47": ("O84", "Public administration and defence"),
    "C48": ("P85", "Education"),
    "C49": ("Q", "Health and social work"),
    "C50": ("R_S", "Other services"),
}

SECTOR_EVIDENCE = (
    "The file codes sectors C01..C50 without names. The WIOD 2016 release has 56 ISIC rev.4 "
    "sectors; the mapping was found from world sizes, traded shares, tariffs and each "
    "sector's largest share in a country's output: C01..C22 carry tariffs and distinct "
    "elasticities (goods), C23..C50 have zero tariffs and one common elasticity (services). "
    "Examples: C04 largest in NOR (14.5% of output), USD 1.8 tn traded = mining B; C10 "
    "largest in LTU (Mazeikiai refinery), RUS, GRC = coke & refined petroleum C19; C15 "
    "largest in CHN, TWN, KOR, RUS, IND = basic metals C24; C17 largest in TWN (16.9%), KOR "
    "= computers & electronics C26; C20 largest in SVK, HUN, CZE, MEX, DEU = motor vehicles "
    "C29; C07 in EST, LVA, FIN = wood C16; C12 in IRL, CHE = pharmaceuticals C21; C31 in "
    "CYP, DNK, GRC, NOR = water transport H50; C40 in LUX (32%), MLT = financial services K64; "
    "C50 in MLT (gaming) = other services R_S; C27, C36, C37 are zero in CHN, as G45, J58 and "
    "J59_J60 are in WIOD's China. Six WIOD sectors have no own code here. Firm: T and U "
    "(households as employers, extraterritorial bodies) are absent. Inferred, less sure: "
    "repair and installation of machinery (C33) is absent or inside C31_C32; auxiliary "
    "financial services (K66) are inside C41 (it is 17% of LUX's and 7% of IRL's output, "
    "more than insurance alone, and twice the US's K64); advertising and other professional "
    "services (M73, M74_M75) are absent or inside N (C46 is 9.9% of Mexico's output, where "
    "outsourcing firms are classed in N)."
)

THETA_NOTE = (
    "The file's 'trade_elasticity' is 1/theta: KITE's price index (update_price_index_cp_2015 "
    "in julianhinz/KITE) is (sum_i pi_ni (kappa_hat c_hat)^(-1/e))^(-e), which is Caliendo & "
    "Parro (2015) eq. 11 with e = 1/theta. All 50 values lie in (0, 1) (0.063 to 0.999), which "
    "as theta would be implausibly small. Stored here: theta = 1/value, from 1.0006 (C26 "
    "computers) to 15.97 (B mining); every service sector has 4.959 (value 0.2016). Some "
    "goods share a value (C20-C22: 3.48; C27-C28: 2.39)."
)


def _read(path: Path) -> dict[str, pd.DataFrame]:
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns that data.table is read as data.frame
        raw = rdata.read_rds(path)
    return {str(k): v for k, v in raw.items()}


def _cube(df: pd.DataFrame, axes: tuple[str, ...], pos: dict[str, dict[str, int]],
          shape: tuple[int, ...]) -> np.ndarray:
    out = np.full(shape, np.nan)
    idx = tuple(df[a].astype(str).map(pos[a]).to_numpy() for a in axes)
    out[idx] = df["value"].to_numpy(dtype=float)
    if np.isnan(out).any():
        raise ValueError(f"table with axes {axes} leaves {int(np.isnan(out).sum())} cells empty")
    return out


def _tariff_orientation(flows_gross: np.ndarray, one_plus_t: np.ndarray, countries: list[str],
                        goods: int) -> dict[str, dict[str, float]]:
    """Trade-weighted mean goods tariff each importer levies, under both readings.

    ``literal``: tariff[origin=exporter, destination=importer]; ``transposed``: the origin
    column is the importer. WTO tariff profiles for 2014 (trade-weighted applied rates)
    put IND 7.5%, BRA 7.9%, KOR 8.7%, CHN 4.4%, USA 2.3%, JPN 2.1%: the transposed reading
    matches (IND 7.3, BRA 9.4, KOR 6.8, CHN 3.9, USA 1.6, JPN 1.6); the literal one does
    not (IND 3.0, BRA 4.8, KOR 2.8, USA 3.6, JPN 4.1).
    """
    out: dict[str, dict[str, float]] = {}
    for c in ("USA", "CAN", "MEX", "JPN", "CHN", "KOR", "IND", "BRA"):
        k = countries.index(c)
        w = flows_gross[:goods, :, k].copy()
        w[:, k] = 0.0
        lit = float(((one_plus_t[:goods, :, k] - 1) * w).sum() / w.sum())
        tr = float(((one_plus_t[:goods, k, :] - 1) * w).sum() / w.sum())
        out[c] = {"literal": round(100 * lit, 2), "transposed": round(100 * tr, 2)}
    return out


def _groups(code: dict[str, str]) -> dict[str, list[str]]:
    c = list(code.values())
    goods, services = c[:22], c[22:]
    return {
        "steel": ["C24"], "aluminium": ["C24"], "aluminum": ["C24"], "basic_metals": ["C24"],
        "metals": ["C24", "C25"], "autos": ["C29"], "cars": ["C29"], "motor_vehicles": ["C29"],
        "energy": ["B", "C19"], "oil": ["B", "C19"], "mining": ["B"],
        "refined_petroleum": ["C19"], "electricity": ["D35"], "lumber": ["C16"],
        "wood": ["C16"], "forestry": ["A02"], "agriculture": ["A01", "A02", "A03"],
        "farming": ["A01"], "fishing": ["A03"], "food": ["C10-C12"], "textiles": ["C13-C15"],
        "paper": ["C17"], "chemicals": ["C20"], "pharmaceuticals": ["C21"],
        "plastics": ["C22"], "electronics": ["C26"], "electrical": ["C27"],
        "machinery": ["C28"], "aerospace": ["C30"], "other_transport": ["C30"],
        "primary": ["A01", "A02", "A03", "B"], "manufacturing": goods[4:], "goods": goods,
        "services": services,
        "transport": ["H49", "H50", "H51", "H52", "H53"],
        "finance": ["K64", "K65_K66"],
    }


def build(raw: Path, out: Path) -> dict:
    r = _read(raw / "wiod2014" / "initial_conditions_WIOD_2014.rds")
    countries = sorted(r["expenditure"]["country"].astype(str).unique())
    file_codes = sorted(r["expenditure"]["sector"].astype(str).unique())
    assert file_codes == list(SECTORS), "unexpected sector codes in the WIOD file"
    N, S = len(countries), len(file_codes)
    cpos = {c: k for k, c in enumerate(countries)}
    spos = {s: k for k, s in enumerate(file_codes)}
    pos = {"origin": cpos, "destination": cpos, "country": cpos, "sector": spos,
           "input": spos, "output": spos}
    share = _cube(r["trade_share"], ("sector", "origin", "destination"), pos, (S, N, N))
    one_plus = _cube(r["tariff"], ("sector", "origin", "destination"), pos, (S, N, N))
    absorption = _cube(r["expenditure"], ("sector", "country"), pos, (S, N))
    va_share = _cube(r["factor_share"], ("sector", "country"), pos, (S, N))
    mix = _cube(r["intermediate_share"], ("input", "output", "country"), pos, (S, S, N))
    elast = r["trade_elasticity"].set_index(r["trade_elasticity"]["sector"].astype(str))["value"]

    # share[s, i, j] * absorption[s, j] is the value j pays for i's goods, tariff included
    gross = share * absorption[:, None, :]
    evidence = _tariff_orientation(gross, one_plus, countries, goods=22)
    levied = np.transpose(one_plus, (0, 2, 1))       # levied[s, i, j]: by importer j on i
    flows = gross / levied                           # pre-tariff, USD million
    tariffs = levied - 1.0
    row = cpos["ROW"]
    # ROW's internal trade carries tariffs between its members; in the model it is domestic
    row_internal_revenue = float((gross[:, row, row] - flows[:, row, row]).sum())
    for s in range(S):
        np.fill_diagonal(tariffs[s], 0.0)
    flows *= 1e-3                                    # USD bn

    io = np.transpose(mix, (1, 0, 2)) * (1.0 - va_share)[:, None, :]  # io[s, k, n]
    total = va_share + io.sum(axis=1)
    fixed_va = np.abs(total - 1.0) > 1e-9
    va = np.where(fixed_va, 1.0 - io.sum(axis=1), va_share)
    va, io, changes = _fit_inputs_to_absorption(flows, tariffs, va, io)

    code = {f: SECTORS[f][0] for f in file_codes}
    codes = [code[f] for f in file_codes]
    names = {code[f]: SECTORS[f][1] for f in file_codes}
    theta = {code[f]: float(1.0 / elast[f]) for f in file_codes}
    output = flows.sum(axis=2)
    zero_output = [f"{countries[n]} {codes[s]}" for s, n in np.argwhere(output <= 0)]
    adjusted = [{"country": countries[c["n"]], "sector": codes[c["s"]],
                 "intermediate_use_usd_bn": round(c["intermediate"], 4),
                 "absorption_usd_bn": round(c["absorption"], 4),
                 "input_scale": round(c["factor"], 6)} for c in changes]

    long = _long_table(flows, tariffs, countries, codes)
    sectors_table = _sector_table(va, io, countries, codes)
    exports = flows.sum(axis=(0, 2)) - np.einsum("sii->i", flows)
    imports = flows.sum(axis=(0, 1)) - np.einsum("sii->i", flows)
    va_derived = (va * output).sum(axis=0)
    va_file = r["value_added"].set_index(r["value_added"]["country"].astype(str))["value"]
    ratio = va_derived / (va_file.reindex(countries).to_numpy() * 1e-3)

    meta = {
        "year": 2014,
        "unit": "USD bn",
        "description": "WIOD 2014: 43 economies and ROW x 50 sectors, with input-output "
                       "links, applied tariffs and sectoral trade elasticities",
        "source": "World Input-Output Database, 2016 release, year 2014 (Timmer, "
                  "Dietzenbacher, Los, Stehrer & de Vries 2015, 'An Illustrated User Guide "
                  "to the World Input-Output Database', Review of International Economics "
                  "23: 575-605), with applied tariffs and trade elasticities, as packaged "
                  "for the KITE model (Kiel Institute Trade Policy Evaluation; Hinz, "
                  "Mahlkow, Wanner) in initial_conditions_WIOD_2014.rds.",
        "licences": {"WIOD": "CC BY 4.0 (Timmer et al. 2015); cite the paper above",
                     "KITE packaging": "tariffs and elasticities as distributed with the "
                                       "KITE model's initial conditions; cite KITE "
                                       "(julianhinz/KITE) when publishing results"},
        "method": {
            "flows": "flows[s, i, j] = trade_share[i -> j, s] x expenditure[j, s] / (1 + "
                     "tariff levied by j on i in s), USD million / 1000 = USD bn, pre-tariff "
                     "(basic) prices; domestic sales on the diagonal. Rows with a zero "
                     "value are left out of the table.",
            "tariffs": "The tariff table's 'origin' column is the importer that levies the "
                       "tariff (the trade shares use origin = exporter). Trade-weighted goods "
                       "tariff of each importer, in %, under both readings: "
                       f"{json.dumps(evidence)}. The transposed reading matches WTO tariff "
                       "profiles (2014: IND 7.5, BRA 7.9, KOR 8.7, CHN 4.4, USA 2.3, JPN "
                       "2.1); it is the one used. Services carry no tariffs. ROW's internal "
                       "trade carries tariffs between its members in the file; here it is "
                       f"domestic, tariff 0 (revenue USD {row_internal_revenue / 1e3:.1f} bn "
                       "dropped, ROW's flows at pre-tariff prices). Note: the file's "
                       "trade_balance was computed by KITE with the literal reading.",
            "value_added": "value_added[s, n] = factor_share[s, n], the value-added share of "
                           "gross output. Where factor_share + (1 - factor_share) x sum of "
                           "intermediate_share is not 1 (sectors with no inputs recorded), "
                           f"value added takes the rest: {int(fixed_va.sum())} cell(s).",
            "io": "io[s, k, n] = (1 - factor_share[s, n]) x intermediate_share[input k, "
                  "output s, n].",
            "consistency": "Final-demand shares are derived (SECTOR_API): alpha[s, n] = "
                           "(E[s, n] - sum_u io[u, s, n] Y[u, n]) / I[n]. Where intermediate "
                           "use exceeded absorption, input s's share in every using sector "
                           "of n was scaled down to leave 1e-6 of the absorption to final "
                           "demand, the share removed moving to value added (listed in "
                           "'adjusted').",
            "checks": "Value added derived from flows and shares / the file's value_added: "
                      f"min {ratio.min():.3f}, max {ratio.max():.3f} (the file's value added "
                      "and trade balance were computed with the literal tariff reading). "
                      "Deficits are derived from flows.",
        },
        "theta_note": THETA_NOTE,
        "sector_evidence": SECTOR_EVIDENCE,
        "adjusted": adjusted,
        "zero_output": zero_output,
        "gaps": [
            "2014 data: before the 2018-2025 tariff changes.",
            "Steel and aluminium cannot be separated: both are in basic metals (C24), which "
            "also holds copper, precious and other non-ferrous metals; 'steel' and "
            "'aluminium' are aliases of the whole sector.",
            "Autos (C29) include trailers and parts; energy is mining (B, incl. coal, metal "
            "ores and quarrying) plus coke and refined petroleum (C19); electricity and gas "
            "(D35) is a separate, untariffed sector.",
            "Six WIOD sectors have no own code (T, U absent; C33, K66, M73, M74_M75 absent or "
            "merged into neighbours, see sector_evidence).",
            f"{len(zero_output)} country-sector cells have zero output (e.g. China's G45, "
            "J58, J59_J60, as in WIOD).",
            "ROW is one region; Taiwan (TWN) is a separate economy.",
        ],
        "built_by": "scripts/build_wiod2014.py",
        "countries": countries,
        "names": {},
        "regions": {},
        "sectors": codes,
        "sector_names": names,
        "sector_groups": _groups(code),
        "theta": theta,
        "file_codes": {code[f]: f for f in file_codes},
        "totals": {"flows_usd_bn": float(flows.sum()), "exports_usd_bn": float(exports.sum()),
                   "imports_usd_bn": float(imports.sum())},
    }
    _write(out, "wiod2014", long, sectors_table, meta)
    return meta


def _long_table(flows: np.ndarray, tariffs: np.ndarray, countries: list[str],
                codes: list[str]) -> pd.DataFrame:
    s, i, j = np.nonzero(flows)
    return pd.DataFrame({
        "sector": pd.Categorical(np.asarray(codes)[s], categories=codes),
        "exporter": pd.Categorical(np.asarray(countries)[i], categories=countries),
        "importer": pd.Categorical(np.asarray(countries)[j], categories=countries),
        "value": flows[s, i, j],
        "tariff": tariffs[s, i, j],
    })


def _sector_table(va: np.ndarray, io: np.ndarray, countries: list[str],
                  codes: list[str]) -> pd.DataFrame:
    inputs = ["value_added", *codes]
    shares = np.concatenate([va[:, None, :], io], axis=1)  # (S, 1 + S, N)
    s, k, n = np.nonzero(shares)
    return pd.DataFrame({
        "country": pd.Categorical(np.asarray(countries)[n], categories=countries),
        "sector": pd.Categorical(np.asarray(codes)[s], categories=codes),
        "input": pd.Categorical(np.asarray(inputs)[k], categories=inputs),
        "share": shares[s, k, n],
    })


def _write(out: Path, name: str, long: pd.DataFrame, sectors: pd.DataFrame, meta: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for suffix, frame in (("", long), ("-sectors", sectors)):
        _atomic_parquet(frame, out / f"{name}{suffix}.parquet")
    atomic_write(out / f"{name}.json", json.dumps(meta, indent=1))


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, frame.to_parquet(None, index=False, compression="zstd",
                                        compression_level=19))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=here / "src" / "middlepower" / "data" / "_files")
    args = ap.parse_args()
    m = build(args.raw, args.out)
    print(f"wiod2014: {len(m['countries'])} economies x {len(m['sectors'])} sectors; "
          f"{len(m['adjusted'])} input columns scaled; {len(m['zero_output'])} zero-output cells")
    for name in ("wiod2014.parquet", "wiod2014-sectors.parquet", "wiod2014.json"):
        print(f"  {name}: {(args.out / name).stat().st_size / 1e3:.0f} kB")
