"""Ending an agreement by name acts on what is in force in the data year, or says why not."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower import errors


@pytest.fixture(scope="module")
def wiod() -> mp.World:
    return mp.load("wiod2014")


def _beta(world: mp.World, shock) -> np.ndarray:
    return mp.Scenario("s", [shock]).arrays(world).beta


def test_end_usmca_on_2014_data_ends_nafta(wiod):
    shock = mp.agreement(end="USMCA")
    beta = _beta(wiod, shock)
    can, mex, usa = (wiod.index(c) for c in ("CAN", "MEX", "USA"))
    rta = mp.estimate.RTA_EFFECT.beta
    for a, b in ((can, usa), (usa, can), (can, mex), (mex, usa)):
        assert (beta[:, a, b] == -rta).all()
    assert beta[:, usa, wiod.index("CHN")].sum() == 0
    note = shock.note(wiod)
    assert "NAFTA" in note and "USMCA is not in force in 2014" in note
    r = mp.solve(wiod, [shock])
    welfare = dict(zip(wiod.countries, r.welfare_hat, strict=True))
    for c in ("CAN", "MEX", "USA"):
        assert welfare[c] < 0.999        # it was exactly 1 (0.0%) before the fix


def test_end_usmca_on_2022_data_keeps_cptpp():
    icio = mp.load("icio2022")
    beta = _beta(icio, mp.agreement(end="USMCA"))
    can, mex, usa = (icio.index(c) for c in ("CAN", "MEX", "USA"))
    assert beta[0, can, usa] < 0 and beta[0, mex, usa] < 0
    assert beta[:, can, mex].sum() == 0          # CAN-MEX stay in CPTPP


def test_end_an_agreement_not_in_force_is_an_error(wiod):
    with pytest.raises(errors.ScenarioError, match=r"CPTPP.*2014.*World Input-Output"):
        mp.solve(wiod, [mp.agreement(end="CPTPP")])


def test_end_eu27_ends_the_eu_not_nothing(wiod):
    beta = _beta(wiod, mp.agreement(end="EU27"))
    deu, fra, can = (wiod.index(c) for c in ("DEU", "FRA", "CAN"))
    assert beta[0, deu, fra] < 0 and beta[0, fra, deu] < 0
    assert beta[0, deu, can] == 0
