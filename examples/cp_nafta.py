"""Caliendo & Parro (2015): the welfare effects of NAFTA's tariff reductions, on ``cp1993``.

The experiment of section 5.1 of Caliendo, L. & Parro, F. (2015), "Estimates of the Trade
and Welfare Effects of NAFTA", Review of Economic Studies 82(1): 1-44: the tariffs among
Canada, Mexico and the US go from their 1993 to their 2005 levels, every other tariff stays
at 1993, in a 31-economy x 40-sector world with input-output links and the paper's
sectoral elasticities. As in the paper, the baseline is first made free of trade
imbalances (a counterfactual with every deficit set to zero), and welfare is compared
against that baseline.

Three baselines are solved, all by ``mp.solve``:

* ``authors``: the authors' treatment of the data. Their code keeps the input-output
  shares as published and clips negative final-demand shares to zero; the shipped
  dataset scales down input shares instead (its provenance lists every scaled cell,
  ``mp.data.provenance("cp1993")["adjusted"]``), so the authors' shares are rebuilt by
  undoing that scaling (:func:`authors_inputs`).
* ``shipped``: the shipped ``cp1993`` as it is, with its deficits removed.
* ``shipped_deficits``: the shipped ``cp1993`` with the deficits of the data (middlepower's
  default, additive closure).

Two welfare measures are printed. The paper's Table 2 reports the first-order
decomposition of its equation for d ln W (terms of trade + volume of trade, evaluated once
with the whole discrete change: the authors' ``Welfarelineal.m``); middlepower reports the
exact change of real income, (I'/I) / Phat. Summing the decomposition over many small steps
of the same tariff cut converges to the exact change (:func:`along_path`).

Run::

    python examples/cp_nafta.py [--steps 1 4 16]
"""

# no "from __future__ import annotations": dataclass fields must be real types when the
# tests load this file without registering it in sys.modules
import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

import middlepower as mp
from middlepower.errors import ConvergenceError

NAFTA = ("CAN", "MEX", "USA")
OTHERS = ("CHN", "JPN", "DEU", "KOR", "ROW")

#: The paper's numbers (%). Welfare, terms of trade, volume of trade and real wages: Table 2;
#: imports from NAFTA partners ("intra-bloc trade"): the abstract.
PAPER = pd.DataFrame(
    {"welfare": [-0.06, 1.31, 0.08], "tot": [-0.11, -0.41, 0.04], "vot": [0.04, 1.72, 0.04],
     "real_wage": [0.32, 1.72, 0.11], "imports_from_nafta": [11.0, 118.0, 41.0]},
    index=pd.Index(NAFTA, name="country"))


@dataclass(frozen=True)
class Inputs:
    """What the equilibrium in changes of Caliendo & Parro (2015) needs from a baseline.

    Arrays are (S, N, N) with axes (sector, exporter, importer), or (S, N), or (N,).
    """

    countries: tuple[str, ...]
    shares: np.ndarray       # lambda^s_ij, expenditure shares incl. tariffs
    tariffs: np.ndarray      # t^s_ij of the baseline
    theta: np.ndarray        # (S,)
    va: np.ndarray           # gamma^s_n, value added per unit of gross output
    io: np.ndarray           # io[s, k, n], input k per unit of output s in n
    alpha: np.ndarray        # final-demand shares, columns sum to one
    value_added: np.ndarray  # VA_n

    @classmethod
    def of(cls, world: mp.World) -> "Inputs":
        """The inputs as the World derives them (its final shares are exact, not clipped)."""
        return cls(world.countries, np.asarray(world.sector_shares()),
                   np.asarray(world.sector_tariffs),
                   np.asarray(world.sector_theta), np.asarray(world.value_added_shares),
                   np.asarray(world.io_shares), np.asarray(world.final_shares()),
                   np.asarray(world.value_added()))


