"""The multi-sector engine (Caliendo & Parro 2015) checked against economics and against an
independent statement of the model solved by scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import root

import middlepower as mp
from middlepower import errors


def _world(N=5, S=3, io=True, tariffs=True, deficits=True, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.1, 1.0, (S, N, N))
    for s in range(S):
        X[s][np.diag_indices(N)] += rng.uniform(3, 8, N)
    if not deficits:  # balanced: make X symmetric in total
        X = (X + X.transpose(0, 2, 1)) / 2
    t = rng.uniform(0, 0.2, (S, N, N)) if tariffs else None
    va = iosh = None
    if io:
        raw = rng.uniform(0, 1, (S, S, N))
        iosh = raw / raw.sum(1, keepdims=True) * rng.uniform(0.2, 0.5, (S, 1, N))
        va = 1 - iosh.sum(1)
    return mp.World([f"C{k}" for k in range(N)], X, t, sectors=[f"s{k}" for k in range(S)],
                    value_added=va, io=iosh, theta=rng.uniform(3, 8, S))


def _gold(world: mp.World, t_new: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Plain statement of Caliendo & Parro (2015) with additive deficits; loops, a dense
    linear solve for spending, scipy's root for wages. Returns welfare (I'/I)/P."""
    X, t = world.sector_flows, world.sector_tariffs
    S, N = X.shape[0], X.shape[1]
    gam, io = world.value_added_shares, world.io_shares
    Y = X.sum(axis=2)
    E = ((1 + t) * X).sum(axis=1)
    lam = (1 + t) * X / E[:, None, :]
    VA = (gam * Y).sum(axis=0)
    D = X.sum(axis=(0, 1)) - X.sum(axis=(0, 2))
    R = (t * X).sum(axis=(0, 1))
    income = VA + D + R
    alpha = (E - np.einsum("usn,un->sn", io, Y)) / income
    that = (1 + t_new) / (1 + t)

    def prices(w):
        logP = np.zeros((S, N))
        for _ in range(2000):
            logc = np.array([[gam[s, n] * np.log(w[n]) + sum(io[s, k, n] * logP[k, n]
                              for k in range(S)) for n in range(N)] for s in range(S)])
            new = np.array([[np.log(sum(lam[s, i, n] * (that[s, i, n] * np.exp(logc[s, i]))
                                        ** -theta[s] for i in range(N))) / -theta[s]
                             for n in range(N)] for s in range(S)])
            if np.abs(new - logP).max() < 1e-15:
                break
            logP = new
        return logc, logP

    def equilibrium(w):
        logc, logP = prices(w)
        pi = np.array([[[lam[s, i, n] * (that[s, i, n] * np.exp(logc[s, i] - logP[s, n]))
                         ** -theta[s] for n in range(N)] for i in range(N)] for s in range(S)])
        M = pi / (1 + t_new)           # sales of i per unit of n's spending
        rho = (pi * t_new / (1 + t_new)).sum(axis=1)
        Dn = D * (w @ VA) / VA.sum()
        # X'[s,n] = sum_u io[u,s,n] sum_i M[u,n,i] X'[u,i] + alpha[s,n] (w VA + D' + sum_k rho X')
        A = np.zeros((S * N, S * N))
        b = np.zeros(S * N)
        for s in range(S):
            for n in range(N):
                r = s * N + n
                A[r, r] += 1
                for u in range(S):
                    for i in range(N):
                        A[r, u * N + i] -= io[u, s, n] * M[u, n, i]
                    A[r, u * N + n] -= alpha[s, n] * rho[u, n]
                b[r] = alpha[s, n] * (w[n] * VA[n] + Dn[n])
        Xn = np.linalg.solve(A, b).reshape(S, N)
        sales = np.einsum("sin,sn->si", M, Xn)
        inc = w * VA + Dn + (rho * Xn).sum(axis=0)
        return logP, sales, inc

    def wages(z):
        w = np.append(np.exp(z), 1.0)
        return w * VA.sum() / (w @ VA)

    def residual(z):
        w = wages(z)
        _, sales, _ = equilibrium(w)
        return ((gam * sales).sum(axis=0) / (w * VA) - 1)[:-1]

    sol = root(residual, np.zeros(N - 1), method="hybr", tol=1e-13)
    assert sol.success
    logP, _, inc = equilibrium(wages(sol.x))
    return inc / income / np.exp((alpha * logP).sum(axis=0))


def test_matches_independent_statement_of_caliendo_parro():
    w = _world()
    s = mp.Scenario("t", [mp.tariff(by="C0", on="C1", rate=0.3, sectors=["s1"]),
                          mp.tariff(by="C2", on=["C0", "C3"], rate=0.1)])
    r = mp.solve(w, s)
    gold = _gold(w, s.arrays(w).tariffs, w.sector_theta)
    np.testing.assert_allclose(r.welfare_hat, gold, atol=1e-8)


