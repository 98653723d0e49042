"""The cost of saying no: the target's responses to a coercive tariff, solved side by side.

Every response starts from the same coercive shock (``against`` taxes ``target`` at
``tariff``) and adds the target's move:

* ``give in``: no response; the tariff is absorbed.
* ``retaliate``: the target answers in kind (a mirror): the same rate on the same sectors
  and the same share of the flow (with ``exempt=0.85``, 15% of the hegemon's goods are
  taxed, as 15% of the target's are).
* ``retaliate on all goods``: only where the coercion is narrower than all goods (sectors
  named, or an exempt share): the target taxes every goods sector of the hegemon in full.
* ``diversify``: the target forms trade agreements with other partners (each pair gets
  the estimated agreement effect; see :mod:`middlepower.data.estimates`).
* ``coalition``: free trade among the target and its coalition partners, plus joint
  retaliation by all of them against the hegemon.

Agreements add their effect only between pairs without one in force already (``world.
agreements``: Canada and the EU trade under CETA since 2017, so "diversify" with the EU
adds nothing there); :func:`agreement_pairs` says which pairs are new, and the
descriptions name them.

``no coercion`` (the baseline, zero change) is the reference the others are read against.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..data.world import World
from ..errors import ScenarioError
from ..model.options import SolveOptions
from ..model.result import Results
from ..model.solve import solve_many
from ..scenario.scenario import Scenario
from ..scenario.shocks import Agreement, agreement
from ..scenario.shocks import tariff as tariff_shock

__all__ = ["DEFAULT_COALITION", "DEFAULT_DIVERSIFY", "agreement_pairs", "agreement_sectors",
           "best_retaliation", "coverage", "response_scenarios", "responses", "tariff_sectors",
           "world_change_pct"]

#: The text columns of the responses table (the others are numbers).
TEXT_COLUMNS: tuple[str, ...] = ("description", "retaliation_covers")

#: Middle powers named in the seed article as coalition partners.
DEFAULT_COALITION: tuple[str, ...] = ("EU27", "GBR", "JPN", "KOR", "AUS", "MEX")
#: Partners of the diversification response: the rival's market and the EU.
DEFAULT_DIVERSIFY: tuple[str, ...] = ("CHN", "EU27")


def tariff_sectors(world: World, sectors: str | Sequence[str] | None) -> list[str] | None:
    """The sectors an analysis's tariffs hit: as given, or by default every goods sector.

    Tariffs are levied on goods: on a world with a ``goods`` sector group (e.g.
    ``wiod2014``, whose services sectors trade too), the analyses tax goods unless told
    otherwise (``sectors="all"`` includes services). One-sector worlds: all goods.
    """
    if sectors is not None:
        return [sectors] if isinstance(sectors, str) else list(sectors)
    return world.tariff_default_sectors()


def agreement_sectors(world: World) -> list[str] | None:
    """The sectors an analysis's agreements cover: every goods sector where the world has
    services too (the shipped agreement effect is estimated on goods trade), else all:
    the sectors an analysis taxes by default."""
    return tariff_sectors(world, None)


def _present(world: World, codes: Sequence[str], exclude: set[str]) -> list[str]:
    out = []
    for c in codes:
        idx = world.resolve(c, "partners")
        for k in idx:
            code = world.countries[k]
            if code not in exclude and code not in out:
                out.append(code)
    return out


def response_scenarios(world: World, target: str, against: str, tariff_rate: float = 0.25,
                       diversify_with: Sequence[str] = DEFAULT_DIVERSIFY,
                       coalition: Sequence[str] = DEFAULT_COALITION,
                       effect: float | None = None, *,
                       sectors: str | Sequence[str] | None = None,
                       exempt: float = 0.0) -> list[Scenario]:
    """The scenarios of :func:`responses`, for inspection or for ``mp.solve_many``.

    ``sectors`` (default: goods, see :func:`tariff_sectors`) are those the coercive tariff
    and every retaliation hit; ``exempt`` the share of the target's exports entering
    duty-free (e.g. USMCA-qualifying goods).
    """
    t = world.countries[world.index(target)]
    h = world.countries[world.index(against)]
    if t == h:
        raise ScenarioError(f"target and against are both {t!r}; name two economies.")
    secs = tariff_sectors(world, sectors)
    coerce = tariff_shock(by=h, on=t, rate=tariff_rate, sectors=secs, exempt=exempt)
    div = _present(world, diversify_with, {t, h})
    members = _present(world, coalition, {t, h})
    scope = coverage(world, secs, exempt)
    out = [
        Scenario("no coercion", [], description="Baseline: no tariff, no response."),
        Scenario("give in", [coerce],
                 description=f"{h} taxes {t} at {tariff_rate:.0%} ({scope}); {t} does not "
                             "respond."),
        Scenario("retaliate", [coerce, tariff_shock(by=t, on=h, rate=tariff_rate, sectors=secs,
                                                    exempt=exempt)],
                 description=f"{t} answers in kind: {tariff_rate:.0%} on {h} ({scope})."),
    ]
    if exempt > 0 or secs != tariff_sectors(world, None):
        out.append(Scenario(
            "retaliate on all goods",
            [coerce, tariff_shock(by=t, on=h, rate=tariff_rate,
                                  sectors=tariff_sectors(world, None))],
            description=f"{t} answers with {tariff_rate:.0%} on {h} "
                        f"({coverage(world, tariff_sectors(world, None), 0.0)})."))
    if div:
        deals = [agreement(form=[t, p], effect=effect, sectors=agreement_sectors(world))
                 for p in div]
        out.append(Scenario("diversify", [coerce, *deals],
                            description=f"{t} signs agreements with {', '.join(div)}"
                                        f"{_pairs_clause(world, deals)}."))
    if members:
        deal = agreement(form=[t, *members], effect=effect, sectors=agreement_sectors(world))
        out.append(Scenario(
            "coalition",
            [coerce, deal, tariff_shock(by=[t, *members], on=h, rate=tariff_rate, sectors=secs,
                                        exempt=exempt)],
            description=f"Free trade among {t}, {', '.join(members)}"
                        f"{_pairs_clause(world, [deal])}, and joint "
                        f"{tariff_rate:.0%} retaliation against {h} ({scope})."))
    return out


def coverage(world: World, sectors: Sequence[str] | None, exempt: float) -> str:
    """What a tariff covers, in words: ``all goods``, ``steel, autos``, ``15% of all goods
    (85% exempt)``."""
    if sectors is None or list(sectors) == tariff_sectors(world, None):
        what = "all goods"
    else:
        what = ", ".join(sectors)
    return f"{1 - exempt:.0%} of {what}, {exempt:.0%} exempt" if exempt > 0 else what


def agreement_pairs(world: World, scenario: Scenario) -> dict[str, list[str]]:
    """Pairs a scenario's agreements add (``new``) and skip as already in force
    (``in_force``, with the agreement's name), as ``"CAN-CHN"`` strings."""
    new: list[str] = []
    old: list[str] = []
    for shock in scenario.shocks:
        if isinstance(shock, Agreement) and shock.form is not None:
            n, o = shock.split(world)
            new += [f"{a}-{b}" for a, b in n if f"{a}-{b}" not in new]
            old += [f"{a}-{b} ({name})" for a, b, name in o if f"{a}-{b} ({name})" not in old]
    return {"new": new, "in_force": old}


def _pairs_clause(world: World, deals: Sequence[Agreement]) -> str:
    """`` (new: CAN-CHN; already in force: CAN-EU27 (CETA))`` for a description."""
    pairs = agreement_pairs(world, Scenario("x", list(deals)))
    if not pairs["in_force"]:
        return ""
    new = ", ".join(pairs["new"]) if pairs["new"] else "none"
    return (f" (new pairs: {new}; already under an agreement, no effect added: "
            f"{len(pairs['in_force'])} pair{'s' if len(pairs['in_force']) > 1 else ''})")


def best_retaliation(world: World, target: str, against: str, tariff: float = 0.25, *,
                     rates: Sequence[float] | None = None, theta: float | None = None,
                     deficits: str = "additive", sectors: str | Sequence[str] | None = None,
                     exempt: float = 0.0, options: SolveOptions | None = None) -> pd.DataFrame:
    """The target's retaliatory tariff on the hegemon that maximises its own welfare.

    Searches ``rates`` (default 0% to 100% in steps of 2.5 points) under the hegemon's
    tariff, with the coercion's coverage (``sectors``, ``exempt``) mirrored; returns one row
    per rate (rate, target_welfare_pct, against_welfare_pct),
    best first. The optimum balances terms-of-trade gains and tariff revenue against
    the loss of trade (the optimal-tariff logic of Costinot & Rodriguez-Clare 2014).
    """
    t = world.countries[world.index(target)]
    h = world.countries[world.index(against)]
    grid = np.arange(0.0, 1.0001, 0.025) if rates is None else np.asarray(rates, dtype=float)
    secs = tariff_sectors(world, sectors)
    scenarios = [Scenario(f"{r:.4g}", [tariff_shock(by=h, on=t, rate=tariff, sectors=secs,
                                                    exempt=exempt),
                                       tariff_shock(by=t, on=h, rate=float(r), sectors=secs,
                                                    exempt=exempt)])
                 for r in grid]
    results = solve_many(world, scenarios, theta=theta, deficits=deficits, options=options)
    it, ih = world.index(t), world.index(h)
    table = pd.DataFrame({
        "rate": grid,
        "target_welfare_pct": [100 * (r.welfare_hat[it] - 1) for r in results],
        "against_welfare_pct": [100 * (r.welfare_hat[ih] - 1) for r in results],
    })
    return table.sort_values("target_welfare_pct", ascending=False, ignore_index=True)


def world_change_pct(results: Results) -> pd.Series:
    """World welfare change by scenario: sum of money-metric changes over baseline spending."""
    out = {}
    for r in results:
        out[r.name] = 100.0 * r.countries["welfare_change"].sum() / r.base.income.sum()
    return pd.Series(out, name="world_welfare_pct")


def responses(world: World, target: str, against: str, tariff: float = 0.25, *,
              diversify_with: Sequence[str] = DEFAULT_DIVERSIFY,
              coalition: Sequence[str] = DEFAULT_COALITION, effect: float | None = None,
              theta: float | None = None, deficits: str = "additive", best_rate: bool = False,
              sectors: str | Sequence[str] | None = None, exempt: float = 0.0,
              options: SolveOptions | None = None) -> tuple[pd.DataFrame, Results]:
    """Solve give in / retaliate / diversify / coalition and compare them.

    With ``best_rate=True`` a response "retaliate (best rate)" is added: the target's
    retaliatory tariff that maximises its welfare (:func:`best_retaliation`).

    Returns
    -------
    (DataFrame, Results)
        One row per response: ``target_welfare_pct``, ``target_real_gdp_pct``,
        ``against_welfare_pct``, ``against_real_gdp_pct``, ``world_welfare_pct``,
        ``third_countries_welfare_pct`` (everyone else, spending-weighted), and the
        description; and the full results.
    """
    scenarios = response_scenarios(world, target, against, tariff, diversify_with, coalition,
                                   effect, sectors=sectors, exempt=exempt)
    t = world.countries[world.index(target)]
    h = world.countries[world.index(against)]
    if best_rate:
        rate = float(best_retaliation(world, t, h, tariff, theta=theta, deficits=deficits,
                                      sectors=sectors, exempt=exempt,
                                      options=options).iloc[0]["rate"])
        secs = tariff_sectors(world, sectors)
        scenarios.insert(3, Scenario(
            "retaliate (best rate)", [tariff_shock(by=h, on=t, rate=tariff, sectors=secs,
                                                   exempt=exempt),
                                      tariff_shock(by=t, on=h, rate=rate, sectors=secs,
                                                   exempt=exempt)],
            description=f"{t} answers with {rate:.1%} on {h}, the rate that maximises "
                        f"its own real income (searched 0-100%)."))
    results = solve_many(world, scenarios, theta=theta, deficits=deficits, options=options)
    world_pct = world_change_pct(results)
    secs = tariff_sectors(world, sectors)
    scope = coverage(world, secs, exempt)
    covers = {"retaliate": scope, "coalition": scope, "retaliate (best rate)": scope,
              "retaliate on all goods": coverage(world, tariff_sectors(world, None), 0.0)}
    rows = []
    others = [c for c in world.countries if c not in (t, h)]
    for r, s in zip(results, scenarios, strict=True):
        c = r.countries
        third = c.loc[others]
        base_e = pd.Series(r.base.income, index=c.index).loc[others]
        rows.append({
            "name": r.name,
            "target_welfare_pct": float(c.loc[t, "welfare_pct"]),
            "target_real_gdp_pct": float(c.loc[t, "real_gdp_pct"]),
            "against_welfare_pct": float(c.loc[h, "welfare_pct"]),
            "against_real_gdp_pct": float(c.loc[h, "real_gdp_pct"]),
            "world_welfare_pct": float(world_pct[r.name]),
            "third_countries_welfare_pct": float(
                100 * third["welfare_change"].sum() / base_e.sum()),
            "target_exports_pct": float(c.loc[t, "exports_pct"]),
            "description": s.description,
            "retaliation_covers": covers.get(r.name, "no retaliation"),
        })
    table = pd.DataFrame(rows).set_index("name")
    if not np.isfinite(table.drop(columns=list(TEXT_COLUMNS)).to_numpy(dtype=float)).all():
        raise ScenarioError("a response produced a non-finite number; please report this.")
    return table, results
