"""Coercion: exposure, the cost of coercive shocks, and the cost of saying no."""

from .exposure import exposure, partners

__all__ = ["exposure", "partners"]
