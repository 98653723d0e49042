"""The engine checked against economics: theory's properties, and independent solvers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import root

import middlepower as mp
from middlepower import errors

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _gold_loop_solver(flows, tariffs, t_new, beta, theta, ratio=False):
    """Plain-Python statement of the model, solved by scipy.optimize.root (no vectorisation).

    Unknowns: log w_1..w_{N-1}; w_N pinned by world output. Equations: market clearing.
    """
    n = len(flows)
    Y = [sum(flows[i][j] for j in range(n)) for i in range(n)]
    E = [sum((1 + tariffs[i][j]) * flows[i][j] for i in range(n)) for j in range(n)]
    D = [sum(flows[i][j] for i in range(n)) - Y[j] for j in range(n)]
    lam = [[(1 + tariffs[i][j]) * flows[i][j] / E[j] for j in range(n)] for i in range(n)]

    def wages(z):
        w = [*list(np.exp(z)), 1.0]
        scale = sum(Y) / sum(w[i] * Y[i] for i in range(n))
        return [x * scale for x in w]

    def equilibrium(w):
        a = [[lam[i][j] * np.exp(beta[i][j]) * ((1 + t_new[i][j]) / (1 + tariffs[i][j]))
              ** -theta for j in range(n)] for i in range(n)]
        P = [sum(a[k][j] * w[k] ** -theta for k in range(n)) for j in range(n)]
        share = [[a[i][j] * w[i] ** -theta / P[j] for j in range(n)] for i in range(n)]
        wy = sum(w[k] * Y[k] for k in range(n))
        if ratio:
            c = sum(w[k] * D[k] for k in range(n)) / wy
            Dn = [w[j] * D[j] - c * w[j] * Y[j] for j in range(n)]
        else:
            Dn = [D[j] * wy / sum(Y) for j in range(n)]
        En = [(w[j] * Y[j] + Dn[j]) / (1 - sum(share[i][j] * t_new[i][j] / (1 + t_new[i][j])
                                              for i in range(n))) for j in range(n)]
        sales = [sum(share[i][j] * En[j] / (1 + t_new[i][j]) for j in range(n))
                 for i in range(n)]
        return P, En, sales

    def residual(z):
        w = wages(z)
        _, _, sales = equilibrium(w)
        return [sales[i] / (w[i] * Y[i]) - 1 for i in range(n - 1)]

    sol = root(residual, np.zeros(n - 1), method="hybr", tol=1e-14)
    assert sol.success
    w = wages(sol.x)
    P, En, _ = equilibrium(w)
    Phat = [p ** (-1 / theta) for p in P]
    return np.array([En[j] / E[j] / Phat[j] for j in range(n)]), np.array(w)


def _scenario_arrays(world, scenario):
    a = scenario.arrays(world)
    return a.tariffs[0].tolist(), a.beta[0].tolist()


def test_zero_shock_changes_nothing(toy_tariffs):
    r = mp.solve(toy_tariffs, mp.Scenario("nothing", []))
    np.testing.assert_allclose(r.w_hat, 1.0, atol=1e-12)
    cols = ["welfare_pct", "real_gdp_pct", "price_index_pct", "exports_pct", "imports_pct"]
    np.testing.assert_allclose(r.countries[cols].to_numpy(), 0.0, atol=1e-10)
    np.testing.assert_allclose(r.flows.counterfactual, r.flows.baseline, rtol=1e-12)
    assert r.converged and r.max_residual < 1e-12


@pytest.mark.parametrize("deficits", ["additive", "ratio"])
def test_matches_independent_scipy_solver(toy_tariffs, deficits):
    s = mp.Scenario("mix", [mp.tariff(by="USA", on="CAN", rate=0.3),
                            mp.tariff(by="CAN", on="USA", rate=0.1, add=True),
                            mp.agreement(form=["MEX", "CHN"], effect=0.4)])
    t_new, beta = _scenario_arrays(toy_tariffs, s)
    welfare, w = _gold_loop_solver(toy_tariffs.flows.tolist(), toy_tariffs.tariffs.tolist(),
                                   t_new, beta, 4.0, ratio=deficits == "ratio")
    r = mp.solve(toy_tariffs, s, theta=4.0, deficits=deficits)
    np.testing.assert_allclose(r.welfare_hat, welfare, atol=1e-8)
    np.testing.assert_allclose(r.w_hat, w, atol=1e-8)


def test_acr_formula_with_balanced_trade_and_no_tariffs():
    flows = np.array([[50.0, 10, 5], [7, 40, 8], [8, 5, 30]])
    flows[np.diag_indices(3)] += flows.sum(1) - flows.sum(0)   # balance: Y = sum of column
    world = mp.World.from_matrix(["A", "B", "C"], flows)
    np.testing.assert_allclose(world.deficit(), 0, atol=1e-12)
    s = mp.Scenario("costs", [mp.trade_cost("A", "B", 0.3), mp.agreement(form=["B", "C"],
                                                                          effect=0.5)])
    theta = 5.0
    r = mp.solve(world, s, theta=theta)
    lam_hat = np.diag(r.shares) / np.diag(world.shares())
    np.testing.assert_allclose(r.welfare_hat, lam_hat ** (-1 / theta), rtol=1e-10)


def test_world_output_unchanged_under_additive_closure(world2023):
    r = mp.solve(world2023, mp.Scenario("us", [mp.tariff(by="USA", on="G20", rate=0.2)]))
    new_output = r.w_hat @ world2023.output()
    assert new_output == pytest.approx(world2023.output().sum(), rel=1e-12)


def test_markets_clear_and_shares_sum_to_one(world2023):
    r = mp.solve(world2023, mp.Scenario("x", [mp.tariff(by="USA", on="CAN", rate=0.25),
                                              mp.embargo("CHN", "JPN")]))
    np.testing.assert_allclose(r.shares.sum(axis=0), 1.0, atol=1e-12)
    sales = r.flows_matrix.sum(axis=1)
    np.testing.assert_allclose(sales / (r.w_hat * world2023.output()), 1.0, atol=1e-9)
    # spending = output + deficit + tariff revenue, country by country
    revenue = (r.tariffs * r.flows_matrix).sum(axis=0)
    np.testing.assert_allclose(r.flows_matrix.sum(axis=0) + revenue, r.spending, rtol=1e-12)


def test_order_of_countries_does_not_matter(toy_tariffs):
    s = mp.Scenario("t", [mp.tariff(by="USA", on=["CAN", "MEX"], rate=0.25)])
    r1 = mp.solve(toy_tariffs, s).countries
    perm = [2, 0, 3, 1]
    c = [toy_tariffs.countries[k] for k in perm]
    w2 = mp.World.from_matrix(c, toy_tariffs.flows[np.ix_(perm, perm)],
                              toy_tariffs.tariffs[np.ix_(perm, perm)])
    r2 = mp.solve(w2, s).countries
    pd.testing.assert_frame_equal(r1.loc[c], r2, atol=1e-9, rtol=1e-9)


def test_symmetric_world_symmetric_shock():
    flows = np.full((4, 4), 5.0) + np.eye(4) * 80
    world = mp.World.from_matrix(["A", "B", "C", "D"], flows)
    r = mp.solve(world, mp.Scenario("s", [mp.tariff(by=["A", "B"], on=["C", "D"], rate=0.2),
                                          mp.tariff(by=["C", "D"], on=["A", "B"], rate=0.2)]))
    w = r.countries.welfare_pct
    assert w.max() - w.min() < 1e-10
    assert w.iloc[0] < 0
    r2 = mp.solve(world, mp.Scenario("s2", [mp.tariff(by="A", on="B", rate=0.3)]))
    c = r2.countries.welfare_pct
    assert c["C"] == pytest.approx(c["D"], abs=1e-12)


def test_ge_gravity_example_agrees_with_its_fixed_point():
    """The model Stata's ge_gravity solves (additive imbalances, theta = 4, no tariffs).

    The gold solver restates ge_gravity's documented iteration (Baier, Yotov & Zylkin
    2019): w_i = (sum_j pi_ij B_ij E_j / P_j / Y_i)^(1/(1+theta)), world output fixed,
    P_j = sum_i pi_ij B_ij w_i^-theta, E_j = Y_j w_j + D_j, run to a tight tolerance.
    """
    data = pd.read_csv(EXAMPLES / "data" / "wiod2000_eu.csv", comment="#")
    world = mp.World.from_frame(data, value="trade")
    b = data.pivot(index="exporter", columns="importer", values="eu_effect")
    b = b.loc[list(world.countries), list(world.countries)].to_numpy()
    X, Y = world.flows, world.output()
    E0 = X.sum(0)
    D = E0 - Y
    pi = X / E0
    B = np.exp(b)
    w = np.ones(len(Y))
    P = np.ones(len(Y))
    E = E0.copy()
    for _ in range(20000):
        w_new = ((pi * B) @ (E / P) / Y) ** (1 / 5.0)
        w_new *= Y.sum() / (Y * w_new).sum()
        P = (pi * B).T @ w_new ** -4.0
        E = Y * w_new + D
        if np.abs(np.log(w_new / w)).max() < 1e-15:
            break
        w = w_new
    welfare = (Y * w + D) / (Y + D) / P ** (-1 / 4.0)
    from examples_loader import load_example

    r = load_example("ge_gravity_eu").result
    np.testing.assert_allclose(r.welfare_hat, welfare, atol=1e-6)
    assert np.abs(r.welfare_hat - welfare).max() < 1e-9


def test_batch_equals_one_by_one(world2023):
    scenarios = [mp.Scenario(f"t{k}", [mp.tariff(by="USA", on="CAN", rate=0.05 * k)])
                 for k in range(6)]
    scenarios.append(mp.Scenario("emb", [mp.embargo("USA", "CHN")]))
    batch = mp.solve_many(world2023, scenarios, chunk_size=3)
    for s, r in zip(scenarios, batch, strict=True):
        one = mp.solve(world2023, s)
        # same iterations; only the floating-point summation order of batched products differs
        np.testing.assert_allclose(r.w_hat, one.w_hat, rtol=0, atol=1e-12)
        assert r.iterations == one.iterations
    assert batch["emb"].name == "emb"
    assert batch.table().shape == (world2023.n, 7)


def test_embargo_has_no_nan_and_zero_flows(toy_tariffs):
    with pytest.raises(errors.ScenarioError, match="USA is cut off from all trade"):
        mp.solve(toy_tariffs, [mp.embargo("USA", ["CAN", "MEX", "CHN"])])
    r = mp.solve(toy_tariffs, [mp.embargo("USA", ["CAN", "CHN"])])
    f = r.flows.set_index(["exporter", "importer"])
    assert f.loc[("USA", "CAN"), "counterfactual"] == 0.0
    assert f.loc[("CHN", "USA"), "counterfactual"] == 0.0
    assert np.isfinite(r.countries.to_numpy()).all()
    assert r.countries.loc["USA", "welfare_pct"] < 0


def test_numeraire_country_changes_levels_not_real_outcomes(toy_tariffs):
    s = mp.Scenario("t", [mp.tariff(by="USA", on="CHN", rate=0.4)])
    a = mp.solve(toy_tariffs, s, deficits="ratio")
    b = mp.solve(toy_tariffs, s, deficits="ratio", numeraire="CHN")
    assert b.w_hat[toy_tariffs.index("CHN")] == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(a.countries.real_gdp_pct, b.countries.real_gdp_pct, atol=1e-8)
    np.testing.assert_allclose(a.countries.welfare_pct, b.countries.welfare_pct, atol=1e-8)


def test_convergence_error_names_country(world2023):
    s = mp.Scenario("hard", [mp.tariff(by="USA", on="CAN", rate=1.0)])
    with pytest.raises(errors.ConvergenceError, match=r"no convergence after 3 iterations "
                       r"\(max excess demand .*, [A-Z0-9]{3,4}\); try damping") as exc:
        mp.solve(world2023, s, max_iter=3)
    assert exc.value.iterations == 3 and exc.value.max_residual > 1e-10


@pytest.mark.parametrize(("kw", "pattern"), [
    ({"theta": 0}, "theta=0:"), ({"theta": -2.0}, "positive"), ({"theta": float("nan")}, "theta"),
    ({"deficits": "mult"}, r"deficits='mult'.*additive"), ({"damping": 0}, "damping"),
    ({"tol": 1.0}, "tol"),
])
def test_bad_options(toy, kw, pattern):
    with pytest.raises(errors.ParameterError, match=pattern):
        mp.solve(toy, mp.Scenario("x", []), **kw)


def test_unknown_country_in_shock(world2023):
    with pytest.raises(errors.UnknownCountryError, match=r"did you mean 'CAN'") as exc:
        mp.solve(world2023, mp.Scenario("x", [mp.tariff(by="USA", on="Canada", rate=0.1)]))
    assert "in tariff.on (shock 1 of 'x')" in str(exc.value)


def test_scaling_flows_leaves_changes_unchanged(toy_tariffs):
    s = mp.Scenario("t", [mp.tariff(by="CAN", on="USA", rate=0.25)])
    big = mp.World.from_matrix(toy_tariffs.countries, toy_tariffs.flows * 1e6,
                               toy_tariffs.tariffs)
    a = mp.solve(toy_tariffs, s).countries
    b = mp.solve(big, s).countries
    cols = ["welfare_pct", "real_gdp_pct", "exports_pct"]
    np.testing.assert_allclose(a[cols], b[cols], atol=1e-9)


@st.composite
def _worlds_and_shocks(draw):
    n = draw(st.integers(2, 6))
    flows = np.array(draw(st.lists(st.floats(0.0, 100.0), min_size=n * n, max_size=n * n)))
    flows = flows.reshape(n, n) + np.diag(draw(st.lists(st.floats(1.0, 1000.0), min_size=n,
                                                        max_size=n)))
    tariffs = np.array(draw(st.lists(st.floats(0.0, 0.5), min_size=n * n, max_size=n * n)))
    codes = [f"C{k}" for k in range(n)]
    shocks = []
    for _ in range(draw(st.integers(0, 3))):
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        kind = draw(st.sampled_from(["tariff", "embargo", "agreement", "cost"]))
        if i == j:
            continue
        if kind == "tariff":
            shocks.append(mp.tariff(by=codes[i], on=codes[j], rate=draw(st.floats(0, 3))))
        elif kind == "embargo":
            shocks.append(mp.embargo(codes[i], codes[j]))
        elif kind == "agreement":
            shocks.append(mp.agreement(form=[codes[i], codes[j]],
                                       effect=draw(st.floats(-2, 2))))
        else:
            shocks.append(mp.trade_cost(codes[i], codes[j], draw(st.floats(-0.5, 2))))
    theta = draw(st.floats(1.0, 12.0))
    return mp.World.from_matrix(codes, flows, tariffs.reshape(n, n)), shocks, theta


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_worlds_and_shocks(), st.sampled_from(["additive", "ratio"]))
def test_random_worlds_never_give_nan(case, deficits):
    world, shocks, theta = case
    try:
        r = mp.solve(world, mp.Scenario("h", shocks), theta=theta, deficits=deficits)
    except (errors.ConvergenceError, errors.ScenarioError):
        return  # an honest refusal (no equilibrium, e.g. autarky with a deficit); never a NaN
    cols = ["welfare_pct", "real_gdp_pct", "price_index_pct", "factory_price_pct",
            "terms_of_trade_pct", "welfare_change", "tariff_revenue_change"]
    assert np.isfinite(r.countries[cols].to_numpy()).all()
    assert np.isfinite(r.flows.counterfactual).all()
    assert r.max_residual <= 1e-10
