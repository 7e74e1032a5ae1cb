"""Cold-cache page weight and timings of the built book, in headless Chromium.

    python benchmarks/page_weight.py [SITE_DIR] [--runs 3]

SITE_DIR defaults to _build/html. For each page (the intro and the three flagship widget pages, plus a
page without figures) a fresh browser context (empty cache) loads it from a local server and reports:
bytes transferred (sum of every response's encoded body), first contentful paint, and the time until
every plotly figure of the page is drawn (and every live widget started). Medians over the runs.
Give two site folders (e.g. a build of main and of this branch) to compare before and after.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

PAGES = ["book/intro.html", "book/part1/03-convolution.html", "book/part3/01-vanishing-gradients.html",
         "book/part3/03-stepping-through-an-lstm.html", "book/appendix/errata.html"]

ALL_DRAWN = """() => {
  const divs = document.querySelectorAll('div.plotly-graph-div');
  const drawn = Array.from(divs).filter(d => d.querySelector('.main-svg')).length;
  const live = document.querySelectorAll('div.lstmlib-live');
  const started = Array.from(live).filter(d => d.dataset.started).length;
  return drawn === divs.length && started === live.length;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def measure(browser, url: str) -> dict:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    total = {"bytes": 0}
    cdp.on("Network.loadingFinished", lambda e: total.__setitem__("bytes", total["bytes"] + e["encodedDataLength"]))
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    page.wait_for_function(ALL_DRAWN, timeout=60_000, polling=20)
    drawn = (time.perf_counter() - t0) * 1000
    page.wait_for_timeout(1500)                       # late requests (fonts) still count as page weight
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
    n_fig = page.locator("div.plotly-graph-div").count()
    ctx.close()
    return {"bytes": total["bytes"], "fcp_ms": fcp, "drawn_ms": drawn, "figures": n_fig}


def run(site: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright
    from conftest_site import launch_chromium
    httpd, base = serve(site)
    out = {}
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for rel in PAGES:
                if not (site / rel).exists():
                    continue
                rows = [measure(browser, f"{base}/{rel}") for _ in range(runs)]
                out[rel] = {k: statistics.median([r[k] for r in rows if r[k] is not None] or [0]) for k in rows[0]}
            browser.close()
    finally:
        httpd.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sites", nargs="*", default=[str(ROOT / "_build" / "html")])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for site in args.sites:
        print(f"== {site}")
        for rel, r in run(Path(site), args.runs).items():
            print(f"{rel:45s} {r['bytes'] / 1e6:6.2f} MB  first paint {r['fcp_ms']:6.0f} ms  "
                  f"all figures drawn {r['drawn_ms']:6.0f} ms  ({r['figures']:.0f} figures)")


if __name__ == "__main__":
    main()
