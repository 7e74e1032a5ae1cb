"""Size of every built page (HTML, with its figures) and of the shared assets.

    python benchmarks/site_size.py      # after the book build, reads _build/html

Budget: < 300 KB per page; plotly.js (cartesian bundle) is served once for the whole site.
"""
from __future__ import annotations

from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "_build" / "html"
BUDGET = 300_000


def main() -> None:
    pages = sorted(SITE.joinpath("book").rglob("*.html"))
    for p in pages:
        size = p.stat().st_size
        print(f"{size / 1000:8.1f} KB  {p.relative_to(SITE)}{'  OVER BUDGET' if size > BUDGET else ''}")
    biggest = max(pages, key=lambda p: p.stat().st_size)
    print(f"largest page: {biggest.relative_to(SITE)} {biggest.stat().st_size / 1000:.1f} KB (budget {BUDGET / 1000:.0f} KB)")
    js = SITE / "_static" / "plotly" / "plotly-cartesian.min.js"
    print(f"shared plotly-cartesian.min.js: {js.stat().st_size / 1e6:.2f} MB (one copy for {len(pages)} pages, "
          f"loaded only by pages with a figure)")


if __name__ == "__main__":
    main()
