"""Pages that fit: every tab of the web app and the HTML brief, at 1400 px and at 390 px.

After each tab has run, the document is no wider than the window and no element ends
right of it, except inside a box that scrolls on its own (wide tables); the world map
fills its box at phone width and draws every country, the ones not modelled on their own
shaded as "rest of world". Skipped without playwright or chromium, like the other
browser tests. ``MIDDLEPOWER_SCREENSHOTS=docs/img`` saves the screenshots of
``docs/img/app-*.png`` and ``docs/img/brief-*.png``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

SHOTS = os.environ.get("MIDDLEPOWER_SCREENSHOTS")
WIDTHS = (1400, 390)

#: Each tab, opened by its link (the page runs the tab's question on load).
APP_VIEWS = {
    "brief": "/?bands=0",
    "coalitions": "/?view=coalitions&cands={cands}",
    "leverage": "/?view=leverage&countries={lev}",
    "scenario": "/?view=scenario",
    "game": "/?view=game&coals=GBR,{coal}",
    "story": "/?view=story&pickst=0",
}
#: Per dataset: coalition candidates, leverage economies (every economy on world2023,
#: the widest matrix; eight on wiod2014, where all 44 take minutes), a game coalition.
DATASETS = {
    "world2023": {"cands": "EU27,GBR,JPN", "lev": "", "coal": "EU27%2BJPN"},
    "wiod2014": {"cands": "DEU,GBR,JPN", "lev": "USA,CHN,DEU,CAN,MEX,JPN,KOR,GBR",
                 "coal": "DEU%2BJPN"},
}
#: Screenshots kept in docs/img (few, so that the repository stays small).
APP_SHOTS = {("world2023", "brief", 390), ("world2023", "coalitions", 390),
             ("world2023", "leverage", 390), ("wiod2014", "brief", 390)}

# Every element whose right edge passes the window, unless an ancestor that scrolls
# sideways on its own (overflow-x auto/scroll) holds it and itself fits.
OVERFLOW_JS = """() => {
  const W = window.innerWidth, bad = [];
  const held = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll') && p.getBoundingClientRect().right <= W + 1) return true;
    }
    return false;
  };
  const name = (e) => {
    const c = typeof e.className === 'string' ? e.className : (e.className.baseVal || '');
    return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (c ? '.' + c.split(' ')[0] : '');
  };
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > W + 1 && !held(e))
      bad.push(name(e) + ' ends at ' + Math.round(r.right) + ' px');
  }
  return { width: document.documentElement.scrollWidth, inner: W, bad: bad.slice(0, 6) };
}"""

# The map's drawn countries: how many, and the box they cover inside the chart.
MAP_JS = """(sel) => {
  const box = document.querySelector(sel), paths = box.querySelectorAll('g.mark-shape path');
  let l = Infinity, r = -Infinity, t = Infinity, b = -Infinity;
  for (const p of paths) {
    const q = p.getBoundingClientRect();
    if (!q.width) continue;
    l = Math.min(l, q.left); r = Math.max(r, q.right);
    t = Math.min(t, q.top); b = Math.max(b, q.bottom);
  }
  const svg = box.querySelector('svg').getBoundingClientRect();
  return { paths: paths.length, drawn_w: r - l, drawn_h: b - t, box_w: box.clientWidth,
           svg_h: svg.height,
           legend: Array.from(box.querySelectorAll('g.role-legend text'), (x) => x.textContent) };
}"""


def _fits(pg, what: str) -> None:
    got = pg.evaluate(OVERFLOW_JS)
    assert got["width"] <= got["inner"] and not got["bad"], (
        f"{what}: the page is {got['width']} px wide in a {got['inner']} px window; "
        f"too wide: {got['bad']}")


def _countries_on_the_map() -> int:
    """Countries of the shipped world map, Antarctica left out (no economy, no trade)."""
    path = resources.files("middlepower").joinpath("report/_assets/countries-110m.json")
    shapes = json.loads(path.read_text())["objects"]["countries"]["geometries"]
    return sum(1 for g in shapes if g.get("id") != "010")


def _map_is_readable(pg, sel: str, width: int, what: str) -> None:
    """Every country drawn (the rest of the world shaded and labelled), and the map
    filling its box's width without a tall empty band around it."""
    m = pg.evaluate(MAP_JS, sel)
    assert m["paths"] == _countries_on_the_map(), f"{what}: {m['paths']} countries drawn"
    assert any("rest of world" in t for t in m["legend"]), f"{what}: legend {m['legend']}"
    assert m["drawn_w"] >= 0.85 * m["box_w"], f"{what}: map {m['drawn_w']:.0f} px wide " \
        f"in a {m['box_w']} px box"
    assert m["svg_h"] <= m["drawn_h"] + 140, f"{what}: map {m['drawn_h']:.0f} px tall in " \
        f"a {m['svg_h']:.0f} px chart"
    if width < 500:
        assert m["drawn_w"] >= 0.8 * width


