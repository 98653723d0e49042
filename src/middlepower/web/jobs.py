"""Long computations as jobs: submitted, polled for progress, fetched when done.

A leverage matrix on the 193-economy dataset is 18,528 general-equilibrium solves (about
a minute): a request that waited for it would hold a connection and a worker for that
long. A job returns at once with an id; ``GET /api/v1/jobs/{id}`` reports ``done`` out
of ``total`` until the result is there. Identical requests share one job, a client may
have only a few jobs queued or running (:class:`JobLimitError`, a 429), the server only a
bounded number in all (:class:`JobQueueFullError`, a 503), and finished jobs are kept in
a bounded table.

A job stops at its next progress report once it is cancelled (``DELETE
/api/v1/jobs/{id}``) or has run longer than ``time_limit_s``; a computation cannot be
interrupted between two reports, so a job that never reports (a brief) runs to its end but
its answer is not kept.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Job", "JobCancelledError", "JobLimitError", "JobQueueFullError", "Jobs",
           "Progress"]

Status = Literal["queued", "running", "done", "error", "cancelled"]
#: ``progress(done, message=None)``: what a job's computation calls to report.
Progress = Callable[..., None]


class JobLimitError(Exception):
    """A client asked for more concurrent jobs than allowed."""

    retry_after_s = 5


class JobQueueFullError(Exception):
    """The server has as many jobs queued or running as it takes."""

    retry_after_s = 15


class JobCancelledError(Exception):
    """Raised inside a job's computation at its next progress report once it is stopped."""


@dataclass
class Job:
    """One submitted computation and what is known about it so far."""

    id: str
    kind: str
    key: str
    client: str
    total: int
    done: int = 0
    status: Status = "queued"
    result: Any = field(default=None, repr=False)
    error: str = ""
    error_type: str = ""
    created: float = field(default_factory=time.time)
    finished: float | None = None
    #: What the computation says it is doing ("iteration 3: largest change 0.0012").
    message: str = ""
    #: How long the last jobs of the same kind and dataset took (s); None before the first.
    expected_s: float | None = None
    #: Why the job is to stop ("cancelled" or "time limit"), set by cancel() or the limit.
    stop: str = ""

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def public(self) -> dict[str, Any]:
        """What the progress endpoint shows (no result: that has its own endpoint)."""
        elapsed = (self.finished or time.time()) - self.created
        return {"id": self.id, "kind": self.kind, "status": self.status, "done": self.done,
                "total": self.total,
                "progress": 1.0 if self.status == "done" else
                (self.done / self.total if self.total else 0.0),
                "elapsed_s": round(elapsed, 3), "message": self.message or None,
                "expected_s": None if self.expected_s is None else round(self.expected_s, 1),
                "error": self.error or None,
                "error_type": self.error_type or None,
                "status_url": f"/api/v1/jobs/{self.id}",
                "result_url": f"/api/v1/jobs/{self.id}/result"}


class Jobs:
    """A bounded table of jobs run on a small thread pool.

    Parameters
    ----------
    workers : int
        Jobs computed at once.
    per_client : int
        Jobs one client may have queued or running.
    keep : int
        Finished jobs kept for polling (oldest dropped first).
    max_active : int
        Jobs queued or running on the server, all clients together.
    time_limit_s : float
        Longest a job may run; it stops at its next progress report after that.
    """

    def __init__(self, workers: int = 2, per_client: int = 2, keep: int = 64,
                 max_active: int = 16, time_limit_s: float = 600.0) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mp-job")
        self._per_client = per_client
        self._keep = keep
        self._max_active = max_active
        self.time_limit_s = time_limit_s
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._seconds: dict[str, float] = {}

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, kind: str, key: str, client: str, total: int,
               fn: Callable[[Progress], Any], *, timing: str = "") -> Job:
        """Start ``fn(progress)`` as a job, or return the job already computing ``key``.

        ``progress(done, message=None)`` reports a count out of ``total`` and, for work
        that cannot be counted in advance (best-response iterations), a line of text.
        ``timing`` names what the duration estimate is kept for (e.g. "brief:wiod2014";
        default ``kind``).

        Raises
        ------
        JobLimitError
            When ``client`` already has ``per_client`` active jobs.
        """
        with self._lock:
            for job in self._jobs.values():
                if job.key == key and job.status not in ("error", "cancelled"):
                    return job
            active = sum(1 for j in self._jobs.values() if j.client == client and j.active)
            if active >= self._per_client:
                raise JobLimitError(
                    f"you already have {active} job(s) queued or running (at most "
                    f"{self._per_client}); wait for one to finish (GET /api/v1/jobs/<id>) "
                    "or cancel one (DELETE /api/v1/jobs/<id>).")
            everyone = sum(1 for j in self._jobs.values() if j.active)
            if everyone >= self._max_active:
                raise JobQueueFullError(
                    f"the server has {everyone} jobs queued or running (at most "
                    f"{self._max_active}); retry in {JobQueueFullError.retry_after_s} s.")
            timing = timing or kind
            job = Job(id=secrets.token_urlsafe(9), kind=kind, key=key, client=client,
                      total=total, expected_s=self._seconds.get(timing))
            self._jobs[job.id] = job
            self._trim()
        self._pool.submit(self._run, job, fn, timing)
        return job

    def _trim(self) -> None:
        finished = [j.id for j in self._jobs.values() if not j.active]
        for jid in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[jid]

    def cancel(self, job_id: str) -> Job | None:
        """Stop a job: a queued one never starts, a running one stops at its next report."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.active:
                job.stop = "cancelled"
                if job.status == "queued":
                    self._stopped(job)
        return job

    def _stopped(self, job: Job) -> None:
        job.status = "cancelled" if job.stop == "cancelled" else "error"
        job.error = ("cancelled (DELETE /api/v1/jobs/<id>); submit again to restart"
                     if job.stop == "cancelled" else
                     f"stopped after the time limit of {self.time_limit_s:g} s; ask for less "
                     "(fewer economies or partners)")
        job.error_type = "Cancelled" if job.stop == "cancelled" else "TimeLimit"
        job.finished = time.time()

    def _run(self, job: Job, fn: Callable[[Progress], Any], timing: str) -> None:
        with self._lock:
            if job.stop:  # cancelled while queued
                return
            job.status = "running"
        started = time.time()

        def progress(k: int, message: str | None = None) -> None:
            if not job.stop and time.time() - started > self.time_limit_s:
                job.stop = "time limit"
            if job.stop:
                raise JobCancelledError(job.stop)
            job.done = min(int(k), job.total)
            if message is not None:
                job.message = message

        try:
            result = fn(progress)
            if job.stop or time.time() - started > self.time_limit_s:
                job.stop = job.stop or "time limit"
                raise JobCancelledError(job.stop)  # too late: its answer is not kept
            job.result = result
            job.done = job.total
            job.status = "done"
            took = time.time() - started
            with self._lock:  # the estimate follows the machine's load, not only the first run
                old = self._seconds.get(timing)
                self._seconds[timing] = took if old is None else 0.5 * (old + took)
        except JobCancelledError:
            self._stopped(job)
            return
        except Exception as exc:  # a job's error is reported by the progress endpoint
            door = getattr(exc, "for_door", None)  # remedies as JSON fields, not keywords
            job.error = (door("web") if door else str(exc)) or type(exc).__name__
            job.error_type = type(exc).__name__
            job.status = "error"
        finally:
            job.finished = time.time()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
