"""One number per question: the Python API, the command line and the web API agree.

For three scenario files (the default dataset; sector tariffs on ``wiod2014``; an
agreement ended), every economy's welfare in every variant is the same from
``mp.solve_many``, from ``middlepower run --json`` and from ``POST /api/v1/solve``, to
1e-12. Each door maps its inputs onto :class:`mp.SolveOptions` by the same rule (an
explicit option beats the file, the file beats the default), which this test holds.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import middlepower as mp
from middlepower.cli import app

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

from middlepower.web import create_app  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = ["us_tariffs_on_canada.yaml", "us_sector_tariffs_on_canada.yaml", "usmca_ends.yaml"]


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app(warm=False)) as c:
        yield c


def _api(path: Path, **overrides: float) -> pd.Series:
    sc = mp.Scenario.from_yaml(path)
    world = mp.load(sc.data or mp.data.DEFAULT_DATASET)
    opts = mp.SolveOptions.for_scenario(sc, **overrides)
    rs = mp.solve_many(world, sc.expand(), options=opts)
    return rs.countries.set_index(["scenario", "country"])["welfare_pct"]


def _cli(path: Path, tmp: Path, *extra: str) -> pd.Series:
    out = tmp / f"{path.stem}.json"
    r = CliRunner().invoke(app, ["run", str(path), "--json", str(out), *extra])
    assert r.exit_code == 0, r.output
    rows = pd.DataFrame(json.loads(out.read_text()))
    return rows.set_index(["scenario", "country"])["welfare_pct"]


def _web(path: Path, client: TestClient, **fields: float) -> pd.Series:
    r = client.post("/api/v1/solve", json={"yaml": path.read_text(), **fields})
    assert r.status_code == 200, r.text
    rows = pd.DataFrame(r.json()["table"])
    return rows.set_index(["scenario", "country"])["welfare_pct"]


def _same(a: pd.Series, b: pd.Series, what: str) -> None:
    assert sorted(a.index) == sorted(b.index), what
    b = b.loc[a.index]
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-12, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("name", FILES)
def test_api_cli_and_web_give_the_same_welfare(name: str, tmp_path: Path,
                                               client: TestClient) -> None:
    path = EXAMPLES / name
    api = _api(path)
    assert api.abs().max() > 0.01, "the scenario moves something"
    _same(api, _cli(path, tmp_path), f"{name}: CLI vs API")
    _same(api, _web(path, client), f"{name}: web vs API")


def test_an_explicit_theta_wins_the_same_way_everywhere(tmp_path: Path,
                                                        client: TestClient) -> None:
    path = EXAMPLES / "us_sector_tariffs_on_canada.yaml"
    api = _api(path, theta=4.0)
    assert not np.allclose(api.to_numpy(), _api(path).to_numpy()), "theta matters here"
    _same(api, _cli(path, tmp_path, "--theta", "4"), "CLI --theta 4")
    _same(api, _web(path, client, theta=4.0), "web theta=4")


def test_a_tariff_without_sectors_taxes_goods_only_at_every_door(client: TestClient) -> None:
    """On a world with services, no sectors named means goods (the brief's rule too)."""
    world = mp.load("wiod2014")
    plain = mp.solve(world, [mp.tariff(by="USA", on="CAN", rate=0.25)])
    goods = mp.solve(world, [mp.tariff(by="USA", on="CAN", rate=0.25, sectors="goods")])
    every = mp.solve(world, [mp.tariff(by="USA", on="CAN", rate=0.25, sectors="all")])
    assert plain.countries.loc["CAN", "welfare_pct"] == goods.countries.loc["CAN", "welfare_pct"]
    assert every.countries.loc["CAN", "welfare_pct"] != plain.countries.loc["CAN", "welfare_pct"]
    b = mp.brief(world, "CAN", against="USA", bands=0, game=False)
    assert b.responses.loc["give in", "target_welfare_pct"] == pytest.approx(
        plain.countries.loc["CAN", "welfare_pct"], abs=1e-12)
