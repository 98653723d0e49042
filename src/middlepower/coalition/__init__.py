"""Coalitions: search the partners that cut a target's loss, split the gain, test stability."""

from .game import core_violations, shapley_exact, shapley_sampled
from .search import CoalitionGame, search, shapley, stability

__all__ = ["CoalitionGame", "core_violations", "search", "shapley", "shapley_exact",
           "shapley_sampled", "stability"]
