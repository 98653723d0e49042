"""Country names and codes: country-converter for ISO3, plus the few regions we add.

Names of ISO3 codes come from ``_files/country_names.csv``, country-converter's own names
written out by ``scripts/build_country_names.py``: initialising country-converter reads
its whole table with pandas (0.2-0.6 s), too slow for loading a dataset. It is still
used for a code that table lacks and for turning names into codes (:func:`to_iso3`).
"""

from __future__ import annotations

import csv
import difflib
import logging
from functools import lru_cache
from importlib import resources

__all__ = ["REGION_NAMES", "country_name", "suggest", "to_iso3"]

log = logging.getLogger(__name__)

#: Codes that are not countries but that middlepower uses as economies.
REGION_NAMES: dict[str, str] = {
    "EU27": "European Union (27)",
    "ROW": "Rest of the world",
    "ZZZ": "Germany (reference, Yotov et al. code)",
}


@lru_cache(maxsize=1)
def _coco():  # country-converter is slow to import; load it on first use
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@lru_cache(maxsize=1)
def _shipped_names() -> dict[str, str]:
    """``{ISO3: country-converter's short name}`` from the shipped table (about 250)."""
    path = resources.files("middlepower").joinpath("data/_files/country_names.csv")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:  # a damaged install: country-converter still answers, only slower
        log.warning("data/_files/country_names.csv is missing; naming countries with "
                    "country-converter")
        return {}
    rows = csv.reader(line for line in lines if not line.startswith("#"))
    next(rows, None)  # header
    return {code: name for code, name in rows}


@lru_cache(maxsize=4096)
def country_name(code: str) -> str:
    """Short English name of an ISO3 code or a middlepower region code (the code itself
    when neither knows it).

    Examples
    --------
    >>> country_name("CAN"), country_name("EU27"), country_name("XYZ")
    ('Canada', 'European Union (27)', 'XYZ')
    """
    if code in REGION_NAMES:
        return REGION_NAMES[code]
    shipped = _shipped_names().get(code)
    if shipped is not None:
        return shipped
    name = _coco().convert(code, src="ISO3", to="name_short", not_found=None)
    return name if isinstance(name, str) and name else code


@lru_cache(maxsize=4096)
def to_iso3(text: str) -> str | None:
    """ISO3 code for a country name, ISO2/ISO3/numeric code; None when not a country."""
    out = _coco().convert(str(text), to="ISO3", not_found="__none__")
    if not isinstance(out, str) or out == "__none__":
        return None
    return out


def suggest(code: str, valid: list[str] | tuple[str, ...], n: int = 3) -> list[str]:
    """Closest valid codes to ``code``: by name (``'Canada'`` -> CAN), then by spelling."""
    valid_set = set(valid)
    out: list[str] = []
    iso = to_iso3(code) if len(code) > 1 else None
    if iso in valid_set:
        out.append(iso)
    by_upper = {v.upper(): v for v in valid}
    for c in difflib.get_close_matches(code.upper(), list(by_upper), n=n, cutoff=0.5):
        if by_upper[c] not in out:
            out.append(by_upper[c])
    return out[:n]
