"""The book's JavaScript widgets (book/_static/lstmlib-live.js) compute what lstmlib computes.

The script is loaded into a blank page of headless Chromium (no book build needed); its functions run on
random images, filters, strides and paddings, and every number is compared with lstmlib's to 1e-12.
Then the X/O widget itself is driven like a reader would: click pixels, type a filter entry, choose
stride and padding, move the window with the keyboard; the numbers in its cells (data-v) are compared
with ``lstmlib.widgets.xo.xo_state``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest_site import browser  # noqa: F401  (fixture used by name)
from lstmlib.core import conv
from lstmlib.widgets.explorable import live_widget_html
from lstmlib.widgets.xo import xo_live_config, xo_state

STATIC = Path(__file__).resolve().parents[1] / "book" / "_static"
TOL = 1e-12


def nan_to_none(a):
    return [[None if np.isnan(v) else float(v) for v in row] for row in np.asarray(a, dtype=float)]


def as_array(z):
    return np.array([[np.nan if v is None else v for v in row] for row in z], dtype=float)


@pytest.fixture(scope="module")
def page(browser):
    p = _live_page(browser, live_widget_html("xo", xo_live_config(), title="X/O"))
    yield p
    p.close()


def _live_page(browser, html):
    """A blank page holding one live widget's HTML, the book's CSS and lstmlib-live.js; p.errors collects
    the page's JavaScript errors."""
    p = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.set_content(f"<html><head><style>{(STATIC / 'lstmlib-book.css').read_text()}</style></head>"
                  f"<body><article>{html}</article></body></html>")
    p.add_script_tag(content=(STATIC / "lstmlib-live.js").read_text())
    p.errors = errors
    return p


def settings():
    """Random cases: images of +-1 and of arbitrary floats, filters of +-1 and of floats, every (S, P)."""
    rng = np.random.default_rng(7)
    cases = []
    for k in range(60):
        x = rng.choice([-1.0, 1.0], size=(9, 9)) if k % 2 else rng.normal(size=(9, 9))
        f = rng.choice([-1.0, 1.0], size=(3, 3)) if k % 3 == 0 else rng.normal(size=(3, 3)) * 3
        S, P = [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2), (3, 0), (1, 1)][k % 8]
        n = conv.feature_map_size(9, 3, P, S)
        cases.append((x, f, S, P, int(rng.integers(0, n * n))))
    return cases


def test_js_port_equals_lstmlib_on_random_inputs(page):
    cases = settings()
    out = page.evaluate("""cases => cases.map(c => {
        const C = window.lstmlibLive.conv, m = C.conv2dMean(c.x, c.f, c.S, c.P), s = C.xoState(c.x, c.f, c.S, c.P, c.pos);
        return {m: m, relu: C.relu(m), pool: C.maxPool(C.relu(m), 2, 2), s: s};
    })""", [dict(x=x.tolist(), f=f.tolist(), S=S, P=P, pos=pos) for x, f, S, P, pos in cases])
    worst = 0.0
    for (x, f, S, P, pos), got in zip(cases, out):
        m = conv.conv2d_mean(x, f, S, P)
        want = {"m": m, "relu": conv.relu(m), "pool": conv.max_pool(conv.relu(m))}
        for key, w in want.items():
            g = np.array(got[key], dtype=float)
            assert g.shape == w.shape, key
            worst = max(worst, float(np.max(np.abs(g - w))))
        st = xo_state(x, f, pos, S, P)
        for key in ("map", "relu", "pool", "products", "padded", "full"):
            g, w = as_array(got["s"][key]), np.asarray(st[key], dtype=float)
            np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=key)
            worst = max(worst, float(np.nanmax(np.abs(g - w), initial=0.0)))
        worst = max(worst, abs(got["s"]["mean"] - st["mean"]), abs(got["s"]["sum"] - st["sum"]))
        assert (got["s"]["i"], got["s"]["j"], got["s"]["n"]) == (st["i"], st["j"], st["n"])
    print(f"JS vs lstmlib: max abs difference {worst:.3g} over {len(cases)} cases")
    assert worst <= TOL


