r"""Closed-form optimal tariff and retaliation of Ignatenko, Lashkaripour, Macedoni &
Simonovska (2025), beside the numerical :func:`~middlepower.game.optimal_tariff`.

**Optimal uniform tariff** of economy i (their Proposition 2), with the selling-cost and
pass-through terms of :mod:`middlepower.model.market`:

.. math::

    t^*_i = \frac{1}{(1 + \mathcal E_i)\,\phi_i - 1},\qquad
    \mathcal E_i = \varepsilon\, \frac{\sum_{n\ne i} (1-\nu_n)(1-\lambda_{in}) X_{in}}
                                   {(1-\nu_i)\,(D_i - X_{ii})}

with :math:`\lambda_{in} = X_{in}/E_n` and :math:`D_i` the spending :math:`E_i` (the
paper's Table 1 and 3, 21.8% for the US) or the labour income :math:`Y_i` (its Table 2,
panel (3), 18.5%: the code uses both).

**Optimal retaliation** of everyone else against i, the world summed into two regions
(R, the rest, and i): :math:`t^R = 1/((1 + \varepsilon\,\delta_R)\phi_R - 1)`,
:math:`\delta_R = X_{Ri}(1-\nu_i)(1-\lambda_{Ri}) / ((1-\nu_R)(Y_R - X_{RR}))`, trade within
R counting as R's home sales (22.7% against the US). With nu = 0 and phi = 1 (Eaton-Kortum)
the first is the textbook :math:`1/\mathcal E_i`.

Exact in the model where i is a price-taker's opposite: they ignore the other economies'
general-equilibrium responses beyond the terms above; ``tests/game`` compares them with
the numerical optimum.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..data.world import World
from ..errors import ParameterError
from ..model import SolveOptions, baseline
from ..model.market import Market, market_of

__all__ = ["ilms_optimal_retaliation", "ilms_optimal_tariff"]


def _terms(world: World, options: SolveOptions) -> tuple[Market, float]:
    if world.n_sectors > 1:
        raise ParameterError("the closed forms are one-sector; use world.collapse().")
    if options.theta is None:
        raise ParameterError("the closed forms need a number for theta (e.g. 4, the paper's).")
    m = market_of(baseline(world), options) or market_of(
        baseline(world), options.merged(revenue="income_tax"))   # nu = 0, phi = 1 terms
    return m, float(options.theta)


def ilms_optimal_tariff(world: World, country: str, options: SolveOptions,
                        denominator: Literal["spending", "income"] = "spending") -> float:
    """t*_i of Proposition 2 (see the module's docstring)."""
    m, eps = _terms(world, options)
    i = world.index(country)
    X = world.flows
    lam = X / m.spending[None, :]
    off = np.ones(world.n, dtype=bool)
    off[i] = False
    num = ((1 - m.nu[off]) * (1 - lam[i, off]) * X[i, off]).sum()
    if denominator not in ("spending", "income"):
        raise ParameterError(f"denominator={denominator!r}: expecting 'spending' or 'income'.")
    d = m.spending[i] if denominator == "spending" else m.labour[i]
    elasticity = eps * num / ((1 - m.nu[i]) * (d - X[i, i]))
    return float(1.0 / ((1.0 + elasticity) * m.phi[i] - 1.0))


def ilms_optimal_retaliation(world: World, against: str, options: SolveOptions) -> float:
    """t^R of everyone else against ``against`` (two regions; see the module's docstring).
    Where the rest's nu or phi differ by economy, their spending-weighted means stand in."""
    m, eps = _terms(world, options)
    i = world.index(against)
    X = world.flows
    rest = np.ones(world.n, dtype=bool)
    rest[i] = False
    w = m.spending[rest] / m.spending[rest].sum()
    nu_r, phi_r = float(w @ m.nu[rest]), float(w @ m.phi[rest])
    x_ri, x_rr = X[rest, i].sum(), X[np.ix_(rest, rest)].sum()
    lam_ri = x_ri / (x_ri + X[i, i])
    delta = x_ri * (1 - m.nu[i]) * (1 - lam_ri) / ((1 - nu_r) * (m.labour[rest].sum() - x_rr))
    return float(1.0 / ((1.0 + eps * delta) * phi_r - 1.0))
