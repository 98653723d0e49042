"""Country names and codes: country-converter for ISO3, plus the few regions we add."""

from __future__ import annotations

import difflib
import logging
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def country_name(code: str) -> str:
    """Short English name of an ISO3 code or a middlepower region code."""
    if code in REGION_NAMES:
        return REGION_NAMES[code]
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
