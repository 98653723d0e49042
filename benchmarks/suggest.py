"""Precision and recall of ``mp.suggest`` on the labelled corpus, by measure type.

    python benchmarks/suggest.py              # both parts of the corpus
    python benchmarks/suggest.py --misses     # and the misses of the tuning part

The corpus is ``tests/data/suggest/``: ``tune.yaml`` (read while the rules were written)
and ``untouched.yaml`` (a third, never used for tuning; its misses are never printed).
A suggestion matches a labelled measure when type, actor and targets agree, and, where
the label states them, the rate (to 1e-9) and ``add: true``. Scored on world2023.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "suggest"
PARTS = ("tune", "untouched")
TYPES = ("tariff", "export_ban", "embargo", "deal", "agreement_end", "coalition")


def load(part: str) -> list[dict[str, Any]]:
    """The stories of one part of the corpus."""
    return yaml.safe_load((CORPUS / f"{part}.yaml").read_text(encoding="utf-8"))


def _key(kind: str, actor: str, targets: Any) -> tuple:
    who = "" if kind in ("agreement_end", "coalition") else actor
    return kind, who, tuple(sorted(targets))


def _agrees(label: dict[str, Any], s: Any) -> bool:
    if "rate" in label and (s.rate is None or abs(s.rate - label["rate"]) > 1e-9):
        return False
    return not (label.get("add") and not s.add)


def score(stories: list[dict[str, Any]], world: Any) -> tuple[Counter, list[str]]:
    """Counts ``(type, 'tp'|'fp'|'fn')`` over ``stories``, and one line per miss."""
    import middlepower as mp

    counts: Counter = Counter()
    misses: list[str] = []
    for story in stories:
        found = {_key(s.kind, s.actor, s.targets): s for s in mp.suggest(story["text"], world)}
        want = {_key(m["type"], m.get("by", ""), m["on"]): m for m in story["measures"]}
        for k, label in want.items():
            ok = k in found and _agrees(label, found[k])
            counts[k[0], "tp" if ok else "fn"] += 1
            if not ok:
                got = found[k].title if k in found else "nothing"
                misses.append(f"{story['id']}: missed {k} {label.get('rate', '')} (got {got})")
            if k in found and not ok:
                counts[k[0], "fp"] += 1   # found with a wrong rate: also a wrong suggestion
        for k, s in found.items():
            if k not in want:
                counts[k[0], "fp"] += 1
                misses.append(f"{story['id']}: extra {s.title}")
    return counts, misses


def rates(counts: Counter, kind: str | None = None) -> tuple[float, float, int, int, int]:
    """(precision, recall, tp, fp, fn) of one measure type, or of all with ``None``."""
    pick = [kind] if kind else list(TYPES)
    tp, fp, fn = (sum(counts[t, q] for t in pick) for q in ("tp", "fp", "fn"))
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0,
            tp, fp, fn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true",
                        help="print the misses of the tuning part (never of the untouched)")
    args = parser.parse_args(argv)
    import middlepower as mp

    world = mp.load("world2023")
    print(f"{'part':<10} {'measure':<14} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} "
          f"{'fn':>4}")
    for part in PARTS:
        stories = load(part)
        counts, misses = score(stories, world)
        for kind in (*TYPES, None):
            p, r, tp, fp, fn = rates(counts, kind)
            if kind and tp + fp + fn == 0:
                continue
            name = kind or f"ALL ({len(stories)} stories)"
            print(f"{part:<10} {name:<14} {p:>9.2f} {r:>7.2f} {tp:>4} {fp:>4} {fn:>4}")
        if args.misses and part == "tune":
            for line in misses:
                print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
