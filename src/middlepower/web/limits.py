"""The limits of the web service: every one is a clear 4xx answer, never a hung server."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one request may ask for.

    Attributes
    ----------
    max_body_bytes : int
        Largest request body (413 beyond).
    max_candidates : int
        Partners in a coalition search (2^k coalitions are solved; 422 beyond).
    max_members : int
        Members of a coalition whose Shapley split or stability is asked (exact Shapley
        solves 2^(k+1) coalitions).
    max_draws : int
        Uncertainty draws per request.
    max_sector_draws : int
        Uncertainty draws of a brief on a multi-sector dataset (a brief on wiod2014
        takes about 7 s without bands and 12 s with 20 draws on two cores).
    max_shocks, max_variants : int
        Size of a scenario.
    max_yaml_chars : int
        Length of a pasted or uploaded scenario file.
    max_story_chars : int
        Length of a pasted news story (``/suggest``; 413 beyond).
    max_jobs_per_client : int
        Jobs a client may have queued or running at once (429 beyond).
    timeout_s : float
        Longest a request waits for a computation (504 beyond; the result is still cached
        when it arrives, so a retry is fast).
    cache_entries : int
        Answers kept in the in-memory cache (least recently used dropped first).
    workers : int
        Threads that compute the heavy answers (briefs, coalitions); numpy releases the
        GIL in the solver's products. Single solves have two threads of their own.
    """

    max_body_bytes: int = 256 * 1024
    max_candidates: int = 12
    max_members: int = 10
    max_draws: int = 500
    max_sector_draws: int = 20
    max_shocks: int = 200
    max_variants: int = 24
    max_yaml_chars: int = 100_000
    max_story_chars: int = 100_000
    max_jobs_per_client: int = 2
    timeout_s: float = 30.0
    cache_entries: int = 256
    workers: int = 2
