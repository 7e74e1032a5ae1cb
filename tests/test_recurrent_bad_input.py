"""Every public function of the recurrent core rejects bad input with ValueError (and only ValueError).

A hypothesis test draws a function, one of its arguments and a bad value for that argument
(wrong type, wrong number of dimensions, wrong size, NaN/inf, complex/object/str dtype,
out-of-range numbers) and checks that ValueError, naming what was expected, is what escapes.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from lstmlib.core import bptt, gru, lstm, rnn, variants
from lstmlib.torchside import bridge as tb
from lstmlib.core import losses

T, N, D, H, K = 3, 2, 2, 3, 2
rng = np.random.default_rng(0)
P = {"rnn": rnn.RNNParams.init(D, H, K, rng=rng), "lstm": lstm.LSTMParams.init(D, H, K, rng=rng),
     "gru": gru.GRUParams.init(D, H, K, rng=rng), "peep": variants.PeepholeLSTMParams.init(D, H, K, rng=rng)}
x, h0, c0 = rng.normal(size=(T, N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
dh, dy = rng.normal(size=(T, N, H)), rng.normal(size=(T, N, K))
TR = {k: bptt.forward(p, x) for k, p in P.items()}
G = bptt.backward(P["lstm"], TR["lstm"], dh=dh)
STEP = lstm.lstm_step(P["lstm"], x[0], h0, c0)
MODEL = tb.LSTMModel(D, H, K, rng=np.random.default_rng(1))
BATCHES = [(x, rng.integers(0, K, (T, N)))]
Y, TARGETS = rng.normal(size=(T, N, K)), rng.integers(0, K, (T, N))

# argument categories: ("array", constrained axes, optional) | "params:<kind>" | "int" | "pos" | ...
A = lambda *axes, optional=False, any_ndim=False: ("array", axes, optional, any_ndim)
CASES = {
    "rnn_forward": (rnn.rnn_forward, dict(params=P["rnn"], x=x, h0=h0),
                    dict(params="params:rnn", x=A(1, 2), h0=A(0, 1, optional=True))),
    "rnn_backward": (rnn.rnn_backward, dict(params=P["rnn"], trace=TR["rnn"], dh=dh, dy=dy, k=2),
                     dict(params="params:rnn", trace="trace", dh=A(0, 1, 2, optional=True),
                          dy=A(0, 1, 2, optional=True), k="k")),
    "rnn_step": (rnn.rnn_step, dict(params=P["rnn"], x_t=x[0], h_prev=h0),
                 dict(params="params:rnn", x_t=A(1), h_prev=A(0, 1))),
    "rnn_step_backward": (rnn.rnn_step_backward, dict(params=P["rnn"], dh=h0, x_t=x[0], h_prev=h0, h=h0),
                          dict(params="params:rnn", dh=A(0, 1), x_t=A(0, 1), h_prev=A(0, 1), h=A(0, 1))),
    "lstm_forward": (lstm.lstm_forward, dict(params=P["lstm"], x=x, h0=h0, c0=c0),
                     dict(params="params:lstm", x=A(1, 2), h0=A(0, 1, optional=True), c0=A(0, 1, optional=True))),
    "lstm_backward": (lstm.lstm_backward, dict(params=P["lstm"], trace=TR["lstm"], dh=dh, dy=dy, k=1),
                      dict(params="params:lstm", trace="trace", dh=A(0, 1, 2, optional=True),
                           dy=A(0, 1, 2, optional=True), k="k")),
    "lstm_step": (lstm.lstm_step, dict(params=P["lstm"], x_t=x[0], h_prev=h0, c_prev=c0),
                  dict(params="params:lstm", x_t=A(0, 1), h_prev=A(0, 1, optional=True),
                       c_prev=A(0, 1, optional=True))),
    "lstm_step_backward": (lstm.lstm_step_backward,
                           dict(params=P["lstm"], dh=h0, dc=c0, step=STEP, x_t=x[0], h_prev=h0, c_prev=c0),
                           dict(params="params:lstm", dh=A(0, 1), dc=A(0, 1), step="step", x_t=A(0, 1),
                                h_prev=A(0, 1, optional=True), c_prev=A(0, 1, optional=True))),
    "gru_forward": (gru.gru_forward, dict(params=P["gru"], x=x, h0=h0),
                    dict(params="params:gru", x=A(1, 2), h0=A(0, 1, optional=True))),
    "gru_backward": (gru.gru_backward, dict(params=P["gru"], trace=TR["gru"], dh=dh, dy=dy, k=None),
                     dict(params="params:gru", trace="trace", dh=A(0, 1, 2, optional=True),
                          dy=A(0, 1, 2, optional=True), k="k")),
    "variant_forward": (variants.variant_forward, dict(params=P["peep"], x=x, h0=h0, c0=c0),
                        dict(params="params:peep", x=A(1, 2), h0=A(0, 1, optional=True),
                             c0=A(0, 1, optional=True))),
    "variant_backward": (variants.variant_backward, dict(params=P["peep"], trace=TR["peep"], dh=dh, dy=dy),
                         dict(params="params:peep", trace="trace", dh=A(0, 1, 2, optional=True),
                              dy=A(0, 1, 2, optional=True))),
    "forward": (bptt.forward, dict(params=P["lstm"], x=x, h0=h0, c0=c0),
                dict(params="params:any", x=A(1, 2), h0=A(0, 1, optional=True), c0=A(0, 1, optional=True))),
    "backward": (bptt.backward, dict(params=P["gru"], trace=TR["gru"], dh=dh, k=3),
                 dict(params="params:any", trace="trace", dh=A(0, 1, 2), k="k")),
    "softmax": (losses.softmax, dict(y=Y), dict(y=A(any_ndim=True))),
    "softmax_cross_entropy": (losses.softmax_cross_entropy, dict(y=Y, targets=TARGETS),
                              dict(y=A(0, 1), targets="targets")),
    "squared_error": (losses.squared_error, dict(y=Y, targets=Y), dict(y=A(0, 1, 2), targets=A(0, 1, 2))),
    "last_step_loss": (losses.last_step_loss, dict(y=Y, targets=TARGETS[0], kind="cross_entropy"),
                       dict(y=A(1), targets="targets", kind="choice")),
    "clip_by_value": (bptt.clip_by_value, dict(grads=G.dparams, limit=5.0), dict(grads="params:any", limit="pos")),
    "clip_by_global_norm": (bptt.clip_by_global_norm, dict(grads=G.dparams, max_norm=1.0),
                            dict(grads="params:any", max_norm="pos")),
    "global_norm": (bptt.global_norm, dict(grads=G.dparams), dict(grads="params:any")),
    "truncation_cuts": (bptt.truncation_cuts, dict(T=5, k=2), dict(T="int", k="k")),
    "gradient_norms": (bptt.gradient_norms, dict(grads=G), dict(grads="object")),
    "last_step_gradient_norms": (bptt.last_step_gradient_norms, dict(params=P["lstm"], x=x, dh_last=h0, h0=h0),
                                 dict(params="params:any", x=A(1, 2), dh_last=A(0, 1, optional=True),
                                      h0=A(0, 1, optional=True))),
    "jacobians": (bptt.jacobians, dict(params=P["gru"], trace=TR["gru"]), dict(params="params:gru", trace="trace")),
    "spectral_norms": (bptt.spectral_norms, dict(J=np.ones((T, N, H, H))), dict(J=A(3, any_ndim=True))),
    "numerical_gradient": (bptt.numerical_gradient, dict(loss_fn=lambda q: 0.0, params=P["rnn"], eps=1e-6),
                           dict(loss_fn="callable", params="params:any", eps="pos")),
    "init": (lstm.LSTMParams.init, dict(D=2, H=3, K=None, rng=np.random.default_rng(0)),
             dict(D="int", H="int", K="int_optional", rng="rng")),
    "from_vector": (P["gru"].from_vector, dict(v=P["gru"].to_vector()), dict(v=A(0))),
    "from_dict": (rnn.RNNParams.from_dict, dict(d=P["rnn"].to_dict()), dict(d="object")),
    "astype": (P["rnn"].astype, dict(dtype=np.float32), dict(dtype="choice")),
    "LSTMParams": (lstm.LSTMParams, P["lstm"].to_dict(), {n: A(*range(len(s))) for n, s in
                                                           lstm.LSTMParams.shapes(D, H, K).items()}),
    "to_torch": (tb.to_torch, dict(params=P["gru"], dtype=torch.float64), dict(params="params:any", dtype="choice")),
    "from_torch": (tb.from_torch, dict(module=MODEL.rnn, out=MODEL.out), dict(module="module", out="out")),
    "torch_gradients": (tb.torch_gradients, dict(params=P["lstm"], x=x, h0=h0, c0=c0, dh=dh, dy=dy, k=2),
                        dict(params="params:any", x=A(1, 2), h0=A(0, 1, optional=True), c0=A(0, 1, optional=True),
                             dh=A(0, 1, 2, optional=True), dy=A(0, 1, 2, optional=True), k="k")),
    "params_to_model": (tb.params_to_model, dict(params=P["rnn"]), dict(params="params:any")),
    "model_to_params": (tb.model_to_params, dict(model=MODEL), dict(model="object")),
    "train": (tb.train, dict(model=MODEL, batches=BATCHES, epochs=1, lr=0.01, loss="cross_entropy",
                             optimizer="adam", progress=False),
              dict(model="object", batches="batches", epochs="int", lr="pos", loss="choice", optimizer="choice")),
}

BAD_OBJECTS = [None, "text", 3, 2.5, {}, [], np.zeros(3), object()]


def bad_array(draw, valid, axes, optional, any_ndim):
    valid = np.asarray(valid, float)
    kinds = ["str", "nan", "inf", "complex", "object", "empty"]
    kinds += [] if any_ndim else ["ragged", "extra_dim", "drop_dim"]
    kinds += ["resize"] if axes else []
    kinds += [] if optional else ["none"]
    kind = draw(st.sampled_from(kinds))
    if kind in ("nan", "inf"):
        arr = valid.copy()
        arr.flat[draw(st.integers(0, arr.size - 1))] = np.nan if kind == "nan" else draw(st.sampled_from([np.inf, -np.inf]))
        return arr
    if kind == "resize":
        axis = draw(st.sampled_from(axes))
        n = valid.shape[axis] + draw(st.sampled_from([-1, 1, 2, 5]))
        return np.resize(np.moveaxis(valid, axis, -1), valid.shape[:axis] + valid.shape[axis + 1:] + (n,)) \
            .transpose(*_inverse_move(valid.ndim, axis)) if n > 0 else np.take(valid, [], axis=axis)
    return {"str": lambda: draw(st.sampled_from(["abc", np.array(["a", "b"]), b"xy"])),
            "complex": lambda: valid + 1j, "object": lambda: valid.astype(object),
            "ragged": lambda: [[1.0, 2.0], [3.0]], "extra_dim": lambda: valid[None],
            "empty": lambda: np.zeros((0,) + valid.shape[1:]), "drop_dim": lambda: valid[0],
            "none": lambda: None}[kind]()


def _inverse_move(ndim, axis):
    order = [a for a in range(ndim) if a != axis] + [axis]
    return [order.index(a) for a in range(ndim)]


def bad_value(draw, category, name, valid):
    if isinstance(category, tuple):
        return bad_array(draw, valid, *category[1:])
    if category.startswith("params"):
        others = [p for k, p in P.items() if category not in ("params:any", f"params:{k}")]
        return draw(st.sampled_from(BAD_OBJECTS + others + [TR["rnn"]]))
    pools = {
        "int": [0, -1, 2.5, "3", True, None, np.nan],
        "int_optional": [0, -1, 2.5, "3", True, np.inf],
        "k": [0, -1, 2.5, "3", True, np.nan, [2]],
        "pos": [0, -1.0, np.nan, np.inf, "1", None, True, [1.0]],
        "choice": ["nope", 3, None, np.float16] if name != "dtype" else ["nope", 3, None, np.float16, torch.int64],
        "trace": BAD_OBJECTS + [TR["rnn"], TR["lstm"]] if name != "trace" or valid is not TR["rnn"] else BAD_OBJECTS,
        "step": [None, "x", {}, {"f": np.zeros((5, 5))}, dict(STEP, o=np.full((N, H), np.nan))],
        "targets": [Y, TARGETS.astype(float), np.full_like(TARGETS, K), -np.ones_like(TARGETS), TARGETS[..., None],
                    "abc", None, TARGETS[:1]],
        "callable": [None, 3, "f"],
        "rng": [None, 42, np.random.RandomState(0), "seed"],
        "object": BAD_OBJECTS,
        "out": BAD_OBJECTS[1:] + [torch.nn.Linear(H + 1, K), torch.nn.LSTM(D, H)],
        "module": BAD_OBJECTS + [torch.nn.Linear(2, 3), torch.nn.LSTM(D, H, bidirectional=True),
                                 torch.nn.LSTM(D, H, batch_first=True), torch.nn.RNN(D, H, nonlinearity="relu")],
        "batches": BAD_OBJECTS + [[(x,)], [(x[..., :1], TARGETS)], [(x, Y)], [(x, TARGETS[:, :1])],
                                  [(np.full_like(x, np.nan), TARGETS)], [x]],
    }
    pool = pools[category]
    if category == "targets" and name == "targets" and np.ndim(valid) == 1:   # last_step_loss
        pool = [TARGETS, valid.astype(float), np.full_like(valid, K), "abc", None, valid[:1]]
    if category == "trace":
        pool = [v for v in pool if type(v) is not type(valid)]
    return draw(st.sampled_from(pool))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.data())
def test_bad_input_raises_value_error(data):
    name = data.draw(st.sampled_from(sorted(CASES)), label="function")
    fn, kwargs, cats = CASES[name]
    arg = data.draw(st.sampled_from(sorted(cats)), label="argument")
    bad = bad_value(data.draw, cats[arg], arg, kwargs[arg])
    with pytest.raises(ValueError) as info:
        fn(**dict(kwargs, **{arg: bad}))
    msg = str(info.value)
    assert "must" in msg and "got" in msg, msg


@pytest.mark.parametrize("name", sorted(CASES))
def test_valid_calls_work(name):
    """The valid arguments the property test perturbs are accepted as they are."""
    fn, kwargs, _ = CASES[name]
    fn(**kwargs)


def test_messages_name_expected_and_got():
    with pytest.raises(ValueError, match=r"x must have 3 dimensions \(T, N, D\), got shape \(2, 2\)"):
        lstm.lstm_forward(P["lstm"], x[0])
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 3\) \(N, H\), got \(2, 4\)"):
        rnn.rnn_forward(P["rnn"], x, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="params must be GRUParams, got LSTMParams"):
        gru.gru_forward(P["lstm"], x)
    with pytest.raises(ValueError, match="dy needs an output layer"):
        rnn.rnn_backward(rnn.RNNParams.init(D, H, rng=rng), bptt.forward(rnn.RNNParams.init(D, H, rng=rng), x), dy=dy)
