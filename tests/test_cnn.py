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
