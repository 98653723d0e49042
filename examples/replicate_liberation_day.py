"""Tables 1, 2, 3 and 8 of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), "Making
America Great Again? The Economic Impacts of Liberation Day Tariffs" (JIE), with
middlepower's engine under ``SolveOptions.preset("ilms2025")``.

The baseline is the paper's (``mp.data.ilms2025()``: its 194 economies, selling costs
calibrated to SG&A shares, no baseline tariffs); the US tariffs are the April 2025 rates
of its files with a 10% floor; the optimal tariff and retaliation are the paper's closed
forms (``mp.game.ilms_optimal_tariff``, ``mp.game.ilms_optimal_retaliation``). Averages
are weighted by spending E, as the paper's code weights them; prices are relative to the
E-weighted world price index, the paper's numeraire.

    python examples/replicate_liberation_day.py --out out/liberation_day

writes ``table_1.csv``, ``table_2.csv``, ``table_3.csv``, ``table_8.csv`` (long: case,
region, outcome, value in percent, unrounded) and ``countries_case1.csv``, and prints
each table beside the published values.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp
from middlepower._atomic import write_outputs
from middlepower.game import ilms_optimal_retaliation, ilms_optimal_tariff
from middlepower.model.baseline import baseline
from middlepower.model.market import market_of

PUBLISHED = Path(__file__).parent / "data" / "liberation_day_published.csv"
OUTCOMES = ("welfare", "deficit", "exports_gdp", "imports_gdp", "employment", "prices")


def _tariffs(base: mp.data.ILMS, on_us: dict[str, float] | None = None,
             by_us: dict[str, float] | None = None, floor: float = 0.10) -> list:
    """Shocks: the US rate on each partner (the USTR rates floored at 10% by default),
    and the partners' rates on the US."""
    rates = on_us if on_us is not None else {c: max(floor, r) for c, r in
                                            base.ustr_rates.items() if c != "USA"}
    shocks = [mp.tariff(by="USA", on=c, rate=r) for c, r in rates.items() if r > 0]
    shocks += [mp.tariff(by=c, on="USA", rate=r) for c, r in (by_us or {}).items() if r > 0]
    return shocks


def outcomes(r: mp.Result, options: mp.SolveOptions) -> pd.DataFrame:
    """The paper's outcomes by economy, in percent (``Balanced_Trade_EQ``'s definitions):
    nominal values rescaled to the E-weighted price index (its numeraire)."""
    world = r.world
    m = market_of(baseline(world), options)
    E = m.spending
    k = E.sum() / (E * r.price_index_hat).sum()            # the paper's numeraire
    X0, X1 = world.flows, k * r.flows_matrix
    off = ~np.eye(world.n, dtype=bool)
    y0, y1 = m.labour, k * r.w_hat * r.employment_hat * m.labour
    d0, d1 = X0.sum(axis=0) - X0.sum(axis=1), X1.sum(axis=0) - X1.sum(axis=1)
    ex0, ex1 = (X0 * off).sum(axis=1), (X1 * off).sum(axis=1)
    im0, im1 = (X0 * off).sum(axis=0), (X1 * off).sum(axis=0)
    revenue = k * (r.sector_tariffs[0] * r.flows_matrix).sum(axis=0)
    return pd.DataFrame({
        "welfare": 100 * (r.welfare_hat - 1),
        "deficit": 100 * (d1 - d0) / np.abs(d0),
        "exports_gdp": 100 * ((ex1 / y1) / (ex0 / y0) - 1),
        "imports_gdp": 100 * ((im1 / y1) / (im0 / y0) - 1),
        "employment": 100 * (r.employment_hat - 1),
        "prices": 100 * (k * r.price_index_hat - 1),
        "revenue": 100 * revenue / E,
        "spending": E,
    }, index=pd.Index(world.countries, name="iso3"))


def regions(df: pd.DataFrame, base: mp.data.ILMS, names: tuple[str, ...]) -> pd.DataFrame:
    """USA, CHN, CAN, MEX by themselves; EU, non-US and RoW (not US, CHN, EU) averages
    weighted by spending E."""
    groups = {"non-US": [c for c in df.index if c != "USA"], "EU": list(base.eu),
              "RoW": [c for c in df.index if c not in ("USA", "CHN", *base.eu)]}
    rows = {}
    for name in names:
        if name in groups:
            part = df.loc[groups[name]]
            rows[name] = part.drop(columns="spending").mul(part["spending"], axis=0).sum() \
                / part["spending"].sum()
        else:
            rows[name] = df.loc[name].drop("spending")
    return pd.DataFrame(rows).T


def _long(table: str, case: str, reg: pd.DataFrame, outcomes_: tuple[str, ...]) -> list[dict]:
    return [{"table": table, "case": case, "region": region, "outcome": o,
             "value": float(reg.loc[region, o])} for region in reg.index for o in outcomes_]


