"""Annual average exchange rates, units of a currency per US dollar (1999 onwards).

Shipped as ``data/_files/fx_annual.csv``, built by ``scripts/build_fx.py`` from the
European Central Bank's euro foreign exchange reference rates (each currency's rate over
the US dollar's, averaged over the year's reference days; 2023: 1.3499 CAD per USD, the
Bank of Canada's annual average being 1.3497).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from ..errors import ParameterError

__all__ = ["per_usd", "rates"]


@lru_cache(maxsize=1)
def rates() -> pd.DataFrame:
    """The table: year, currency, per_usd, days (reference days averaged)."""
    path = resources.files("middlepower").joinpath("data/_files/fx_annual.csv")
    with resources.as_file(path) as p:
        return pd.read_csv(p, comment="#")


def per_usd(currency: str, year: int | None) -> float:
    """Units of ``currency`` per US dollar, averaged over ``year``.

    >>> round(per_usd("CAD", 2023), 4)
    1.3499
    """
    code = str(currency).upper()
    if code == "USD":
        return 1.0
    t = rates()
    known = sorted(set(t.currency))
    if code not in known:
        raise ParameterError(f"currency {currency!r}: the shipped rates cover USD and "
                             f"{', '.join(known)} (ECB reference rates).")
    if year is None:
        raise ParameterError(f"the data have no year, so no {code} rate applies; state "
                             "amounts in USD.")
    row = t[(t.currency == code) & (t.year == int(year))]
    if row.empty:
        years = t[t.currency == code].year
        raise ParameterError(f"no {code} rate for {year}: the shipped rates run from "
                             f"{years.min()} to {years.max()}.")
    return float(row.per_usd.iloc[0])
