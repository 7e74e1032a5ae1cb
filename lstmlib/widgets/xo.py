"""The flagship widget of Part I: convolve the lecture's X/O filters live.

``xo_explorer()`` shows, for one position of the 3x3 window on a 9x9 image:
the image with the window drawn on it, the filter, the 9 element-wise products,
the feature map computed so far (mean of the products, stride S, zero padding P,
W' = 1 + (W - F + 2P)/S), its ReLU and the 2x2 max-pooled map (ceil mode, 7x7 -> 4x4).

Live (Jupyter, Colab): draw the image on a 9x9 grid of toggle buttons
(``PixelGrid``), type any 3x3 filter (``FilterBox``; a bad filter shows a
message), choose stride and padding, move the window with a slider. Static book:
the same widget in JavaScript (``book/_static/lstmlib-live.js``, checked against
:func:`xo_state` by tests/test_live_js.py): click pixels, type the filter, all positions.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import traitlets
import ipywidgets as W

from lstmlib.core.conv import conv2d_mean, feature_map_size, window_products, zero_pad
from lstmlib.data.lectures import lecture_filters
from lstmlib.data.xo import o_image, rotate_image, shift_image, tricky_x_image, x_image
from lstmlib.core.validate import as_float_array, check_positive_int
from lstmlib.widgets.explorable import Control, Explorable, explorable, live_widget_html

__all__ = ["xo_images", "parse_filter", "parse_image", "xo_state", "render_xo", "PixelGrid", "FilterBox",
           "xo_live_config", "xo_explorer", "STRIDES", "PADDINGS"]

N_OUT = feature_map_size(9, 3)              # 7: the 9x9 image, 3x3 filter, stride 1, no padding


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


STRIDES, PADDINGS = (1, 2, 3), (0, 1, 2)     # the stride and padding choices the widget offers
_GAP = 2                                      # empty columns between two panels of the kernel figure


def xo_state(image="X", filt="diagonal \\", position: int = 0, stride: int = 1, padding: int = 0) -> dict:
    """Everything the widget shows for one window position (row by row over the W' x W' feature map).

    Returns a dict: ``n`` (W'), ``i``, ``j`` (the window's output cell), ``padded`` (W+2P, W+2P),
    ``products`` (3, 3), ``sum``, ``mean``, ``map`` and ``relu`` (W', W'; cells after the window
    still NaN), ``pool`` (2x2 max pooling of ``relu``, ceil mode, NaN where nothing is computed yet)
    and ``full`` (the whole feature map). ``lstmlib-live.js`` computes the same in the browser.
    """
    x, f = parse_image(image), parse_filter(filt)
    S = check_positive_int(stride, "stride S")
    P = check_positive_int(padding, "padding P", minimum=0)
    n = feature_map_size(x.shape[0], f.shape[0], P, S)
    if isinstance(position, bool) or not isinstance(position, (int, np.integer)) or not 0 <= position < n * n:
        raise ValueError(f"position must be an integer from 0 to {n * n - 1} (the {n}x{n} feature map), "
                         f"got {position!r}")
    i, j = divmod(int(position), n)
    prods = window_products(x, f, i, j, S, P)
    fm = conv2d_mean(x, f, S, P)
    m = np.full((n, n), np.nan)
    m.flat[:position + 1] = fm.flat[:position + 1]               # the running feature map
    r = np.where(np.isnan(m), np.nan, np.maximum(m, 0))
    return dict(n=n, i=i, j=j, padded=zero_pad(x, P), products=prods, sum=float(prods.sum()),
                mean=float(prods.sum()) / f.size, map=m, relu=r, pool=_pool_partial(r), full=fm)


def _rect(x0, y0, w, h):
    return [x0 - .5, x0 + w - .5, x0 + w - .5, x0 - .5, x0 - .5, None], \
           [y0 - .5, y0 - .5, y0 + h - .5, y0 + h - .5, y0 - .5, None]


def render_xo(image="X", filt="diagonal \\", position: int = 0, stride: int = 1, padding: int = 0) -> go.Figure:
    """The figure (for a kernel) of one window position: image with the window, filter, products,
    feature map so far, its ReLU and its 2x2 max pool, side by side on one axis."""
    s = xo_state(image, filt, position, stride, padding)
    n, P, S = s["n"], int(padding), int(stride)
    f = parse_filter(filt)
    grids = [("image", s["padded"], ".0f"), ("filter", f, ".3g"), ("products", s["products"], ".3g"),
             (f"feature map {n}x{n}", s["map"], ".2f"), ("ReLU", s["relu"], ".2f"),
             ("max pool", s["pool"], ".2f")]
    traces, ticks, x0 = [], [], 0
    for name, z, fmt in grids:
        rows = [[None if np.isnan(v) else float(v) for v in row] for row in np.asarray(z, dtype=float)]
        traces.append(go.Heatmap(z=rows, x0=x0, dx=1, y0=0, dy=1, zmin=-1, zmax=1, colorscale="RdBu",
                                 showscale=False, texttemplate="%{z:" + fmt + "}", name=name,
                                 hovertemplate=name + " %{z}<extra></extra>"))
        ticks.append((x0 + (len(rows) - 1) / 2, name))
        x0 += len(rows) + _GAP
    wx, wy = _rect(s["j"] * S, s["i"] * S, 3, 3)                 # window on the padded image
    map_x0 = sum(len(g[1]) + _GAP for g in grids[:3])
    cx, cy = _rect(map_x0 + s["j"], s["i"], 1, 1)                # its cell in the feature map
    traces.append(go.Scatter(x=wx + cx, y=wy + cy, mode="lines", line=dict(color="#ff7f0e", width=4),
                             hoverinfo="skip", showlegend=False))
    tall = max(len(g[1]) for g in grids)
    fig = go.Figure(traces)
    fig.update_layout(
        title=dict(text=f"W' = 1 + (9 - 3 + 2*{P})/{S} = {n}; window at row {s['i']}, column {s['j']}: "
                        f"sum of the 9 products = {s['sum']:g}, mean = {s['sum']:g}/9 = {s['mean']:.2f}",
                   font=dict(size=14)),
        height=120 + 34 * tall, width=80 + 34 * (x0 - _GAP), margin=dict(l=10, r=10, t=50, b=40),
        plot_bgcolor="white",
        xaxis=dict(tickvals=[t for t, _ in ticks], ticktext=[t for _, t in ticks], showgrid=False,
                   zeroline=False, range=[-1, x0 - _GAP]),
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


def xo_live_config() -> dict:
    """The settings of the browser version of the widget: images, filters, and the starting state."""
    def plain(a):
        return [[int(v) if float(v).is_integer() else float(v) for v in row] for row in np.asarray(a)]
    images = {k: plain(v) for k, v in xo_images().items()}
    filters = {k: plain(v) for k, v in lecture_filters().items()}
    return dict(images=images, filters=filters, image="X", filter="diagonal \\", stride=1, padding=0, position=0,
                strides=list(STRIDES), paddings=list(PADDINGS))


class _XOExplorable(Explorable):
    """The explorable with one link between controls: the window slider spans the W' x W' positions
    of the current stride and padding."""

    def update(self, **values) -> bool:
        resized = ("stride" in values or "padding" in values) and "position" not in values
        if resized:
            values["position"] = 0
        ok = super().update(**values)
        slider = self._position_slider()
        if ok and resized and slider is not None:
            n = feature_map_size(9, 3, int(self.values["padding"]), int(self.values["stride"]))
            slider.value = 0
            slider.max = n * n - 1
        return ok

    def _position_slider(self):
        if self._widget is None:
            return None
        return next((w for w in self._widget.children if isinstance(w, W.IntSlider)), None)


def xo_explorer() -> Explorable:
    """The explorable 'convolve X/O filters live' (see the module docstring).

    In a kernel: ipywidgets calling :func:`render_xo`. In the static book: the same widget in
    JavaScript (``lstmlib-live.js``, widget "xo"), all positions, any image, any filter.
    """
    ex = explorable(render_xo, [
        Control("image", xo_images(), kind="buttons", label="image", live=PixelGrid),
        Control("filt", lecture_filters(), kind="buttons", label="filter", live=FilterBox),
        Control("stride", list(STRIDES), kind="buttons", label="stride S", static=False),
        Control("padding", list(PADDINGS), kind="buttons", label="padding P", static=False),
        Control("position", list(range(N_OUT ** 2)), label="window", default=0, static=False,
                live=lambda: W.IntSlider(value=0, min=0, max=N_OUT ** 2 - 1, description="window",
                                         continuous_update=True)),
    ], title="Convolve the X/O filters: window, products, feature map, ReLU, pooling")
    out = _XOExplorable(**{k: getattr(ex, k) for k in ("render", "controls", "title", "values")})
    out.live_html = lambda: live_widget_html(
        "xo", xo_live_config(), title=out.title,
        description="A 9x9 image, a 3x3 filter and the window sliding over the image; the feature map, its "
                    "ReLU and its max pool fill in as the window moves. This widget needs JavaScript.")
    return out
