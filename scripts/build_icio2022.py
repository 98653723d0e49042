"""Build the shipped multi-sector datasets ``icio2022`` and ``icio2022-full`` (OECD ICIO 2022).

One command, from the repository root (a package index must be reachable the first time;
the wheel is then cached)::

    python scripts/build_icio2022.py [--raw ../shared/data] [--cache ~/.cache/middlepower]

Input: ``sanction_simulator/data/bench_cache.npz`` inside the wheel of the PyPI package
``sanction-simulator`` 0.1.4 (MIT; Bhattathiripad & Veetil), fetched with ``pip download
--no-deps`` and checked against :data:`WHEEL_SHA256`; it is read from the wheel (a zip)
without installing it. It holds the OECD Inter-Country Input-Output tables, 2025 edition,
reference year 2022: 80 economies x 50 ISIC rev. 4 sectors (node = sector * 80 +
country), ``A`` (input shares, row = selling node, column = buying node), ``omb`` (the
intermediate cost share), ``go`` (gross output, USD million), ``z`` (each node's sales to
final use, one total). Goods trade by pair: BACI 2023 (``world2023/trade_cepii.csv``).

Method (recorded in the JSON's ``method``):

1. Intermediate flows ``Z = A * (omb * go)[None, :]``, exactly as in ICIO; by sector and
   pair ``Zb[s, i, j] = sum_u Z[(s, i), (u, j)]``; input shares
   ``io[s, k, n] = sum_i Z[(k, i), (s, n)] / go[s, n]``; value added ``1 - sum_k io``.
2. Final demand split, prior (proportionality): node (s, i) sells to final users in each
   country j in the proportions it sells to producers there,
   ``F0[s, i, j] = z[s, i] * Zb[s, i, j] / sum_j Zb[s, i, j]`` (all domestic when it
   sells no inputs).
3. Reconciliation (:func:`middlepower.data.icio.ras_final_demand`): RAS to the node
   totals ``z`` and to BACI 2023 goods totals for each pair of economies with value added
   >= USD 100 bn, neither a re-export hub (:data:`HUBS`: BACI books the hub's re-exported
   imports, which ICIO nets out, so matching them would give the hub a deficit of 25-140%
   of value added). BACI 2023 is used as the 2022 target unscaled (no price adjustment).
   US imports from each targeted partner also by sector group (:func:`us_import_groups`:
   the tracker's 2024 imports by HS chapter, shipped in policy/_files, scaled to the
   pair's BACI total), dropped in the last quarter of the iterations so totals win.
4. Tariffs: the 2014 applied rates of ``wiod2014`` by the concordance of
   :data:`middlepower.data.icio.SECTORS`; zero where either side is not a wiod2014
   economy, zero for services. Theta from ``wiod2014`` by the same concordance.
5. ``icio2022``: EU27 as one bloc (``World.aggregate``, totals kept); ``icio2022-full``:
   the 80 economies.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

import middlepower as mp
from middlepower.data.groups import groups as country_groups
from middlepower.data.icio import GOODS, SECTORS, TO_WIOD, ras_final_demand, sector_groups
from middlepower.policy.regime import concordance
from middlepower.policy.tracker import _table as _tracker_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_wiod2014 import _long_table, _sector_table, _write

PACKAGE = "sanction-simulator==0.1.4"
WHEEL = "sanction_simulator-0.1.4-py3-none-any.whl"
WHEEL_SHA256 = "1c29bce64dd5e15d14b956556fc544cae21ac504f0cea07558019c4b9eae4909"
MEMBER = "sanction_simulator/data/bench_cache.npz"
#: Economies whose BACI imports include re-exports that ICIO nets out: no pair target.
HUBS = ("HKG", "SGP", "NLD", "BEL", "ARE")
MIN_VA_MN = 100e3
REPORT_PAIRS = (("CAN", "USA"), ("USA", "CAN"), ("DEU", "USA"), ("MEX", "USA"),
                ("USA", "MEX"), ("CHN", "USA"), ("JPN", "USA"), ("CHN", "CAN"))


def fetch_wheel(cache: Path) -> Path:
    """The pinned wheel in ``cache`` (downloaded once), its sha256 checked."""
    cache.mkdir(parents=True, exist_ok=True)
    wheel = cache / WHEEL
    if not wheel.exists():
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", PACKAGE, "-d", str(cache)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode or not wheel.exists():
            sys.exit(f"could not download {PACKAGE} into {cache}: "
                     f"{(done.stderr or done.stdout).strip()[-400:]}")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"refusing {wheel}: sha256 {digest} is not the pinned {WHEEL_SHA256}; "
                 "delete the file to download it again, or check the package index.")
    return wheel


def read_cache(wheel: Path) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(MEMBER)
    with np.load(io.BytesIO(raw), allow_pickle=False) as d:
        return {k: d[k] for k in d.files}


def baci_targets(raw: Path, countries: list[str]) -> np.ndarray:
    """(N, N) BACI 2023 goods trade among ``countries``, USD million; NaN where unknown."""
    if not (raw / "world2023" / "trade_cepii.csv").exists():
        sys.exit(f"no world2023/trade_cepii.csv under {raw}: pass --raw, the folder that "
                 "holds world2023/ (e.g. --raw /work/shared/data).")
    labels = pd.read_csv(raw / "world2023" / "country_labels.csv")["iso3"].tolist()
    trade = np.nan_to_num(pd.read_csv(raw / "world2023" / "trade_cepii.csv")
                          .to_numpy(dtype=float)) * 1e-3   # thousands -> millions
    pos = {c: k for k, c in enumerate(labels)}
    idx = np.array([pos.get(c, -1) for c in countries])
    out = np.full((len(countries), len(countries)), np.nan)
    ok = idx >= 0
    out[np.ix_(ok, ok)] = trade[np.ix_(idx[ok], idx[ok])]
    np.fill_diagonal(out, np.nan)
    return out


def wiod_params(countries: list[str], sectors: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """2014 applied tariffs (S, N, N) and theta (S,) from wiod2014 by the concordance."""
    w = mp.load("wiod2014")
    ws = list(w.sectors)
    k = np.array([ws.index(TO_WIOD[s]) for s in sectors])
    wc = {c: n for n, c in enumerate(w.countries) if c != "ROW"}
    theta = np.asarray(w.sector_theta)[k]
    t = np.zeros((len(sectors), len(countries), len(countries)))
    here = [n for n, c in enumerate(countries) if c in wc]
    there = [wc[countries[n]] for n in here]
    t[np.ix_(range(len(sectors)), here, here)] = w.sector_tariffs[np.ix_(k, there, there)]
    services = np.array([s not in GOODS for s in sectors])
    t[services] = 0.0
    theta = np.where(services, w.sector_theta[ws.index("F")], theta)  # B09 is a service
    return t, theta


def build(raw: Path, cache: Path, out: Path) -> dict:
    wheel = fetch_wheel(cache)
    d = read_cache(wheel)
    countries = [str(c) for c in d["countries"]]
    sectors = [str(s) for s in d["sectors"]]
    assert sectors == list(SECTORS), "unexpected sector codes in the ICIO cache"
    N, S = len(countries), len(sectors)
    go, omb = d["go"], d["omb"]
    Z = d["A"] * (omb * go)[None, :]
    Z4 = Z.reshape(S, N, S, N)
    Zb = Z4.sum(axis=2)                              # (s, i, j): sales of inputs i -> j
    use = Z4.sum(axis=1)                             # (k, s, n): inputs k bought by (s, n)
    del Z4
    y = go.reshape(S, N)
    z = d["z"].reshape(S, N)
    acc = float(np.max(np.abs(Z.sum(axis=1) + d["z"] - go)))
    del Z
    safe = np.where(y > 0, y, 1.0)
    io_ = np.where(y[:, None, :] > 0, np.transpose(use, (1, 0, 2)) / safe[:, None, :], 0.0)
    va = 1.0 - io_.sum(axis=1)
    va_usd = (va * y).sum(axis=0)

    rows = Zb.sum(axis=2)
    own = np.broadcast_to(np.eye(N), (S, N, N))
    prior = np.where(rows[:, :, None] > 0, Zb / np.where(rows > 0, rows, 1.0)[:, :, None], own)
    prior = z[:, :, None] * prior
    goods = np.array([s in GOODS for s in sectors])
    baci = baci_targets(raw, countries)
    ok = np.array([c not in HUBS and va_usd[n] >= MIN_VA_MN for n, c in enumerate(countries)])
    target = np.where(ok[:, None] & ok[None, :], baci, np.nan)
    groups, labels = us_import_groups(countries, sectors, target, Zb + prior, goods)
    F, ras = ras_final_demand(prior, z, Zb, goods, target, groups=groups, iterations=800)
    flows = (Zb + F) * 1e-3                          # USD bn, basic prices
    tariffs, theta = wiod_params(countries, sectors)
    fit = _fit(Zb + prior, Zb + F, baci, target, goods, countries)
    fit["us_imports_by_sector"] = _group_fit(Zb + prior, Zb + F, groups, labels, countries)

    names = {k: v[0] for k, v in SECTORS.items()}
    full = mp.World(countries, flows, tariffs, sectors=sectors, value_added=va, io=io_,
                    theta=theta, sector_names=[names[s] for s in sectors],
                    sector_groups=sector_groups(), year=2022, unit="USD bn")
    eu = [c for c in country_groups["EU27"].members if c in countries]
    small = full.aggregate({"EU27": eu}, rest=None)
    base = _meta(countries, sectors, names, theta, ras, fit, acc, d, va_usd)
    for name, world, desc in (
            ("icio2022", small, "OECD ICIO 2022: 53 economies and the EU27 as one bloc x 50 "
                                "ISIC rev. 4 sectors, input-output links, final demand "
                                "reconciled to BACI 2023, 2014 applied tariffs"),
            ("icio2022-full", full, "OECD ICIO 2022: 80 economies x 50 ISIC rev. 4 sectors "
                                    "(EU members separate), as icio2022")):
        deficit = world.deficit()
        meta = {**base, "description": desc, "countries": list(world.countries),
                "regions": {k: list(v) for k, v in world.regions.items()},
                "totals": {"flows_usd_bn": float(world.sector_flows.sum()),
                           "exports_usd_bn": float(world.exports().sum()),
                           "imports_usd_bn": float(world.imports().sum()),
                           "deficit_usd_bn": {c: round(float(deficit[world.index(c)]), 3)
                                              for c in ("USA", "CAN", "MEX", "CHN", "JPN")}}}
        _write(out, name, _long_table(world.sector_flows, world.sector_tariffs,
                                      list(world.countries), sectors),
               _sector_table(world.value_added_shares, world.io_shares,
                             list(world.countries), sectors), meta)
    return base


def _components(sectors: list[str]) -> list[list[str]]:
    """ICIO goods sectors linked by HS chapters that map to several of them (27: coal, oil
    and gas, refined; 85: electronics, electrical; 71: non-ferrous, other manufacturing):
    each component is one target, since the chapter's imports cannot be split."""
    conc = concordance()
    conc = conc[conc.sector.isin(GOODS)]
    parent = {s: s for s in conc.sector.unique()}

    def root(s: str) -> str:
        while parent[s] != s:
            s = parent[s]
        return s
    for _, g in conc.groupby("hs2"):
        first = root(g.sector.iloc[0])
        for s in g.sector.iloc[1:]:
            parent[root(s)] = first
    comps: dict[str, list[str]] = {}
    for s in sectors:
        if s in parent:
            comps.setdefault(root(s), []).append(s)
    return list(comps.values())


