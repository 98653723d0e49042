"""The one-sector sparse path (model/onesector.py, model/backends.py) against plain references.

Two references: the engine with the fast path switched off (``backend="reference"``, the
dense batched solver), and a plain dense fixed point written here, one scenario at a time,
with no batching, patches or acceleration. Welfare must agree to 1e-10. The fast path's
iteration runs either in the compiled kernel (model/kernel.py, numba) or in its NumPy
loop; both are tested, against the references and against each other (same iterations).
"""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import middlepower as mp
from middlepower import coalition, coercion, errors
from middlepower.scenario.patches import ShockPatch, patch_of_arrays

engine = importlib.import_module("middlepower.model.engine")
fast_mod = importlib.import_module("middlepower.model.backends")
onesector = importlib.import_module("middlepower.model.onesector")
diagnostics = importlib.import_module("middlepower.model.diagnostics")


@pytest.fixture(params=["compiled", "numpy"])
def loop(request) -> mp.SolveOptions:
    """The fast path's iteration in the compiled kernel, then in the NumPy loop: options."""
    return mp.SolveOptions(backend=request.param)


REFERENCE = mp.SolveOptions(backend="reference")


@pytest.fixture
def plain():
    """Run a callable on the plain (reference) engine: the fast path off, by option."""
    def run(fn, *args, **kw):
        return fn(*args, options=REFERENCE, **kw)
    return run


def _plain_fixed_point(world: mp.World, scenario: mp.Scenario, theta: float,
                       ratio: bool = False) -> np.ndarray:
    """Welfare changes (N,) by a dense damped iteration on the equations of
    :mod:`middlepower.model` (one sector): no batches, no patches, no Anderson steps."""
    X, t0 = world.flows, world.tariffs
    arr = scenario.arrays(world)
    t1, beta, log_dhat = arr.tariffs[0], arr.beta[0], arr.log_dhat[0]
    Y = X.sum(axis=1)
    E = ((1 + t0) * X).sum(axis=0)
    D = X.sum(axis=0) - Y
    lam = (1 + t0) * X / E
    with np.errstate(divide="ignore", invalid="ignore"):
        a = lam * np.exp(beta - theta * (log_dhat + np.log((1 + t1) / (1 + t0))))
    a = np.nan_to_num(a)
    w = np.ones(len(Y))
    for _ in range(20_000):
        P = (a * w[:, None] ** -theta).sum(axis=0)
        share = a * w[:, None] ** -theta / P
        wy = w @ Y
        Dn = w * D - (w @ D) / wy * w * Y if ratio else D * wy / Y.sum()
        En = (w * Y + Dn) / (1 - (share * t1 / (1 + t1)).sum(axis=0))
        sales = (share * En / (1 + t1)).sum(axis=1)
        excess = sales / (w * Y)
        if np.abs(excess - 1).max() < 1e-13:
            break
        w = w * excess ** (1 / (1 + theta))
        w = w * Y.sum() / (w @ Y)
    else:  # pragma: no cover - would be a bug in the reference itself
        raise AssertionError("reference did not converge")
    return En / E / P ** (-1 / theta)


def _scenarios(world: mp.World) -> list[mp.Scenario]:
    c = world.countries
    rng = np.random.default_rng(7)
    out = [mp.Scenario(f"t{k}", [mp.tariff(by=c[i], on=c[j], rate=float(rng.uniform(0, 0.6)))])
           for k, (i, j) in enumerate(rng.choice(world.n, (12, 2), replace=True)) if i != j]
    out += [
        mp.Scenario("embargo", [mp.embargo(c[0], c[1])]),
        mp.Scenario("agreement", [mp.agreement(form=list(c[2:8]), effect=0.4)]),
        mp.Scenario("cost", [mp.trade_cost(c[3], c[5], 0.3, both_ways=True)]),
        mp.Scenario("mixed", [mp.tariff(by=c[4], on=list(c[6:12]), rate=0.5),
                              mp.tariff(by=list(c[6:12]), on=c[4], rate=0.2, add=True),
                              mp.agreement(form=list(c[6:12]), effect=0.2)]),
        mp.Scenario("nothing", []),
    ]
    return out


