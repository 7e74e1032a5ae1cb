"""Tests of lstmlib.captioning: the synthetic captions, the captioner, hard attention, the spatial transformer."""
import numpy as np
import pytest
import torch

from lstmlib.torchside import captioning as cap
from lstmlib.torchside.training import single_thread

F = torch.nn.functional


def _digits(M=20):
    rng = np.random.default_rng(1)
    return rng.random((M, 1, 8, 8)), np.arange(M) % 10


def test_digit_captions_say_what_is_where():
    imgs, labels = _digits()
    X, caps = cap.digit_captions(imgs, labels, 200, rng=np.random.default_rng(0))
    assert X.shape == (200, 1, 16, 16) and X.dtype == np.float32 and len(caps) == 200
    for x, c in zip(X, caps):
        if len(c) == 2:
            assert np.count_nonzero(x) == 64                   # one 8x8 digit
        elif c[2] == "left":
            assert c[3:] == ["of", "a", c[5]] and np.count_nonzero(x[0, :, :8]) == 64
        else:
            assert c[2] == "above" and np.count_nonzero(x[0, :8]) == 64 and np.count_nonzero(x[0, 8:]) == 64
    kinds = {len(c) for c in caps}
    assert kinds == {2, 5, 6}
    with pytest.raises(ValueError, match="labels must have shape"):
        cap.digit_captions(imgs, labels[:3], 5, rng=np.random.default_rng(0))


def test_left_digit_is_named_first():
    imgs = np.zeros((2, 1, 8, 8))
    imgs[0, 0, 0, 0], imgs[1, 0, 0, 0] = 1.0, 2.0           # tell the two digits apart by one pixel
    X, caps = cap.digit_captions(imgs, np.array([3, 7]), 100, rng=np.random.default_rng(0), p_single=0.0)
    for x, c in zip(X, caps):
        first = 1.0 if c[1] == "3" else 2.0
        if c[2] == "left":
            assert x[0, :, :8].max() == first
        else:
            assert x[0, :8].max() == first


def test_encode_and_decode_captions():
    v = cap.caption_vocab()
    ids = cap.encode_captions(v, [["a", "3"], ["a", "1", "above", "a", "2"]])
    assert ids.shape == (7, 2) and ids[0].tolist() == [1, 1] and ids[3, 0] == v.index[cap.END]
    assert ids[4:, 0].tolist() == [0, 0, 0]
    assert cap.decode_caption(v, ids[1:, 1]) == ["a", "1", "above", "a", "2"]
    with pytest.raises(ValueError, match="outside the vocabulary"):
        cap.encode_captions(v, [["a", "cat"]])


@pytest.mark.parametrize("attention", [True, False])
def test_captioner_shapes_and_attention_weights(attention):
    torch.manual_seed(0)
    v = cap.caption_vocab()
    m = cap.Captioner(len(v), attention=attention)
    x = torch.rand(3, 1, 16, 16)
    y, alpha = m(x, torch.ones(4, 3, dtype=torch.long))
    assert y.shape == (4, 3, len(v))
    ids, alphas = m.generate(x, v, max_len=5)
    assert ids.shape[1] == 3 and ids.shape[0] <= 5
    if attention:
        assert alpha.shape == (4, 3, 16) and torch.allclose(alpha.sum(2), torch.ones(4, 3))
        assert alphas.shape == (ids.shape[0], 3, 16)
    else:
        assert alpha is None and alphas is None


def test_soft_context_is_the_attention_weighted_mean():
    torch.manual_seed(0)
    m = cap.Captioner(len(cap.caption_vocab()))
    A = torch.rand(2, 16, 32)
    z, alpha = m._attend(A, m.att_A(A), torch.zeros(2, 64))
    assert torch.allclose(z, torch.einsum("nl,nlf->nf", alpha, A), atol=1e-6)


