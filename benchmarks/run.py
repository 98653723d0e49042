"""Speed of the middlepower engine, and of gegravity on the same experiments.

    python benchmarks/run.py            # everything (gegravity needs the bench extra)
    python benchmarks/run.py --quick    # fewer repetitions, no gegravity

Prints one table. Times are the median of repeated runs (wall clock, this machine).
Experiments:

* single solve: a 25% tariff by the largest economy on the second largest, on synthetic
  worlds of N = 30, 60, 120, 200 economies, world2023 (39), world2023-full (193) and the
  gegravity sample (30 countries, 2006);
* batch: 1,024 scenarios (random bilateral tariffs) on a synthetic N = 40 world through
  ``mp.solve_many``, reported as solves per second;
* gegravity: the same partial-effect experiment (a PTA among a third of the pairs) solved
  by ``gegravity.OneSectorGE`` and by middlepower, with the speed ratio;
* analyses: all 2^10 coalitions of 10 candidates for Canada against the US, the leverage
  matrix of world2023 (741 trade wars) and of world2023-full (18,528), locally and on a
  2-worker local Dask cluster; 1,000 uncertainty draws; PPML with exporter-year,
  importer-year and pair fixed effects on the Yotov et al. (2016) NAFTA panel.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

import middlepower as mp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import engine_rows  # noqa: E402  (beside this script, run as a script)

SAMPLE = HERE.parent.parent / "shared" / "data" / "gegravity_sample" / "sample_data_set.csv"


def _timeit(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def synthetic(n: int, seed: int = 0) -> tuple[mp.World, pd.DataFrame]:
    """A gravity world: flows = Y_i E_j dist^-1 with noise; also the long table gegravity needs."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.5, n)
    xy = rng.uniform(0, 100, (n, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + 5.0
    np.fill_diagonal(dist, 1.0)
    flows = np.outer(size, size) / dist * rng.lognormal(0, 0.3, (n, n))
    flows[np.diag_indices(n)] *= 20
    codes = [f"C{k:03d}" for k in range(n)]
    world = mp.World.from_matrix(codes, flows)
    frame = world.to_frame().rename(columns={"value": "trade"})
    frame["lndist"] = np.log(dist).ravel()
    frame["international"] = (frame.exporter != frame.importer).astype(int)
    pta = rng.uniform(size=(n, n)) < 0.33
    pta = pta & pta.T
    np.fill_diagonal(pta, False)
    frame["pta"] = pta.ravel().astype(int)
    return world, frame


def _tariff_scenario(world: mp.World) -> mp.Scenario:
    order = np.argsort(-world.output())
    a, b = world.countries[order[0]], world.countries[order[1]]
    return mp.Scenario("t", [mp.tariff(by=a, on=b, rate=0.25)])


def _pta_effects(frame: pd.DataFrame, beta: float) -> pd.DataFrame:
    new = frame[(frame.pta == 0) & (frame.international == 1)][["exporter", "importer"]]
    return new.assign(beta=beta)


def bench_single(repeat: int) -> list[dict]:
    rows = []
    cases: list[tuple[str, mp.World]] = [(f"synthetic N={n}", synthetic(n)[0])
                                         for n in (30, 60, 120, 200)]
    cases += [("world2023", mp.load("world2023")), ("world2023-full", mp.load("world2023-full"))]
    if SAMPLE.exists():
        df = pd.read_csv(SAMPLE)
        cases.append(("gegravity sample", mp.World.from_frame(df, value="trade")))
    for name, world in cases:
        s = _tariff_scenario(world)
        r = mp.solve(world, s)
        t = _timeit(lambda w=world, s=s: mp.solve(w, s), repeat)
        rows.append({"experiment": "single solve, 25% tariff", "case": name, "N": world.n,
                     "middlepower": f"{1e3 * t:.2f} ms", "iterations": r.iterations,
                     "gegravity": "", "ratio": ""})
    return rows


def bench_batch(repeat: int) -> list[dict]:
    world, _ = synthetic(40, seed=1)
    rng = np.random.default_rng(2)
    scenarios = []
    for k in range(1024):
        i, j = rng.choice(40, 2, replace=False)
        scenarios.append(mp.Scenario(f"s{k}", [mp.tariff(by=world.countries[i],
                                                         on=world.countries[j],
                                                         rate=float(rng.uniform(0, 0.5)))]))
    t = _timeit(lambda: mp.solve_many(world, scenarios), max(1, repeat // 3))
    return [{"experiment": "batch, 1,024 tariff scenarios", "case": "synthetic N=40", "N": 40,
             "middlepower": f"{len(scenarios) / t:,.0f} solves/s ({t:.2f} s)",
             "iterations": "", "gegravity": "", "ratio": ""}]


def _gegravity_solve(frame: pd.DataFrame, beta: float, sigma: float) -> float:
    import gegravity as ge

    frame = frame.copy()
    frame["year"] = "2006"
    frame["Y"] = frame.groupby("exporter")["trade"].transform("sum")
    frame["E"] = frame.groupby("importer")["trade"].transform("sum")
    baseline = ge.BaselineData(frame, trade_var_name="trade", expend_var_name="E",
                               output_var_name="Y")
    coeffs = ge.CostCoeffs(pd.DataFrame([{"var": "lndist", "coeff": -0.8},
                                         {"var": "international", "coeff": -3.0},
                                         {"var": "pta", "coeff": beta}]),
                           identifier_col="var", coeff_col="coeff")
    t0 = time.perf_counter()
    model = ge.OneSectorGE(baseline, year="2006", reference_importer=frame.importer.iloc[0],
                           sigma=sigma, cost_variables=["lndist", "international", "pta"],
                           cost_coeff_values=coeffs, quiet=True)
    model.build_baseline(omr_rescale=100)
    experiment = model.baseline_data.copy()
    experiment["pta"] = (experiment["international"] == 1).astype(int)
    model.define_experiment(experiment)
    model.simulate()
    return time.perf_counter() - t0


def bench_gegravity(repeat: int) -> list[dict]:
    try:
        import gegravity  # noqa: F401
    except ImportError:
        return [{"experiment": "gegravity comparison", "case": "skipped: pip install -e "
                 "'.[bench]'", "N": "", "middlepower": "", "iterations": "", "gegravity": "",
                 "ratio": ""}]
    rows = []
    beta, sigma = 0.5, 5.0
    cases = []
    for n in (30, 60):
        cases.append((f"synthetic N={n}", synthetic(n, seed=3)[1]))
    if SAMPLE.exists():
        cases.append(("gegravity sample", pd.read_csv(SAMPLE)[
            ["exporter", "importer", "trade", "lndist", "international", "pta"]]))
    for name, frame in cases:
        world = mp.World.from_frame(frame, value="trade")
        scenario = mp.Scenario("pta", [mp.partial_effect(_pta_effects(frame, beta))])
        t_mp = _timeit(lambda w=world, s=scenario: mp.solve(w, s, theta=sigma - 1,
                                                             deficits="ratio"), repeat)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                t_ge = min(_gegravity_solve(frame, beta, sigma) for _ in range(2))
                ge_txt, ratio = f"{1e3 * t_ge:.0f} ms", f"{t_ge / t_mp:,.0f}x"
            except Exception as exc:  # report a failure of the other tool, keep going
                ge_txt, ratio = f"failed: {type(exc).__name__}", ""
        rows.append({"experiment": "PTA among all pairs (partial effect)", "case": name,
                     "N": world.n, "middlepower": f"{1e3 * t_mp:.2f} ms", "iterations": "",
                     "gegravity": ge_txt, "ratio": ratio})
    return rows


def _row(experiment: str, case: str, n: object, seconds: float, extra: str = "") -> dict:
    return {"experiment": experiment, "case": case, "N": n,
            "middlepower": f"{seconds:.2f} s{extra}", "iterations": "", "gegravity": "",
            "ratio": ""}


def bench_analyses(dask: bool) -> list[dict]:
    from middlepower import coalition, coercion

    w = mp.load("world2023")
    full = mp.load("world2023-full")
    cands = ["EU27", "GBR", "JPN", "KOR", "AUS", "MEX", "CHN", "IND", "BRA", "CHE"]
    rows = []
    t = _timeit(lambda: coalition.search(w, "CAN", "USA", cands, top=None), 1)
    rows.append(_row("coalition search, 2^10 subsets + outside options", "world2023", w.n, t))
    t = _timeit(lambda: coercion.leverage(w), 1)
    rows.append(_row("leverage matrix (741 trade wars)", "world2023", w.n, t))
    t = _timeit(lambda: coercion.leverage(full), 1)
    rows.append(_row("leverage matrix (18,528 trade wars)", "world2023-full", full.n, t))
    scen = mp.Scenario.from_yaml(HERE.parent / "examples" / "us_tariffs_on_canada.yaml")
    t = _timeit(lambda: mp.uncertainty(w, scen, n=1000), 1)
    rows.append(_row("uncertainty, 1,000 draws x 4 variants", "world2023", w.n, t))
    if dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            return rows
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.submit(sum, [1]).result()  # warm the workers
            t = _timeit(lambda: coalition.search(w, "CAN", "USA", cands, top=None,
                                                 executor=client), 1)
            rows.append(_row("coalition search on Dask (2 workers)", "world2023", w.n, t))
            t = _timeit(lambda: coercion.leverage(w, executor=client), 1)
            rows.append(_row("leverage matrix on Dask (2 workers)", "world2023", w.n, t))
            t = _timeit(lambda: coercion.leverage(full, executor=client), 1)
            rows.append(_row("leverage matrix on Dask (2 workers)", "world2023-full", full.n,
                             t))
    return rows


def _tmin(fn: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` runs: the CPU is shared, the minimum is the least disturbed."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _random_tariffs(world: mp.World, k: int, seed: int) -> list[mp.Scenario]:
    rng = np.random.default_rng(seed)
    out = []
    for m in range(k):
        i, j = rng.choice(world.n, 2, replace=False)
        out.append(mp.Scenario(f"s{m}", [mp.tariff(by=world.countries[i], on=world.countries[j],
                                                   rate=float(rng.uniform(0, 0.5)))]))
    return out


def bench_paths(quick: bool) -> list[dict]:
    """The issue-11 table: the plain (reference) engine and the fast path, timed in the
    same run; each backend chosen by ``SolveOptions.backend``, never by module switches."""
    from middlepower import coalition, coercion

    mp.model.warm_up()                # the compiled kernel from the first solve
    compiled, numpy_loop, reference = (mp.SolveOptions(backend=b)
                                       for b in ("compiled", "numpy", "reference"))
    w, full = mp.load("world2023"), mp.load("world2023-full")
    rep = 5 if quick else 30
    cases: list[tuple[str, Callable[[mp.SolveOptions], object], int, str]] = []
    for name, world in (("world2023", w), ("world2023-full", full)):
        s = _tariff_scenario(world)
        cases.append((f"one solve, {name} (N = {world.n})",
                      lambda o, world=world, s=s: mp.solve(world, s, options=o), rep, "ms"))
    for n, k in ((40, 1024), (193, 256)):
        world = synthetic(n, seed=1)[0]
        scen = _random_tariffs(world, k, 2)
        cases.append((f"batch of {k:,} at N = {n}",
                      lambda o, world=world, scen=scen: mp.solve_many(world, scen, options=o),
                      3, f"/{k}"))
    c12 = ["EU27", "GBR", "JPN", "KOR", "AUS", "MEX", "CHN", "IND", "BRA", "CHE", "NOR",
           "TUR"]
    cases.append(("coalition search, 2^12 subsets, world2023",
                  lambda o: coalition.search(w, "CAN", "USA", c12, top=None, options=o), 3,
                  "s"))
    cases.append(("Shapley, 12 players, world2023",
                  lambda o: coalition.shapley(w, "CAN", "USA", c12[:11], options=o), 3, "s"))
    scen = mp.Scenario.from_yaml(HERE.parent / "examples" / "us_tariffs_on_canada.yaml")
    cases.append(("uncertainty, 1,000 draws x 4 variants",
                  lambda o: mp.uncertainty(w, scen, n=1000, options=o), 3, "s"))
    cases.append(("leverage matrix, world2023 (741 wars)",
                  lambda o: coercion.leverage(w, options=o), 3, "s"))
    cases.append(("leverage matrix, world2023-full (18,528 wars)",
                  lambda o: coercion.leverage(full, options=o), 1, "s"))
    rows = []
    for label, fn, r, unit in cases:
        fn(compiled)                           # warm caches (baseline, BLAS, imports)
        t_fast = _tmin(lambda fn=fn: fn(compiled), r)
        slow = quick and "18,528" in label
        t_loop = float("nan")
        if label.startswith(("one solve", "batch")):   # the fast path's own NumPy loop
            t_loop = _tmin(lambda fn=fn: fn(numpy_loop), r)
        t_plain = float("nan") if slow else _tmin(lambda fn=fn: fn(reference), r)

        def fmt(t: float, unit: str = unit) -> str:
            if t != t:
                return "skipped (--quick)"
            if unit == "ms":
                return f"{1e3 * t:.2f} ms"
            if unit.startswith("/"):
                return f"{int(unit[1:]) / t:,.0f} solves/s"
            return f"{t:.2f} s"
        loop = "" if t_loop != t_loop else f" (NumPy loop {fmt(t_loop)})"
        rows.append({"work": label, "today's path": fmt(t_plain),
                     "fast path": fmt(t_fast) + loop,
                     "speed-up": "" if t_plain != t_plain else f"{t_plain / t_fast:.1f}x"})
    # iteration cost against its floor, four N x N matrix-vector products
    s = _tariff_scenario(full)
    res = mp.solve(full, s)
    t_one = _tmin(lambda: mp.solve(full, s), rep)
    lam = full.shares()
    v = np.ones(full.n)
    t_mv = _tmin(lambda: (v @ lam, lam @ v, v @ lam, lam @ v), 200)
    rows.append({"work": "time per iteration / four N x N mat-vecs, N = 193",
                 "today's path": "", "fast path": f"{t_one / res.iterations / t_mv:.0f}x "
                 f"({1e6 * t_one / res.iterations:.0f} us / {1e6 * t_mv:.1f} us)",
                 "speed-up": ""})
    rows.append(_kernel_load_row())
    wiod = mp.load("wiod2014")
    s = _tariff_scenario(wiod)
    res = mp.solve(wiod, s)
    rows.append({"work": f"one solve, wiod2014 {wiod.n} x {wiod.n_sectors} with input-output",
                 "today's path": "", "fast path": f"{1e3 * _tmin(lambda: mp.solve(wiod, s), 5):.1f}"
                 f" ms ({res.iterations} iterations)", "speed-up": ""})
    wars = _random_tariffs(wiod, 64, 4)
    t = _tmin(lambda: mp.solve_many(wiod, wars), 1 if quick else 3)
    rows.append({"work": "batch of 64 at wiod2014 (chunks on a thread per core)",
                 "today's path": "", "fast path": f"{t:.2f} s ({64 / t:,.0f} solves/s)",
                 "speed-up": ""})
    return rows


def _kernel_load_row() -> dict:
    """The compiled kernel's one-off costs, each in a fresh process: compiling it into an
    empty numba cache, then loading it (numba's import included) from that cache."""
    import os
    import subprocess
    import tempfile

    code = ("import time, numpy, middlepower.model.backends; t = time.perf_counter(); "
            "from middlepower.model import kernel; print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        times = [float(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                      capture_output=True, text=True).stdout)
                 for _ in range(3)]
    return {"work": "compiled kernel: first compile / load from cache (numba import incl.)",
            "today's path": "", "fast path": f"{times[0]:.2f} s / {min(times[1:]):.2f} s",
            "speed-up": ""}


def bench_patches(quick: bool) -> list[dict]:
    """Shocks into the fast path's patches: dense arrays per scenario (the path before
    ``middlepower.scenario.patches``) against sparse patches, for the analyses' batches."""
    import importlib
    from itertools import combinations

    from middlepower.scenario.lazy import LazyScenarios
    from middlepower.scenario.patches import patch_of_arrays, sparse_batch

    search = importlib.import_module("middlepower.coalition.search")
    unc = importlib.import_module("middlepower.uncertainty")
    w = mp.load("world2023")
    t0 = w.sector_tariffs

    def dense(items: list[mp.Scenario]) -> object:
        return patch_of_arrays([s.arrays(w) for s in items], t0)

    game = search.CoalitionGame(w, "CAN", "USA")
    cands = search._check_candidates(game, ["EU27", "GBR", "JPN", "KOR", "AUS", "MEX", "CHN",
                                            "IND", "BRA", "CHE", "NOR", "TUR"])
    sets = [frozenset()] + [frozenset(c) | {game.target} for k in range(len(cands) + 1)
                            for c in combinations(cands, k)]
    scen = mp.Scenario.from_yaml(HERE.parent / "examples" / "us_tariffs_on_canada.yaml")
    base = scen.expand()
    betas = np.random.default_rng(0).normal(0.557, 0.1, 1000)
    runs = unc._Runs(base, betas)
    wars = _random_tariffs(w, 1024, 3)
    rep = 2 if quick else 7
    cases = [
        ("scenarios to patches: 4,096 coalitions",
         lambda: dense([game.scenario(s) for s in sets]),
         lambda: search._patches(game, sets, LazyScenarios(sets, game.scenario))),
        ("scenarios to patches: 1,000 draws x 4 variants",
         lambda: dense(list(runs)), lambda: unc._patches(w, runs, base, betas)),
        ("scenarios to patches: 1,024 given tariff scenarios",
         lambda: dense(wars), lambda: sparse_batch(w, wars)),
    ]
    rows = []
    for label, old, new in cases:
        t_old, t_new = _tmin(old, rep), _tmin(new, rep)
        rows.append({"work": label, "today's path": f"{1e3 * t_old:.1f} ms",
                     "fast path": f"{1e3 * t_new:.1f} ms", "speed-up": f"{t_old / t_new:.0f}x"})
    return rows


def bench_ppml() -> list[dict]:
    path = HERE.parent.parent / "shared" / "data" / "yotov2016" / "Chapter2Application2.dta"
    if not path.exists():
        return []
    panel = mp.data.read_yotov(path)
    every4 = panel[panel.year.isin([1986, 1990, 1994, 1998, 2002, 2006])]
    rows = []
    for name, d in (("1986-2006 every 4 years", every4), ("1986-2006 every year", panel)):
        t = _timeit(lambda d=d: mp.estimate.ppml(
            d, "trade", ["RTA"], fe=["exporter^year", "importer^year", "pair_id"],
            cluster="pair_id"), 2)
        rows.append(_row("PPML, exporter-year + importer-year + pair FE", name, len(d), t,
                         " (rows in N)"))
    return rows


def bench_startup(repeat: int = 3) -> None:
    """The one-shot command's start, each in fresh processes (best of ``repeat``); prints
    its own table.

    Rows: the interpreter alone; ``import middlepower``; loading world2023; the whole
    ``middlepower brief CAN --against USA``. Columns: the whole process as this
    environment runs it (here ``PYTHONDONTWRITEBYTECODE=1`` makes Python recompile the
    package's sources in every process), the same with the bytecode cached in a temporary
    folder (as after ``pip install``, which compiles it), and the time inside the process
    of the step itself (after the previous row's work).
    """
    import os
    import subprocess
    import tempfile

    launch = ("import sys; sys.argv = ['middlepower'] + sys.argv[1:]; "
              "from _middlepower_launch import main; main()")
    # (work, arguments of python, whether the process prints the step's own time)
    cases = [
        ("python -c pass", ["-c", "pass"], False),
        ("import middlepower",
         ["-c", "import time; t = time.perf_counter(); import middlepower; "
                "print(time.perf_counter() - t)"], True),
        ('import + mp.load("world2023")',
         ["-c", "import time, middlepower as mp; t = time.perf_counter(); "
                "mp.load('world2023'); print(time.perf_counter() - t)"], True),
        ("middlepower brief CAN --against USA",
         ["-c", launch, "brief", "CAN", "--against", "USA"], False),
    ]

    def best(args: list[str], env: dict[str, str], timed: bool) -> tuple[float, float | None]:
        walls, inner = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            out = subprocess.run([sys.executable, *args], env=env, check=True,
                                 capture_output=True, text=True).stdout
            walls.append(time.perf_counter() - t)
            if timed:
                inner.append(float(out.strip()))
        return min(walls), min(inner) if inner else None

    table = Table(title=f"startup of a one-shot command: fresh processes, best of {repeat}")
    for col in ("work", "process", "process, cached bytecode", "step in-process"):
        table.add_column(col, justify="left" if col == "work" else "right")
    with tempfile.TemporaryDirectory() as pyc:
        plain = dict(os.environ)
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = pyc
        subprocess.run([sys.executable, "-c", launch, "brief", "CAN", "--against", "USA"],
                       env=cached, check=True, capture_output=True)  # fills the cache
        for work, args, timed in cases:
            wall, inner = best(args, plain, timed)
            wall_cached, _ = best(args, cached, timed)
            step = "" if inner is None else f"{inner:.3f} s"
            table.add_row(work, f"{wall:.3f} s", f"{wall_cached:.3f} s", step)
    Console(width=160).print(table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="middlepower benchmarks")
    ap.add_argument("--quick", action="store_true",
                    help="fewer repeats; no gegravity, Dask or PPML runs")
    args = ap.parse_args(argv)
    repeat = 3 if args.quick else 15
    bench_startup()
    rows = bench_single(repeat) + bench_batch(repeat)
    # before the Dask cluster and gegravity, so that their worker processes, which take a
    # moment to exit, do not share the two cores with these timings
    paths = bench_paths(args.quick) + bench_patches(args.quick) + engine_rows.rows(args.quick)
    if not args.quick:
        rows += bench_gegravity(3)
    rows += bench_analyses(dask=not args.quick)
    if not args.quick:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows += bench_ppml()
    table = Table(title="fast path against today's path, same run (best of repeats)")
    for col in paths[0]:
        table.add_column(col, justify="left" if col == "work" else "right")
    for r in paths:
        table.add_row(*[str(v) for v in r.values()])
    Console(width=160).print(table)
    table = Table(title="middlepower benchmarks (median wall time)")
    for col in rows[0]:
        table.add_column(col, justify="left" if col in ("experiment", "case") else "right")
    for r in rows:
        table.add_row(*[str(v) for v in r.values()])
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