def test_zero_shock_changes_nothing():
    w = _world()
    r = mp.solve(w, mp.Scenario("zero", []))
    np.testing.assert_allclose(r.w_hat, 1.0, atol=1e-12)
    np.testing.assert_allclose(r.welfare_hat, 1.0, atol=1e-12)
    np.testing.assert_allclose(r.sector_flows_matrix, w.sector_flows, rtol=1e-10)


def test_acr_formula_with_sectors():
    """No inputs, no tariffs, balanced trade: What = prod_s lambda_jj^s_hat^(-alpha^s / theta_s)."""
    w = _world(io=False, tariffs=False, deficits=False)
    r = mp.solve(w, mp.Scenario("c", [mp.trade_cost("C0", ["C1", "C2"], 0.3, both_ways=True),
                                      mp.trade_cost("C3", "C4", -0.2, sectors="s0")]))
    lam_hat = np.einsum("sjj->sj", r.sector_shares) / np.einsum("sjj->sj", w.sector_shares())
    acr = np.exp((-w.final_shares() / w.sector_theta[:, None] * np.log(lam_hat)).sum(axis=0))
    np.testing.assert_allclose(r.welfare_hat, acr, rtol=1e-9)


def test_markets_clear_and_world_output_adds_up_in_every_sector():
    w = _world()
    r = mp.solve(w, mp.Scenario("t", [mp.tariff(by="C0", on="C1", rate=0.4)]))
    flows = r.sector_flows_matrix
    # every sector: sales at pre-tariff prices = what the world buys
    revenue = (r.sector_tariffs * flows).sum(axis=1)
    np.testing.assert_allclose(flows.sum(axis=1) + revenue, r.absorption, rtol=1e-10)
    # value added paid out = gamma-weighted sales
    va = (w.value_added_shares * flows.sum(axis=2)).sum(axis=0)
    np.testing.assert_allclose(va, r.w_hat * w.value_added(), rtol=1e-9)
    # world purchases at pre-tariff prices equal world sales: deficits add to zero
    deficits = flows.sum(axis=(0, 1)) - flows.sum(axis=(0, 2))
    assert abs(deficits.sum()) < 1e-9 * w.output().sum()
    np.testing.assert_allclose(r.sector_shares.sum(axis=1), 1.0, atol=1e-12)


def test_order_of_countries_and_sectors_does_not_matter():
    w = _world()
    s = mp.Scenario("t", [mp.tariff(by="C0", on="C1", rate=0.3, sectors=["s2"])])
    r = mp.solve(w, s)
    pc, ps = [3, 0, 4, 2, 1], [2, 0, 1]
    X = w.sector_flows[ps][:, pc][:, :, pc]
    t = w.sector_tariffs[ps][:, pc][:, :, pc]
    io = w.io_shares[ps][:, ps][:, :, pc]
    w2 = mp.World([w.countries[k] for k in pc], X, t, sectors=[w.sectors[k] for k in ps],
                  value_added=w.value_added_shares[ps][:, pc], io=io,
                  theta=w.sector_theta[ps])
    r2 = mp.solve(w2, s)
    np.testing.assert_allclose(r2.countries.loc[list(w.countries), "welfare_pct"],
                               r.countries["welfare_pct"], atol=1e-9)


def test_splitting_a_sector_into_identical_halves_changes_nothing():
    w = _world()
    k = 1
    X = np.concatenate([w.sector_flows, w.sector_flows[k:k + 1]])
    X[k] /= 2
    X[-1] /= 2
    t = np.concatenate([w.sector_tariffs, w.sector_tariffs[k:k + 1]])
    va = np.concatenate([w.value_added_shares, w.value_added_shares[k:k + 1]])
    io = np.concatenate([w.io_shares, w.io_shares[k:k + 1]], axis=0)   # new using sector
    io = np.concatenate([io, io[:, k:k + 1]], axis=1)                   # new input
    io[:, k] /= 2
    io[:, -1] /= 2
    theta = np.append(w.sector_theta, w.sector_theta[k])
    w2 = mp.World(w.countries, X, t, sectors=[*w.sectors, "half"], value_added=va, io=io,
                  theta=theta)
    shock = mp.tariff(by="C0", on="C1", rate=0.3, sectors=["s1"])
    shock2 = mp.tariff(by="C0", on="C1", rate=0.3, sectors=["s1", "half"])
    r = mp.solve(w, mp.Scenario("a", [shock]))
    r2 = mp.solve(w2, mp.Scenario("b", [shock2]))
    np.testing.assert_allclose(r2.welfare_hat, r.welfare_hat, atol=1e-9)


