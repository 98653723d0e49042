"""The US tariffs in force on the day of the Davos speech (20 January 2026), and since.

What the tracker says the US charges, what that costs relative to 2024 tariffs, the
world as it stands that day as a baseline, a Canadian answer measured from there, and
the timeline of every change since 2025 as an HTML step chart.

    python examples/us_tariffs_in_force.py [timeline.html]
"""

import sys

import middlepower as mp

DAY = "2026-01-20"
WHO = ["CAN", "MEX", "CHN", "EU27", "USA"]

world = mp.load("world2023")
rates = mp.policy.us_tariffs(DAY).set_index("partner")
cost = mp.policy.cost(world, DAY)                          # from the 2024 US tariffs
now = mp.policy.baseline(world, as_of=DAY)                 # that equilibrium as a World
answer = mp.solve(now, mp.Scenario("Canada answers", [mp.tariff(by="CAN", on="USA",
                                                                rate=0.25)]))
table = mp.policy.timeline(world, WHO)

if __name__ == "__main__":
    print(mp.policy.headline(world, "CAN", DAY, result=cost))
    print("\nUS tariff in force on", DAY, "(tracker, % of 2024 imports):")
    print((100 * rates.loc[["CAN", "MEX", "CHN", "EU27", "ALL"], ["rate_2024", "increase",
                                                                   "rate"]]).round(2))
    print("\nWelfare change relative to 2024 tariffs, %:")
    print(cost.countries.loc[WHO, ["welfare_pct", "real_gdp_pct"]].round(3))
    print("\nFrom there, Canada answers with 25% on US goods (change from 20 Jan 2026), %:")
    print(answer.countries.loc[WHO, ["welfare_pct"]].round(3))
    print("\nTimeline, welfare % relative to 2024 tariffs:")
    print(table.pivot(index="date", columns="country", values="welfare_pct")[WHO].round(3))
    if len(sys.argv) > 1:
        mp.policy.timeline_html(table, sys.argv[1])
        print("\nwrote", sys.argv[1])
