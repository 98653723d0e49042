"""The shipped partial effects, re-exported where estimation users look for them.

They live in :mod:`middlepower.data.estimates` because scenarios (a lower layer) use them
as the default effect of an agreement.
"""

from __future__ import annotations

from ..data.estimates import RTA_EFFECT, PartialEffectEstimate

__all__ = ["RTA_EFFECT", "PartialEffectEstimate"]
