"""Write ``docs/validation.md``: middlepower's numbers beside published estimates of the
same scenarios, with one line each on why they differ.

    python scripts/validation.py            # writes docs/validation.md
    python scripts/validation.py --check    # exits 1 if docs/validation.md is not current

Every row is computed here, from shipped data, in a few seconds (tests/test_validation.py
runs it). The scenarios: ``examples/validation/`` (written by this script) and the
replication examples it calls (``examples/replicate_liberation_day.py``,
``examples/cp_nafta.py``, ``examples/replicate_yotov_borders.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import middlepower as mp

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"
SCENARIOS = ROOT / "examples" / "validation"

LD = ("Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), JIE, Case 1 (USTR tariffs, "
      "income-tax relief), by economy")
CP = "Caliendo & Parro (2015), RES 82(1), Table 2 (welfare of NAFTA's tariff cuts)"
YO = ("Yotov, Piermartini, Monteiro & Larch (2016), ch. 2 app. 1 (trade without borders), "
      "real GDP, full endowment")
#: The paper's Case 1 welfare by economy (%), the values its code prints for these four
#: (its Table 1 aggregates are reproduced to the printed digit: replication_liberation_day.md).
LD_PUBLISHED = {"USA": 1.13, "CAN": -1.00, "MEX": -2.54, "CHN": -1.13}


def _example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}",
                                                  ROOT / "examples" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _case1_text() -> str:
    """examples/validation/liberation_day_case1.yaml: the April 2025 US rates (10% floor)
    on every economy of world2023-full, as levels on the data's tariffs."""
    base = mp.data.ilms2025()
    full = mp.load("world2023-full")
    lines = ["# The Liberation-Day tariffs of 2 April 2025 (USTR rates, 10% floor), by partner,",
             "# Case 1 of Ignatenko et al. (2025). Written by scripts/validation.py.",
             "name: Liberation Day, Case 1", "data: world2023-full", "shocks:"]
    for code, rate in base.ustr_rates.items():
        if code != "USA" and code in full.countries:
            lines.append(f"  - {{type: tariff, by: USA, on: {code}, rate: {max(0.1, rate):.4g}}}")
    return "\n".join(lines) + "\n"


CASE1 = SCENARIOS / "liberation_day_case1.yaml"


def rows() -> list[dict]:
    out = []
    ld = _example("replicate_liberation_day")
    base = mp.data.ilms2025()
    preset = mp.SolveOptions.preset("ilms2025")
    r = mp.solve(base.world, mp.Scenario("case 1", ld._tariffs(base)), options=preset)
    case1 = mp.Scenario.from_yaml(CASE1)
    plain = mp.solve(mp.load("world2023-full"), case1,
                     options=mp.SolveOptions.for_scenario(case1))
    for code, pub in LD_PUBLISHED.items():
        out.append({"estimate": f"{LD}: {code}", "published": pub,
                    "middlepower": 100 * (r.welfare_hat[base.world.index(code)] - 1),
                    "how": "ilms2025 baseline, SolveOptions.preset('ilms2025')",
                    "why": "same model and data: the gap is rounding"})
    for code, pub in LD_PUBLISHED.items():
        k = plain.world.index(code)
        out.append({"estimate": f"{LD}: {code}", "published": pub,
                    "middlepower": 100 * (plain.welfare_hat[k] - 1),
                    "how": "world2023-full, default model, examples/validation/"
                           "liberation_day_case1.yaml",
                    "why": "no labour supply, selling costs or scale economies; theta 5, not "
                           "4; 2014 tariffs in the baseline; re-export hubs netted"})
    cp = _example("cp_nafta").run(steps=(1,))["table2"]
    for code in ("MEX", "CAN", "USA"):
        out.append({"estimate": f"{CP}: {code}", "published": float(cp.loc[code, ("paper",
                                                                                  "welfare")]),
                    "middlepower": float(cp.loc[code, ("authors", "welfare")]),
                    "how": "cp1993 with the authors' data treatment, examples/cp_nafta.py",
                    "why": "same model and data (first-order welfare, as the table)"})
    yo = _example("replicate_yotov_borders")
    for code in ("CAN", "USA"):
        out.append({"estimate": f"{YO}: {code}",
                    "published": float(yo.published.loc[code, "change_rGDP_FULL"]),
                    "middlepower": float(yo.exact.table.loc[code, "real_gdp_pct"]),
                    "how": "the book's 2006 sample, PPML on pyfixest, exact equilibrium",
                    "why": "the book's iteration stops on a loose criterion; method='book' "
                           "reproduces it to 1e-5"})
    return out


def render(table: list[dict]) -> str:
    lines = ["# Validation: middlepower beside published estimates", "",
             "Each row is a published estimate of a scenario, middlepower's number for the "
             "closest scenario it can run (dataset and options in the row), and why they "
             "differ. Regenerate with `python scripts/validation.py`; "
             "`tests/test_validation.py` checks that this page is current. Welfare (real "
             "income; real GDP for the borders row), % change.", "",
             "| published estimate | published | middlepower | how | why they differ |",
             "|---|---:|---:|---|---|"]
    for r in table:
        lines.append(f"| {r['estimate']} | {r['published']:+.2f} | {r['middlepower']:+.3f} | "
                     f"{r['how']} | {r['why']} |")
    lines += ["", "Not here yet: the Budget Lab's and Kiel's (KITE) estimates of the 2025 "
              "tariffs, whose published numbers this project has not recorded with their "
              "scenario definitions; Lashkaripour's Nash tariff for Canada.", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if the page is not current")
    a = ap.parse_args()
    scenario = _case1_text()
    if not a.check:
        SCENARIOS.mkdir(parents=True, exist_ok=True)
        mp._atomic.atomic_write(CASE1, scenario)
    table = rows()
    text = render(table)
    if a.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        written = CASE1.read_text(encoding="utf-8") if CASE1.exists() else ""
        if current != text or written != scenario:
            print("docs/validation.md is not current: run python scripts/validation.py",
                  file=sys.stderr)
            return 1
        print("docs/validation.md is current")
        return 0
    mp._atomic.atomic_write(DOC, text)
    print(f"{DOC}: {len(table)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
