"""Speed of the tariff game (mp.game) on world2023 (theta 5, additive deficits).

    python benchmarks/game.py            # median of 3 runs each
    python benchmarks/game.py --quick    # one run each, no multi-sector case

Prints one table: what was solved, the answer, iterations, equilibria solved, seconds,
and the target of issue 12.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import middlepower as mp

FIVE = ["USA", "CHN", "EU27", "JPN", "CAN"]
COALITIONS = [["EU27"], ["GBR"], ["JPN"], ["EU27", "GBR", "JPN"],
              ["EU27", "GBR", "JPN", "KOR", "AUS", "MEX"]]


def _time(fn: Callable[[], Any], reps: int) -> tuple[Any, float]:
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps = 1 if args.quick else 3
    w = mp.load("world2023")
    rows: list[tuple[str, str, str, str, float, str]] = []

    o, t = _time(lambda: mp.game.optimal_tariff(w, "USA", local=True), reps)
    rows.append(("US optimal uniform tariff (local)", f"{o.rates['all']:.2%}, US "
                 f"{o.welfare_pct:+.3f}%", f"{o.rounds} rounds", str(o.solves), t, "< 0.5 s"))
    o, t = _time(lambda: mp.game.optimal_tariff(w, "USA", on="CAN", instrument="opponent"),
                 reps)
    rows.append(("US optimal tariff on CAN", f"{o.rates['CAN']:.2%}", f"{o.rounds} rounds",
                 str(o.solves), t, "< 0.5 s"))
    o, t = _time(lambda: mp.game.best_response(
        w, "CAN", [mp.tariff(by="USA", on="CAN", rate=0.25)], on="USA"), reps)
    rows.append(("CAN best response to 25% US", f"{o.rates['USA']:.2%}, CAN "
                 f"{o.welfare_pct:+.3f}%", f"{o.rounds} rounds", str(o.solves), t, "< 0.5 s"))
    e, t = _time(lambda: mp.game.nash(w, FIVE, targets="players"), reps)
    rows.append(("Nash, 5 players, uniform on players", " ".join(
        f"{r.player} {r.rate:.1%}" for r in e.rates.itertuples()), f"{e.iterations} it",
        str(e.solves), t, "< 5 s"))
    e, t = _time(lambda: mp.game.nash(w, ["USA", "CHN", "EU27"], instrument="opponent"),
                 reps)
    rows.append(("Nash, 3 players, per opponent", f"{len(e.rates)} rates",
                 f"{e.iterations} it", str(e.solves), t, "< 20 s"))
    s, t = _time(lambda: mp.game.say_no(w, "CAN", "USA", COALITIONS), reps)
    rows.append(("say-no CAN vs USA, 5 coalitions", s.sentence[:60] + "...",
                 f"{int(s.table.iterations.sum())} it", "", t, "< 10 s"))
    if not args.quick:
        wiod = mp.load("wiod2014")
        o, t = _time(lambda: mp.game.optimal_tariff(
            wiod, "USA", on="CAN", instrument=mp.game.PerSector(sectors=("C24", "C29")),
            start=0.1), 1)
        rows.append(("wiod2014: US on CAN, steel+autos", ", ".join(
            f"{k} {v:.1%}" for k, v in o.rates.items()), f"{o.rounds} rounds", str(o.solves),
            t, ""))

    from rich.console import Console
    from rich.table import Table

    table = Table(title="mp.game on world2023 (theta 5, additive deficits)")
    for col in ("experiment", "answer", "iterations", "solves", "seconds", "target"):
        table.add_column(col, justify="right" if col in ("solves", "seconds") else "left")
    for name, ans, it, n, sec, target in rows:
        table.add_row(name, ans, it, n, f"{sec:.2f}", target)
    Console().print(table)


if __name__ == "__main__":
    main()