def us_import_groups(countries: list[str], sectors: list[str], target: np.ndarray,
                     current: np.ndarray, goods: np.ndarray) -> tuple[list, list[str]]:
    """Targets for US imports from each targeted partner by sector group: the tracker's
    2024 US imports by HS chapter (shipped, policy/_files) summed over each component's
    chapters, scaled so that with the goods sectors no chapter reaches (A02 forestry)
    they add up to the pair's BACI target."""
    hs2 = _tracker_table("hs2")
    conc = concordance()
    usa = countries.index("USA")
    comps = _components(sectors)
    chapters = [sorted(set(conc[conc.sector.isin(c)].hs2)) for c in comps]  # fixed order
    idx = [np.array([sectors.index(s) for s in c]) for c in comps]
    inside = np.zeros(len(sectors), dtype=bool)
    for k in idx:
        inside[k] = True
    outside = goods & ~inside
    out, labels = [], []
    for i, c in enumerate(countries):
        if i == usa or not np.isfinite(target[i, usa]):
            continue
        m = hs2[hs2.partner == c].set_index("hs2").imports_2024
        vals = np.array([float(m.reindex(ch).fillna(0.0).sum()) for ch in chapters])
        if vals.sum() <= 0:
            continue
        scale = (target[i, usa] - current[outside, i, usa].sum()) / vals.sum()
        for comp, k, v in zip(comps, idx, vals * scale, strict=True):
            out.append((k, i, usa, float(v)))
            labels.append("+".join(comp))
    return out, labels


