r"""A counterfactual equilibrium as a new baseline: :func:`world_from_result`.

The counterfactual of a solve is itself an economy: flows
:math:`X'_{ij} = \lambda'_{ij} E'_j / (1 + t'_{ij})` at the new tariffs :math:`t'`. As a
:class:`~middlepower.World` it becomes the baseline of further shocks, so that analyses
start "from where things stand" (e.g. the US tariffs in force on a date).

Consistency (what the tests check). With :math:`\hat w` the solution,

* market clearing gives :math:`Y'_i = \sum_j X'_{ij} = \hat w_i Y_i`, and spending net of
  tariffs gives :math:`\sum_i X'_{ij} = \hat w_j Y_j + D'_j`, so the new world's deficits
  are the counterfactual deficits :math:`D'_j`;
* its shares are :math:`\lambda'`, so solving no shock on it returns :math:`\hat w = 1`;
* hat algebra composes: solving shock A, rebasing, then solving B (tariffs set to the same
  final levels, same theta, closure and numeraire) gives the equilibrium of A and B at
  once, with welfare changes multiplying: :math:`\hat W_{AB} = \hat W_A \hat W_B`. This
  holds for both deficit closures: ``"additive"`` keeps :math:`D_j` fixed in units of world
  output, ``"ratio"`` keeps :math:`D_j/Y_j` up to a common shift that world balance pins
  down at the end either way.

Prices. The new flows are in counterfactual prices, in units of the numeraire of the
solve: with ``numeraire="world"`` (the default) world output is unchanged, so flows stay
in the old unit at the old world output; with a country numeraire, in units of that
country's factory-gate (or consumer) price. Percent changes from the new baseline are
therefore relative to the counterfactual, not to the original data.

Reference: Dekle, Eaton & Kortum (2008), "Global rebalancing with gravity", IMF Staff
Papers 55(3): the model in changes; any equilibrium is a valid starting point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ParameterError

if TYPE_CHECKING:
    from ..data.world import World
    from .result import Result

__all__ = ["world_from_result"]


def world_from_result(result: Result, *, source: str | None = None) -> World:
    """The counterfactual equilibrium of ``result`` as a new, validated :class:`World`.

    Parameters
    ----------
    result : Result
        A full general-equilibrium solve (``mode="full"``, the default).
    source : str, optional
        Provenance text of the new world; by default the old one plus the scenario's name.

    Returns
    -------
    World
        Same countries, names, regions, year, unit (and sector parameters, where the world
        has sectors); flows = the counterfactual pre-tariff flows, ``result.flows_matrix``
        (N, N) or per sector (S, N, N), in counterfactual prices (see the module notes);
        tariffs = ``result.tariffs``, the counterfactual t'.

    Raises
    ------
    ParameterError
        For a result of ``mode="conditional"``: its flows hold output and spending at
        their old values and do not clear markets, so they are no economy to start from.

    Examples
    --------
    >>> import middlepower as mp
    >>> w = mp.World.from_matrix(["A", "B", "C"], [[8, 1, 1], [1, 8, 1], [1, 1, 8]])
    >>> r = mp.solve(w, [mp.tariff(by="A", on="B", rate=0.2)])
    >>> w2 = world_from_result(r)
    >>> bool(abs(mp.solve(w2, []).countries["welfare_pct"]).max() < 1e-8)
    True
    """
    if getattr(result, "deficits", None) == "conditional":
        raise ParameterError(
            f"result {result.name!r} is a conditional solve (output and spending held at the "
            "baseline): its flows do not clear markets; rebase a full solve "
            "(mp.solve(..., mode='full')).")
    old = result.world
    # sector arrays where the engine has them, so a multi-sector world keeps its axis
    flows = getattr(result, "sector_flows_matrix", None)
    tariffs = getattr(result, "sector_tariffs", None)
    if flows is None or tariffs is None:
        flows, tariffs = result.flows_matrix, result.tariffs
    flows, tariffs = np.asarray(flows, dtype=np.float64), np.asarray(tariffs, dtype=np.float64)
    if hasattr(old, "with_flows"):  # keeps names, regions and the sector parameters
        new = old.with_flows(flows, tariffs)
    else:
        from ..data.world import World

        new = World(old.countries, flows, tariffs, names=old.names, regions=old.regions,
                    **old.meta())
    # a fresh object nobody else holds yet: its provenance can still be set
    new.source = source if source is not None else (
        f"{old.source} | counterfactual of scenario {result.name!r} (theta="
        f"{np.atleast_1d(result.theta)[0]:g}, deficits={result.deficits}), in counterfactual "
        "prices")
    return new
