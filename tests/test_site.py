"""The built site, opened page by page in headless Chromium (Debian's /usr/bin/chromium).

Run after the book build (the session fixture builds it if needed, with -W):
every page loads with no JavaScript error, asks nothing of any host but the
local server (no CDN), draws every plotly figure and image, stays under the
size budget; dragging a slider of a static widget changes its figure.
"""
from __future__ import annotations

import re
from pathlib import Path

from conftest_site import SITE, browser, build_book, server  # noqa: F401  (fixtures are used by name)

# The pydata theme logs this with console.error on a first visit (no stored theme): not ours.
THEME_NOISE = ("Got invalid theme mode",)
PAGE_BUDGET = 300_000  # bytes of HTML per page; plotly.js is shared and not counted


def pages() -> list[Path]:
    return sorted(p for p in SITE.joinpath("book").rglob("*.html"))


def open_page(browser, server, page_path: Path):
    page = browser.new_page()
    errors, foreign = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith(THEME_NOISE) and "Failed to load resource" not in m.text
            else None)
    page.on("response", lambda r: errors.append(f"HTTP {r.status} for {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("request", lambda r: foreign.append(r.url)
            if not r.url.startswith((server, "data:", "blob:", "about:")) else None)
    url = f"{server}/{page_path.relative_to(SITE).as_posix()}"
    page.goto(url, wait_until="networkidle")
    page.evaluate("window.lstmlibPlots ? window.lstmlibPlots.then(() => true) : true")   # every figure drawn
    page.wait_for_timeout(300)
    return page, errors, foreign


def test_site_was_built(build_book):
    assert (SITE / "index.html").exists()
    assert (SITE / "_static" / "plotly" / "plotly-cartesian.min.js").exists()
    assert "MIT" in (SITE / "_static" / "plotly" / "LICENSE").read_text()
    assert not (SITE / "_static" / "plotly.min.js").exists()            # the full bundle is not served
    assert (SITE / "_static" / "lstmlib-live.js").exists()
    assert (SITE / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert len(pages()) >= 5


def test_no_cdn_in_html(build_book):
    bad = []
    for p in [SITE / "index.html", *pages()]:
        html = p.read_text(encoding="utf-8")
        for host in ("cdn.jsdelivr", "unpkg.com", "cdnjs.cloudflare", "cdn.plot.ly", "requirejs.org",
                     "fonts.googleapis", "mathjax.org"):
            if host in html:
                bad.append(f"{p.relative_to(SITE)} references {host}")
    assert not bad, bad


def test_page_sizes(build_book):
    big = {str(p.relative_to(SITE)): p.stat().st_size for p in pages() if p.stat().st_size > PAGE_BUDGET}
    assert not big, f"pages over {PAGE_BUDGET} bytes: {big}"


def test_plotly_only_where_there_are_figures(build_book):
    """Pages without a figure load no plotly.js; pages with one load it deferred, after the first paint."""
    with_figs = 0
    for p in pages():
        html = p.read_text(encoding="utf-8")
        name = p.relative_to(SITE).as_posix()
        has_fig = "plotly-graph-div" in html
        assert bool(re.search(r'<script[^>]*src="[^"]*lstmlib-plots\.js', html)) == has_fig, name
        assert not re.search(r'<script[^>]*src="[^"]*plotly[^"]*\.js', html), f"{name}: plotly.js in <head>"
        if has_fig:
            with_figs += 1
            assert re.search(r'<script defer="defer" src="[./]*_static/lstmlib-plots\.js', html), name
            assert not re.search(r"<script>\s*window\.PLOTLYENV", html), f"{name}: a figure script runs inline"
        live_js = bool(re.search(r'<script[^>]*src="[^"]*lstmlib-live\.js', html))
        assert ('<div class="lstmlib-live"' in html) == live_js, name
    assert with_figs >= 10


def test_no_page_loads_font_awesome_javascript(build_book):
    """The theme's fontawesome.js (1.5 MB, and a watcher of every change to the page) is not served: the
    icons come from the theme's stylesheet and web fonts (test_every_page_renders checks they are drawn)."""
    loading = [p.relative_to(SITE).as_posix() for p in [SITE / "index.html", *pages()]
               if "fontawesome.js" in p.read_text(encoding="utf-8")]
    assert not loading, f"pages that load fontawesome.js: {loading}"
    assert not list(SITE.joinpath("_static").rglob("fontawesome.js"))


# Visible Font Awesome icons that draw nothing (no glyph from the web font).
BLANK_ICONS = """() => Array.from(document.querySelectorAll('i.fa-solid, i.fa-regular, i.fa-brands'))
    .filter(i => i.offsetParent !== null)
    .filter(i => { const c = getComputedStyle(i, '::before').content;
                   return !c || c === 'none' || c === 'normal' || i.getBoundingClientRect().width < 4; })
    .map(i => i.className)"""

BUNDLE_TRACES = """() => Object.keys(Plotly.PlotSchema.get().traces)"""
FIGURE_FACTS = """() => Array.from(document.querySelectorAll('div.plotly-graph-div')).map(gd => ({
    id: gd.id, types: (gd.data || []).map(t => t.type || 'scatter'), label: gd.getAttribute('aria-label') || '',
    role: gd.getAttribute('role'), cloud: !!(gd._context && (gd._context.showSendToCloud || gd._context.showLink ||
    gd._context.showEditInChartStudio || gd._context.displaylogo)),
    links: gd.querySelectorAll('.modebar-btn[data-title*="Chart Studio"], .modebar-btn[data-title*="Share"], '
                               + 'a[href*="plot.ly"], a[href*="chart-studio"], .modebar-btn--logo').length}))"""


def test_every_page_renders(browser, server):
    problems = []
    bundle = None
    for path in pages():
        page, errors, foreign = open_page(browser, server, path)
        name = path.relative_to(SITE).as_posix()
        n_div = page.locator("div.plotly-graph-div").count()
        n_drawn = page.locator("div.plotly-graph-div .main-svg").count()
        if n_div and n_drawn < n_div:
            problems.append(f"{name}: {n_div - n_drawn // 2} plotly figure(s) not drawn")
        if n_div:
            bundle = bundle or set(page.evaluate(BUNDLE_TRACES))
            for fig in page.evaluate(FIGURE_FACTS):
                missing = set(fig["types"]) - bundle
                if missing:
                    problems.append(f"{name} #{fig['id']}: trace types {missing} are not in plotly's cartesian bundle")
                if fig["role"] != "img" or len(fig["label"]) < 20:
                    problems.append(f"{name} #{fig['id']}: no text alternative (aria-label)")
                if fig["cloud"] or fig["links"]:
                    problems.append(f"{name} #{fig['id']}: the toolbar offers an online service or the plotly logo")
        broken = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0)"
                               ".map(i => i.src)")
        problems += [f"{name}: JavaScript error: {e}" for e in errors]
        problems += [f"{name}: request to another host: {u}" for u in foreign]
        problems += [f"{name}: broken image {u}" for u in broken]
        problems += [f"{name}: icon drawn blank: {c}" for c in page.evaluate(BLANK_ICONS)]
        if "$" in page.inner_text("article") and page.locator("mjx-container").count() == 0 \
                and page.locator("div.math, span.math").count() > 0:
            problems.append(f"{name}: MathJax did not typeset")
        page.close()
    assert not problems, "\n".join(problems)


