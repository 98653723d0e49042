"""Coercion: exposure, the cost of coercive shocks, and the cost of saying no."""

from .exposure import exposure, partners
from .responses import DEFAULT_COALITION, DEFAULT_DIVERSIFY, response_scenarios, responses

__all__ = ["DEFAULT_COALITION", "DEFAULT_DIVERSIFY", "exposure", "partners",
           "response_scenarios", "responses"]
