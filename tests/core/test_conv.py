"""lstmlib.conv against torch (float64), against its naive loops, and against the lecture's numbers."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from lstmlib.core import conv, norm
from lstmlib import data
from lstmlib.core import losses
from lstmlib.lectures import refresher
from lstmlib.lectures import xo as xo_lecture

FILTERS = data.lecture_filters()


@pytest.fixture
def slides():
    return data.lecture_slide_values()


def torch_conv_mean(torch, x, f, S, P):
    """The lecture's convolution in torch: conv2d (a sum of products) divided by F*F."""
    out = torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(f)[None, None], stride=S, padding=P)
    return out[0, 0].numpy() / f.size


@settings(max_examples=40, deadline=None)
@given(W=st.integers(3, 12), F=st.integers(1, 5), P=st.integers(0, 2), S=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_conv_matches_torch_and_naive(W, F, P, S, seed, torch):
    if F > W + 2 * P or (W - F + 2 * P) % S:
        with pytest.raises(ValueError):
            conv.feature_map_size(W, F, P, S)
        return
    rng = np.random.default_rng(seed)
    x, f = rng.normal(size=(W, W)), rng.normal(size=(F, F))
    fast = conv.conv2d_mean(x, f, S, P)
    assert fast.shape == (conv.feature_map_size(W, F, P, S),) * 2
    np.testing.assert_allclose(fast, torch_conv_mean(torch, x, f, S, P), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fast, conv.conv2d_mean_naive(x, f, S, P), rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(W=st.integers(2, 11), k=st.integers(1, 3), stride=st.integers(1, 3), ceil=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_max_pool_matches_torch_and_naive(W, k, stride, ceil, seed, torch):
    x = np.random.default_rng(seed).normal(size=(W, W))
    if k > W:                                   # no window fits: a clear error, not an empty map
        with pytest.raises(ValueError, match="larger than the input width"):
            conv.max_pool(x, k, stride, ceil)
        with pytest.raises(ValueError, match="larger than the input width"):
            conv.pool_output_size(W, k, stride, ceil)
        return
    ours = conv.max_pool(x, k, stride, ceil)
    # torch drops a last window that would start beyond the input; ours never creates one
    ref = torch.nn.functional.max_pool2d(torch.tensor(x)[None, None], k, stride, ceil_mode=ceil)[0, 0].numpy()
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(ours, conv.max_pool_naive(x, k, stride, ceil))
    assert ours.shape == (conv.pool_output_size(W, k, stride, ceil),) * 2


def test_size_formula_lecture_and_errors():
    assert conv.feature_map_size(9, 3, 0, 1) == 7                  # 9x9 -> 7x7
    assert conv.feature_map_size(224, 3, 1, 1) == 224              # the stacking example keeps 224
    assert conv.pool_output_size(224, 2, 2) == 112
    assert conv.pool_output_size(7, 2, 2, ceil_mode=True) == 4     # 7x7 -> 4x4 needs ceil mode
    assert conv.pool_output_size(7, 2, 2, ceil_mode=False) == 3
    with pytest.raises(ValueError, match="not a whole number"):
        conv.feature_map_size(10, 3, 0, 2)
    with pytest.raises(ValueError, match="larger than the padded"):
        conv.feature_map_size(3, 5, 0, 1)


def test_lecture_feature_maps_match_to_truncated_two_decimals(slides):
    """The slides print each exact value k/9 truncated (not rounded) to two decimals."""
    x = data.x_image()
    for k, f in enumerate(FILTERS.values(), 1):
        m = conv.conv2d_mean(x, f)
        np.testing.assert_allclose(m * 9, np.round(m * 9))                     # multiples of 1/9
        np.testing.assert_allclose(np.trunc(m * 100 + 1e-9 * np.sign(m)) / 100, slides[f"map{k}"], atol=1e-12)
        assert np.max(np.abs(m - slides[f"map{k}"])) > 0.007                    # 0.77 is really 0.78
        pooled = conv.max_pool(conv.relu(m))
        np.testing.assert_allclose(np.trunc(pooled * 100 + 1e-9) / 100, slides[f"pool{k}"], atol=1e-12)
    assert conv.conv2d_mean(x, FILTERS["diagonal \\"])[0, 0] == pytest.approx(7 / 9)


def test_lecture_worked_window(slides):
    """The computation slide: window at row 3, column 3 gives products summing to 5, mean 5/9."""
    p = conv.window_products(data.x_image(), FILTERS["diagonal \\"], 3, 3)
    np.testing.assert_array_equal(p, [[1, 1, -1], [1, 1, 1], [-1, 1, 1]])
    assert p.sum() == 5 and p.mean() == pytest.approx(5 / 9)                 # slide: 8 terms, ".55"
    np.testing.assert_array_equal(conv.window_products(data.x_image(), FILTERS["diagonal \\"], 1, 1),
                                  np.ones((3, 3)))                              # 9 ones (slide adds 8)


def test_slide_copies_with_errors(slides):
    """Cells of the ReLU maps as reprinted on later slides that disagree with the computation."""
    r = [conv.relu(conv.conv2d_mean(data.x_image(), f)) for f in FILTERS.values()]
    tr = lambda a: np.trunc(a * 100 + 1e-9) / 100                            # noqa: E731
    np.testing.assert_allclose(tr(r[0]), slides["relu1"])
    np.testing.assert_allclose(tr(r[1]), slides["relu2"])
    bad3 = np.argwhere(~np.isclose(tr(r[2]), slides["relu3"]))
    assert bad3.tolist() == [[4, 4], [4, 5], [4, 6]]
    assert np.argwhere(~np.isclose(tr(r[1]), slides["relu2_pool"])).tolist() == [[1, 1], [3, 1]]
    assert np.argwhere(~np.isclose(tr(r[2]), slides["relu3_pool"])).tolist() == \
        [[0, 3], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4], [3, 6]]


def test_deep_stacking_is_pooling_again(slides):
    maps = [conv.max_pool(conv.relu(conv.conv2d_mean(data.x_image(), f))) for f in FILTERS.values()]
    again = np.stack([conv.max_pool(m) for m in maps])
    np.testing.assert_allclose(np.trunc(again * 100 + 1e-9) / 100, slides["pool_again"])


def test_images_and_filters():
    x = data.x_image()
    np.testing.assert_array_equal(x, x.T)
    np.testing.assert_array_equal(x, x[:, ::-1])
    np.testing.assert_array_equal(data.rotate_image(x, 90), x)
    assert set(np.unique(data.o_image())) == {-1.0, 1.0}
    assert np.sum(x != data.tricky_x_image()) == 8
    assert xo_lecture.pixel_agreement(x, data.tricky_x_image()) == pytest.approx(73 / 81)
    assert xo_lecture.pixel_agreement(x, data.shift_image(x, 0, 1)) < xo_lecture.pixel_agreement(x, data.tricky_x_image())
    np.testing.assert_array_equal(data.shift_image(x, 0, 1)[:, 1:], x[:, :-1])
    f = FILTERS
    np.testing.assert_array_equal(f["X"], [[1, -1, 1], [-1, 1, -1], [1, -1, 1]])
    np.testing.assert_array_equal(f["diagonal /"], f["diagonal \\"][:, ::-1])


def test_noise_and_dataset_are_seeded():
    a = data.add_noise(data.x_image(), np.random.default_rng(1), 0.2)
    b = data.add_noise(data.x_image(), np.random.default_rng(1), 0.2)
    np.testing.assert_array_equal(a, b)
    imgs, labels = data.xo_dataset(50, np.random.default_rng(0))
    assert imgs.shape == (50, 9, 9) and set(np.unique(imgs)) <= {-1.0, 1.0} and set(labels) == {0, 1}
    with pytest.raises(ValueError, match="rng"):
        data.add_noise(data.x_image(), 0, 0.1)


def test_refresher_gradient_step_lowers_the_error():
    x, w, t = np.array([2.0]), np.array([0.5]), 3.0
    w1 = refresher.gradient_step(x, w, t, lr=0.1)
    assert w1[0] == pytest.approx(1.3)
    assert refresher.neuron_error(t, refresher.weighted_sum(x, w1)) < refresher.neuron_error(t, refresher.weighted_sum(x, w))
    # the lecture's sign (w + lr de/dw) goes uphill
    w_up = w + 0.1 * refresher.neuron_error_grad(x, w, t)
    assert refresher.neuron_error(t, refresher.weighted_sum(x, w_up)) > refresher.neuron_error(t, refresher.weighted_sum(x, w))
    # gradient check by finite differences
    eps = 1e-6
    num = (refresher.neuron_error(t, refresher.weighted_sum(x, w + eps)) - refresher.neuron_error(t, refresher.weighted_sum(x, w - eps))) / (2 * eps)
    assert refresher.neuron_error_grad(x, w, t)[0] == pytest.approx(num, rel=1e-6)


bad_images = st.one_of(
    st.just("X"), st.just(None), st.just([[1, 2], [3]]),
    arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(5, 8))),         # not square
    arrays(np.float64, st.integers(1, 5)),                                        # 1-D
    st.just(np.full((5, 5), np.nan)))