def test_dragging_a_static_slider_changes_the_figure(browser, server):
    page, errors, _ = open_page(browser, server, SITE / "book" / "front" / "interactive.html")
    div = page.locator("div.plotly-graph-div").first
    div_id = div.get_attribute("id")
    read = f"JSON.stringify(document.getElementById('{div_id}').data.map(t => t.y))"
    before = page.evaluate(read)
    grip = page.locator(f"#{div_id} .slider-grip-rect").first
    grip.scroll_into_view_if_needed()
    box = grip.bounding_box()
    rail = page.locator(f"#{div_id} .slider-rail-rect").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(rail["x"] + rail["width"] * 0.98, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)
    after = page.evaluate(read)
    assert errors == []
    assert after != before, "the figure did not change when the slider was dragged"


def test_static_widgets_work_from_the_keyboard(browser, server):
    page, errors, _ = open_page(browser, server, SITE / "book" / "front" / "interactive.html")
    div = page.locator("div.plotly-graph-div").filter(has=page.locator(".slider-rail-rect")).first
    div_id = div.get_attribute("id")
    read = f"JSON.stringify(document.getElementById('{div_id}').data.map(t => t.y))"
    assert div.get_attribute("tabindex") == "0" and "arrow keys" in div.get_attribute("aria-label")
    before = page.evaluate(read)
    div.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert page.evaluate(read) != before, "the right arrow key did not move the slider"
    assert errors == []


def test_colab_launch_buttons_open_the_notebooks(build_book):
    import re
    import yaml
    repo = yaml.safe_load((SITE.parents[1] / "_config.yml").read_text())["repository"]["url"]
    owner_repo = repo.removeprefix("https://github.com/")
    notebook_pages = [p for p in pages() if (SITE.parents[1] / p.relative_to(SITE)).with_suffix(".ipynb").exists()]
    assert notebook_pages
    for p in notebook_pages:
        links = re.findall(r'https://colab\.research\.google\.com/github/[^"]+', p.read_text(encoding="utf-8"))
        want = f"https://colab.research.google.com/github/{owner_repo}/blob/main/" \
               f"{p.relative_to(SITE).with_suffix('.ipynb').as_posix()}"
        assert want in links, f"{p.name}: no Colab button opening {want}"
