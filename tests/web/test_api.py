"""The JSON API: answers equal the Python API's, errors are one clear 4xx line, limits hold,
and no request can read a file, import code or run YAML tags."""

from __future__ import annotations

import csv
import importlib
import io
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

import middlepower as mp
from middlepower.web import create_app, service
from middlepower.web.limits import Limits

US_CAN = {"name": "us25", "shocks": [{"type": "tariff", "by": "USA", "on": "CAN", "rate": 0.25}]}


def _error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["status"] == status and "\n" not in body["message"].strip()
    return body["message"]


# ------------------------------------------------------------------ answers
def test_endpoint_index_lists_the_api(client: TestClient) -> None:
    eps = client.get("/api/v1").json()["endpoints"]
    for ep in ("POST /api/v1/brief", "POST /api/v1/solve", "POST /api/v1/leverage",
               "POST /api/v1/coalition/search", "POST /api/v1/coalition/shapley",
               "POST /api/v1/coalition/stability", "POST /api/v1/scenario/validate",
               "GET /api/v1/jobs/{job_id}", "GET /api/v1/datasets/{name}"):
        assert ep in eps
    assert client.get("/docs").status_code == 200
    assert "/api/v1/brief" in client.get("/api/v1/openapi.json").json()["paths"]


def test_dataset_lists_countries_groups_sectors_and_map_ids(client: TestClient) -> None:
    names = [d["name"] for d in client.get("/api/v1/datasets").json()["datasets"]]
    assert "world2023" in names
    info = client.get("/api/v1/datasets/world2023").json()
    codes = {c["code"] for c in info["countries"]}
    assert {"CAN", "USA", "EU27"} <= codes and len(codes) == info["economies"]
    assert info["sectors"][0]["code"] == "all"
    ids = {m["id"]: m["economy"] for m in info["map_ids"]}
    assert ids["124"] == "CAN" and ids["276"] == "EU27"  # Germany is drawn as the EU
    assert any(g["code"] == "G7" for g in info["groups"])


def test_brief_equals_the_python_api(client: TestClient, world2023: mp.World) -> None:
    r = client.post("/api/v1/brief", json={"target": "CAN", "against": "USA", "tariff": 0.25,
                                           "bands": 0})
    assert r.status_code == 200
    got = {row["name"]: row for row in r.json()["responses"]}
    want = mp.brief(world2023, "CAN", "USA", 0.25, bands=0).responses
    for name in ("give in", "retaliate", "coalition"):
        assert got[name]["target_welfare_pct"] == pytest.approx(
            want.loc[name, "target_welfare_pct"], abs=1e-9)
    body = r.json()
    assert body["headline"].startswith("Saying no")
    welfare = {(w["response"], w["economy"]): w["welfare_pct"] for w in body["welfare"]}
    assert welfare[("give in", "CAN")] == pytest.approx(got["give in"]["target_welfare_pct"])


def test_identical_requests_are_served_from_the_cache(client: TestClient) -> None:
    body = {"target": "MEX", "against": "USA", "tariff": 0.2, "bands": 0}
    before = client.get("/api/v1/health").json()["cache"]
    first = client.post("/api/v1/brief", json=body).json()
    t0 = time.perf_counter()
    second = client.post("/api/v1/brief", json=body).json()
    assert time.perf_counter() - t0 < 0.1
    after = client.get("/api/v1/health").json()["cache"]
    assert first == second and after["hits"] == before["hits"] + 1


def test_csv_on_request(client: TestClient) -> None:
    r = client.post("/api/v1/solve?format=csv", json={"scenario": US_CAN})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 39 and {"scenario", "country", "welfare_pct"} <= set(rows[0])
    can = next(row for row in rows if row["country"] == "CAN")
    assert float(can["welfare_pct"]) < 0


def test_csv_cells_cannot_be_spreadsheet_formulas(client: TestClient) -> None:
    scenario = {**US_CAN, "name": "=HYPERLINK(\"http://x\")"}
    r = client.post("/api/v1/solve?format=csv", json={"scenario": scenario})
    first = next(iter(csv.DictReader(io.StringIO(r.text))))
    assert first["scenario"].startswith("'=")


def test_solve_yaml_with_variants_and_bands(client: TestClient) -> None:
    text = ("name: t\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.25}\nvariants:\n"
            "  give in: {shocks: []}\n  retaliate:\n"
            "    shocks: [{type: tariff, by: CAN, on: USA, rate: 0.25}]\n")
    r = client.post("/api/v1/solve", json={"yaml": text, "bands": 20})
    body = r.json()
    assert r.status_code == 200 and body["variants"] == ["give in", "retaliate"]
    row = next(x for x in body["table"] if x["scenario"] == "retaliate" and x["country"] == "CAN")
    assert row["welfare_p5"] <= row["welfare_pct"] <= row["welfare_p95"]
    assert "retaliate" in body["yaml"]


