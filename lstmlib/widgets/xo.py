"""The flagship widget of Part I: convolve the lecture's X/O filters live.

``xo_explorer()`` shows, for one position of the 3x3 window on a 9x9 image:
the image with the window drawn on it, the filter, the 9 element-wise products,
the feature map computed so far (mean of the products, stride 1, no padding),
its ReLU and the 2x2 max-pooled map (ceil mode, 7x7 -> 4x4).

Live (Jupyter, Colab): draw the image on a 9x9 grid of toggle buttons
(``PixelGrid``), type any 3x3 filter (``FilterBox``; a bad filter shows a
message), move the window with a slider. Static book: buttons and sliders over
precomputed states (4 images x 3 filters x 10 window positions).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import traitlets
import ipywidgets as W

from lstmlib.core.conv import conv2d_mean, feature_map_size, window_products
from lstmlib.data.lectures import lecture_filters
from lstmlib.data.xo import o_image, rotate_image, shift_image, tricky_x_image, x_image
from lstmlib.core.validate import as_float_array
from lstmlib.widgets.explorable import Control, Explorable, explorable

__all__ = ["xo_images", "parse_filter", "parse_image", "render_xo", "PixelGrid", "FilterBox", "xo_explorer",
           "STATIC_POSITIONS"]

N_OUT = feature_map_size(9, 3)              # 7: the 9x9 image, 3x3 filter, stride 1, no padding
STATIC_POSITIONS = [0, 1, 2, 3, 4, 5, 6, 7, 24, 48]   # window positions precomputed for the static book


def xo_images() -> dict[str, np.ndarray]:
    """The images offered: the X, the O, the X shifted one pixel right, the X turned 15 degrees,
    and the lecture's 'trickier' X."""
    x = x_image()
    return {"X": x, "O": o_image(), "shifted X": shift_image(x, 0, 1),
            "rotated X": rotate_image(x, 15), "tricky X": tricky_x_image()}


def parse_filter(filt) -> np.ndarray:
    """A 3x3 filter from an array or from text like "1 -1 -1; -1 1 -1; -1 -1 1"; ValueError otherwise."""
    if isinstance(filt, str):
        if filt.strip() in lecture_filters():
            return lecture_filters()[filt.strip()]
        rows = [r.replace(",", " ").split() for r in filt.replace("\n", ";").split(";") if r.strip()]
        if len(rows) != 3 or any(len(r) != 3 for r in rows):
            raise ValueError(f"the filter must be 3x3: three rows of three numbers separated by ';', "
                             f"got rows of lengths {[len(r) for r in rows]}")
        try:
            filt = [[float(v) for v in r] for r in rows]
        except ValueError as exc:
            raise ValueError(f"every filter entry must be a number: {exc}") from None
    f = as_float_array(filt, "filter", ndim=2, dims="(3, 3)")
    if f.shape != (3, 3):
        raise ValueError(f"the filter must be 3x3, got shape {f.shape}")
    return f


def parse_image(image) -> np.ndarray:
    """A 9x9 image from an array or from the name of one of ``xo_images()``."""
    if isinstance(image, str):
        images = xo_images()
        if image not in images:
            raise ValueError(f"image must be a 9x9 array or one of {list(images)}, got {image!r}")
        return images[image]
    x = as_float_array(image, "image", ndim=2, dims="(9, 9)")
    if x.shape != (9, 9):
        raise ValueError(f"the image must be 9x9, got shape {x.shape}")
    return x


