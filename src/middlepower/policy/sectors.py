"""Hook for sector tariffs: the tracker's HS2 table aggregated to any sector list.

The multi-sector engine reads tariffs per sector (e.g. the 50 sectors of ``wiod2014``,
ISIC rev. 4). :func:`sector_rates` turns the tracker's rates by partner and HS2 chapter
(:func:`~middlepower.policy.us_tariffs` with ``by="hs2"``) into rates by partner and
sector through a concordance HS2 -> sector given by the caller, import-weighted with 2024
US imports. The shipped HS2 -> ICIO rev. 4 concordance and the full regime by sector
(statutory layers, counter-tariffs) are in :mod:`middlepower.policy.regime`
(``mp.policy.concordance()``, ``mp.policy.regime(world, as_of)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import ParameterError
from .tracker import us_tariffs

__all__ = ["sector_rates"]


def _concordance(concordance: Mapping[str, str] | pd.DataFrame) -> pd.Series:
    if isinstance(concordance, pd.DataFrame):
        missing = {"hs2", "sector"} - set(concordance.columns)
        if missing:
            raise ParameterError(f"the concordance table lacks column(s) {sorted(missing)}; it "
                                 f"has {list(concordance.columns)} (want hs2, sector).")
        pairs = zip(concordance["hs2"], concordance["sector"], strict=True)
    elif isinstance(concordance, Mapping):
        pairs = iter(concordance.items())
    else:
        raise ParameterError("concordance must be a mapping {hs2: sector} or a DataFrame with "
                             f"columns hs2, sector; got {type(concordance).__name__}.")
    out = {str(h).zfill(2): str(s) for h, s in pairs}
    return pd.Series(out, name="sector")


def sector_rates(as_of: Any, concordance: Mapping[str, str] | pd.DataFrame, *,
                 rest: str | None = None) -> pd.DataFrame:
    """US tariffs in force by partner and sector, from HS2 chapters and a concordance.

    Parameters
    ----------
    as_of : date
        As for :func:`~middlepower.policy.us_tariffs`.
    concordance : mapping or DataFrame
        HS2 chapter (``"72"`` or 72) -> sector code, as ``{hs2: sector}`` or a table with
        columns ``hs2`` and ``sector``.
    rest : str, optional
        Sector for chapters the concordance leaves out; without it they raise.

    Returns
    -------
    DataFrame
        ``partner``, ``sector``, ``rate``, ``increase``, ``rate_2024`` (import-weighted
        shares) and ``imports_2024`` (USD bn).

    Raises
    ------
    ParameterError
        Chapters with US imports that the concordance does not map (and no ``rest``).
    """
    hs2 = us_tariffs(as_of, by="hs2")
    conc = _concordance(concordance)
    hs2 = hs2.join(conc, on="hs2")
    unmapped = sorted(set(hs2.loc[hs2.sector.isna(), "hs2"]))
    if unmapped and rest is None:
        raise ParameterError(f"HS2 chapter(s) {', '.join(unmapped[:10])}"
                             f"{' ...' if len(unmapped) > 10 else ''} are not in the "
                             "concordance; map them, or pass rest='<sector>'.")
    hs2["sector"] = hs2.sector.fillna(rest or "")
    for col in ("rate", "increase", "rate_2024"):
        hs2[col] = hs2[col] * hs2.imports_2024
    out = hs2.groupby(["partner", "sector"], as_index=False)[
        ["rate", "increase", "rate_2024", "imports_2024"]].sum()
    for col in ("rate", "increase", "rate_2024"):
        out[col] = out[col] / out.imports_2024
    return out
