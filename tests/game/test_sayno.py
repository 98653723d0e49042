"""The say-no table."""

from __future__ import annotations

import pytest

import middlepower as mp
from middlepower.errors import ParameterError


@pytest.fixture
def four() -> mp.World:
    flows = [[400, 30, 20, 10], [40, 100, 5, 5], [20, 5, 120, 6], [10, 5, 6, 90]]
    return mp.World.from_matrix(["HEG", "TGT", "P1", "P2"], flows)


def test_say_no_table_and_sentence(four):
    s = mp.game.say_no(four, "TGT", "HEG", ["P1", ["P1", "P2"]])
    assert list(s.table.index) == ["give in", "optimal retaliation", "Nash war",
                                   "Nash war with P1", "Nash war with P1+P2"]
    t = s.table
    # retaliating optimally beats giving in, by definition of a best response
    assert t.loc["optimal retaliation", "target_welfare_pct"] >= \
        t.loc["give in", "target_welfare_pct"]
    assert t.loc["give in", "target_tariff"] == 0 and t.loc["give in", "hegemon_tariff"] > 0
    war = s.wars["Nash war"]
    assert t.loc["Nash war", "target_welfare_pct"] == pytest.approx(
        war.welfare.loc["TGT", "welfare_pct"])
    assert s.sentence.startswith("TGT can") and "HEG" in s.sentence


def test_say_no_rejects_same_economy(four):
    with pytest.raises(ParameterError, match="both 'TGT'"):
        mp.game.say_no(four, "TGT", "TGT")