@settings(max_examples=30, deadline=None)
@given(bad=bad_images)
def test_bad_images_raise_value_error(bad):
    with pytest.raises(ValueError):
        conv.conv2d_mean(bad, np.ones((3, 3)))
    with pytest.raises(ValueError):
        conv.max_pool(bad)


@settings(max_examples=30, deadline=None)
@given(S=st.integers(-3, 0), P=st.integers(-3, -1))
def test_bad_stride_and_padding_raise(S, P):
    with pytest.raises(ValueError):
        conv.conv2d_mean(np.ones((5, 5)), np.ones((3, 3)), S=S)
    with pytest.raises(ValueError):
        conv.conv2d_mean(np.ones((5, 5)), np.ones((3, 3)), P=P)
    with pytest.raises(ValueError):
        conv.conv2d_mean(np.ones((5, 5)), np.ones((3, 3)), S=1.5)


def test_features_votes_softmax(torch):
    fx = xo_lecture.xo_features(data.x_image())
    np.testing.assert_allclose(fx, data.lecture_slide_values()["pool_again"].ravel(), atol=0.01)
    w = np.stack([fx, xo_lecture.xo_features(data.o_image())])
    v = xo_lecture.fc_votes(fx, w)
    assert v[0] > v[1]
    p = losses.softmax(v)
    assert p.sum() == pytest.approx(1) and p[0] > 0.5
    np.testing.assert_allclose(losses.softmax([1000.0, 1000.0]), [0.5, 0.5])
    np.testing.assert_allclose(losses.softmax(v), torch.softmax(torch.tensor(v), 0).numpy())
    with pytest.raises(ValueError):
        xo_lecture.fc_votes(fx, np.ones((2, 5)))