def _pool_partial(r: np.ndarray) -> np.ndarray:
    """2x2 max pooling, ceil mode, ignoring cells not computed yet (NaN)."""
    n = -(-r.shape[0] // 2)
    out = np.full((n, n), np.nan)
    for a in range(n):
        for b in range(n):
            cells = r[2 * a:2 * a + 2, 2 * b:2 * b + 2]
            if np.any(~np.isnan(cells)):
                out[a, b] = np.nanmax(cells)
    return out


# x offset (left edge) of each panel on the one shared axis, and its label
_PANELS = [("image", 0, 9), ("filter", 11, 3), ("products", 16, 3), ("feature map", 21, 7),
           ("ReLU", 30, 7), ("max pool", 39, 4)]


def _rect(x0, y0, w, h):
    return [x0 - .5, x0 + w - .5, x0 + w - .5, x0 - .5, x0 - .5, None], \
           [y0 - .5, y0 - .5, y0 + h - .5, y0 + h - .5, y0 - .5, None]


def render_xo(image="X", filt="diagonal \\", position: int = 0) -> go.Figure:
    """The figure for one window position (0..48, row by row over the 7x7 feature map)."""
    x, f = parse_image(image), parse_filter(filt)
    if isinstance(position, bool) or not isinstance(position, (int, np.integer)) or not 0 <= position < N_OUT ** 2:
        raise ValueError(f"position must be an integer from 0 to {N_OUT ** 2 - 1}, got {position!r}")
    i, j = divmod(int(position), N_OUT)
    prods = window_products(x, f, i, j)
    full = conv2d_mean(x, f)
    m = np.full((N_OUT, N_OUT), np.nan)
    m.flat[:position + 1] = full.flat[:position + 1]           # the running feature map
    r = np.where(np.isnan(m), np.nan, np.maximum(m, 0))
    panels = [x, f, prods, np.round(m, 3), np.round(r, 3), np.round(_pool_partial(r), 3)]
    traces = []
    for (name, x0, _), z, fmt in zip(_PANELS, panels, [".0f", ".0f", ".0f", ".2f", ".2f", ".2f"]):
        z = [[None if np.isnan(v) else (int(v) if v == int(v) else float(v)) for v in row]
             for row in z]                                      # plain lists: compact JSON
        traces.append(go.Heatmap(z=z, x0=x0, dx=1, y0=0, dy=1, zmin=-1, zmax=1, colorscale="RdBu",
                                 showscale=False, texttemplate="%{z:" + fmt + "}", name=name,
                                 hovertemplate=name + " %{z}<extra></extra>"))
    wx, wy = _rect(j, i, 3, 3)                                  # window on the image
    cx, cy = _rect(_PANELS[3][1] + j, i, 1, 1)                  # its cell in the feature map
    traces.append(go.Scatter(x=wx + cx, y=wy + cy, mode="lines", line=dict(color="#ff7f0e", width=4),
                             hoverinfo="skip", showlegend=False))
    total = prods.sum()
    fig = go.Figure(traces)
    fig.update_layout(
        title=dict(text=f"window at row {i}, column {j}: sum of the 9 products = {total:g}, "
                        f"mean = {total:g}/9 = {total / 9:.2f}", font=dict(size=14)),
        height=330, margin=dict(l=10, r=10, t=50, b=30), plot_bgcolor="white",
        xaxis=dict(tickvals=[x0 + (w - 1) / 2 for _, x0, w in _PANELS], ticktext=[p[0] for p in _PANELS],
                   showgrid=False, zeroline=False, range=[-1, 43]),
        yaxis=dict(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False, showticklabels=False))
    return fig


class PixelGrid(W.VBox):
    """A 9x9 grid of toggle buttons (pressed = +1, released = -1) to draw an image on, with a
    menu of starting images. Its ``value`` trait is the image as a tuple of 9 tuples."""
    value = traitlets.Any()

    def __init__(self, image="X"):
        self._loading = False
        self.preset = W.Dropdown(options=list(xo_images()) + ["blank"], value="X", description="start from")
        self.buttons = [[W.ToggleButton(value=False, layout=W.Layout(width="28px", height="28px"))
                         for _ in range(9)] for _ in range(9)]
        for row in self.buttons:
            for b in row:
                b.observe(self._on_click, names="value")
        self.preset.observe(lambda ch: self.load(ch["new"]), names="value")
        super().__init__([self.preset] + [W.HBox(row) for row in self.buttons])
        self.load(image)

    def load(self, image) -> None:
        """Show ``image`` (a name or a 9x9 array) on the grid."""
        x = -np.ones((9, 9)) if isinstance(image, str) and image == "blank" else parse_image(image)
        self._loading = True
        for r in range(9):
            for c in range(9):
                self.buttons[r][c].value = bool(x[r, c] > 0)
                self.buttons[r][c].button_style = "info" if x[r, c] > 0 else ""
        self._loading = False
        self._on_click(None)

    def _on_click(self, change) -> None:
        if self._loading:
            return
        if change is not None:
            change["owner"].button_style = "info" if change["new"] else ""
        self.value = tuple(tuple(1.0 if b.value else -1.0 for b in row) for row in self.buttons)


class FilterBox(W.VBox):
    """A menu of the lecture's filters and a text box to type any filter ("a b c; d e f; g h i").
    Its ``value`` trait is the text."""
    value = traitlets.Unicode()

    def __init__(self, name: str = "diagonal \\"):
        filters = lecture_filters()
        self.preset = W.Dropdown(options=list(filters), value=name, description="filter")
        self.text = W.Text(value=_filter_text(filters[name]), description="edit",
                           continuous_update=False, layout=W.Layout(width="320px"))
        self.preset.observe(lambda ch: setattr(self.text, "value", _filter_text(filters[ch["new"]])),
                            names="value")
        self.text.observe(lambda ch: setattr(self, "value", ch["new"]), names="value")
        super().__init__([self.preset, self.text])
        self.value = self.text.value


def _filter_text(f) -> str:
    return "; ".join(" ".join(f"{v:g}" for v in row) for row in np.asarray(f))


def xo_explorer() -> Explorable:
    """The explorable 'convolve X/O filters live' (see the module docstring)."""
    images = {k: v for k, v in xo_images().items() if k != "tricky X"}
    positions = {f"row {p // N_OUT}, col {p % N_OUT}": p for p in STATIC_POSITIONS}
    return explorable(render_xo, [
        Control("image", images, kind="buttons", label="image", live=PixelGrid),
        Control("filt", lecture_filters(), kind="buttons", label="filter", live=FilterBox),
        Control("position", positions, label="window", default=0,
                live=lambda: W.IntSlider(value=0, min=0, max=N_OUT ** 2 - 1, description="window",
                                         continuous_update=True)),
    ], title="Convolve the X/O filters: window, products, feature map, ReLU, pooling")
