"""The US tariff tracker's tables, shipped with middlepower, looked up by date.

Source: the public US tariff tracker, github.com/tradewartracker/trade-war-redux-2025
(MIT licence; notice in ``_files/us_tariffs.LICENSE.txt``), built from the executive
orders and proclamations on 2024 US import weights. ``scripts/build_us_tariffs.py``
derives the tables from the tracker's CSVs and can be re-run on a newer copy.

The tracker's partner rates are the import-weighted INCREASE over each partner's 2024
tariff (new duties only); the tariff in force is the 2024 tariff plus that increase. A
date takes the latest change on or before it; dates outside the tracker's daily series
(1 January 2025 to its last day) raise :class:`~middlepower.errors.DateRangeError`.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import pandas as pd

from ..errors import DateRangeError, ParameterError

__all__ = ["EVENTS", "change_dates", "coverage", "provenance", "step_of", "us_tariffs"]

_DIR = "policy/_files"

#: Code of the tracker's all-partner average in the tables.
ALL = "ALL"

#: The legal step behind each change date, paraphrased from the tracker's README
#: (its table of the tariff actions it encodes). Dates are the tracker's.
EVENTS: dict[str, str] = {
    "2025-01-01": "2024 tariffs",
    "2025-02-04": "IEEPA fentanyl tariffs on China",
    "2025-03-06": "IEEPA on Canada, Mexico (USMCA goods exempt)",
    "2025-03-12": "Sec. 232 steel, aluminium 25%",
    "2025-04-03": "Sec. 232 autos 25%",
    "2025-04-05": "IEEPA 'reciprocal' tariffs",
    "2025-04-08": "China to 104%",
    "2025-04-09": "90-day pause; China 125%",
    "2025-04-11": "Electronics, Annex II exempt",
    "2025-05-12": "US-China Geneva truce",
    "2025-06-03": "Steel, aluminium to 50%",
    "2025-08-07": "August country rates; Canada 35%",
    "2025-10-14": "Sec. 232 timber, furniture",
    "2025-11-01": "US-China one-year truce",
    "2025-11-14": "Farm exemptions; Swiss cap 15%",
    "2025-12-04": "Korea deal 15%",
    "2026-02-07": "US-India framework",
    "2026-02-20": "Supreme Court: IEEPA tariffs void",
    "2026-02-24": "Sec. 122 surcharge 10%",
    "2026-04-06": "Sec. 232 metals restructured",
    "2026-07-22": "Sec. 301 on Brazil",
    "2026-07-24": "Sec. 122 ends; Sec. 301 forced labour",
    "2026-07-31": "Brazil 301 pharma carve-out",
    "2026-08-19": "Sec. 338 on Canadian goods",
}


def _files() -> Any:
    return resources.files("middlepower").joinpath(_DIR)


@lru_cache(maxsize=4)
def _table(name: str) -> pd.DataFrame:
    with resources.as_file(_files().joinpath(f"us_tariffs_{name}.parquet")) as p:
        df = pd.read_parquet(p)
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"])
    return df


@lru_cache(maxsize=1)
def provenance() -> dict[str, Any]:
    """Source, tracker commit, licence, method and gaps of the shipped tariff tables."""
    return json.loads(_files().joinpath("us_tariffs.provenance.json").read_text("utf-8"))


def coverage() -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day the tracker covers (its daily series)."""
    p = provenance()
    return pd.Timestamp(p["first_day"]), pd.Timestamp(p["last_day"])


def change_dates() -> list[pd.Timestamp]:
    """Every date on which a US tariff changed, the first being the 2024 tariffs."""
    return sorted(pd.Timestamp(d) for d in provenance()["change_dates"])


def _parse(as_of: Any) -> pd.Timestamp:
    if isinstance(as_of, pd.Timestamp | dt.date):
        return pd.Timestamp(as_of).normalize()
    if not isinstance(as_of, str):
        raise ParameterError(f"as_of={as_of!r}: give a date, e.g. '2026-01-20'.")
    try:
        return pd.Timestamp(dt.date.fromisoformat(as_of.strip()))
    except ValueError:
        raise ParameterError(f"as_of={as_of!r} is not a date in the form YYYY-MM-DD "
                             "(e.g. '2026-01-20').") from None