def _group_fit(before: np.ndarray, after: np.ndarray, groups: list, labels: list[str],
               countries: list[str]) -> dict:
    """Model / target of US imports by sector group: selected pairs, the largest misses."""
    rows = []
    for (k, i, j, v), lab in zip(groups, labels, strict=True):
        rows.append({"pair": f"{countries[i]}->{countries[j]}", "sectors": lab,
                     "target_usd_bn": round(v / 1e3, 2),
                     "before": round(float(before[k, i, j].sum() / v), 3) if v > 0 else None,
                     "after": round(float(after[k, i, j].sum() / v), 3) if v > 0 else None,
                     "miss_usd_bn": round(abs(float(after[k, i, j].sum()) - v) / 1e3, 2)})
    df = pd.DataFrame(rows)
    w = df.target_usd_bn
    within = float(w[(df.after - 1).abs() <= 0.01].sum() / w.sum())
    show = df[df.pair.isin(["CAN->USA", "MEX->USA"]) & (df.target_usd_bn >= 10)]
    err = {k: round(float((w * (df[k] - 1).abs()).sum() / w.sum()), 3)
           for k in ("before", "after")}
    return {"target_value_within_1pct": round(within, 3),
            "weighted_mean_abs_error": err,
            "CAN_MEX_largest": show.sort_values("target_usd_bn", ascending=False)
            .head(12).to_dict("records"),
            "largest_misses": df.sort_values("miss_usd_bn", ascending=False)
            .head(10).to_dict("records")}


