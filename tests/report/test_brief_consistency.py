"""The brief never contradicts itself (issue 27): dollars from income, mirror retaliation,
losses written as losses and gains as gains, a baseline line that names the data."""

from __future__ import annotations

import re

import numpy as np
import pytest

import middlepower as mp


@pytest.fixture(scope="module")
def sector_brief():
    """wiod2014, 85% of Canada's exports to the US exempt (as under USMCA)."""
    return mp.brief(mp.load("wiod2014"), "CAN", against="USA", bands=0, exempt=0.85)


def test_dollars_come_from_income_not_gross_spending(sector_brief) -> None:
    w = sector_brief.world
    k = w.index("CAN")
    assert w.expenditure()[k] > 1.5 * w.income()[k]       # intermediates: the old base
    row = sector_brief.responses.loc["give in"]
    assert row.target_welfare_change == pytest.approx(
        row.target_welfare_pct / 100 * w.income()[k], rel=1e-12)
    # the same money as the Result's own welfare_change (I_j (What_j - 1))
    r = sector_brief.results["give in"]
    assert row.target_welfare_change == pytest.approx(r.countries.loc["CAN", "welfare_change"],
                                                      rel=1e-9)


def test_retaliation_mirrors_the_coercions_coverage(sector_brief) -> None:
    r = sector_brief.responses
    assert r.loc["retaliate", "retaliation_covers"] == "15% of all goods, 85% exempt"
    assert r.loc["retaliate on all goods", "retaliation_covers"] == "all goods"
    assert r.loc["give in", "retaliation_covers"] == "no retaliation"
    # a mirror taxes less of the US than an all-goods answer: the US loses less
    assert r.loc["retaliate", "against_welfare_pct"] > \
        r.loc["retaliate on all goods", "against_welfare_pct"]
    # with no exemption and no sectors named, the two are one row
    plain = mp.brief(mp.load("world2023"), "CAN", against="USA", bands=0, game=False)
    assert "retaliate on all goods" not in plain.responses.index


def test_gains_are_gains_and_losses_losses(sector_brief) -> None:
    text = " ".join([sector_brief.headline, *sector_brief.notes])
    assert not re.search(r"loss[^.;]* to -\d", text), text          # no "loss ... to -0.88%"
    assert "times less" not in text
    assert "+0.00%" not in text and "every member gains: no, loses" not in text
    coal = sector_brief.responses.loc["coalition", "target_welfare_pct"]
    if coal > 0.005:
        assert "into a gain of" in text
    best = next(n for n in sector_brief.notes if n.startswith("Best response"))
    pct = float(re.search(r"\(([+-]\d+\.\d+)% real income", best).group(1))
    money = re.search(r"([+-]?)USD [\d.,]+ bn", best).group(1)
    assert money == ("+" if pct > 0 else "-")          # signed like the percentage


def test_the_first_line_names_dataset_year_and_threat(sector_brief) -> None:
    line = sector_brief.baseline_line("wiod2014")
    assert line.startswith("Baseline: wiod2014 (44 economies x 50 sectors, 2014, USD bn)")
    assert "USA taxes CAN at 25% (15% of all goods, 85% exempt)" in line


def test_coalition_search_takes_the_exempt_share() -> None:
    w = mp.load("world2023")
    a = mp.coalition.search(w, "CAN", "USA", ["MEX", "JPN"], top=None)
    b = mp.coalition.search(w, "CAN", "USA", ["MEX", "JPN"], top=None, exempt=0.8)
    assert not np.allclose(a.sort_values("coalition").target_welfare_pct,
                           b.sort_values("coalition").target_welfare_pct)
