"""The built site at a phone's width (390 px) and a desktop's (1280 px), in headless Chromium.

* No page scrolls sideways at 390 px (long inline code wraps; figures fit).
* The flagship widgets: screenshots of each at both widths go to _build/screenshots/ (look at them);
  every number of the live widgets is drawn in cells at least 24 px wide with text of at least 11 px,
  every control is on screen, and plotly's toolbar is hidden on a phone (it covered buttons).
* The live widgets in the built pages compute what lstmlib computes (a smoke test; tests/test_live_js.py
  checks the arithmetic on random inputs).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest_site import SITE, browser, build_book, server  # noqa: F401  (fixtures are used by name)
from test_site import open_page, pages

SHOTS = SITE.parent / "screenshots"
WIDGET_PAGES = {"xo": "book/part1/03-convolution.html", "gradients": "book/part3/01-vanishing-gradients.html",
                "stepper": "book/part3/03-stepping-through-an-lstm.html"}
PHONE, DESKTOP = 390, 1280


def open_at(browser, server, rel, width):
    page, errors, foreign = open_page(browser, server, SITE / rel)
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(400)                  # plotly's responsive figures redraw after a resize
    return page, errors


def test_no_page_scrolls_sideways_on_a_phone(browser, server):
    wide = []
    ctx = browser.new_context(viewport={"width": PHONE, "height": 800})
    for path in pages():
        page = ctx.new_page()
        page.goto(f"{server}/{path.relative_to(SITE).as_posix()}", wait_until="networkidle")
        page.evaluate("window.lstmlibPlots ? window.lstmlibPlots.then(() => true) : true")
        page.wait_for_timeout(200)
        sw = page.evaluate("document.documentElement.scrollWidth")
        if sw > PHONE + 1:
            culprit = page.evaluate(f"""() => Array.from(document.querySelectorAll('article *'))
                .filter(e => e.getBoundingClientRect().right > {PHONE} + 1 && e.children.length === 0)
                .slice(0, 3).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))""")
            wide.append(f"{path.relative_to(SITE)}: {sw} px wide ({culprit})")
        page.close()
    ctx.close()
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", list(WIDGET_PAGES))
def test_flagship_widgets_are_legible(browser, server, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = open_at(browser, server, WIDGET_PAGES[name], width)
    target = page.locator(".lstmlib-live").first if name != "gradients" else \
        page.locator("div.plotly-graph-div").filter(has=page.locator(".slider-rail-rect")).first
    target.scroll_into_view_if_needed()
    page.add_style_tag(content=".bd-header, .skip-link, .header-article, .bd-header-article { visibility: hidden !important; }")
    target.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
    box = target.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"{name} is wider than the screen"
    if name != "gradients":
        cells = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.lstmlib-live .lstmlib-cell, .lstmlib-live .lstmlib-steps td')).map(c => {
              const r = c.getBoundingClientRect(), s = getComputedStyle(c);
              return [r.width, r.height, parseFloat(s.fontSize), c.scrollWidth > c.clientWidth + 1];
            })""")
        assert cells
        w, h, font, overflow = np.array(cells, dtype=float).T
        assert w.min() >= 24 and h.min() >= 20, f"{name}: cells of {w.min():.0f}x{h.min():.0f} px"
        assert font.min() >= 11, f"{name}: text of {font.min()} px"
        assert not overflow.any(), f"{name}: {int(overflow.sum())} numbers do not fit their cells"
    controls = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.lstmlib-live select, .lstmlib-live input, .lstmlib-live button, .updatemenu-button'))
        .map(c => c.getBoundingClientRect()).map(r => [r.left, r.right])""")
    off = [c for c in controls if c[0] < -1 or c[1] > width + 1]
    assert not off, f"{name}: {len(off)} controls off the screen at {width} px"
    if width == PHONE:
        assert page.evaluate("""() => Array.from(document.querySelectorAll('.modebar-container'))
            .every(m => getComputedStyle(m).display === 'none')"""), "plotly's toolbar is shown on a phone"
    assert errors == []


def test_xo_page_computes_what_lstmlib_computes(browser, server):
    from lstmlib.widgets.xo import xo_images, xo_state
    page, errors = open_at(browser, server, WIDGET_PAGES["xo"], DESKTOP)
    root = page.locator(".lstmlib-xo")
    root.locator("select[aria-label='image']").select_option("O")
    root.locator("select[aria-label='padding P']").select_option("1")
    root.locator(".lstmlib-image button[data-i='5'][data-j='5']").click()   # pixel (4, 4) of the image
    x = xo_images()["O"].copy()
    x[4, 4] = -x[4, 4]
    root.locator("button", has_text="whole map").click()
    got = page.evaluate("""() => Array.from(document.querySelectorAll('.lstmlib-panel')[3]
        .querySelectorAll('[data-v]')).map(c => +c.dataset.v)""")
    want = xo_state(x, "diagonal \\", 80, 1, 1)["map"]
    assert np.max(np.abs(np.array(got).reshape(9, 9) - want)) <= 1e-12
    assert errors == []


TEXT_BOXES = """() => Array.from(document.querySelectorAll('div.plotly-graph-div')).map((gd, k) => {
  const g = gd.getBoundingClientRect();
  const texts = Array.from(gd.querySelectorAll('.main-svg text')).filter(t => t.textContent.trim() &&
      getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none' &&
      !t.closest('.hoverlayer') && !t.closest('.modebar'))
    .map(t => { const r = t.getBoundingClientRect();
                return {s: t.textContent.trim().slice(0, 30), x0: r.left, x1: r.right, y0: r.top, y1: r.bottom}; })
    .filter(b => b.x1 - b.x0 > 0.5 && b.y1 - b.y0 > 0.5);
  return {k: k, id: gd.id, box: [g.left, g.right, g.top, g.bottom], texts: texts};
})"""


def text_problems(figs, width):
    """Pairs of text boxes that overlap by more than a third of the smaller one, and text cut at the
    figure's (or the screen's) edge."""
    out = []
    for fig in figs:
        gl, gr, gt, gb = fig["box"]
        right = min(gr, width)
        ts = fig["texts"]
        for t in ts:
            if t["x0"] < max(gl, 0) - 2 or t["x1"] > right + 2 or t["y0"] < gt - 2 or t["y1"] > gb + 2:
                out.append(f"figure {fig['k']}: '{t['s']}' is cut at the edge")
        for a in range(len(ts)):
            for b in range(a + 1, len(ts)):
                p, q = ts[a], ts[b]
                w = min(p["x1"], q["x1"]) - max(p["x0"], q["x0"])
                h = min(p["y1"], q["y1"]) - max(p["y0"], q["y0"])
                if w > 0 and h > 0:
                    small = min((p["x1"] - p["x0"]) * (p["y1"] - p["y0"]), (q["x1"] - q["x0"]) * (q["y1"] - q["y0"]))
                    if w * h > small / 3:
                        out.append(f"figure {fig['k']}: '{p['s']}' overlaps '{q['s']}'")
    return out


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_figure_text_neither_overlaps_nor_is_cut(browser, server, width):
    """Every plotly figure of every page: measured text boxes, written to _build/screenshots/text-<width>.txt
    for a reader to look at. The flagship widget pages must be clean; elsewhere the report lists what is
    left to fix (figures of chapters other sessions own)."""
    report = []
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    for path in pages():
        html = path.read_text(encoding="utf-8")
        if "plotly-graph-div" not in html:
            continue
        page = ctx.new_page()
        page.goto(f"{server}/{path.relative_to(SITE).as_posix()}", wait_until="networkidle")
        page.evaluate("window.lstmlibPlots ? window.lstmlibPlots.then(() => true) : true")
        page.wait_for_timeout(300)
        report += [f"{path.relative_to(SITE)}: {p}" for p in text_problems(page.evaluate(TEXT_BOXES), width)]
        page.close()
    ctx.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"text-{width}.txt").write_text("\n".join(report) + "\n")
    mine = [r for r in report if any(r.startswith(p) for p in WIDGET_PAGES.values())]
    assert not mine, f"{len(mine)} text problems on the widget pages:\n" + "\n".join(mine)


def test_text_problems_finds_overlaps_and_cut_text():
    fig = {"k": 0, "box": [0, 300, 0, 200], "texts": [
        {"s": "a", "x0": 10, "x1": 50, "y0": 10, "y1": 20}, {"s": "b", "x0": 30, "x1": 70, "y0": 12, "y1": 22},
        {"s": "c", "x0": 280, "x1": 330, "y0": 50, "y1": 60}, {"s": "d", "x0": 100, "x1": 120, "y0": 100, "y1": 110}]}
    found = text_problems([fig], 1280)
    assert found == ["figure 0: 'c' is cut at the edge", "figure 0: 'a' overlaps 'b'"]
    assert text_problems([fig], 250)[0] == "figure 0: 'c' is cut at the edge"