def authors_inputs(world: mp.World) -> Inputs:
    """The inputs of the authors' code, rebuilt from the shipped ``cp1993``.

    The dataset builder divided input shares by ``input_scale`` (provenance field
    ``adjusted``) where intermediate use exceeded absorption; this multiplies them back and
    returns the share to inputs from value added. Final-demand shares then come out
    negative in many cells, and are clipped at zero and renormalised, as the authors' code
    does. Cells scaled to zero (an input nobody absorbs) cannot be restored and stay zero.
    """
    meta = mp.data.provenance("cp1993")
    io = np.array(world.io_shares)
    for cell in meta["adjusted"]:
        if cell["input_scale"] > 0:
            io[:, world.sectors.index(cell["sector"]), world.index(cell["country"])] \
                /= cell["input_scale"]
    va = 1.0 - io.sum(axis=1)
    output = world.sector_output()
    value_added = (va * output).sum(axis=0)
    income = value_added + world.tariff_revenue() + world.deficit()
    alpha = (world.sector_expenditure() - np.einsum("usn,un->sn", io, output)) / income
    alpha = np.clip(alpha, 0.0, None)
    alpha /= alpha.sum(axis=0, keepdims=True)
    return Inputs(world.countries, np.asarray(world.sector_shares()),
                  np.asarray(world.sector_tariffs), np.asarray(world.sector_theta), va, io,
                  alpha, value_added)


def equilibrium_flows(inputs: Inputs, tariffs: np.ndarray | None = None,
                      deficits: np.ndarray | None = None, *, tol: float = 1e-11,
                      max_iter: int = 5000) -> np.ndarray:
    """Pre-tariff flows X'^s_ij (S, N, N) of the equilibrium with ``tariffs`` and ``deficits``.

    The equilibrium conditions of Caliendo & Parro (2015) in changes: unit costs
    log chat = gamma log what + sum_k io log Phat^k, sector prices
    Phat^-theta = sum_i lambda (that chat)^-theta, spending
    X' = sum_u io[u] Y'^u + alpha (what VA + D' + R'), and labour-market clearing
    sum_s gamma^s Y'^s = what VA; world value added is the numeraire. Deficits ``D'``
    (N,) are held fixed in those units (default zero: the paper's balanced baseline); with
    the deficits of the data this is ``mp.solve``'s additive closure, which the test
    checks. Prices, spending and wages are swept together until excess demand and the
    last change are below ``tol``.

    Raises
    ------
    ConvergenceError
        After ``max_iter`` sweeps, naming the country with the largest excess demand.
    """
    lam, t0 = inputs.shares, inputs.tariffs
    t1 = t0 if tariffs is None else np.asarray(tariffs, dtype=float)
    S, N = inputs.va.shape
    d = np.zeros(N) if deficits is None else np.asarray(deficits, dtype=float)
    th = inputs.theta[:, None]
    a = lam * ((1.0 + t1) / (1.0 + t0)) ** -th[:, :, None]
    to_sales, tax = 1.0 / (1.0 + t1), t1 / (1.0 + t1)
    va_total = inputs.value_added.sum()
    x, log_p, spend = np.zeros(N), np.zeros((S, N)), np.zeros((S, N))
    for _ in range(max_iter):
        log_c = inputs.va * x + np.einsum("skn,kn->sn", inputs.io, log_p)
        z = np.exp(-th * log_c)
        p_theta = np.einsum("sij,si->sj", a, z)
        lam1 = a * z[:, :, None] / p_theta[:, None, :]
        rho = (lam1 * tax).sum(axis=1)
        # spending is linear given prices: a few sweeps per step keep it close
        for _ in range(3):
            sales = np.einsum("sij,sj->si", lam1 * to_sales, spend)
            income = np.exp(x) * inputs.value_added + d + (rho * spend).sum(axis=0)
            spend = np.einsum("usn,un->sn", inputs.io, sales) + inputs.alpha * income
        sales = np.einsum("sij,sj->si", lam1 * to_sales, spend)
        ratio = (inputs.va * sales).sum(axis=0) / (np.exp(x) * inputs.value_added)
        new_p = -np.log(p_theta) / th
        residual = max(np.abs(ratio - 1.0).max(), np.abs(new_p - log_p).max())
        if residual < tol:
            return lam1 * to_sales * spend[:, None, :]
        log_p = new_p
        x = x + np.log(ratio)
        x -= np.log(np.exp(x) @ inputs.value_added / va_total)
    worst = inputs.countries[int(np.argmax(np.abs(ratio - 1.0)))]
    raise ConvergenceError(f"equilibrium_flows: no convergence after {max_iter} sweeps "
                           f"(residual {residual:.3g}, largest excess demand in {worst}); "
                           "raise max_iter, or check that each sector's value-added and "
                           "input shares sum to one.", iterations=max_iter,
                           max_residual=float(residual), country=worst)


