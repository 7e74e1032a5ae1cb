"""Sphinx extension of the book: offline plotly, and the book-build switch.

* Sets ``LSTMLIB_BOOK=1`` before any notebook runs. Kernels started by the
  build inherit it, so ``lstmlib.viz.use_book_style()`` makes plotly render figures as small HTML
  without plotly.js, and ``lstmlib.widgets`` emits static sliders.
* Serves MathJax from the ``django-static-mathjax`` wheel as ``_static/mathjax``
  (``mathjax_path`` in ``_config.yml`` points there).
* Serves the plotly.js that ships inside the installed ``plotly`` package as
  ``_static/plotly.min.js`` and loads it on every page: one local copy for the
  whole site, no CDN.
"""
import os
import shutil
from pathlib import Path

os.environ["LSTMLIB_BOOK"] = "1"


def _plotly_js() -> Path:
    import plotly
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _mathjax_dir() -> Path:
    """MathJax 3 (es5 build) from the ``django-static-mathjax`` wheel on PyPI."""
    import mathjax
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def _copy_assets(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_plotly_js(), static / "plotly.min.js")
        target = static / "mathjax"
        if not (target / "tex-chtml.js").exists():
            shutil.copytree(_mathjax_dir(), target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("sre", "*.map"))


def _drop_remote_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe (bundled with Jupyter Book) writes a CDN URL into every page; we use no thebe."""
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
    app.add_js_file("plotly.min.js")
    app.connect("build-finished", _copy_assets)
    app.connect("html-page-context", _drop_remote_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
