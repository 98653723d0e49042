"""From a news story to scenarios: ``mp.suggest(text, world=...)``.

>>> import middlepower as mp
>>> [s.title for s in mp.suggest("Washington slapped 25% tariffs on Canadian lumber.")]
['USA tariff on CAN (25%, lumber)']
"""

from ._build import ASSUMED_RATE
from ._world import pick_world
from .core import Evidence, Suggestion, Suggestions, suggest, write_yaml

__all__ = ["ASSUMED_RATE", "Evidence", "Suggestion", "Suggestions", "pick_world", "suggest",
           "write_yaml"]
