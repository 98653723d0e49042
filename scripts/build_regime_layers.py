"""Build the shipped tables of the 2025-26 tariff regime by sector (middlepower.policy.regime).

Run from the repository root::

    python scripts/build_regime_layers.py [--raw ../shared/data]

Writes:

* ``hs2_icio.csv``: HS 2022 chapter -> ICIO rev. 4 sector(s) of ``icio2022``
  (:data:`CONCORDANCE`; a chapter split over several sectors lends its rate to each);
* ``regime_layers.csv``: duties that the tracker's HS2 profile does not carry, one row
  per (imposer, partner, chapter, period), with its source. Two layers:

  - US Section 232 on steel (chapter 72) and aluminium (76): 25% from 2025-03-12, 50%
    from 2025-06-04, the UK kept at 25% (the tracker's change dates 2025-03-12 and
    2025-06-03; proclamations "Adjusting Imports of Aluminum/Steel into the United
    States" of 10 Feb 2025 and 3 June 2025);
  - Canada's surtaxes on US goods, from the two orders in ``canada_surtax_2025_26/``
    (SOR/2026-186, P.C. 2026-0785, in force 2026-09-08; the Steel and Aluminum Surtax
    Order SOR/2025-95 as amended by P.C. 2026-0786). Per chapter: ``duty_pct`` = mean
    surtax of the listed items; ``coverage`` = share of the chapter's HS headings with at
    least one listed item (:data:`HEADINGS`: the last heading number of the chapter in
    HS 2022, e.g. 7229 -> 29). The files have no import weights by tariff item (their
    README): heading coverage is the stated weighting. Every row is dated from 2026-09-08,
    the date the lists are in force: the 2025 versions of the metals order (25% from
    13 March 2025) are not in the files, so before that date no Canadian surtax applies.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from middlepower._atomic import atomic_write

#: HS chapter -> ICIO sectors (space-separated). Rules: agriculture A01 (live animals,
#: plants, vegetables, fruit, cereals, oilseeds, coffee/tea/spices), fish A03, processed
#: food, fats, beverages, tobacco C10T12; 25 salt/stone/sulphur B08; 26 ores B07; 27 fuels
#: B05 (coal), B06 (crude, gas), C19 (refined) with one rate; 28-38 chemicals C20 (31
#: fertilisers incl. potash), 30 pharma C21; 39-40 C22; 41-43, 50-67 C13T15; 44-46 C16;
#: 47-49 C17_18; 68-70 C23; 71 precious metals and jewellery C24B, C31T33; 72 C24A;
#: 73, 82, 83, 93 C25; 74-81 C24B; 84 C28, C26 (computers, 8471, are C26); 85 C26, C27;
#: 86, 88 C302T309; 87 C29; 89 C301; 90-91 C26; 92, 94-96 C31T33; 97 art R; 98-99
#: (special provisions) unmapped.
CONCORDANCE: dict[str, str] = {
    **{f"{k:02d}": "A01" for k in (1, 5, 6, 7, 8, 9, 10, 12, 13, 14)},
    "03": "A03",
    **{f"{k:02d}": "C10T12" for k in (2, 4, 11, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)},
    "25": "B08", "26": "B07", "27": "B05 B06 C19",
    **{f"{k:02d}": "C20" for k in (28, 29, 31, 32, 33, 34, 35, 36, 37, 38)},
    "30": "C21", "39": "C22", "40": "C22",
    **{f"{k:02d}": "C13T15" for k in (41, 42, 43, *range(50, 68))},
    "44": "C16", "45": "C16", "46": "C16",
    "47": "C17_18", "48": "C17_18", "49": "C17_18",
    "68": "C23", "69": "C23", "70": "C23",
    "71": "C24B C31T33", "72": "C24A", "73": "C25",
    **{f"{k:02d}": "C24B" for k in (74, 75, 76, 78, 79, 80, 81)},
    "82": "C25", "83": "C25", "84": "C28 C26", "85": "C26 C27", "86": "C302T309", "87": "C29",
    "88": "C302T309", "89": "C301", "90": "C26", "91": "C26", "92": "C31T33",
    "93": "C25", "94": "C31T33", "95": "C31T33", "96": "C31T33", "97": "R",
}

#: Headings per chapter (the last heading number in HS 2022) for the chapters the
#: Canadian orders list.
HEADINGS: dict[str, int] = {
    "04": 10, "17": 4, "19": 5, "33": 7, "35": 7, "39": 26, "44": 21, "47": 7, "48": 23,
    "49": 11, "57": 5, "61": 17, "62": 17, "68": 15, "70": 20, "72": 29, "73": 26, "74": 19,
    "76": 16, "82": 15, "83": 11, "84": 87, "85": 49, "86": 9, "87": 16, "94": 6, "95": 8,
}

ORDER_2026 = ("Canada, United States Surtax Order (2026), SOR/2026-186, P.C. 2026-0785, "
              "in force 2026-09-08")
ORDER_METALS = ("Canada, Steel and Aluminum Surtax Order (2025), SOR/2025-95, items as "
                "amended by P.C. 2026-0786")
US_232 = ("US Section 232 on steel and aluminium: 25% from 2025-03-12 (proclamations of "
          "10 Feb 2025), 50% from 2025-06-04 (proclamation of 3 June 2025; the UK kept at "
          "25%)")


def _canada(raw: Path) -> pd.DataFrame:
    d = raw / "canada_surtax_2025_26"
    a = pd.read_csv(d / "canada_us_surtax_order_2026_pc2026-0785.csv",
                    dtype={"ca_tariff_item": str, "hs2": str, "schedule": str})
    a["source"] = ORDER_2026
    b = pd.read_csv(d / "canada_us_surtax_steel_aluminum_2025_as_amended_pc2026-0786.csv",
                    dtype={"ca_tariff_item": str, "hs2": str, "schedule": str})
    b["source"] = ORDER_METALS
    items = pd.concat([a, b], ignore_index=True)
    items["hs2"] = items.hs2.str.zfill(2)
    items["heading"] = items.ca_tariff_item.str[:4]
    rows = []
    for hs2, g in items.groupby("hs2", sort=True):
        rows.append({"imposer": "CAN", "partner": "USA", "hs2": hs2,
                     "duty_pct": round(float(g.surtax_pct.mean()), 4),
                     "coverage": round(min(1.0, g.heading.nunique() / HEADINGS[hs2]), 4),
                     "items": len(g), "start": "2026-09-08", "end": "",
                     "source": "; ".join(sorted(set(g.source)))})
    return pd.DataFrame(rows)


def _us() -> pd.DataFrame:
    rows = []
    for hs2 in ("72", "76"):
        rows += [
            {"imposer": "USA", "partner": "*", "hs2": hs2, "duty_pct": 25.0, "coverage": 1.0,
             "items": 0, "start": "2025-03-12", "end": "2025-06-03", "source": US_232},
            {"imposer": "USA", "partner": "*", "hs2": hs2, "duty_pct": 50.0, "coverage": 1.0,
             "items": 0, "start": "2025-06-04", "end": "", "source": US_232},
            {"imposer": "USA", "partner": "GBR", "hs2": hs2, "duty_pct": 25.0, "coverage": 1.0,
             "items": 0, "start": "2025-06-04", "end": "", "source": US_232},
        ]
    return pd.DataFrame(rows)


def build(raw: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    conc = pd.DataFrame({"hs2": list(CONCORDANCE), "sectors": list(CONCORDANCE.values())})
    layers = pd.concat([_us(), _canada(raw)], ignore_index=True)
    atomic_write(out / "hs2_icio.csv", conc.to_csv(index=False))
    atomic_write(out / "regime_layers.csv", layers.to_csv(index=False))
    meta = {
        "built_by": "scripts/build_regime_layers.py",
        "concordance": "HS 2022 chapter -> ICIO 2025 sectors (ISIC rev. 4), by the rules "
                       "in scripts/build_regime_layers.py CONCORDANCE; 98-99 unmapped.",
        "layers": {"US": US_232, "CAN": [ORDER_2026, ORDER_METALS]},
        "weights": "Canada's items: heading coverage (share of a chapter's HS headings with "
                   "a listed item); no item-level import weights exist in the source files.",
        "not_in": ["Canada's Motor Vehicles surtax (SOR/2025-118, 25% on non-CUSMA US "
                   "vehicles) and the remission orders (SOR/2025-122) sparing inputs to "
                   "manufacturing: not in the shipped lists, so not applied.",
                   "Canada's counter-tariffs of March-April 2025 (mostly lifted 1 Sep 2025) "
                   "and the 2025 lists of the metals order: not in the files, so no "
                   "Canadian surtax applies before 2026-09-08.",
                   "China's and other partners' counter-tariffs: add rows to a layer CSV."],
        "licences": {"Canadian orders": "Government of Canada regulations (Reproduction of "
                                        "Federal Law Order), via TheAxiomFoundation/"
                                        "axiom-corpus (Apache-2.0)"},
    }
    atomic_write(out / "regime.provenance.json", json.dumps(meta, indent=1))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=here / "src" / "middlepower" / "policy" / "_files")
    args = ap.parse_args()
    build(args.raw, args.out)
    print(pd.read_csv(args.out / "regime_layers.csv", dtype=str).to_string())
