"""Sentences, clauses and mood: the plain-text layer under the recognisers.

Offsets are character offsets into the original text, so evidence can be highlighted
where the reader pasted it. Mood is read from words near a cue: threat ("threatened",
"warned") and hypothetical ("could", "would", "may") and negation ("not", "ruled out",
"lifted"). Mood only ever lowers a suggestion's confidence; it never turns who acts on
whom around.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Mood", "Sentence", "clause_bounds", "mood_of", "sentences"]

Mood = Literal["fact", "threat", "hypothetical", "negated"]

#: Words before a full stop that do not end a sentence.
_ABBREV = frozenset({
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp",
    "gov", "sen", "rep", "gen", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "prof", "e.g", "i.e",
})
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“'(\[]?[A-Z0-9])")
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.){2,}$")

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|without)\b|n't\b|\bruled? out\b|\brules out\b|"
    r"\bden(?:y|ies|ied)\b|\brefus\w*|\bdeclin(?:e|es|ed)\b|\bback(?:s|ed)? (?:down|off)\b|"
    r"\blift(?:s|ed|ing)?\b|\bremov(?:e|es|ed|ing)\b|\bdrop(?:s|ped)?\b|"
    r"\bscrap(?:s|ped)? plans?\b|\bpaus(?:e|es|ed)\b|\bexempt\w*|\bspared\b|\bwaive\w*", re.I)
_THREAT = re.compile(r"\bthreat\w*|\bwarn\w*|\bvow\w*|\bultimatum\b|\bpledg\w*", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(?:could|would|might|may|if|unless|should)\b|\bconsider\w*|\bweigh(?:s|ed|ing)\b|"
    r"\bmull\w*|\bplan(?:s|ned|ning)?\b|\bpropos\w*|\bpossib\w*|\bpotential\w*|"
    r"\brisk\w*|\bloom\w*|\bprepar\w*|\bintend\w*|\blikely\b|\bexpected to\b|"
    r"\bmusings?\b|\bspeculat\w*|\brenegotiat\w*|\buncertain\w*|\bpending\b", re.I)
_CONDITIONAL = re.compile(r"\W*(?:if|unless|should)\b", re.I)
_CLAUSE = re.compile(r";|\s[-–—]\s|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text and where it sits in the document."""

    start: int
    end: int
    text: str
    paragraph: int


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets.

    Lines are split first (headlines and bullet points end without a full stop; a
    hard-wrapped line continued in lower case is joined to the next), then
    lines at a full stop, question or exclamation mark followed by a capital, unless the
    word before is an abbreviation or initials ("U.S.", "Mr."). A blank line starts a
    new paragraph; so does a line that does not start with a bullet.
    """
    out: list[Sentence] = []
    paragraph = 0
    pos = 0
    for line in _logical_lines(text):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            paragraph += 1
            pos += len(line)
            continue
        if not stripped.startswith(("-", "*", "•", "–")):
            paragraph += 1
        lead = len(body) - len(body.lstrip())
        cut = lead
        for m in _BOUNDARY.finditer(body):
            before = body[cut:m.start() + 1]
            word = before.rsplit(None, 1)[-1] if before.split() else ""
            if word.rstrip(".").lower() in _ABBREV or _INITIALS.search(word):
                continue
            _add(out, text, pos + cut, pos + m.start() + 1, paragraph)
            cut = m.end()
        _add(out, text, pos + cut, pos + len(body), paragraph)
        pos += len(line)
    return out


def _logical_lines(text: str) -> list[str]:
    """Lines, with hard-wrapped ones joined: a line not ending a sentence, followed by one
    starting in lower case, continues it (so "vowed to\nretaliate." stays one sentence)."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        if out and out[-1].strip() and line[:1].islower() and not re.search(
                r"[.!?:;\"”)]\s*$", out[-1]):
            out[-1] += line
        else:
            out.append(line)
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and (text[start].isspace() or text[start] in "-*•–"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))


def clause_bounds(sentence: Sentence, at: int) -> tuple[int, int]:
    """Document offsets of the clause of ``sentence`` holding offset ``at``.

    Clauses break at semicolons, dashes and contrastive words ("but", "while"), so a
    "not" in one clause does not colour a cue in the next.
    """
    lo, hi = sentence.start, sentence.end
    for m in _CLAUSE.finditer(sentence.text):
        a, b = sentence.start + m.start(), sentence.start + m.end()
        if b <= at:
            lo = b
        elif a >= at:
            hi = a
            break
    return lo, hi


def mood_of(text: str, sentence: Sentence, cue_start: int, cue_end: int,
            actor_start: int | None = None) -> Mood:
    """The mood of a cue: negated beats threat beats hypothetical beats fact.

    Reads the cue's clause from its start (or from the actor, when the actor is named
    before the cue: "New Delhi would answer Washington's tariffs" is about New Delhi's
    answer, not Washington's tariffs) to 40 characters past the cue (or the first comma or
"and", where another clause may start), the cue itself left
    out (so "threatened" as a cue of coercion still counts as a threat, but an embargo's
    "halt" is not a negation). A clause opening with "if" or "unless" is hypothetical.
    """
    lo, hi = clause_bounds(sentence, cue_start)
    conditional = bool(_CONDITIONAL.match(text[lo:hi]))
    if actor_start is not None and lo <= actor_start < cue_start:
        lo = actor_start
    after = re.split(r",|\band\b", text[cue_end:min(hi, cue_end + 40)], maxsplit=1)[0]
    around = text[lo:cue_start] + " " + after
    cue = text[cue_start:cue_end]
    if _NEGATION.search(around):
        return "negated"
    if _THREAT.search(around) or _THREAT.search(cue):
        return "threat"
    if conditional or _HYPOTHETICAL.search(around):
        return "hypothetical"
    return "fact"
