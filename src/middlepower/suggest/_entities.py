"""Find the economies a story names: countries, blocs, capitals, demonyms, leaders.

Two passes. First the hand-kept tables (:mod:`._tables`), matched case-sensitively as
whole words, longest form first, which also claim phrases that merely contain a country
pattern ("North American", "South China Sea", "USMCA"). Then country-converter's regular
expressions (Stadler 2017), which are written to be searched in a *name*, not in running
text; so they are tried on windows of consecutive capitalised words ("Republic of Korea",
"U.S.") that are *minimal*: the pattern matches the window but not the window without its
first or its last word. That keeps "Canada Diplomatic Spat" from counting as a name,
and "Canada Mexico" from being read as Mexico alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ._tables import AGREEMENTS, CAPITALS, DEMONYMS, INSTITUTIONS, LEADERS, NOT_COUNTRIES

__all__ = ["Mention", "mentions"]

Kind = Literal["name", "demonym", "capital", "leader", "institution"]

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)?")
_CONNECTORS = frozenset({"of", "and", "the", "de", "da", "du", "del", "et", "d'"})
_MAX_WINDOW = 6
_JOINER = re.compile(r"(?:\s|-|\(|\)|\band\b|\bof\b|\bthe\b|&){1,6}", re.I)


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where the text names an economy.

    Attributes
    ----------
    code : str
        ISO3 code or middlepower group (``"EU27"``).
    start, end : int
        Character offsets in the text.
    surface : str
        The words as written.
    kind : str
        ``name`` (country-converter), ``demonym``, ``capital``, ``leader``, ``institution``.
    """

    code: str
    start: int
    end: int
    surface: str
    kind: Kind


@cache
def _table_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str | None, Kind | None]]]:
    forms: dict[str, tuple[str | None, Kind | None]] = {}
    for table, kind in ((CAPITALS, "capital"), (DEMONYMS, "demonym"), (LEADERS, "leader"),
                        (INSTITUTIONS, "institution")):
        for form, code in table.items():
            forms[form] = (code, kind)  # type: ignore[assignment]
    for phrase in NOT_COUNTRIES:
        forms[phrase] = (None, None)
    for names, _members in AGREEMENTS.values():
        for form in names:
            forms[form] = (None, None)
    ordered = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(f) for f in ordered)
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])"), forms


@cache
def _coco_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    import country_converter as coco

    data = coco.CountryConverter().data
    return tuple((str(iso3), re.compile(str(rx), re.IGNORECASE))
                 for iso3, rx in zip(data["ISO3"], data["regex"], strict=True))


def mentions(text: str) -> list[Mention]:
    """Every mention of an economy in ``text``, in order of position."""
    pattern, forms = _table_pattern()
    found: list[Mention] = []
    claimed = bytearray(len(text))
    for m in pattern.finditer(text):
        code, kind = forms[m.group(0)]
        claimed[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        if code is not None and kind is not None:
            found.append(Mention(code, m.start(), m.end(), m.group(0), kind))
    found.extend(_coco_mentions(text, claimed))
    found.sort(key=lambda x: x.start)
    return _merge(text, found)


def _merge(text: str, found: list[Mention]) -> list[Mention]:
    """Join the halves of one name ("Trinidad and Tobago", "Burkina Faso")."""
    out: list[Mention] = []
    for m in found:
        prev = out[-1] if out else None
        if prev is not None and prev.code == m.code and _JOINER.fullmatch(
                text[prev.end:m.start]):
            out[-1] = Mention(m.code, prev.start, m.end, text[prev.start:m.end], prev.kind)
        else:
            out.append(m)
    return out


def _coco_mentions(text: str, claimed: bytearray) -> list[Mention]:
    tokens = [t for t in _TOKEN.finditer(text) if not any(claimed[t.start():t.end()])]
    out: list[Mention] = []
    for run in _runs(text, tokens):
        i = 0
        while i < len(run):
            hit = _longest_at(text, run, i) if run[i].group(0)[0].isupper() else None
            if hit is None:
                i += 1
                continue
            code, last = hit
            a, b = run[i].start(), run[last].end()
            out.append(Mention(code, a, b, text[a:b], "name"))
            i = last + 1
    return out


def _runs(text: str, tokens: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Runs of capitalised words (and connectors) separated by a space or a hyphen."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for t in tokens:
        word = t.group(0)
        eligible = word[0].isupper() or word.lower() in _CONNECTORS
        joined = bool(current) and text[current[-1].end():t.start()] in (" ", "-", "- ", " - ")
        if eligible and (joined or not current):
            current.append(t)
            continue
        if current:
            runs.append(current)
        current = [t] if eligible else []
    if current:
        runs.append(current)
    return runs


def _longest_at(text: str, run: list[re.Match[str]], i: int) -> tuple[str, int] | None:
    """The longest minimal window starting at word ``i`` that names a country."""
    top = min(len(run), i + _MAX_WINDOW)
    for last in range(top - 1, i - 1, -1):
        if not run[last].group(0)[0].isupper():
            continue
        window = _strip_possessive(text[run[i].start():run[last].end()])
        for code, rx in _coco_patterns():
            if not rx.search(window):
                continue
            if last > i:
                inner_a = _strip_possessive(text[run[i + 1].start():run[last].end()])
                inner_b = _strip_possessive(text[run[i].start():run[last - 1].end()])
                if rx.search(inner_a) or rx.search(inner_b):
                    continue
            return code, last
    return None


def _strip_possessive(s: str) -> str:
    return re.sub(r"['’]s$", "", s)
