"""Property tests with teeth: random worlds (one sector and many, with input-output links)
and random, sometimes extreme, shocks. Every outcome either raises a named middlepower
error or is an admissible economy; solving twice gives identical numbers; the order of
countries does not matter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import middlepower as mp
from middlepower import errors


@st.composite
def _case(draw, sectors: bool):
    n = draw(st.integers(2, 5))
    S = draw(st.integers(2, 3)) if sectors else 1
    flows = np.array(draw(st.lists(st.floats(0.0, 100.0), min_size=S * n * n,
                                   max_size=S * n * n))).reshape(S, n, n)
    for s in range(S):
        flows[s] += np.diag(draw(st.lists(st.floats(1.0, 500.0), min_size=n, max_size=n)))
    tariffs = np.array(draw(st.lists(st.floats(0.0, 0.5), min_size=S * n * n,
                                     max_size=S * n * n))).reshape(S, n, n)
    codes = [f"C{k}" for k in range(n)]
    kw = {}
    if sectors:
        va = np.array(draw(st.lists(st.floats(0.3, 1.0), min_size=S * n,
                                    max_size=S * n))).reshape(S, n)
        raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=S * S * n,
                                     max_size=S * S * n))).reshape(S, S, n) + 1e-3
        io = raw / raw.sum(axis=1, keepdims=True) * (1 - va)[:, None, :]
        # keep intermediate use below absorption: inputs from a sector are at most what
        # the country buys of it (a real input-output table satisfies this)
        kw = dict(sectors=[f"s{k}" for k in range(S)], value_added=1 - io.sum(axis=1), io=io,
                  theta=draw(st.lists(st.floats(1.5, 12.0), min_size=S, max_size=S)))
    try:
        world = mp.World(codes, flows if sectors else flows[0],
                         tariffs if sectors else tariffs[0], **kw)
    except errors.DataError:
        world = mp.World(codes, flows if sectors else flows[0],
                         tariffs if sectors else tariffs[0],
                         **({"sectors": kw["sectors"]} if sectors else {}))
    shocks = []
    for _ in range(draw(st.integers(0, 3))):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if i == j:
            continue
        kind = draw(st.sampled_from(["tariff", "extreme", "embargo", "agreement", "cost"]))
        if kind == "tariff":
            shocks.append(mp.tariff(by=codes[i], on=codes[j], rate=draw(st.floats(0, 5))))
        elif kind == "extreme":
            shocks.append(mp.tariff(by=codes[i], on=codes[j], rate=draw(st.floats(5, 50)),
                                    allow_extreme=True))
        elif kind == "embargo":
            shocks.append(mp.embargo(codes[i], codes[j]))
        elif kind == "agreement":
            shocks.append(mp.agreement(form=[codes[i], codes[j]],
                                       effect=draw(st.floats(-5, 5))))
        else:
            shocks.append(mp.trade_cost(codes[i], codes[j], draw(st.floats(-0.9, 5))))
    deficits = draw(st.sampled_from(["additive", "ratio"]))
    return world, mp.Scenario("h", shocks), deficits


def _check_admissible(world: mp.World, r: mp.Result) -> None:
    assert np.isfinite(r.welfare_hat).all() and (r.welfare_hat > 0).all()
    assert (r.income > 0).all() and (r.spending > 0).all()
    assert np.isfinite(r.w_hat).all() and (r.w_hat > 0).all()
    flows = r.sector_flows_matrix
    assert np.isfinite(flows).all() and (flows >= -1e-12 * world.output().sum()).all()
    # markets clear: value added paid equals value-added sales
    va_sales = (world.value_added_shares * flows.sum(axis=2)).sum(axis=0)
    np.testing.assert_allclose(va_sales, r.w_hat * world.value_added(), rtol=1e-7)
    # world purchases at pre-tariff prices equal world sales (deficits add to zero)
    deficits = flows.sum(axis=(0, 1)) - flows.sum(axis=(0, 2))
    assert abs(deficits.sum()) <= 1e-8 * world.output().sum()
    shares = r.sector_shares
    assert ((shares >= 0) & (shares <= 1 + 1e-12)).all()


def _property(case) -> None:
    world, scenario, deficits = case
    try:
        r = mp.solve(world, scenario, deficits=deficits)
    except (errors.ConvergenceError, errors.ScenarioError) as exc:
        assert str(exc)                      # a named refusal with a message, never a NaN
        return
    _check_admissible(world, r)
    again = mp.solve(world, scenario, deficits=deficits)
    assert np.array_equal(again.welfare_hat, r.welfare_hat)
    order = list(reversed(range(world.n)))
    X = world.sector_flows[:, order][:, :, order]
    t = world.sector_tariffs[:, order][:, :, order]
    flipped = mp.World([world.countries[k] for k in order], X, t, sectors=world.sectors,
                       value_added=world.value_added_shares[:, order],
                       io=world.io_shares[:, :, order], theta=world.sector_theta)
    r2 = mp.solve(flipped, scenario, deficits=deficits)
    _check_admissible(flipped, r2)
    if _pinned_down(r):
        np.testing.assert_allclose(r2.welfare_hat[order], r.welfare_hat, rtol=1e-7, atol=1e-9)


def _pinned_down(r: mp.Result) -> bool:
    """Does the tolerance pin the outcome down? The solver stops when every market clears
    to 1e-10 (relative); an economy's excess demand moves with its own price only through
    its sales abroad, so when a tariff all but cuts an economy off (seen: 5,000% on the
    only export of an economy, leaving 1e-9 of its sales abroad), its price and its
    partners' welfare are not determined by that tolerance (the two orders then differed
    by 4e-5 to 1e-2, each an equilibrium that clears every market). Order invariance is
    asserted where every economy sells at least 0.1% of its output abroad; elsewhere each
    order must give an admissible equilibrium."""
    X = r.flows_matrix
    sales = X.sum(axis=1)
    return bool(((sales - np.diag(X)) / sales).min() >= 1e-3)


@settings(max_examples=60, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_case(sectors=False))
def test_one_sector_outcomes_are_admissible_or_named_errors(case):
    _property(case)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_case(sectors=True))
def test_multi_sector_outcomes_are_admissible_or_named_errors(case):
    _property(case)


#: Cases hypothesis found in the full suite: an almost cut-off economy under a huge tariff.
_FOUND = [
    ([[162, 0, 0, 0.0625], [1, 198.5, 0, 0], [0.125, 0, 82, 0.35546875], [0, 0, 0.5, 171.25]],
     9.0),
    ([[199.65979, 1e-8, 0, 0.005498843], [0, 420.8196, 0, 0],
      [0.195584277, 0, 165.168864, 0.354275827], [0, 0, 0.5, 171.210056]], 50.0),
]


@pytest.mark.parametrize(("flows", "rate"), _FOUND)
def test_found_cases_hold_in_both_orders(flows, rate):
    """The 900% case once stalled at 3e-7 in one order (the Newton polish now finishes
    it); the 5,000% case is ill-determined at 4e-5, within the bound above."""
    world = mp.World.from_matrix(["C0", "C1", "C2", "C3"], flows)
    _property((world, mp.Scenario("h", [mp.tariff("C2", "C3", rate, allow_extreme=True)]),
               "additive"))
