"""Sphinx extension of the book: offline plotly, and the book-build switch.

* Sets ``LSTMLIB_BOOK=1`` before any notebook runs. Kernels started by the
  build inherit it, so ``lstmlib.viz.use_book_style()`` makes plotly render figures as small HTML
  without plotly.js, and ``lstmlib.widgets`` emits static sliders.
* Serves MathJax from the ``django-static-mathjax`` wheel as ``_static/mathjax``
  (``mathjax_path`` in ``_config.yml`` points there).
* Serves plotly's cartesian bundle (``book/_static/plotly/``, vendored from npm, the same
  plotly.js version as the ``plotly`` package) and loads it only on pages that have a figure,
  after the first paint: each figure's inline script becomes ``<script type="text/x-lstmlib-plot">``
  and ``_static/lstmlib-plots.js`` (deferred) runs them once plotly.js has arrived, with the book's
  toolbar settings and a text alternative for each figure.
* Serves ``_static/lstmlib-live.js`` (widgets computed in the browser) on pages that have one, and
  ``_static/lstmlib-book.css`` on every page. No CDN anywhere.
* Drops the theme's ``fontawesome.js`` (1.5 MB of JavaScript that turns every ``<i class="fa-...">``
  into an inline SVG and then watches every change to the page, plotly's redraws included): the
  theme's stylesheet already draws the same icons from its own Font Awesome web fonts (the 17 icons
  of the header and the sidebar).
"""
import os
import re
import shutil
from pathlib import Path

os.environ["LSTMLIB_BOOK"] = "1"


STATIC = Path(__file__).resolve().parents[1] / "_static"     # book/_static: the book's own JS and CSS
ASSETS = ["lstmlib-live.js", "lstmlib-plots.js", "lstmlib-book.css", "plotly/plotly-cartesian.min.js",
          "plotly/LICENSE", "plotly/README.md"]
_PLOT_SCRIPT = re.compile(r"<script>(\s*window\.PLOTLYENV\s*=)")
_FONTAWESOME_JS = re.compile(r'[ \t]*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>[ \t]*\n?')


def drop_fontawesome_js(html: str) -> str:
    """The page without the theme's ``<script ... fontawesome.js>`` tag (its icons come from the
    theme's CSS and web fonts)."""
    return _FONTAWESOME_JS.sub("", html)


def defer_figures(body: str) -> str:
    """Turn the inline scripts that draw plotly figures into ``text/x-lstmlib-plot`` scripts
    (run later by ``lstmlib-plots.js``); every other script is left alone."""
    return _PLOT_SCRIPT.sub(r'<script type="text/x-lstmlib-plot">\1', body)


def _mathjax_dir() -> Path:
    """MathJax 3 (es5 build) from the ``django-static-mathjax`` wheel on PyPI."""
    import mathjax
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def _copy_assets(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            (static / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(STATIC / name, static / name)
        # the theme writes <script src="_static/scripts/fontawesome.js"> from its template: taken out
        # of every page, and the file itself removed, so that no page can load it
        for page in Path(app.outdir).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            if "fontawesome.js" in text:
                page.write_text(drop_fontawesome_js(text), encoding="utf-8")
        for f in (static / "scripts").glob("fontawesome.js*"):
            f.unlink()
        target = static / "mathjax"
        if not (target / "tex-chtml.js").exists():
            shutil.copytree(_mathjax_dir(), target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("sre", "*.map"))


def _page_scripts(app, pagename, templatename, context, doctree):
    """Per page: plotly only where there is a figure (deferred), the live widgets' script only where there
    is one; and no thebe: sphinx-thebe (bundled with Jupyter Book) writes a CDN URL into every page."""
    body = context.get("body", "")
    if "PLOTLYENV" in body:
        context["body"] = defer_figures(body)
        app.add_js_file("lstmlib-plots.js", loading_method="defer")    # appends to context["script_files"]
    if 'class="lstmlib-live"' in body:
        app.add_js_file("lstmlib-live.js", loading_method="defer")
    scripts = context.get("script_files", [])
    context["script_files"] = [s for s in scripts if "thebe" not in str(s)
                               and "unpkg.com" not in getattr(s, "attributes", {}).get("body", "")]


def plain_text_blocks(lines: list) -> list:
    """lstmlib's docstrings are written for a terminal: an indented block after a blank line is a
    formula or a table laid out by hand. reStructuredText would read it as a block quote and run
    its lines together, so it becomes a literal block (a "::" paragraph in front of it)."""
    out = []
    for k, line in enumerate(lines):
        starts_block = (line.startswith(" ") and line.strip() and k >= 2 and not lines[k - 1].strip()
                        and lines[k - 2].strip() and not lines[k - 2].startswith(" ")
                        and not lines[k - 2].rstrip().endswith("::")
                        and not lines[k - 2].lstrip().startswith(".."))
        if starts_block:
            out[-1:] = ["", "::", ""]
        out.append(line)
    return out


def _docstring_blocks(app, what, name, obj, options, lines):
    lines[:] = plain_text_blocks(lines)


def setup(app):
    app.connect("autodoc-process-docstring", _docstring_blocks)
    app.add_css_file("lstmlib-book.css")
    app.connect("build-finished", _copy_assets)
    app.connect("html-page-context", _page_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
