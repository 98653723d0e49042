"""What the web service computes: the package's public API, answered as tidy JSON.

Every function takes a validated request (:mod:`middlepower.web.schemas`) and returns a
JSON-ready dict whose ``table`` entry is the main tidy table (what ``?format=csv``
returns). Worlds come from :func:`middlepower.load`, which keeps the shipped datasets in
memory, and per-dataset facts (names, map ids, groups) are computed once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from .. import coalition as co
from .._elasticity import theta_band
from ..coercion import DEFAULT_COALITION, DEFAULT_DIVERSIFY
from ..coercion import leverage as run_leverage
from ..data import DEFAULT_DATASET, World, datasets, groups, load
from ..errors import ParameterError, ScenarioError
from ..model import SolveOptions, solve_many
from ..report import brief as make_brief
from ..scenario import Scenario
from ..uncertainty import uncertainty
from ._tidy import LimitExceededError, _records, tidy
from .limits import Limits
from .schemas import (
    BriefRequest,
    CoalitionRequest,
    LeverageRequest,
    MembersRequest,
    SolveRequest,
    ValidateRequest,
    shipped_names,
)

__all__ = ["LimitExceededError", "brief", "check_brief", "coalition_search", "dataset_info",
           "dataset_list", "leverage", "policy_dates", "shapley", "solve", "stability",
           "validate", "world_as_of", "world_of"]

#: Per-country outcomes a solve returns, percent changes from the baseline.
OUTCOMES = ("welfare_pct", "real_gdp_pct", "exports_pct", "imports_pct", "terms_of_trade_pct",
            "price_index_pct", "welfare_change")


def world_of(name: str) -> World:
    """A shipped dataset (kept in memory by :func:`middlepower.load`)."""
    return load(name)


def _sectors(world: World) -> list[dict[str, str]]:
    codes = tuple(getattr(world, "sectors", ("all",)))
    names = tuple(getattr(world, "sector_names", codes)) or codes
    return [{"code": c, "name": n} for c, n in zip(codes, names, strict=False)]


@lru_cache(maxsize=8)
def _map_ids(name: str) -> tuple[dict[str, Any], ...]:
    """Every shape of the world map with its economy; the rest of the world flagged
    (the rule: :func:`middlepower.report.worldmap.map_ids`)."""
    from ..report.worldmap import map_ids

    return tuple(map_ids(world_of(name)))


def policy_dates() -> dict[str, Any]:
    """The days the US tariff tracker covers and its change dates, with their events."""
    from ..policy import EVENTS, change_dates, coverage, provenance

    first, last = coverage()
    steps = [{"date": str(d.date()), "event": EVENTS.get(str(d.date()), "")}
             for d in change_dates()]
    return {"first": str(first.date()), "last": str(last.date()),
            "source": f"US tariff tracker, commit {provenance()['commit']}",
            "change_dates": steps, "table": steps}


def dataset_list() -> dict[str, Any]:
    """The shipped datasets: name, economies, year, unit, description."""
    table = datasets().reset_index()
    return {"datasets": _records(table), "table": _records(table)}


@lru_cache(maxsize=8)
def _dataset_info(name: str) -> dict[str, Any]:
    world = world_of(name)
    summary = world.summary()
    countries = pd.DataFrame({
        "code": list(world.countries), "name": list(world.names),
        "members": [", ".join(world.regions.get(c, ())) for c in world.countries],
        "output": summary["output"].to_numpy(), "exports": summary["exports"].to_numpy(),
        "imports": summary["imports"].to_numpy()})
    usable = []
    for g in groups:
        try:
            world.resolve(g, "group")
        except (KeyError, ValueError):
            continue
        usable.append({"code": g, "title": groups[g].title})
    sector_groups = getattr(world, "sector_groups", {}) or {}
    return tidy({
        "name": name, "year": world.year, "unit": world.unit, "source": world.source,
        "economies": world.n, "countries": countries.to_dict("records"), "groups": usable,
        "sectors": _sectors(world), "sector_groups": {k: list(v) for k, v in
                                                      sector_groups.items()},
        "defaults": {"target": "CAN" if "CAN" in world else world.countries[0],
                     "against": "USA" if "USA" in world else world.countries[1],
                     "coalition": [c for c in DEFAULT_COALITION if c in world],
                     "diversify_with": [c for c in DEFAULT_DIVERSIFY if c in world]},
        "map_ids": list(_map_ids(name)),
        "table": countries.to_dict("records"),
    })


def dataset_info(name: str) -> dict[str, Any]:
    """Countries (code, name, members, output, trade), usable groups, sectors, map ids."""
    if name not in shipped_names():
        raise ParameterError(f"unknown dataset {name[:60]!r}; the server offers "
                             f"{', '.join(shipped_names())}.")
    return _dataset_info(name)


def _codes(world: World, items: Sequence[str], exclude: Sequence[str], what: str) -> list[str]:
    out: list[str] = []
    for c in items:
        for k in world.resolve(c, what):
            code = world.countries[k]
            if code not in exclude and code not in out:
                out.append(code)
    return out


def _pair(world: World, target: str, against: str) -> tuple[str, str]:
    t = world.countries[world.index(target)]
    h = world.countries[world.index(against)]
    if t == h:
        raise ParameterError(f"target and against are both {t!r}; pick two economies.")
    return t, h


def _sector_args(req: BriefRequest, world: World) -> dict[str, Any]:
    """``sectors`` and ``exempt`` for the brief; unknown sector names fail here, at once."""
    wanted = [s for s in (req.sectors or []) if s != "all"]
    out: dict[str, Any] = {"exempt": req.exempt} if req.exempt else {}
    if wanted:
        world.resolve_sectors(wanted, "sectors")  # UnknownSectorError names the closest
        out["sectors"] = wanted
    return out


@lru_cache(maxsize=16)
def _baseline(name: str, step: str, theta: float | None, deficits: str) -> World:
    from ..policy import baseline

    return baseline(name, as_of=step, theta=theta, deficits=deficits)


def world_as_of(name: str, as_of: str | None, theta: float | None = None,
                deficits: str | None = None) -> tuple[World, dict[str, Any] | None]:
    """The dataset, or its equilibrium with the US tariffs in force on ``as_of``.

    Worlds are cached per (dataset, tariff step, theta, deficits): every day between two
    changes of US policy gives the same world. The second item describes the date (the
    step in force and its event), None without ``as_of``.
    """
    if as_of is None:
        return world_of(name), None
    from ..policy import EVENTS, step_of

    step = step_of(as_of)  # DateRangeError (400) outside the tracker's range
    day = str(step.date())
    deficits = SolveOptions.of(deficits=deficits).deficits
    return _baseline(name, day, theta, deficits), {"as_of": as_of, "step": day,
                                                   "event": EVENTS.get(day, "")}


def _as_of_note(world: World, info: dict[str, Any], t: str, h: str,
                names: dict[str, str]) -> str:
    """One line: the US tariff in force on the target (and hegemon) on that day."""
    from ..policy import partner_rates

    rates = partner_rates(world_of(info["dataset"]), info["as_of"])
    said = [f"{names[c]} {100 * rates.loc[c, 'rate']:.1f}% ({100 * rates.loc[c, 'rate_2024']:.1f}% "
            "in 2024)" for c in (t, h) if c in rates.index]
    step = info["step"]
    return (f"Measured from the US tariffs in force on {info['as_of']} (the step of {step}: "
            f"{info['event'] or 'tracker'})" + (f"; US tariff on {', '.join(said)}" if said else "")
            + ". The coercive tariff replaces the one in force on that pair.")


def check_brief(req: BriefRequest, limits: Limits) -> tuple[str, str, dict[str, Any]]:
    """The cheap checks of a brief request (codes, sectors, draws): (target, against, kwargs).

    Run before a brief job is queued, so that a typo is a 4xx at once, not a failed job.
    """
    if req.bands > limits.max_draws:
        _too_many_draws(req.bands, limits)
    base = world_of(req.data)
    if base.n_sectors > 1 and req.bands > limits.max_sector_draws:
        raise LimitExceededError(
            f"bands={req.bands}: at most {limits.max_sector_draws} draws on a multi-sector "
            f"dataset ({req.data} has {base.n_sectors} sectors; each draw solves every "
            "response again). Ask for fewer, or 0 for none.")
    t, h = _pair(base, req.target, req.against)
    kw: dict[str, Any] = _sector_args(req, base)
    if req.diversify_with is not None:
        kw["diversify_with"] = tuple(req.diversify_with)
    if req.coalition is not None:
        kw["coalition"] = tuple(req.coalition)
    if req.as_of is not None:
        from ..policy import step_of

        step_of(req.as_of)
    return t, h, kw


def brief(req: BriefRequest, limits: Limits) -> dict[str, Any]:
    """The coercion brief as JSON, plus every response's welfare change by economy (map)."""
    t, h, kw = check_brief(req, limits)
    world, as_of = world_as_of(req.data, req.as_of, req.theta, _deficits(req))
    b = make_brief(world, t, h, req.tariff, theta=req.theta, deficits=_deficits(req),
                   bands=req.bands, model=req.model, currency=req.currency, **kw)
    out = b.to_dict()
    rows = []
    for r in b.results:
        c = r.countries
        rows.extend({"response": r.name, "economy": code, "welfare_pct": c.at[code, "welfare_pct"],
                     "welfare_change": c.at[code, "welfare_change"]} for code in c.index)
    levels = {r.name: r.countries.at[t, "welfare_change"] for r in b.results}
    names = dict(zip(world.countries, world.names, strict=True))
    out["taxed_sectors"] = ([world.sectors[i] for i in world.resolve_sectors(b.sectors)]
                            if world.n_sectors > 1 else None)
    if as_of is not None:
        as_of["dataset"] = req.data
        as_of["note"] = _as_of_note(world, as_of, t, h, names)
        out["notes"] = [as_of["note"], *out["notes"]]
    out.update(
        dataset=req.data, target_name=names[t], against_name=names[h],
        sectors_asked=req.sectors or ["all"], welfare=rows, target_welfare_change=levels,
        as_of=as_of, table=out["responses"],
    )
    return tidy(out)


