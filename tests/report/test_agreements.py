"""Agreements in force: the shipped table, and shocks that add only what is new."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower.data.agreements import agreements_table, pair_agreements


@pytest.fixture(scope="module")
def world():
    return mp.load("world2023")


def _pairs(world, shock):
    beta = mp.Scenario("x", [shock]).arrays(world).beta[0]
    return {(world.countries[i], world.countries[j]): beta[i, j]
            for i, j in zip(*np.nonzero(beta), strict=True)}


def test_table_is_well_formed():
    t = agreements_table()
    assert {"agreement", "kind", "entry_into_force", "until", "members"} <= set(t.columns)
    assert t.agreement.is_unique
    assert t.entry_into_force.between(1950, 2030).all()
    codes = {tok.split(":")[0] for m in t.members for tok in m.split()}
    keys = set(t.key[t.key != ""])
    assert all((len(c) == 3 and c.isupper()) or c in keys for c in codes)


def test_pairs_follow_years_and_membership():
    p2023, p2014, p1993 = pair_agreements(2023), pair_agreements(2014), pair_agreements(1993)
    assert "CETA" in p2023[frozenset(("CAN", "FRA"))][0]
    assert frozenset(("CAN", "FRA")) not in p2014                    # CETA: 2017
    assert frozenset(("GBR", "DEU")) in p2014                        # UK in the EU
    assert "TCA" in p2023[frozenset(("GBR", "DEU"))][0]              # after Brexit
    assert frozenset(("HRV", "KOR")) not in pair_agreements(2012)   # Croatia joined 2013
    assert frozenset(("CAN", "MEX")) not in p1993                    # NAFTA: 1994
    assert frozenset(("AUS", "DEU")) not in p2023                    # no EU-Australia FTA


def test_world_agreements_regions(world):
    t = world.agreements
    got = {frozenset((a, b)) for a, b in zip(t.a, t.b, strict=True)}
    assert frozenset(("CAN", "EU27")) in got and frozenset(("JPN", "EU27")) in got
    assert frozenset(("AUS", "EU27")) not in got and frozenset(("CAN", "CHN")) not in got
    assert not any("ROW" in p for p in got)            # ROW is never wholly covered


def test_form_skips_pairs_in_force_and_deepen_adds(world):
    beta = mp.estimate.defaults.RTA_EFFECT.beta
    got = _pairs(world, mp.agreement(form=["CAN", "EU27", "CHN"]))
    assert set(got) == {("CAN", "CHN"), ("CHN", "CAN"), ("CHN", "EU27"), ("EU27", "CHN")}
    assert got[("CAN", "CHN")] == pytest.approx(beta)
    deep = _pairs(world, mp.agreement(form=["CAN", "EU27"], deepen=True))
    assert deep[("CAN", "EU27")] == pytest.approx(beta)
    extra = _pairs(world, mp.agreement(form=["CAN", "EU27"], deepen=0.2))
    assert extra[("EU27", "CAN")] == pytest.approx(0.2)
    note = mp.agreement(form=["CAN", "EU27", "CHN"]).note(world)
    assert "CAN-EU27 (EU-Canada (CETA))" in note and "skipped" in note


def test_end_ends_only_what_is_in_force(world):
    got = _pairs(world, mp.agreement(end="USMCA"))
    assert set(got) == {("CAN", "USA"), ("USA", "CAN"), ("MEX", "USA"), ("USA", "MEX")}
    assert all(v < 0 for v in got.values())          # CAN-MEX keep CPTPP
    assert _pairs(world, mp.agreement(end=["CAN", "CHN"])) == {}
    toy = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
    assert len(_pairs(toy, mp.agreement(end=["A", "B"]))) == 2      # no facts: as asked


def test_deepen_needs_form():
    with pytest.raises(mp.errors.ScenarioError, match="deepen applies to 'form' only"):
        mp.agreement(end="USMCA", deepen=True)
    with pytest.raises(mp.errors.ScenarioError, match="deepen"):
        mp.agreement(form=["CAN", "CHN"], deepen=50.0)