@pytest.mark.parametrize("kw", [{}, {"deficits": "ratio"}, {"numeraire": "USA"},
                                {"theta": "per-scenario"}, {"chunk_size": 5}])
def test_fast_batch_equals_plain_engine(world2023, plain, monkeypatch, kw, loop):
    scen = _scenarios(world2023)
    if kw.get("theta") == "per-scenario":
        kw = {"theta": np.linspace(3.0, 9.0, len(scen))}
    fallbacks = []
    real = engine._solve_batch
    monkeypatch.setattr(engine, "_solve_batch", lambda *a: fallbacks.append(1) or real(*a))
    fast = mp.solve_many(world2023, scen, options=loop, **kw)
    assert not fallbacks   # the fast path solved every scenario itself
    ref = plain(mp.solve_many, world2023, scen, **kw)
    assert fallbacks
    for f, r in zip(fast, ref, strict=True):
        assert np.abs(f.welfare_hat - r.welfare_hat).max() < 1e-10, f.name
        assert np.abs(f.w_hat - r.w_hat).max() < 1e-10, f.name
        assert f.iterations == r.iterations
    # the full Result (N x N flows, tables) is the same too
    assert np.abs(fast["mixed"].flows_matrix - ref["mixed"].flows_matrix).max() \
        < 1e-9 * world2023.flows.max()


@pytest.mark.parametrize("deficits", ["additive", "ratio"])
def test_fast_path_equals_plain_fixed_point(world2023, deficits, loop):
    for s in _scenarios(world2023)[-5:]:
        r = mp.solve(world2023, s, theta=5.0, deficits=deficits, options=loop)
        ref = _plain_fixed_point(world2023, s, 5.0, ratio=deficits == "ratio")
        assert np.abs(r.welfare_hat - ref).max() < 1e-10, s.name


def test_one_solve_takes_the_fast_path(world2023, monkeypatch):
    calls = []
    real = engine._fast_batch
    monkeypatch.setattr(engine, "_fast_batch", lambda *a: calls.append(1) or real(*a))
    mp.solve(world2023, [mp.tariff(by="USA", on="CHN", rate=0.25)])
    assert calls


def test_summaries_equal_results(world2023):
    scen = _scenarios(world2023)
    out = mp.model.summaries(world2023, scen, 5.0, keys=(
        "welfare_hat", "w_hat", "price_index_hat", "exports"))
    res = mp.solve_many(world2023, scen, theta=5.0)
    foreign = ~np.eye(world2023.n, dtype=bool)
    for k, r in enumerate(res):
        assert np.array_equal(out["welfare_hat"][k], r.welfare_hat)
        assert np.array_equal(out["price_index_hat"][k], r.price_index_hat)
        exports = (r.flows_matrix * foreign).sum(axis=1)
        assert np.allclose(out["exports"][k], exports, rtol=1e-12, atol=0)


def test_leverage_fast_equals_plain(world2023, plain):
    codes = ["USA", "CHN", "CAN", "MEX", "JPN", "GBR", "IND", "BRA"]
    for kw in ({}, {"embargo": True}, {"tariff": 0.5, "deficits": "ratio"}):
        fast = coercion.leverage(world2023, countries=codes, **kw)
        ref = plain(coercion.leverage, world2023, countries=codes, **kw)
        assert np.nanmax(np.abs(fast.loss.to_numpy() - ref.loss.to_numpy())) < 1e-8
        assert list(fast.table.columns) == list(ref.table.columns)