def _deficits(req: Any) -> str:
    """The request's deficit closure, or SolveOptions' default (one place for defaults)."""
    return SolveOptions.of(deficits=req.deficits).deficits


def _too_many_draws(bands: int, limits: Limits) -> None:
    raise LimitExceededError(f"bands={bands}: at most {limits.max_draws} draws per request.")


def _scenario(req: SolveRequest, limits: Limits) -> Scenario:
    if req.yaml is not None:
        if len(req.yaml) > limits.max_yaml_chars:
            raise LimitExceededError(f"the scenario text has {len(req.yaml):,} characters; at most "
                                f"{limits.max_yaml_chars:,}.")
        scenario = Scenario.from_yaml_text(req.yaml, source="scenario")
    else:
        assert req.scenario is not None  # the schema guarantees one of the two
        scenario = req.scenario
    n_shocks = len(scenario.shocks) + sum(len(v.shocks) for v in scenario.variants.values())
    if n_shocks > limits.max_shocks:
        raise LimitExceededError(f"{n_shocks} shocks: at most {limits.max_shocks} per scenario.")
    if len(scenario.variants) > limits.max_variants:
        raise LimitExceededError(f"{len(scenario.variants)} variants: at most "
                            f"{limits.max_variants} per scenario.")
    if scenario.data is not None and req.data is None and scenario.data not in shipped_names():
        raise ScenarioError(f"scenario: data: {scenario.data[:60]!r} is not a dataset this "
                            f"server offers ({', '.join(shipped_names())}); files and paths "
                            "are not read over the web.")
    return scenario


