"""The tariff game on world2023: optimal tariffs, retaliation and Nash wars.

    python examples/tariff_game.py

The US optimal uniform tariff; Canada's best answer to a 25% US tariff; the US-Canada
Nash war; the same war with the EU, the UK and Japan joining Canada as one player; and
the say-no table. Theta 5, additive deficits (the defaults on world2023).
"""

from __future__ import annotations

import middlepower as mp
from middlepower.errors import NoInteriorOptimumError

world = mp.load("world2023")

try:
    mp.game.optimal_tariff(world, "USA")
except NoInteriorOptimumError as exc:
    print("global search:", exc)
us = mp.game.optimal_tariff(world, "USA", local=True)
print(us)

can = mp.game.best_response(world, "CAN", [mp.tariff(by="USA", on="CAN", rate=0.25)], on="USA")
print("Canada's best response to 25%:", can)

war = mp.game.nash(world, ["USA", "CAN"], instrument="opponent")
print(war, war.table, sep="\n")

allies = mp.game.coalition(["CAN", "EU27", "GBR", "JPN"])
war2 = mp.game.nash(world, ["USA", allies], instrument="opponent")
print(war2, war2.table, war2.welfare.loc[["USA", "CAN", "EU27", "GBR", "JPN"]], sep="\n")

answer = mp.game.say_no(world, "CAN", "USA", [["EU27"], ["EU27", "GBR", "JPN"]])
print(answer.table.round(4).to_string())
print(answer.sentence)