def test_one_sector_without_inputs_is_the_one_sector_model():
    """S identical sectors, no inputs, one theta: the one-sector (collapsed) world's numbers."""
    w1 = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 2], [1, 9, 1], [2, 1, 7]],
                              [[0, .1, 0], [.05, 0, 0], [0, 0, 0]])
    X = np.stack([w1.flows * 0.3, w1.flows * 0.7])
    t = np.stack([w1.tariffs, w1.tariffs])
    w2 = mp.World(w1.countries, X, t, sectors=["x", "y"], theta=[5.0, 5.0])
    s = mp.Scenario("t", [mp.tariff(by="A", on="B", rate=0.25)])
    r1, r2 = mp.solve(w1, s, theta=5.0), mp.solve(w2, s)
    np.testing.assert_allclose(r2.welfare_hat, r1.welfare_hat, atol=1e-10)
    np.testing.assert_allclose(r2.flows_matrix, r1.flows_matrix, rtol=1e-9)
    assert np.allclose(w2.collapse().flows, w1.flows)


@pytest.mark.parametrize("deficits", ["additive", "ratio"])
@pytest.mark.parametrize("numeraire", ["world", "C2", "price:C2"])
def test_closures_and_numeraires_with_sectors(deficits, numeraire):
    w = _world(seed=3)
    s = mp.Scenario("t", [mp.tariff(by="C0", on="C1", rate=0.3)])
    r = mp.solve(w, s, deficits=deficits, numeraire=numeraire)
    base = mp.solve(w, s, deficits=deficits)
    # welfare is real: it does not depend on the numeraire
    np.testing.assert_allclose(r.welfare_hat, base.welfare_hat, rtol=1e-8)
    if numeraire == "C2":
        assert r.w_hat[2] == pytest.approx(1.0, abs=1e-12)
    if numeraire == "price:C2":
        assert r.price_index_hat[2] == pytest.approx(1.0, abs=1e-10)


def test_batch_equals_one_by_one_with_sectors():
    w = _world(seed=5)
    scs = [mp.Scenario(f"r{k}", [mp.tariff(by="C0", on="C1", rate=0.1 * k)]) for k in range(4)]
    batch = mp.solve_many(w, scs)
    for s, b in zip(scs, batch, strict=True):
        np.testing.assert_allclose(b.welfare_hat, mp.solve(w, s).welfare_hat, atol=1e-12)


def test_sector_tables_and_errors():
    w = _world()
    r = mp.solve(w, mp.Scenario("t", [mp.tariff(by="C0", on="C1", rate=0.3, sectors="s0")]))
    sec = r.sectors
    assert len(sec) == w.n_sectors * w.n and {"output_pct", "price_pct"} <= set(sec.columns)
    assert "sector" in r.flows.columns and len(r.flows) == w.n_sectors * w.n ** 2
    c1_s0 = sec[(sec.country == "C1") & (sec.sector == "s0")].iloc[0]
    assert c1_s0.exports_pct < 0
    with pytest.raises(errors.UnknownSectorError, match=r"unknown sector 's9'.*did you mean"):
        mp.solve(w, mp.Scenario("t", [mp.tariff(by="C0", on="C1", rate=0.3, sectors="s9")]))
    with pytest.raises(errors.ParameterError, match="conditional"):
        mp.solve(w, mp.Scenario("t", []), mode="conditional")


def test_exemption_scales_the_applied_rate():
    w = _world()
    a = mp.Scenario("a", [mp.tariff(by="C0", on="C1", rate=0.4, exempt=0.75)]).arrays(w)
    i, j = w.index("C1"), w.index("C0")
    assert a.tariffs[:, i, j] == pytest.approx(0.1)
    with pytest.raises(errors.ScenarioError, match="exempt"):
        mp.tariff(by="C0", on="C1", rate=0.4, exempt=1.0)


def test_partial_effect_by_sector():
    import pandas as pd

    w = _world()
    table = pd.DataFrame({"exporter": ["C0", "C1"], "importer": ["C1", "C0"],
                          "beta": [0.3, -0.2], "sector": ["s1", None]})
    a = mp.Scenario("p", [mp.partial_effect(table)]).arrays(w)
    i, j = w.index("C0"), w.index("C1")
    assert a.beta[1, i, j] == 0.3 and a.beta[0, i, j] == 0 and a.beta[2, i, j] == 0
    np.testing.assert_array_equal(a.beta[:, j, i], -0.2)      # no sector: every sector
    with pytest.raises(errors.UnknownSectorError, match="'s7'"):
        mp.Scenario("p", [mp.partial_effect(table.assign(sector="s7"))]).arrays(w)