def test_js_refuses_the_sizes_lstmlib_refuses(page):
    for W, F, P, S in [(9, 3, 1, 3), (10, 3, 0, 2), (2, 3, 0, 1)]:
        with pytest.raises(ValueError):
            conv.feature_map_size(W, F, P, S)
        msg = page.evaluate("a => { try { window.lstmlibLive.conv.featureMapSize(...a); return ''; } "
                            "catch (e) { return e.message; } }", [W, F, P, S])
        assert msg, (W, F, P, S)
    assert page.evaluate("window.lstmlibLive.conv.featureMapSize(9, 3, 2, 2)") == conv.feature_map_size(9, 3, 2, 2)


def read_grid(page, panel: int):
    return page.evaluate("""k => Array.from(document.querySelectorAll('.lstmlib-panel')[k]
        .querySelectorAll('[data-v]')).map(c => [+c.dataset.i, +c.dataset.j, c.dataset.v])""", panel)


def grid_array(cells):
    n = max(i for i, _, _ in cells) + 1
    a = np.full((n, n), np.nan)
    for i, j, v in cells:
        a[i, j] = np.nan if v == "" else float(v)
    return a


def test_reader_draws_edits_and_moves_the_window(page):
    cfg = xo_live_config()
    x = np.array(cfg["images"]["X"], dtype=float)
    f = np.array(cfg["filters"]["diagonal \\"], dtype=float)
    root = page.locator(".lstmlib-xo")
    root.locator("select[aria-label='stride S']").select_option("2")
    root.locator("select[aria-label='padding P']").select_option("1")
    S, P = 2, 1
    assert "= 5" in root.locator(".lstmlib-formula").inner_text()
    for r, c in [(0, 0), (4, 4), (8, 2)]:                       # draw: toggle three pixels
        root.locator(f".lstmlib-image button[data-i='{r + P}'][data-j='{c + P}']").click()
        x[r, c] = -x[r, c]
    cell = root.locator(".lstmlib-filter input[data-i='1'][data-j='2']")
    cell.fill("0.375")
    cell.press("Tab")
    f[1, 2] = 0.375
    slider = root.locator("input[type=range]")
    slider.focus()
    for _ in range(13):
        slider.press("ArrowRight")
    pos = 13
    st = xo_state(x, f, pos, S, P)
    for k, key in [(0, "padded"), (2, "products"), (3, "map"), (4, "relu"), (5, "pool")]:
        got = grid_array(read_grid(page, k))
        want = np.asarray(st[key], dtype=float)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=key)
        assert np.nanmax(np.abs(got - want), initial=0) <= TOL, key
    assert f"row {st['i']}, column {st['j']}" in root.locator(".lstmlib-headline").inner_text()
    root.locator("select[aria-label='stride S']").select_option("3")   # 1 + 8/3: refused, as lstmlib does
    assert "not a whole number" in root.locator(".lstmlib-formula").inner_text()
    assert page.errors == []


def test_pixels_can_be_drawn_with_the_keyboard(page):
    root = page.locator(".lstmlib-xo")
    root.locator("select[aria-label='padding P']").select_option("0")
    root.locator("select[aria-label='stride S']").select_option("1")
    first = root.locator(".lstmlib-image button[tabindex='0']")
    first.focus()
    before = first.get_attribute("data-v")
    for _ in range(9):
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("[document.activeElement.dataset.i, document.activeElement.dataset.j, "
                            "document.activeElement.dataset.v]")
    assert focused[:2] == ["1", "1"]
    page.keyboard.press("Enter")
    after = page.evaluate("[document.activeElement.dataset.i, document.activeElement.dataset.j, "
                          "document.activeElement.dataset.v]")
    assert after[:2] == ["1", "1"] and float(after[2]) == -float(focused[2])
    assert before is not None and page.errors == []


# -- the LSTM stepper ------------------------------------------------------------------------------

from lstmlib.lectures.scalar_lstm import parse_sequence, scalar_lstm, unrolled  # noqa: E402
from lstmlib.viz.lstm_figures import step_equations  # noqa: E402
from lstmlib.widgets.lstm_stepper import PRESET_SEQUENCES, stepper_live_config  # noqa: E402

