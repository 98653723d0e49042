"""The web API abuse table: hostile requests to the running app, each with the answer it
must give (issue 27). Run by ``test_web_probes.py``, which also writes the "Web API"
section of docs/errors.md (``MIDDLEPOWER_WRITE_DOCS=1``).

A :class:`Probe` is one request (``method``, ``path``, a JSON ``body`` or ``raw`` bytes)
or, for jobs, a named sequence of requests (``steps``, see ``test_web_probes.STEPS``).
``app`` picks the server it runs against: ``default`` (default limits), ``tight`` and
``queue`` (one job per client, two on the server; jobs that block for 3 s), ``slow``
(leverage replaced by a computation that reports progress for up to 5 s, so jobs can be
stopped; a 0.5 s limit on requests and jobs) or ``buggy``
(``/solve`` raises an exception naming a server path). ``status`` is the expected status
and ``match`` a regex the error message (or, for 2xx, the body) must contain.

Every probe also must: answer within ``seconds``; give at most ``max_bytes``; carry no
traceback, no server path and no raw ``<`` of a user's markup; be JSON ``{"error":
{"type", "message", "status"}}`` when it is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["PROBES", "Probe"]


@dataclass(frozen=True)
class Probe:
    id: str
    area: str
    what: str                      # the request, in a few words, for the table
    status: int
    match: str
    method: str = "POST"
    path: str = "/api/v1/solve"
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    steps: str = ""                # a named sequence of requests (jobs)
    app: Literal["default", "tight", "queue", "slow", "buggy"] = "default"
    seconds: float = 30.0
    max_bytes: int = 64 * 1024
    csv: bool = False              # a CSV answer: check every cell for formulas


_SHOCK = {"type": "tariff", "by": "USA", "on": "CAN", "rate": 0.25}
_OK = {"name": "ok", "shocks": [_SHOCK]}
_XSS = "<script>alert(1)</script>"
_IMG = "<img src=x onerror=alert(1)>"
_PATH = "../../etc/passwd"
_JSON = {"content-type": "application/json"}


def _bomb() -> str:
    lines = ["name: lol", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 9)]
    return "\n".join(lines) + "\n"


_SIZE = [
    Probe("body-over-limit", "size", "a 300 kB scenario description", 413,
          r"request body over 262,144 bytes",
          body={"scenario": {**_OK, "description": "d" * 300_000}}),
    Probe("body-declared-huge", "size", "Content-Length: 99,999,999,999, body '{}'", 413,
          r"request body over 262,144 bytes", raw=b"{}",
          headers={**_JSON, "content-length": "99999999999"}),
    Probe("body-nested-100k", "size", "100,000 nested lists in 'scenario'", 400,
          r"could not be parsed \(not JSON, or nested too deeply",
          raw=b'{"scenario":' + b"[" * 100_000 + b"]" * 100_000 + b"}", headers=_JSON),
    Probe("body-nested-yaml", "size", "a YAML scenario nested 40,000 deep", 400,
          r"nested more than 40 levels deep",
          body={"yaml": "name: x\nshocks: " + "[" * 40_000 + "]" * 40_000 + "\n"}),
    Probe("yaml-alias-bomb", "size", "a billion-laughs YAML scenario", 400,
          r"more than 100,000 values once aliases are expanded", body={"yaml": _bomb()}),
    Probe("yaml-too-long", "size", "a 150,000-character YAML text", 422,
          r"150,008 characters; at most 100,000", body={"yaml": "name: x\n" + "#" * 150_000}),
    Probe("story-too-long", "size", "a 200,000-character news story", 413,
          r"200,000 characters",
          path="/api/v1/suggest", body={"text": "x" * 200_000}),
    Probe("body-not-json", "size", "body '{not json'", 422, r"body: not valid JSON",
          raw=b"{not json", headers=_JSON),
    Probe("body-empty", "size", "no body", 422, r"body: Field required"),
    Probe("body-array", "size", "body [1, 2]", 422, r"valid dictionary", body=[1, 2]),
    Probe("body-unknown-field", "size", "an extra field 'evil'", 422,
          r"evil: Extra inputs are not permitted", body={"scenario": _OK, "evil": 1}),
]

_AMPLIFY = [
    Probe("name-20kb-flows", "small request, large answer",
          "scenario name of 20,000 characters with flows (was 31.6 MB)", 422,
          r"name: String should have at most 200 characters",
          body={"scenario": {**_OK, "name": "x" * 20_000}, "flows": True}, max_bytes=2_000),
    Probe("name-250kb-flows", "small request, large answer",
          "scenario name of 250,000 characters with flows (was 391 MB)", 422,
          r"at most 200 characters",
          body={"scenario": {**_OK, "name": "x" * 250_000}, "flows": True}, max_bytes=2_000),
    Probe("variant-name-long", "small request, large answer", "a 300-character variant name",
          422, r"has 300 characters; at most 200",
          body={"scenario": {**_OK, "variants": {"v" * 300: {}}}}),
    Probe("flows-too-many-rows", "small request, large answer",
          "flows of 24 variants on world2023-full", 422,
          r"893,976 rows; at most 100,000",
          body={"data": "world2023-full", "flows": True, "scenario": {
              **_OK, "variants": {f"v{i}": {} for i in range(24)}}}),
    Probe("flows-worst-allowed", "small request, large answer",
          "flows of one wiod2014 variant, 200-character name (the largest allowed)", 200,
          r'"flows":\{"n{200}"', body={"data": "wiod2014", "flows": True,
                                       "scenario": {**_OK, "name": "n" * 200}},
          max_bytes=24 * 1024 * 1024, seconds=60),
    Probe("bands-huge", "small request, large answer", "bands: 10**30", 422,
          r"at most 500 draws", path="/api/v1/brief",
          body={"target": "CAN", "against": "USA", "bands": 10**30}),
    Probe("sector-bands", "small request, large answer", "a wiod2014 brief with 200 draws",
          422, r"at most 20", path="/api/v1/brief",
          body={"target": "CAN", "against": "USA", "data": "wiod2014", "bands": 200}),
    Probe("candidates-40", "small request, large answer", "a coalition search of 40 partners",
          422, r"at most 12", path="/api/v1/coalition/search",
          body={"target": "CAN", "against": "USA", "candidates": ["G20"] * 40}),
    Probe("members-20", "small request, large answer", "a Shapley split of 20 members", 422,
          r"at most 10", path="/api/v1/coalition/shapley",
          body={"target": "CAN", "against": "USA", "members": [
              "AUS", "BRA", "CHE", "CHN", "EU27", "GBR", "IDN", "IND", "JPN", "KOR", "MEX",
              "NOR", "NZL", "SGP", "THA", "TUR", "VNM", "ZAF", "ARG", "SAU"]}),
    Probe("shocks-201", "small request, large answer", "201 shocks", 422, r"at most 200",
          body={"scenario": {"name": "x", "shocks": [_SHOCK] * 201}}),
    Probe("variants-25", "small request, large answer", "25 variants", 422, r"at most 24",
          body={"scenario": {**_OK, "variants": {f"v{i}": {} for i in range(25)}}}),
]

_NUMBERS = [
    Probe("rate-nan", "numbers", "tariff: NaN", 422, r"tariff: Input should be a finite number",
          path="/api/v1/brief", raw=b'{"target":"CAN","against":"USA","tariff":NaN}',
          headers=_JSON),
    Probe("rate-infinity", "numbers", "tariff: Infinity", 422, r"tariff: .*finite number",
          path="/api/v1/brief", raw=b'{"target":"CAN","against":"USA","tariff":Infinity}',
          headers=_JSON),
    Probe("rate-1e308", "numbers", "tariff: 1e308", 422, r"tariff: .*less than or equal to 5",
          path="/api/v1/brief", body={"target": "CAN", "against": "USA", "tariff": 1e308}),
    Probe("shock-rate-nan", "numbers", "a scenario shock's rate: NaN", 422, r"rate",
          raw=b'{"scenario":{"name":"x","shocks":[{"type":"tariff","by":"USA","on":"CAN",'
              b'"rate":NaN}]}}', headers=_JSON),
    Probe("shock-rate-negative", "numbers", "a shock's rate -3", 422, r"rate -3 is negative",
          body={"scenario": {"name": "x", "shocks": [{**_SHOCK, "rate": -3}]}}),
    Probe("shock-rate-huge", "numbers", "a shock's rate 1e300", 422, r"allow_extreme",
          body={"scenario": {"name": "x", "shocks": [{**_SHOCK, "rate": 1e300}]}}),
    Probe("theta-tiny", "numbers", "theta: 1e-9 (was a 'converged' -4.1%)", 422,
          r"theta: theta=1e-09: .*between 0\.5 and 30", path="/api/v1/brief",
          body={"target": "CAN", "against": "USA", "theta": 1e-9}),
    Probe("theta-tiny-in-scenario", "numbers", "scenario theta: 1e-9", 422,
          r"between 0\.5 and 30", body={"scenario": {**_OK, "theta": 1e-9}}),
    Probe("theta-nan", "numbers", "theta: NaN", 422, r"theta: .*finite number",
          path="/api/v1/brief", raw=b'{"target":"CAN","against":"USA","theta":NaN}',
          headers=_JSON),
    Probe("exempt-1.5", "numbers", "exempt: 1.5", 422, r"exempt: .*less than or equal to 1",
          path="/api/v1/brief", body={"target": "CAN", "against": "USA", "exempt": 1.5}),
    Probe("max-size-huge", "numbers", "max_size: 10**100", 422, r"max_size",
          path="/api/v1/coalition/search",
          body={"target": "CAN", "against": "USA", "candidates": ["GBR"],
                "max_size": 10**100}),
    Probe("bounds-reversed", "numbers", "game bounds [2, 0]", 422,
          r"the lower rate must be below the upper", path="/api/v1/game/nash",
          body={"players": ["USA", "CAN"], "bounds": [2, 0]}),
]

_PATHS = [
    Probe("data-dotdot-brief", "path-like names", f"brief data {_PATH!r}", 422,
          r"unknown dataset '\.\./\.\./etc/passwd'.*files and paths are not accepted",
          path="/api/v1/brief", body={"target": "CAN", "against": "USA", "data": _PATH}),
    Probe("data-absolute-solve", "path-like names", "solve data '/etc/passwd'", 422,
          r"unknown dataset '/etc/passwd'", body={"scenario": _OK, "data": "/etc/passwd"}),
    Probe("data-in-scenario", "path-like names", f"scenario data {_PATH!r}", 400,
          r"is not a dataset this server offers.*files and paths are not read",
          body={"scenario": {**_OK, "data": _PATH}}),
    Probe("data-in-yaml", "path-like names", "YAML 'data: /etc/passwd'", 400,
          r"'/etc/passwd' is not a dataset this server offers",
          body={"yaml": "name: x\ndata: /etc/passwd\nshocks: []\n"}),
    Probe("data-validate", "path-like names", "validate with data '/etc/passwd'", 422,
          r"unknown dataset", path="/api/v1/scenario/validate",
          body={"yaml": "name: x\n", "data": "/etc/passwd"}),
    Probe("data-leverage", "path-like names", "leverage data 'file:///etc/passwd'", 422,
          r"unknown dataset 'file:///etc/passwd'", path="/api/v1/leverage",
          body={"data": "file:///etc/passwd"}),
    Probe("data-suggest", "path-like names", "suggest data '~/.ssh/id_rsa'", 422,
          r"unknown dataset '~/\.ssh/id_rsa'", path="/api/v1/suggest",
          body={"text": "The US imposed a 25% tariff on Canada.", "data": "~/.ssh/id_rsa"}),
    Probe("dataset-url-dotdot", "path-like names", "GET /api/v1/datasets/..%2F..%2Fetc%2Fpasswd",
          404, r"Not Found", method="GET", path="/api/v1/datasets/..%2F..%2Fetc%2Fpasswd"),
    Probe("dataset-url-name", "path-like names", "GET /api/v1/datasets/passwd", 400,
          r"unknown dataset 'passwd'", method="GET", path="/api/v1/datasets/passwd"),
    Probe("static-dotdot", "path-like names", "GET /static/%2e%2e/%2e%2e/etc/passwd", 404,
          r"Not Found", method="GET", path="/static/%2e%2e/%2e%2e/etc/passwd"),
    Probe("country-dotdot", "path-like names", f"target {_PATH!r}", 400,
          r"unknown country '\.\./\.\./etc/passwd'", path="/api/v1/brief",
          body={"target": _PATH, "against": "USA"}),
]

_MARKUP = [
    Probe("xss-target", "HTML and script", f"target {_XSS!r}", 400,
          r"unknown country '<script>alert\(1\)</script>'", path="/api/v1/brief",
          body={"target": _XSS, "against": "USA"}),
    Probe("xss-scenario-name", "HTML and script", f"scenario name {_XSS!r} (answered)", 200,
          r'"variants":\["\\u003cscript\\u003e', body={"scenario": {**_OK, "name": _XSS}}),
    Probe("xss-variant-name", "HTML and script", f"variant name {_IMG!r} (answered)", 200,
          r"\\u003cimg src=x", body={"scenario": {**_OK, "variants": {_IMG: {}}}}),
    Probe("xss-description", "HTML and script", "scenario description with a script", 200,
          r'"description":"\\u003cscript', body={"scenario": {**_OK, "description": _XSS}}),
    Probe("xss-shock-country", "HTML and script", f"a shock 'by' {_IMG!r}", 400,
          r"unknown country '<img src=x", body={"scenario": {
              "name": "x", "shocks": [{**_SHOCK, "by": _IMG}]}}),
    Probe("xss-sector", "HTML and script", "sector '<b>steel' on wiod2014", 400,
          r"unknown sector '<b>steel'.*did you mean 'steel'", path="/api/v1/brief",
          body={"target": "CAN", "against": "USA", "data": "wiod2014", "sectors": ["<b>steel"],
                "bands": 0}),
    Probe("xss-field-name", "HTML and script", f"a field named {_XSS!r}", 422,
          r"<script>alert\(1\)</script>: Extra inputs are not permitted",
          path="/api/v1/brief", body={"target": "CAN", "against": "USA", _XSS: 1}),
    Probe("xss-job-id", "HTML and script", "GET /api/v1/jobs/<script>", 404,
          r"no job '<script>'", method="GET", path="/api/v1/jobs/<script>"),
    Probe("xss-story", "HTML and script", "a story with a script tag (answered)", 200,
          r'"suggestions":\[\{', path="/api/v1/suggest",
          body={"text": _XSS + " The United States imposed a 25% tariff on Canadian steel."}),
    Probe("xss-yaml", "HTML and script", "YAML with a script in a country", 200,
          r'"valid":false.*\\u003cscript', path="/api/v1/scenario/validate",
          body={"yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: '" + _XSS
                + "', rate: 0.1}\n", "data": "world2023"}),
    Probe("xss-dataset-defaults", "HTML and script", "GET /api/v1/datasets/<script>", 400,
          r"unknown dataset '<script>", method="GET", path="/api/v1/datasets/<script>"),
]

_CSV = [
    Probe("csv-variant-formula", "spreadsheet formulas", "variant '=cmd|...' as ?format=csv",
          200, r"'=cmd", path="/api/v1/solve?format=csv", csv=True,
          body={"scenario": {**_OK, "variants": {"=cmd|' /C notepad'!'A1'": {}, "-1+1": {},
                                                 "@SUM(A1)": {}, "+1": {}}}}),
    Probe("csv-name-formula", "spreadsheet formulas", "scenario name '=1+1' as CSV", 200,
          r"'=1\+1", path="/api/v1/solve?format=csv", csv=True,
          body={"scenario": {**_OK, "name": "=1+1"}}),
    Probe("csv-validate-formula", "spreadsheet formulas", "validate a variant '@cmd' as CSV",
          200, r"'@cmd", path="/api/v1/scenario/validate?format=csv", csv=True,
          body={"yaml": "name: x\nvariants:\n  '@cmd':\n    shocks:\n      - {type: tariff, "
                        "by: USA, on: CAN, rate: 0.1}\n"}),
    Probe("csv-format-unknown", "spreadsheet formulas", "?format=xlsx", 422,
          r"query\.format: Input should be 'json' or 'csv'", method="GET",
          path="/api/v1/datasets?format=xlsx"),
]

_JOBS = [
    Probe("jobs-per-client", "jobs", "a second job while one runs (1 per client)", 429,
          r"at most 1\).*cancel one", steps="per-client", app="tight"),
    Probe("jobs-queue-full", "jobs", "a third job with the server's queue of 2 full", 503,
          r"at most 2\); retry in 15 s", steps="queue-full", app="queue"),
    Probe("jobs-time-limit", "jobs", "a job past its 0.5 s time limit", 504,
          r"stopped after the time limit of 0\.5 s", steps="time-limit", app="slow"),
    Probe("jobs-cancel", "jobs", "DELETE a running job, then its result", 409,
          r"was cancelled", steps="cancel", app="slow"),
    Probe("jobs-cancel-unknown", "jobs", "DELETE /api/v1/jobs/nosuch", 404,
          r"no job 'nosuch'", method="DELETE", path="/api/v1/jobs/nosuch"),
    Probe("request-time-limit", "jobs", "a computation over the 0.5 s request limit", 504,
          r"took longer than 0\.5 s", steps="slow-request", app="slow"),
]

_ERRORS = [
    Probe("route-unknown", "errors", "GET /api/v1/nothing", 404, r"Not Found", method="GET",
          path="/api/v1/nothing"),
    Probe("method-wrong", "errors", "GET /api/v1/solve", 405, r"Method Not Allowed",
          method="GET"),
    Probe("internal-error", "errors", "a bug whose exception names a server path", 500,
          r"the server failed on this request \(RuntimeError\); please report it",
          body={"scenario": _OK}, app="buggy"),
    Probe("unknown-country-long", "errors", "a 60-character unknown country", 400,
          r"unknown country 'QQQ", path="/api/v1/brief",
          body={"target": "Q" * 60, "against": "USA"}),
    Probe("player-too-long", "errors", "a game player of 200,000 characters", 422,
          r"^players\.1: String should have at most 200 characters$",
          path="/api/v1/game/nash", body={"players": ["USA", "CAN+" * 50_000]}),
    Probe("code-too-long", "errors", "a 10,000-character country code", 422,
          r"target: String should have at most 60 characters", path="/api/v1/brief",
          body={"target": "Q" * 10_000, "against": "USA"}),
]

PROBES: list[Probe] = [*_SIZE, *_AMPLIFY, *_NUMBERS, *_PATHS, *_MARKUP, *_CSV, *_JOBS,
                       *_ERRORS]
