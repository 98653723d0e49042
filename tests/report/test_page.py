"""The brief's page and the terminal: one valid document, human labels, clipped colours,
tables led by the actors, leverage read one way, bands in every export."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import middlepower as mp
from middlepower.cli import app
from middlepower.report.html import colour_limit
from middlepower.report.outliers import flag
from middlepower.report.tables import actors, ordered, oriented_leverage
from middlepower.report.text import human_pct, money

_VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}


class _Checker(HTMLParser):
    """Counts documents, collects ids and checks that every element closes in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.tags: dict[str, int] = {}
        self.errors: list[str] = []
        self.meta: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if "id" in a:
            self.ids.append(str(a["id"]))
        if tag == "meta":
            self.meta.append(a)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] not in ("script", "style"):
            self.text.append(data)


@pytest.fixture(scope="module")
def brief():
    return mp.brief(mp.load("world2023"), "CAN", against="USA", bands=4)


def test_brief_page_is_one_valid_document(brief):
    page = brief.to_html()
    p = _Checker()
    p.feed(page)
    p.close()
    assert p.errors == [] and p.stack == []
    assert p.tags["html"] == p.tags["head"] == p.tags["body"] == 1
    assert len(p.ids) == len(set(p.ids)), "repeated id"
    assert {"chart-map", "chart-bars", "map-response", "headline"} <= set(p.ids)
    assert any(m.get("name") == "viewport" for m in p.meta)
    assert page.count("<html") == 1 and "<!DOCTYPE html>" in page


def test_brief_page_speaks_human(brief):
    page = brief.to_html()
    p = _Checker()
    p.feed(page)
    text = " ".join(p.text)
    for leak in ("_pct", "True", "False", "-0.00", "nan", "inf"):
        assert not re.search(rf"(?<![\w-]){re.escape(leak)}(?!\w)", text), leak
    assert "USD" in text and "Glossary" in text and "Caveats" in text
    assert brief.version in text and brief.created in text
    assert "5-95% band" in text                               # bands shown in the table
    # the selector starts on the first response and sits in the map's section
    first = re.search(r"<select id='map-response'><option value='option_0' selected>"
                      r"give in</option>", page)
    assert first is not None
    assert page.index("map-response") < page.index("id='chart-map'")


def test_brief_json_has_words_and_dollars(brief):
    d = json.loads(brief.to_json())
    assert d["method"] and d["caveats"] and "real GDP" in d["glossary"]
    give = next(r for r in d["responses"] if r["name"] == "give in")
    assert give["target_welfare_change"] == pytest.approx(
        give["target_welfare_pct"] / 100 * d["spending"]["target"])
    assert -45 < give["target_welfare_change"] < -35              # about USD 40 bn
    assert d["agreements"]["coalition"]["new"]                       # some pairs are new
    assert all("(" in x for x in d["agreements"]["coalition"]["in_force"])


def test_best_coalition_is_never_worse_than_the_coalition_response(brief):
    own = brief.responses.loc["coalition", "target_welfare_pct"]
    assert brief.coalitions.iloc[0].target_welfare_pct >= own - 1e-9


def test_colour_limit_ignores_one_outlier():
    v = pd.DataFrame({"a": np.r_[np.linspace(-1, 1, 99), 40.0]})
    assert colour_limit(v) < 2 and colour_limit(pd.DataFrame({"a": [0.0, 0.001]})) == 0.05


def test_formats():
    assert human_pct(-0.0004) == "0.00%" and human_pct(1.234) == "+1.23%"
    assert money(-1.89, 2137.8, "USD bn") == "-USD 40 bn"
    # a small amount keeps two decimals, so a gain of USD 20 million is not "USD 0.0 bn"
    assert money(0.02, 100, "USD bn") == "USD 0.02 bn"
    assert money(-0.001, 100, "USD bn") == "USD 0.00 bn"   # no "-0.00"


def test_tables_lead_with_actors():
    world = mp.load("world2023")
    sh = [mp.tariff(by="USA", on=["EU27", "GBR", "NOR"], rate=0.25)]
    assert actors(world, sh) == ["USA", "EU27", "GBR", "NOR"]
    many = [mp.tariff(by="USA", on=c, rate=0.1) for c in ("CAN", "MEX", "CHN", "JPN", "KOR",
                                                          "VNM", "IND")]
    many += [mp.tariff(by=c, on="USA", rate=0.1) for c in ("CAN", "MEX", "CHN", "JPN", "KOR",
                                                           "VNM", "IND")]
    assert actors(world, many) == ["USA"]
    c = pd.DataFrame({"welfare_pct": [0.1, -7.0, 2.0, 0.5]}, index=["USA", "VNM", "HKG", "CAN"])
    assert ordered(c, ["USA"], 2) == ["USA", "VNM", "HKG"]


def test_outlier_flags_and_hub_netting():
    world = mp.load("world2023")
    flags = flag(world)
    assert "VNM" in flags and "HKG" not in flags      # Hong Kong's re-exports are netted
    s = world.summary().loc["HKG"]
    assert s.deficit / s.output == pytest.approx(0.15, abs=0.01)


def test_leverage_is_read_one_way():
    t = pd.DataFrame({"a": ["USA", "MEX", "X"], "b": ["CAN", "HKG", "Y"],
                      "loss_a": [0.05, 0.02, -0.1], "loss_b": [1.8, -0.01, 0.3]})
    o = oriented_leverage(t)
    row = o.set_index("stronger").loc["USA"]
    assert row.weaker == "CAN" and row.ratio == pytest.approx(36.0)
    assert o.ratio.isna().sum() == 2                    # a side gains: no ratio
    assert (o.gap_pp >= 0).all() and np.isfinite(o.drop(columns="ratio")
                                                  .select_dtypes("number")).all().all()


def test_terminal_fits_80_columns_and_words_the_balance(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.startswith("middlepower ")
    r = runner.invoke(app, ["show", "VNM"], env={"COLUMNS": "80"})
    assert "goods trade surplus" in r.stdout and "-" not in r.stdout.split("surplus")[1][:20]
    csv = tmp_path / "c.csv"
    r = runner.invoke(app, ["coalition", "CAN", "--against", "USA", "--candidates",
                            "EU27,GBR,MEX", "--no-shapley", "--csv", str(csv)],
                      env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.stdout
    assert "…" not in r.stdout and max(map(len, r.stdout.splitlines())) <= 80
    assert "(" not in pd.read_csv(csv).partners.iloc[0]    # not a Python tuple
    out = tmp_path / "r.csv"
    r = runner.invoke(app, ["run", "examples/us_vs_europe.yaml", "--bands", "3", "--csv",
                            str(out)], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.stdout
    assert "…" not in r.stdout and max(map(len, r.stdout.splitlines())) <= 80
    assert {"welfare_pct_p5", "welfare_pct_p95"} <= set(pd.read_csv(out).columns)