def run() -> dict[str, pd.DataFrame]:
    base = mp.data.ilms2025()
    world = base.world
    opts = mp.SolveOptions.preset("ilms2025")
    t1 = ilms_optimal_tariff(world, "USA", opts)                    # Table 1, Case 3
    t2 = ilms_optimal_tariff(world, "USA", opts, denominator="income")   # Table 2 (3)
    retal = ilms_optimal_retaliation(world, "USA", opts)
    ustr = {c: max(0.10, r) for c, r in base.ustr_rates.items() if c != "USA"}
    partners = [c for c in world.countries if c != "USA"]
    china = {"CHN": ustr["CHN"]}
    eu_chn = {c: ustr[c] for c in ("CHN", *base.eu)}
    ten = dict.fromkeys(partners, 0.10)
    cases = {
        ("1", "1"): (_tariffs(base), opts),
        ("1", "2"): (_tariffs(base), opts.merged(revenue="lump_sum")),
        ("1", "3"): (_tariffs(base, dict.fromkeys(partners, t1)), opts),
        ("2", "1"): (_tariffs(base, by_us=ustr), opts),
        ("2", "3"): (_tariffs(base, by_us=dict.fromkeys(partners, retal)), opts),
        ("2", "4"): (_tariffs(base, dict.fromkeys(partners, t2),
                              dict.fromkeys(partners, retal)), opts),
        ("8", "1"): (_tariffs(base, ten | eu_chn, ten | eu_chn), opts),
        ("8", "2"): (_tariffs(base, ten | china, ten | china), opts),
        ("8", "3"): (_tariffs(base, ten | {"CHN": 1.08}, ten | {"CHN": 1.08}), opts),
    }
    tables: dict[str, list[dict]] = {"1": [], "2": [], "3": [], "8": []}
    by_case: dict[tuple[str, str], pd.DataFrame] = {}
    seconds = []
    for (table, case), (shocks, o) in cases.items():
        t0 = time.perf_counter()
        r = mp.solve(world, mp.Scenario(f"table {table} case {case}", shocks), options=o)
        seconds.append(time.perf_counter() - t0)
        df = by_case[table, case] = outcomes(r, o)
        if table == "1":
            tables["1"] += _long("1", case, regions(df, base, ("USA", "non-US")), OUTCOMES)
        elif table == "2":
            tables["2"] += _long("2", case, regions(df, base, ("USA", "CHN", "EU", "non-US")),
                                 ("welfare", "deficit", "employment", "prices"))
        else:
            tables["8"] += _long("8", case, regions(df, base, ("USA", "CHN", "EU", "RoW")),
                                 ("welfare", "deficit", "employment", "prices"))
    for case, key in (("1", ("1", "1")), ("2", ("1", "3")), ("3", ("2", "3")),
                      ("4", ("2", "1"))):
        tables["3"].append({"table": "3", "case": case, "region": "USA",
                            "outcome": "revenue",
                            "value": float(by_case[key].loc["USA", "revenue"])})
    out = {f"table_{k}": pd.DataFrame(v).drop(columns="table") for k, v in tables.items()}
    c1 = by_case["1", "1"]
    out["countries_case1"] = c1[["welfare", "employment", "prices"]].reset_index()
    out["rates"] = pd.DataFrame({"rate": [t1, t2, retal]},
                                index=["optimal US (Table 1)", "optimal US (Table 2)",
                                       "optimal retaliation"])
    out["seconds"] = pd.DataFrame({"seconds": seconds})
    return out


def compare(out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every published cell beside ours: table, case, region, outcome, published, ours, gap."""
    pub = pd.read_csv(PUBLISHED, comment="#", dtype={"table": str, "case": str})
    ours = pd.concat([out[f"table_{t}"].assign(table=t) for t in ("1", "2", "3", "8")])
    both = pub.merge(ours, on=["table", "case", "region", "outcome"], how="left")
    both = both.rename(columns={"value": "ours"})
    both["gap"] = both["ours"] - both["published"]
    return both


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None, help="directory for the CSV tables")
    a = ap.parse_args()
    out = run()
    both = compare(out)
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        print(both.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    worst = both["gap"].abs().max()
    print(f"\n{len(both)} published cells; largest gap {worst:.4f} "
          f"(the paper prints 2 decimals for welfare, employment and revenue, 1 otherwise)")
    print(out["rates"].to_string(float_format=lambda v: f"{100 * v:.2f}%"))
    s = out["seconds"]["seconds"]
    print(f"solve time per scenario: {s.min():.3f}-{s.max():.3f} s")
    if a.out is not None:
        files = []
        for name in ("table_1", "table_2", "table_3", "table_8", "countries_case1"):
            buf = io.StringIO()
            out[name].to_csv(buf, index=False)
            files.append((a.out / f"{name}.csv", buf.getvalue(), "--out"))
        a.out.mkdir(parents=True, exist_ok=True)
        write_outputs(files)
        print(f"wrote {len(files)} files to {a.out}")


if __name__ == "__main__":
    main()
