"""numpy <-> torch: lstmlib's parameters in torch.nn.RNN / LSTM / GRU modules and back, and their training.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

torch stores each layer as weight_ih (G H, D), weight_hh (G H, H) and two biases
bias_ih, bias_hh (G H,), gates stacked in rows: RNN (G=1), LSTM i, f, g, o (G=4),
GRU r, z, n (G=3). lstmlib uses row vectors, so W_x* = weight_ih[rows].T, and one bias
per gate: b_* = bias_ih[rows] + bias_hh[rows] (except the GRU's b_xn = b_in, b_hn = b_hn).
Going numpy -> torch, bias_hh is set to zero (the GRU's n rows hold b_hn).
"""
from __future__ import annotations


import numpy as np
import torch
from torch import nn

from lstmlib.core.gru import GATES as GRU_GATES, GRUParams
from lstmlib.core.lstm import GATES, LSTMParams, lstm_forward
from lstmlib.core.rnn import RNNParams
from lstmlib.core.base import check_input
from lstmlib.core.validate import as_real_array, check_choice, check_instance, check_positive_int, check_shape
from lstmlib.core.validate import check_finite
from lstmlib.torchside.training import fit

__all__ = ["to_torch", "from_torch", "trace_lstm", "torch_gradients", "RNNModel", "LSTMModel",
           "GRUModel", "params_to_model", "model_to_params", "train", "set_forget_bias"]

# torch.nn.LSTM stacks its gates' rows as i, f, g, o: lstmlib's GATES (f, i, g, o) with f and i swapped.
# (torch.nn.GRU's rows r, z, n are in lstmlib's GRU order.)
TORCH_ORDER = ("i", "f", "g", "o")
assert sorted(TORCH_ORDER) == sorted(GATES)

# (torch module class, gate letters in torch's row order)
_LAYOUT = {RNNParams: (nn.RNN, ("h",)), LSTMParams: (nn.LSTM, TORCH_ORDER), GRUParams: (nn.GRU, GRU_GATES)}


def _bias(params, q):
    return params.b_xn if q == "n" else getattr(params, f"b_{q}")


def to_torch(params, dtype=torch.float64) -> nn.Module:
    """A torch.nn.RNN / LSTM / GRU (one layer, time-first) holding exactly ``params``."""
    check_instance(params, "params", tuple(_LAYOUT))
    check_choice(dtype, "dtype", [torch.float32, torch.float64])
    if isinstance(params, RNNParams) and params.activation != "tanh":
        raise ValueError(f"torch.nn.RNN has no '{params.activation}' activation; use RNNModel, "
                         f"got activation={params.activation!r}")
    cls, gates = _LAYOUT[type(params)]
    module = cls(params.D, params.H).to(dtype)
    w_ih = np.concatenate([getattr(params, f"W_x{q}") for q in gates], axis=1).T   # (G H, D)
    w_hh = np.concatenate([getattr(params, f"W_h{q}") for q in gates], axis=1).T   # (G H, H)
    b_ih = np.concatenate([_bias(params, q) for q in gates])
    b_hh = np.zeros_like(b_ih)
    if isinstance(params, GRUParams):
        b_hh[2 * params.H:] = params.b_hn                  # the n rows keep b_hn apart
    with torch.no_grad():
        for name, value in [("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh),
                            ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)]:
            getattr(module, name).copy_(torch.as_tensor(np.ascontiguousarray(value)))
    return module