def solve(req: SolveRequest, limits: Limits) -> dict[str, Any]:
    """Solve every variant; per-economy outcomes in one long table (scenario, country)."""
    if req.bands > limits.max_draws:
        _too_many_draws(req.bands, limits)
    scenario = _scenario(req, limits)
    name = req.data or scenario.data or DEFAULT_DATASET
    world = world_of(name)
    # the command line's rule, in one place: request beats file beats SolveOptions' default
    # (theta None: each sector's own elasticity, not 5 for all)
    opts = SolveOptions.for_scenario(scenario, theta=req.theta, deficits=_deficits(req))
    theta, deficits = opts.theta, opts.deficits
    scenario.check(world)
    variants = scenario.expand()
    if req.flows:  # refused before solving: flows are n^2 x sectors rows per variant
        _check_flow_rows(world, len(variants), limits)
    results = solve_many(world, variants, options=opts)
    parts = []
    for r in results:
        c = r.countries[list(OUTCOMES)].reset_index()
        c.insert(0, "scenario", r.name)
        parts.append(c)
    table = pd.concat(parts, ignore_index=True)
    table.insert(2, "name", table["country"].map(dict(zip(world.countries, world.names,
                                                          strict=True))))
    if req.bands:
        bands = uncertainty(world, variants, n=req.bands,
                            theta=None if theta is None else theta_band(theta),
                            deficits=deficits, percentiles=(5, 95)).table
        keys = pd.MultiIndex.from_arrays([table["scenario"], table["country"]])
        for q in (5, 95):
            table[f"welfare_p{q}"] = bands[f"welfare_pct_p{q}"].reindex(keys).to_numpy()
    out: dict[str, Any] = {
        "scenario": scenario.model_dump(mode="json", exclude_none=True),
        "yaml": scenario.to_yaml(), "dataset": name, "theta": theta,
        "theta_label": opts.theta_label(world), "deficits": deficits,
        "unit": world.unit, "variants": [r.name for r in results],
        "diagnostics": [{"scenario": r.name, "iterations": r.iterations,
                         "max_residual": r.max_residual} for r in results],
        "table": _records(table),
    }
    if req.flows:
        # keyed by variant: each name said once, not on each of its n^2 x S rows (a 20 kB
        # name repeated on 1,521 rows made a 31.6 MB answer)
        out["flows"] = {r.name: _records(r.flows.reset_index(drop=True)) for r in results}
    return tidy(out)


