"""scripts/build_us_tariffs.py: runs on a copy of the tracker's CSVs, checks their meaning."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "us_tariffs_2025_26"
SHIPPED = ROOT / "src" / "middlepower" / "policy" / "_files"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_us_tariffs",
                                                  ROOT / "scripts" / "build_us_tariffs.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_us_tariffs"] = mod
    spec.loader.exec_module(mod)
    return mod


def _tiny_tracker(folder: Path, national: list[float]) -> Path:
    """Two partners (Canada, the EU), two change dates, in the tracker's formats."""
    (folder / "hs2").mkdir(parents=True)
    pd.DataFrame({"date": ["2025-03-06", "2025-03-06", "2025-08-07", "2025-08-07"],
                  "country_name": ["CANADA", "EUROPEAN UNION"] * 2,
                  "effective tariff": [8.0, 0.0, 10.0, 15.0],
                  "total imports": [400e9, 600e9] * 2,
                  "2024 tariff": [0.1, 1.2] * 2}).to_csv(folder / "country-by-time.csv",
                                                         index=False)
    days = pd.date_range("2025-01-01", "2025-12-31")
    rate = [2.3 if d < pd.Timestamp("2025-03-06") else national[0]
            if d < pd.Timestamp("2025-08-07") else national[1] for d in days]
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "import_weighted_avg_tariff": rate}
                 ).to_csv(folder / "daily-tariff-latest-data.csv")
    pd.DataFrame({"CTY_CODE": ["1220", "4280"], "ISO3": ["CAN", "DEU"],
                  "country": ["Canada", "Germany"]}).to_csv(folder / "census_country_codes.csv",
                                                            index=False)
    for code, name, imports in (("1220", "CANADA", 400e9), ("0003", "EUROPEAN UNION", 600e9),
                                ("4280", "GERMANY", 600e9)):
        pd.DataFrame({"HS2": ["27", "87"], "2024_imports": [imports / 2] * 2,
                      "2024_duty": [0.0, imports * 0.002], "CTY_NAME": name,
                      "CTY_CODE": code, "2025_tariff_increase": [5.0, 15.0],
                      "2024_tariff": [0.0, 0.4]}).to_csv(folder / "hs2" / f"hs2-tariff-{code}.csv",
                                                         index=False)
    (folder / "LICENSE").write_text("MIT License\n\nCopyright (c) 2025 tradewartracker\n")
    (folder / "README.md").write_text("Copied from the tracker, commit abcdef1 of 2026.\n")
    return folder


def test_builds_from_a_copy_the_user_points_at(tmp_path: Path) -> None:
    # national = 2.3 + (400 * 8 + 600 * 0) / 1000 = 5.5, then 2.3 + (4000 + 9000) / 1000 = 15.3
    src = _tiny_tracker(tmp_path / "src", [5.5, 15.3])
    out = tmp_path / "out"
    _script().main(["--source", str(src), "--out", str(out)])
    steps = pd.read_parquet(out / "us_tariffs_steps.parquet")
    assert sorted(steps.partner.unique()) == ["ALL", "CAN", "EU27"]
    assert steps.date.min() == pd.Timestamp("2025-01-01")
    last = steps[steps.date == steps.date.max()].set_index("partner")
    assert last.loc["CAN", "increase"] == pytest.approx(0.10)
    assert last.loc["ALL", "increase"] == pytest.approx(0.13)
    partners = pd.read_parquet(out / "us_tariffs_partners.parquet").set_index("partner")
    assert partners.loc["DEU", "listed_as"] == "EU27"
    assert "abcdef1" in (out / "us_tariffs.LICENSE.txt").read_text()
    assert '"commit": "abcdef1"' in (out / "us_tariffs.provenance.json").read_text()


def test_refuses_tables_whose_rates_are_not_increases(tmp_path: Path) -> None:
    # a national series that the partner increases cannot rebuild: columns changed meaning
    src = _tiny_tracker(tmp_path / "src", [5.5, 17.0])
    with pytest.raises(SystemExit, match="differs by"):
        _script().main(["--source", str(src), "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_source_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not a folder"):
        _script().main(["--source", str(tmp_path / "nowhere")])


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data/us_tariffs_2025_26")
def test_shipped_tables_are_what_the_script_builds(tmp_path: Path) -> None:
    _script().main(["--source", str(SHARED), "--out", str(tmp_path)])
    for name in ("steps", "partners", "hs2"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"us_tariffs_{name}.parquet"),
                                      pd.read_parquet(SHIPPED / f"us_tariffs_{name}.parquet"))