def test_training_repeats_and_learns_a_single_digit():
    imgs, labels = _digits(4)
    X, caps = cap.digit_captions(imgs, labels, 64, rng=np.random.default_rng(0), p_single=1.0)
    v = cap.caption_vocab()
    ids = cap.encode_captions(v, caps)
    losses = []
    for _ in range(2):
        torch.manual_seed(0)
        m = cap.Captioner(len(v), H=16)
        with single_thread():
            losses.append(cap.train_captioner(m, X, ids, epochs=60, batch=16, lr=1e-2, progress=False))
    assert losses[0] == losses[1] and losses[0][-1] < losses[0][0] / 5
    assert cap.caption_accuracy(m, X, caps, v) > 0.9
    with pytest.raises(ValueError, match="same number of examples"):
        cap.train_captioner(m, X[:3], ids, progress=False)


def test_hard_attention_averages_to_soft():
    rng = np.random.default_rng(0)
    A, alpha = rng.normal(size=(16, 5)), rng.dirichlet(np.ones(16))
    picks, where = cap.hard_context(A, alpha, rng=rng, samples=200_000)
    assert np.all(picks == A[where])
    assert np.allclose(picks.mean(0), alpha @ A, atol=0.01)      # E[A_l] under l ~ alpha is the soft context
    with pytest.raises(ValueError, match="probability vector"):
        cap.hard_context(A, alpha * 2, rng=rng)


def test_affine_theta():
    assert np.allclose(cap.affine_theta(), [[1, 0, 0], [0, 1, 0]])
    th = cap.affine_theta(90, 0.5, 0.1, -0.2)
    assert np.allclose(th, [[0, -0.5, 0.1], [0.5, 0, -0.2]])
    with pytest.raises(ValueError, match="scale must be > 0"):
        cap.affine_theta(scale=0)
    with pytest.raises(ValueError, match="angle must be a finite number"):
        cap.affine_theta(angle=float("nan"))


def test_grid_and_sampler_match_torch_float64():
    rng = np.random.default_rng(0)
    th = np.stack([cap.affine_theta(30, 0.8, 0.1, -0.2), cap.affine_theta(-75, 1.3), rng.normal(size=(2, 3))])
    U = rng.random((3, 2, 8, 9))
    grid = cap.affine_grid(th, 7, 10)
    ref = F.affine_grid(torch.tensor(th), [3, 2, 7, 10], align_corners=False)
    assert np.allclose(grid, ref.numpy(), atol=1e-12)
    V = cap.grid_sample(U, grid)
    assert np.allclose(V, F.grid_sample(torch.tensor(U), ref, align_corners=False).numpy(), atol=1e-12)
    assert np.allclose(cap.grid_sample(U, cap.affine_grid(np.stack([cap.affine_theta()] * 3), 8, 9)), U)
    with pytest.raises(ValueError, match="theta must have shape"):
        cap.affine_grid(np.zeros((1, 3, 3)), 4, 4)


def test_bilinear_weights_by_hand():
    U = np.arange(4.0).reshape(1, 1, 2, 2)                   # pixels 0 1 / 2 3
    # pixel (u, v) = (0.5, 0.5) is x = y = 0 (the image centre): mean of the four
    assert np.isclose(cap.grid_sample(U, np.zeros((1, 1, 1, 2)))[0, 0, 0, 0], 1.5)
    # (u, v) = (0.25, 0) -> x = (2u + 1) / W - 1 = -0.25, y = -0.5: 0.75 * 0 + 0.25 * 1
    assert np.isclose(cap.grid_sample(U, np.array([[[[-0.25, -0.5]]]]))[0, 0, 0, 0], 0.25)
    # far outside: zero padding
    assert cap.grid_sample(U, np.full((1, 1, 1, 2), 3.0))[0, 0, 0, 0] == 0


def test_spatial_transformer_starts_as_identity_and_is_differentiable():
    torch.manual_seed(0)
    stn = cap.SpatialTransformer()
    U = torch.rand(2, 1, 8, 8, requires_grad=True)
    V, theta = stn(U)
    assert torch.allclose(V, U, atol=1e-6) and torch.allclose(theta, torch.tensor([[1.0, 0, 0], [0, 1, 0]]).expand(2, 2, 3))
    V.pow(2).sum().backward()
    assert stn.loc[-1].bias.grad.abs().sum() > 0               # the sampler passes gradients to theta


