"""The page in a real browser: Debian's chromium driven by Playwright.

Skipped, with the reason, when the ``playwright`` package or ``/usr/bin/chromium`` is
missing (``.ci/run`` installs chromium). Set ``MIDDLEPOWER_SCREENSHOTS=docs/img`` to save
the screenshots shown in the documentation.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = os.environ.get("MIDDLEPOWER_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium)",
                allow_module_level=True)

SHOTS = os.environ.get("MIDDLEPOWER_SCREENSHOTS")


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records every request it makes and every script error."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    pg.requests, pg.errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector("body[data-ready='1']")


def _run(pg) -> None:
    """Press Run and wait for the answer (the status line empties when it arrives)."""
    pg.evaluate("document.body.dataset.ready = ''")
    pg.click("#run")
    pg.wait_for_selector("body[data-ready='1']")


def _shot(pg, name: str, full: bool = True) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(Path(SHOTS) / name), full_page=full)


def _api_give_in(base: str, target: str, against: str, tariff: float) -> float:
    r = httpx.post(f"{base}/api/v1/brief", json={"target": target, "against": against,
                                                 "tariff": tariff, "bands": 50}, timeout=30)
    return next(x for x in r.json()["responses"] if x["name"] == "give in")["target_welfare_pct"]


def _shown(v: float) -> str:
    return f"{v:+.2f}%".replace("-", "\u2212")


def test_brief_matches_the_api_and_the_map_is_drawn(page, live_server: str) -> None:
    _open(page, live_server + "/")
    assert page.input_value("#target") == "CAN" and page.input_value("#against") == "USA"
    assert page.inner_text("#headline-number") == _shown(_api_give_in(live_server, "CAN",
                                                                      "USA", 0.25))
    assert page.locator("#map svg path").count() > 150   # the world's countries
    assert page.locator("#chart-responses svg").count() == 1
    _shot(page, "brief.png")

    page.fill("#target", "MEX")
    page.fill("#tariff", "30")
    _run(page)
    assert page.is_hidden("#error")
    want = _api_give_in(live_server, "MEX", "USA", 0.30)
    assert float(page.get_attribute("#headline-number", "data-value")) == pytest.approx(want)
    assert page.inner_text("#headline-number") == _shown(want)
    assert "Mexico" in page.inner_text("#headline")
    host = urlparse(live_server).netloc
    assert all(urlparse(u).netloc in (host, "") for u in page.requests), page.requests
    assert not page.errors


def test_shared_url_reproduces_the_view(page, browser, live_server: str) -> None:
    _open(page, live_server + "/")
    page.fill("#target", "JPN")
    page.fill("#against", "CHN")
    page.fill("#tariff", "40")
    _run(page)
    page.select_option("#map-response", "retaliate")
    url, number = page.url, page.inner_text("#headline-number")
    assert "target=JPN" in url and "tariff=40" in url and "response=retaliate" in url

    other = browser.new_page()
    _open(other, url)
    assert other.input_value("#target") == "JPN" and other.input_value("#tariff") == "40"
    assert other.inner_text("#headline-number") == number
    assert other.input_value("#map-response") == "retaliate"
    other.close()


def test_bad_code_shows_the_error_escaped(page, live_server: str) -> None:
    _open(page, live_server + "/")
    before = page.inner_text("#headline-number")
    page.fill("#target", "XXX")
    _run(page)
    assert page.is_visible("#error")
    assert "unknown country 'XXX'" in page.inner_text("#error")
    assert page.inner_text("#headline-number") == before   # the last good answer stays
    _shot(page, "error.png", full=False)

    evil = '<img src=x onerror="window.__xss=1">'
    page.fill("#target", evil)
    _run(page)
    assert evil in page.inner_text("#error")               # shown as text
    assert page.locator("#error img").count() == 0
    assert page.evaluate("window.__xss") is None


def test_coalition_explorer(page, live_server: str) -> None:
    _open(page, live_server + "/?view=coalitions&cands=EU27,GBR,JPN")
    assert page.locator("#coalition-table tbody tr").count() == 8
    assert page.locator("#chart-shapley svg").count() == 1
    assert "Every member gains" in page.inner_text("#stay-out") or \
        "rather stay out" in page.inner_text("#stay-out")
    page.locator("#coalition-table tbody tr").nth(2).click()
    page.wait_for_function("location.search.includes('pick=')")
    _shot(page, "coalitions.png")
    with page.expect_download() as dl:
        page.click(".dl[data-table='coalitions'] button:text('CSV')")
    text = Path(dl.value.path()).read_text()
    assert text.splitlines()[0].startswith("coalition,partners")


def test_leverage_and_scenario_views(page, live_server: str) -> None:
    _open(page, live_server + "/?view=leverage&countries=USA,CHN,EU27,CAN,MEX,JPN,KOR,GBR")
    assert page.locator("#chart-heatmap svg path, #chart-heatmap svg rect").count() > 0
    assert "28 trade wars solved" in page.inner_text("#lev-progress-text")
    _shot(page, "leverage.png")

    page.click("#tab-scenario")
    page.fill("#yaml", "name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 25}\n")
    page.click("#validate-yaml")
    page.wait_for_selector("#yaml-errors li")
    assert "line 3" in page.inner_text("#yaml-errors")
    page.fill("#yaml", "name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n")
    page.evaluate("document.body.dataset.ready = ''")
    page.click("#run-yaml")
    page.wait_for_function("document.querySelectorAll('#solve-table tbody tr').length > 0")
    assert page.locator("#scenario-map svg path").count() > 150
    _shot(page, "scenario.png")


def test_phone_layout_has_no_horizontal_scroll(browser, live_server: str) -> None:
    pg = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    _open(pg, live_server + "/")
    assert pg.inner_text("#headline-number").endswith("%")
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(pg, "phone.png", full=False)
    pg.close()


def _post_job(base: str, path: str, body: dict) -> dict:
    """Run a job on the live server (its answer is cached there) and return the result."""
    job = httpx.post(f"{base}{path}", json=body, timeout=30).json()
    while job["status"] in ("queued", "running"):
        job = httpx.get(f"{base}{job['status_url']}", timeout=30).json()
    return httpx.get(f"{base}{job['result_url']}", timeout=30).json()


def test_tariff_game_view(page, live_server: str) -> None:
    _open(page, live_server + "/?view=game&coals=GBR,EU27%2BJPN")
    want = _post_job(live_server, "/api/v1/game/say-no", {
        "data": "world2023", "target": "CAN", "against": "USA",
        "coalitions": ["GBR", "EU27+JPN"], "objective": "total"})
    assert page.inner_text("#sayno-sentence") == want["sentence"]
    assert page.locator("#sayno-table tbody tr").count() == 5
    assert "Nash war with EU27+JPN" in page.inner_text("#sayno-table")
    assert page.locator("#chart-sayno svg").count() == 1
    src = page.get_attribute("#curves-img", "src")
    assert page.is_visible("#curves-img") and src.startswith("data:image/svg+xml")
    assert "tariff war's end: USA" in page.inner_text("#curves-what")
    assert not page.errors
    _shot(page, "game.png")

    page.fill("#target", "XXX")
    page.click("#run-game")
    page.wait_for_selector("#error:not([hidden])")
    assert "unknown country 'XXX'" in page.inner_text("#error")


def test_paste_a_story_view(page, live_server: str) -> None:
    _open(page, live_server + "/?view=story")
    assert page.locator("#suggestions li.suggestion").count() >= 2  # the example story
    evil = '<img src=x onerror="window.__xss=1">'
    story = (f"The United States imposed a 25% tariff on Canadian steel {evil}. Ottawa said "
             "it would retaliate. Japan and the European Union signed a trade deal.")
    page.fill("#story", story)
    page.evaluate("document.body.dataset.ready = ''")
    page.click("#run-story")
    page.wait_for_selector("#suggestions li.suggestion")
    page.wait_for_function("!document.querySelector('#run').disabled")
    text = page.inner_text("#suggestions")
    assert "USA tariff on CAN (25%, steel)" in text and evil in text    # escaped, as text
    assert page.locator("#suggestions img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.locator("#suggestions mark").count() >= 2                # cues highlighted
    first = page.locator("#suggestions li.suggestion", has_text="USA tariff on CAN")
    first.locator("button.run-suggestion").click()
    page.wait_for_function("document.querySelectorAll('#story-table tbody tr').length > 0")
    assert page.locator("#story-map svg path").count() > 150
    assert "pickst=" in page.url and "Canada" in page.inner_text("#story-table")
    _shot(page, "story.png")

    page.evaluate("document.querySelector('#story').value = 'a'.repeat(100001)")
    page.click("#run-story")
    page.wait_for_selector("#error:not([hidden])")
    assert "at most 100,000" in page.inner_text("#error")


def test_sectors_exempt_share_and_job_progress(page, live_server: str) -> None:
    _open(page, live_server + "/?data=cp1993&sectors=steel,autos&exempt=30&bands=0")
    assert page.is_hidden("#error"), page.inner_text("#error")
    assert any("/api/v1/brief/jobs" in u for u in page.requests)        # a job, not a wait
    labels = page.eval_on_selector_all("#sectors optgroup", "gs => gs.map(g => g.label)")
    assert labels == ["Common names", "Sectors"]                         # aliases first
    assert page.eval_on_selector_all("#bands option", "os => os.map(o => o.value)") == [
        "0", "10", "20"]
    assert page.is_visible("#sector-panel")
    assert page.locator("#chart-sectors svg path").count() >= 10
    want = httpx.post(f"{live_server}/api/v1/brief", timeout=60, json={
        "data": "cp1993", "target": "CAN", "against": "USA", "tariff": 0.25, "bands": 0,
        "sectors": ["steel", "autos"], "exempt": 0.3}).json()
    assert want["taxed_sectors"] == ["basic_metals", "auto"]
    give = next(r for r in want["responses"] if r["name"] == "give in")
    assert float(page.get_attribute("#headline-number", "data-value")) == pytest.approx(
        give["target_welfare_pct"])
    assert "30%" in page.inner_text("#sector-what")
    _shot(page, "sectors.png")


def test_brief_as_of_a_date(page, live_server: str) -> None:
    _open(page, live_server + "/?asof=2026-01-20&bands=0")
    assert page.input_value("#as-of") == "2026-01-20"
    assert page.get_attribute("#as-of", "min") == "2025-01-01"
    assert "US tariffs in force on 2026-01-20" in page.inner_text("#notes li:first-child")
    want = httpx.post(f"{live_server}/api/v1/brief", timeout=30, json={
        "data": "world2023", "target": "CAN", "against": "USA", "tariff": 0.25, "bands": 0,
        "as_of": "2026-01-20"}).json()
    give = next(r for r in want["responses"] if r["name"] == "give in")
    assert page.inner_text("#headline-number") == _shown(give["target_welfare_pct"])
    page.select_option("#as-of-step", "2025-04-05")
    assert page.input_value("#as-of") == "2025-04-05"
