"""Plotly plumbing shared by every figure of the book.

Two jobs:

1. ``to_static_html(fig)`` turns a figure into a ``<div>`` plus a script that
   draws it with the page's ``Plotly`` object. plotly.js itself is *not*
   inlined: the built book serves one local copy of plotly's cartesian bundle,
   loaded after the first paint and only by pages with a figure (see
   ``book/_ext/lstmlib_book.py``), so each page stays small and works offline.
2. ``use_book_style()``, called once in each notebook, sets the book's template
   and JSON engine and, while the book is being built (environment variable
   ``LSTMLIB_BOOK=1``, set by the book's Sphinx extension and by the test suite),
   makes that renderer plotly's default, so ``fig.show()`` in a notebook writes
   the small static HTML. Importing this module changes nothing.

Numbers in figures are rounded to 4 significant digits (a figure cannot show
more), which keeps pages small and makes the stored notebook outputs independent
of the last bits of floating point arithmetic, and so of the CPU, the BLAS kernel
and the Python version. Values that sit exactly on a rounding tie (1.953125 at 6
digits, 1.5625 at 4: powers of two are common in the book's examples) are nudged
by one part in 10^9 before rounding, so that noise in the last bit cannot decide
which way they go.
"""
from __future__ import annotations

import base64
import itertools
import os

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer

__all__ = ["use_book_style", "BOOK_ENV", "in_book_build", "to_static_html", "rounded", "StaticHTML",
           "heatmap", "PALETTE"]

BOOK_ENV = "LSTMLIB_BOOK"
RENDERER = "lstmlib_book"
SIGNIFICANT = 4
TIE_NUDGE = 1e-9  # relative; far above float64 noise (~1e-15), far below what a figure shows

# One palette for the book: the same colour always means the same quantity.
PALETTE = {
    "f": "#d62728",   # forget gate
    "i": "#2ca02c",   # input gate
    "g": "#9467bd",   # candidate
    "o": "#ff7f0e",   # output gate
    "c": "#1f77b4",   # cell state
    "h": "#17becf",   # hidden state
    "x": "#7f7f7f",   # input
    "y": "#8c564b",   # output
}

_ids = itertools.count(1)


def in_book_build() -> bool:
    """True while the static book (or its notebook tests) is being executed."""
    return os.environ.get(BOOK_ENV, "") == "1"


def _round(obj):
    """Round every float inside a plotly JSON structure to SIGNIFICANT digits."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:  # plotly >= 6 encodes numpy arrays as base64
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
            if "shape" in obj:
                arr = arr.reshape([int(n) for n in str(obj["shape"]).split(",")])
            return _round(arr)
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_round(v) for v in obj]
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            return _round(obj.tolist())
        return obj.tolist() if obj.dtype.kind in "iub" else _round(obj.tolist())
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        if not np.isfinite(v):
            return None
        return float(f"{v * (1 + TIE_NUDGE):.{SIGNIFICANT}g}")
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def rounded(fig) -> dict:
    """The figure as a plotly JSON dict with floats rounded (frames included)."""
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else dict(fig)
    return _round(spec)


def to_static_html(fig, post_script: str | None = None, div_id: str | None = None) -> str:
    """HTML for ``fig`` that relies on a ``Plotly`` already loaded by the page.

    ``div_id`` defaults to a per-kernel counter, so re-running a notebook gives
    the same ids (the test suite's sanitizer also tolerates other ids).
    """
    div_id = div_id or f"lstmlib-fig-{next(_ids)}"
    return pio.to_html(rounded(fig), include_plotlyjs=False, full_html=False, div_id=div_id,
                       post_script=post_script, config={"responsive": True, "displaylogo": False},
                       validate=False, auto_play=False)


class StaticHTML:
    """A displayable object: static HTML for the book, a short note for plain text."""

    def __init__(self, html: str, text: str = "Interactive figure (run the notebook for live controls)."):
        self.html, self.text = html, text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/plain": self.text}


class _BookRenderer(MimetypeRenderer):
    """plotly renderer used during the book build: small HTML, no plotly.js."""

    def to_mimebundle(self, fig_dict):
        return {"text/html": to_static_html(go.Figure(fig_dict))}


def use_book_style() -> None:
    """Make the book's plotly settings active: one explicit call in each notebook's import cell.

    * the book's light template ("plotly_white"'s layout, without its per-trace defaults,
      which would add ~8 KB to every figure of every page);
    * the standard-library JSON engine (plotly uses orjson when it happens to be installed,
      and the two format numbers differently: one engine keeps stored outputs identical);
    * while the book is built (``LSTMLIB_BOOK=1``), the renderer that writes the small static
      HTML of :func:`to_static_html`. Elsewhere (Jupyter, Colab) plotly keeps its own renderer.

    Importing lstmlib changes none of plotly's settings; this call does, and calling it
    again changes nothing more.
    """
    pio.renderers[RENDERER] = _BookRenderer()
    pio.json.config.default_engine = "json"
    pio.templates["lstmlib"] = go.layout.Template(layout=pio.templates["plotly_white"].layout)
    pio.templates.default = "lstmlib"
    if in_book_build():
        pio.renderers.default = RENDERER

def heatmap(z, *, text=True, colorscale="RdBu", zmid=0.0, name="", fmt=".2f", showscale=False, **kw) -> go.Heatmap:
    """A heatmap trace of a 2-D array, row 0 at the top, values written in the cells."""
    z = np.asarray(z, dtype=float)
    return go.Heatmap(z=z, colorscale=colorscale, zmid=zmid, showscale=showscale, name=name,
                      texttemplate=("%{z:" + fmt + "}") if text else None, hoverinfo="z", **kw)
