"""Small requests do not get huge answers (issue 27, item 7a): names are bounded, flows are
keyed by variant (a name is said once, not on every row), the flows of one answer and its
encoded size are bounded, and the answer cache has a byte budget.

Before: a 20 kB scenario name with ``flows: true`` gave a 31,577,344-byte answer on
world2023 (the name on each of 1,521 rows); a 250 kB name 391 MB (or a 500 MemoryError).
"""

from __future__ import annotations

import json
import warnings

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

from middlepower.web import create_app  # noqa: E402
from middlepower.web.cache import Memo  # noqa: E402
from middlepower.web.limits import Limits  # noqa: E402

_SHOCK = [{"type": "tariff", "by": "USA", "on": "CAN", "rate": 0.25}]
#: The bound the test holds the largest allowed answer to (Limits.max_response_bytes).
BOUND = Limits().max_response_bytes


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app(warm=False), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("size", [20_000, 250_000])
def test_long_name_is_refused_small(client, size) -> None:
    r = client.post("/api/v1/solve", json={"scenario": {"name": "x" * size, "shocks": _SHOCK},
                                           "flows": True})
    assert r.status_code == 422, r.text[:300]
    msg = r.json()["error"]["message"]
    assert "name: String should have at most 200 characters" in msg
    assert len(r.content) < 2_000


def test_long_variant_name_and_description_are_refused(client) -> None:
    r = client.post("/api/v1/solve", json={"scenario": {
        "name": "x", "shocks": _SHOCK, "variants": {"v" * 201: {}}}})
    assert r.status_code == 422 and "at most 200" in r.json()["error"]["message"]
    r = client.post("/api/v1/solve", json={"scenario": {
        "name": "x", "description": "d" * 5001, "shocks": _SHOCK}})
    assert r.status_code == 422 and "at most 5000" in r.json()["error"]["message"]


def test_worst_allowed_answers_stay_under_the_bound(client) -> None:
    """The largest answers the limits allow: one wiod2014 variant's 96,800 flows, and 24
    world2023 variants with flows, every name and description at its longest."""
    desc = "d" * 5000
    wiod = {"data": "wiod2014", "flows": True,
            "scenario": {"name": "n" * 200, "description": desc, "shocks": _SHOCK}}
    many = {"flows": True, "scenario": {
        "name": "n" * 200, "description": desc, "shocks": _SHOCK,
        "variants": {f"{i:02d}" + "v" * 198: {"description": desc} for i in range(24)}}}
    for body in (wiod, many):
        r = client.post("/api/v1/solve", json=body)
        assert r.status_code == 200, r.text[:300]
        assert 1_000_000 < len(r.content) < BOUND
        flows = r.json()["flows"]
        assert set(flows) == set(r.json()["variants"])  # keyed by variant, name said once
        assert "scenario" not in next(iter(flows.values()))[0]
    assert len(json.dumps(many)) < 256 * 1024


def test_too_many_flow_rows_is_refused_before_solving(client) -> None:
    body = {"data": "world2023-full", "flows": True, "scenario": {
        "name": "x", "shocks": _SHOCK, "variants": {f"v{i}": {} for i in range(24)}}}
    r = client.post("/api/v1/solve", json=body)
    assert r.status_code == 422
    assert "24 variant(s) x 37,249 flows each = 893,976 rows; at most 100,000" in \
        r.json()["error"]["message"]


def test_encoded_answer_over_the_limit_is_a_clear_422() -> None:
    with TestClient(create_app(warm=False, limits=Limits(max_response_bytes=10_000))) as c:
        r = c.post("/api/v1/solve", json={"scenario": {"name": "x", "shocks": _SHOCK}})
    assert r.status_code == 422
    assert "at most 10,000" in r.json()["error"]["message"]


class _Sized(dict):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.json_bytes = b"x" * n


def test_memo_keeps_within_its_byte_budget() -> None:
    memo = Memo(maxsize=100, max_bytes=1_000)
    for k in range(10):
        memo.get(f"k{k}", lambda: _Sized(300))
    assert len(memo) == 3  # 3 x 300 <= 1,000 < 4 x 300; the newest are kept
    assert memo.ready("k9") is not None and memo.ready("k0") is None
