"""Rates and rate changes: which number is the rate of which tariff cue, and whether it adds.

* A rate is ``25%``, ``25 per cent``, ``twenty-five percent``; "80% of" is a share, not a
  rate. Each rate goes to the nearest tariff cue of its sentence (within 60 characters).
* A change reads as its new level: "from 10% to 25%", "raised to 50%", "tripled to 145%"
  all give the number after "to".
* "an extra", "additional", "a further", "on top of" near the cue: the rate is added to
  the tariff in force (``add=True``).
"""

from __future__ import annotations

import re

from ._text import Sentence

__all__ = ["extra_words", "rates_for"]

_RATE = re.compile(
    r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s*(?:-\s*)?(?:%|per\s?cent\b|percent\b|pc\b)", re.I)
_WORD_RATES = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30,
    "thirty-five": 35, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "one hundred": 100, "a hundred": 100,
}
_WORD_RATE = re.compile(
    r"\b(" + "|".join(sorted(_WORD_RATES, key=len, reverse=True)) +
    r")\s*(?:-\s*)?(?:per\s?cent|percent)\b", re.I)
_EXTRA = re.compile(r"\b(?:extra|additional|further|on top of|another)\b|\badd(?:s|ed|ing)? "
                    r"(?:a |an )?(?:further |new )?\d", re.I)


def extra_words(text: str, a: int, b: int, lo: int, hi: int) -> bool:
    """Whether the clause around the cue [a, b) says the rate comes on top (``add=True``):
    within 40 characters before the cue or 50 after it."""
    return bool(_EXTRA.search(text[max(lo, a - 40):min(hi, b + 50)]))


def rates_for(text: str, s: Sentence, cues: list[tuple[int, int]]) -> list[float | None]:
    """Assign each rate in the sentence to its nearest tariff cue (shares are skipped)."""
    found: list[tuple[int, int, float]] = []
    for m in _RATE.finditer(s.text):
        found.append((s.start + m.start(), s.start + m.end(), float(m.group(1))))
    for m in _WORD_RATE.finditer(s.text):
        found.append((s.start + m.start(), s.start + m.end(), float(_WORD_RATES[
            m.group(1).lower()])))
    found.sort()
    best: list[tuple[float, float] | None] = [None] * len(cues)
    for k, (ra, rb, value) in enumerate(found):
        tail = text[rb:rb + 6]
        if re.match(r"\s+of\b", tail) or value > 1000:
            continue
        nxt = found[k + 1] if k + 1 < len(found) else None
        if nxt and re.fullmatch(r"\s*to\s*", text[rb:nxt[0]]) and re.search(
                r"\bfrom\s*$", text[max(s.start, ra - 8):ra]):
            continue  # "from 10% to 25%": the second rate is the new one
        if not cues:
            break
        dist = [min(abs(ra - cb), abs(ca - rb)) for ca, cb in cues]
        j = min(range(len(cues)), key=dist.__getitem__)
        if dist[j] > 60:
            continue
        if best[j] is None or dist[j] < best[j][0]:
            best[j] = (dist[j], value / 100.0)
    return [x[1] if x else None for x in best]
