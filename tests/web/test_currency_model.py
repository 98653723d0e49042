"""The brief in another currency and under a model preset: the same number from the API,
the CLI and the web (one number per question)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import middlepower as mp
from middlepower import cli
from middlepower.data.fx import per_usd


@pytest.fixture(scope="module")
def briefs():
    w = mp.load("world2023")
    usd = mp.brief(w, "CAN", "USA", bands=0, game=False)
    cad = mp.brief(w, "CAN", "USA", bands=0, game=False, currency="CAD")
    return w, usd, cad


def test_cad_amounts_are_usd_at_the_years_rate(briefs):
    w, usd, cad = briefs
    rate = per_usd("CAD", w.year)
    assert rate == pytest.approx(1.34994, abs=1e-5)
    got = cad.responses["target_welfare_change"]
    want = usd.responses["target_welfare_change"] * rate
    assert (got - want).abs().max() < 1e-9
    assert "CAD" in cad.headline and cad.to_dict()["unit"] == "CAD bn"
    assert (cad.responses["target_welfare_pct"] == usd.responses["target_welfare_pct"]).all()


def test_currency_errors_are_named(briefs):
    w, _, _ = briefs
    with pytest.raises(mp.errors.ParameterError, match="XYZ"):
        mp.brief(w, "CAN", "USA", bands=0, game=False, currency="XYZ")
    with pytest.raises(mp.errors.ParameterError, match="1990"):
        per_usd("CAD", 1990)


def test_web_and_cli_give_the_api_numbers(briefs, client, tmp_path):
    w = briefs[0]
    r = client.post("/api/v1/brief", json={"target": "CAN", "against": "USA", "bands": 0,
                                           "currency": "CAD", "model": "ilms2025"})
    assert r.status_code == 200, r.text
    web = {row["name"]: row for row in r.json()["responses"]}
    api = mp.brief(w, "CAN", "USA", bands=0, currency="CAD", model="ilms2025")
    for name, row in api.responses.iterrows():
        assert abs(web[name]["target_welfare_change"] - row.target_welfare_change) <= 1e-12 * \
            max(1.0, abs(row.target_welfare_change))
    out = tmp_path / "b.json"
    done = CliRunner().invoke(cli.app, ["brief", "CAN", "--against", "USA", "--bands", "0",
                                        "--currency", "CAD", "--model", "ilms2025",
                                        "--json", str(out)])
    assert done.exit_code == 0, done.output
    by_cli = {row["name"]: row for row in json.loads(out.read_text())["responses"]}
    for name, row in api.responses.iterrows():
        assert abs(by_cli[name]["target_welfare_change"] - row.target_welfare_change) <= 1e-12 * \
            max(1.0, abs(row.target_welfare_change))
    bad = client.post("/api/v1/brief", json={"target": "CAN", "against": "USA",
                                             "model": "nope"})
    assert bad.status_code == 422
