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


# Every plotly figure of a page, measured in the browser: each text element (titles, annotations, legend
# entries, axis titles, tick labels, slider labels, button labels, text drawn on the data) as the four
# corners of its box on screen (rotated with the text: tilted tick labels are tilted boxes), the legend's
# box, the boxes of sliders and button rows, and points of the drawn data (lines sampled every 4 px,
# markers, bars, heat maps).
FIGURE_BOXES = (Path(__file__).with_name("figure_boxes.js")).read_text(encoding="utf-8")


def _clip(subject, clip):
    """Sutherland-Hodgman: the part of convex polygon ``subject`` inside convex polygon ``clip``
    (both lists of (x, y) corners in the same turning order)."""
    def side(p, a, b):
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    orient = 1.0 if _area_signed(clip) >= 0 else -1.0
    out = list(subject)
    for i in range(len(clip)):
        a, b = clip[i], clip[(i + 1) % len(clip)]
        inp, out = out, []
        for j in range(len(inp)):
            p, q = inp[j], inp[(j + 1) % len(inp)]
            sp, sq = orient * side(p, a, b), orient * side(q, a, b)
            if sp >= 0:
                out.append(p)
            if (sp >= 0) != (sq >= 0):
                u = sp / (sp - sq)
                out.append((p[0] + u * (q[0] - p[0]), p[1] + u * (q[1] - p[1])))
        if not out:
            return []
    return out


def _area_signed(poly):
    return 0.5 * sum(poly[i][0] * poly[(i + 1) % len(poly)][1] - poly[(i + 1) % len(poly)][0] * poly[i][1]
                     for i in range(len(poly)))


def _area(poly):
    return abs(_area_signed(poly)) if len(poly) >= 3 else 0.0


def _rect(r):
    x0, x1, y0, y1 = r
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


OVERLAP = 0.15   # of the smaller text's box: more than this is text drawn over text


def text_problems(figs, width):
    """What a reader would see as broken, figure by figure:

    * two texts whose boxes overlap by more than OVERLAP of the smaller one;
    * text cut at the figure's edge, or at the screen's right edge (a figure wider than a phone);
    * a legend drawn over a slider, a row of buttons, or the data (a curve, markers, bars, a heat map).
    """
    out = []
    for fig in figs:
        gl, gr, gt, gb = fig["box"]
        left, right = max(gl, 0), min(gr, width)
        ts = [dict(t, q=[tuple(c) for c in t["q"]]) for t in fig["texts"]]
        ts = [t for t in ts if _area(t["q"]) > 1]
        name = f"figure {fig['k']}"
        for t in ts:
            xs, ys = [c[0] for c in t["q"]], [c[1] for c in t["q"]]
            if min(xs) < left - 2 or max(xs) > right + 2 or min(ys) < gt - 2 or max(ys) > gb + 2:
                out.append(f"{name}: {t['kind']} '{t['s']}' is cut at the edge")
        for a in range(len(ts)):
            for b in range(a + 1, len(ts)):
                p, q = ts[a], ts[b]
                inter = _area(_clip(p["q"], q["q"]))
                if inter > OVERLAP * min(_area(p["q"]), _area(q["q"])):
                    out.append(f"{name}: {p['kind']} '{p['s']}' overlaps {q['kind']} '{q['s']}'")
        leg = fig.get("legend")
        if leg:
            x0, x1, y0, y1 = leg
            for blk in fig.get("blocks", []):
                if _area(_clip(_rect(leg), _rect(blk["r"]))) > 4:
                    out.append(f"{name}: the legend overlaps the {blk['s']}")
            inside = sum(1 for x, y in fig.get("points", []) if x0 + 2 < x < x1 - 2 and y0 + 2 < y < y1 - 2)
            covered = sum(1 for r in fig.get("areas", []) if _area(_clip(_rect(leg), _rect(r))) > 4)
            if inside or covered:
                out.append(f"{name}: the legend covers the data ({inside} points, {covered} bars or maps)")
    return out


def measure_pages(browser, server, width, paths=None):
    """text_problems of every page with a figure at ``width`` px, as report lines 'page: problem'."""
    report = []
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    for path in paths or pages():
        if "plotly-graph-div" not in path.read_text(encoding="utf-8"):
            continue
        page = ctx.new_page()
        page.goto(f"{server}/{path.relative_to(SITE).as_posix()}", wait_until="networkidle")
        page.evaluate("window.lstmlibPlots ? window.lstmlibPlots.then(() => true) : true")
        page.wait_for_timeout(300)
        report += [f"{path.relative_to(SITE)}: {p}" for p in text_problems(page.evaluate(FIGURE_BOXES), width)]
        page.close()
    ctx.close()
    return report


# Figures known to be broken still, (page, figure, width) -> why. The test fails on any other problem, and
# on an entry here that is no longer broken (take it out). Every figure has been fixed: keep it empty.
KNOWN: dict = {}


def unexpected(report, width, known=None):
    """Report lines not covered by ``known`` (default KNOWN), and its entries of this width with nothing to
    report."""
    known = KNOWN if known is None else known
    def key(line):
        page, rest = line.split(": ", 1)
        return page, int(rest.split(":")[0].split()[1])
    found = {key(r) for r in report}
    new = [r for r in report if (*key(r), width) not in known]
    stale = [f"{p}: figure {k} is no longer broken: take it out of KNOWN" for (p, k, w) in known
             if w == width and (p, k) not in found]
    return new + stale


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_figure_text_neither_overlaps_nor_is_cut(browser, server, width):
    """Every plotly figure of every page at a phone's and a desktop's width: no text over text, no text
    cut at an edge, no legend over a slider, buttons or data (KNOWN lists what is left to fix). The whole
    report goes to _build/screenshots/text-<width>.txt."""
    report = measure_pages(browser, server, width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"text-{width}.txt").write_text("\n".join(report) + "\n")
    bad = unexpected(report, width)
    assert not bad, f"{len(bad)} text problems in figures at {width} px:\n" + "\n".join(bad)


