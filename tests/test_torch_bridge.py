"""torch bridge: conversions both ways, models, deterministic training, trained model -> numpy trace."""
import numpy as np
import pytest
import torch

from lstmlib.torchside import bridge as tb
from lstmlib.core.bptt import forward
from lstmlib.core.gru import GRUParams
from lstmlib.core.lstm import GATES, LSTMParams
from lstmlib.core.rnn import RNNParams

KINDS = [RNNParams, LSTMParams, GRUParams]


@pytest.mark.parametrize("P", KINDS)
def test_roundtrip_numpy_torch_numpy(P):
    p = P.init(3, 4, rng=np.random.default_rng(0))
    m = tb.to_torch(p)
    assert m.weight_ih_l0.dtype == torch.float64 and m.weight_ih_l0.shape[1] == 3
    q = tb.from_torch(m)
    assert np.allclose(q.to_vector(), p.to_vector(), rtol=1e-15, atol=0)


@pytest.mark.parametrize("P", KINDS)
def test_torch_default_module_matches_numpy(P):
    """A torch-initialised module (with nonzero bias_hh) gives the same h as its numpy twin."""
    torch.manual_seed(1)
    m = {RNNParams: torch.nn.RNN, LSTMParams: torch.nn.LSTM, GRUParams: torch.nn.GRU}[P](3, 5).double()
    p = tb.from_torch(m)
    x = np.random.default_rng(1).normal(size=(6, 2, 3))
    assert np.allclose(forward(p, x).h, m(torch.tensor(x))[0].detach().numpy(), rtol=1e-12, atol=1e-14)


def test_lstm_gate_order_i_f_g_o():
    p = LSTMParams.init(2, 3, rng=np.random.default_rng(2))
    w = tb.to_torch(p).weight_ih_l0.detach().numpy()
    assert np.array_equal(w[0:3], p.W_xi.T) and np.array_equal(w[3:6], p.W_xf.T)
    assert np.array_equal(w[6:9], p.W_xg.T) and np.array_equal(w[9:12], p.W_xo.T)
    assert tb.TORCH_ORDER == ("i", "f", "g", "o") and sorted(tb.TORCH_ORDER) == sorted(GATES)


def test_set_forget_bias_writes_the_forget_rows():
    model = tb.LSTMModel(2, 3, 2, rng=np.random.default_rng(4), dtype=torch.float64)
    b_i = model.to_params().b_i
    p = tb.set_forget_bias(model, 2.5).to_params()
    assert np.array_equal(p.b_f, np.full(3, 2.5)) and np.array_equal(p.b_i, b_i)


@pytest.mark.parametrize("P", KINDS)
def test_models_match_numpy(P):
    p = P.init(3, 4, 2, rng=np.random.default_rng(3))
    m = tb.params_to_model(p, torch.float64)
    x = np.random.default_rng(3).normal(size=(5, 2, 3))
    y, _ = m(torch.tensor(x))
    assert np.allclose(y.detach().numpy(), forward(p, x).y, rtol=1e-12, atol=1e-14)
    assert np.array_equal(tb.model_to_params(m).to_vector(), p.to_vector())


def test_linear_rnn_model():
    p = RNNParams.init(2, 3, 1, rng=np.random.default_rng(4), activation="linear")
    m = tb.params_to_model(p, torch.float64)
    x = np.random.default_rng(4).normal(size=(5, 2, 2))
    assert np.allclose(m(torch.tensor(x))[0].detach().numpy(), forward(p, x).y)
    assert tb.model_to_params(m).activation == "linear"
    with pytest.raises(ValueError, match="linear"):
        tb.to_torch(p)


def _batches(rng, n=3, T=6, N=4, D=2, K=3):
    return [(rng.normal(size=(T, N, D)), rng.integers(0, K, (T, N))) for _ in range(n)]


def test_train_is_deterministic_and_learns():
    runs = []
    for _ in range(2):
        m = tb.LSTMModel(2, 8, 3, rng=np.random.default_rng(5))
        runs.append(tb.train(m, _batches(np.random.default_rng(6)), epochs=15, lr=0.05, progress=False))
    assert runs[0] == runs[1] and len(runs[0]) == 45
    assert np.mean(runs[0][-3:]) < np.mean(runs[0][:3])
    p = tb.model_to_params(m)                              # trained model -> numpy, step through gates
    x = _batches(np.random.default_rng(6))[0][0]
    y = m(torch.tensor(x, dtype=torch.float32))[0].detach().numpy()
    assert np.allclose(forward(p, x).y, y, atol=1e-5)


@pytest.mark.parametrize("Model", [tb.RNNModel, tb.GRUModel])
def test_train_mse_last_step_and_sgd(Model):
    rng = np.random.default_rng(7)
    batches = [(rng.normal(size=(4, 3, 2)), rng.normal(size=(3, 1)))]
    m = Model(2, 4, 1, rng=rng)
    h = tb.train(m, batches, epochs=5, lr=0.1, loss="mse", optimizer="sgd", clip=1.0, progress=False)
    assert len(h) == 5 and h[-1] < h[0]


def test_train_uses_the_chosen_device_and_returns_the_model_home():
    import torch
    rng = np.random.default_rng(0)
    model = tb.LSTMModel(2, 3, 2)
    batch = [(rng.normal(size=(4, 5, 2)), rng.integers(0, 2, size=(4, 5)))]
    history = tb.train(model, batch, epochs=2, progress=False, on="cpu")
    assert len(history) == 2 and next(model.parameters()).device == torch.device("cpu")
    with pytest.raises(ValueError, match="on must name a torch device"):
        tb.train(model, batch, progress=False, on="no-such-device")




def test_trace_lstm_reads_any_torch_lstm_like_torch_does():
    """Inspect any LSTM: every layer's numpy trace equals torch's states (float64), with or without an embedding."""
    rng = np.random.default_rng(0)
    lstm = torch.nn.LSTM(3, 5, num_layers=3).double()
    x = rng.normal(size=(7, 3))
    traces = tb.trace_lstm(lstm, x)
    with torch.no_grad():
        y, (h, c) = lstm(torch.as_tensor(x)[:, None])
    np.testing.assert_allclose(traces[-1].h[:, 0], y[:, 0].numpy(), atol=1e-12)
    for layer in range(3):
        np.testing.assert_allclose(traces[layer].c[-1, 0], c[layer, 0].numpy(), atol=1e-12)
    emb = torch.nn.Embedding(10, 3).double()
    ids = rng.integers(0, 10, 7)
    with_ids = tb.trace_lstm(lstm, ids, embedding=emb)
    np.testing.assert_allclose(with_ids[0].x[:, 0], emb.weight.detach().numpy()[ids], atol=0)
    with pytest.raises(ValueError, match="inputs must be ids"):
        tb.trace_lstm(lstm, np.array([0, 10]), embedding=emb)
    with pytest.raises(ValueError, match="D = 3"):
        tb.trace_lstm(lstm, rng.normal(size=(4, 2)))
