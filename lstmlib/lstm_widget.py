"""Flagship widget of Part III: step through an unrolled LSTM's gates.

A scalar LSTM (D = H = 1, Singh's cell with weights W_x*, W_h* and biases b_*, his beta_*)
reads a short sequence x_0, ..., x_{T-1}. The figure draws the unrolled cells in a row with
the cell-state pipe c above and the hidden state h below; inside every cell the values of
f, i, g (the lectures' C~), o, and under the diagram the six equations of step t with the
numbers substituted:

    f_t = sigma(x_t W_xf + h_{t-1} W_hf + b_f)      i_t, o_t alike
    g_t = tanh (x_t W_xg + h_{t-1} W_hg + b_g)
    c_t = f_t c_{t-1} + i_t g_t,   h_t = o_t tanh(c_t)

Live: type any sequence of 1 to 12 numbers separated by commas (bad input -> a message),
pick the cell (hand-set or trained), move t. Static book: 3 preset sequences x 2 cells x
4 steps = 24 states.

Also here: the hand-set cell, the CS 615 form [x, h] W (weights stacked by rows), and a
scalar LSTM trained on "remember the first element" with ``torch_bridge``.
"""
from __future__ import annotations

import functools
import re

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets

from .figures import PALETTE
from .lstm import GATES, LSTMParams, LSTMTrace, lstm_forward
from .rnn import sigmoid
from .validate import as_float_array, check_instance, check_positive_int, check_shape
from .widgets import Control, Explorable, explorable

__all__ = ["HAND_SET", "SINGH_NAMES", "scalar_lstm", "parse_sequence", "unrolled", "step_equations",
           "render_lstm_steps", "PRESET_SEQUENCES", "lstm_stepper", "cs615_weights", "cs615_step",
           "first_element_task", "train_scalar_lstm", "MAX_STEPS", "pipes_and_valves",
           "SINGH_TRAINING_PARAMETERS"]

MAX_STEPS = 12

# A hand-set scalar cell (the lecture gives no numbers): the forget gate is mostly open, the
# input gate opens for positive inputs, the candidate follows x, the output gate leans open.
HAND_SET = {"W_xf": -1.0, "W_hf": 0.5, "b_f": 2.0,
            "W_xi": 3.0, "W_hi": 0.5, "b_i": -1.0,
            "W_xg": 2.0, "W_hg": -1.0, "b_g": 0.0,
            "W_xo": 1.0, "W_ho": 1.0, "b_o": 0.5}

# Singh's names -> the book's (his candidate is C~ with weights W_xc, W_hc, beta_c).
SINGH_NAMES = {"W_xf": "W_xf", "W_hf": "W_hf", "beta_f": "b_f", "W_xi": "W_xi", "W_hi": "W_hi",
               "beta_i": "b_i", "W_xc": "W_xg", "W_hc": "W_hg", "beta_c": "b_g", "W_xo": "W_xo",
               "W_ho": "W_ho", "beta_o": "b_o", "W_2": "W_hy", "beta_2": "b_y"}

# The parameters Singh's "Training the LSTM" slides list (17 names, typed from the slide, in its order).
# W_h1, W_1 and beta_1 are the RNN cell's recurrent weight, input weight and bias from his earlier
# slides: no LSTM equation uses them, so the cell with its output layer has 14 (see the errata).
SINGH_TRAINING_PARAMETERS = ("W_h1", "W_1", "W_2", "W_xf", "W_xi", "W_xo", "W_hf", "W_hi", "W_ho", "W_xc", "W_hc",
                             "beta_1", "beta_2", "beta_f", "beta_i", "beta_o", "beta_c")

PRESET_SEQUENCES = {"1, 0, 0, 0": [1.0, 0.0, 0.0, 0.0], "1, -1, 0.5, 2": [1.0, -1.0, 0.5, 2.0],
                    "-1, 0.2, -0.3, 0.1": [-1.0, 0.2, -0.3, 0.1]}