def balanced_world(world: mp.World, inputs: Inputs | None = None) -> mp.World:
    """``world`` with every trade deficit removed: the equilibrium with D' = 0 and the same
    tariffs, as a new baseline (Caliendo & Parro 2015, section 5). ``inputs`` default to
    the world's own; pass :func:`authors_inputs` for the paper's treatment of the data."""
    inputs = Inputs.of(world) if inputs is None else inputs
    flows = equilibrium_flows(inputs)
    return mp.World(world.countries, flows, world.sector_tariffs, sectors=world.sectors,
                    value_added=inputs.va, io=inputs.io, theta=inputs.theta,
                    sector_names=world.sector_names, sector_groups=world.sector_groups,
                    names=world.names, year=world.year, unit=world.unit,
                    source=f"{world.source} | trade deficits removed (D' = 0)")


def nafta_tariffs(world: mp.World) -> np.ndarray:
    """(S, N, N) tariffs: 1993 everywhere, 2005 among Canada, Mexico and the US."""
    t05 = mp.data.cp_tariffs_2005()
    out = np.array(world.sector_tariffs)
    members = [world.index(c) for c in NAFTA]
    for i in members:
        for j in members:
            if i != j:
                out[:, i, j] = t05[:, i, j]
    return out


def nafta_scenario(world: mp.World, tariffs: np.ndarray | None = None) -> mp.Scenario:
    """One ``mp.tariff`` per (sector, importer, exporter) whose tariff changes."""
    new = nafta_tariffs(world) if tariffs is None else tariffs
    s, i, j = np.nonzero(new != np.asarray(world.sector_tariffs))
    shocks = [mp.tariff(by=world.countries[b], on=world.countries[a], rate=float(new[k, a, b]),
                        sectors=[world.sectors[k]]) for k, a, b in zip(s, i, j, strict=True)]
    return mp.Scenario("NAFTA tariffs 1993 -> 2005", shocks=shocks)


def cp_decomposition(result: mp.model.Result) -> pd.DataFrame:
    """Terms-of-trade and volume-of-trade effects (%), as the paper computes Table 2.

    Their decomposition of d ln W with D = 0, evaluated once with the discrete changes
    (as the authors' ``Welfarelineal.m`` does):
    ToT_n = sum_{s,i} [E^s_ni (chat^s_n - 1) - M^s_ni (chat^s_i - 1)] / I_n and
    VoT_n = sum_{s,i} t^s_ni M^s_ni (Mhat^s_ni - chat^s_i) / I_n, with E and M the baseline
    pre-tariff exports and imports. A first-order formula: exact only for small changes.
    """
    base = result.world
    x0, x1 = np.asarray(base.sector_flows), result.sector_flows_matrix
    c_hat = result.c_theta ** (-1.0 / np.asarray(base.sector_theta)[:, None])
    income = base.income()
    tot = (np.einsum("sni,sn->n", x0, c_hat - 1.0)
           - np.einsum("sin,si->n", x0, c_hat - 1.0)) / income
    m_hat = np.divide(x1, x0, out=np.ones_like(x0), where=x0 > 0)
    vot = np.einsum("sin,sin->n", np.asarray(base.sector_tariffs) * x0,
                    m_hat - c_hat[:, :, None]) / income
    return pd.DataFrame({"tot": 100 * tot, "vot": 100 * vot, "welfare": 100 * (tot + vot)},
                        index=pd.Index(base.countries, name="country"))


def imports_from_nafta(result: mp.model.Result) -> pd.Series:
    """% change of each member's imports from the other two (the paper's intra-bloc trade)."""
    w = result.world
    x0, x1 = w.flows, result.flows_matrix
    out = {}
    for c in NAFTA:
        n, partners = w.index(c), [w.index(p) for p in NAFTA if p != c]
        out[c] = 100 * (x1[partners, n].sum() / x0[partners, n].sum() - 1.0)
    return pd.Series(out, name="imports_from_nafta")


