"""The ASGI application: a versioned JSON API under ``/api/v1`` and the page at ``/``.

Requests are validated by pydantic (:mod:`.schemas`), computed on a small thread pool by
:mod:`.service`, cached by request (:mod:`.cache`), and answered as JSON, or CSV with
``?format=csv`` (the answer's ``table``). Errors are JSON ``{"error": {"type",
"message", "status"}}`` with one readable message: 400 for input the model rejects
(unknown country, bad scenario), 422 for a request outside the schema or a limit, 413
for a body or a story too large, 429 for too many jobs, 504 for a computation over the time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.middleware.gzip import GZipMiddleware

from .. import __version__
from ..errors import ConvergenceError, MiddlepowerError, ParameterError
from ..scenario import Scenario
from . import service, stories, tariffgame
from .assets import static_dir, topojson, vega_bundle
from .cache import Memo
from .jobs import JobLimitError, JobQueueFullError, Jobs
from .limits import Limits
from .responses import (
    _BodyLimit,
    _client,
    _encoded,
    _error,
    _respond,
    _SafeJSON,
    _validation_message,
)
from .schemas import (
    BriefRequest,
    CoalitionRequest,
    CurvesRequest,
    LeverageRequest,
    MembersRequest,
    NashRequest,
    OptimalRequest,
    SayNoRequest,
    SolveRequest,
    SuggestRequest,
    ValidateRequest,
)

__all__ = ["create_app"]

Format = Literal["json", "csv"]
_FORMAT = Query("json", description="json, or csv for the answer's main table.")

#: No inline script, no third-party origin; Vega compiles its expressions with
#: ``new Function``, hence 'unsafe-eval'.
_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
        "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(data: str = "world2023", *, scheduler: str | None = None,  # noqa: C901 (routes are closures; to split into routers)
               limits: Limits | None = None, warm: bool = True) -> FastAPI:
    """Build the web application.

    Parameters
    ----------
    data : str, default "world2023"
        The dataset the page opens with (any shipped dataset can be asked for).
    scheduler : str, optional
        Dask scheduler address (``tcp://host:8786``): leverage jobs and coalition
        searches run there instead of on the server's threads.
    limits : Limits, optional
        Bounds on requests; :class:`Limits` defaults when omitted.
    warm : bool, default True
        At start, load ``data``, answer the default brief and build the JavaScript
        bundle in the background, so that the first visitor does not wait.

    Returns
    -------
    FastAPI
        Serve it with uvicorn (``middlepower serve``) or any ASGI server.
    """
    limits = limits or Limits()
    if data not in service.shipped_names():
        raise ParameterError(f"--data {data!r}: the server opens shipped datasets only "
                               f"({', '.join(service.shipped_names())}).")
    memo = Memo(limits.cache_entries, limits.cache_bytes)
    # two pools: a one-scenario solve should not queue behind a brief's 250 solves
    heavy = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="mp-heavy")
    light = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mp-light")
    jobs = Jobs(workers=2, per_client=limits.max_jobs_per_client, max_active=limits.max_jobs,
                time_limit_s=limits.job_time_limit_s)
    executor_lock = threading.Lock()
    executor: dict[str, Any] = {}

    def dask() -> Any:
        if scheduler is None:
            return None
        with executor_lock:
            if "client" not in executor:
                from ..model.batch import client_for

                executor["client"] = client_for(scheduler)
            return executor["client"]

    def _warm() -> None:
        try:
            service.dataset_info(data)
            req = BriefRequest(data=data, **_default_pair(data))
            memo.get(_key("brief", req), lambda: service.brief(req, limits))
        finally:
            from ..report._vega import ChartRendererError

            # no charts: /static/vendor/vega.js answers 503 with the reason
            with contextlib.suppress(ChartRendererError):
                vega_bundle()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:
            threading.Thread(target=_warm, name="mp-warm", daemon=True).start()
        yield
        jobs.shutdown()
        for pool in (heavy, light):
            pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="middlepower", version=__version__, lifespan=lifespan,
        description="Economic coercion and coalition responses in a structural-gravity "
                    "trade model. JSON API (add `?format=csv` for the main table) and a "
                    "page at `/`.",
        openapi_url="/api/v1/openapi.json", docs_url="/docs", redoc_url=None,
        default_response_class=_SafeJSON)
    app.state.memo, app.state.jobs, app.state.limits = memo, jobs, limits
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                      ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith("/docs"):  # Swagger UI loads its own CDN files
            response.headers.setdefault("Content-Security-Policy", _CSP)
        return response

    # ------------------------------------------------------------------ errors
    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, detail = _validation_message(exc)
        return _error(422, "ValidationError", message, detail=detail)

    @app.exception_handler(stories.StoryTooLargeError)
    async def on_story(request: Request, exc: stories.StoryTooLargeError) -> JSONResponse:
        return _error(413, "RequestTooLarge", str(exc))

    @app.exception_handler(service.LimitExceededError)
    async def on_limit(request: Request, exc: service.LimitExceededError) -> JSONResponse:
        return _error(422, "LimitExceeded", str(exc))

    @app.exception_handler(ConvergenceError)
    async def on_convergence(request: Request, exc: ConvergenceError) -> JSONResponse:
        return _error(422, type(exc).__name__, str(exc))

    @app.exception_handler(MiddlepowerError)
    async def on_input(request: Request, exc: MiddlepowerError) -> JSONResponse:
        return _error(400, type(exc).__name__, exc.for_door("web"))

    @app.exception_handler(JobLimitError)
    async def on_jobs(request: Request, exc: JobLimitError) -> JSONResponse:
        out = _error(429, "TooManyJobs", str(exc), retry_after_s=exc.retry_after_s)
        out.headers["Retry-After"] = str(exc.retry_after_s)
        return out

    @app.exception_handler(JobQueueFullError)
    async def on_queue(request: Request, exc: JobQueueFullError) -> JSONResponse:
        out = _error(503, "QueueFull", str(exc), retry_after_s=exc.retry_after_s)
        out.headers["Retry-After"] = str(exc.retry_after_s)
        return out

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        kinds = {404: "NotFound", 405: "MethodNotAllowed", 504: "Timeout"}
        detail = str(exc.detail)
        if detail == "There was an error parsing the body":  # e.g. nested 100,000 deep
            detail = ("the request body could not be parsed (not JSON, or nested too deeply "
                      "for a parser; a request needs about 6 levels)")
        return _error(exc.status_code, kinds.get(exc.status_code, "HTTPError"), detail)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        # a bug, not the user's fault: say so in one line, keep the traceback in the log
        import logging

        logging.getLogger("middlepower.web").exception("unexpected error on %s",
                                                       request.url.path)
        return _error(500, "InternalError", f"the server failed on this request "
                      f"({type(exc).__name__}); please report it with the request body.")

    from starlette.exceptions import HTTPException as StarletteHTTPException

    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]

    async def compute(kind: str, req: BaseModel, fn: Callable[[], dict[str, Any]]
                      ) -> tuple[dict[str, Any], bool]:
        """(answer, whether it came from the cache) for a validated request."""
        key = _key(kind, req)
        done = memo.ready(key)
        if done is not None:
            return done.result(), True
        pool = light if kind in _LIGHT else heavy
        fut = asyncio.wrap_future(pool.submit(
            memo.get, key, lambda: _encoded(fn(), limits.max_response_bytes)))
        try:
            return await asyncio.wait_for(fut, limits.timeout_s), False
        except TimeoutError:
            raise HTTPException(504, f"{kind} took longer than {limits.timeout_s:g} s; the "
                                "answer will be cached when it is ready, so retry in a "
                                "minute, or ask for less (fewer candidates, draws or "
                                "economies).") from None

    async def start_job(kind: str, req: BaseModel, request: Request,
                        fn: Callable[[Any], dict[str, Any]],
                        check: Callable[[], Any] | None = None) -> dict[str, Any]:
        """Queue ``fn(progress)`` as a job (202); its answer is also kept in the memo, so
        a job asked again after it left the job table is done at once."""
        if check is not None:  # typos are a 4xx now, not a failed job later
            await asyncio.get_running_loop().run_in_executor(light, check)
        key = _key(kind, req)
        job = jobs.submit(kind, key, _client(request), 1,
                          lambda progress: memo.get(
                              key, lambda: _encoded(fn(progress), limits.max_response_bytes)),
                          timing=f"{kind}:{getattr(req, 'data', '')}")
        return job.public()

    # ------------------------------------------------------------------ API
    @app.get("/api/v1", tags=["meta"])
    async def index() -> dict[str, Any]:
        """The endpoints of this API version."""
        return {"version": __version__, "docs": "/docs", "openapi": "/api/v1/openapi.json",
                "endpoints": sorted({f"{m} {r.path}" for r in app.routes
                                     if r.path.startswith("/api/v1/")
                                     for m in getattr(r, "methods", ()) if m != "HEAD"})}

    @app.get("/api/v1/health", tags=["meta"])
    async def health() -> dict[str, Any]:
        """Liveness, and the cache's size and hit counts."""
        return {"status": "ok", "version": __version__, "cache": {
            "entries": len(memo), "hits": memo.hits, "misses": memo.misses}}

    @app.get("/api/v1/config", tags=["meta"])
    async def config() -> dict[str, Any]:
        """The dataset the page opens with, and the limits on requests."""
        return {"default_data": data, "distributed": scheduler is not None,
                "limits": {k: getattr(limits, k) for k in limits.__slots__}}

    @app.get("/api/v1/datasets", tags=["data"])
    async def list_datasets(format: Format = _FORMAT) -> Response:
        """The shipped datasets: name, economies, year, unit, description."""
        return _respond(service.dataset_list(), format, "datasets")

    @app.get("/api/v1/datasets/{name}", tags=["data"])
    async def get_dataset(name: str, format: Format = _FORMAT) -> Response:
        """One dataset: its economies (code, name, output, trade), usable groups, sectors."""
        payload, hit = await compute("dataset", _Name(name=name),
                                     lambda: service.dataset_info(name))
        return _respond(payload, format, name, hit)

    @app.get("/api/v1/scenario/schema", tags=["scenarios"])
    async def scenario_schema() -> dict[str, Any]:
        """The JSON schema of scenarios (the YAML files and the ``scenario`` field)."""
        return Scenario.json_schema()

    @app.post("/api/v1/scenario/validate", tags=["scenarios"])
    async def validate(req: ValidateRequest, format: Format = _FORMAT) -> Response:
        """Check a scenario file's text: ``valid`` and the file/line/field ``errors``."""
        payload, hit = await compute("validate", req, lambda: service.validate(req, limits))
        return _respond(payload, format, "scenario", hit)

    @app.post("/api/v1/solve", tags=["scenarios"])
    async def solve(req: SolveRequest, format: Format = _FORMAT) -> Response:
        """Solve a scenario (object or YAML text): every variant, every economy."""
        payload, hit = await compute("solve", req, lambda: service.solve(req, limits))
        return _respond(payload, format, "solve", hit)

    @app.post("/api/v1/brief", tags=["coercion"])
    async def brief(req: BriefRequest, format: Format = _FORMAT) -> Response:
        """The coercion brief: headline, exposure, responses with bands, leverage,
        coalitions, and each response's welfare change by economy."""
        payload, hit = await compute("brief", req, lambda: service.brief(req, limits))
        return _respond(payload, format, f"brief-{payload['target']}-{payload['against']}",
                        hit)

    @app.post("/api/v1/brief/jobs", tags=["coercion"], status_code=202)
    async def brief_job(req: BriefRequest, request: Request) -> dict[str, Any]:
        """The brief as a job (a brief on a multi-sector dataset takes 5-15 s): poll
        ``status_url`` (``elapsed_s``, and ``expected_s`` from the last briefs on the
        dataset), then ``result_url``. Shares its cache with ``POST /api/v1/brief``."""
        return await start_job("brief", req, request,
                               lambda progress: service.brief(req, limits),
                               check=lambda: service.check_brief(req, limits))

    @app.get("/api/v1/policy/dates", tags=["coercion"])
    async def policy_dates(format: Format = _FORMAT) -> Response:
        """Days with US tariffs in force (``as_of`` of a brief) and the change dates."""
        return _respond(service.policy_dates(), format, "us-tariff-dates")

    @app.post("/api/v1/suggest", tags=["scenarios"])
    async def suggest(req: SuggestRequest, format: Format = _FORMAT) -> Response:
        """The scenarios a news story implies, each with its evidence (sentences and
        character offsets), confidence, assumptions, and scenario (object and YAML)."""
        payload, hit = await compute("suggest", req, lambda: stories.suggest(req, limits))
        return _respond(payload, format, "suggestions", hit)

    @app.post("/api/v1/game/optimal", tags=["game"], status_code=202)
    async def game_optimal(req: OptimalRequest, request: Request) -> dict[str, Any]:
        """A job: the player's optimal tariffs, everyone else's at their baseline."""
        return await start_job("optimal", req, request,
                               lambda progress: tariffgame.optimal(req, progress),
                               check=lambda: tariffgame.check(req))

    @app.post("/api/v1/game/nash", tags=["game"], status_code=202)
    async def game_nash(req: NashRequest, request: Request) -> dict[str, Any]:
        """A job: the Nash tariff war among the players (``message``: each iteration)."""
        return await start_job("nash", req, request,
                               lambda progress: tariffgame.nash(req, progress),
                               check=lambda: tariffgame.check(req))

    @app.post("/api/v1/game/say-no", tags=["game"], status_code=202)
    async def game_say_no(req: SayNoRequest, request: Request) -> dict[str, Any]:
        """A job: can the target say no? Give in, retaliate, Nash war alone and with
        each coalition; the table and one sentence."""
        return await start_job("say-no", req, request,
                               lambda progress: tariffgame.say_no(req, progress),
                               check=lambda: tariffgame.check(req))

    @app.post("/api/v1/game/curves", tags=["game"], status_code=202)
    async def game_curves(req: CurvesRequest, request: Request) -> dict[str, Any]:
        """A job: both bilateral best-response curves (table and SVG) and where they
        cross (0.5 s on world2023; about a minute on wiod2014)."""
        return await start_job("curves", req, request,
                               lambda progress: tariffgame.curves(req, progress),
                               check=lambda: tariffgame.check(req))

    @app.post("/api/v1/leverage", tags=["coercion"], status_code=202)
    async def leverage(req: LeverageRequest, request: Request) -> dict[str, Any]:
        """Start the leverage matrix as a job; poll ``status_url``, then ``result_url``."""
        total = await asyncio.get_running_loop().run_in_executor(light, service.pairs_of, req)
        job = jobs.submit("leverage", _key("leverage", req), _client(request), total,
                          lambda progress: service.leverage(req, progress, dask()))
        return job.public()

    @app.get("/api/v1/jobs/{job_id}", tags=["jobs"])
    async def job_status(job_id: str) -> dict[str, Any]:
        """A job's status: queued, running (done of total), done or error."""
        return _job(job_id).public()

    @app.get("/api/v1/jobs/{job_id}/result", tags=["jobs"])
    async def job_result(job_id: str, format: Format = _FORMAT) -> Response:
        """A finished job's answer (409 while it runs; its error if it failed)."""
        job = _job(job_id)
        if job.status == "cancelled":
            return _error(409, "Cancelled", f"this job was {job.error}.")
        if job.status == "error":
            return _error(504 if job.error_type == "TimeLimit" else 400,
                          job.error_type or "JobError", job.error)
        if job.status != "done":
            return _error(409, "NotReady", f"job {job_id} is {job.status} ({job.done} of "
                          f"{job.total}); poll {job.public()['status_url']}.")
        return _respond(job.result, format, job.kind)

    @app.delete("/api/v1/jobs/{job_id}", tags=["jobs"])
    async def job_cancel(job_id: str) -> dict[str, Any]:
        """Cancel a job: a queued one never starts, a running one stops at its next
        progress report (its status becomes ``cancelled``)."""
        _job(job_id)
        return jobs.cancel(job_id).public()

    def _job(job_id: str) -> Any:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id[:40]!r}: it never existed or was "
                                "dropped (finished jobs are kept for a while); submit again.")
        return job

    @app.post("/api/v1/coalition/search", tags=["coalitions"])
    async def coalition_search(req: CoalitionRequest, format: Format = _FORMAT) -> Response:
        """Rank coalitions of the candidates by the target's welfare or their total gain."""
        payload, hit = await compute("search", req,
                                lambda: service.coalition_search(req, limits, dask()))
        return _respond(payload, format, "coalitions", hit)

    @app.post("/api/v1/coalition/shapley", tags=["coalitions"])
    async def coalition_shapley(req: MembersRequest, format: Format = _FORMAT) -> Response:
        """Each member's Shapley share of the coalition's gain."""
        payload, hit = await compute("shapley", req,
                                     lambda: service.shapley(req, limits, dask()))
        return _respond(payload, format, "shapley", hit)

    @app.post("/api/v1/coalition/stability", tags=["coalitions"])
    async def coalition_stability(req: MembersRequest, format: Format = _FORMAT
                                  ) -> Response:
        """Does every member gain? Who would rather stay out? Is the split in the core?"""
        payload, hit = await compute("stability", req,
                                lambda: service.stability(req, limits, dask()))
        return _respond(payload, format, "stability", hit)

    # ------------------------------------------------------------------ page
    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(static_dir() / "index.html", media_type="text/html")

    @app.get("/static/vendor/vega.js", include_in_schema=False)
    async def vega() -> Response:
        from ..report._vega import ChartRendererError

        try:
            body = await asyncio.get_running_loop().run_in_executor(None, vega_bundle)
        except ChartRendererError as exc:  # the page still works, without its charts
            return _error(503, "ChartsUnavailable", f"{exc}; the tables still work.")
        return Response(body, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/static/vendor/countries-110m.json", include_in_schema=False)
    async def world_map() -> Response:
        return Response(topojson(), media_type="application/json",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    # outermost: a large body is refused before anything reads it
    app.add_middleware(_BodyLimit, limit=limits.max_body_bytes)
    return app


class _Name(BaseModel):
    name: str


#: Requests that solve at most a few scenarios.
_LIGHT = frozenset({"dataset", "validate", "solve", "suggest"})


def _key(kind: str, req: BaseModel) -> str:
    return kind + ":" + json.dumps(req.model_dump(mode="json"), sort_keys=True)


def _default_pair(data: str) -> dict[str, str]:
    d = service.dataset_info(data)["defaults"]
    return {"target": d["target"], "against": d["against"]}