# -- many channels, 1x1 convolutions, batch normalisation ----------------------------------

@settings(max_examples=40, deadline=None)
@given(N=st.integers(1, 3), C_in=st.integers(1, 4), C_out=st.integers(1, 4), H=st.integers(3, 9),
       W=st.integers(3, 9), F=st.integers(1, 4), P=st.integers(0, 2), S=st.integers(1, 3),
       bias=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_multichannel_conv_matches_torch_and_naive(N, C_in, C_out, H, W, F, P, S, bias, seed, torch):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(N, C_in, H, W)), rng.normal(size=(C_out, C_in, F, F))
    b = rng.normal(size=C_out) if bias else None
    fits = all(F <= L + 2 * P and (L - F + 2 * P) % S == 0 for L in (H, W))
    if not fits:
        with pytest.raises(ValueError):
            conv.conv2d(x, w, b, S, P)
        return
    ours = conv.conv2d(x, w, b, S, P)
    ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), None if b is None else torch.tensor(b),
                                     stride=S, padding=P).numpy()
    assert ours.shape == (N, C_out, conv.feature_map_size(H, F, P, S), conv.feature_map_size(W, F, P, S))
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours, conv.conv2d_naive(x, w, b, S, P), rtol=1e-12, atol=1e-12)


def test_multichannel_conv_sums_over_channels():
    """A filter that is 1 on channel 0 and 2 on channel 1 adds the channels' window sums, weighted."""
    x = np.stack([np.ones((4, 4)), 3 * np.ones((4, 4))])[None]           # (1, 2, 4, 4)
    w = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))])[None]           # (1, 2, 3, 3)
    np.testing.assert_array_equal(conv.conv2d(x, w, [0.5]), np.full((1, 1, 2, 2), 9 * 1 + 9 * 6 + 0.5))
    # the lecture's mean convolution is the one-channel sum divided by F*F
    img, f = data.x_image(), FILTERS["X"]
    np.testing.assert_allclose(conv.conv2d(img[None, None], f[None, None])[0, 0] / 9, conv.conv2d_mean(img, f))


def test_multichannel_parameter_count(torch):
    from lstmlib.torchside import cnn
    for F, C_in, C_out in [(3, 1, 16), (3, 16, 32), (5, 3, 8), (1, 64, 16)]:
        layer = torch.nn.Conv2d(C_in, C_out, F)
        n_numpy = layer.weight.detach().numpy().size + layer.bias.detach().numpy().size
        assert cnn.conv_params(F, C_in, C_out) == (F * F * C_in + 1) * C_out == n_numpy
        assert cnn.count_parameters(layer) == n_numpy