def test_hard_attention_has_no_gradient_but_soft_attention_has():
    """Erratum (CS231n notes, hard attention): a picked location gives zero gradient to the scores,
    while the captioner's soft context passes gradient back to the decoder state."""
    torch.manual_seed(0)
    m = cap.Captioner(len(cap.caption_vocab()))
    A = torch.rand(1, 16, 32, dtype=torch.float64)
    m = m.double()
    h = torch.randn(1, 64, dtype=torch.float64, requires_grad=True)
    z, alpha = m._attend(A, m.att_A(A), h)
    z.sum().backward()
    assert h.grad.abs().max() > 1e-3                              # soft: a real gradient
    eps = 1e-6
    contexts = []
    for sign in (1, -1):
        with torch.no_grad():
            _, a = m._attend(A, m.att_A(A), h + sign * eps * h.grad)
        contexts.append(cap.hard_context(A[0].numpy(), a[0].numpy(), rng=np.random.default_rng(1),
                                         samples=50)[0])
    assert not np.allclose(alpha.detach()[0].numpy(), a[0].numpy(), rtol=0, atol=0)   # the weights moved
    np.testing.assert_array_equal(contexts[0], contexts[1])      # hard: piecewise constant, derivative 0


@pytest.mark.parametrize("E", [4, 16, 300])
def test_output_size_is_the_vocabulary_not_the_embedding_plus_one(E):
    """Errata (CS231n notes): y_t has one score per vocabulary token (<end> included), whatever the
    embedding size E; the notes' 'x is 300-dim, so y is 301-dim' mixes the two up."""
    vocab = cap.caption_vocab()
    assert "<end>" in vocab.tokens and len(vocab.tokens) == 17
    model = cap.Captioner(len(vocab), E=E, F=4, H=8)
    y, _ = model(torch.zeros(2, 1, 16, 16), torch.zeros(3, 2, dtype=torch.long))
    assert y.shape == (3, 2, len(vocab)) and model.out.out_features == len(vocab)


# ---------------------------------------------------------------------------- the start, a shared encoder, a fair comparison
def test_initial_state_reads_where_things_are():
    """h_{-1} comes from the whole grid vec(A), so two images with the same features in different places
    start the decoder differently (a max over locations could not tell them apart)."""
    torch.manual_seed(0)
    m = cap.Captioner(len(cap.caption_vocab()), F=4, H=8)
    A = torch.zeros(2, 16, 4)
    A[0, 0, 1] = A[1, 15, 1] = 1.0                                  # the same feature, top-left vs bottom-right
    h, c = m._start(A)
    assert h.shape == (2, 8) and not torch.allclose(h[0], h[1])
    assert m.init_h.in_features == 16 * 4


def test_pretrained_encoder_names_digits_and_is_copied_frozen():
    imgs, labels = _digits(10)
    X, caps = cap.digit_captions(imgs, labels, 200, rng=np.random.default_rng(0), p_single=1.0)
    y = [int(c[1]) for c in caps]
    with single_thread():
        state = cap.pretrain_encoder(X, y, F=8, epochs=15, lr=1e-2, progress=False)
    model = cap.Captioner(len(cap.caption_vocab()), F=8, H=8)
    assert cap.use_encoder(model, state) is model
    for k, v in model.cnn.state_dict().items():
        assert torch.equal(v, state[k])
    assert not any(p.requires_grad for p in model.cnn.parameters())
    assert all(p.requires_grad for p in model.out.parameters())
    # the copied ConvNet tells the ten digits apart: a nearest-mean read-out of its pooled features
    with torch.no_grad():
        feats = model.features(torch.as_tensor(X)).amax(1).numpy()      # (N, F)
    means = np.stack([feats[np.array(y) == d].mean(0) for d in range(10)])
    guess = np.argmin(((feats[:, None] - means[None]) ** 2).sum(2), axis=1)
    assert np.mean(guess == np.array(y)) > 0.8
    with pytest.raises(ValueError, match="state does not fit"):
        cap.use_encoder(cap.Captioner(len(cap.caption_vocab()), F=16), state)
    with pytest.raises(ValueError, match="labels must be digits"):
        cap.pretrain_encoder(X, np.full(len(X), 11))
    with pytest.raises(ValueError, match="images must be"):
        cap.pretrain_encoder(X[:, :, :8], y)