def along_path(world: mp.World, steps: int) -> pd.Series:
    """The decomposition summed over ``steps`` equal steps of the tariff cut, each step
    from the equilibrium of the last (``Result.to_world``): % welfare change. Tends to the
    exact change in real income as steps grow."""
    t0, t1 = np.asarray(world.sector_tariffs), nafta_tariffs(world)
    base, log_w = world, np.zeros(world.n)
    for k in range(1, steps + 1):
        result = mp.solve(base, nafta_scenario(base, t0 + (t1 - t0) * k / steps))
        log_w += np.log1p(cp_decomposition(result)["welfare"].to_numpy() / 100)
        base = result.to_world()
    return pd.Series(100 * np.expm1(log_w), index=world.countries, name=f"path_{steps}")


def run(steps: tuple[int, ...] = (1, 4, 16)) -> dict:
    """Solve the three baselines; return the tables and the timings (seconds)."""
    times: dict[str, float] = {}
    clock = time.perf_counter()
    world = mp.load("cp1993")
    times["load cp1993"] = time.perf_counter() - clock
    worlds = {}
    for name, make in (("authors", lambda: balanced_world(world, authors_inputs(world))),
                       ("shipped", lambda: balanced_world(world))):
        clock = time.perf_counter()
        worlds[name] = make()
        times[f"remove deficits ({name})"] = time.perf_counter() - clock
    worlds["shipped_deficits"] = world
    results = {}
    for name, w in worlds.items():
        clock = time.perf_counter()
        results[name] = mp.solve(w, nafta_scenario(w))
        times[f"solve NAFTA ({name})"] = time.perf_counter() - clock
    rows = list(NAFTA + OTHERS)
    table2 = pd.concat({"paper": PAPER[["welfare", "tot", "vot"]]}, axis=1)
    for name in ("authors", "shipped"):
        table2 = table2.join(pd.concat({name: cp_decomposition(results[name])}, axis=1),
                             how="right")
    exact = pd.DataFrame({name: r.countries["welfare_pct"] for name, r in results.items()})
    clock = time.perf_counter()
    for n in steps:
        exact[f"authors, path {n}"] = along_path(worlds["authors"], n)
    times[f"paths {steps}"] = time.perf_counter() - clock
    wages = pd.DataFrame({"paper": PAPER["real_wage"]}).join(
        pd.DataFrame({name: r.countries["real_gdp_pct"] for name, r in results.items()}),
        how="right")
    trade = pd.DataFrame({"paper": PAPER["imports_from_nafta"],
                          **{name: imports_from_nafta(r) for name, r in results.items()}})
    return {"table2": table2.loc[rows], "exact": exact.loc[rows], "real_wage": wages.loc[rows],
            "imports_from_nafta": trade, "results": results, "worlds": worlds,
            "times": times}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, nargs="+", default=[1, 4, 16],
                    help="steps of the path decomposition (default: 1 4 16)")
    args = ap.parse_args()
    if any(n < 1 for n in args.steps):
        print("cp_nafta: --steps must be positive integers, e.g. --steps 1 4 16",
              file=sys.stderr)
        return 2
    out = run(tuple(args.steps))
    pd.set_option("display.width", 120)
    print("Caliendo & Parro (2015): NAFTA's tariff cuts 1993 -> 2005 on cp1993 "
          "(31 economies x 40 sectors), % changes\n")
    print("Welfare as in the paper's Table 2: first-order terms of trade + volume of trade")
    print(out["table2"].round(3).to_string(na_rep=""), "\n")
    print("Welfare, exact change in real income (I'/I)/Phat (middlepower's welfare_pct);")
    print("'path n': the Table 2 decomposition summed over n steps of the same cut")
    print(out["exact"].round(3).to_string(), "\n")
    print("Real wages w/Phat")
    print(out["real_wage"].round(3).to_string(na_rep=""), "\n")
    print("Imports from the other NAFTA members (the paper's intra-bloc trade)")
    print(out["imports_from_nafta"].round(1).to_string(), "\n")
    for name, r in out["results"].items():
        print(f"{name}: {r.iterations} iterations, max residual {r.max_residual:.1e}")
    print("timings: " + "; ".join(f"{k} {v:.2f} s" for k, v in out["times"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
