"""A trade elasticity outside the published range is refused at every door, with the range
and its source (issue 27, item 7c: ``theta: 1e-9`` returned a "converged" -4.1% for
Canada); a dataset's own per-sector elasticities still pass."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import middlepower as mp
from middlepower._elasticity import THETA_RANGE
from middlepower.cli import app

_SHOCK = [mp.tariff(by="USA", on="CAN", rate=0.25)]
_RANGE = r"between 0\.5 and 30 .*Eaton & Kortum 2002"


@pytest.mark.parametrize("theta", [1e-9, 0.49, 30.5, 1e6, float("nan")])
def test_api_refuses_theta_outside_range(world2023, theta) -> None:
    with pytest.raises(mp.errors.ParameterError, match=_RANGE):
        mp.solve(world2023, mp.Scenario("x", _SHOCK), theta=theta)


@pytest.mark.parametrize("theta", THETA_RANGE)
def test_range_ends_are_accepted(world2023, theta) -> None:
    r = mp.solve(world2023, mp.Scenario("x", _SHOCK), theta=theta)
    assert r.countries.loc["CAN", "welfare_pct"] < 0


def test_scenario_file_refuses_tiny_theta(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text("name: x\ntheta: 1.0e-9\nshocks:\n"
                                     "  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n")
    out = CliRunner().invoke(app, ["run", "t.yaml"])
    assert out.exit_code == 2
    assert "t.yaml: line 2: theta" in out.output and "between 0.5 and 30" in out.output
    assert "converged" not in out.output and "Traceback" not in out.output


def test_cli_flag_refuses_tiny_theta() -> None:
    out = CliRunner().invoke(app, ["brief", "CAN", "--against", "USA", "--theta", "1e-9",
                                   "--bands", "0"])
    assert out.exit_code == 2 and "between 0.5 and 30" in out.output, out.output


def test_mp_brief_refuses_tiny_theta(world2023) -> None:
    with pytest.raises(mp.errors.ParameterError, match=_RANGE):
        mp.brief(world2023, "CAN", against="USA", theta=1e-9, bands=0)


@pytest.mark.parametrize("name", ["cp1993", "wiod2014"])
def test_shipped_sector_elasticities_pass(name) -> None:
    """cp1993 reaches 64.85 (petroleum, Caliendo & Parro 2015), beyond the one-number range;
    its own elasticities, and draws of +-20% around them, must still solve."""
    world = mp.load(name)
    assert world.sector_theta is not None
    r = mp.solve(world, mp.Scenario("x", _SHOCK))
    assert r.countries.loc["CAN", "welfare_pct"] < 0
    drawn = mp.solve_many(world, [mp.Scenario("x", _SHOCK)] * 2,
                          theta=[world.sector_theta * 0.8, world.sector_theta * 1.2])
    assert len(drawn) == 2


@pytest.mark.parametrize("theta", THETA_RANGE)
def test_bands_at_the_range_ends_draw_inside_it(world2023, theta) -> None:
    """+-20% draws around theta = 30 would reach 36, which the range refuses: the band is
    cut to the range, so a brief with bands still runs at both ends."""
    from middlepower._elasticity import theta_band

    lo, hi = theta_band(theta)
    assert THETA_RANGE[0] <= lo < hi <= THETA_RANGE[1]
    b = mp.brief(world2023, "CAN", against="USA", theta=theta, bands=4)
    assert b.to_dict()["bands"]["theta_range"] == [lo, hi]