def test_known_problems_are_checked():
    page, k = "book/part9/99-example.html", 2
    known = {(page, k, DESKTOP): "an example entry"}
    line = f"{page}: figure {k}: annotation 'a' overlaps annotation 'b'"
    other = f"{page}: figure {k + 100}: annotation 'a' overlaps annotation 'b'"
    assert not [r for r in unexpected([line], DESKTOP, known) if r.startswith(f"{page}: figure {k}:")]
    assert other in unexpected([line, other], DESKTOP, known)
    assert line in unexpected([line], PHONE, known)                  # an entry covers its own width only
    assert any("no longer broken" in r and page in r for r in unexpected([], DESKTOP, known))
    assert unexpected([line], DESKTOP) == [line]                     # KNOWN itself is empty


def test_text_problems_finds_overlaps_and_cut_text():
    box = lambda x0, x1, y0, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    fig = {"k": 0, "box": [0, 300, 0, 200], "texts": [
        {"s": "a", "kind": "tick", "q": box(10, 50, 10, 20)}, {"s": "b", "kind": "tick", "q": box(30, 70, 12, 22)},
        {"s": "c", "kind": "legend", "q": box(280, 330, 50, 60)}, {"s": "d", "kind": "title", "q": box(100, 120, 100, 110)}],
        "legend": [200, 290, 40, 70], "blocks": [{"s": "slider", "r": [0, 300, 65, 90]}],
        "points": [[250, 55], [10, 150]], "areas": []}
    found = text_problems([fig], 1280)
    assert found == ["figure 0: legend 'c' is cut at the edge", "figure 0: tick 'a' overlaps tick 'b'",
                     "figure 0: the legend overlaps the slider",
                     "figure 0: the legend covers the data (1 points, 0 bars or maps)"]
    assert text_problems([fig], 250)[0] == "figure 0: legend 'c' is cut at the edge"
    # two tick labels tilted by 45 degrees, side by side: their upright boxes overlap, the texts do not
    tilt = lambda x: [[x, 40], [x + 40, 0], [x + 47, 7], [x + 7, 47]]
    tilted = {"k": 1, "box": [0, 300, 0, 200], "texts": [{"s": "p", "kind": "tick", "q": tilt(10)},
                                                          {"s": "q", "kind": "tick", "q": tilt(25)}]}
    assert text_problems([tilted], 1280) == []
    tilted["texts"][1]["q"] = tilt(14)
    assert text_problems([tilted], 1280) == ["figure 1: tick 'p' overlaps tick 'q'"]


# ---------------------------------------------------------------- dark mode
FIGURE_CONTRAST = (Path(__file__).with_name("figure_contrast.js")).read_text(encoding="utf-8")
DARK_PAGES = ["book/front/interactive.html", "book/part2/03-intuition.html", "book/part3/01-vanishing-gradients.html",
              "book/part3/02-building-the-lstm.html", "book/part3/07-lstm-in-action.html",
              "book/part4/04-captioning-and-attention.html"]
MIN_CONTRAST = 4.5    # WCAG AA for text
DIAGRAM_PAGES = {"book/part3/02-building-the-lstm.html"}   # only cell diagrams: light cards by design


def test_figures_are_readable_in_dark_mode(browser, server):
    """pydata-sphinx-theme's dark mode (data-theme="dark" on <html>, here switched while the page is open,
    as the theme's button does): no text of any figure (titles, axes, legends, annotations, slider and
    button labels) is harder to read than in light mode: its contrast with what is behind it (plot area,
    figure, or page) is at least 4.5, or at least what it is in light mode where a colour of the book's
    palette is lower than that on white (the diagrams' labels); and most of it sits on the dark page
    rather than on a white box. Switching back to light restores every figure. Screenshots: _build/screenshots/dark-*.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    bad = []
    for rel in DARK_PAGES:
        page, errors = open_at(browser, server, rel, DESKTOP)
        light = page.evaluate(FIGURE_CONTRAST)
        page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
        page.wait_for_timeout(600)
        dark = page.evaluate(FIGURE_CONTRAST)
        fig = page.locator("div.plotly-graph-div").first
        fig.scroll_into_view_if_needed()
        fig.screenshot(path=str(SHOTS / f"dark-{Path(rel).stem}.png"))
        page.evaluate("document.documentElement.setAttribute('data-theme', 'light')")
        page.wait_for_timeout(600)
        back = page.evaluate(FIGURE_CONTRAST)
        assert light and len(dark) == len(light) == len(back), rel
        # the figures follow the theme (a light card is left only where a figure paints its own plot area)
        on_dark = sum(d["bg"] < 0.05 for d in dark) / len(dark)
        if on_dark < 0.5 and rel not in DIAGRAM_PAGES:
            bad.append(f"{rel} (dark): only {on_dark:.0%} of the figures' text is on a dark background")
        for a, d, b in zip(light, dark, back):
            if d["ratio"] < min(MIN_CONTRAST, a["ratio"]) - 0.05:
                bad.append(f"{rel} (dark): figure {d['k']}: '{d['s']}' contrast {d['ratio']:.1f} (light: {a['ratio']:.1f})")
            if abs(b["ratio"] - a["ratio"]) > 0.05:
                bad.append(f"{rel} (light again): figure {b['k']}: '{b['s']}' contrast {b['ratio']:.1f}, was {a['ratio']:.1f}")
        assert errors == [], errors
        page.close()
    assert not bad, f"{len(bad)} texts harder to read:\n" + "\n".join(bad[:60])
