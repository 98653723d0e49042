"""Scenarios and scenario files: validation, errors with file/line/field, the examples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import middlepower as mp
from middlepower import errors

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
YAMLS = sorted(EXAMPLES.glob("*.yaml"))


def _yaml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(text)
    return p


def test_positional_constructor_and_shocks():
    s = mp.Scenario("us25", [mp.tariff(by="USA", on="CAN", rate=0.25)])
    assert s.name == "us25" and s.shocks[0].rate == 0.25
    assert mp.Scenario(name="x").shocks == []


def test_shock_arrays(toy_tariffs):
    s = mp.Scenario("x", [mp.tariff(by="USA", on=["CAN", "MEX"], rate=0.3),
                          mp.tariff(by="CAN", on="USA", rate=0.1, add=True),
                          mp.embargo("CHN", "MEX"),
                          mp.agreement(form=["CAN", "CHN"], effect=0.5),
                          mp.trade_cost("USA", "CHN", 0.1)])
    a = s.arrays(toy_tariffs)
    usa, can, mex, chn = (toy_tariffs.index(c) for c in ("USA", "CAN", "MEX", "CHN"))
    assert a.tariffs[0][can, usa] == 0.3 and a.tariffs[0][mex, usa] == 0.3
    assert a.tariffs[0][usa, can] == pytest.approx(toy_tariffs.tariffs[usa, can] + 0.1)
    assert a.beta[0][chn, mex] == -np.inf and a.beta[0][mex, chn] == -np.inf
    assert a.beta[0][can, chn] == 0.5 and a.beta[0][chn, can] == 0.5
    assert a.log_dhat[0][usa, chn] == pytest.approx(np.log(1.1)) and a.log_dhat[0][chn, usa] == 0
    assert (np.diag(a.tariffs[0]) == 0).all()


def test_agreement_end_uses_shipped_estimate(world2023):
    a = mp.Scenario("end", [mp.agreement(end="USMCA")]).arrays(world2023)
    usa, can = world2023.index("USA"), world2023.index("CAN")
    assert a.beta[0][usa, can] == -mp.estimate.RTA_EFFECT.beta
    assert a.beta[0][usa, usa] == 0


def test_partial_effect_from_frame(toy):
    import pandas as pd

    table = pd.DataFrame({"exporter": ["AAA"], "importer": ["BBB"], "beta": [0.3]})
    a = mp.Scenario("p", [mp.partial_effect(table)]).arrays(toy)
    assert a.beta[0][0, 1] == 0.3 and a.beta.sum() == 0.3
    with pytest.raises(errors.ScenarioError, match="lacks column"):
        mp.partial_effect(table.rename(columns={"beta": "b"}))


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"rate": -0.1}, "negative"),
    ({"rate": 25}, "Did you mean 0.25"),
    ({"rate": float("nan")}, "finite"),
    ({"rate": "high"}, "valid number"),
    ({"rate": -1.5, "add": True}, "100%"),
])
def test_bad_rates(kwargs, pattern):
    with pytest.raises(errors.ScenarioError, match=pattern):
        mp.tariff(by="USA", on="CAN", **kwargs)


def test_tariff_cut_below_zero(toy_tariffs):
    s = mp.Scenario("cut", [mp.tariff(by="USA", on="CAN", rate=-0.9, add=True)])
    with pytest.raises(errors.ScenarioError, match=r"would be .* < 0"):
        s.arrays(toy_tariffs)


@pytest.mark.parametrize(("text", "pattern"), [
    ("name: x\nshocks:\n  - {type: tarif, by: USA, on: CAN, rate: 0.1}\n",
     r"s.yaml: line 3: shocks.0: unknown shock type 'tarif'"),
    ("name: x\nshocks:\n  - {type: tariff, by: USA, rate: 0.1}\n",
     r"line 3: shocks.0.on: required field missing"),
    ("name: x\nshocks:\n  - type: tariff\n    by: USA\n    on: CAN\n    rate: -3\n",
     r"line 6: shocks.0.rate: .*negative"),
    ("name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: lots}\n",
     r"line 3: shocks.0.rate: .*valid number"),
    ("name: x\nshocks: [\n", r"s.yaml: line \d+, column \d+: YAML syntax error"),
    ("shocks: []\n", r"name: required field missing"),
    ("name: x\ntheta: -1\n",
     r"line 2: theta: theta=-1(\.0)?: one trade elasticity .* must be a positive"),
    ("name: x\ndeficits: mult\n", r"line 2: deficits"),
    ("- just\n- a list\n", r"must be a mapping"),
    ("name: x\nshocks:\n  - {by: USA, on: CAN, rate: 0.1}\n", r"needs a 'type'"),
])
def test_yaml_errors_name_file_line_field(tmp_path, text, pattern):
    with pytest.raises(errors.ScenarioError, match=pattern):
        mp.Scenario.from_yaml(_yaml(tmp_path, text))


def test_yaml_unknown_country_names_line(tmp_path, world2023):
    text = ("name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.1}\n"
            "  - {type: tariff, by: USA, on: CANADA, rate: 0.1}\n")
    s = mp.Scenario.from_yaml(_yaml(tmp_path, text))
    with pytest.raises(errors.UnknownCountryError,
                       match=r"unknown country 'CANADA' in tariff.on "
                             r"\(s.yaml, line 4, shock 2 of 'x'\); did you mean 'CAN'"):
        s.check(world2023)


def test_yaml_variant_line_numbers(tmp_path, world2023):
    text = ("name: x\nshocks: []\nvariants:\n  a:\n    shocks:\n"
            "      - {type: embargo, between: [USA, XXX]}\n")
    s = mp.Scenario.from_yaml(_yaml(tmp_path, text))
    with pytest.raises(errors.UnknownCountryError, match=r"\(s.yaml, line 6, shock 1 of 'a'\)"):
        s.check(world2023)


def test_yaml_keeps_on_and_no_as_strings(tmp_path):
    s = mp.Scenario.from_yaml(_yaml(tmp_path, "name: x\nshocks:\n"
                                    "  - {type: tariff, by: NO, on: on, rate: 0.1}\n"))
    assert s.shocks[0].by == "NO" and s.shocks[0].on == "on"


def test_yaml_round_trip():
    s = mp.Scenario.from_yaml(EXAMPLES / "us_tariffs_on_canada.yaml")
    back = mp.Scenario.from_yaml_text(s.to_yaml())
    assert back.model_dump() == s.model_dump()


def test_json_schema_lists_shock_types():
    schema = mp.Scenario.json_schema()
    text = str(schema)
    for kind in ("tariff", "partial_effect", "agreement", "embargo", "trade_cost"):
        assert kind in text


def test_scenario_with_variants_needs_solve_many(world2023):
    s = mp.Scenario.from_yaml(EXAMPLES / "us_tariffs_on_canada.yaml")
    with pytest.raises(errors.ScenarioError, match="solve_many"):
        mp.solve(world2023, s)


@pytest.mark.parametrize("path", YAMLS, ids=[p.name for p in YAMLS])
def test_every_example_runs(path, world2023):
    s = mp.Scenario.from_yaml(path)
    world = world2023 if s.data in (None, "world2023") else mp.load(s.data)
    results = mp.solve_many(world, s, theta=s.theta, deficits=s.deficits or "additive")
    assert len(results) == max(1, len(s.variants))
    for r in results:
        assert r.converged and r.max_residual < 1e-9
        assert np.isfinite(r.countries.welfare_pct).all()


def test_seed_example_economics(world2023):
    s = mp.Scenario.from_yaml(EXAMPLES / "us_tariffs_on_canada.yaml")
    w = mp.solve_many(world2023, s).table("welfare_pct")
    assert w.loc["CAN", "give in"] < -0.5                       # Canada loses
    assert w.loc["USA", "retaliate"] < w.loc["USA", "give in"]  # retaliation hurts the US
    assert w.loc["CAN", "coalition"] > w.loc["CAN", "give in"]  # the coalition helps Canada
    lib = mp.Scenario.from_yaml(EXAMPLES / "liberation_day_2025.yaml")
    lw = mp.solve_many(world2023, lib).table("welfare_pct")
    assert lw.loc["USA", "reciprocal retaliation"] < lw.loc["USA", "no retaliation"]
    usmca = mp.Scenario.from_yaml(EXAMPLES / "usmca_ends.yaml")
    uw = mp.solve_many(world2023, usmca).table("welfare_pct")
    assert (uw.loc[["CAN", "MEX"]] < 0).all().all()