def test_coalition_and_uncertainty_fast_equal_plain(world2023, plain):
    cands = ["EU27", "GBR", "JPN", "MEX"]
    fast = coalition.search(world2023, "CAN", "USA", cands, top=None)
    ref = plain(coalition.search, world2023, "CAN", "USA", cands, top=None)
    key = ["coalition", "target_welfare_pct", "coalition_gain"]
    a, b = fast[key].sort_values("coalition"), ref[key].sort_values("coalition")
    assert np.abs(a.target_welfare_pct.to_numpy() - b.target_welfare_pct.to_numpy()).max() \
        < 1e-8
    scen = mp.Scenario("fta", [mp.tariff(by="USA", on="CAN", rate=0.25),
                               mp.agreement(form=["CAN", "EU27"])])
    fb = mp.uncertainty(world2023, scen, n=20, seed=3)
    rb = plain(mp.uncertainty, world2023, scen, n=20, seed=3)
    diff = (fb.draws[["welfare_pct", "real_gdp_pct", "exports_pct"]]
            - rb.draws[["welfare_pct", "real_gdp_pct", "exports_pct"]]).abs().max().max()
    assert diff < 1e-8


def test_fast_path_reports_errors_as_the_plain_path(world2023, plain, loop):
    cut = mp.Scenario("cut", [mp.embargo("CAN", [c for c in world2023.countries
                                                 if c != "CAN"])])
    with pytest.raises(errors.ScenarioError, match="cut off from all trade"):
        mp.solve(world2023, cut, options=loop)
    hard = mp.Scenario("hard", [mp.tariff(by="USA", on="CHN", rate=2.0)])
    with pytest.raises(errors.ConvergenceError) as fast:
        mp.solve(world2023, hard, max_iter=3, options=loop)
    with pytest.raises(errors.ConvergenceError) as ref:
        plain(mp.solve, world2023, hard, max_iter=3)
    assert str(fast.value) == str(ref.value)


def _patches_and_spec(world: mp.World, scen: list[mp.Scenario], **kw):
    base = mp.model.baseline(world)
    fb = base.one_sector
    p = patch_of_arrays([s.arrays(world) for s in scen], base.sector_tariffs)
    opts = mp.SolveOptions(theta=kw.get("theta"), deficits=kw.get("deficits", "additive"),
                           numeraire=kw.get("numeraire", "world"),
                           max_iter=kw.get("max_iter", 10_000), backend="numpy")
    spec = diagnostics._check_options(world, len(scen), opts)
    return fb, p, onesector.deltas(fb, p, spec.theta[:, 0]), spec


@pytest.mark.parametrize("kw", [{}, {"deficits": "ratio"}, {"numeraire": "USA"},
                                {"theta": 9.0}, {"max_iter": 4}])
def test_kernel_iterates_as_the_numpy_loop(world2023, monkeypatch, kw):
    """Same iteration counts, residuals on the same side of the tolerance, and the same
    fixed point; the rows' patches may come in any order."""
    fb, p, d, spec = _patches_and_spec(world2023, _scenarios(world2023), **kw)
    x0, it0, res0, div0, _ = fast_mod.solve_patches(fb, p, d, spec)   # backend "numpy"
    kernel = fast_mod._load_kernel()
    assert kernel is not None
    shuffled = np.random.default_rng(0).permutation(len(p.row))
    p2 = ShockPatch(p.b, *(v[shuffled] for v in (p.row, p.sector, p.exporter, p.importer,
                                                 p.tariffs, p.beta, p.log_dhat)))
    for patches in (p, p2):
        dp = onesector.deltas(fb, patches, spec.theta[:, 0])
        x1, it1, res1, div1, _ = fast_mod._iterate_compiled(kernel, fb, patches, dp, spec, 5)
        assert np.array_equal(it1, it0)
        assert np.array_equal(res1 <= spec.tol, res0 <= spec.tol)
        assert np.array_equal(div1, div0)
        tol = 1e-11 if "max_iter" not in kw else 1e-6   # stopped early: rounding grows
        assert np.abs(x1 - x0).max() < tol


