"""Redraw time of the book's interactive figures in headless Chromium (target: p95 <= 50 ms).

    python benchmarks/bench_redraw.py [SITE_DIR] [--repeats 30] [--width 1280]

SITE_DIR defaults to _build/html (build it first). For every figure with a slider or buttons on the
widget pages, and on a few pages of explorable figures, the script steps the controls the way a reader
does and times each redraw in the page: from the control's event (plotly's `plotly_sliderchange` or
`plotly_buttonclicked`, or the live widgets' `input`/`click`) until the figure is redrawn and the page's
layout is up to date (the promise of the redraw resolved, then a forced layout). It prints the median and
p95 per figure and over all redraws. Give two site folders to compare before and after.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import threading
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

WIDGET_PAGES = ["book/part1/03-convolution.html", "book/part3/01-vanishing-gradients.html",
                "book/part3/03-stepping-through-an-lstm.html"]
EXPLORABLE_PAGES = ["book/front/interactive.html", "book/part2/03-intuition.html",
                    "book/part3/07-lstm-in-action.html", "book/part4/01-sentiment.html",
                    "book/part4/04-captioning-and-attention.html"]

# Steps every slider (and presses every row of buttons) of every plotly figure with controls, n times
# each, cycling through the positions; returns {figure: [ms, ...]}.
PLOTLY_REDRAWS = """async (n) => {
  const out = {};
  let last = null;
  if (!window.Plotly) return out;
  if (!window.Plotly.__benchWrapped) {
    for (const name of ['animate', 'react', 'update', 'restyle', 'relayout', 'newPlot']) {
      const f = window.Plotly[name];
      window.Plotly[name] = function () { const p = f.apply(this, arguments); last = p; return p; };
    }
    window.Plotly.__benchWrapped = true;
  }
  const divs = Array.from(document.querySelectorAll('div.plotly-graph-div'));
  for (const [k, gd] of divs.entries()) {
    const sliders = (gd.layout.sliders || []), menus = (gd.layout.updatemenus || []);
    const groups = sliders.map((s, i) => ['slider', i, s.steps.length]).concat(
                   menus.map((m, i) => ['buttons', i, m.buttons.length]));
    for (const [kind, i, len] of groups) {
      const times = [];
      for (let r = 0; r < n; r++) {
        const a = (r + 1) % len;
        last = null;
        const t0 = performance.now();
        if (kind === 'slider') {
          const sl = gd._fullLayout.sliders[i];
          gd.emit('plotly_sliderchange', {slider: sl, step: sl.steps[a], interaction: true, previousActive: sl.active});
        } else {
          const m = gd._fullLayout.updatemenus[i];
          gd.emit('plotly_buttonclicked', {menu: m, button: m.buttons[a], active: a});
        }
        if (last) await last;
        document.body.offsetHeight;                 // layout flushed
        times.push(performance.now() - t0);
        await new Promise(r => setTimeout(r, 5));
      }
      out[`figure ${k} ${kind} ${i} (${len} positions)`] = times;
    }
  }
  return out;
}"""

# The live widgets (lstmlib-live.js): move each range input (slider) n times.
LIVE_REDRAWS = """async (n) => {
  const out = {};
  const ranges = Array.from(document.querySelectorAll('.lstmlib-live input[type=range]'));
  for (const [k, s] of ranges.entries()) {
    const times = [], lo = +s.min, hi = +s.max;
    for (let r = 0; r < n; r++) {
      s.value = String(lo + (r + 1) % (hi - lo + 1));
      const t0 = performance.now();
      s.dispatchEvent(new Event('input', {bubbles: true}));
      document.body.offsetHeight;
      times.push(performance.now() - t0);
      await new Promise(r => setTimeout(r, 5));
    }
    out[`live widget ${k} '${s.getAttribute('aria-label') || 'slider'}' (${hi - lo + 1} positions)`] = times;
  }
  return out;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(site: Path, repeats: int, width: int) -> dict:
    from conftest_site import launch_chromium
    from playwright.sync_api import sync_playwright
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    results = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for rel in WIDGET_PAGES + EXPLORABLE_PAGES:
            if not (site / rel).exists():
                continue
            page.goto(f"{url}/{rel}", wait_until="networkidle")
            page.evaluate("window.lstmlibPlots ? window.lstmlibPlots.then(() => true) : true")
            page.wait_for_timeout(300)
            for name, times in {**page.evaluate(PLOTLY_REDRAWS, repeats),
                                **page.evaluate(LIVE_REDRAWS, repeats)}.items():
                results[f"{rel}: {name}"] = np.array(times)
        browser.close()
    httpd.shutdown()
    return results


def report(results: dict) -> tuple[float, float]:
    for name, t in results.items():
        print(f"{np.median(t):7.1f} {np.percentile(t, 95):7.1f}  {name}")
    allt = np.concatenate(list(results.values())) if results else np.zeros(1)
    med, p95 = float(np.median(allt)), float(np.percentile(allt, 95))
    worst = max(results, key=lambda k: np.percentile(results[k], 95)) if results else ""
    print(f"all {len(allt)} redraws: median {med:.1f} ms, p95 {p95:.1f} ms (target: p95 <= 50 ms); "
          f"worst figure p95 {np.percentile(results[worst], 95):.1f} ms ({worst})")
    return med, p95


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sites", nargs="*", default=[str(ROOT / "_build" / "html")])
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--width", type=int, default=1280)
    args = ap.parse_args(argv)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (1 min)")
    for site in args.sites:
        print(f"== {site}\n median     p95  (ms)")
        report(measure(Path(site), args.repeats, args.width))


if __name__ == "__main__":
    main()
