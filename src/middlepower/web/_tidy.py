"""JSON-safe values for the service's answers, and the error of a configured limit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["LimitExceededError", "tidy"]


class LimitExceededError(ParameterError):
    """A request within the schema but beyond a configured limit of the service."""


def _num(v: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(v, float | np.floating):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def tidy(obj: Any) -> Any:
    """Numpy scalars, tuples, NaN and infinity made JSON-safe, recursively."""
    if isinstance(obj, dict):
        return {str(k): tidy(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [tidy(v) for v in obj]
    if isinstance(obj, set | frozenset):
        return sorted(tidy(v) for v in obj)
    return _num(obj)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return tidy(df.to_dict("records"))
