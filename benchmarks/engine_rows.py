"""Rows of ``benchmarks/run.py`` on the one engine: the first solve of a fresh process, a
large synthetic input-output world, the Liberation-Day model's options, and the sector
brief as a whole command."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

import middlepower as mp


def _best(fn: Callable[[], object], repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def synthetic_io(n: int, s: int, seed: int = 0) -> mp.World:
    """A gravity world of ``n`` economies and ``s`` sectors with input-output links: flows
    Y_i E_j / dist with noise by sector; input shares
    random, using up to half of each sector's absorption."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.5, n)
    xy = rng.uniform(0, 100, (n, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + 5.0
    np.fill_diagonal(dist, 1.0)
    base = np.outer(size, size) / dist
    base[np.diag_indices(n)] *= 20
    flows = base[None] * rng.lognormal(0, 0.5, (s, n, n)) * rng.uniform(0.2, 1.0, (s, 1, 1))
    # input shares that use a part of each sector's absorption: io[u, k, n] Y^u_n is
    # spread over the buying sectors u, scaled so no sector spends over 70% on inputs
    absorb = flows.sum(axis=1)                                   # (S, N)
    output = flows.sum(axis=2)                                   # (S, N)
    w = rng.uniform(0, 1, (s, s, n))
    w /= w.sum(axis=0, keepdims=True)                           # over buyers u
    io = 0.5 * w * absorb[None, :, :] / output[:, None, :]      # io[u, k, n]
    io *= min(1.0, 0.7 / io.sum(axis=1).max())
    va = 1.0 - io.sum(axis=1)
    codes = [f"C{k:03d}" for k in range(n)]
    return mp.World(codes, flows, None, sectors=[f"S{k:02d}" for k in range(s)],
                    value_added=va, io=io, theta=list(rng.uniform(3, 8, s)))


def rows(quick: bool) -> list[dict]:
    out = []
    code = ("import time; t = time.perf_counter(); import middlepower as mp; "
            "w = mp.load('world2023'); t1 = time.perf_counter(); "
            "mp.solve(w, mp.tariff('USA', 'CAN', 0.25)); t2 = time.perf_counter(); "
            "mp.solve(w, mp.tariff('USA', 'MEX', 0.25)); t3 = time.perf_counter(); "
            "print(t2 - t1, t3 - t2)")
    runs = [subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                           text=True).stdout.split() for _ in range(3)]
    first = min(float(r[0]) for r in runs)
    second = min(float(r[1]) for r in runs)
    out.append({"work": "first solve of a fresh process / the next (world2023)",
                "today's path": "", "fast path": f"{1e3 * first:.1f} ms / {1e3 * second:.2f} ms",
                "speed-up": ""})
    n, s = (141, 65)
    t = time.perf_counter()
    big = synthetic_io(n, s)
    build = time.perf_counter() - t
    scen = mp.tariff(big.countries[0], big.countries[1], 0.25)
    res = mp.solve(big, scen)
    t_one = _best(lambda: mp.solve(big, scen), 1 if quick else 2)
    out.append({"work": f"one solve, synthetic {n} x {s} with input-output",
                "today's path": "", "fast path": f"{t_one:.2f} s ({res.iterations} iterations;"
                f" world built in {build:.1f} s)", "speed-up": ""})
    ilms = mp.data.ilms2025()
    preset = mp.SolveOptions.preset("ilms2025")
    case1 = mp.Scenario("case 1", [mp.tariff("USA", c, max(0.1, r)) for c, r in
                                   ilms.ustr_rates.items() if c != "USA"])
    res = mp.solve(ilms.world, case1, options=preset)
    t_ilms = _best(lambda: mp.solve(ilms.world, case1, options=preset), 3 if quick else 7)
    t_plain = _best(lambda: mp.solve(ilms.world, case1, theta=4.0), 3 if quick else 7)
    out.append({"work": "Liberation Day Case 1, N = 194: preset ilms2025 / plain model",
                "today's path": f"{1e3 * t_plain:.1f} ms",
                "fast path": f"{1e3 * t_ilms:.1f} ms ({res.iterations} iterations)",
                "speed-up": ""})
    launch = ("import sys; sys.argv = ['middlepower'] + sys.argv[1:]; "
              "from _middlepower_launch import main; main()")
    walls = []
    for _ in range(1 if quick else 3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", launch, "brief", "CAN", "--against", "USA",
                        "--data", "wiod2014", "--sectors", "steel,autos"], check=True,
                       capture_output=True)
        walls.append(time.perf_counter() - t)
    out.append({"work": "middlepower brief CAN --against USA --data wiod2014 --sectors "
                        "steel,autos (whole process)", "today's path": "",
                "fast path": f"{min(walls):.2f} s", "speed-up": ""})
    return out
