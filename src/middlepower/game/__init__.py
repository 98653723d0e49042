r"""The tariff game: optimal tariffs, best responses, Nash tariff wars, saying no.

Objects
-------
*Player*: an economy, or a coalition of economies acting as one (:func:`coalition`):
members trade freely among themselves (zero internal tariffs), set a common external
tariff, and rank outcomes by their total real income
:math:`\sum_{j\in C} E_j \hat W_j / \sum_{j\in C} E_j` or by their worst-off member's
:math:`\min_{j\in C} \hat W_j` (``objective="total"`` or ``"worst"``), where
:math:`\hat W_j = (E'_j/E_j)/\hat P_j` is real income (welfare) in the model of
:mod:`middlepower.model`.

*Instrument* (:mod:`~middlepower.game.instruments`): one uniform tariff on all targets;
one tariff per opponent; one per opponent and sector (multi-sector worlds).

*Optimal tariff* (:func:`optimal_tariff`): the rates :math:`t_p` maximising
:math:`V_p(t_p, t_{-p})`, everyone else's tariffs held at ``given``. A *best response*
is the same against the other players' current moves. A *Nash equilibrium*
(:func:`nash`) is a profile where every player's rates are a best response to the
others': :math:`t_p^* = \arg\max_{t_p} V_p(t_p, t^*_{-p})` for all p.

Methods
-------
Every objective evaluation is a general-equilibrium solve; evaluations are batched
(:func:`mp.solve_many`). Optimal tariffs: a scan of the bounds, then trust-region Newton
with finite-difference derivatives, one batch per round (:mod:`~middlepower.game.search`).
Nash: simultaneous (Jacobi) best responses, damped, all players' searches in one batch
per round; order-free by construction.

Theory checks (tests/game): in a two-country one-sector world with balanced trade the
optimal tariff is :math:`t^* = 1/(\theta \lambda'_{FF})` (Costinot & Rodriguez-Clare
2014, sec. 4; Gros 1987), so a small economy's tends to :math:`1/\theta`, not zero: in
Armington each economy is the only seller of its variety, and only as
:math:`\theta \to \infty` does market power vanish.

References
----------
.. [1] Costinot, A. & Rodriguez-Clare, A. (2014). Trade theory with numbers: quantifying
   the consequences of globalization. Handbook of International Economics 4, sec. 4.
.. [2] Gros, D. (1987). A note on the optimal tariff, retaliation and the welfare loss
   from tariff wars in a framework with intra-industry trade. JIE 23(3-4).
.. [3] Ossa, R. (2014). Trade wars and trade talks with data. AER 104(12).
.. [4] Lashkaripour, A. (2021). The cost of a global tariff war: a sufficient statistics
   approach. JIE 131.
"""

from .closed_form import ilms_optimal_retaliation, ilms_optimal_tariff
from .instruments import Instrument, PerOpponent, PerSector, Uniform
from .nash import Equilibrium, nash
from .optimal import Optimum, best_response, best_response_curves, optimal_tariff
from .players import Player, coalition
from .sayno import SayNo, say_no

__all__ = [
    "Equilibrium",
    "Instrument",
    "Optimum",
    "PerOpponent",
    "PerSector",
    "Player",
    "SayNo",
    "Uniform",
    "best_response",
    "best_response_curves",
    "coalition",
    "ilms_optimal_retaliation",
    "ilms_optimal_tariff",
    "nash",
    "optimal_tariff",
    "say_no",
]
