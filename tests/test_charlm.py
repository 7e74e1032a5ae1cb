"""Character language models at scale (lstmlib.torchside.charlm): the parts that need no shipped checkpoint."""
import numpy as np
import pytest
import torch

from lstmlib.data.text import build_vocab, encode
from lstmlib.torchside import charlm
from lstmlib.torchside.training import seeded

TEXT = "to be, or not to be: that is the question.\n" * 20


def _model(V, seed=0):
    with seeded(seed):
        return charlm.CharLM(V, E=4, H=8, layers=2)


def test_split_is_contiguous_and_complete():
    train, val = charlm.corpus_split(TEXT, 0.1)
    assert train + val == TEXT and len(val) == len(TEXT) - round(len(TEXT) * 0.9)
    for bad in (0.0, 0.5, -1):
        with pytest.raises(ValueError, match="val_fraction"):
            charlm.corpus_split(TEXT, bad)
    with pytest.raises(ValueError, match="text must be a str"):
        charlm.corpus_split("short", 0.1)


def test_nats_per_char_is_the_mean_cross_entropy_of_every_next_character():
    vocab = build_vocab(TEXT)
    ids = encode(vocab, TEXT[:201])
    model = _model(vocab.K)
    N = 4
    got = charlm.nats_per_char(model, ids, T=7, N=N)
    L = 200 // N                                          # every stream read from its start, state carried
    with torch.no_grad():
        x = torch.as_tensor(ids[:L * N]).reshape(N, L).T
        y = torch.as_tensor(ids[1:L * N + 1]).reshape(N, L).T
        scores, _ = model(x)
        want = float(torch.nn.functional.cross_entropy(scores.reshape(-1, vocab.K).double(), y.reshape(-1)))
    assert got == pytest.approx(want, rel=1e-6)
    assert np.log(vocab.K) * 0.9 < got < np.log(vocab.K) * 1.1     # untrained: about uniform


def test_checkpoint_round_trip_is_float16_and_weights_only(tmp_path):
    vocab = build_vocab(TEXT)
    model = _model(vocab.K)
    charlm.save_checkpoint(model, vocab, {"note": "test"}, "tiny", tmp_path)
    state = torch.load(tmp_path / "tiny.pt", weights_only=True)
    assert all(v.dtype == torch.float16 for v in state.values())
    ck = charlm.load_checkpoint("tiny", tmp_path)
    assert ck.vocab.tokens == vocab.tokens and ck.manifest["note"] == "test"
    assert ck.manifest["config"] == dict(V=vocab.K, E=4, H=8, layers=2)
    for (k, a), b in zip(model.state_dict().items(), ck.model.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-3, rtol=1e-3), k
    assert charlm.available_checkpoints(tmp_path) == ["tiny"]
    with pytest.raises(ValueError, match="no checkpoint 'other'"):
        charlm.load_checkpoint("other", tmp_path)


def test_sampling_is_seeded_and_checks_its_input():
    vocab = build_vocab(TEXT)
    model = _model(vocab.K)
    a = charlm.sample_text(model, vocab, "to be", 30, rng=np.random.default_rng(1))
    b = charlm.sample_text(model, vocab, "to be", 30, rng=np.random.default_rng(1))
    assert a == b and len(a) == 30 and set(a) <= set(vocab.tokens)
    cold = charlm.sample_text(model, vocab, "to be", 30, temperature=1e-3, rng=np.random.default_rng(2))
    assert len(set(cold)) <= 3                                     # near-greedy: few distinct characters
    with pytest.raises(ValueError, match="outside the vocabulary"):
        charlm.sample_text(model, vocab, "XYZ", 5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="temperature"):
        charlm.sample_text(model, vocab, "to", 5, temperature=0, rng=np.random.default_rng(0))



def test_sampling_with_a_torch_generator_is_seeded_and_portable_in_float64():
    vocab = build_vocab(TEXT)
    model = _model(vocab.K).double()

    def draw(seed, threads=1):
        old = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            gen = torch.Generator().manual_seed(seed)
            return charlm.sample_text(model, vocab, "to be", 60, temperature=1.5, rng=gen)
        finally:
            torch.set_num_threads(old)

    a = draw(3)
    assert a == draw(3) and len(a) == 60 and set(a) <= set(vocab.tokens)
    assert a != draw(4)                                          # the generator, not torch's global one, decides
    assert draw(3, threads=2) == a                               # float64: the thread count does not matter
    with pytest.raises(ValueError, match="rng must be"):
        charlm.sample_text(model, vocab, "to", 5, rng=7)


def test_a_few_hundred_steps_learn_a_repetitive_text():
    from lstmlib.torchside.training import fit
    vocab = build_vocab(TEXT)
    ids = torch.as_tensor(encode(vocab, TEXT))
    model = _model(vocab.K)
    before = charlm.nats_per_char(model, ids.numpy(), T=20, N=4)
    windows = [(ids[s:s + 40][:, None], ids[s + 1:s + 41][:, None]) for s in range(0, len(ids) - 41, 40)]
    fit(model, windows, charlm.char_lm_loss, epochs=15, lr=1e-2, clip=1.0, progress=False)
    after = charlm.nats_per_char(model, ids.numpy(), T=20, N=4)
    assert after < 0.5 * before


def test_layer_traces_are_the_torch_models_steps_in_float64():
    vocab = build_vocab(TEXT)
    model = _model(vocab.K).double()
    ids = encode(vocab, TEXT[:30])
    traces = charlm.layer_traces(model, ids)
    assert len(traces) == 2 and traces[1].y.shape == (30, 1, vocab.K) and traces[0].y is None
    with torch.no_grad():
        y, (h, c) = model(torch.as_tensor(ids)[:, None])
    np.testing.assert_allclose(traces[1].y[:, 0], y[:, 0].numpy(), atol=1e-12)
    for layer in range(2):
        np.testing.assert_allclose(traces[layer].c[-1, 0], c[layer, 0].numpy(), atol=1e-12)
        np.testing.assert_allclose(traces[layer].h[-1, 0], h[layer, 0].numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="ids must be a non-empty 1-D integer array"):
        charlm.layer_traces(model, np.zeros((2, 2), int))


def test_from_torch_reads_any_layer_and_refuses_others():
    from lstmlib.torchside.bridge import from_torch
    lstm = torch.nn.LSTM(3, 4, num_layers=2)
    p1 = from_torch(lstm, layer=1)
    assert p1.W_xf.shape == (4, 4) and np.allclose(p1.W_hi, lstm.weight_hh_l1.detach().numpy()[:4].T)
    for bad in (2, -1, 1.0):
        with pytest.raises(ValueError, match="layer must be an integer"):
            from_torch(lstm, layer=bad)
