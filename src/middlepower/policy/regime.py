"""The 2025-26 tariff regime by sector, both sides, on a date: ``mp.policy.regime``.

On a world with the sectors of ``icio2022`` (ISIC rev. 4, OECD ICIO 2025), or those of
``wiod2014`` (through the ICIO -> WIOD concordance), the table of rates in force by
(imposer, partner, sector), each row with its source:

* **US tariffs**, from the tracker's HS2 table (``us_tariffs(as_of, by="hs2")``: each
  partner's dated increase on the snapshot's chapter profile, exemptions such as
  USMCA-qualifying and Annex II goods included, since the tracker's rates are effective
  rates on 2024 imports), with the statutory layer of ``_files/regime_layers.csv`` (US
  Section 232 steel and aluminium: 50% from 2025-06-04) replacing the chapter's increase.
  The partner's import-weighted total increase is kept: the other chapters' increases
  are scaled by one factor ``k = max(0, (sum_c I_c inc_c - sum_O I_o d_o) /
  sum_{c not in O} I_c inc_c)``, since the tracker's total is measured at HS10 and its
  chapter profile is the part that is stale. A chapter maps to ICIO sectors by
  ``_files/hs2_icio.csv``; a sector's rate is the 2024-import-weighted mean of its
  chapters' rates ``rate_c = rate_2024_c + inc_c``. Regions (EU27) weight members by
  their 2024 US imports; partners the tracker does not list take the all-partner
  increase on their own 2024 rate, in every goods sector.
* **Counter-tariffs** (Canada's surtaxes on US goods, and any user rows): a chapter's
  surtax is ``duty * coverage`` (coverage: share of the chapter's headings listed), a
  sector's the mean over its chapters weighted by 2024 US imports from all partners by
  chapter (the only chapter weights shipped; a proxy for the mix of the sector's trade),
  added to the world's own baseline tariff.

Dates after the tracker's last day take its last entry (``attrs["note"]`` says so); the
layers' own dates are compared with ``as_of`` itself.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data.icio import SECTORS, TO_WIOD
from ..data.world import World
from ..errors import ParameterError
from .tracker import ALL, _parse, _table, coverage, step_of, us_tariffs

__all__ = ["concordance", "has_icio_sectors", "in_force_by_sector", "latest", "layers",
           "pre2025_by_sector", "regime", "regime_tariffs"]

IMPORTER = "USA"
_COLUMNS = ["imposer", "partner", "hs2", "duty_pct", "coverage", "start", "end", "source"]


def _file(name: str) -> Any:
    return resources.files("middlepower").joinpath(f"policy/_files/{name}")


@lru_cache(maxsize=1)
def concordance() -> pd.DataFrame:
    """HS chapter -> ICIO sector, one row per pair (``hs2``, ``sector``)."""
    with resources.as_file(_file("hs2_icio.csv")) as p:
        df = pd.read_csv(p, dtype=str)
    rows = [(h, s) for h, ss in zip(df.hs2, df.sectors, strict=True) for s in ss.split()]
    return pd.DataFrame(rows, columns=["hs2", "sector"])


def layers(extra: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped layer rows, then ``extra`` (a CSV path or a table with the same
    columns: imposer, partner (a code or ``*``), hs2, duty_pct, coverage, start, end,
    source); a later row replaces an earlier one with the same (imposer, partner, hs2)
    in force on the same day."""
    with resources.as_file(_file("regime_layers.csv")) as p:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    if extra is not None:
        more = extra if isinstance(extra, pd.DataFrame) else _read_extra(Path(extra))
        missing = set(_COLUMNS) - set(more.columns)
        if missing:
            raise ParameterError(f"layer table lacks column(s) {sorted(missing)}; it needs "
                                 f"{', '.join(_COLUMNS)}.")
        df = pd.concat([df, more.astype(str)[_COLUMNS]], ignore_index=True)
    df = df[_COLUMNS].copy()
    df["hs2"] = df.hs2.str.zfill(2)
    for col in ("duty_pct", "coverage"):
        num = pd.to_numeric(df[col], errors="coerce")
        if num.isna().any() or (num < 0).any():
            bad = df.loc[num.isna() | (num < 0), col].iloc[0]
            raise ParameterError(f"layer column {col} must be numbers >= 0; got {bad!r}.")
        df[col] = num
    return df