FIELDS = ("f", "i", "g", "o", "c", "h", "a_f", "a_i", "a_g", "a_o", "tanh_c", "h_prev", "c_prev")


@pytest.fixture(scope="module")
def stepper(browser):
    models = {"hand-set cell": scalar_lstm(), "other": scalar_lstm(W_xf=0.25, b_o=-1.5, W_hy=2.0, b_y=0.5)}
    p = _live_page(browser, live_widget_html("lstm_stepper", stepper_live_config(models, PRESET_SEQUENCES),
                                             title="stepper"))
    yield p
    p.close()


def test_js_lstm_equals_lstmlib_on_random_cells_and_sequences(stepper):
    rng = np.random.default_rng(11)
    names = [f"{w}{q}" for q in "figo" for w in ("W_x", "W_h", "b_")]
    cases = []
    for k in range(40):
        w = {n: float(v) for n, v in zip(names, rng.normal(scale=3, size=12))}
        if k % 2:
            w.update(W_hy=float(rng.normal()), b_y=float(rng.normal()))
        xs = rng.uniform(-10, 10, size=int(rng.integers(1, 13))).tolist()
        cases.append((w, xs))
    got = stepper.evaluate("cases => cases.map(c => window.lstmlibLive.lstm.unrolled(c[0], c[1]))",
                           [[w, xs] for w, xs in cases])
    worst = 0.0
    for (w, xs), g in zip(cases, got):
        tr = unrolled(scalar_lstm(**w), xs)
        for q in FIELDS + (("y",) if "W_hy" in w else ()):
            want = np.asarray(getattr(tr, q), dtype=float).ravel()
            worst = max(worst, float(np.max(np.abs(np.array(g[q]) - want))))
    print(f"JS LSTM vs lstmlib: max abs difference {worst:.3g} over {len(cases)} cells and sequences")
    assert worst <= TOL


def test_js_sequence_parser_agrees_with_lstmlib(stepper):
    for text in ["1, 0, 0", " -0.5 ;2,", "1e-3, 4", "1, x", "", "11", ",".join(["1"] * 13), "1.5.2"]:
        try:
            want = parse_sequence(text).tolist()
        except ValueError:
            want = None
        got = stepper.evaluate("t => { try { return window.lstmlibLive.lstm.parseSequence(t, 12); } "
                               "catch (e) { return null; } }", text)
        assert got == want, text


def test_reader_types_a_sequence_and_edits_a_weight(stepper):
    root = stepper.locator(".lstmlib-stepper")
    root.locator("select[aria-label='cell']").select_option("other")
    box = root.locator("input.lstmlib-seq")
    box.fill("0.5, -2, 3, 0.25, 1")
    box.press("Enter")
    w = root.locator("input[data-name='W_hg']")
    w.fill("-0.75")
    w.press("Tab")
    slider = root.locator("input[type=range]")
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    params = scalar_lstm(W_xf=0.25, b_o=-1.5, W_hy=2.0, b_y=0.5, W_hg=-0.75)
    tr = unrolled(params, [0.5, -2, 3, 0.25, 1])
    cells = stepper.evaluate("""Array.from(document.querySelectorAll('.lstmlib-steps td'))
        .map(td => [td.dataset.q, +td.dataset.t, td.dataset.v])""")
    checked = 0
    for q, t, v in cells:
        if q == "x" or t > 3:
            assert q == "x" or v == "", (q, t, v)                # later steps are not shown yet
            continue
        assert abs(float(v) - float(np.asarray(getattr(tr, q)).ravel()[t])) <= TOL, (q, t)
        checked += 1
    assert checked == 4 * 7                                      # f i g o c h y at t = 0..3
    eq = root.locator(".lstmlib-equations").inner_text()
    want = [line.replace("_", "") for line in step_equations(params, tr, 3)]
    assert eq.count("\n") + 1 == len(want)
    assert f"{tr.c[3].item():.3f}" in eq and f"{tr.h[3].item():.3f}" in eq
    box.fill("1, two")
    box.press("Enter")
    assert "must be a number" in root.locator(".lstmlib-error").inner_text()
    assert stepper.errors == []