def _check_flow_rows(world: Any, n_variants: int, limits: Limits) -> None:
    per = world.n * world.n * world.n_sectors
    if per * n_variants > limits.max_flow_rows:
        raise LimitExceededError(
            f"flows: {n_variants} variant(s) x {per:,} flows each = {per * n_variants:,} rows; "
            f"at most {limits.max_flow_rows:,} per answer. Ask for fewer variants, or leave "
            "flows out (the command line has no such limit).")


def validate(req: ValidateRequest, limits: Limits) -> dict[str, Any]:
    """Check a scenario file: the command line's file/line/field messages, one per line."""
    if len(req.yaml) > limits.max_yaml_chars:
        raise LimitExceededError(f"the scenario text has {len(req.yaml):,} characters; at most "
                            f"{limits.max_yaml_chars:,}.")
    try:
        scenario = Scenario.from_yaml_text(req.yaml, source="scenario")
        if req.data is not None:
            scenario.check(world_of(req.data))
    except (ScenarioError, KeyError, ValueError) as exc:
        return {"valid": False, "errors": str(exc).splitlines(), "table": []}
    shocks = [{"variant": "(all)", **s.model_dump(mode="json", exclude_none=True)}
              for s in scenario.shocks]
    for v, var in scenario.variants.items():
        shocks += [{"variant": v, **s.model_dump(mode="json", exclude_none=True)}
                   for s in var.shocks]
    return tidy({"valid": True, "errors": [], "name": scenario.name,
                 "variants": [s.name for s in scenario.expand()],
                 "scenario": scenario.model_dump(mode="json", exclude_none=True),
                 "table": shocks})


