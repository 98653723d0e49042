"""The range of trade elasticities a user may give: one check for every door.

A trade elasticity theta (sigma - 1) given as one number for every sector must lie in
``THETA_RANGE`` = [0.5, 30]. The published estimates of an aggregate trade elasticity lie
well inside it: Eaton & Kortum (2002, Econometrica 70(5)) 3.6 to 12.9 (preferred 8.28);
Simonovska & Waugh (2014, J. Int. Econ. 92(1)) 2.8 to 4.5; Head & Mayer (2014, Handbook of
International Economics vol. 4, ch. 3), the meta-analysis of gravity estimates, median 5.03
for structural estimates. Outside it the model still solves but says nothing a reader
should quote: theta = 1e-9 makes trade shares insensitive to prices and returned a
"converged" -4.1% for Canada; theta above about 100 overflows the shares' powers.

Per-sector elasticities may go further: Caliendo & Parro (2015, REStud 82(1)) estimate
1.45 (machinery) to 64.85 (petroleum), the shipped ``cp1993`` data. So an array that varies
by sector (a dataset's own, or draws around it) is checked only to be positive and at most
``MAX_SECTOR_THETA``; a number, or a row that is the same in every sector, must lie in
``THETA_RANGE``.

The scenario file (``theta:``), the command line (``--theta``), the web API and
``mp.solve`` all call :func:`check_theta_number` (the engine's ``_check_theta`` calls it on
every sector-uniform row), so each door refuses the same values with the same message.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import ParameterError

__all__ = ["MAX_SECTOR_THETA", "THETA_RANGE", "THETA_SOURCE", "check_theta_number",
           "theta_band"]

#: One trade elasticity for every sector: smallest and largest accepted.
THETA_RANGE = (0.5, 30.0)
#: Where the range comes from, for messages.
THETA_SOURCE = ("published aggregate estimates: Eaton & Kortum 2002, 3.6-12.9; Simonovska & "
                "Waugh 2014, 2.8-4.5; Head & Mayer 2014 meta-analysis, median 5.03")
#: Largest per-sector elasticity (Caliendo & Parro 2015 reach 64.85; beyond about 100 the
#: shares' powers overflow double precision).
MAX_SECTOR_THETA = 100.0


def _message(value: Any) -> str:
    lo, hi = THETA_RANGE
    return (f"theta={value}: one trade elasticity for every sector must be a positive "
            f"number between {lo:g} and {hi:g} ({THETA_SOURCE}).")


def check_theta_number(value: Any) -> float:
    """``value`` as a float if it is a trade elasticity in ``THETA_RANGE``.

    Raises
    ------
    ParameterError
        (a ``ValueError``, so pydantic validators report it as a field error) naming the
        range and its source.

    >>> check_theta_number(4)
    4.0
    """
    if isinstance(value, bool):
        raise ParameterError(_message(repr(value)))
    if not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ParameterError(_message(repr(value))) from None
    v = float(value)
    lo, hi = THETA_RANGE
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ParameterError(_message(f"{v:g}"))
    return v


def theta_band(theta: float) -> tuple[float, float]:
    """The uncertainty bands' draw range for one theta: ``[0.8 theta, 1.2 theta]`` cut to
    ``THETA_RANGE`` (theta = 30 draws from [24, 30], not up to 36, which every door refuses).

    >>> theta_band(5.0)
    (4.0, 6.0)
    >>> theta_band(30.0)
    (24.0, 30.0)
    """
    lo, hi = THETA_RANGE
    return max(0.8 * theta, lo), min(1.2 * theta, hi)