def test_conv1x1_is_a_per_pixel_linear_map(torch):
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 6, 5, 4)), rng.normal(size=(2, 6)), rng.normal(size=2)
    out = conv.conv1x1(x, w, b)
    assert out.shape == (2, 2, 5, 4)
    for n, i, j in [(0, 0, 0), (1, 4, 3), (1, 2, 1)]:
        np.testing.assert_allclose(out[n, :, i, j], w @ x[n, :, i, j] + b, rtol=1e-13)
    np.testing.assert_allclose(out, conv.conv2d(x, w[:, :, None, None], b), rtol=1e-13)
    ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w)[:, :, None, None], torch.tensor(b)).numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match=r"\(C_out, C_in\)"):
        conv.conv1x1(x, w[:, :, None, None])


def test_conv2d_bad_input_says_what_was_expected():
    x, w = np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3))
    with pytest.raises(ValueError, match=r"x must have 4 dimensions \(N, C_in, H, W\)"):
        conv.conv2d(np.ones((3, 5, 5)), w)
    with pytest.raises(ValueError, match="x has C_in=2 channels but weight expects C_in=3"):
        conv.conv2d(np.ones((2, 2, 5, 5)), w)
    with pytest.raises(ValueError, match="square"):
        conv.conv2d(x, np.ones((4, 3, 3, 2)))
    with pytest.raises(ValueError, match=r"bias must have shape \(4\)"):
        conv.conv2d(x, w, np.ones(3))
    with pytest.raises(ValueError, match="not a whole number"):
        conv.conv2d(np.ones((1, 3, 6, 6)), w, stride=2)
    with pytest.raises(ValueError, match="padding"):
        conv.conv2d(x, w, padding=-1)
    with pytest.raises(ValueError, match="finite"):
        conv.conv2d(np.full((2, 3, 5, 5), np.nan), w)


@settings(max_examples=25, deadline=None)
@given(N=st.integers(1, 4), C=st.integers(1, 4), H=st.integers(1, 5), W=st.integers(2, 5),
       seed=st.integers(0, 2 ** 16))
def test_batch_norm_matches_torch(N, C, H, W, seed, torch):
    rng = np.random.default_rng(seed)
    x, gamma, beta = rng.normal(2.0, 3.0, size=(N, C, H, W)), rng.normal(size=C), rng.normal(size=C)
    layer = torch.nn.BatchNorm2d(C, momentum=0.1, eps=1e-5).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(gamma))
        layer.bias.copy_(torch.tensor(beta))
    ours = norm.batch_norm2d(x, gamma, beta, training=True)
    np.testing.assert_allclose(ours.y, layer.train()(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.running_mean, layer.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.running_var, layer.running_var.numpy(), rtol=1e-12)
    x2 = rng.normal(size=(N, C, H, W))                               # test time: the running statistics
    test = norm.batch_norm2d(x2, gamma, beta, training=False, running_mean=ours.running_mean,
                             running_var=ours.running_var)
    np.testing.assert_allclose(test.y, layer.eval()(torch.tensor(x2)).detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(test.running_mean, ours.running_mean)


def test_batch_norm_normalises_each_channel_over_batch_and_positions():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3, 4, 4)) * np.array([1.0, 10.0, 0.1])[None, :, None, None] + 5.0
    y = norm.batch_norm2d(x).y
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1.0, rtol=1e-3)      # eps keeps it just below 1
    assert not np.allclose(y.mean(axis=(0, 1)), 0.0)                     # not per position
    y2 = norm.batch_norm2d(x, gamma=[2.0, 2.0, 2.0], beta=[1.0, 1.0, 1.0]).y
    np.testing.assert_allclose(y2, 2 * y + 1, rtol=1e-12)
    # one image at test time does not depend on the rest of the batch; in training it does
    run = dict(running_mean=np.zeros(3), running_var=np.ones(3), training=False)
    np.testing.assert_array_equal(norm.batch_norm2d(x, **run).y[:1], norm.batch_norm2d(x[:1], **run).y)
    assert not np.allclose(norm.batch_norm2d(x).y[:1], norm.batch_norm2d(x[:2]).y[:1])


def test_batch_norm_bad_input():
    with pytest.raises(ValueError, match=r"x must have 4 dimensions \(N, C, H, W\)"):
        norm.batch_norm2d(np.ones((3, 4, 4)))
    with pytest.raises(ValueError, match=r"gamma must have shape \(3\)"):
        norm.batch_norm2d(np.ones((2, 3, 4, 4)), gamma=np.ones(2))
    with pytest.raises(ValueError, match="more than one value per channel"):
        norm.batch_norm2d(np.ones((1, 3, 1, 1)))
    with pytest.raises(ValueError, match="momentum"):
        norm.batch_norm2d(np.ones((2, 3, 4, 4)), momentum=1.5)
    with pytest.raises(ValueError, match="eps"):
        norm.batch_norm2d(np.ones((2, 3, 4, 4)), eps=0)