def test_kernel_is_loaded_only_when_solves_pay_for_it():
    """``import middlepower`` and a few solves do not import numba (0.4-0.6 s to load);
    a process that keeps solving loads it."""
    code = (
        "import sys, middlepower as mp\n"
        "from middlepower.model import backends as _fast\n"
        "assert 'numba' not in sys.modules, 'import'\n"
        "w = mp.load('world2023')\n"
        "s = mp.Scenario('t', [mp.tariff(by='USA', on='CHN', rate=0.25)])\n"
        "mp.solve(w, s)\n"
        "assert 'numba' not in sys.modules, 'one solve'\n"
        "_fast._numpy_seconds[0] = _fast._KERNEL_AFTER\n"
        "mp.solve(w, s)\n"
        "assert 'numba' in sys.modules and _fast._kernel_mod, 'after'\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


def test_kernel_failure_falls_back_to_numpy(world2023, plain, monkeypatch, caplog):
    """If numba cannot be imported (or the kernel compiled), solves go on in NumPy, with
    a warning, and give the same numbers."""
    monkeypatch.setattr(fast_mod, "_KERNEL_BROKEN", False)
    monkeypatch.setattr(fast_mod, "_kernel_mod", [])
    monkeypatch.setitem(sys.modules, "numba", None)           # import numba -> ImportError
    monkeypatch.setitem(sys.modules, "middlepower.model.kernel", None)
    scen = _scenarios(world2023)[-5:]
    with caplog.at_level(logging.WARNING, logger="middlepower.model.backends"):
        got = mp.solve_many(world2023, scen, options=mp.SolveOptions(backend="compiled"))
    assert "compiled solver kernel is unavailable" in caplog.text
    assert fast_mod._KERNEL_BROKEN is True    # warned once, not at every solve
    ref = plain(mp.solve_many, world2023, scen)
    for f, r in zip(got, ref, strict=True):
        assert np.abs(f.welfare_hat - r.welfare_hat).max() < 1e-10


def test_kernel_threads_give_the_one_thread_results(world2023, monkeypatch):
    """A batch split over threads (chunks of the kernel, each with its own work arrays)
    returns exactly what one call over the whole batch does."""
    scen = _scenarios(world2023) * 4
    fb, p, d, spec = _patches_and_spec(world2023, scen)
    kernel = fast_mod._load_kernel()
    assert kernel is not None
    monkeypatch.setattr(fast_mod, "_THREADS_FROM", 10**9)
    one = fast_mod._iterate_compiled(kernel, fb, p, d, spec, 5)
    monkeypatch.setattr(fast_mod, "_THREADS_FROM", 2)
    monkeypatch.setattr(fast_mod, "_THREAD_CHUNK_MIN", 3)
    with ThreadPoolExecutor(3) as pool:
        monkeypatch.setattr(fast_mod, "_pools", [pool, __import__("os").getpid(), 3])
        many = fast_mod._iterate_compiled(kernel, fb, p, d, spec, 5)
    for a, b in zip(one[:4], many[:4], strict=True):
        assert np.array_equal(a, b)
    for k in ("p", "income", "sales"):       # the values at the solution, too
        assert np.array_equal(getattr(one[4], k), getattr(many[4], k))
    assert len(scen) > 3 * 3


def test_kernel_exponential_matches_numpy():
    """The kernel's vectorised exp is within 1 ulp of NumPy's on the solver's range and
    exactly NumPy's outside it (overflow, underflow, NaN, infinities)."""
    kernel = fast_mod._load_kernel()
    assert kernel is not None
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-700, 700, 200_000), rng.uniform(-1, 1, 200_000),
                        [0.0, -0.0, 1e-300, 709.0, -708.0, 0.5 * np.log(2)]])
    for scale in (1.0, -4.5):
        got, bits = np.empty_like(x), np.empty_like(x)
        kernel._exp_into(x / abs(scale), scale, got, bits)
        want = np.exp(scale * (x / abs(scale)))
        assert (np.abs(got - want) <= np.spacing(want)).all()
    edge = np.array([710.0, -746.0, np.nan, np.inf, -np.inf, 1.0])
    got = np.empty_like(edge)
    kernel._exp_into(edge, 1.0, got, np.empty_like(edge))
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(got, np.exp(edge))
