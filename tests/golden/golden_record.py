"""Record (or check against) the golden numbers of the engine.

``python tests/golden/golden_record.py`` writes ``tests/golden/golden.npz`` and ``golden.json``
from the current tree: every example scenario's welfare, real GDP and pair flows, the
benchmark scenarios, and the analyses' headline numbers (brief, leverage, Shapley, Nash).
The redesign of the engine (issue 24) must reproduce them to 1e-10 (relative);
``tests/golden/test_golden.py`` checks that. The file records the commit it came from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import middlepower as mp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _examples() -> list[Path]:
    return sorted((ROOT / "examples").glob("*.yaml"))


def _benchmark_scenarios(world: mp.World, k: int, seed: int) -> list[mp.Scenario]:
    rng = np.random.default_rng(seed)
    out = []
    for m in range(k):
        i, j = rng.choice(world.n, 2, replace=False)
        out.append(mp.Scenario(f"s{m}", [mp.tariff(by=world.countries[i], on=world.countries[j],
                                                   rate=float(rng.uniform(0.05, 0.5)))]))
    return out


def compute() -> dict[str, np.ndarray]:
    """Every golden number, by key."""
    out: dict[str, np.ndarray] = {}
    for path in _examples():
        sc = mp.Scenario.from_yaml(path)
        world = mp.load(sc.data or "world2023")
        results = mp.solve_many(world, sc.expand(), theta=sc.theta,
                                deficits=sc.deficits or "additive")
        for r in results:
            key = f"example/{path.stem}/{r.name}"
            c = r.countries.loc[list(world.countries)]
            out[key + "/welfare_pct"] = c["welfare_pct"].to_numpy()
            out[key + "/real_gdp_pct"] = c["real_gdp_pct"].to_numpy()
            out[key + "/flows"] = _pair_flows(r, world)
    for name, k in (("world2023", 16), ("world2023-full", 8), ("wiod2014", 4)):
        world = mp.load(name)
        results = mp.solve_many(world, _benchmark_scenarios(world, k, seed=7))
        out[f"bench/{name}/welfare_pct"] = np.stack(
            [r.countries.loc[list(world.countries), "welfare_pct"].to_numpy() for r in results])
    w = mp.load("world2023")
    b = mp.brief(w, "CAN", against="USA", tariff=0.25, bands=50)
    out["brief/world2023/responses"] = _responses(b)
    wi = mp.load("wiod2014")
    bs = mp.brief(wi, "CAN", against="USA", tariff=0.25, bands=0, exempt=0.85)
    out["brief/wiod2014/responses"] = _responses(bs)
    lev = mp.coercion.leverage(w)
    # the losses, not their ratio: where a side barely moves the ratio is NaN or not by a
    # rounding difference (the compiled and NumPy paths agree to 1e-11, not bit for bit)
    out["leverage/world2023/losses"] = lev.table[["loss_a", "loss_b", "gap_pp"]].to_numpy(
        dtype=float)
    sh = mp.coalition.shapley(w, "CAN", "USA", ["EU27", "GBR", "JPN", "MEX"])
    out["shapley/world2023"] = sh.select_dtypes("number").to_numpy(dtype=float)
    eq = mp.game.nash(w, ["USA", "CAN"], instrument="opponent")
    out["nash/world2023/table"] = eq.table.select_dtypes("number").to_numpy(dtype=float)
    return out


def _pair_flows(r, world) -> np.ndarray:
    f = r.flows.groupby(["exporter", "importer"])["counterfactual"].sum()
    return f.unstack().loc[list(world.countries), list(world.countries)].to_numpy()


def _responses(b) -> np.ndarray:
    # the columns recorded then; later columns (this year's, *_short_pct) are new numbers
    cols = [c for c in b.responses.columns if (c.endswith("_pct") or c.startswith("welfare"))
            and not c.endswith("_short_pct")]
    return b.responses[cols].select_dtypes("number").to_numpy(dtype=float)


def main() -> int:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    values = compute()
    np.savez_compressed(HERE / "golden.npz", **values)
    meta = {"commit": commit, "keys": sorted(values),
            "note": "recorded before the one-engine redesign (issue 24)"}
    (HERE / "golden.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{len(values)} golden arrays from {commit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
