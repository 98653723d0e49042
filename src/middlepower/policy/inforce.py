"""The US tariffs in force on a date, applied to a world: scenarios and baselines.

A world's economy ``c`` stands for one country or a region (``world.regions[c]``, e.g.
``EU27``, ``ROW``). Its US tariff on a date is the import-weighted mean over its members
``m`` of the tracker's rates, with 2024 US imports from ``m`` as weights:

* 2024 tariff of ``m``: duties / imports in 2024 (the tracker's HS2 tables);
* increase of ``m``: the tracker's row for ``m`` when it lists it (EU members take the EU
  row, except Slovakia, which has its own), else the tracker's all-partner average;
* a code that is neither a Census partner nor a region with such members (e.g. ``"A"``)
  takes the all-partner average rates.

Comparisons "relative to 2024 tariffs" start from :func:`pre2025`: the world's US import
tariffs replaced by the tracker's 2024 rates. The 2023 trade data were observed under
tariffs close to those (US tariffs changed little between 2023 and 2024), while the
shipped datasets carry 2014 rates (WIOD), zero for non-WIOD partners.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._text import possessive
from ..data.groups import groups
from ..data.world import World
from ..errors import ParameterError
from ..scenario import Scenario, tariff
from .regime import has_icio_sectors, in_force_by_sector, pre2025_by_sector
from .tracker import ALL, EVENTS, _parse, _table, change_dates, provenance, step_of

__all__ = ["baseline", "cost", "headline", "in_force", "partner_rates", "pre2025"]

IMPORTER = "USA"

Method = Literal["level", "increase"]


def _members(world: World, code: str) -> tuple[str, ...]:
    regions = world.regions
    if code in regions:
        return tuple(regions[code])
    if code in groups and code not in _table("partners").partner.values \
            and code not in set(_table("steps").partner):
        return tuple(groups[code].members)
    return (code,)


def partner_rates(world: World, as_of: Any = "2026-01-20") -> pd.DataFrame:
    """The US tariff on each economy of ``world`` on a date, import-weighted over regions.

    Parameters
    ----------
    world : World
        Must contain ``USA``.
    as_of : str (YYYY-MM-DD), date or Timestamp

    Returns
    -------
    DataFrame
        Index ``country`` (every economy but the USA): ``rate_2024``, ``increase`` and
        ``rate`` (in force: their sum), shares; ``imports_2024`` (USD bn, the weight);
        ``rule`` (how the rate was found); ``date`` (the tracker's change date).
    """
    world.index(IMPORTER)  # a clear error naming USA when the world lacks it
    step = step_of(as_of)
    steps = _table("steps")
    now = steps[steps.date == step].set_index("partner")
    partners = _table("partners").set_index("partner")
    listed = set(now.index) - {ALL}
    all_inc, all_24 = float(now.loc[ALL, "increase"]), float(now.loc[ALL, "rate_2024"])
    rows = []
    for code in world.countries:
        if code == IMPORTER:
            continue
        members = _members(world, code)
        if code in listed and len(members) == 1:
            r = now.loc[code]
            rows.append((code, float(r.rate_2024), float(r.increase),
                         float(r.imports_2024), "listed by the tracker"))
            continue
        w, r24, inc, sources = [], [], [], []
        for m in members:
            if m == IMPORTER or m not in partners.index:
                continue
            p = partners.loc[m]
            source = p.listed_as if p.listed_as in listed else ""
            sources.append(source)
            w.append(float(p.imports_2024))
            r24.append(float(p.rate_2024))
            inc.append(float(now.loc[source, "increase"]) if source else all_inc)
        if sum(w) > 0:
            rows.append((code, float(np.average(r24, weights=w)),
                         float(np.average(inc, weights=w)), float(sum(w)),
                         _rule(code, members, sources)))
        else:
            rows.append((code, all_24, all_inc, 0.0,
                         "all-partner average (no 2024 US imports known)"))
    df = pd.DataFrame(rows, columns=["country", "rate_2024", "increase", "imports_2024", "rule"])
    df["rate"] = df.rate_2024 + df.increase
    df["date"] = step
    return df.set_index("country")[["rate", "increase", "rate_2024", "imports_2024", "rule",
                                    "date"]]


def _rule(code: str, members: Sequence[str], sources: list[str]) -> str:
    if len(members) > 1:
        listed = sum(bool(x) for x in sources)
        return f"import-weighted over {len(sources)} members ({listed} listed by the tracker)"
    if sources and sources[0]:
        return f"the tracker's {sources[0]} row"
    return "all-partner average increase"


def in_force(world: World, as_of: Any = "2026-01-20", *, method: Method = "level",
             name: str | None = None) -> Scenario:
    """A scenario that sets the US tariffs in force on ``as_of`` on the world's economies.

    Parameters
    ----------
    world : World
        Must contain ``USA``; regions are weighted as in :func:`partner_rates`.
    as_of : str (YYYY-MM-DD), date or Timestamp, default "2026-01-20"
    method : {"level", "increase"}, default "level"
        ``"level"``: the US tariff on each economy becomes the tracker's rate in force
        (2024 tariff + increase). ``"increase"``: the tracker's increase is added to the
        world's own baseline US tariff.
    name : str, optional
        Scenario name; by default ``"US tariffs in force <date>"``.

    Returns
    -------
    Scenario
        One ``tariff(by="USA", on=c)`` shock per economy; solve it with :func:`mp.solve`,
        on :func:`pre2025` (world) for costs relative to 2024 tariffs.

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.load("world2023")
    >>> s = mp.policy.in_force(w, "2026-01-20")
    >>> round(next(x.rate for x in s.shocks if x.on == "CAN"), 4)
    0.1018
    """
    if method not in ("level", "increase"):
        raise ParameterError(f"method={method!r}: expecting 'level' or 'increase'.")
    if has_icio_sectors(world):
        # ICIO sectors: rates by partner and sector, and partners' counter-tariffs
        if method != "level":
            raise ParameterError("method='increase' is for one rate per partner; on a world "
                                 "with ICIO sectors the regime sets levels by sector.")
        return in_force_by_sector(world, as_of, name=name)
    rates = partner_rates(world, as_of)
    step = rates.date.iloc[0]
    shocks = [tariff(by=IMPORTER, on=c, rate=float(r.rate) if method == "level"
                     else float(r.increase), add=method == "increase")
              for c, r in rates.iterrows()]
    day, step_day = _parse(as_of).date(), step.date()
    return Scenario(name or f"US tariffs in force {day}", shocks=shocks, description=(
        f"US import tariffs in force on {day} (tracker step {step_day}: "
        f"{EVENTS.get(str(step_day), 'change')}), {method}; {provenance()['source']}"))


def pre2025(world: World) -> World:
    """``world`` with its US import tariffs set to the tracker's 2024 rates (flows kept).

    The baseline from which "relative to 2024 tariffs" is measured: flows are the observed
    data, only the US column of the tariff matrix changes (import-weighted over regions as
    in :func:`partner_rates`). Applying it twice changes nothing.
    """
    if has_icio_sectors(world):
        return pre2025_by_sector(world)
    rates = partner_rates(world, change_dates()[0])
    u = world.index(IMPORTER)
    # keep every other sector tariff: (S, N, N) where the world has sectors
    t = np.array(getattr(world, "sector_tariffs", world.tariffs), dtype=np.float64)
    idx = [world.index(c) for c in rates.index]
    if t.ndim == 3:  # one rate for every sector of a partner until HS2 maps to sectors
        t[:, idx, u] = rates.rate_2024.to_numpy()[None, :]
    else:
        t[idx, u] = rates.rate_2024.to_numpy()
    return world.with_tariffs(t)


def _theta_label(theta: float | None) -> str:
    """``5`` or ``sectoral``/``5 (default)`` for the default (None) elasticities."""
    return f"{theta:g}" if theta is not None else "default"


def _world(data: str | World) -> World:
    if isinstance(data, World):
        return data
    from ..data.datasets import load

    return load(data)


def cost(data: str | World = "world2023", as_of: Any = "2026-01-20", *, theta: float | None = None,
         deficits: Literal["additive", "ratio"] = "additive", relative_to_2024: bool = True,
         **solve_options: Any) -> Any:
    """Solve the US tariffs in force on ``as_of``: what they cost, relative to 2024 tariffs.

    Parameters
    ----------
    data : str or World, default "world2023"
        A dataset name or a world.
    as_of : date, default "2026-01-20"
    theta, deficits, **solve_options
        As for :func:`mp.solve`.
    relative_to_2024 : bool, default True
        Solve from :func:`pre2025` (world); False solves from the world's own tariffs.

    Returns
    -------
    Result
        ``countries.welfare_pct`` is each economy's real-income change.
    """
    from ..model import solve

    world = _world(data)
    start = pre2025(world) if relative_to_2024 else world
    return solve(start, in_force(start, as_of), theta=theta, deficits=deficits, **solve_options)


def baseline(data: str | World = "world2023", as_of: Any = "2026-01-20", *,
             theta: float | None = None, deficits: Literal["additive", "ratio"] = "additive",
             relative_to_2024: bool = True, **solve_options: Any) -> World:
    """The world with the US tariffs of ``as_of`` in force: a baseline for further shocks.

    It is the counterfactual equilibrium of :func:`cost` as a :class:`World`
    (:func:`~middlepower.model.rebase.world_from_result`): flows in counterfactual prices,
    world output unchanged. Shocks solved on it are measured from ``as_of``; use the same
    ``theta`` and ``deficits`` for them as here, so that A then B equals A and B at once.

    Examples
    --------
    >>> import middlepower as mp
    >>> now = mp.policy.baseline("world2023", as_of="2026-01-20")
    >>> round(float(now.tariffs[now.index("CAN"), now.index("USA")]), 4)
    0.1018
    """
    from ..model.rebase import world_from_result

    r = cost(data, as_of, theta=theta, deficits=deficits, relative_to_2024=relative_to_2024,
             **solve_options)
    world = r.world
    return world_from_result(r, source=(
        f"{world.source} | with the US tariffs in force on {_parse(as_of).date()} "
        f"(tracker commit {provenance()['commit']}, theta={_theta_label(theta)}, "
        f"deficits={deficits}), "
        "in counterfactual prices"))


def _the(name: str) -> str:
    """'the United States', 'the Netherlands'; other names as they are."""
    plural = name.startswith(("United ", "Republic ")) or name.endswith("lands")
    return f"the {name}" if plural and not name.startswith("the ") else name


def headline(data: str | World = "world2023", country: str = "CAN",
             as_of: Any = "2026-01-20", *, theta: float | None = None,
             deficits: Literal["additive", "ratio"] = "additive",
             result: Any = None) -> str:
    """One sentence: the US tariff on ``country`` in force on a date and what it costs.

    Pass ``result`` (from :func:`cost` on the same world and date) to skip the solve.

    Examples
    --------
    >>> import middlepower as mp
    >>> print(mp.policy.headline("world2023", "CAN", "2026-01-20"))  # doctest: +ELLIPSIS
    On 20 Jan 2026 the US taxes goods from Canada at 10.2% on average (tracker; 0.1% in 2024)...
    """
    world = _world(data)
    rates = partner_rates(world, as_of)
    if country == IMPORTER:
        raise ParameterError("country='USA': the headline is about a partner the US taxes; "
                             "pick another economy.")
    k = world.index(country)
    r = result if result is not None else cost(world, as_of, theta=theta, deficits=deficits)
    welfare = r.countries["welfare_pct"]
    day = _parse(as_of)
    name, us_name = _the(world.names[k]), _the(world.names[world.index(IMPORTER)])
    a, b = float(welfare[country]), float(welfare[IMPORTER])
    if a < 0 and b < 0:
        effect = f"costs {name} {-a:.2f}% of real income and {us_name} {-b:.2f}%"
    else:
        effect = f"{_effect(name, a)} and {_effect(us_name, b)}"
    return (f"On {day.day} {day:%b %Y} the US taxes goods from {name} at "
            f"{100 * rates.loc[country, 'rate']:.1f}% on average (tracker; "
            f"{100 * rates.loc[country, 'rate_2024']:.1f}% in 2024); this {effect}, "
            f"relative to 2024 tariffs (theta = {_theta_label(theta)}).")


def _effect(name: str, pct: float) -> str:
    if pct < 0:
        return f"costs {name} {-pct:.2f}% of real income"
    return f"raises {possessive(name)} real income by {pct:.2f}%"
