r"""The one-sector general-equilibrium trade model, solved in changes ("exact hat algebra").

Model
-----
Armington / Eaton-Kortum gravity with trade elasticity :math:`\theta` (= sigma - 1),
as in Dekle, Eaton & Kortum (2008), with ad valorem tariffs whose revenue is rebated to
the importer's households (Costinot & Rodriguez-Clare 2014, section 4).

Baseline (from a :class:`~middlepower.World`): flows :math:`X_{ij}` at pre-tariff prices,
tariffs :math:`t_{ij}` (set by importer j on exporter i),

.. math::

    Y_i = \sum_j X_{ij},\quad E_j = \sum_i (1+t_{ij}) X_{ij},\quad
    \lambda_{ij} = (1+t_{ij}) X_{ij} / E_j,\quad D_j = \sum_i X_{ij} - Y_j .

Shocks: new tariffs :math:`t'`, trade-cost changes :math:`\hat d_{ij}` and partial effects
:math:`\beta_{ij}` (:math:`\hat d_{ij}^{-\theta} = e^{\beta_{ij}}`); an embargo is
:math:`\hat d_{ij} = \infty`, i.e. :math:`e^{\beta_{ij}} = 0`. With
:math:`\hat t_{ij} = (1+t'_{ij})/(1+t_{ij})` and
:math:`a_{ij} = \lambda_{ij}\, e^{\beta_{ij}} (\hat d_{ij} \hat t_{ij})^{-\theta}`, the unknowns
are the factory-gate price changes :math:`\hat w_i`:

.. math::

    \hat P_j^{-\theta} &= \sum_k a_{kj}\, \hat w_k^{-\theta}, \qquad
    \lambda'_{ij} = a_{ij}\, \hat w_i^{-\theta} / \hat P_j^{-\theta} \\
    E'_j &= \frac{\hat w_j Y_j + D'_j}{1 - \sum_i \lambda'_{ij}\, t'_{ij}/(1+t'_{ij})}
    \qquad \text{(tariff revenue rebated)} \\
    \hat w_i Y_i &= \sum_j \lambda'_{ij} E'_j / (1+t'_{ij}) \qquad \text{(market clearing)}

Deficit closures (``deficits=``):

* ``"additive"`` (default; the closure of Stata's ``ge_gravity``): :math:`D'_j = D_j`
  measured in units of world output, :math:`D'_j = D_j \sum_i \hat w_i Y_i / \sum_i Y_i`.
* ``"ratio"`` (gegravity; Yotov et al. 2016): each deficit keeps its ratio to output,
  :math:`D'_j / Y'_j = D_j / Y_j - c`. Held literally (c = 0), world deficits stop summing
  to zero whenever prices change unevenly and no equilibrium exists (world spending
  differs from world output by :math:`\sum_j \hat w_j D_j`); the common shift
  :math:`c = \sum_k \hat w_k D_k / \sum_k \hat w_k Y_k` restores world balance. It is
  zero at the baseline and second-order small in practice.

Both make the system homogeneous of degree one in :math:`\hat w`; the numeraire fixes the
level: world output (``numeraire="world"``, :math:`\sum_i \hat w_i Y_i = \sum_i Y_i`) or one
country's factory-gate price (``numeraire="DEU"``, :math:`\hat w_{DEU} = 1`).

Outcomes: welfare (real expenditure) :math:`\hat W_j = (E'_j/E_j)/\hat P_j`; real GDP
:math:`\hat w_j / \hat P_j`. With zero tariffs and balanced trade,
:math:`\hat W_j = \hat\lambda_{jj}^{-1/\theta}` (Arkolakis, Costinot & Rodriguez-Clare 2012).

Algorithm
---------
A damped Jacobi-Newton iteration on :math:`x = \log \hat w`: the excess-demand ratio
:math:`f_i = \log(\text{sales}_i / \hat w_i Y_i)` is divided by an approximation of its own
derivative, :math:`1 + \theta (1 - s_i)` with :math:`s_i` country i's sales-weighted market
share, then the numeraire is imposed. Every step is a handful of batched matrix-vector
products over (batch, sector, exporter, importer), taken with the coefficient layout of
:mod:`._coefficients`, and Anderson acceleration mixes the last steps. The solver stops
when the largest relative excess demand is below ``tol`` and raises
:class:`~middlepower.errors.ConvergenceError` otherwise.

References
----------
.. [1] Dekle, R., Eaton, J. & Kortum, S. (2008). Global rebalancing with gravity. IMF
   Staff Papers 55(3).
.. [2] Costinot, A. & Rodriguez-Clare, A. (2014). Trade theory with numbers. Handbook of
   International Economics, vol. 4.
.. [3] Arkolakis, C., Costinot, A. & Rodriguez-Clare, A. (2012). New trade models, same
   old gains? American Economic Review 102(1).
.. [4] Yotov, Y., Piermartini, R., Monteiro, J.-A. & Larch, M. (2016). An Advanced Guide to
   Trade Policy Analysis: The Structural Gravity Model. WTO/UNCTAD.
"""

from .backends import warm_up
from .baseline import Baseline, baseline
from .engine import fast_path_applies, summaries
from .options import SolveOptions
from .result import Result, Results
from .solve import solve, solve_many

__all__ = ["Baseline", "Result", "Results", "SolveOptions", "baseline", "fast_path_applies",
           "solve", "solve_many", "summaries", "warm_up"]
