"""LSTM in numpy: forward over a sequence, BPTT, and a readable single step.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

    f_t = sigma(x_t W_xf + h_{t-1} W_hf + b_f)      forget gate        (N, H)
    i_t = sigma(x_t W_xi + h_{t-1} W_hi + b_i)      input gate
    g_t = tanh (x_t W_xg + h_{t-1} W_hg + b_g)      candidate (C~_t)
    o_t = sigma(x_t W_xo + h_{t-1} W_ho + b_o)      output gate
    c_t = f_t * c_{t-1} + i_t * g_t                 cell state
    h_t = o_t * tanh(c_t)                           hidden state
    y_t = h_t W_hy + b_y                            output (optional)

``lstm_forward`` / ``lstm_backward`` stack the four gates internally (one matmul
per step); ``lstm_step`` / ``lstm_step_backward`` are the same math gate by gate.
The gates are always taken in the order ``GATES`` = (f, i, g, o). The variants of
``lstmlib.core.variants`` are cells of the same family (``LSTMFamilyParams``) and share
``lstm_backward``'s BPTT (``cell_bptt``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlib.core.base import (Gradients, Params, Step, Trace, check_input, check_k, check_trace, output_forward,
                               param, sigmoid, upstream)
from lstmlib.core.validate import as_real_array, check_instance, check_shape

__all__ = ["LSTMParams", "LSTMTrace", "lstm_step", "lstm_step_backward", "lstm_forward", "lstm_backward",
           "LSTMFamilyParams", "LSTMStep", "gate_blocks", "local_derivatives", "cell_bptt"]

GATES = ("f", "i", "g", "o")    # the one gate order: fields, stacked weights, traces (torch's rows: torchside.bridge)


class LSTMFamilyParams(Params):
    """Parameters of a cell of the LSTM family (the LSTM and its variants), generated from its gates.

    Fields, in this order: W_x* (D, H), W_h* (H, H), b_* (H,) for each gate * of ``gates`` (some of
    GATES, in that order, always with g and o); a diagonal peephole p_* (H,) for each gate of
    ``peepholes`` (a_f and a_i add p * c_{t-1}, a_o adds p_o * c_t); the output layer W_hy (H, K),
    b_y (K,) or None. A cell names its gates in its class statement, e.g.
    ``class LSTMParams(LSTMFamilyParams, gates=GATES)``, and is made a frozen dataclass.
    """
    gates = GATES
    peepholes = ()

    def __init_subclass__(cls, gates=GATES, peepholes=(), **kwargs):
        super().__init_subclass__(**kwargs)
        gates, peepholes = tuple(gates), tuple(peepholes)
        if gates != tuple(q for q in GATES if q in gates) or not {"g", "o"} <= set(gates) \
                or not set(peepholes) <= set(gates) - {"g"}:
            raise ValueError(f"gates must be some of {GATES} in that order, with g and o, and peepholes some of "
                             f"f, i, o among them, got gates={gates}, peepholes={peepholes}")
        axes = {}
        for q in gates:
            axes.update({f"W_x{q}": ("D", "H"), f"W_h{q}": ("H", "H"), f"b_{q}": ("H",)})
        axes.update({f"p_{q}": ("H",) for q in peepholes})
        for name, shape in axes.items():
            setattr(cls, name, param(*shape))
        cls.W_hy, cls.b_y = param("H", "K", optional=True), param("K", optional=True)
        cls.__annotations__ = {**dict.fromkeys(axes, "np.ndarray"), "W_hy": "np.ndarray | None",
                               "b_y": "np.ndarray | None", **cls.__dict__.get("__annotations__", {})}
        cls.gates, cls.peepholes = gates, peepholes

    def stacked(self):
        """(W_x (D, G H), W_h (H, G H), b (G H,)): the weights of the G gates side by side, in the order ``gates``."""
        return tuple(np.concatenate([getattr(self, f"{w}{q}") for q in self.gates], axis=-1)
                     for w in ("W_x", "W_h", "b_"))


@dataclass(frozen=True, eq=False)
class LSTMParams(LSTMFamilyParams, gates=GATES):
    """LSTM parameters: W_x* (D, H), W_h* (H, H), b_* (H,) for * in f, i, g, o; W_hy (H, K), b_y (K,)."""


@dataclass(frozen=True, eq=False)
class LSTMTrace(Trace):
    """Every intermediate of an LSTM forward pass, each (T, N, H) unless noted.

    x (T, N, D); h0, c0 (N, H); pre-activations a_f, a_i, a_g, a_o; gates f, i, o
    (after sigma), candidate g (after tanh); c, tanh_c = tanh(c_t), h; y (T, N, K) or None.
    The LSTM variants reuse it: a_f / a_i are None when that gate is not computed.
    """
    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    a_f: np.ndarray | None
    a_i: np.ndarray | None
    a_g: np.ndarray
    a_o: np.ndarray
    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray
    y: np.ndarray | None = None

    @property
    def c_prev(self) -> np.ndarray:
        """c_{t-1} for t = 0..T-1, shape (T, N, H)."""
        return np.concatenate([self.c0[None], self.c[:-1]])

    def step(self, t: int) -> "LSTMStep":
        """Step t of the trace, as the ``LSTMStep`` that ``lstm_step`` returns there (None stays None)."""
        T = self.x.shape[0]
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not -T <= t < T:
            raise ValueError(f"t must be an integer step in [0, {T}), got {t!r}")
        return LSTMStep(**{n: None if getattr(self, n) is None else getattr(self, n)[t] for n in LSTMStep.fields()})


@dataclass(frozen=True, eq=False)
class LSTMStep(Step):
    """What ``lstm_step`` returns, one step of an LSTMTrace, each (N, H): gates f, i, o, candidate g,
    cell state c, hidden state h; pre-activations a_f, a_i, a_g, a_o and tanh_c = tanh(c_t)."""
    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    a_f: np.ndarray
    a_i: np.ndarray
    a_g: np.ndarray
    a_o: np.ndarray
    tanh_c: np.ndarray


def gate_blocks(stacked, gates=GATES) -> dict:
    """{gate: view} of an array whose last axis holds one block per gate, side by side in the order ``gates``."""
    H = stacked.shape[-1] // len(gates)
    return {q: stacked[..., k * H:(k + 1) * H] for k, q in enumerate(gates)}


# ---------------------------------------------------------------- one step, gate by gate
def lstm_step(params: LSTMParams, x_t, h_prev, c_prev) -> LSTMStep:
    """One LSTM step. x_t (N, D), h_prev, c_prev (N, H) -> LSTMStep with f, i, g, o, c, h, a_*, tanh_c."""
    x_t, h_prev, c_prev = _step_input(params, x_t, h_prev, c_prev)
    a = {q: x_t @ getattr(params, f"W_x{q}") + h_prev @ getattr(params, f"W_h{q}") + getattr(params, f"b_{q}")
         for q in GATES}
    f = sigmoid(a["f"])                                # forget gate
    i = sigmoid(a["i"])                                # input gate
    g = np.tanh(a["g"])                                # candidate
    o = sigmoid(a["o"])                                # output gate
    c = f * c_prev + i * g                             # cell state
    tanh_c = np.tanh(c)
    h = o * tanh_c                                     # hidden state
    return LSTMStep(f=f, i=i, g=g, o=o, c=c, h=h, a_f=a["f"], a_i=a["i"], a_g=a["g"], a_o=a["o"], tanh_c=tanh_c)


def _step_input(params, x_t, h_prev, c_prev):
    check_instance(params, "params", LSTMParams)
    x_t = as_real_array(x_t, "x_t", 2, "(N, D)", dtype=params.dtype)
    x, h_prev, c_prev = check_input(params, x_t[None], h_prev, c_prev, kinds=LSTMParams, with_c=True)
    return x[0], h_prev, c_prev


def lstm_step_backward(params: LSTMParams, dh, dc, step: LSTMStep | dict, x_t, h_prev, c_prev):
    """Backward of ``lstm_step``. dh, dc (N, H): gradients arriving at h_t and c_t; step: what
    ``lstm_step`` returned (or a dict with f, i, g, o, tanh_c).

    Returns (dx_t (N, D), dh_prev (N, H), dc_prev (N, H), {name: grad}).
    """
    x_t, h_prev, c_prev = _step_input(params, x_t, h_prev, c_prev)
    check_instance(step, "step", (LSTMStep, dict))
    step = dict(step)                                  # an LSTMStep reads as a mapping too
    vals = {}
    for n, v in [("dh", dh), ("dc", dc)] + [(n, step.get(n)) for n in (*GATES, "tanh_c")]:
        vals[n] = as_real_array(v, n if n in ("dh", "dc") else f"step[{n!r}]", 2, "(N, H)", dtype=params.dtype)
        check_shape(vals[n], n, h_prev.shape, "(N, H)")
    dh, dc = vals["dh"], vals["dc"]
    f, i, g, o, tc = (vals[n] for n in ("f", "i", "g", "o", "tanh_c"))
    da = {"o": dh * tc * o * (1 - o)}                  # h = o tanh(c), then sigma'
    dc = dc + dh * o * (1 - tc ** 2)                   # h = o tanh(c) -> c
    da["f"] = dc * c_prev * f * (1 - f)                # c = f c_prev + ..., then sigma'
    da["i"] = dc * g * i * (1 - i)                     # c = ... + i g, then sigma'
    da["g"] = dc * i * (1 - g ** 2)                    # c = ... + i g, then tanh'
    grads = {}
    for q in GATES:
        grads.update({f"W_x{q}": x_t.T @ da[q], f"W_h{q}": h_prev.T @ da[q], f"b_{q}": da[q].sum(0)})
    dx = sum(da[q] @ getattr(params, f"W_x{q}").T for q in GATES)
    dh_prev = sum(da[q] @ getattr(params, f"W_h{q}").T for q in GATES)
    return dx, dh_prev, dc * f, grads                  # c_prev reaches c through f


# ---------------------------------------------------------------- whole sequence, gates stacked
def lstm_forward(params: LSTMParams, x, h0=None, c0=None) -> LSTMTrace:
    """Run the LSTM over x (T, N, D) from h0, c0 (N, H) (zeros if None); returns the LSTMTrace."""
    x, h0, c0 = check_input(params, x, h0, c0, kinds=LSTMParams, with_c=True)
    T, N, D = x.shape
    H = params.H
    # sigma(a) = tanh(a/2)/2 + 1/2: halve the weights of f, i, o, and one tanh serves all four gates
    scale = np.repeat([1.0 if q == "g" else 0.5 for q in GATES], H).astype(params.dtype)    # (4H,)
    shift = np.repeat([0.0 if q == "g" else 0.5 for q in GATES], H).astype(params.dtype)
    W_x, W_h, b = (w * scale for w in params.stacked())   # the gates side by side, in the order GATES
    A = (x.reshape(T * N, D) @ W_x).reshape(T, N, 4 * H)   # x_t W_x for all t in one matmul
    A += b
    G = np.empty_like(A)                                    # gates after activation, (T, N, 4H)
    c, tanh_c, h = (np.empty((T, N, H), params.dtype) for _ in range(3))
    buf = np.empty((N, 4 * H), params.dtype)
    ig = np.empty((N, H), params.dtype)
    gate = gate_blocks(G)
    views = zip(A, G, gate["f"], gate["i"], gate["g"], gate["o"], c, tanh_c, h)
    h_prev, c_prev = h0, c0
    for A_t, G_t, f, i, g, o, c_t, tc_t, h_t in views:
        np.matmul(h_prev, W_h, out=buf)                     # h_{t-1} W_h
        A_t += buf                                          #   + x_t W_x + b
        np.tanh(A_t, out=G_t)                               # tanh(a/2) for f, i, o; tanh(a) for g
        G_t *= scale                                        # -> sigma(a) = tanh(a/2)/2 + 1/2 for f, i, o
        G_t += shift                                        #    (g: times 1, plus 0)
        np.multiply(f, c_prev, out=c_t)                     # c = f c_prev
        np.multiply(i, g, out=ig)
        c_t += ig                                           #   + i g
        np.tanh(c_t, out=tc_t)
        np.multiply(o, tc_t, out=h_t)                       # h = o tanh(c)
        h_prev, c_prev = h_t, c_t
    A /= scale                                              # undo the halving: the true pre-activations
    return LSTMTrace(x=x, h0=h0, c0=c0, **{f"a_{q}": a for q, a in gate_blocks(A).items()}, **gate,
                     c=c, tanh_c=tanh_c, h=h, y=output_forward(params, h))


def lstm_backward(params: LSTMParams, trace: LSTMTrace, dh=None, dy=None, k: int | None = None) -> Gradients:
    """BPTT through ``lstm_forward``. dh (T, N, H): direct dL/dh_t; dy (T, N, K): dL/dy_t.

    k: truncated BPTT as torch with ``h, c = h.detach(), c.detach()`` every k steps: no
    gradient flows from step t into h_{t-1}, c_{t-1} when t % k == 0 (t > 0). None: full.
    The work is ``cell_bptt``'s, from the cell's ``local_derivatives``.
    """
    check_trace(params, trace, LSTMParams, LSTMTrace)
    return cell_bptt(params, trace, local_derivatives(trace), dh, dy, k)


def local_derivatives(trace: LSTMTrace) -> dict:
    """The LSTM's local derivatives at every step, each (T, N, H), from which ``cell_bptt`` builds
    all gradients: "f", "i", "g": dc_t/da_q; "o": dh_t/da_o; "dh_dc": dh_t/dc_t; "dc_dc": dc_t/dc_{t-1}."""
    f, i, g, o, tc = trace.f, trace.i, trace.g, trace.o, trace.tanh_c
    return {"f": (1 - f) * f * trace.c_prev,          # c = f c_prev + ..., then sigma' = s (1 - s)
            "i": (1 - i) * i * g,                     # c = ... + i g, then sigma'
            "g": (1 - g * g) * i,                     # c = ... + i g, then tanh' = 1 - g^2
            "o": (1 - o) * o * tc,                    # h = o tanh(c), then sigma'
            "dh_dc": (1 - tc * tc) * o,               # h = o tanh(c)
            "dc_dc": f}                               # c = f c_prev + ...


def cell_bptt(params: LSTMFamilyParams, trace: LSTMTrace, local: dict, dh=None, dy=None,
              k: int | None = None) -> Gradients:
    """BPTT of any cell of the LSTM family (``lstm_backward``, the variants' ``variant_backward``), its
    gates stacked in the order ``params.gates`` (o last: it feeds h_t, the others c_t). local: the
    cell's ``local_derivatives``; dh, dy, k as in ``lstm_backward``."""
    k = check_k(k)
    gup, dW_hy, db_y = upstream(params, trace, dh, dy)
    T, N, H = gup.shape
    G = len(params.gates)
    M = np.stack([local[q] for q in params.gates], axis=2)    # (T, N, G, H): da_q = dc M_q, da_o = dh M_o
    Q, F = local["dh_dc"], local["dc_dc"]
    dA = np.empty((T, N, G, H), params.dtype)
    dA2 = dA.reshape(T, N, G * H)
    dh_tot = np.empty_like(gup)
    W_x, W_h, _ = params.stacked()
    W_hT = np.ascontiguousarray(W_h.T)
    dh_next, dc_next, dc = (np.zeros((N, H), params.dtype) for _ in range(3))
    dc_cell = dc[:, None, :]                            # dc broadcast over the gates that feed c_t
    for t in reversed(range(T)):
        dht = np.add(gup[t], dh_next, out=dh_tot[t])    # direct + from step t+1
        np.multiply(dht, Q[t], out=dc)                  # through h = o tanh(c)
        dc += dc_next                                   #   + from c_{t+1} = f c_t + ...
        np.multiply(dht, M[t, :, -1], out=dA[t, :, -1])            # da_o
        np.multiply(dc_cell, M[t, :, :-1], out=dA[t, :, :-1])      # da_f, da_i, da_g
        np.multiply(dc, F[t], out=dc_next)              # c_{t-1} reaches c_t through f
        np.matmul(dA2[t], W_hT, out=dh_next)            # through h_{t-1} W_h
        if k is not None and t > 0 and t % k == 0:
            dh_next[:] = 0                              # truncation: cut both paths
            dc_next[:] = 0
    return _gradients(params, trace, dA2, dh_tot, dh_next, dc_next, W_x, dW_hy, db_y)


def _gradients(params, trace, dA, dh_tot, dh0, dc0, W_x, dW_hy, db_y):
    """Parameter gradients from dA (T, N, G H) in one matmul each, split back into names."""
    T, N, GH = dA.shape
    H = GH // len(params.gates)
    dA2 = dA.reshape(T * N, GH)
    d = {"W_hy": dW_hy, "b_y": db_y}
    for w, grad in [("W_x", trace.x.reshape(T * N, -1).T @ dA2),        # sum_t x_t^T da_t
                    ("W_h", trace.h_prev.reshape(T * N, H).T @ dA2),    # sum_t h_{t-1}^T da_t
                    ("b_", dA2.sum(axis=0))]:
        d.update({f"{w}{q}": block for q, block in gate_blocks(grad, params.gates).items()})
    da = gate_blocks(dA, params.gates)
    for q in params.peepholes:                          # a_f, a_i add p * c_{t-1}; a_o adds p_o * c_t
        d[f"p_{q}"] = (da[q] * (trace.c if q == "o" else trace.c_prev)).sum(axis=(0, 1))
    dx = (dA2 @ W_x.T).reshape(T, N, -1)
    return Gradients(dparams=type(params)(**d), dx=dx, dh0=dh0, dc0=dc0, dh=dh_tot)