def _read_extra(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ParameterError(f"layer file {str(path)!r} not found.")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _active(df: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    start = pd.to_datetime(df.start.replace("", "1900-01-01"), errors="coerce")
    end = pd.to_datetime(df.end.replace("", "2200-01-01"), errors="coerce")
    bad = start.isna() | end.isna()
    if bad.any():
        r = df[bad].iloc[0]
        raise ParameterError(f"layer row ({r.imposer}, {r.partner}, {r.hs2}): start "
                             f"{r.start!r} / end {r.end!r} must be dates YYYY-MM-DD or empty.")
    return df[(start <= day) & (day <= end)].drop_duplicates(
        ["imposer", "partner", "hs2"], keep="last")


def latest() -> pd.Timestamp:
    """The last date anything in the regime changes: the tracker's last day or the last
    start of a shipped layer row, whichever is later."""
    starts = pd.to_datetime(layers().start.replace("", "1900-01-01"))
    return max(coverage()[1], starts.max())


def has_icio_sectors(world: World) -> bool:
    """Whether ``world`` has the ICIO sectors of icio2022 (the regime by sector applies)."""
    return world.n_sectors > 1 and set(SECTORS) <= set(world.sectors)


def _tracker_day(as_of: Any) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """(the day asked, the tracker day used, a note when they differ)."""
    day = latest() if isinstance(as_of, str) and as_of.strip() == "latest" else _parse(as_of)
    last = coverage()[1]
    if day > last:
        return day, last, (f"{day.date()} is after the US tariff tracker's last day "
                           f"({last.date()}): its last entry applies")
    step_of(day)  # before the first day: a DateRangeError naming the range
    return day, day, ""


def _sector_map(world: World) -> dict[str, str]:
    """ICIO sector -> the world's sector code (ICIO itself, or wiod2014's)."""
    sectors = set(world.sectors)
    if set(SECTORS) <= sectors:
        return {s: s for s in SECTORS}
    if set(TO_WIOD.values()) <= sectors:
        return dict(TO_WIOD)
    raise ParameterError(
        "the regime by sector needs the sectors of icio2022 (ISIC rev. 4) or wiod2014; this "
        f"world has {world.n_sectors} sector(s) ({', '.join(world.sectors[:4])}...). Use "
        "mp.policy.in_force for one rate per partner.")


def _us_chapters(day: pd.Timestamp, tracker_day: pd.Timestamp, layer: pd.DataFrame
                 ) -> pd.DataFrame:
    """US rate by listed partner and chapter on the day, with the statutory layer."""
    hs2 = us_tariffs(tracker_day, by="hs2")[["partner", "hs2", "imports_2024", "rate_2024",
                                             "increase"]].copy()
    us = layer[layer.imposer == IMPORTER]
    hs2["source"] = "tracker HS2 profile"
    out = []
    for partner, g in hs2.groupby("partner", sort=False):
        g = g.copy()
        rows = us[us.partner.isin(["*", partner])].sort_values(
            "partner", key=lambda s: s != "*")           # '*' first, the partner's own wins
        rule = rows.drop_duplicates("hs2", keep="last").set_index("hs2")
        hit = g.hs2.isin(rule.index)
        if hit.any():
            total = float((g.imports_2024 * g.increase).sum())
            r = rule.loc[g.hs2[hit]]
            new = (r.coverage.to_numpy() * r.duty_pct.to_numpy() / 100
                   + (1 - r.coverage.to_numpy()) * g.increase[hit].to_numpy())
            g.loc[hit, "increase"] = new
            g.loc[hit, "source"] = r.source.to_numpy()
            rest = float((g.imports_2024 * g.increase)[~hit].sum())
            used = float((g.imports_2024[hit] * new).sum())
            k = max(0.0, (total - used) / rest) if rest > 0 else 0.0
            g.loc[~hit, "increase"] *= k
            g.loc[~hit, "source"] = f"tracker HS2 profile x {k:.3f} (partner total kept)"
        out.append(g)
    df = pd.concat(out, ignore_index=True)
    df["rate"] = df.rate_2024 + df.increase
    return df


def _by_sector(ch: pd.DataFrame, value: str, weight: str) -> pd.Series:
    """Weighted mean of ``value`` over each ICIO sector's chapters."""
    m = ch.merge(concordance(), on="hs2")
    m["wv"] = m[weight] * m[value]
    g = m.groupby("sector")[["wv", weight]].sum()
    return (g.wv / g[weight]).where(g[weight] > 0)


def _us_rows(world: World, day: pd.Timestamp, tracker_day: pd.Timestamp,
             layer: pd.DataFrame, smap: dict[str, str]) -> list[tuple]:
    from .inforce import _members

    ch = _us_chapters(day, tracker_day, layer)
    partners = _table("partners").set_index("partner")
    steps = _table("steps")
    now = steps[steps.date == step_of(tracker_day)].set_index("partner")
    all_inc = float(now.loc[ALL, "increase"])
    goods = [s for s in SECTORS if s in set(concordance().sector)]
    profiles: dict[str, tuple[pd.Series, pd.Series, str]] = {}
    for p, g in ch.groupby("partner"):
        rate, base = _by_sector(g, "rate", "imports_2024"), _by_sector(g, "rate_2024",
                                                                       "imports_2024")
        mean = float((g.rate * g.imports_2024).sum() / g.imports_2024.sum())
        mean24 = float((g.rate_2024 * g.imports_2024).sum() / g.imports_2024.sum())
        src = "; ".join(sorted(set(g.source)))
        profiles[p] = (rate.reindex(goods).fillna(mean), base.reindex(goods).fillna(mean24),
                       src)
    rows = []
    for code in world.countries:
        if code == IMPORTER:
            continue
        w, rates, bases, srcs = [], [], [], []
        for m in _members(world, code):
            if m == IMPORTER or m not in partners.index:
                continue
            p = partners.loc[m]
            listed = p.listed_as if p.listed_as in profiles else ""
            w.append(float(p.imports_2024))
            if listed:
                r, b, src = profiles[listed]
                rates.append(r.to_numpy())
                bases.append(b.to_numpy())
                srcs.append(f"{src} ({listed})")
            else:
                rates.append(np.full(len(goods), float(p.rate_2024) + all_inc))
                bases.append(np.full(len(goods), float(p.rate_2024)))
                srcs.append("tracker all-partner increase on the 2024 rate")
        if not w or sum(w) <= 0:
            continue
        rate = np.average(np.array(rates), axis=0, weights=w)
        base = np.average(np.array(bases), axis=0, weights=w)
        src = srcs[0] if len(set(srcs)) == 1 else f"import-weighted over {len(w)} members"
        rows += [(IMPORTER, code, smap[s], float(r), float(b), src)
                 for s, r, b in zip(goods, rate, base, strict=True)]
    return rows


def _counter_rows(world: World, layer: pd.DataFrame, smap: dict[str, str]) -> list[tuple]:
    others = layer[layer.imposer != IMPORTER]
    if others.empty:
        return []
    weights = _table("hs2").groupby("hs2", as_index=False).imports_2024.sum()
    t = world.sector_tariffs
    sec_index = {s: k for k, s in enumerate(world.sectors)}
    rows = []
    for imposer, g in others.groupby("imposer", sort=False):
        if imposer not in world.countries:
            continue
        for partner in (c for c in world.countries if c != imposer):
            mine = g[g.partner.isin(["*", partner])].sort_values(
                "partner", key=lambda s: s != "*").drop_duplicates("hs2", keep="last")
            if mine.empty:
                continue
            ch = weights.merge(mine[["hs2", "duty_pct", "coverage", "source"]], on="hs2",
                               how="left")
            ch["surtax"] = (ch.duty_pct * ch.coverage / 100).fillna(0.0)
            extra = _by_sector(ch, "surtax", "imports_2024").fillna(0.0)
            src = "; ".join(sorted(set(mine.source)))
            i, j = world.index(partner), world.index(imposer)
            for s, x in extra[extra > 0].items():
                k = sec_index[smap[s]]
                rows.append((imposer, partner, smap[s], float(t[k, i, j] + x),
                             float(t[k, i, j]), src))
    return rows


def regime(world: World, as_of: Any = "latest", *,
           layers_csv: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The tariffs in force on ``as_of`` by (imposer, partner, sector), with sources.

    Parameters
    ----------
    world : World
        With the sectors of ``icio2022`` (or ``wiod2014``); must contain ``USA``.
    as_of : date (YYYY-MM-DD) or "latest", default "latest" (:func:`latest`)
        A date after the tracker's last day takes its last entry (``attrs["note"]``).
    layers_csv : path or DataFrame, optional
        Extra layer rows (e.g. China's counter-tariffs), in the columns of
        :func:`layers`; they replace shipped rows with the same key.

    Returns
    -------
    DataFrame
        imposer, partner, sector (the world's code), rate (in force, 0.5 = 50%), base
        (the US 2024 rate, or the world's own rate for a counter-tariff), source. For a
        wiod2014 world, ICIO sectors merged into one WIOD sector each give a row.
    """
    world.index(IMPORTER)
    smap = _sector_map(world)
    day, tracker_day, note = _tracker_day(as_of)
    layer = _active(layers(layers_csv), day)
    rows = _us_rows(world, day, tracker_day, layer, smap) + _counter_rows(world, layer, smap)
    df = pd.DataFrame(rows, columns=["imposer", "partner", "sector", "rate", "base", "source"])
    df.attrs["note"] = note
    df.attrs["as_of"] = str(day.date())
    df.attrs["tracker_day"] = str(tracker_day.date())
    return df


def regime_tariffs(world: World, table: pd.DataFrame, *, level: str = "rate") -> np.ndarray:
    """The world's (S, N, N) tariffs with the table's ``level`` column (``rate`` or
    ``base``) set where it has rows; rows for one world sector are averaged."""
    t = np.array(world.sector_tariffs, dtype=np.float64)
    g = table.groupby(["imposer", "partner", "sector"], as_index=False)[level].mean()
    k = np.array([world.sectors.index(s) for s in g.sector], dtype=np.intp)
    i = np.array([world.index(c) for c in g.partner], dtype=np.intp)
    j = np.array([world.index(c) for c in g.imposer], dtype=np.intp)
    t[k, i, j] = g[level].to_numpy()
    return t


def in_force_by_sector(world: World, as_of: Any = "latest", *,
                       layers_csv: str | Path | pd.DataFrame | None = None,
                       name: str | None = None) -> Any:
    """A scenario that sets every rate of :func:`regime` (one tariff shock per imposer,
    partner and rate, over the sectors at that rate)."""
    from ..scenario import Scenario, tariff

    full = regime(world, as_of, layers_csv=layers_csv)
    table = full.groupby(["imposer", "partner", "sector"], as_index=False, sort=False).rate.mean()
    table["key"] = table.rate.round(9)
    shocks = [tariff(by=i, on=p, rate=float(r), sectors=list(g.sector))
              for (i, p, r), g in table.groupby(["imposer", "partner", "key"], sort=False)]
    day, note = full.attrs["as_of"], full.attrs["note"]
    return Scenario(name or f"tariffs in force {day} by sector", shocks=shocks, description=(
        f"US tariffs by partner and sector (tracker HS2 profile, Section 232 layer) and "
        f"counter-tariffs in force on {day}" + (f"; {note}" if note else "")))


def pre2025_by_sector(world: World) -> World:
    """``world`` with its US import tariffs set to the tracker's 2024 rates by sector."""
    first = coverage()[0]
    table = regime(world, first)
    return world.with_tariffs(regime_tariffs(world, table[table.imposer == IMPORTER],
                                             level="base"))
