"""Small word helpers shared by every layer that writes sentences (policy notes, briefs)."""

from __future__ import annotations

__all__ = ["possessive"]


def possessive(name: str) -> str:
    """"Canada's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
