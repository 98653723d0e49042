"""The brief's page in headless Chromium at phone width: nothing wider than the screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import middlepower as mp

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is not installed")
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
if not CHROMIUM:
    pytest.skip("no chromium (Debian: apt-get install chromium)", allow_module_level=True)


def test_brief_page_fits_a_phone(tmp_path):
    page_file = tmp_path / "brief.html"
    page_file.write_text(mp.brief(mp.load("world2023"), "CAN", against="USA", bands=0)
                         .to_html(), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 420, "height": 900})
        page.goto(page_file.as_uri())
        page.wait_for_selector("#game svg")
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    assert width <= 420, f"the page is {width} px wide on a 420 px screen"
