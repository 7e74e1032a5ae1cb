"""lstmlib.cnn: parameter counts from layer definitions, formulas and the published numbers;
seeded, deterministic training on the CPU."""
import numpy as np
import pytest
import torch

from lstmlib.torchside import cnn
from lstmlib.core import conv
from lstmlib import data


@pytest.mark.parametrize("name", list(cnn.ARCHITECTURES))
def test_module_count_equals_formula(name):
    assert cnn.count_parameters(cnn.build_architecture(name)) == cnn.formula_params(name)


def test_counts_against_published():
    count = {n: cnn.formula_params(n) for n in cnn.ARCHITECTURES}
    assert count["LeNet-5"] == 60_000                          # "60,000 trainable parameters"
    assert count["AlexNet"] == 60_965_224                      # "60 million"
    assert count["VGG-16"] == 138_357_544                      # "138 million"
    for n in ("ResNet-18", "ResNet-34", "ResNet-50"):
        assert count[n] == cnn.PUBLISHED_PARAMS[n][0]
    for n, (pub, _) in cnn.PUBLISHED_PARAMS.items():
        assert abs(count[n] - pub) / pub < 0.02


def test_formulas_and_shapes():
    assert cnn.conv_params(3, 64, 128) == 73_856
    assert cnn.conv_params(5, 96, 256, groups=2) == 307_456
    assert cnn.linear_params(200 * 200 * 3, 1, bias=False) == 120_000       # the lecture's neuron
    with pytest.raises(ValueError):
        cnn.conv_params(3, 5, 4, groups=2)
    shapes = cnn.layer_shapes(cnn.build_architecture("VGG-16"), (1, 3, 224, 224))
    assert shapes[0][1] == (1, 64, 224, 224) and shapes[4] == ("MaxPool2d", (1, 64, 112, 112))
    assert cnn.layer_shapes(cnn.build_architecture("AlexNet"), (1, 3, 227, 227))[-1][1] == (1, 1000)
    assert cnn.count_parameters(cnn.LeNet5(faithful=False)) == 61_706
    assert cnn.LeNet5()(torch.zeros(2, 1, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError):
        cnn.resnet(20)


def test_xo_net_pipeline_shapes():
    net = cnn.XOConvNet()
    assert net.features(torch.zeros(5, 1, 9, 9)).shape == (5, 3, 4, 4)
    assert cnn.count_parameters(net) == 3 * 10 + 48 * 2 + 2


def test_xo_net_computes_the_lecture_maps():
    """With the lecture's filters (divided by 9) and no bias, the net's features are the lecture's."""
    net = cnn.XOConvNet().double()
    with torch.no_grad():
        net.conv.weight.copy_(torch.tensor(np.stack(list(data.lecture_filters().values())))[:, None] / 9)
        net.conv.bias.zero_()
        feats = net.features(torch.tensor(data.x_image())[None, None])[0].numpy()
    for k, f in enumerate(data.lecture_filters().values()):
        np.testing.assert_allclose(feats[k], conv.max_pool(conv.relu(conv.conv2d_mean(data.x_image(), f))))


def test_training_is_deterministic_and_learns():
    rng = np.random.default_rng(0)
    X, y = data.xo_dataset(200, rng)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        net = cnn.XOConvNet()
        res = cnn.train_classifier(net, X[:, None], y, epochs=5, lr=0.05, seed=0, progress=False,
                                   device=torch.device("cpu"))
        runs.append((res, net.fc.weight.detach().clone()))
    assert runs[0][0].losses == runs[1][0].losses
    assert torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0].losses[-1] < runs[0][0].losses[0] and runs[0][0].train_acc > 0.9


def test_digits_split_and_confusion():
    split = data.digits(test_fraction=0.25, rng=np.random.default_rng(0))
    Xtr, ytr, Xte, yte = split.x_train, split.y_train, split.x_test, split.y_test
    assert Xtr.shape[1:] == (1, 8, 8) and len(Xtr) + len(Xte) == 1797 and Xtr.max() <= 1
    cm = cnn.confusion_matrix(yte, yte, 10)
    assert cm.trace() == len(yte)
    np.testing.assert_array_equal(cnn.confusion_matrix([0, 1, 1, 2], [0, 0, 1, 1], 3),
                                  [[1, 0, 0], [1, 1, 0], [0, 1, 0]])     # rows: true class, columns: predicted
    with pytest.raises(ValueError):
        cnn.train_classifier(cnn.DigitsConvNet(), Xtr, ytr.astype(float), epochs=1)


