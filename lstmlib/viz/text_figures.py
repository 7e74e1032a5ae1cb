"""Figures over a text, one value per word or character: a classifier's opinion after each word,
and a cell's value as the background colour of each character.
"""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from lstmlib.core.validate import as_float_array, check_positive_int
from lstmlib.viz.figures import PALETTE

__all__ = ["prefix_bars", "coloured_text"]

POSITIVE_RGB, NEGATIVE_RGB = "33,102,172", "178,24,43"     # blue and red of the RdBu scale


def _tokens(tokens, n: int, name: str) -> list[str]:
    if isinstance(tokens, str) and len(tokens) == n:
        return list(tokens)                                  # a string of n characters
    if isinstance(tokens, str) or len(tokens) != n:
        raise ValueError(f"{name} must hold {n} tokens, one per value, got {tokens!r:.80}")
    return [str(w) for w in tokens]


def prefix_bars(words, p_positive, *, title: str = "") -> go.Figure:
    """P(positive) after each word of a sentence (T,), as bars up or down from 0.5.

    words: the T words; p_positive: the classifier's probability after reading words 0..t.
    """
    p = as_float_array(p_positive, "p_positive", 1, "(T,)")
    words = _tokens(words, p.size, "words")
    steps = list(range(len(words)))
    fig = go.Figure(go.Bar(x=steps, y=p - 0.5, base=0.5, marker_color=PALETTE["h"],
                           hovertext=[f"after '{w}': P(positive) = {q:.2f}" for w, q in zip(words, p)]))
    fig.update_layout(title=title, xaxis=dict(tickvals=steps, ticktext=words, tickangle=-45),
                      yaxis=dict(range=[0, 1], title="P(positive) after this word"), height=380)
    return fig


def coloured_text(values, chars, *, width: int = 600) -> str:
    """HTML of the first ``width`` characters, each on a background coloured by its value (T,).

    values: one number per character of ``chars`` (a string or T strings). Blue for positive
    values, red for negative, opacity abs(value) / max abs(value) over all T values (shown or not);
    a newline is drawn as a return arrow and breaks the line.
    """
    width = check_positive_int(width, "width")
    v = as_float_array(values, "values", 1, "(T,)")
    chars = _tokens(chars, v.size, "chars")[:width]
    scale = np.abs(v).max() or 1.0
    v = v[:width]
    spans = []
    for x, ch in zip(v, chars):
        alpha = round(float(abs(x) / scale), 2)
        rgb = POSITIVE_RGB if x > 0 else NEGATIVE_RGB
        shown = html.escape(ch) if ch != "\n" else "&#8629;<br>"
        spans.append(f'<span style="background:rgba({rgb},{alpha})">{shown}</span>')
    return ('<div style="font-family:monospace;white-space:pre;line-height:1.5;font-size:12px">'
            + "".join(spans) + "</div>")
