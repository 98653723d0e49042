""""Paste a story": the scenarios a news story implies (:func:`middlepower.suggest`).

Each suggestion comes with its evidence (sentences with character offsets, the cue and its
mood), confidence, assumptions and scenario (as an object for ``POST /api/v1/solve`` and
as YAML text). The page shows every string as text, never as HTML.
"""

from __future__ import annotations

from typing import Any

from ..suggest import suggest as run_suggest
from .limits import Limits
from .schemas import SuggestRequest
from .service import LimitExceededError, tidy

__all__ = ["StoryTooLargeError", "suggest"]


class StoryTooLargeError(LimitExceededError):
    """A story longer than the service reads (answered 413)."""


def suggest(req: SuggestRequest, limits: Limits) -> dict[str, Any]:
    """The suggestions, best first, and what the story named but the world cannot model."""
    if len(req.text) > limits.max_story_chars:
        raise StoryTooLargeError(
            f"the story has {len(req.text):,} characters; at most {limits.max_story_chars:,} "
            "are read. Paste the part about trade (the first paragraphs usually carry it).")
    if not req.text.strip():
        raise LimitExceededError("the story is empty; paste the text of a news article.")
    found = run_suggest(req.text, world=req.data, min_confidence=req.min_confidence)
    items = []
    for k, s in enumerate(found):
        d = s.to_dict()
        d.update(id=k, variants=list(s.variants), yaml=s.to_yaml())
        items.append(d)
    table = [{"id": d["id"], "title": d["title"], "kind": d["kind"],
              "confidence": d["confidence"], "mood": d["mood"],
              "variants": ", ".join(d["variants"]),
              "evidence": d["evidence"][0]["sentence"] if d["evidence"] else ""}
             for d in items]
    return tidy({"dataset": req.data, "characters": len(req.text), "suggestions": items,
                 "skipped": list(found.skipped), "table": table})