def scalar_lstm(**weights) -> LSTMParams:
    """A scalar LSTM (D = H = 1) from numbers; missing gate weights come from ``HAND_SET``.

    Accepts the book's names (W_xf, b_f, ..., W_hy, b_y) or Singh's (beta_f, W_xc, W_2, beta_2, ...).
    W_hy and b_y (the output layer, Singh's W_2 and beta_2) are optional but go together.
    """
    values = dict(HAND_SET)
    for name, v in weights.items():
        book = SINGH_NAMES.get(name, name)
        if book not in SINGH_NAMES.values():
            raise ValueError(f"unknown weight {name!r}; expected one of {sorted(SINGH_NAMES.values())} "
                             f"or Singh's names {sorted(SINGH_NAMES)}")
        try:
            values[book] = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"weight {name} must be a number, got {v!r}") from None
    arrays = {n: np.array([[v]]) if n.startswith("W") else np.array([v]) for n, v in values.items()}
    return LSTMParams(**arrays)


def parse_sequence(seq) -> np.ndarray:
    """A sequence of 1..12 finite numbers in [-10, 10] from a list or from text like "1, -0.5, 2"."""
    if isinstance(seq, str):
        parts = [p.strip() for p in seq.replace(";", ",").split(",")]
        if not any(parts):
            raise ValueError("type at least one number, e.g. 1, 0, 0")
        try:
            seq = [float(p) for p in parts if p != ""]
        except ValueError:
            bad = next(p for p in parts if not _is_number(p))
            raise ValueError(f"every entry must be a number separated by commas, got {bad!r}") from None
    x = as_float_array(seq, "sequence", 1, "(T,)")
    if x.size > MAX_STEPS:
        raise ValueError(f"the sequence may have at most {MAX_STEPS} numbers, got {x.size}")
    if np.any(np.abs(x) > 10):
        raise ValueError(f"keep the inputs in [-10, 10], got {x[np.abs(x) > 10][0]:g}")
    return x


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def unrolled(params: LSTMParams, seq) -> LSTMTrace:
    """The trace of a scalar LSTM over a sequence (T,) from h_{-1} = c_{-1} = 0."""
    check_instance(params, "params", LSTMParams)
    if params.D != 1 or params.H != 1:
        raise ValueError(f"the stepper draws scalar cells (D = H = 1), got D={params.D}, H={params.H}")
    x = parse_sequence(seq)
    return lstm_forward(params, x[:, None, None])


def _w(params, name) -> float:
    return float(getattr(params, name).ravel()[0])


def _n(v: float, d: int = 3) -> str:
    """A number for an equation: negative ones in parentheses."""
    s = f"{v:.{d}f}"
    return f"({s})" if v < 0 or s.startswith("-") else s