def step_of(as_of: Any) -> pd.Timestamp:
    """The change date in force on ``as_of``: the latest one on or before it.

    Parameters
    ----------
    as_of : str (YYYY-MM-DD), date or Timestamp

    Raises
    ------
    DateRangeError
        ``as_of`` before the first or after the last day the tracker covers.
    ParameterError
        ``as_of`` not a date.
    """
    day = _parse(as_of)
    first, last = coverage()
    if not first <= day <= last:
        raise DateRangeError(
            f"as_of={day.date()} is outside the US tariff tracker's range, {first.date()} to "
            f"{last.date()} (commit {provenance()['commit']}); pick a date in it, or rebuild "
            "the table from a newer copy with scripts/build_us_tariffs.py.")
    return max(d for d in change_dates() if d <= day)


def us_tariffs(as_of: Any = "2026-01-20",
               by: Literal["partner", "hs2"] = "partner") -> pd.DataFrame:
    """US import tariffs in force on a date, by partner or by partner and HS2 chapter.

    Parameters
    ----------
    as_of : str (YYYY-MM-DD), date or Timestamp, default "2026-01-20"
        Any day the tracker covers; the latest change on or before it applies.
    by : {"partner", "hs2"}
        ``"partner"``: one row per partner the tracker lists (ISO3, the EU as ``EU27``)
        and ``ALL``, the tracker's all-partner average. ``"hs2"``: one row per listed
        partner and HS2 chapter (see Notes).

    Returns
    -------
    DataFrame
        ``partner``, ``name``, ``rate`` (tariff in force, a share: 0.10 = 10%),
        ``increase`` (over the 2024 tariff), ``rate_2024``, ``imports_2024`` (US imports in
        2024, USD bn: the weight), ``date`` (the tracker's change date used), ``event``;
        with ``by="hs2"`` also ``hs2`` and ``increase_2025`` (the tracker's HS2 snapshot).

    Notes
    -----
    The tracker's HS2 table is one undated snapshot of the 2025 increase. For a date,
    each chapter's snapshot increase is scaled by the partner's dated increase over its
    import-weighted snapshot increase, so chapters average to the partner's rate on that
    date with the snapshot's profile across chapters. After 20 February 2026, when only
    the sector (Section 232) duties remained, the true profile is more concentrated in
    metals and autos than this scaling shows.

    Examples
    --------
    >>> import middlepower as mp
    >>> t = mp.policy.us_tariffs("2026-01-20").set_index("partner")
    >>> round(float(100 * t.loc["CAN", "increase"]), 2)
    10.08
    """
    if by not in ("partner", "hs2"):
        raise ParameterError(f"by={by!r}: expecting 'partner' or 'hs2'.")
    step = step_of(as_of)
    steps = _table("steps")
    df = steps[steps.date == step].drop(columns="date").reset_index(drop=True)
    df["rate"] = df.rate_2024 + df.increase
    df["date"] = step
    df["event"] = EVENTS.get(str(step.date()), "")
    df = df[["partner", "name", "rate", "increase", "rate_2024", "imports_2024", "date",
             "event"]]
    if by == "partner":
        return df
    return _hs2(df[df.partner != ALL])


def _hs2(partners: pd.DataFrame) -> pd.DataFrame:
    hs2 = _table("hs2")
    hs2 = hs2[hs2.partner.isin(partners.partner)].copy()
    snap = hs2.groupby("partner").apply(
        lambda g: (g.increase_2025 * g.imports_2024).sum() / g.imports_2024.sum(),
        include_groups=False).rename("snapshot")
    p = partners.set_index("partner")
    hs2 = hs2.join(snap, on="partner").join(p[["name", "increase", "date", "event"]],
                                            on="partner")
    scale = (hs2.increase / hs2.snapshot).where(hs2.snapshot > 0, 0.0)
    # a partner with a dated increase but a zero snapshot: spread it evenly
    even = (hs2.snapshot <= 0) & (hs2.increase > 0)
    hs2["increase"] = (hs2.increase_2025 * scale).where(~even, hs2.increase)
    hs2["rate"] = hs2.rate_2024 + hs2.increase
    return hs2[["partner", "name", "hs2", "rate", "increase", "rate_2024", "imports_2024",
                "increase_2025", "date", "event"]].reset_index(drop=True)