def test_validate_reports_file_line_and_field(client: TestClient) -> None:
    bad = "name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 25}\n"
    body = client.post("/api/v1/scenario/validate", json={"yaml": bad}).json()
    assert not body["valid"] and "line 3" in body["errors"][0] and "rate" in body["errors"][0]
    unknown = "name: x\nshocks:\n  - {type: tariff, by: USA, on: XYZ, rate: 0.1}\n"
    body = client.post("/api/v1/scenario/validate",
                       json={"yaml": unknown, "data": "world2023"}).json()
    assert not body["valid"] and "XYZ" in body["errors"][0]
    good = client.post("/api/v1/scenario/validate", json={"yaml": bad.replace("25", "0.25")})
    assert good.json()["valid"]


def test_leverage_runs_as_a_job_with_progress(client: TestClient) -> None:
    r = client.post("/api/v1/leverage", json={"countries": ["USA", "CAN", "MEX", "CHN"]})
    assert r.status_code == 202
    job = r.json()
    assert job["total"] == 6
    for _ in range(200):
        job = client.get(job["status_url"]).json()
        if job["status"] in ("done", "error"):
            break
        time.sleep(0.02)
    assert job["status"] == "done" and job["done"] == 6 and job["progress"] == 1.0
    result = client.get(job["result_url"]).json()
    assert len(result["table"]) == 6
    pair = next(x for x in result["table"] if {x["a"], x["b"]} == {"USA", "CAN"})
    assert pair["loss_b" if pair["b"] == "CAN" else "loss_a"] > 0
    rows = client.get(job["result_url"] + "?format=csv").text.strip().splitlines()
    assert len(rows) == 7
    again = client.post("/api/v1/leverage", json={"countries": ["USA", "CAN", "MEX", "CHN"]})
    assert again.json()["id"] == job["id"]  # identical requests share the job


def test_coalition_search_shapley_and_stability(client: TestClient) -> None:
    base = {"target": "CAN", "against": "USA"}
    ranking = client.post("/api/v1/coalition/search",
                          json={**base, "candidates": ["EU27", "GBR", "JPN"]}).json()["table"]
    assert len(ranking) == 8 and ranking[0]["target_welfare_pct"] >= ranking[-1][
        "target_welfare_pct"]
    sh = client.post("/api/v1/coalition/shapley",
                     json={**base, "members": ["EU27", "GBR"]}).json()["table"]
    assert sum(r["share_pct"] for r in sh) == pytest.approx(100)
    st = client.post("/api/v1/coalition/stability",
                     json={**base, "members": ["EU27", "GBR"]}).json()
    members = {r["member"]: r for r in st["table"]}
    assert set(members) == {"CAN", "EU27", "GBR"}
    assert st["rather_stay_out"] == [m for m, r in members.items() if not r["gains"]]


# ------------------------------------------------------------------ errors
def test_unknown_country_is_a_one_line_400(client: TestClient) -> None:
    msg = _error(client.post("/api/v1/brief", json={"target": "XXX", "against": "USA"}), 400)
    assert "'XXX'" in msg
    msg = _error(client.post("/api/v1/brief", json={"target": "USA", "against": "USA"}), 400)
    assert "both 'USA'" in msg


def test_schema_errors_name_the_field(client: TestClient) -> None:
    msg = _error(client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                                   "tariff": 25}), 422)
    assert msg.startswith("tariff:")
    msg = _error(client.post("/api/v1/brief", json={"against": "USA"}), 422)
    assert msg.startswith("target:")
    msg = _error(client.post("/api/v1/solve", json={}), 422)
    assert "exactly one of 'scenario'" in msg


def test_sectors_are_refused_clearly_on_a_one_sector_world(client: TestClient) -> None:
    r = client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                           "sectors": ["steel-and-aluminium"], "bands": 0})
    assert r.status_code == 400 and "sector" in r.json()["error"]["message"]


