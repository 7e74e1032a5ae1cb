"""Images side by side: a grid of small heatmaps (X/O pictures, feature maps, digits, canvases),
attention maps over a canvas, and a spatial transformer's sampling grid.

Every panel keeps square pixels, row 0 at the top, and no tick labels. Grids wrap
into rows of at most ``MAX_COLS`` panels, so that each stays legible on a phone
(about 390 px wide); long panel titles are broken into lines instead of running
into their neighbours.
"""
from __future__ import annotations

import html
import math
import textwrap

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstmlib.core.validate import as_float_array, check_positive_int
from lstmlib.viz.figures import PALETTE, heatmap

__all__ = ["MAX_COLS", "image_grid", "attention_maps", "sampling_grid_figure"]

MAX_COLS = 4          # panels per row unless asked otherwise: about 85 px each on a phone
TITLE_CHARS = 13      # panel titles are broken at spaces into lines of at most this many characters,
TITLE_PX = 13         # which at this font size fit in a panel of 85 px
LINE_PX = 16          # height of one line of a panel title
GAP_PX = 12           # space between a row of panels and the titles of the next


def _images(images, titles):
    """The images as a list of 2-D float arrays and the panel titles (or None)."""
    if isinstance(images, dict):
        if titles is not None:
            raise ValueError("give titles either as the keys of a dict of images or as titles=, not both")
        titles, images = list(images), list(images.values())
    if isinstance(images, np.ndarray) and images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]                                 # (N, 1, H, W) channel-first, one channel
    if isinstance(images, (str, bytes)) or not hasattr(images, "__len__") or len(images) == 0:
        raise ValueError(f"images must be a non-empty sequence of 2-D arrays, (N, H, W), (N, 1, H, W) or a dict, "
                         f"got {type(images).__name__}")
    imgs = [as_float_array(img, f"images[{k}]", 2, "(H, W)") for k, img in enumerate(images)]
    if titles is not None:
        if isinstance(titles, str) or len(titles) != len(imgs):
            raise ValueError(f"titles must be a list of {len(imgs)} strings, one per image, got {titles!r:.80}")
        titles = [str(s) for s in titles]
    return imgs, titles


def _lines(text: str) -> list[str]:
    """Text broken at spaces into as few lines of at most TITLE_CHARS characters as it can be
    (a word longer than that keeps its own line), the lines about equally long."""
    if len(text) <= TITLE_CHARS:
        return [text]
    n = math.ceil(len(text) / TITLE_CHARS)
    for width in range(math.ceil(len(text) / n), TITLE_CHARS + 1):
        lines = textwrap.wrap(text, width, break_long_words=False)
        if len(lines) <= n:
            return lines
    return lines


def _wrap(title: str) -> str:
    """A panel title in lines of at most TITLE_CHARS characters (plotly's <br>); breaks already in
    it are kept."""
    return "<br>".join(line for part in title.split("<br>") for line in _lines(part))


def _grid(n: int, titles, cols, *, title: str, panel_px: int, height: int | None):
    """An empty grid of n square, unlabelled panels; returns (figure, [(row, col)] of each panel)."""
    n_cols = min(n, MAX_COLS) if cols is None else min(check_positive_int(cols, "cols"), n)
    n_rows = math.ceil(n / n_cols)
    wrapped = [_wrap(s) for s in titles] if titles is not None else None
    lines = max((s.count("<br>") + 1 for s in wrapped), default=0) if wrapped else 0
    title_px = LINE_PX * lines
    top = (50 if title else 10) + title_px
    if height is None:
        height = n_rows * panel_px + (n_rows - 1) * (title_px + GAP_PX) + top + 10
    else:
        height = check_positive_int(height, "height", 50)
    spacing = min((title_px + GAP_PX) / height, 0.9 / (n_rows - 1)) if n_rows > 1 else 0.0
    fig = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=wrapped, horizontal_spacing=0.03,
                        vertical_spacing=spacing)
    cells = [(k // n_cols + 1, k % n_cols + 1) for k in range(n)]
    for k, (r, c) in enumerate(cells):
        x_id = "x" if k == 0 else f"x{k + 1}"
        fig.update_yaxes(autorange="reversed", scaleanchor=x_id, showticklabels=False, showgrid=False,
                         zeroline=False, row=r, col=c)
        fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, row=r, col=c)
    fig.update_annotations(font_size=TITLE_PX)                  # the panel titles
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=top, b=10))
    return fig, cells


