"""The example of Stata's ge_gravity, solved with middlepower.

The EU enlargements of 2004-2013 as of 2000: 44 WIOD economies, the estimated partial
effect of joining the EU (``eu_effect``, see scripts/build_wiod2000.py), theta = 4, and
additive trade imbalances -- the model ``ge_gravity exporter importer trade eu_effect,
theta(4)`` solves. With no tariffs that is exactly middlepower's ``deficits="additive"``
model with world output as numeraire.

    python examples/ge_gravity_eu.py
"""

from pathlib import Path

import pandas as pd

import middlepower as mp

data = pd.read_csv(Path(__file__).parent / "data" / "wiod2000_eu.csv", comment="#")
world = mp.World.from_frame(data, value="trade", year=2000, unit="USD mn")
effects = data.loc[data.eu_effect != 0, ["exporter", "importer", "eu_effect"]]
scenario = mp.Scenario("EU enlargement", [mp.partial_effect(effects.rename(
    columns={"eu_effect": "beta"}))])
result = mp.solve(world, scenario, theta=4.0, deficits="additive")

if __name__ == "__main__":
    print(result)
    cols = ["welfare_pct", "real_gdp_pct", "exports_pct"]
    print(result.countries[cols].sort_values("welfare_pct", ascending=False).round(3)
          .to_string())