# ------------------------------------------------------------------ no files, code or tags
def test_no_request_reads_a_file_path(client: TestClient, tmp_path, monkeypatch) -> None:
    table = tmp_path / "flows.csv"
    table.write_text("exporter,importer,value\nA,A,10\nA,B,1\nB,A,1\nB,B,10\n")

    def forbidden(*a, **k):
        raise AssertionError("the server read a file")

    monkeypatch.setattr(importlib.import_module("middlepower.data.datasets"), "read_table",
                        forbidden)
    for path in (str(table), "/etc/passwd", "../../etc/passwd"):
        msg = _error(client.post("/api/v1/brief", json={"target": "A", "against": "B",
                                                       "data": path}), 422)
        assert "not accepted over the web" in msg
        text = f"name: x\ndata: {path}\nshocks: []\n"
        msg = _error(client.post("/api/v1/solve", json={"yaml": text}), 400)
        assert "not read over the web" in msg
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/%2e%2e/cli.py").status_code == 404


def test_yaml_tags_are_not_run(client: TestClient, tmp_path) -> None:
    marker = tmp_path / "pwned"
    for tag in (f'!!python/object/apply:os.system ["touch {marker}"]',
                f'name: !!python/object/apply:os.system ["touch {marker}"]\nshocks: []\n',
                "name: !!python/name:os.system\nshocks: []\n"):
        body = client.post("/api/v1/scenario/validate", json={"yaml": tag}).json()
        assert not body["valid"] and "not allowed" in body["errors"][0]
        r = client.post("/api/v1/solve", json={"yaml": tag})
        assert r.status_code == 400
    assert not marker.exists()


def test_requests_cannot_smuggle_options_or_code(client: TestClient) -> None:
    for extra in ({"executor": "tcp://10.0.0.1:8786"}, {"__import__": "os"},
                  {"html": "/tmp/out.html"}, {"json_out": "/tmp/x.json"}):
        r = client.post("/api/v1/brief", json={"target": "CAN", "against": "USA", **extra})
        assert r.status_code == 422 and "Extra inputs" in r.json()["error"]["message"]


# ------------------------------------------------------------------ limits
def test_body_size_limit_is_413(client: TestClient) -> None:
    big = b'{"yaml": "' + b"#" * 300_000 + b'"}'
    msg = _error(client.post("/api/v1/solve", content=big,
                             headers={"content-type": "application/json"}), 413)
    assert "bytes" in msg


def test_candidate_draw_and_scenario_limits(client: TestClient) -> None:
    msg = _error(client.post("/api/v1/coalition/search", json={
        "target": "CAN", "against": "USA", "candidates": ["G20", "CPTPP"]}), 422)
    assert "at most 12" in msg
    msg = _error(client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                                   "bands": 5000}), 422)
    assert "at most 500 draws" in msg
    shocks = [US_CAN["shocks"][0]] * 201
    msg = _error(client.post("/api/v1/solve", json={"scenario": {"name": "big",
                                                                 "shocks": shocks}}), 422)
    assert "at most 200" in msg


def test_concurrent_jobs_per_client_is_429(monkeypatch) -> None:
    release = threading.Event()

    def slow(req, progress=None, executor=None):
        release.wait(10)
        return {"table": []}

    monkeypatch.setattr(service, "leverage", slow)
    with TestClient(create_app(warm=False, limits=Limits(max_jobs_per_client=1))) as c:
        first = c.post("/api/v1/leverage", json={"countries": ["USA", "CAN"]})
        assert first.status_code == 202
        assert c.get(first.json()["result_url"]).status_code == 409
        msg = _error(c.post("/api/v1/leverage", json={"countries": ["USA", "MEX"]}), 429)
        assert "at most 1" in msg
        release.set()


def test_slow_computation_is_a_504_not_a_hang(monkeypatch) -> None:
    monkeypatch.setattr(service, "brief", lambda req, limits: time.sleep(1) or {})
    with TestClient(create_app(warm=False, limits=Limits(timeout_s=0.1))) as c:
        t0 = time.perf_counter()
        msg = _error(c.post("/api/v1/brief", json={"target": "CAN", "against": "USA"}), 504)
        assert time.perf_counter() - t0 < 0.9 and "longer than 0.1 s" in msg


def test_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "<title>middlepower" in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/vendor/countries-110m.json").json()["type"] == "Topology"


# ------------------------------------------------------------------ the command
def test_serve_binds_loopback_and_answers(live_server: str) -> None:
    assert live_server.startswith("http://127.0.0.1:")
    r = httpx.post(f"{live_server}/api/v1/brief",
                   json={"target": "CAN", "against": "USA", "bands": 0}, timeout=30)
    assert r.status_code == 200 and r.json()["target"] == "CAN"


def test_serve_refuses_bad_options() -> None:
    from typer.testing import CliRunner

    from middlepower.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["serve", "--port", "70000"])
    assert r.exit_code == 2 and "--port" in r.output
    r = runner.invoke(app, ["serve", "--data", "/etc/passwd"])
    assert r.exit_code == 2 and "shipped datasets only" in r.output