def test_zero_deficit_closure_balances_trade():
    w = _world(seed=2)
    assert np.abs(w.deficit()).max() > 0.1
    r = mp.solve(w, mp.Scenario("balance", []), deficits="zero")
    flows = r.sector_flows_matrix
    deficits = flows.sum(axis=(0, 1)) - flows.sum(axis=(0, 2))
    np.testing.assert_allclose(deficits, 0.0, atol=1e-9 * w.output().sum())
    balanced = r.to_world()
    assert np.abs(balanced.deficit()).max() < 1e-8 * balanced.output().sum()
    # solving nothing on the balanced world changes nothing, under any closure
    again = mp.solve(balanced, mp.Scenario("zero", []))
    np.testing.assert_allclose(again.welfare_hat, 1.0, atol=1e-10)
    one = mp.World.from_matrix(["A", "B", "C"], [[8, 3, 1], [1, 8, 1], [1, 1, 8]])
    r1 = mp.solve(one, mp.Scenario("b", []), deficits="zero")
    assert abs(r1.flows_matrix.sum(0) - r1.flows_matrix.sum(1)).max() < 1e-9


def test_chunks_solved_on_threads_equal_one_by_one(monkeypatch):
    """Chunks of a multi-sector batch solved on a thread per core give exactly the results
    of the chunks one after another, in order; the first failing chunk raises."""
    fast_mod = __import__("importlib").import_module("middlepower.model.backends")
    w = _world(N=6, S=3, seed=4)
    c = w.countries
    scen = [mp.Scenario(f"t{k}", [mp.tariff(by=c[k % 6], on=c[(k + 1) % 6], rate=0.05 * k)])
            for k in range(9)]
    threaded = mp.solve_many(w, scen, chunk_size=2)
    monkeypatch.setattr(fast_mod, "_pool", lambda: None)
    alone = mp.solve_many(w, scen, chunk_size=2)
    for a, b in zip(threaded, alone, strict=True):
        assert a.name == b.name and a.iterations == b.iterations
        assert np.array_equal(a.welfare_hat, b.welfare_hat)
        assert np.array_equal(a.sector_price_hat, b.sector_price_hat)
    monkeypatch.undo()
    cut = [mp.Scenario(f"cut{k}", [mp.embargo(c[0], [x for x in c if x != c[0]])])
           for k in range(2)]
    with pytest.raises(errors.ScenarioError, match="'cut0'"):
        mp.solve_many(w, [*scen[:3], cut[0], *scen[3:7], cut[1]], chunk_size=2)


@pytest.mark.parametrize("kw", [{}, {"deficits": "ratio"}, {"deficits": "zero"},
                                {"numeraire": "C2"}, {"numeraire": "price:C1"}])
def test_shared_coefficients_equal_dense_copies(monkeypatch, kw):
    """The multi-sector engine's shared baseline matrices with scattered changes
    (model/_coefficients.Shared) give the dense per-scenario copies' equilibria."""
    w = _world(N=6, S=3, seed=2)
    c = w.countries
    scen = [mp.Scenario("tariff", [mp.tariff(by=c[0], on=c[1], rate=0.4, sectors="s1")]),
            mp.Scenario("war", [mp.tariff(by=c[0], on=list(c[1:4]), rate=0.3),
                                mp.tariff(by=list(c[1:4]), on=c[0], rate=0.2, add=True)]),
            mp.Scenario("agreement", [mp.agreement(form=list(c[2:6]), effect=0.5)]),
            mp.Scenario("embargo", [mp.embargo(c[4], c[5])]),
            mp.Scenario("cost", [mp.trade_cost(c[3], c[0], 0.3, both_ways=True,
                                               sectors=["s0", "s2"])]),
            mp.Scenario("nothing", [])]
    shared = mp.solve_many(w, scen, chunk_size=4, **kw)
    dense = mp.solve_many(w, scen, chunk_size=4, options=mp.SolveOptions(backend="reference"),
                          **kw)
    for a, b in zip(shared, dense, strict=True):
        assert a.iterations == b.iterations, a.name
        assert np.abs(a.welfare_hat - b.welfare_hat).max() < 1e-12, a.name
        assert np.abs(a.sector_price_hat - b.sector_price_hat).max() < 1e-12, a.name
    np.testing.assert_allclose(shared["war"].flows_matrix, dense["war"].flows_matrix,
                               rtol=1e-11)


def test_shared_coefficients_refuse_an_isolated_deficit_country(monkeypatch):
    w = _world(N=5, S=2, seed=3)
    c = w.countries
    cut = mp.Scenario("cut", [mp.embargo(c[0], [x for x in c if x != c[0]])])
    with pytest.raises(errors.ScenarioError, match="cut off from all trade"):
        mp.solve(w, cut)
