"""No user string can run script in an HTML report.

Payloads go in through every path a user controls: scenario and variant names, response
descriptions, country codes and names in a data file, the data source. The pages are
then opened in headless Chromium; a payload that ran would set ``data-pwned`` on
``<body>``. A control page with the payload left raw proves the check can see it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import middlepower as mp
from middlepower.report.html import _script_json, leverage_html, results_html

_SET = "document.body.setAttribute('data-'+'pwned','{tag}')"
PAYLOADS = {
    "close": "</script><script>" + _SET.format(tag="close") + "</script>",
    "upper": "</SCRIPT ><svg onload=\"" + _SET.format(tag="upper") + "\">",
    "img": "<img src=x onerror=\"" + _SET.format(tag="img") + "\">",
    "comment": "<!--<script>" + _SET.format(tag="comment") + "</script>",
    "attr": "'\"><svg onload=" + _SET.format(tag="attr").replace(" ", "") + ">",
    "lines": "\u2028\u2029</script>\u2028<script>" + _SET.format(tag="lines") + "</script>",
}
_RAN = re.compile(r"data-pwned=\"(\w+)\"")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")


def _dump_dom(browser: str, page: Path) -> str:
    """The page's DOM after its scripts ran (charts included), from headless Chromium."""
    out = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--virtual-time-budget=15000", f"--user-data-dir={page.parent}/"
         f"profile-{page.stem}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _hostile_world() -> mp.World:
    """Five economies whose codes and names carry the payloads."""
    codes = ["USA", "CAN", PAYLOADS["close"], PAYLOADS["upper"], "MEX"]
    names = ["United States", PAYLOADS["img"], PAYLOADS["comment"], PAYLOADS["lines"], "Mexico"]
    flows = np.array([[100.0, 10, 5, 3, 4], [8, 60, 6, 2, 3], [4, 7, 50, 1, 2],
                      [3, 2, 1, 40, 1], [5, 3, 2, 1, 70]])
    return mp.World.from_matrix(codes, flows, names=names, source=PAYLOADS["attr"],
                                unit=PAYLOADS["img"], year=2023)


def _pages(tmp: Path) -> dict[str, Path]:
    world = _hostile_world()
    pages: dict[str, Path] = {}
    b = mp.brief(world, PAYLOADS["close"], against="USA", tariff=0.25, bands=0,
                 diversify_with=["MEX"], coalition=["MEX", PAYLOADS["upper"]])
    pages["brief"] = tmp / "brief.html"
    b.to_html(pages["brief"])
    scenario = mp.Scenario(
        name=PAYLOADS["close"], description=PAYLOADS["img"],
        shocks=[mp.tariff(by="USA", on=PAYLOADS["upper"], rate=0.2)],
        variants={PAYLOADS["lines"]: {"description": PAYLOADS["comment"]},
                  PAYLOADS["attr"]: {"shocks": [mp.tariff(by="CAN", on="USA", rate=0.1)]},
                  "a.b[0]": {}})
    results = mp.solve_many(world, scenario.expand())
    pages["results"] = tmp / "results.html"
    pages["results"].write_text(results_html(world, results, scenario.name), encoding="utf-8")
    # a user's CSV: codes as written in the file
    csv = tmp / "flows.csv"
    rows = [("exporter", "importer", "value")]
    codes = ["USA", PAYLOADS["close"], PAYLOADS["img"]]
    for i, a in enumerate(codes):
        for j, c in enumerate(codes):
            rows.append((a, c, str(50.0 if i == j else 5.0 + i + j)))
    import csv as _csv

    with csv.open("w", newline="", encoding="utf-8") as fh:
        _csv.writer(fh).writerows(rows)
    w2 = mp.load(str(csv))
    lev = mp.coercion.leverage(w2, 0.25)
    pages["leverage"] = tmp / "leverage.html"
    pages["leverage"].write_text(leverage_html(lev, w2, PAYLOADS["close"]), encoding="utf-8")
    pages["control"] = tmp / "control.html"
    pages["control"].write_text("<!DOCTYPE html><html><body><p>raw</p>" + PAYLOADS["close"]
                                + "</body></html>", encoding="utf-8")
    return pages


def test_script_json_cannot_close_the_element() -> None:
    text = _script_json({"k": "</script><!--\u2028\u2029&"})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"k": "</script><!--\u2028\u2029&"}


def test_pages_escape_every_payload_in_markup(tmp_path: Path) -> None:
    """Without a browser: no payload appears raw anywhere in the page source."""
    for name, page in _pages(tmp_path).items():
        if name == "control":
            continue
        html = page.read_text(encoding="utf-8")
        for key, payload in PAYLOADS.items():
            assert payload not in html, f"{name}: payload {key!r} is in the page unescaped"
        assert "pwned','close')</script>" not in html


@pytest.mark.skipif(_chromium() is None,
                    reason="headless Chromium is not installed (apt-get install chromium)")
def test_no_payload_runs_in_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    pages = _pages(tmp_path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        doms = dict(zip(pages, pool.map(lambda p: _dump_dom(browser, p), pages.values()),
                        strict=True))
    assert _RAN.search(doms["control"]), "the control payload did not run: the check is blind"
    for name in ("brief", "results", "leverage"):
        dom = doms[name]
        ran = _RAN.search(dom)
        assert ran is None, f"{name}: payload {ran.group(1)!r} ran in Chromium"
        # the charts rendered, so the page's own scripts ran past every payload
        assert "<svg" in dom and "role=\"graphics-document\"" in dom, f"{name}: no chart"
    # variant names are labels of the map selector, shown as text, not used as field paths
    assert "a.b[0]" in doms["results"]
