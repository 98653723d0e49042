"""Build the US tariff tables that ship in ``middlepower.policy`` from the public tracker.

Run from the repository root::

    python scripts/build_us_tariffs.py [--source ../shared/data/us_tariffs_2025_26]
                                       [--out src/middlepower/policy/_files] [--commit SHA]

``--source`` may point at any newer copy of the tracker's CSVs (repository
tradewartracker/trade-war-redux-2025, MIT licence): the folder needs
``country-by-time.csv``, ``daily-tariff-latest-data.csv``, ``census_country_codes.csv``,
the ``hs2/`` (or ``data-hs2/``) folder of ``hs2-tariff-CODE.csv`` files and ``LICENSE``.
The tracker's commit is read from a ``README.md`` in the folder ("commit abc123") unless
``--commit`` gives it.

What the tracker's columns mean (checked here, see ``_check_daily``): the ``effective
tariff`` of ``country-by-time.csv`` is the import-weighted INCREASE over the partner's
2024 tariff, in points, of the duties added since January 2025 (Canada shows 0.00 on
4 February 2025, when its 2024 rate was 0.10%; China 4.78 after the IEEPA ruling, below its
10.87% of Section 301 duties already in force in 2024). The daily national series is all
duties: 2.3% (the tracker's 2024 MFN baseline) plus the import-weighted mean increase over
the listed partners, to within 0.01 points on every date.

Outputs (rates as shares, 0.10 = 10%; imports in USD bn):

* ``us_tariffs_steps.parquet``: date, partner, name, increase, rate_2024, imports_2024.
  One row per listed partner (ISO3; the EU as ``EU27``) and per change date, plus the
  tracker's all-partner average as ``ALL``; a first step on the first day of the daily
  series (1 January 2025) holds the 2024 tariffs (increase 0).
* ``us_tariffs_partners.parquet``: every Census partner with an ISO3 code: 2024 US imports
  and 2024 tariff (duties / imports, summed over HS2), and which tracker row it takes its
  increase from (``listed_as``: itself, ``EU27`` for EU members the tracker folds into its
  EU row, or empty: the all-partner average).
* ``us_tariffs_hs2.parquet``: partner, hs2, imports_2024, rate_2024, increase_2025 (the
  tracker's single undated HS2 snapshot of the 2025 increase).
* ``us_tariffs.provenance.json`` and ``us_tariffs.LICENSE.txt`` (the MIT notice).
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from middlepower._atomic import atomic_write
from middlepower.data.groups import groups

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "us_tariffs_2025_26"
DEFAULT_OUT = ROOT / "src" / "middlepower" / "policy" / "_files"
REPO = "tradewartracker/trade-war-redux-2025"
EU_CODE = "0003"          # the tracker's Census code for the European Union as one partner
EU = "EU27"
ALL = "ALL"
#: Largest gap accepted between the tracker's daily national rate and the one rebuilt from
#: its partner table (points); the measured gap is below 0.01.
DAILY_TOLERANCE = 0.05


class BuildError(SystemExit):
    """A source file missing or not as the tracker writes it (exit with the message)."""


def _read_csv(path: Path, **kw: Any) -> pd.DataFrame:
    if not path.exists():
        raise BuildError(f"{path} not found; --source must be a copy of the tracker's CSVs "
                         f"({REPO}).")
    return pd.read_csv(path, **kw)


def _need(df: pd.DataFrame, cols: list[str], path: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise BuildError(f"{path} lacks column(s) {missing}; it has {list(df.columns)}.")


def _hs2_dir(source: Path) -> Path:
    for name in ("hs2", "data-hs2"):
        if (source / name).is_dir():
            return source / name
    raise BuildError(f"no hs2/ or data-hs2/ folder in {source}.")


def read_hs2(source: Path, iso: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """All ``hs2-tariff-CODE.csv`` files as one table with ISO3 codes; skipped codes."""
    frames = []
    for f in sorted(_hs2_dir(source).glob("hs2-tariff-*.csv")):
        df = pd.read_csv(f, dtype={"HS2": str, "CTY_CODE": str})
        _need(df, ["HS2", "2024_imports", "2024_duty", "CTY_NAME", "CTY_CODE",
                   "2025_tariff_increase"], f.name)
        frames.append(df)
    if not frames:
        raise BuildError(f"no hs2-tariff-*.csv files in {_hs2_dir(source)}.")
    h = pd.concat(frames, ignore_index=True)
    h["CTY_CODE"] = h["CTY_CODE"].str.zfill(4)
    h["partner"] = h["CTY_CODE"].map(iso)
    h.loc[h.CTY_CODE == EU_CODE, "partner"] = EU
    skipped = sorted(set(h.loc[h.partner.isna(), "CTY_NAME"]))
    h = h[h.partner.notna() & (h["2024_imports"] > 0)].copy()  # zero-import rows carry NaN
    return h, skipped


def build(source: Path, commit: str) -> dict[str, Any]:
    cbt = _read_csv(source / "country-by-time.csv")
    _need(cbt, ["date", "country_name", "effective tariff", "total imports", "2024 tariff"],
          "country-by-time.csv")
    daily = _read_csv(source / "daily-tariff-latest-data.csv")
    _need(daily, ["date", "import_weighted_avg_tariff"], "daily-tariff-latest-data.csv")
    codes = _read_csv(source / "census_country_codes.csv", dtype={"CTY_CODE": str})
    _need(codes, ["CTY_CODE", "ISO3"], "census_country_codes.csv")
    iso = dict(zip(codes.CTY_CODE.str.zfill(4), codes.ISO3, strict=True))

    h, skipped = read_hs2(source, iso)
    # partner names in country-by-time are the Census names of the HS2 files
    name_to_code = (h.drop_duplicates("CTY_NAME").set_index("CTY_NAME")["partner"]).to_dict()
    unknown = sorted(set(cbt.country_name) - set(name_to_code))
    if unknown:
        raise BuildError(f"partners {unknown} of country-by-time.csv have no HS2 file, so no "
                         "ISO3 code; add them to census_country_codes.csv.")
    cbt = cbt.rename(columns={"effective tariff": "points", "total imports": "imports",
                              "2024 tariff": "t24"})
    cbt = cbt.assign(partner=cbt.country_name.map(name_to_code), date=pd.to_datetime(cbt.date))
    listed = sorted(set(cbt.partner))

    # every Census partner, from the HS2 files (the EU row double counts its members)
    members = h[h.partner != EU]
    partners = members.groupby("partner").agg(name=("CTY_NAME", "first"),
                                              imports=("2024_imports", "sum"),
                                              duty=("2024_duty", "sum"))
    partners["rate_2024"] = partners.duty / partners.imports
    partners["imports_2024"] = partners.imports / 1e9
    eu_members = set(groups[EU].members)
    partners["listed_as"] = [p if p in listed else (EU if p in eu_members and EU in listed
                                                    else "") for p in partners.index]
    partners = partners[["name", "imports_2024", "rate_2024", "listed_as"]].reset_index()

    daily = daily.assign(date=pd.to_datetime(daily.date)).sort_values("date")
    first_day, last_day = daily.date.iloc[0], daily.date.iloc[-1]
    base_avg = float(daily.import_weighted_avg_tariff.iloc[0])
    by_day = daily.set_index("date").import_weighted_avg_tariff
    total = float(partners.imports_2024.sum())

    rows = []
    first = cbt[cbt.date == cbt.date.min()]
    for r in first.itertuples():  # the pre-2025 step: 2024 tariffs, no increase
        rows.append((first_day, r.partner, r.country_name, 0.0, r.t24 / 100, r.imports / 1e9))
    rows.append((first_day, ALL, "All partners (tracker average)", 0.0, base_avg / 100, total))
    for r in cbt.itertuples():
        rows.append((r.date, r.partner, r.country_name, r.points / 100, r.t24 / 100,
                     r.imports / 1e9))
    for d in sorted(set(cbt.date)):
        avg = float(by_day.asof(d))
        rows.append((d, ALL, "All partners (tracker average)", (avg - base_avg) / 100,
                     base_avg / 100, total))
    steps = pd.DataFrame(rows, columns=["date", "partner", "name", "increase", "rate_2024",
                                        "imports_2024"])
    steps = steps.sort_values(["date", "partner"], ignore_index=True)
    gap = _check_daily(steps, by_day, base_avg)

    hs2 = h.rename(columns={"HS2": "hs2", "2024_imports": "imports", "2024_duty": "duty",
                            "2025_tariff_increase": "increase_2025"})
    hs2 = hs2.assign(imports_2024=hs2.imports / 1e9,
                     rate_2024=hs2.duty / hs2.imports,
                     increase_2025=hs2.increase_2025 / 100)
    hs2 = hs2[["partner", "hs2", "imports_2024", "rate_2024", "increase_2025"]]
    hs2 = hs2.sort_values(["partner", "hs2"], ignore_index=True)

    provenance = {
        "name": "us_tariffs",
        "description": "US import tariffs in force since 2025: import-weighted increase over "
                       "2024 tariffs by partner at every change date, 2024 tariffs and "
                       "imports by partner and HS2 chapter.",
        "source": f"The public US tariff tracker, github.com/{REPO}, commit {commit}: "
                  "country-by-time.csv, daily-tariff-latest-data.csv, data-hs2/, built "
                  "from the executive orders and proclamations (IEEPA, Sections 232, 301, "
                  "122, 338) on 2024 US import weights at HS10.",
        "commit": commit,
        "licence": "MIT (Copyright (c) 2025 tradewartracker); notice in "
                   "us_tariffs.LICENSE.txt",
        "built_by": "scripts/build_us_tariffs.py",
        "first_day": first_day.date().isoformat(),
        "last_day": last_day.date().isoformat(),
        "change_dates": [d.date().isoformat() for d in sorted(set(steps.date))],
        "listed": listed,
        "skipped_census_partners": skipped,
        "daily_check_max_gap_points": round(gap, 4),
        "method": {
            "increase": "country-by-time 'effective tariff' / 100: the import-weighted "
                        "increase over the partner's 2024 tariff (new duties only).",
            "rate_2024": "the tracker's 2024 tariff (duties / imports 2024); ALL: the "
                         "tracker's 2024 national average (first day of the daily series).",
            "ALL": "all-partner average increase = daily national rate minus its value on "
                   "the first day; it equals the import-weighted mean over listed partners, "
                   "the tracker's own rule for the partners it does not list.",
            "first step": "a step on the first day of the daily series with the 2024 "
                          "tariffs (increase 0), so that dates before February 2025 work.",
            "EU": f"the tracker's EU row ({EU_CODE}) becomes {EU}; SVK has its own row in "
                  "the tracker and keeps it.",
            "hs2": "increase_2025 is the tracker's one undated HS2 snapshot; zero-import "
                   "rows dropped.",
        },
        "gaps": [
            "Import weights are 2024 US imports; trade diversion since is not in the rates.",
            "The tracker has no retaliation by partners: add it as tariffs set by the "
            "partner (mp.tariff(by='CAN', on='USA', rate=...)).",
            "About 50 partners are listed (98.9% of 2024 imports); others take the "
            "all-partner average increase.",
            "Steps after the commit date are changes scheduled as the tracker saw them then.",
        ],
    }
    return {"steps": steps, "partners": partners, "hs2": hs2, "provenance": provenance}


def _check_daily(steps: pd.DataFrame, by_day: pd.Series, base_avg: float) -> float:
    """Largest gap between the daily national rate and 2.3 + listed partners' mean increase.

    Confirms that the partner rates are increases (not all duties): an all-duties reading
    would be off by the whole 2024 average.
    """
    gaps = []
    for d, s in steps[steps.partner != ALL].groupby("date"):
        rebuilt = base_avg + 100 * np.average(s.increase, weights=s.imports_2024)
        gaps.append(abs(rebuilt - float(by_day.asof(d))))
    gap = max(gaps)
    if gap > DAILY_TOLERANCE:
        raise BuildError(f"the daily national rate differs by {gap:.3f} points from the one "
                         "rebuilt from the partner table; the tracker's columns may have "
                         "changed meaning; check before shipping.")
    return gap


def _commit(source: Path) -> str:
    readme = source / "README.md"
    if readme.exists():
        m = re.search(r"commit\s+([0-9a-f]{7,40})", readme.read_text(encoding="utf-8"))
        if m:
            return m.group(1)
    raise BuildError(f"no commit found in {readme}; give it with --commit SHA.")


def _atomic(path: Path, content: str | bytes) -> None:
    atomic_write(path, content)
    os.chmod(path, 0o644)  # shipped files are read by everyone, whatever the umask


def write(out: Path, built: dict[str, Any], licence: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for key in ("steps", "partners", "hs2"):
        df = built[key]
        _atomic(out / f"us_tariffs_{key}.parquet", df.to_parquet(None, index=False))
    _atomic(out / "us_tariffs.provenance.json",
            json.dumps(built["provenance"], indent=2) + "\n")
    notice = (f"The tables us_tariffs_*.parquet are derived from {REPO}\n"
              f"(commit {built['provenance']['commit']}), distributed under this licence:\n\n"
              + licence)
    _atomic(out / "us_tariffs.LICENSE.txt", notice)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                    help="folder with the tracker's CSVs (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--commit", default=None, help="the tracker's commit (default: README)")
    args = ap.parse_args(argv)
    if not args.source.is_dir():
        raise BuildError(f"--source {args.source} is not a folder.")
    licence_path = args.source / "LICENSE"
    if not licence_path.exists():
        raise BuildError(f"{licence_path} not found: the MIT notice must ship with the data.")
    built = build(args.source, args.commit or _commit(args.source))
    write(args.out, built, licence_path.read_text(encoding="utf-8"))
    p = built["provenance"]
    print(f"wrote {args.out}: {len(built['steps'])} steps ({len(p['change_dates'])} dates, "
          f"{p['first_day']} to {p['last_day']}), {len(built['partners'])} partners, "
          f"{len(built['hs2'])} HS2 rows; daily check gap {p['daily_check_max_gap_points']} pt")


if __name__ == "__main__":
    main()