def test_tune_and_repeat_captioner_uses_one_grid():
    imgs, labels = _digits(4)
    rng = np.random.default_rng(0)
    X, caps = cap.digit_captions(imgs, labels, 48, rng=rng, p_single=1.0)
    Xv, capsv = cap.digit_captions(imgs, labels, 16, rng=rng, p_single=1.0)
    v = cap.caption_vocab()
    ids = cap.encode_captions(v, caps)
    grid = {"lr": (1e-2, 1e-3), "epochs": 3}
    results = {}
    for attention in (False, True):
        def make(seed, attention=attention):
            torch.manual_seed(seed)
            return cap.Captioner(len(v), F=4, H=8, attention=attention)
        with single_thread():
            results[attention] = cap.tune_and_repeat_captioner(make, X, ids, (Xv, capsv), (Xv, capsv), v, grid=grid,
                                                               seeds=(0, 1), batch=16)
    for r in results.values():
        assert sorted(r.tuning) == [1e-3, 1e-2]                       # both models: the same grid
        assert r.lr == max(sorted(r.tuning), key=lambda lr: r.tuning[lr])
        assert len(r.test) == len(r.models) == 2 and r.val[0] == r.tuning[r.lr]
        assert np.allclose(r.test, [cap.caption_accuracy(m, Xv, capsv, v) for m in r.models])
    with pytest.raises(ValueError, match="grid must be a dict"):
        cap.tune_and_repeat_captioner(make, X, ids, (Xv, capsv), (Xv, capsv), v, grid={"lr": ()})
    with pytest.raises(ValueError, match="val must be a tuple"):
        cap.tune_and_repeat_captioner(make, X, ids, Xv, (Xv, capsv), v)


# ---------------------------------------------------------------------------- a trained spatial transformer
def test_rotate_images_and_theta_angle():
    img = np.zeros((1, 1, 8, 8))
    img[0, 0, 1:7, 3:5] = 1.0                                          # a vertical bar
    turned = cap.rotate_images(img, np.array([90.0]))[0, 0]
    assert np.allclose(turned, img[0, 0].T, atol=1e-9)                # a quarter turn makes it horizontal
    assert np.allclose(cap.rotate_images(img, np.array([0.0])), img)
    theta = np.stack([cap.affine_theta(a, s, 0.1, -0.2) for a, s in ((30, 0.8), (-75, 1.3), (0, 1))])
    assert np.allclose(cap.theta_angle(theta), [30, -75, 0])
    with pytest.raises(ValueError, match="angles must have shape"):
        cap.rotate_images(img, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="theta must"):
        cap.theta_angle(np.zeros((2, 3)))


def test_rotated_digits_bad_input():
    imgs, labels = _digits(5)
    x, y, a = cap.rotated_digits(imgs, labels, 7, rng=np.random.default_rng(0), max_angle=30)
    assert x.shape == (7, 1, 8, 8) and x.dtype == np.float32 and y.shape == a.shape == (7,)
    assert np.all(np.abs(a) <= 30)
    with pytest.raises(ValueError, match="max_angle must be"):
        cap.rotated_digits(imgs, labels, 3, rng=np.random.default_rng(0), max_angle=200)
    with pytest.raises(ValueError, match="labels must have shape"):
        cap.rotated_digits(imgs, labels[:2], 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="images must be"):
        cap.train_stn_classifier(cap.STNClassifier(), np.zeros((3, 8, 8)), np.zeros(3))


def test_trained_transformer_turns_digits_back():
    """The claim of IV.4b: trained only on the labels, the transformer's angle follows the true turn."""
    from lstmlib.data import digits
    split = digits(rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    X, y, _ = cap.rotated_digits(split.x_train, split.y_train, 3000, rng=rng)
    Xt, _, angles = cap.rotated_digits(split.x_test, split.y_test, 300, rng=rng)
    torch.manual_seed(0)
    model = cap.STNClassifier().double()
    with single_thread():
        cap.train_stn_classifier(model, X.astype(np.float64), y, epochs=6, lr=1e-2, progress=False)
    with torch.no_grad():
        _, theta = model.stn(torch.as_tensor(Xt, dtype=torch.float64))
    assert np.corrcoef(cap.theta_angle(theta.numpy()), angles)[0, 1] > 0.8
