"""``mp.suggest``: from a news story to scenarios that run.

The pipeline is rule-based and deterministic (no network, no model): split the text into
sentences (:mod:`._text`), find the economies it names (:mod:`._entities`), read the
instruments and who uses them on whom (:mod:`._relations`), then merge what several
sentences say about the same pair into suggestions, each with a :class:`~middlepower.Scenario`
that is checked on the world it is built for (:mod:`._build`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ParameterError
from ._text import Mood

if TYPE_CHECKING:
    from ..data.world import World
    from ..scenario.scenario import Scenario

__all__ = ["Evidence", "Suggestion", "Suggestions", "suggest", "write_yaml"]

SuggestionKind = Literal["tariff", "embargo", "export_ban", "deal", "agreement_end",
                         "coalition"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence a suggestion rests on.

    Attributes
    ----------
    sentence : str
        The sentence as written.
    start, end : int
        Character offsets of the sentence in the text (``text[start:end] == sentence``).
    cue : str
        The words that triggered the suggestion ("tariffs", "threatened", "USMCA").
    cue_start, cue_end : int
        Character offsets of the cue in the text.
    mood : str
        ``fact``, ``threat``, ``hypothetical`` or ``negated``.
    """

    sentence: str
    start: int
    end: int
    cue: str
    cue_start: int
    cue_end: int
    mood: Mood