def _shot(pg, name: str, full: bool = True) -> None:
    """Save a screenshot; with Pillow, in 256 colours (a third of the bytes)."""
    if not SHOTS:
        return
    path = Path(SHOTS) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(path), full_page=full)
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("data", list(DATASETS))
@pytest.mark.parametrize("view", list(APP_VIEWS))
def test_app_tab_fits_the_window(browser, live_server: str, view: str, data: str,
                                 width: int) -> None:
    pg = browser.new_page(viewport={"width": width, "height": 900})
    pg.set_default_timeout(120_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        url = APP_VIEWS[view].format(**DATASETS[data]) + f"&data={data}"
        pg.goto(live_server + url)
        pg.wait_for_selector("body[data-ready='1']")
        pg.wait_for_timeout(200)   # charts settle on their container's width
        assert pg.is_hidden("#error"), pg.inner_text("#error")
        assert not errors
        _fits(pg, f"{view} tab on {data} at {width} px")
        if view == "brief":
            _map_is_readable(pg, "#map", width, f"the app's map on {data} at {width} px")
        if (data, view, width) in APP_SHOTS:
            _shot(pg, f"app-{view}{'' if data == 'world2023' else '-' + data}-{width}.png")
    finally:
        pg.close()


@pytest.fixture(scope="module")
def brief_pages(tmp_path_factory) -> dict[str, Path]:
    """``middlepower brief CAN --against USA --html ...`` on world2023 and wiod2014."""
    out = tmp_path_factory.mktemp("briefs")
    exe = Path(sys.executable).with_name("middlepower")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "middlepower.cli"]
    pages = {}
    for data in DATASETS:
        pages[data] = out / f"brief-{data}.html"
        subprocess.run([*cmd, "brief", "CAN", "--against", "USA", "--data", data, "--bands",
                        "0", "--html", str(pages[data])], check=True, capture_output=True,
                       timeout=120, env={**os.environ, "NO_COLOR": "1"})
    return pages


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("data", list(DATASETS))
def test_brief_page_fits_the_window(browser, brief_pages, data: str, width: int) -> None:
    pg = browser.new_page(viewport={"width": width, "height": 900})
    try:
        pg.goto(brief_pages[data].as_uri())
        pg.wait_for_selector("#chart-map svg g.mark-shape path")
        pg.wait_for_selector("#chart-bars svg")
        what = f"the {data} brief page at {width} px"
        _fits(pg, what)
        _map_is_readable(pg, "#chart-map", width, what)
        # every response the map can show
        for value in pg.eval_on_selector_all("#map-response option", "os => os.map(o => o.value)"):
            pg.select_option("#map-response", value)
            pg.wait_for_timeout(100)
            _fits(pg, f"{what}, map of {value}")
        pg.select_option("#map-response", index=0)
        pg.wait_for_timeout(100)
        if SHOTS:   # the top and the map: a whole phone-width page is 10,000 px tall
            pg.locator("#map").scroll_into_view_if_needed()
            _shot(pg, f"brief-{data}-{width}.png", full=False)
    finally:
        pg.close()