def pairs_of(req: LeverageRequest) -> int:
    """Number of trade wars a leverage request solves."""
    n = len(req.countries) if req.countries else world_of(req.data).n
    return n * (n - 1) // 2


def leverage(req: LeverageRequest, progress: Callable[[int], None] | None = None,
             executor: Any = None) -> dict[str, Any]:
    """The leverage matrix as a tidy pair table (a, b, losses, ratio, gap)."""
    world = world_of(req.data)
    lev = run_leverage(world, req.tariff, embargo=req.embargo, countries=req.countries,
                       theta=req.theta, deficits=_deficits(req), executor=executor,
                       progress=progress or False)
    names = dict(zip(world.countries, world.names, strict=True))
    order = list(lev.matrix.index)
    return tidy({"how": lev.how, "countries": order, "names": [names[c] for c in order],
                 "unit": world.unit, "table": _records(lev.table)})


def _check_count(n: int, most: int, what: str) -> None:
    if n > most:
        raise LimitExceededError(f"{n} {what} once groups are expanded: at most {most} (each one "
                            "doubles the coalitions to solve).")


def coalition_search(req: CoalitionRequest, limits: Limits, executor: Any = None
                     ) -> dict[str, Any]:
    """Ranked coalitions (best first), as :func:`middlepower.coalition.search`."""
    world = world_of(req.data)
    t, h = _pair(world, req.target, req.against)
    cands = _codes(world, req.candidates, (t, h), "candidates")
    _check_count(len(cands), limits.max_candidates, "candidates")
    table = co.search(world, t, h, cands, instrument=req.instrument, objective=req.objective,
                      max_size=req.max_size, require_all_gain=req.require_all_gain,
                      tariff=req.tariff, top=req.top, theta=req.theta, deficits=_deficits(req),
                      executor=executor)
    table = table.assign(partners=[list(p) for p in table["partners"]])
    return tidy({"target": t, "against": h, "candidates": cands, "unit": world.unit,
                 "table": _records(table)})


def shapley(req: MembersRequest, limits: Limits, executor: Any = None) -> dict[str, Any]:
    """Each member's Shapley share of the coalition's gain (world's unit and percent)."""
    world = world_of(req.data)
    t, h = _pair(world, req.target, req.against)
    members = _codes(world, req.members, (t, h), "members")
    _check_count(len(members), limits.max_members, "members")
    table = co.shapley(world, t, h, members, instrument=req.instrument, tariff=req.tariff,
                       theta=req.theta, deficits=_deficits(req), executor=executor)
    return tidy({"target": t, "against": h, "members": members, "unit": world.unit,
                 "table": _records(table.reset_index())})


def stability(req: MembersRequest, limits: Limits, executor: Any = None) -> dict[str, Any]:
    """Who gains inside vs outside, the Shapley split, and whether it is in the core."""
    world = world_of(req.data)
    t, h = _pair(world, req.target, req.against)
    members = _codes(world, req.members, (t, h), "members")
    _check_count(len(members), limits.max_members, "members")
    st = co.stability(world, t, h, members, instrument=req.instrument, tariff=req.tariff,
                      theta=req.theta, deficits=_deficits(req), executor=executor)
    table = st["members"].reset_index()
    stay_out = list(table.loc[~table["gains"], "member"])
    out = {"target": t, "against": h, "members": members, "unit": world.unit,
           "all_gain": st["all_gain"], "in_core": st["in_core"], "rather_stay_out": stay_out,
           "shapley": _records(st["shapley"].reset_index()) if st["shapley"] is not None
           else None,
           "core_violations": _records(st["core_violations"])
           if st["core_violations"] is not None else None,
           "table": _records(table)}
    return tidy(out)
