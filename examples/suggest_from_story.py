"""From a news story to scenarios that run: mp.suggest on a short story, then solve.

Run: python examples/suggest_from_story.py
"""

from __future__ import annotations

import middlepower as mp

STORY = """\
Washington slapped a 35% tariff on Canadian lumber on Monday, and Ottawa vowed to
retaliate. Prime Minister Carney said Canada would diversify toward Europe and build a
coalition of middle powers with the United Kingdom and Japan.
"""


def main() -> None:
    world = mp.load("world2023")
    found = mp.suggest(STORY, world)
    for s in found:
        print(f"{s.title}  (confidence {s.confidence:.2f}, {s.mood})")
        for e in s.evidence:
            print(f"   evidence [{e.start}:{e.end}]: {e.sentence}")
        for a in s.assumptions:
            print(f"   assumed: {a}")
    main_tariff = next(s for s in found if s.kind == "tariff")
    results = mp.solve_many(world, main_tariff.scenario.expand())
    print(f"\n{main_tariff.title}: Canada's welfare, % change")
    for r in results:
        print(f"   {r.name:12s} {r.countries.loc['CAN', 'welfare_pct']:+.3f}")


if __name__ == "__main__":
    main()