def from_torch(module: nn.Module, out: nn.Linear | None = None, activation: str = "tanh", layer: int = 0,
               reverse: bool = False):
    """numpy float64 params of one layer (default the first) of a torch.nn.RNN / LSTM / GRU
    (+ optional nn.Linear output). Layer l > 0 reads the hidden states of layer l - 1 as its input x
    (of a bidirectional module: both directions' states, (T, N, 2H)). reverse: the right-to-left
    direction of a bidirectional module (torch's ``*_reverse`` weights) instead of the left-to-right one."""
    kinds = {cls: p for p, (cls, _) in _LAYOUT.items()}
    check_instance(module, "module", tuple(kinds))
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < module.num_layers:
        raise ValueError(f"layer must be an integer in [0, {module.num_layers}), got {layer!r}")
    if not isinstance(reverse, bool) or (reverse and not module.bidirectional):
        raise ValueError(f"reverse must be True or False, and True only for a bidirectional module, got "
                         f"{reverse!r} for {module}")
    if not module.bias or module.batch_first \
            or getattr(module, "proj_size", 0) or getattr(module, "nonlinearity", "tanh") != "tanh":
        raise ValueError(f"module must have biases, be time-first, tanh, with no projection, got {module}")
    if module.bidirectional and out is not None:
        raise ValueError(f"out must be None for a bidirectional module (its output layer reads both directions), "
                         f"got {out}")
    P = kinds[type(module)]
    gates = _LAYOUT[P][1]
    H = module.hidden_size
    get = lambda name: getattr(module, name).detach().cpu().double().numpy()
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh, b_ih, b_hh = (get(f"{n}{suffix}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    d = {}
    for k, q in enumerate(gates):
        rows = slice(k * H, (k + 1) * H)
        d[f"W_x{q}"], d[f"W_h{q}"] = w_ih[rows].T, w_hh[rows].T
        if q == "n":
            d["b_xn"], d["b_hn"] = b_ih[rows], b_hh[rows]
        else:
            d[f"b_{q}"] = b_ih[rows] + b_hh[rows]
    if out is not None:
        check_instance(out, "out", nn.Linear)
        d["W_hy"] = out.weight.detach().cpu().double().numpy().T       # (H, K)
        d["b_y"] = out.bias.detach().cpu().double().numpy()
    return P(**d, activation=activation) if P is RNNParams else P(**d)


def trace_lstm(lstm: nn.LSTM, inputs, embedding: nn.Embedding | None = None, out: nn.Linear | None = None) -> list:
    """Run any (multi-layer, time-first) ``torch.nn.LSTM`` over one sequence in the book's numpy core and
    return every layer's named trace (``LSTMTrace``: each gate f, i, g, o, the cell c, h, in float64).

    inputs: ids (T,) with ``embedding`` (each id's row of the embedding matrix is the input x_t), or
    float inputs (T, D) without it. ``out``: the model's output layer, to get the top trace's y_t.
    Layer l reads layer l - 1's h_t. Use it to point the book's cell colouring at your own model.
    """
    check_instance(lstm, "lstm", nn.LSTM)
    if lstm.bidirectional:
        raise ValueError(f"lstm must be unidirectional (use lstmlib.core.deep for bidirectional layers), got {lstm}")
    if embedding is not None:
        check_instance(embedding, "embedding", nn.Embedding)
        ids = np.asarray(inputs)
        if ids.ndim != 1 or ids.size == 0 or not np.issubdtype(ids.dtype, np.integer) \
                or ids.min() < 0 or ids.max() >= embedding.num_embeddings:
            raise ValueError(f"inputs must be ids (T,) in 0..{embedding.num_embeddings - 1} with an embedding, "
                             f"got {ids.dtype} {ids.shape}")
        x = embedding.weight.detach().cpu().double().numpy()[ids]             # (T, D): one row per id
    else:
        x = as_real_array(inputs, "inputs", 2, "(T, D)", dtype=np.float64)
        if x.shape[1] != lstm.input_size:
            raise ValueError(f"inputs must be (T, D) with D = {lstm.input_size}, got {x.shape}")
    x = x[:, None, :]                                                         # (T, N = 1, D)
    traces = []
    for layer in range(lstm.num_layers):
        top = layer == lstm.num_layers - 1
        trace = lstm_forward(from_torch(lstm, out=out if top else None, layer=layer), x)
        traces.append(trace)
        x = trace.h
    return traces


def torch_gradients(params, x, h0=None, c0=None, dh=None, dy=None, k: int | None = None) -> dict:
    """The same forward and BPTT done by torch autograd in float64, as numpy (for checks).

    Objective: sum(h * dh) + sum(y * dy), so its gradient matches ``*_backward(dh=dh, dy=dy)``.
    k: truncated BPTT by ``state.detach()`` before every step t > 0 with t % k == 0.
    Returns {"h", "y", "dparams", "dx", "dh0", "dc0"} (y, dc0 None when absent).
    """
    x, h0, c0 = check_input(params, x, h0, c0, kinds=tuple(_LAYOUT), with_c=True)
    T, N = x.shape[:2]
    if dh is None and dy is None:
        raise ValueError("dh (T, N, H) and/or dy (T, N, K) must be given, got neither")
    if dh is not None:
        dh = as_real_array(dh, "dh", 3, "(T, N, H)")
        check_shape(dh, "dh", (T, N, params.H), "(T, N, H)")
    if dy is not None:
        if params.K is None:
            raise ValueError("dy needs an output layer (W_hy, b_y), got params without one")
        dy = as_real_array(dy, "dy", 3, "(T, N, K)")
        check_shape(dy, "dy", (T, N, params.K), "(T, N, K)")
    k = None if k is None else check_positive_int(k, "k")
    params = params.astype(np.float64)
    module = to_torch(params, torch.float64)
    out = None if params.K is None else _linear(params.W_hy, params.b_y)
    lstm = isinstance(params, LSTMParams)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    h0t = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    c0t = torch.tensor(c0, dtype=torch.float64, requires_grad=True)
    state = (h0t[None], c0t[None]) if lstm else h0t[None]
    hs = []
    for t in range(T):
        if k is not None and t > 0 and t % k == 0:
            state = tuple(s.detach() for s in state) if lstm else state.detach()
        h_t, state = module(xt[t:t + 1], state)
        hs.append(h_t)
    h = torch.cat(hs)
    y = None if out is None else out(h)
    total = (h * torch.as_tensor(dh)).sum() if dh is not None else h.sum() * 0
    if dy is not None:
        total = total + (y * torch.as_tensor(dy)).sum()
    total.backward()
    grad_module = to_torch(params, torch.float64)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(grad_module, name).copy_(getattr(module, name).grad)
        keep = slice(2 * params.H, None) if isinstance(params, GRUParams) else slice(0, 0)
        b_hh = grad_module.bias_hh_l0.clone()
        grad_module.bias_hh_l0.zero_()                  # b = b_ih + b_hh: dL/db = dL/db_ih
        grad_module.bias_hh_l0[keep] = b_hh[keep]       # except the GRU's separate b_hn
    gout = None if out is None else _linear(out.weight.grad.numpy().T, out.bias.grad.numpy())
    opts = {"activation": params.activation} if isinstance(params, RNNParams) else {}
    return {"h": h.detach().numpy(), "y": None if y is None else y.detach().numpy(),
            "dparams": from_torch(grad_module, gout, **opts), "dx": xt.grad.numpy(),
            "dh0": h0t.grad.numpy(), "dc0": c0t.grad.numpy() if lstm else None}


def _linear(W_hy, b_y):
    out = nn.Linear(*W_hy.shape).double()
    with torch.no_grad():
        out.weight.copy_(torch.as_tensor(np.ascontiguousarray(W_hy.T)))
        out.bias.copy_(torch.as_tensor(b_y))
    return out


class _Model(nn.Module):
    """A recurrent layer (self.rnn) then a linear output layer (self.out): y_t = h_t W_hy + b_y."""
    kind = None

    def __init__(self, D: int, H: int, K: int, rng: np.random.Generator | None = None,
                 dtype=torch.float32, activation: str = "tanh", params=None):
        super().__init__()
        if params is None:
            rng = np.random.default_rng(0) if rng is None else rng
            opts = {"activation": activation} if self.kind is RNNParams else {}
            params = self.kind.init(D, H, K, rng=rng, **opts)
        self.activation = getattr(params, "activation", "tanh")
        tanh_twin = params if self.activation == "tanh" else RNNParams(
            params.W_xh, params.W_hh, params.b_h, params.W_hy, params.b_y)
        self.rnn = to_torch(tanh_twin, dtype)            # weights live in a torch module either way
        self.out = nn.Linear(params.H, params.K).to(dtype)
        with torch.no_grad():
            self.out.weight.copy_(torch.as_tensor(params.W_hy.T.copy()))
            self.out.bias.copy_(torch.as_tensor(params.b_y))

    def forward(self, x, state=None):
        """x (T, N, D) -> (y (T, N, K), final state as torch returns it)."""
        if self.activation == "linear":                  # h_t = x_t W_xh + h_{t-1} W_hh + b_h
            r = self.rnn
            h = x.new_zeros(x.shape[1], r.hidden_size) if state is None else state[0]
            hs = []
            for x_t in x:
                h = x_t @ r.weight_ih_l0.T + r.bias_ih_l0 + h @ r.weight_hh_l0.T + r.bias_hh_l0
                hs.append(h)
            hseq, state = torch.stack(hs), h[None]
        else:
            hseq, state = self.rnn(x, state)
        return self.out(hseq), state

    def to_params(self):
        """numpy float64 params (with output layer) of this model."""
        return from_torch(self.rnn, self.out, self.activation)

    @classmethod
    def from_params(cls, params, dtype=torch.float32):
        check_instance(params, "params", cls.kind)
        if params.K is None:
            raise ValueError("params must have an output layer (W_hy, b_y), got K=None")
        return cls(params.D, params.H, params.K, dtype=dtype, params=params)


class RNNModel(_Model):
    """Vanilla RNN (activation "tanh" or "linear") + output layer."""
    kind = RNNParams


class LSTMModel(_Model):
    """LSTM + output layer."""
    kind = LSTMParams


class GRUModel(_Model):
    """GRU (torch convention) + output layer."""
    kind = GRUParams


_MODELS = {RNNParams: RNNModel, LSTMParams: LSTMModel, GRUParams: GRUModel}


def params_to_model(params, dtype=torch.float32) -> _Model:
    """The RNNModel / LSTMModel / GRUModel holding ``params`` (which need an output layer)."""
    check_instance(params, "params", tuple(_MODELS))
    return _MODELS[type(params)].from_params(params, dtype)


def model_to_params(model: _Model):
    """numpy float64 params of a trained model, ready for the numpy trace."""
    check_instance(model, "model", _Model)
    return model.to_params()


def _loss(y, target, kind):
    """sum_t mean_n of the per-step loss, like lstmlib.bptt; (N,)/(N, K) targets: last step only."""
    T, N, K = y.shape
    if kind == "cross_entropy":
        if target.dim() == 1:
            y, target = y[-1:], target[None]
        return nn.functional.cross_entropy(y.reshape(-1, K), target.reshape(-1).long(), reduction="sum") / N
    if target.dim() == 2:
        y, target = y[-1:], target[None]
    return 0.5 * ((y - target) ** 2).sum() / N


def train(model: _Model, batches, epochs: int = 1, lr: float = 1e-2, loss: str = "cross_entropy",
          optimizer: str = "adam", clip: float | None = None, seed: int = 0, shuffle: bool = True,
          progress: bool = True, on: str | torch.device | None = None) -> list:
    """Train ``model`` on a list of (x (T, N, D), targets) batches; returns the loss of every step.

    targets: int (T, N) or (N,) for "cross_entropy", float (T, N, K) or (N, K) for "mse".
    The loss is sum_t mean_n of the per-step loss, as in lstmlib.core.bptt. The steps are the
    book's one loop, :func:`lstmlib.torchside.training.fit` (seeded batch order, CUDA when
    present unless ``on`` says otherwise, clipping to ``clip``, the model back where it was).
    """
    check_instance(model, "model", _Model)
    check_choice(loss, "loss", ["cross_entropy", "mse"])
    return fit(model, _tensors(model, batches, loss), lambda m, x, t: _loss(m(x)[0], t, loss), epochs=epochs,
               lr=lr, optimizer=optimizer, clip=clip, seed=seed, shuffle=shuffle, progress=progress, on=on)


def _tensors(model, batches, loss):
    """Validate (x, targets) pairs and move them to the model's device and dtype."""
    p = next(model.parameters())
    out = []
    if not isinstance(batches, (list, tuple)) or len(batches) == 0:
        raise ValueError(f"batches must be a non-empty list of (x, targets) pairs, got {type(batches).__name__}")
    for n, pair in enumerate(batches):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"batches[{n}] must be a pair (x, targets), got {type(pair).__name__}")
        x, t = (v.detach().cpu().numpy() if torch.is_tensor(v) else v for v in pair)
        x = as_real_array(x, f"batches[{n}][0]", 3, "(T, N, D)")
        if x.shape[2] != model.rnn.input_size:
            raise ValueError(f"batches[{n}][0] must have D={model.rnn.input_size}, got shape {x.shape}")
        if loss == "cross_entropy":
            t = np.asarray(t)
            if not np.issubdtype(t.dtype, np.integer) or t.shape not in (x.shape[:2], x.shape[1:2]):
                raise ValueError(f"batches[{n}][1] must be int targets (T, N) or (N,), got {t.dtype} {t.shape}")
            t = torch.as_tensor(t, device=p.device)
        else:
            t = as_real_array(t, f"batches[{n}][1]", None)
            if t.ndim not in (2, 3) or t.shape[0 if t.ndim == 2 else 1] != x.shape[1]:
                raise ValueError(f"batches[{n}][1] must be float targets (T, N, K) or (N, K), got {t.shape}")
            t = torch.as_tensor(t, device=p.device, dtype=p.dtype)
        out.append((torch.as_tensor(x, device=p.device, dtype=p.dtype), t))
    return out


def set_forget_bias(model, value: float):
    """Set the LSTM forget-gate bias b_f to ``value`` in every unit (f's rows of bias_ih; bias_hh zeroed)."""
    check_instance(model, "model", LSTMModel)
    value = check_finite(value, "value")
    H = model.rnn.hidden_size
    rows = slice(TORCH_ORDER.index("f") * H, (TORCH_ORDER.index("f") + 1) * H)    # torch's rows H:2H
    with torch.no_grad():
        model.rnn.bias_ih_l0[rows] = value
        model.rnn.bias_hh_l0[rows] = 0.0
    return model
