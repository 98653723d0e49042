"""Run many scenarios: in local vectorised chunks, or on a Dask cluster.

``run_many`` is what the analyses call. Locally it is :func:`solve_many` with a progress
bar; with ``executor=`` (a ``dask.distributed.Client``, or a scheduler address such as
``"tcp://10.0.0.5:8786"``) the scenarios are cut into chunks, the world is sent once to
every worker, and each worker runs :func:`solve_many` on its chunks. Results are the same
as the local run (to floating-point summation order, about 1e-14).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..data.world import World
from ..errors import MissingDependencyError, ParameterError
from ..scenario.scenario import Scenario
from .result import Result, Results
from .solve import solve_many

__all__ = ["client_for", "run_many"]


def client_for(executor: Any) -> Any:
    """A dask.distributed Client from a Client, or from a scheduler address string."""
    if executor is None:
        return None
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "running on a Dask cluster needs dask.distributed: pip install "
            "'middlepower[distributed]'") from None
    if isinstance(executor, str):
        try:
            return Client(executor, timeout="10s")
        except OSError as exc:
            raise ParameterError(f"could not reach the Dask scheduler at {executor!r}: "
                                 f"{exc}") from None
    if isinstance(executor, Client):
        return executor
    raise ParameterError(f"executor must be a dask.distributed.Client or a scheduler address; "
                         f"got {type(executor).__name__}.")


def run_many(
    world: World,
    scenarios: Sequence[Scenario],
    *,
    executor: Any = None,
    chunk_size: int = 256,
    progress: bool | Callable[[int], None] = False,
    **solve_kw: Any,
) -> Results:
    """Solve ``scenarios`` on ``world``, locally or on a Dask cluster.

    Parameters
    ----------
    world : World
    scenarios : sequence of Scenario
    executor : dask.distributed.Client or str, optional
        Run on this cluster; local vectorised batches when None.
    chunk_size : int, default 256
        Scenarios per task on the cluster.
    progress : bool or callable
        A rich progress bar (True), or a callback receiving the number done.
    **solve_kw
        Passed to :func:`solve_many` (theta, deficits, ...).
    """
    scenarios = list(scenarios)
    client = client_for(executor)
    if client is None:
        return solve_many(world, scenarios, progress=progress, **solve_kw)
    from distributed import as_completed

    from .engine import _progress

    # hash=False: a fresh key per call, so a future released by an earlier call cannot
    # take this call's copy of the world with it
    world_future = client.scatter(world, broadcast=True, hash=False)
    chunks = [scenarios[k:k + chunk_size] for k in range(0, len(scenarios), chunk_size)]
    futures = {client.submit(solve_many, world_future, chunk, pure=False, **solve_kw): i
               for i, chunk in enumerate(chunks)}
    out: list[list[Result]] = [[] for _ in chunks]
    bar, advance = _progress(progress, len(scenarios))
    try:
        for fut in as_completed(futures):
            i = futures[fut]
            out[i] = list(fut.result())
            advance(len(chunks[i]))
    finally:
        if bar is not None:
            bar.stop()
    return Results([r for part in out for r in part])
