"""Shared fixtures: small worlds whose numbers a reader can check by hand."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp


@pytest.fixture
def toy() -> mp.World:
    """Three economies, balanced-ish, no tariffs."""
    flows = np.array([[80.0, 10.0, 5.0], [8.0, 60.0, 6.0], [4.0, 7.0, 50.0]])
    return mp.World.from_matrix(["AAA", "BBB", "CCC"], flows, year=2020, unit="USD bn")


@pytest.fixture
def toy_tariffs() -> mp.World:
    """Four economies with deficits and tariffs."""
    rng = np.random.default_rng(7)
    flows = rng.uniform(1, 20, (4, 4)) + np.diag([100.0, 80.0, 60.0, 150.0])
    tariffs = rng.uniform(0, 0.15, (4, 4))
    return mp.World.from_matrix(["USA", "CAN", "MEX", "CHN"], flows, tariffs)


@pytest.fixture(scope="session")
def world2023() -> mp.World:
    return mp.load("world2023")