# -- batch normalisation, residual and inception blocks, the stored digits experiments ------------

def _bn(C):
    return 2 * C                                            # gamma and beta


def test_block_nets_parameter_counts():
    block16 = 2 * (cnn.conv_params(3, 16, 16, bias=False) + _bn(16))
    stem16 = cnn.conv_params(3, 1, 16, bias=False) + _bn(16)
    plain = stem16 + 2 * block16 + cnn.linear_params(16, 10)
    assert cnn.count_parameters(cnn.BlockDigitsNet("plain", 16)) == plain == 9690
    assert cnn.count_parameters(cnn.BlockDigitsNet("residual", 16)) == plain      # the skip adds nothing
    w = cnn.InceptionBlock.widths(40)
    assert w == dict(b1=10, r3=15, b3=20, r5=2, b5=5, bp=5) and w["b1"] + w["b3"] + w["b5"] + w["bp"] == 40
    module = (cnn.conv_params(1, 40, w["b1"], False) + cnn.conv_params(1, 40, w["r3"], False)
              + cnn.conv_params(3, w["r3"], w["b3"], False) + cnn.conv_params(1, 40, w["r5"], False)
              + cnn.conv_params(5, w["r5"], w["b5"], False) + cnn.conv_params(1, 40, w["bp"], False)
              + _bn(w["b1"] + w["r3"] + w["b3"] + w["r5"] + w["b5"] + w["bp"]))
    inception = cnn.conv_params(3, 1, 40, False) + _bn(40) + 2 * module + cnn.linear_params(40, 10)
    assert cnn.count_parameters(cnn.BlockDigitsNet("inception", 40)) == inception
    assert abs(inception / plain - 1) < 0.02
    bn = cnn.conv_params(3, 1, 16, False) + _bn(16) + cnn.conv_params(3, 16, 32, False) + _bn(32) + 1290
    assert cnn.count_parameters(cnn.DigitsConvNet(batchnorm=True)) == bn == 6138
    for name in cnn.BLOCKS:
        assert cnn.BlockDigitsNet(name, 16 if name != "inception" else 40)(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


def test_residual_block_adds_its_input():
    """With the second convolution's weights at zero, BN's output is beta = 0: the residual block passes
    relu(x) on, the plain block (the same layers without the skip) passes zeros."""
    x = torch.randn(4, 8, 5, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for skip, expect in ((True, torch.relu(x)), (False, torch.zeros_like(x))):
        block = cnn.ResidualBlock(8, skip=skip).double()
        with torch.no_grad():
            block.conv2[0].weight.zero_()
        torch.testing.assert_close(block(x), expect)


def test_inception_block_stacks_its_branches():
    block = cnn.InceptionBlock(6, b1=2, r3=3, b3=4, r5=1, b5=2, bp=3).double().eval()
    x = torch.randn(2, 6, 5, 5, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    out = block(x)
    assert out.shape == (2, 2 + 4 + 2 + 3, 5, 5) and block.C_out == 11
    torch.testing.assert_close(out[:, :2], block.branch1(x))
    torch.testing.assert_close(out[:, 2:6], block.branch3(x))
    torch.testing.assert_close(out[:, 8:], block.branch_pool(x))


def test_batchnorm_digits_net_matches_the_numpy_core():
    """The first convolution and batch normalisation of DigitsConvNet(batchnorm=True), in float64,
    against conv.conv2d and norm.batch_norm2d (training mode, then test mode with the running statistics)."""
    from lstmlib.core import norm
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = cnn.DigitsConvNet(batchnorm=True).double()
    conv_layer, bn_layer = net.features[0], net.features[1]
    with torch.no_grad():
        bn_layer.weight.uniform_(0.5, 2.0)
        bn_layer.bias.uniform_(-1.0, 1.0)
    x = np.random.default_rng(0).random((6, 1, 8, 8))
    w, g, b = (p.detach().numpy() for p in (conv_layer.weight, bn_layer.weight, bn_layer.bias))
    ours = norm.batch_norm2d(conv.conv2d(x, w, padding=1), g, b)
    net.train()
    theirs = bn_layer(conv_layer(torch.tensor(x))).detach().numpy()
    np.testing.assert_allclose(ours.y, theirs, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.running_var, bn_layer.running_var.numpy(), rtol=1e-12)
    net.eval()
    test = norm.batch_norm2d(conv.conv2d(x[:2], w, padding=1), g, b, training=False,
                             running_mean=ours.running_mean, running_var=ours.running_var)
    np.testing.assert_allclose(test.y, bn_layer(conv_layer(torch.tensor(x[:2]))).detach().numpy(), rtol=1e-10, atol=1e-10)


def test_block_nets_bad_input():
    with pytest.raises(ValueError, match="block must be one of"):
        cnn.BlockDigitsNet("dense")
    with pytest.raises(ValueError, match="C_out must be an integer >= 8"):
        cnn.InceptionBlock.widths(4)
    with pytest.raises(ValueError, match="C must be an integer"):
        cnn.ResidualBlock(0)
    with pytest.raises(ValueError, match="experiment must be"):
        cnn.digits_models("vgg")
    split = data.digits(test_fraction=0.25, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="models must be a non-empty dict"):
        cnn.digits_runs({}, split, lrs=[0.01], seeds=[0])
    with pytest.raises(ValueError, match="n_val=2000 must be smaller"):
        cnn.digits_runs({"a": cnn.DigitsConvNet}, split, lrs=[0.01], seeds=[0], n_val=2000)
    with pytest.raises(ValueError, match="no runs of model"):
        cnn.best_lr([dict(model="a", lr=0.1, val_acc=1.0)], "b")


def test_a_small_residual_net_learns_the_digits():
    split = data.digits(test_fraction=0.25, rng=np.random.default_rng(0))
    run, = cnn.digits_runs({"residual": lambda: cnn.BlockDigitsNet("residual", 8)}, split, lrs=[0.01],
                           seeds=[0], epochs=3)
    assert run["losses"][2] < run["losses"][1] < run["losses"][0] < 2.3 and run["val_acc"] > 0.85
    assert run["params"] == cnn.conv_params(3, 1, 8, False) + 16 + 4 * (cnn.conv_params(3, 8, 8, False) + 16) + 90


def test_stored_digits_runs_are_complete_and_reproducible():
    stored = cnn.load_digits_runs()
    s = stored["settings"]
    assert (s["lrs"], s["seeds"], s["epochs"]) == (list(cnn.DIGITS_LRS), list(cnn.DIGITS_SEEDS), cnn.DIGITS_EPOCHS)
    for name in ("batchnorm", "blocks"):
        models = cnn.digits_models(name)
        table = cnn.summarise_runs(stored[name])
        assert set(table) == {(m, lr) for m in models for lr in cnn.DIGITS_LRS}
        assert all(n == len(cnn.DIGITS_SEEDS) for *_, n in table.values())
        for r in stored[name]:
            assert r["params"] == cnn.count_parameters(models[r["model"]]())
            assert len(r["losses"]) == cnn.DIGITS_EPOCHS
    # one stored run, trained again here (float64, one thread): the same numbers
    split = data.digits(test_fraction=0.25, rng=np.random.default_rng(0))
    again, = cnn.digits_runs({"batchnorm": cnn.digits_models("batchnorm")["batchnorm"]}, split, lrs=[0.01],
                             seeds=[1], epochs=cnn.DIGITS_EPOCHS)
    old, = [r for r in stored["batchnorm"] if (r["model"], r["lr"], r["seed"]) == ("batchnorm", 0.01, 1)]
    np.testing.assert_allclose(again["losses"], old["losses"], atol=1e-5)
    assert abs(again["test_acc"] - old["test_acc"]) <= 1 / len(split.y_test)


def test_summaries_and_best_lr():
    runs = [dict(model="a", lr=lr, seed=s, val_acc=v, test_acc=t)
            for lr, s, v, t in [(0.1, 0, 0.9, 0.8), (0.1, 1, 0.7, 0.6), (0.1, 2, 0.8, 0.7),
                                (0.01, 0, 0.85, 0.9), (0.01, 1, 0.85, 0.95)]]
    table = cnn.summarise_runs(runs)
    assert table[("a", 0.1)] == (0.7, 0.6, 0.8, 3) and table[("a", 0.01)] == (0.925, 0.9, 0.95, 2)
    assert cnn.best_lr(runs, "a") == 0.01                   # median validation 0.85 beats 0.8
