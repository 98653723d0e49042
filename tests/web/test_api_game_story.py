"""The tariff game, "paste a story", sector options and ``as_of`` over the JSON API: answers
equal the Python API's, slow work runs as jobs, and every limit is one clear 4xx line."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi.testclient import TestClient

import middlepower as mp
from middlepower.web import service

STORY = ("The United States imposed a 25% tariff on Canadian steel on Monday. Ottawa said it "
         "would retaliate. Separately, Japan and the European Union signed a trade deal.")


def _error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["status"] == status and "\n" not in body["message"].strip()
    return body["message"]


def _finish(client: TestClient, r: httpx.Response) -> tuple[dict, dict]:
    """(final job status, result) of a job that ``r`` started."""
    assert r.status_code == 202, r.text
    job = r.json()
    for _ in range(600):
        if job["status"] in ("done", "error"):
            break
        time.sleep(0.02)
        job = client.get(job["status_url"]).json()
    assert job["status"] == "done", job
    return job, client.get(job["result_url"]).json()


# ------------------------------------------------------------------ the tariff game
def test_say_no_is_a_job_equal_to_the_python_api(client: TestClient,
                                                  world2023: mp.World) -> None:
    body = {"target": "CAN", "against": "USA", "coalitions": ["GBR"]}
    job, res = _finish(client, client.post("/api/v1/game/say-no", json=body))
    want = mp.game.say_no(world2023, "CAN", "USA", ["GBR"])
    assert res["sentence"] == want.sentence
    got = {r["situation"]: r for r in res["table"]}
    assert list(got) == list(want.table.index)
    for name in want.table.index:
        assert got[name]["target_welfare_pct"] == pytest.approx(
            want.table.loc[name, "target_welfare_pct"], abs=1e-6)
    assert got["give in"]["coalition_welfare_pct"] is None  # NaN is not JSON
    assert "searches" in job["message"]
    again = client.post("/api/v1/game/say-no", json=body).json()
    assert again["id"] == job["id"]                        # identical requests share the job
    csv = client.get(job["result_url"] + "?format=csv").text.splitlines()
    assert csv[0].startswith("situation,") and len(csv) == 5


def test_nash_with_a_coalition_player_reports_iterations(client: TestClient,
                                                         world2023: mp.World) -> None:
    job, res = _finish(client, client.post("/api/v1/game/nash",
                                           json={"players": ["USA", "CAN+EU27"]}))
    want = mp.game.nash(world2023, ["USA", ["CAN", "EU27"]], instrument="opponent",
                        targets="players")
    rates = {r["player"]: r["rate"] for r in res["rates"]}
    assert rates == pytest.approx(dict(zip(want.rates["player"], want.rates["rate"],
                                           strict=True)), abs=1e-6)
    assert job["message"].startswith("best-response iteration")
    assert {r["economy"] for r in res["table"]} >= {"USA", "CAN", "EU27"}


def test_optimal_tariff_and_curves(client: TestClient) -> None:
    _, opt = _finish(client, client.post("/api/v1/game/optimal", json={
        "player": "USA", "on": ["CAN"], "instrument": "opponent"}))
    assert opt["rates"][0]["label"] == "CAN" and 0.05 < opt["rates"][0]["rate"] < 0.3
    _, cv = _finish(client, client.post("/api/v1/game/curves", json={
        "a": "USA", "b": "CAN", "rates": [0.0, 0.2, 0.4]}))
    assert cv["svg"].startswith("<svg") and len(cv["table"]) == 6
    assert 0 < cv["nash"]["USA"] < 0.3


def test_game_typos_and_limits_are_4xx_before_any_job(client: TestClient) -> None:
    msg = _error(client.post("/api/v1/game/say-no", json={"target": "CAN", "against": "XXX"}),
                 400)
    assert "'XXX'" in msg
    msg = _error(client.post("/api/v1/game/nash", json={"players": ["USA", "CAN+QQQ"]}), 400)
    assert "'QQQ'" in msg
    msg = _error(client.post("/api/v1/game/say-no", json={
        "target": "CAN", "against": "USA", "coalitions": ["A", "B", "C", "D", "E"]}), 422)
    assert msg.startswith("coalitions:")
    msg = _error(client.post("/api/v1/game/optimal", json={"player": "USA",
                                                           "bounds": [0.5, 0.1]}), 422)
    assert "lower rate" in msg


# ------------------------------------------------------------------ paste a story
def test_suggest_lists_evidence_and_runs(client: TestClient) -> None:
    r = client.post("/api/v1/suggest", json={"text": STORY})
    assert r.status_code == 200
    found = r.json()["suggestions"]
    titles = [s["title"] for s in found]
    assert "USA tariff on CAN (25%, steel)" in titles
    tariff = found[titles.index("USA tariff on CAN (25%, steel)")]
    for e in tariff["evidence"]:
        assert STORY[e["start"]:e["end"]] == e["sentence"]
        assert STORY[e["cue_start"]:e["cue_end"]] == e["cue"]
    assert "retaliate" in tariff["variants"] and "retaliate" in tariff["yaml"]
    solved = client.post("/api/v1/solve", json={"scenario": tariff["scenario"]}).json()
    can = next(x for x in solved["table"] if x["scenario"] == "give in"
               and x["country"] == "CAN")
    assert can["welfare_pct"] < 0
    rows = client.post("/api/v1/suggest?format=csv", json={"text": STORY}).text.splitlines()
    assert rows[0].startswith("id,title,kind") and len(rows) == len(found) + 1


def test_a_story_without_a_trade_measure_gives_nothing(client: TestClient) -> None:
    r = client.post("/api/v1/suggest", json={"text": "The mayor of Ottawa opened a new "
                                                     "library on Tuesday. It rained."})
    assert r.status_code == 200 and r.json()["suggestions"] == []


def test_story_size_limits_are_413(client: TestClient) -> None:
    msg = _error(client.post("/api/v1/suggest", json={"text": "a" * 100_001}), 413)
    assert "at most 100,000" in msg
    msg = _error(client.post("/api/v1/suggest", json={"text": "a" * 300_000}), 413)
    assert "bytes" in msg
    msg = _error(client.post("/api/v1/suggest", json={"text": "  "}), 422)
    assert "empty" in msg


# ------------------------------------------------------------------ brief: as_of, sectors
def test_brief_as_of_equals_the_policy_baseline(client: TestClient) -> None:
    before = service._baseline.cache_info()
    r = client.post("/api/v1/brief", json={"target": "CAN", "against": "USA", "bands": 0,
                                           "as_of": "2026-01-20"})
    assert r.status_code == 200
    body = r.json()
    now = mp.policy.baseline("world2023", as_of="2026-01-20")
    want = mp.brief(now, "CAN", "USA", bands=0).responses.loc["give in", "target_welfare_pct"]
    got = next(x for x in body["responses"] if x["name"] == "give in")["target_welfare_pct"]
    assert got == pytest.approx(want, abs=1e-9)
    assert body["as_of"]["step"] == "2025-12-04" and "2026-01-20" in body["notes"][0]
    # another day of the same tariff step reuses the cached world
    client.post("/api/v1/brief", json={"target": "MEX", "against": "USA", "bands": 0,
                                       "as_of": "2026-01-21"})
    after = service._baseline.cache_info()
    assert after.hits >= before.hits + 1 and after.currsize <= before.currsize + 1


def test_as_of_errors_and_dates(client: TestClient) -> None:
    dates = client.get("/api/v1/policy/dates").json()
    assert dates["first"] == "2025-01-01" and dates["last"] > "2026"
    assert {"date": "2025-04-05", "event": "IEEPA 'reciprocal' tariffs"} in dates["change_dates"]
    msg = _error(client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                                   "as_of": "2023-05-01"}), 400)
    assert "outside" in msg and "2025-01-01" in msg
    msg = _error(client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                                   "as_of": "20 Jan 2026"}), 422)
    assert msg.startswith("as_of:")


def test_brief_job_shares_the_cache_with_the_brief(client: TestClient) -> None:
    body = {"target": "JPN", "against": "CHN", "bands": 0, "exempt": 0.2}
    _, res = _finish(client, client.post("/api/v1/brief/jobs", json=body))
    direct = client.post("/api/v1/brief", json=body)
    assert direct.headers["x-cache"] == "hit" and direct.json() == res
    assert res["exempt"] == 0.2 and res["taxed_sectors"] is None


def test_sector_options_are_checked_before_the_job(client: TestClient) -> None:
    msg = _error(client.post("/api/v1/brief/jobs", json={
        "data": "cp1993", "target": "CAN", "against": "USA", "bands": 0,
        "sectors": ["stel"]}), 400)
    assert "'stel'" in msg and "steel" in msg
    msg = _error(client.post("/api/v1/brief/jobs", json={
        "data": "cp1993", "target": "CAN", "against": "USA", "bands": 50}), 422)
    assert "at most 20 draws on a multi-sector dataset" in msg
    msg = _error(client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                                   "exempt": 1.5}), 422)
    assert msg.startswith("exempt:")
    info = client.get("/api/v1/datasets/cp1993").json()
    assert info["sector_groups"]["steel"] == ["basic_metals"] and len(info["sectors"]) == 40
