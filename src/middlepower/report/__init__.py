"""Reports: the coercion brief, tables and self-contained HTML with charts and a map."""

from .brief import Brief, brief

__all__ = ["Brief", "brief"]
