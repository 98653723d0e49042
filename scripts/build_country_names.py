"""Ship the short English name of every ISO3 code, so loading data needs no country-converter.

Writes ``src/middlepower/data/_files/country_names.csv``: ``#`` provenance lines, then
``code,name`` for every ISO3 code of country-converter's table (Stadler 2017, GPL-3.0,
github.com/IndEcol/country_converter), with the name it gives
(``convert(code, src="ISO3", to="name_short")``), which is what
:func:`middlepower.data._countries.country_name` returned before this table existed.

Initialising country-converter reads its whole classification table with pandas (0.2-0.6 s
on 2 cores); with this file a shipped dataset, an aggregation or a user table of ISO3
codes is named by a dictionary lookup, and country-converter loads only for a code the
table lacks. ``tests/data/test_country_names.py`` checks the file against the installed
country-converter, so a new release that renames a country shows up as a failing test:
rerun this script then.

    python scripts/build_country_names.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
from importlib.metadata import version
from pathlib import Path

from middlepower._atomic import atomic_write

FILENAME = "country_names.csv"


def names() -> dict[str, str]:
    """``{ISO3: short name}`` for every ISO3 code country-converter knows, sorted by code."""
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    cc = coco.CountryConverter()
    codes = sorted({str(c) for c in cc.data["ISO3"].dropna()})
    out = {}
    for code in codes:
        # one code per call, as country_name() asks, so a name is exactly what it got
        name = cc.convert(code, src="ISO3", to="name_short", not_found=None)
        if isinstance(name, str) and name:
            out[code] = name
    return out


def text(table: dict[str, str]) -> str:
    """The CSV file: provenance lines, a header, one row per code."""
    buf = io.StringIO()
    buf.write(f"# Short English names of ISO3 codes, from country-converter "
              f"{version('country_converter')} (Stadler 2017, GPL-3.0, "
              "github.com/IndEcol/country_converter): convert(code, src='ISO3', "
              "to='name_short').\n")
    buf.write(f"# {len(table)} codes. Built by scripts/build_country_names.py; rebuild when "
              "country-converter changes a name (tests/data/test_country_names.py fails).\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name"])
    w.writerows(sorted(table.items()))
    return buf.getvalue()


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILENAME
    table = names()
    atomic_write(path, text(table))
    print(f"wrote {len(table)} country names to {path}")
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--out", type=Path, default=here / "src" / "middlepower" / "data" / "_files")
    build(ap.parse_args().out)