def step_equations(params: LSTMParams, trace: LSTMTrace, t: int) -> list[str]:
    """The equations of step t with numbers substituted, one string per line (plain text)."""
    T = trace.h.shape[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t < T:
        raise ValueError(f"t must be an integer from 0 to {T - 1}, got {t!r}")
    v = lambda a: float(a[t].ravel()[0])
    x = float(trace.x[t].ravel()[0])
    h_prev = float(trace.h_prev[t].ravel()[0])
    c_prev = float(trace.c_prev[t].ravel()[0])
    act = {"f": "σ", "i": "σ", "g": "tanh", "o": "σ"}
    lines = []
    for q in ("f", "i", "g", "o"):
        a = v(getattr(trace, f"a_{q}"))
        lines.append(f"{q}_{t} = {act[q]}(x_{t} W_x{q} + h_{t - 1} W_h{q} + b_{q}) = "
                     f"{act[q]}({_n(x)}·{_n(_w(params, f'W_x{q}'), 2)} + {_n(h_prev)}·{_n(_w(params, f'W_h{q}'), 2)}"
                     f" + {_n(_w(params, f'b_{q}'), 2)}) = {act[q]}({a:.3f}) = {v(getattr(trace, q)):.3f}")
    lines.append(f"c_{t} = f_{t} c_{t - 1} + i_{t} g_{t} = {_n(v(trace.f))}·{_n(c_prev)} + "
                 f"{_n(v(trace.i))}·{_n(v(trace.g))} = {v(trace.c):.3f}")
    lines.append(f"h_{t} = o_{t} tanh(c_{t}) = {_n(v(trace.o))}·tanh({_n(v(trace.c))}) = "
                 f"{_n(v(trace.o))}·{_n(v(trace.tanh_c))} = {v(trace.h):.3f}")
    if trace.y is not None:
        lines.append(f"y_{t} = h_{t} W_hy + b_y = {_n(v(trace.h))}·{_n(_w(params, 'W_hy'), 2)} + "
                     f"{_n(_w(params, 'b_y'), 2)} = {v(trace.y):.3f}")
    return lines


def _html(line: str) -> str:
    """Subscripts for plotly: f_1 -> f<sub>1</sub>, W_xf -> W<sub>xf</sub>."""
    return re.sub(r"\b([A-Za-z])_(-?\w+)", r"\1<sub>\2</sub>", line)


def render_lstm_steps(params: LSTMParams, sequence=(1.0, 0.0, 0.0, 0.0), t: int = 0, name: str = "") -> go.Figure:
    """The unrolled cells with every value up to step t, and step t's equations."""
    trace = unrolled(params, sequence)
    T = trace.h.shape[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise ValueError(f"t must be an integer >= 0, got {t!r}")
    note = f" (t = {t} is past the end; showing t = {T - 1})" if t >= T else ""
    t = min(int(t), T - 1)
    val = lambda a, k: float(a[k].ravel()[0])
    shapes, ann = [], []
    grey = "#bbbbbb"
    # the two pipes: c above the cells, h below
    for y0, q in ((1.25, "c"), (-0.25, "h")):
        shapes.append(dict(type="line", x0=-0.9, x1=t + 0.5, y0=y0, y1=y0, line=dict(color=PALETTE[q], width=4)))
        if t < T - 1:
            shapes.append(dict(type="line", x0=t + 0.5, x1=T - 0.5, y0=y0, y1=y0,
                               line=dict(color=grey, width=2, dash="dot")))
        ann.append(dict(x=-0.75, y=y0 + 0.1, text=f"{q}<sub>-1</sub> = 0", showarrow=False,
                        font=dict(color=PALETTE[q])))
    for k in range(T):
        done, now = k <= t, k == t
        shapes.append(dict(type="rect", x0=k - 0.4, x1=k + 0.4, y0=0.0, y1=1.0,
                           line=dict(color="#222222" if now else (grey if not done else "#666666"),
                                     width=4 if now else 1.5),
                           fillcolor="rgba(255, 235, 200, 0.6)" if now else "rgba(240, 240, 240, 0.5)"))
        ann.append(dict(x=k, y=-0.55, text=f"x<sub>{k}</sub> = {val(trace.x, k):.2f}", showarrow=False,
                        font=dict(color=PALETTE["x"])))
        for row, q in enumerate(("f", "i", "g", "o")):
            text = f"{q}<sub>{k}</sub> = {val(getattr(trace, q), k):.3f}" if done else f"{q}<sub>{k}</sub> = ?"
            ann.append(dict(x=k, y=0.85 - 0.2 * row, text=text, showarrow=False,
                            font=dict(color=PALETTE[q] if done else grey)))
        for y0, q in ((1.25, "c"), (-0.25, "h")):
            text = f"{q}<sub>{k}</sub> = {val(getattr(trace, q), k):.3f}" if done else f"{q}<sub>{k}</sub> = ?"
            ann.append(dict(x=k + 0.5, y=y0 + 0.1, text=text, showarrow=False,
                            font=dict(color=PALETTE[q] if done else grey)))
    eqs = "<br>".join(_html(s) for s in step_equations(params, trace, t))
    ann.append(dict(x=-0.9, y=-0.78, xanchor="left", yanchor="top", align="left", text=eqs, showarrow=False,
                    font=dict(family="monospace", size=11), bgcolor="rgba(255, 235, 200, 0.35)"))
    hover = [f"step {k}: " + ", ".join(f"{q} = {val(getattr(trace, q), k):.4f}" for q in ("f", "i", "g", "o", "c", "h"))
             for k in range(T)]
    fig = go.Figure(go.Scatter(x=list(range(T)), y=[0.5] * T, mode="markers", hovertext=hover, hoverinfo="text",
                               marker=dict(size=30, opacity=0), showlegend=False))
    width = max(T, 4)
    fig.update_layout(
        title=dict(text=f"{name + ': ' if name else ''}step t = {t}{note}", font=dict(size=14)),
        shapes=shapes, annotations=ann, height=560, plot_bgcolor="white", font=dict(size=12),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(visible=False, range=[-1.0, width - 0.4]),
        yaxis=dict(visible=False, range=[-2.45, 1.5]))
    return fig


class _SequenceBox(W.VBox):
    """Live control: a menu of preset sequences and a text box of comma-separated numbers.
    Its ``value`` trait is the text."""
    value = traitlets.Unicode()

    def __init__(self, default: str):
        self.preset = W.Dropdown(options=list(PRESET_SEQUENCES), value=default, description="preset")
        self.text = W.Text(value=default, description="x =", continuous_update=False,
                           layout=W.Layout(width="360px"))
        self.preset.observe(lambda ch: setattr(self.text, "value", ch["new"]), names="value")
        self.text.observe(lambda ch: setattr(self, "value", ch["new"]), names="value")
        super().__init__([self.preset, self.text])
        self.value = self.text.value


def lstm_stepper(models: dict | None = None, sequences: dict | None = None) -> Explorable:
    """The explorable 'step through an unrolled LSTM's gates'.

    models: {label: scalar LSTMParams} (default: the hand-set cell); sequences: {label: list}
    preset inputs for the static book (default ``PRESET_SEQUENCES``; all must have the same length).
    """
    models = {"hand-set cell": scalar_lstm()} if models is None else dict(models)
    sequences = PRESET_SEQUENCES if sequences is None else dict(sequences)
    if not models or not all(isinstance(p, LSTMParams) for p in models.values()):
        raise ValueError("models must be a non-empty dict of label -> LSTMParams")
    lengths = {len(parse_sequence(s)) for s in sequences.values()}
    if len(lengths) != 1:
        raise ValueError(f"preset sequences must all have the same length, got lengths {sorted(lengths)}")
    T = lengths.pop()
    names = {id(p): label for label, p in models.items()}

    def render(sequence, model, t):
        return render_lstm_steps(model, sequence, t, name=names.get(id(model), ""))

    first = next(iter(sequences))
    return explorable(render, [
        Control("sequence", sequences, kind="buttons", label="input",
                live=lambda: _SequenceBox(first if first in PRESET_SEQUENCES else next(iter(PRESET_SEQUENCES)))),
        Control("model", models, kind="buttons", label="cell"),
        Control("t", list(range(T)), label="t",
                live=lambda: W.IntSlider(value=0, min=0, max=MAX_STEPS - 1, description="t", continuous_update=True)),
    ], title="Step through an unrolled LSTM: f, i, g, o, c, h at every step")


# ---------------------------------------------------------------- the CS 615 form
def cs615_weights(params: LSTMParams) -> dict:
    """CS 615's stacked weights W_f, W_i, W_C, W_o, each (D + H, H): rows of W_x* on top of W_h*,
    so that [x, h] W_* = x W_x* + h W_h*. (CS 615 writes no biases; b_* stay separate.)"""
    check_instance(params, "params", LSTMParams)
    lecture = {"f": "W_f", "i": "W_i", "g": "W_C", "o": "W_o"}
    return {lecture[q]: np.vstack([getattr(params, f"W_x{q}"), getattr(params, f"W_h{q}")]) for q in GATES}


def cs615_step(params: LSTMParams, x_t, h_prev, c_prev) -> dict:
    """One step in CS 615's form: z = [x_t, h_{t-1}] (N, D + H), f = sigma(z W_f + b_f), ...;
    returns {f, i, g, o, c, h}."""
    x_t = as_float_array(x_t, "x_t", 2, "(N, D)")
    h_prev = as_float_array(h_prev, "h_prev", 2, "(N, H)")
    c_prev = as_float_array(c_prev, "c_prev", 2, "(N, H)")
    check_shape(x_t, "x_t", (None, params.D), "(N, D)")
    check_shape(h_prev, "h_prev", (x_t.shape[0], params.H), "(N, H)")
    check_shape(c_prev, "c_prev", h_prev.shape, "(N, H)")
    Wc = cs615_weights(params)
    z = np.hstack([x_t, h_prev])                                   # [x, h]: concatenate along features
    f = sigmoid(z @ Wc["W_f"] + params.b_f)
    i = sigmoid(z @ Wc["W_i"] + params.b_i)
    g = np.tanh(z @ Wc["W_C"] + params.b_g)
    o = sigmoid(z @ Wc["W_o"] + params.b_o)
    c = f * c_prev + i * g
    return {"f": f, "i": i, "g": g, "o": o, "c": c, "h": o * np.tanh(c)}


# ---------------------------------------------------------------- a trained scalar cell
def first_element_task(n: int, T: int = 4, *, rng: np.random.Generator, noise: float = 0.3):
    """Singh's "remember the first element", scaled down for one unit: x_0 = +-1, then T - 1
    distractors uniform in [-noise, noise]; the target is x_0, after the last step.
    Returns x (T, n, 1) and targets (n, 1)."""
    n, T = check_positive_int(n, "n"), check_positive_int(T, "T", minimum=2)
    check_instance(rng, "rng", np.random.Generator)
    x = rng.uniform(-noise, noise, (T, n, 1))
    x[0, :, 0] = rng.choice([-1.0, 1.0], n)
    return x, x[0].copy()


@functools.lru_cache(maxsize=2)
def train_scalar_lstm(epochs: int = 25, seed: int = 0) -> tuple[LSTMParams, tuple]:
    """A scalar LSTM with output layer (D = H = K = 1) trained with ``torch_bridge.train`` (Adam,
    lr 0.05, mse at the last step) on 20 batches of 32 sequences of ``first_element_task``.
    Returns (numpy float64 params, the loss of every update). Deterministic on CPU."""
    from .torch_bridge import LSTMModel, model_to_params, seeded, train
    rng = np.random.default_rng(seed)
    batches = [first_element_task(32, 4, rng=rng) for _ in range(20)]
    with seeded(seed):
        model = LSTMModel(1, 1, 1, rng=np.random.default_rng(seed))
        history = train(model, batches, epochs=epochs, lr=0.05, loss="mse", seed=seed, progress=False)
    return model_to_params(model), tuple(history)


# ---------------------------------------------------------------- the pipes-and-valves picture
def pipes_and_valves(f: float | None = None, i: float | None = None, o: float | None = None) -> go.Figure:
    """The LSTM cell drawn as the SuperDataScience guide describes it: a memory pipe (c) along
    the top with a forget valve (x) and a T-joint (+), a memory valve feeding the joint, and an
    output valve; [h_{t-1}, x_t] concatenated on a bus along the bottom. Optional gate values
    f, i, o (in [0, 1]) are written on the valves, and each valve's pipe gets thicker with them."""
    for name, v in (("f", f), ("i", i), ("o", o)):
        if v is not None and not 0 <= v <= 1:
            raise ValueError(f"{name} must be in [0, 1] (a sigmoid output), got {v!r}")
    width = lambda v: 2 + 6 * (1.0 if v is None else v)
    shapes, ann = [], []

    def line(x0, y0, x1, y1, colour, w=3, dash=None):
        shapes.append(dict(type="line", x0=x0, y0=y0, x1=x1, y1=y1, line=dict(color=colour, width=w, dash=dash)))

    def node(x, y, text, colour, kind="circle", r=0.28, label=None, label_dy=0.0):
        rx = r * (1.6 if kind == "rect" else 1)              # boxes are wider than valves
        shapes.append(dict(type=kind, x0=x - rx, x1=x + rx,
                           y0=y - r, y1=y + r, line=dict(color=colour, width=2), fillcolor="white"))
        ann.append(dict(x=x, y=y, text=text, showarrow=False, font=dict(size=14, color=colour)))
        if label:
            ann.append(dict(x=x, y=y + label_dy, text=label, showarrow=False, font=dict(size=11, color="#444444")))

    c, h, x = PALETTE["c"], PALETTE["h"], PALETTE["x"]
    line(0.3, 5, 3, 5, c, width(None))                       # memory pipe in
    line(3, 5, 5.6, 5, c, width(f))                          # after the forget valve
    line(5.6, 5, 10, 5, c, 8)                                # out
    line(0.3, 1, 9.2, 1, "#555555", 4)                       # the bus [h_{t-1}, x_t]
    line(1.2, 0.1, 1.2, 1, x, 3)                             # x_t joins the bus (concatenate)
    for gx, q in ((3, "f"), (4.9, "i"), (6.3, "g"), (8.1, "o")):
        line(gx, 1, gx, 2.2, PALETTE[q], 2)                  # copies of the bus into each layer
    line(3, 2.2, 3, 5, PALETTE["f"], 2)                      # forget gate -> forget valve
    line(4.9, 2.2, 4.9, 3.6, PALETTE["i"], 2)
    line(4.9, 3.6, 5.6, 3.6, PALETTE["i"], 2)                # input gate -> memory valve
    line(6.3, 2.2, 6.3, 3.6, PALETTE["g"], 2)
    line(6.3, 3.6, 5.6, 3.6, PALETTE["g"], 2)                # candidate -> memory valve
    line(5.6, 3.6, 5.6, 5, PALETTE["i"], width(i))           # memory valve -> T-joint
    line(9.0, 5, 9.0, 3.0, c, 3, "dot")                      # copy of the memory, through tanh
    line(8.1, 2.2, 8.1, 3.0, PALETTE["o"], 2)
    line(8.1, 3.0, 9.0, 3.0, PALETTE["o"], 2)
    line(9.0, 3.0, 10, 3.0, h, width(o))                     # output valve -> h_t
    fmt = lambda q, v: "" if v is None else f"<br>{q} = {v:.2f}"
    node(3, 5, "×", PALETTE["f"], label="forget valve" + fmt("f", f), label_dy=0.75)
    node(5.6, 5, "+", c, label="T-joint", label_dy=0.55)
    node(5.6, 3.6, "×", PALETTE["i"], label="memory valve" + fmt("i", i), label_dy=-0.75)
    node(9.0, 4.0, "tanh", c, kind="rect", r=0.25)
    node(9.0, 3.0, "×", PALETTE["o"], label="output valve" + fmt("o", o), label_dy=-0.75)
    for gx, q, t in ((3, "f", "σ"), (4.9, "i", "σ"), (6.3, "g", "tanh"), (8.1, "o", "σ")):
        node(gx, 2.2, t, PALETTE[q], kind="rect", r=0.25)
        ann.append(dict(x=gx + 0.35, y=1.5, text=f"<b>{q}</b>", showarrow=False, font=dict(color=PALETTE[q])))
    for xx, yy, text, colour in ((0.3, 5.35, "c<sub>t-1</sub>", c), (10, 5.35, "c<sub>t</sub>", c),
                                 (0.3, 1.35, "h<sub>t-1</sub>", h), (1.2, -0.15, "x<sub>t</sub>", x),
                                 (10, 3.35, "h<sub>t</sub>", h),
                                 (2.0, 0.65, "concatenate [h<sub>t-1</sub>, x<sub>t</sub>]", "#444444"),
                                 (9.6, 4.55, "copy", c), (7.5, 5.35, "memory pipe (cell state)", c)):
        ann.append(dict(x=xx, y=yy, text=text, showarrow=False, font=dict(size=12, color=colour)))
    fig = go.Figure(go.Scatter(x=[0, 10.3], y=[-0.4, 6], mode="markers", marker=dict(opacity=0),
                               hoverinfo="skip", showlegend=False))
    fig.update_layout(shapes=shapes, annotations=ann, height=420, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=40, b=10), title="The LSTM cell as pipes and valves",
                      xaxis=dict(visible=False, range=[-0.2, 10.5]), yaxis=dict(visible=False, range=[-0.5, 6.1]))
    return fig