def image_grid(images, titles=None, *, title: str = "", cols: int | None = None, zmin: float | None = None,
               zmax: float | None = None, zmid: float | None = None, colorscale: str = "Greys",
               values: bool = False, fmt: str = ".2f", panel_px: int = 150,
               height: int | None = None) -> go.Figure:
    """Images as a grid of heatmaps, one panel each, filled row by row.

    images: N two-dimensional arrays (H, W) (they may differ in size): an array (N, H, W),
    a channel-first batch (N, 1, H, W), a list, or a dict {panel title: image}.
    titles: N panel titles (default: the dict's keys, else none); long ones wrap onto lines.
    cols: panels per row (default: all of them, at most ``MAX_COLS``).
    zmin, zmax: ends of the colour scale, shared by every panel (default: each panel's own
    range); zmid: its midpoint; colorscale: a plotly colour scale name.
    values: write each pixel's value in its cell, formatted with ``fmt`` (".0f" for +1/-1 pictures).
    panel_px: height of one row of panels in pixels; height: the whole figure's (default: from rows).
    """
    imgs, titles = _images(images, titles)
    if zmin is not None and zmax is not None and not zmin < zmax:
        raise ValueError(f"zmin must be below zmax, got zmin={zmin}, zmax={zmax}")
    fig, cells = _grid(len(imgs), titles, cols, title=title, panel_px=check_positive_int(panel_px, "panel_px"),
                       height=height)
    for img, (r, c) in zip(imgs, cells):
        fig.add_trace(heatmap(img, text=values, fmt=fmt, zmin=zmin, zmax=zmax, zmid=zmid, colorscale=colorscale),
                      row=r, col=c)
    return fig


def attention_maps(image, alphas, words, *, slots: int | None = None, title: str = "") -> go.Figure:
    """What a captioner looked at for each word: the input canvas, then one panel per word.

    image: the canvas (S, S); alphas: attention weights (T, L) over a square grid of L = G * G
    locations, one row per generated word; words: the T words (the last may be "<end>").
    Each word's panel shows the canvas at half strength plus its attention map, scaled to a
    maximum of 1 and stretched over the S / G pixels that each location covers.
    slots: number of word panels (default T); panels after the last word stay empty, which
    keeps the number of panels fixed for a slider over images.
    """
    image = as_float_array(image, "image", 2, "(S, S)")
    alphas = as_float_array(alphas, "alphas", 2, "(T, L)")
    T, L = alphas.shape
    G = math.isqrt(L)
    if G * G != L or image.shape[0] != image.shape[1] or image.shape[0] % G:
        raise ValueError(f"alphas must cover a square grid that divides the square image: got L = {L} "
                         f"locations for an image of shape {image.shape}")
    if isinstance(words, str) or len(words) != T:
        raise ValueError(f"words must be a list of {T} words, one per row of alphas, got {words!r:.80}")
    slots = T if slots is None else check_positive_int(slots, "slots", T)
    cell = np.ones((image.shape[0] // G,) * 2)
    panels = [image.round(2)]
    for t in range(slots):
        if t < T:
            a = np.kron(alphas[t].reshape(G, G), cell)                 # each location covers S/G x S/G pixels
            panels.append((0.5 * image + a / a.max()).round(2))          # 2 decimals: enough for colours
        else:
            panels.append(np.zeros_like(image))                        # no word here: an empty panel
    names = ["input"] + [html.escape(str(w)) for w in words] + [" "] * (slots - T)   # "<end>" is no tag
    fig = image_grid(panels, names, title=title, colorscale="Viridis", zmin=0.0, zmax=1.5, panel_px=110)
    fig.update_traces(colorscale="Greys", zmin=None, zmax=None, selector=0)   # the input in grey, own range
    return fig


def sampling_grid_figure(image, grid, output, *, title: str = "") -> go.Figure:
    """A spatial transformer at work: the input with the points where the output reads it, and the output.

    image: the input U (H, W), drawn over normalised coordinates [-1, 1] (pixel centres);
    grid: (H_out, W_out, 2) input coordinates (x, y) read by each output pixel
    (``affine_grid``'s layout); output: V (H_out, W_out). The output's top row is drawn in red.
    """
    image = as_float_array(image, "image", 2, "(H, W)")
    grid = as_float_array(grid, "grid", 3, "(H_out, W_out, 2)")
    output = as_float_array(output, "output", 2, "(H_out, W_out)")
    if grid.shape[2] != 2 or grid.shape[:2] != output.shape:
        raise ValueError(f"grid must be (H_out, W_out, 2) with (H_out, W_out) = output's shape {output.shape}, "
                         f"got {grid.shape}")
    H, W = image.shape
    fig = make_subplots(1, 2, subplot_titles=["input and sampling grid", "output V"])
    fig.add_heatmap(z=image, x=(2 * np.arange(W) + 1) / W - 1, y=(2 * np.arange(H) + 1) / H - 1,
                    colorscale="Greys", showscale=False, row=1, col=1)
    fig.add_scatter(x=grid[..., 0].ravel(), y=grid[..., 1].ravel(), mode="markers",
                    marker=dict(color=PALETTE["o"], size=5), showlegend=False, row=1, col=1)
    fig.add_scatter(x=grid[0, :, 0], y=grid[0, :, 1], mode="lines", line=dict(color=PALETTE["f"]),
                    showlegend=False, row=1, col=1)                       # the top row of the output
    fig.add_heatmap(z=output, colorscale="Greys", showscale=False, row=1, col=2)
    fig.update_xaxes(range=[-1.6, 1.6], row=1, col=1)
    fig.update_yaxes(range=[1.6, -1.6], row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    fig.update_layout(height=330, title=title)
    return fig
