"""``solve`` and ``solve_many``: validate at the door, then one batched hat-algebra solver.

The system solved is stated in :mod:`middlepower.model`; the equations are in
:mod:`.equations`, the batching in :mod:`.engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from pydantic import BaseModel

from ..data.world import World
from ..errors import ParameterError, ScenarioError
from ..scenario.scenario import DeficitClosure, Scenario
from .baseline import Baseline, baseline
from .diagnostics import _check_options
from .engine import _results_of, _solutions
from .options import Mode, SolveOptions
from .result import Result, Results

__all__ = ["Baseline", "solve", "solve_many"]


def _as_scenarios(scenarios: Any) -> list[Scenario]:
    if isinstance(scenarios, Scenario):
        return scenarios.expand()
    out: list[Scenario] = []
    for k, s in enumerate(scenarios):
        if isinstance(s, Scenario):
            out.extend(s.expand())
        else:
            raise ScenarioError(f"item {k} of scenarios is a {type(s).__name__}, not an "
                                "mp.Scenario; wrap shocks in mp.Scenario(name, shocks=[...]).")
    return out


def solve(
    world: World,
    scenario: Scenario | Sequence[Any],
    theta: float | SolveOptions | None = None,
    deficits: DeficitClosure | None = None,
    *,
    options: SolveOptions | None = None,
    mode: Mode | None = None,
    numeraire: str | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    damping: float | None = None,
) -> Result:
    """Solve for the counterfactual equilibrium of one scenario.

    Every option defaults to :class:`SolveOptions` (the one place defaults are set): pass
    ``options=SolveOptions(...)`` (or as the third argument), keyword arguments, or both
    (keywords that are not None win).

    Parameters
    ----------
    world : World
        The baseline, with one sector or many.
    scenario : Scenario, or a list of shocks
        Shocks from :func:`mp.tariff`, :func:`mp.agreement`, ... A scenario with variants
        goes to :func:`solve_many`.
    options : SolveOptions, optional
    theta : float or array of shape (S,), optional
        Trade elasticity (sigma - 1), > 0. By default the world's sectoral elasticities
        (``world.sector_theta``) where it has them, else 5.0. A number applies to every
        sector.
    deficits : {"additive", "ratio", "zero"}, default "additive"
        Closure for trade imbalances; see :mod:`middlepower.model`. ``"zero"`` balances
        every country's trade in the counterfactual (D' = 0), the first step of Caliendo &
        Parro (2015): ``mp.solve(world, [], deficits="zero").to_world()`` is a balanced
        baseline.
    mode : {"full", "conditional"}, default "full"
        ``"conditional"`` holds every economy's output and spending at their baseline
        values and lets only the multilateral resistances adjust (the "conditional general
        equilibrium" of Yotov et al. 2016; one-sector worlds); ``w_hat`` is then the change
        of the outward multilateral resistance term, not a price.
    numeraire : str, default "world"
        ``"world"`` keeps world value added fixed; a country code keeps its factory-gate
        price fixed (``"DEU"``); ``"price:DEU"`` keeps its consumer price index fixed, the
        normalisation of Yotov et al. (2016).
    tol : float, default 1e-10
        Largest relative excess demand accepted (and, with input-output links, largest
        relative change of sector prices and spending in the last step).
    max_iter : int, default 10000
    damping : float, default 1.0
        Step size in (0, 1]; lower it if the solver does not converge.

    Returns
    -------
    Result
        ``countries`` (welfare_pct, real_gdp_pct, ...), ``flows``, ``sectors`` and
        diagnostics ``converged``, ``iterations``, ``max_residual``.

    Raises
    ------
    ConvergenceError
        Naming the scenario, the worst country and its residual; never an unconverged
        result.
    InadmissibleEquilibriumError
        The fixed point found is not an economy (e.g. negative spending): named quantity,
        country and likely cause.
    ParameterError, UnknownCountryError, UnknownSectorError, ScenarioError

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
    >>> r = mp.solve(w, mp.Scenario("t", [mp.tariff(by="A", on="B", rate=0.2)]))
    >>> bool(r.countries.loc["B", "welfare_pct"] < 0)
    True
    """
    if isinstance(scenario, BaseModel) and not isinstance(scenario, Scenario):
        # one shock, e.g. mp.tariff(...)
        scenario = Scenario(getattr(scenario, "type", "scenario"), shocks=[scenario])
    elif not isinstance(scenario, Scenario):
        scenario = Scenario("scenario", shocks=list(scenario))
    if scenario.variants:
        raise ScenarioError(f"scenario {scenario.name!r} has {len(scenario.variants)} variants; "
                            "use mp.solve_many(world, scenario) to solve them side by side.")
    if isinstance(theta, SolveOptions):
        options, theta = theta, None
    opts = SolveOptions.of(options, theta=theta, deficits=deficits, mode=mode,
                           numeraire=numeraire, tol=tol, max_iter=max_iter, damping=damping)
    th = opts.theta
    if th is not None and np.ndim(th) == 1 and not isinstance(th, str):
        opts = replace(opts, theta=np.asarray(th, dtype=float)[None, :])
    return solve_many(world, [scenario], options=opts)[0]


def solve_many(
    world: World,
    scenarios: Scenario | Iterable[Scenario],
    theta: float | Sequence[float] | np.ndarray | SolveOptions | None = None,
    deficits: DeficitClosure | None = None,
    *,
    options: SolveOptions | None = None,
    mode: Mode | None = None,
    numeraire: str | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    damping: float | None = None,
    chunk_size: int | None = None,
    progress: bool | Callable[[int], None] = False,
) -> Results:
    """Solve many scenarios against one baseline in vectorised batches.

    Same parameters as :func:`solve` (defaults from :class:`SolveOptions`); a scenario
    with variants counts as one scenario per variant. Results equal one-by-one solves
    (each scenario stops at its own iteration).

    Parameters
    ----------
    theta : float, sequence of float or array, optional
        One trade elasticity for all; one per scenario (as uncertainty analysis draws);
        or an (n, S) array, one per scenario and sector. Default: the world's own.
    chunk_size : int, optional
        Scenarios per batch; by default about 600,000 / (S N^2) in one sector off the fast
        path (5 MB per array), 60,000 / (S N) with several sectors, whose batches share the
        baseline's matrices. Batches are solved on a thread per core.
    progress : bool or callable, default False
        True shows a rich progress bar; a callable receives the number of scenarios done
        after each chunk.

    Returns
    -------
    Results
        A sequence of :class:`Result`, with ``countries`` stacked in one long table.
    """
    if not isinstance(world, World):
        raise ParameterError(f"world must be an mp.World (e.g. mp.load('world2023')); got "
                             f"{type(world).__name__}.")
    if isinstance(theta, SolveOptions):
        options, theta = theta, None
    opts = SolveOptions.of(options, theta=theta, deficits=deficits, mode=mode,
                           numeraire=numeraire, tol=tol, max_iter=max_iter, damping=damping)
    deficits = opts.deficits
    items = _as_scenarios(scenarios)
    if not items:
        raise ScenarioError("no scenarios to solve.")
    spec = _check_options(world, len(items), opts)
    base = baseline(world)
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) < 1):
        raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer.")
    out: list[Result] = []
    for start, sol in _solutions(world, base, items, spec, chunk_size, progress):
        out += _results_of(world, base, items[start:start + len(sol.w)], spec, start, sol,
                           "conditional" if spec.conditional else deficits)
    return Results(out)