def _fit(before: np.ndarray, after: np.ndarray, baci: np.ndarray, target: np.ndarray,
         goods: np.ndarray, countries: list[str]) -> dict:
    """Goods trade by pair / BACI 2023, before and after the reconciliation."""
    b, a = before[goods].sum(axis=0), after[goods].sum(axis=0)
    pos = {c: k for k, c in enumerate(countries)}
    pairs = {f"{x}->{y}": {"before": round(float(b[pos[x], pos[y]] / baci[pos[x], pos[y]]), 3),
                           "after": round(float(a[pos[x], pos[y]] / baci[pos[x], pos[y]]), 3)}
             for x, y in REPORT_PAIRS}
    live = np.isfinite(target) & (target > 0)
    w = target[live]

    def within(m: np.ndarray, tol: float) -> float:
        return round(float((w * (np.abs(m[live] / w - 1) <= tol)).sum() / w.sum()), 3)

    miss = np.where(live, np.abs(a - target), 0.0)
    worst = [{"pair": f"{countries[i]}->{countries[j]}", "model_usd_bn": round(a[i, j] / 1e3, 1),
              "baci_usd_bn": round(target[i, j] / 1e3, 1),
              "intermediate_usd_bn": round(float(before[goods, i, j].sum() - 0) / 1e3, 1)}
             for i, j in zip(*np.unravel_index(np.argsort(-miss, axis=None)[:10], miss.shape),
                             strict=True)]
    allp = np.isfinite(baci)
    return {"ratio_to_baci": pairs,
            "targeted_value_within_1pct": {"before": within(b, 0.01), "after": within(a, 0.01)},
            "targeted_value_within_5pct": {"before": within(b, 0.05), "after": within(a, 0.05)},
            "world_goods_trade_over_baci": {"before": round(float(b[allp].sum() / baci[allp]
                                                                  .sum()), 3),
                                            "after": round(float(a[allp].sum() / baci[allp]
                                                                 .sum()), 3)},
            "largest_misses": worst}


def _meta(countries: list[str], sectors: list[str], names: dict, theta: np.ndarray,
          ras: dict, fit: dict, acc: float, d: dict, va_usd: np.ndarray) -> dict:
    from build_icio2022_meta import provenance  # the long texts, kept apart

    return provenance(countries=countries, sectors=sectors, names=names,
                      theta={s: float(t) for s, t in zip(sectors, theta, strict=True)},
                      ras=ras, fit=fit, accounts=acc, audit=json.loads(str(d["audit"])),
                      va_bn={c: round(float(v) / 1e3, 1) for c, v in
                             zip(countries, va_usd, strict=True)
                             if c in ("USA", "CHN", "CAN", "MEX", "DEU", "JPN")},
                      groups=sector_groups(), hubs=list(HUBS), min_va_bn=MIN_VA_MN / 1e3,
                      wheel_sha256=WHEEL_SHA256, package=PACKAGE)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--raw", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "middlepower")
    ap.add_argument("--out", type=Path, default=here / "src" / "middlepower" / "data" / "_files")
    args = ap.parse_args()
    m = build(args.raw, args.cache, args.out)
    print("fit (goods trade / BACI 2023):", json.dumps(m["fit"]["ratio_to_baci"]))
    print("RAS:", json.dumps(m["method"]["ras"]))
    for name in ("icio2022", "icio2022-full"):
        size = sum((args.out / f"{name}{x}").stat().st_size for x in
                   (".parquet", "-sectors.parquet", ".json"))
        print(f"  {name}: {size / 1e6:.2f} MB")