@dataclass(frozen=True)
class Suggestion:
    """A scenario a story implies, with what it rests on and what it assumes.

    Attributes
    ----------
    kind : str
        ``tariff`` (also coercion with no instrument named), ``embargo``, ``deal``,
        ``agreement_end`` or ``coalition``.
    title : str
        One line: "USA tariff on CAN (25%)".
    scenario : Scenario
        Ready for :func:`mp.solve` / :func:`mp.solve_many` (``scenario.expand()`` gives one
        scenario per variant), checked on the world it was built for.
    evidence : tuple of Evidence
        The sentences, in order of position.
    confidence : float
        In (0, 1): how directly the text states it (threats, hypotheticals, negations,
        inferred actors and assumed rates lower it).
    assumptions : tuple of str
        What was not in the text and was assumed.
    actor, targets : str, tuple of str
        Economies of the world, as used in the scenario (the actor is empty for an
        agreement's end; a coalition's hegemon is its ``actor``).
    sectors : tuple of str
        Sector aliases the story names (steel, aluminium, autos, lumber, energy,
        agriculture), whether or not the world could tax them separately.
    rate : float or None
        The tariff rate used (stated or assumed), as a fraction.
    mood : str
        The most factual mood among the evidence.
    rate_assumed : bool
        True when the story states no rate and ``rate`` is assumed (see ``assumptions``).
    add, exempt : bool, float
        The rate comes on top of the tariff in force ("an extra 20%"); the share of the
        flow that enters duty-free ("three quarters ... duty-free", or a dollar size).
    coverage : float or None
        USD bn of imports the story says the measure covers ("$9 billion in
        counter-tariffs").
    dates : tuple of str
        Dates the story gives for it ("from 1 August").
    """

    kind: SuggestionKind
    title: str
    scenario: Scenario
    evidence: tuple[Evidence, ...]
    confidence: float
    assumptions: tuple[str, ...] = ()
    actor: str = ""
    targets: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    rate: float | None = None
    mood: Mood = "fact"
    rate_assumed: bool = False
    add: bool = False
    exempt: float = 0.0
    coverage: float | None = None
    dates: tuple[str, ...] = ()

    @property
    def variants(self) -> list[str]:
        """Names of the scenario's variants (empty when it has none)."""
        return list(self.scenario.variants)

    def to_yaml(self) -> str:
        """The scenario file, with the evidence, confidence and assumptions as comments."""
        lines = [f"# {self.title}",
                 f"# suggested by middlepower suggest; confidence {self.confidence:.2f} "
                 f"({self.mood})"]
        for a in self.assumptions:
            lines.append(f"# assumed: {a}")
        for e in self.evidence:
            lines.append(f"# evidence [{e.start}:{e.end}]: {_one_line(e.sentence)}")
        return "\n".join(lines) + "\n" + self.scenario.to_yaml()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready), the scenario as its YAML mapping."""
        return {
            "kind": self.kind, "title": self.title, "confidence": self.confidence,
            "mood": self.mood, "actor": self.actor, "targets": list(self.targets),
            "sectors": list(self.sectors), "rate": self.rate,
            "rate_assumed": self.rate_assumed, "add": self.add, "exempt": self.exempt,
            "coverage": self.coverage, "dates": list(self.dates),
            "assumptions": list(self.assumptions),
            "evidence": [{"sentence": e.sentence, "start": e.start, "end": e.end,
                          "cue": e.cue, "cue_start": e.cue_start, "cue_end": e.cue_end,
                          "mood": e.mood} for e in self.evidence],
            "scenario": self.scenario.model_dump(mode="json", by_alias=True,
                                                 exclude_none=True),
        }

    def __repr__(self) -> str:
        v = f", variants={self.variants}" if self.variants else ""
        return f"Suggestion({self.title!r}, confidence={self.confidence:.2f}{v})"


class Suggestions(list[Suggestion]):
    """The suggestions, best first, and what the story named but the world cannot model.

    A list of :class:`Suggestion`; ``skipped`` holds one line per relation that was left
    out (an economy folded into ROW, a scenario that did not validate).
    """

    def __init__(self, items: list[Suggestion] | None = None,
                 skipped: list[str] | None = None) -> None:
        super().__init__(items or [])
        self.skipped = list(skipped or [])

    def table(self):
        """One row per suggestion: title, kind, confidence, variants, first evidence."""
        import pandas as pd

        return pd.DataFrame([{
            "title": s.title, "kind": s.kind, "confidence": s.confidence, "mood": s.mood,
            "variants": ", ".join(s.variants), "evidence": s.evidence[0].sentence,
        } for s in self])


def suggest(text: str, world: World | str | None = None, *,
            min_confidence: float = 0.0) -> Suggestions:
    """Scenarios a news story implies, each traced to the sentences it comes from.

    Parameters
    ----------
    text : str
        The story, as plain text.
    world : World or str, optional
        The world the scenarios are built and checked for (default ``"world2023"``).
        On a world with one sector, sector tariffs become tariffs on all goods (noted in
        the assumptions); with several sectors, they tax the sectors named.
    min_confidence : float
        Drop suggestions below this confidence.

    Returns
    -------
    Suggestions
        A list of :class:`Suggestion`, highest confidence first. Each scenario validates
        on ``world`` (``scenario.check(world)`` passes). An empty list when the story
        names no trade measure.

    Notes
    -----
    Recognised: economies by name (country-converter's patterns), capital, demonym,
    leader and institution (:mod:`middlepower.suggest._tables`); tariffs with their rate
    and sectors, rate changes ("raised to", "an extra"), sizes in dollars, exemption
    shares and dates (:mod:`._coref`); export bans on named goods (:mod:`._bans`);
    coercion with no instrument named ("threatened", "pressure"); embargoes,
    export bans and sanctions; deals and settled disputes between two parties; the end or
    renegotiation of USMCA/NAFTA, CETA, CPTPP; calls for coalitions of middle powers;
    cues of the target's responses (retaliation, diversification, coalitions), which
    become variants. Threat, hypothetical and negation words lower the confidence; they
    never turn who acts on whom around.

    Examples
    --------
    >>> import middlepower as mp
    >>> s = mp.suggest("The United States imposed a 25% tariff on Canadian steel.")
    >>> s[0].title, s[0].rate, s[0].sectors
    ('USA tariff on CAN (25%, steel)', 0.25, ('steel',))
    """
    if not isinstance(text, str):
        raise ParameterError(f"suggest needs the story as a str; got {type(text).__name__}. "
                             "Read a file with Path(...).read_text().")
    if not (0.0 <= min_confidence <= 1.0):
        raise ParameterError(f"min_confidence must be between 0 and 1; got {min_confidence}.")
    from ..data import load
    from ._build import build

    data_name = world if isinstance(world, str) else ("world2023" if world is None else None)
    w = load(world) if isinstance(world, str) else (world if world is not None
                                                     else load("world2023"))
    found, skipped = build(text, w, data_name)
    kept = [s for s in found if s.confidence >= min_confidence]
    return Suggestions(kept, skipped)


def write_yaml(suggestions: list[Suggestion], outdir: str | Path) -> list[Path]:
    """Write one scenario file per suggestion into ``outdir`` (created if missing).

    Files are named from the titles (``01-usa-tariff-on-can-25.yaml``) and written all or
    nothing (temporary files, then renames).

    Returns
    -------
    list of Path
        The files written, in the order of ``suggestions``.
    """
    from .._atomic import write_outputs

    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--yaml {str(out)!r} is a file; give a folder for the scenario "
                             "files.")
    out.mkdir(parents=True, exist_ok=True)
    files = [(out / f"{k:02d}-{_slug(s.title)}.yaml", s.to_yaml(), "--yaml")
             for k, s in enumerate(suggestions, start=1)]
    return write_outputs(files)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "scenario"


def _one_line(s: str) -> str:
    return " ".join(s.split())
