"""Load test of the web app: concurrent users mixing brief, solve, coalition and suggest.

Starts ``middlepower serve`` on a free loopback port (or uses ``--url``, which must be a
loopback address), then runs ``--users`` asyncio httpx clients for ``--seconds``. Each
user loops: pick a request (5 in 11 a brief, 3 a solve, 2 a coalition search, 1 a pasted
story for /suggest) with parameters drawn from a small set of economies, rates and
stories, send it, record the latency and status.
The server caches identical requests, so the first request of each combination is a
cache miss ("cold") and the rest hits; both are reported.

Prints, per endpoint and cache state: requests, errors, requests/s, p50/p95/p99 latency,
and the server's resident memory before and after (from /proc, Linux only).

    .venv/bin/python benchmarks/load_web.py                 # 50 users, 60 s
    .venv/bin/python benchmarks/load_web.py --users 10 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

from middlepower.web import is_loopback

TARGETS = ["CAN", "MEX", "JPN", "KOR", "AUS", "GBR", "EU27", "CHN", "IND", "BRA"]
HEGEMONS = ["USA", "CHN"]
RATES = [0.1, 0.25, 0.5]
STORIES = [
    "Washington imposed a 25% tariff on Canadian steel; Ottawa vowed to retaliate.",
    "China halted exports of rare earths to Japan, and Tokyo sought a trade deal with India.",
    "The EU and Mercosur signed a trade agreement as US tariffs on Brazil rose to 50%.",
]
MAX_SECONDS = 300
MAX_USERS = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _loopback(url: str) -> bool:
    return is_loopback(urlparse(url).hostname or "")


def _rss_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _request(rng: random.Random) -> tuple[str, str, dict]:
    kind = rng.choices(["brief", "solve", "coalition", "suggest"], weights=[5, 3, 2, 1])[0]
    if kind == "suggest":
        return kind, "/api/v1/suggest", {"text": rng.choice(STORIES)}
    against = rng.choice(HEGEMONS)
    target = rng.choice([t for t in TARGETS if t != against])
    rate = rng.choice(RATES)
    if kind == "brief":
        return kind, "/api/v1/brief", {"target": target, "against": against, "tariff": rate}
    if kind == "solve":
        scenario = {"name": f"{against} on {target}", "shocks": [
            {"type": "tariff", "by": against, "on": target, "rate": rate}]}
        return kind, "/api/v1/solve", {"scenario": scenario}
    cands = [c for c in ("EU27", "GBR", "JPN", "KOR", "AUS", "MEX") if c != target][:5]
    return kind, "/api/v1/coalition/search", {"target": target, "against": against,
                                              "tariff": rate, "candidates": cands}


async def _user(client: httpx.AsyncClient, seed: int, stop: float,
                out: dict[tuple[str, str], list[float]], errors: dict[str, list[str]]) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < stop:
        kind, path, body = _request(rng)
        t0 = time.perf_counter()
        try:
            r = await client.post(path, json=body)
            ms = 1000 * (time.perf_counter() - t0)
            cache = r.headers.get("x-cache", "?")
            out[(kind, "hit" if cache == "hit" else "cold")].append(ms)
            if r.status_code != 200:
                errors[kind].append(f"{r.status_code}: {r.text[:120]}")
        except httpx.HTTPError as exc:
            errors[kind].append(type(exc).__name__)


async def _run(base: str, users: int, seconds: float) -> tuple[dict, dict, float]:
    out: dict[tuple[str, str], list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        t0 = time.perf_counter()
        stop = t0 + seconds
        await asyncio.gather(*(_user(client, k, stop, out, errors) for k in range(users)))
        elapsed = time.perf_counter() - t0
    return out, errors, elapsed


def _table(out: dict, errors: dict, elapsed: float) -> str:
    rows = [f"{'endpoint':<12}{'cache':<6}{'requests':>9}{'errors':>8}{'req/s':>9}"
            f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    every: list[float] = []
    for (kind, cache), lat in sorted(out.items()):
        a = np.asarray(lat)
        every.extend(lat)
        n_err = len(errors.get(kind, [])) if cache == "cold" else 0
        rows.append(f"{kind:<12}{cache:<6}{len(a):>9}{n_err:>8}{len(a) / elapsed:>9.1f}"
                    f"{np.percentile(a, 50):>9.1f}{np.percentile(a, 95):>9.1f}"
                    f"{np.percentile(a, 99):>9.1f}")
    a = np.asarray(every or [np.nan])
    n_err = sum(len(v) for v in errors.values())
    rows.append(f"{'all':<12}{'':<6}{len(every):>9}{n_err:>8}{len(every) / elapsed:>9.1f}"
                f"{np.percentile(a, 50):>9.1f}{np.percentile(a, 95):>9.1f}"
                f"{np.percentile(a, 99):>9.1f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--url", help="A running server on loopback (default: start one).")
    args = p.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS:
        p.error(f"--users in 1..{MAX_USERS} and --seconds in (0, {MAX_SECONDS}]")
    proc = None
    if args.url:
        if not _loopback(args.url):
            p.error(f"--url {args.url!r}: this load test only runs against loopback")
        base = args.url.rstrip("/")
    else:
        port = _free_port()
        exe = Path(sys.executable).with_name("middlepower")
        proc = subprocess.Popen([str(exe), "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or (proc and proc.poll() is not None):
                print("error: the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        pid = proc.pid if proc else None
        rss0 = _rss_mb(pid)
        out, errors, elapsed = asyncio.run(_run(base, args.users, args.seconds))
        rss1 = _rss_mb(pid)
        health = httpx.get(f"{base}/api/v1/health").json()
        print(f"{args.users} users for {elapsed:.1f} s against {base} "
              f"(world2023, {os.cpu_count()} CPUs)")
        print(_table(out, errors, elapsed))
        print(f"server memory (RSS): {rss0:.0f} MB before, {rss1:.0f} MB after; "
              f"cache: {health['cache']}")
        for kind, errs in errors.items():
            print(f"errors of {kind}: {errs[:3]}")
        return 0 if not errors else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())
