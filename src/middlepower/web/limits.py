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
    max_jobs : int
        Jobs queued or running on the server, all clients together (503 beyond, with
        ``Retry-After``): the queue cannot grow without bound.
    job_time_limit_s : float
        Longest a job runs; it stops at its next progress report after that (a leverage
        matrix on the 193-economy dataset takes about a minute).
    timeout_s : float
        Longest a request waits for a computation (504 beyond; the result is still cached
        when it arrives, so a retry is fast).
    max_flow_rows : int
        Bilateral flows one ``/solve`` answer may hold (variants x economies^2 x sectors;
        one wiod2014 variant is 96,800; 422 beyond).
    max_response_bytes : int
        Largest JSON answer (422 beyond). With names bounded (200 characters) and
        ``max_flow_rows``, the largest answer the other limits allow is about 19 MB.
    cache_entries : int
        Answers kept in the in-memory cache (least recently used dropped first).
    cache_bytes : int
        Total size of the cached answers' JSON (least recently used dropped first).
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
    max_jobs: int = 16
    job_time_limit_s: float = 600.0
    timeout_s: float = 30.0
    max_flow_rows: int = 100_000
    max_response_bytes: int = 24 * 1024 * 1024
    cache_entries: int = 256
    cache_bytes: int = 256 * 1024 * 1024
    workers: int = 2
