"""The torch side of Part I: small CNNs trained on X/O images and on real digits,
and the parameter counts of famous architectures built from their layer definitions.

Shape letters: N batch, C channels, W image width (= height), K classes.
Images enter torch models as (N, C, W, W) tensors of the model's dtype (float32 unless the
model was made float64 with ``model.double()``, which the book does where stored outputs must
be identical on any CPU).

Training is seeded and, on the CPU, deterministic: the same seed gives the same
weights, losses and accuracies on every run (the book's stored outputs rely on it).
CUDA is used when present (``training.device``); results then may differ in the last digits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstmlib.core.validate import as_float_array, check_positive_int
from lstmlib.torchside.training import fit

__all__ = ["XOConvNet", "DigitsConvNet", "ResidualBlock", "InceptionBlock", "BlockDigitsNet", "BLOCKS",
           "digits_runs", "summarise_runs", "best_lr", "DIGITS_LRS", "DIGITS_SEEDS",
           "DIGITS_EPOCHS", "DIGITS_RUNS_FILE", "digits_models", "load_digits_runs", "ClassifierRun", "train_classifier", "predict",
           "accuracy", "confusion_matrix", "conv_params", "linear_params", "count_parameters", "LeNet5",
           "alexnet", "vgg16", "resnet", "ARCHITECTURES", "PUBLISHED_PARAMS", "formula_params",
           "build_architecture", "layer_shapes", "MLP"]


# -- models ---------------------------------------------------------------------------------

class MLP(nn.Module):
    """A small fully connected network: D -> hidden (ReLU) -> K scores."""

    def __init__(self, D: int, hidden: int, K: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(D, hidden), nn.ReLU(), nn.Linear(hidden, K))

    def forward(self, x):                          # (N, D) -> (N, K)
        return self.net(x)


class XOConvNet(nn.Module):
    """The lecture's pipeline as a trainable net: conv 3x3 (3 filters) -> ReLU -> max pool 2x2
    (ceil mode) -> fully connected votes for K=2 classes (X, O). Input (N, 1, 9, 9)."""

    def __init__(self, n_filters: int = 3, K: int = 2):
        super().__init__()
        self.conv = nn.Conv2d(1, n_filters, kernel_size=3)               # (N, 3, 7, 7)
        self.pool = nn.MaxPool2d(2, stride=2, ceil_mode=True)           # (N, 3, 4, 4)
        self.fc = nn.Linear(n_filters * 4 * 4, K)                       # votes

    def features(self, x):
        return self.pool(torch.relu(self.conv(x)))

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))                     # (N, K)


class DigitsConvNet(nn.Module):
    """For 8x8 digits: conv 3x3 (16) -> ReLU -> pool -> conv 3x3 (32) -> ReLU -> pool -> FC 10.
    Shapes: (N,1,8,8) -> (N,16,8,8) -> (N,16,4,4) -> (N,32,4,4) -> (N,32,2,2) -> (N,128) -> (N,10).

    batchnorm=True puts a BatchNorm2d between each convolution and its ReLU (Ioffe and Szegedy
    2015); the convolutions then have no bias, since the normalisation's beta takes its place."""

    def __init__(self, c1: int = 16, c2: int = 32, K: int = 10, batchnorm: bool = False):
        super().__init__()
        c1, c2, K = (check_positive_int(v, n) for v, n in ((c1, "c1"), (c2, "c2"), (K, "K")))

        def conv(c_in, c_out):
            if batchnorm:
                return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out)]
            return [nn.Conv2d(c_in, c_out, 3, padding=1)]

        self.features = nn.Sequential(
            *conv(1, c1), nn.ReLU(), nn.MaxPool2d(2),
            *conv(c1, c2), nn.ReLU(), nn.MaxPool2d(2))
        self.fc = nn.Linear(c2 * 2 * 2, K)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def _conv_bn_relu(c_in: int, c_out: int, F: int) -> nn.Sequential:
    """conv F x F (padding keeps the size, no bias) -> BatchNorm2d -> ReLU."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, F, padding=F // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


class ResidualBlock(nn.Module):
    """He et al. (2016)'s basic block: two 3x3 convolutions with batch normalisation, and the block's
    input added to their output before the last ReLU. (N, C, H, W) -> (N, C, H, W)::

        y = relu(x + BN(conv(relu(BN(conv(x))))))          skip=True
        y = relu(    BN(conv(relu(BN(conv(x))))))          skip=False: the same layers, plain

    With or without the skip the block has the same 2 (9 C^2 + 2 C) parameters."""

    def __init__(self, C: int, skip: bool = True):
        super().__init__()
        C = check_positive_int(C, "C")
        self.skip = bool(skip)
        self.conv1 = _conv_bn_relu(C, C, 3)
        self.conv2 = nn.Sequential(nn.Conv2d(C, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        return torch.relu(x + out if self.skip else out)


class InceptionBlock(nn.Module):
    """Szegedy et al. (2015)'s inception module, scaled down: four branches side by side, their
    outputs stacked along the channels. (N, C_in, H, W) -> (N, C_out, H, W) with C_out = b1 + b3 + b5 + bp::

        1x1 conv (b1)
        1x1 conv (r3) -> 3x3 conv (b3)          the 1x1 cuts the channels before the costly 3x3
        1x1 conv (r5) -> 5x5 conv (b5)
        3x3 max pool (stride 1) -> 1x1 conv (bp)

    Every convolution is followed by batch normalisation and ReLU (as in BN-Inception, Ioffe and
    Szegedy 2015). ``widths(C_out)`` gives branch widths in the proportions of GoogLeNet's module 3a."""

    def __init__(self, C_in: int, b1: int, r3: int, b3: int, r5: int, b5: int, bp: int):
        super().__init__()
        C_in, b1, r3, b3, r5, b5, bp = (check_positive_int(v, n) for v, n in
                                        zip((C_in, b1, r3, b3, r5, b5, bp), ("C_in", "b1", "r3", "b3", "r5", "b5", "bp")))
        self.branch1 = _conv_bn_relu(C_in, b1, 1)
        self.branch3 = nn.Sequential(_conv_bn_relu(C_in, r3, 1), _conv_bn_relu(r3, b3, 3))
        self.branch5 = nn.Sequential(_conv_bn_relu(C_in, r5, 1), _conv_bn_relu(r5, b5, 5))
        self.branch_pool = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), _conv_bn_relu(C_in, bp, 1))
        self.C_out = b1 + b3 + b5 + bp

    @staticmethod
    def widths(C_out: int) -> dict:
        """Branch widths for C_out output channels in GoogLeNet 3a's proportions
        (b1, r3, b3, r5, b5, bp) = (64, 96, 128, 16, 32, 32) / 256, each at least 1; b3 absorbs rounding."""
        C_out = check_positive_int(C_out, "C_out", minimum=8)
        w = {k: max(1, round(C_out * v / 256)) for k, v in
             dict(b1=64, r3=96, b3=128, r5=16, b5=32, bp=32).items()}
        w["b3"] = C_out - w["b1"] - w["b5"] - w["bp"]
        return w

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x)], dim=1)


BLOCKS = ("plain", "residual", "inception")


class BlockDigitsNet(nn.Module):
    """A small modern ConvNet for 8x8 digits, the same frame around three kinds of block:

        stem: conv 3x3 (C) + BN + ReLU     (N, 1, 8, 8) -> (N, C, 8, 8)
        block                              (N, C, 8, 8)
        max pool 2x2                       (N, C, 4, 4)
        block                              (N, C, 4, 4)
        global average pool, FC -> K       (N, C) -> (N, K)

    block: "plain" (two 3x3 conv + BN + ReLU), "residual" (the same layers with a skip connection,
    :class:`ResidualBlock`) or "inception" (:class:`InceptionBlock` with ``widths(C)``)."""

    def __init__(self, block: str = "residual", C: int = 16, K: int = 10):
        super().__init__()
        if block not in BLOCKS:
            raise ValueError(f"block must be one of {list(BLOCKS)}, got {block!r}")
        C, K = check_positive_int(C, "C", minimum=8), check_positive_int(K, "K")

        def make():
            if block == "inception":
                return InceptionBlock(C, **InceptionBlock.widths(C))
            return ResidualBlock(C, skip=block == "residual")

        self.block = block
        self.features = nn.Sequential(_conv_bn_relu(1, C, 3), make(), nn.MaxPool2d(2), make(),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(C, K)

    def forward(self, x):
        return self.fc(self.features(x))


# -- training -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClassifierRun:
    """What :func:`train_classifier` returns. losses: mean training loss of every epoch;
    train_acc / test_acc: final accuracies (nan when no test set was given)."""
    losses: list = field(default_factory=list)
    train_acc: float = float("nan")
    test_acc: float = float("nan")


def _tensor(x, name, ndim, dtype=torch.float32):
    arr = as_float_array(x, name, ndim=ndim)
    return torch.as_tensor(arr, dtype=dtype)


def _dtype(model: nn.Module) -> torch.dtype:
    """The floating dtype of the model's parameters (inputs are converted to it)."""
    return next(model.parameters()).dtype


def _labels(y, n):
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels must be an integer array of shape ({n},), got {y.dtype} {y.shape}")
    return torch.as_tensor(y, dtype=torch.long)


def _cross_entropy(model, xb, yb):
    return nn.functional.cross_entropy(model(xb), yb)


def train_classifier(model: nn.Module, X, y, *, epochs: int = 20, lr: float = 0.01, batch_size: int = 32,
                     seed: int = 0, X_test=None, y_test=None, progress: bool = True,
                     device: torch.device | None = None) -> ClassifierRun:
    """Train ``model`` with Adam on cross-entropy in minibatches of a new permutation each epoch,
    through the book's one loop (:func:`lstmlib.torchside.training.fit`).

    X: (N, ...) inputs as the model expects them (e.g. (N, 1, W, W)); y: (N,) class ids.
    The seed fixes the shuffling; initialise the model under ``training.seeded`` yourself.
    Inputs take the model's dtype: ``model.double()`` trains in float64.
    """
    batch_size = check_positive_int(batch_size, "batch_size")
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    Xt = _tensor(X, "X", None, _dtype(model))
    yt = _labels(y, len(Xt))
    sizes = [min(batch_size, len(Xt) - s) for s in range(0, len(Xt), batch_size)]

    def minibatches(gen):
        order = torch.randperm(len(Xt), generator=gen)
        return [(Xt[order[s:s + batch_size]], yt[order[s:s + batch_size]]) for s in range(0, len(Xt), batch_size)]

    steps = fit(model, minibatches, _cross_entropy, epochs=epochs, lr=lr, seed=seed, progress=progress,
                on=device, desc="training")
    per_epoch = np.asarray(steps).reshape(-1, len(sizes))
    losses = [float(v) for v in per_epoch @ np.asarray(sizes, dtype=float) / len(Xt)]
    test_acc = accuracy(model, X_test, y_test) if X_test is not None else float("nan")
    return ClassifierRun(losses, accuracy(model, X, y), test_acc)


@torch.no_grad()
def predict(model: nn.Module, X) -> np.ndarray:
    """Class probabilities (N, K) = softmax of the model's scores."""
    model.eval()
    device = next(model.parameters()).device
    scores = model(_tensor(X, "X", None, _dtype(model)).to(device))
    return torch.softmax(scores, dim=1).cpu().double().numpy()


def accuracy(model: nn.Module, X, y) -> float:
    """Fraction of inputs whose most probable class is the label."""
    y = np.asarray(y)
    return float(np.mean(predict(model, X).argmax(axis=1) == y))


def confusion_matrix(y_true, y_pred, K: int) -> np.ndarray:
    """(K, K) counts: row = true class, column = predicted class."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    cm = np.zeros((K, K), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


# -- parameter counting ---------------------------------------------------------------------

def conv_params(F: int, C_in: int, K: int, bias: bool = True, groups: int = 1) -> int:
    """Weights of a conv layer with K filters of size F x F x (C_in / groups), plus K biases."""
    F, C_in, K = (check_positive_int(v, n) for v, n in ((F, "F"), (C_in, "C_in"), (K, "K")))
    if C_in % groups or K % groups:
        raise ValueError(f"groups={groups} must divide C_in={C_in} and K={K}")
    return F * F * (C_in // groups) * K + (K if bias else 0)


def linear_params(D: int, K: int, bias: bool = True) -> int:
    """Weights of a fully connected layer D -> K: D*K, plus K biases."""
    D, K = check_positive_int(D, "D"), check_positive_int(K, "K")
    return D * K + (K if bias else 0)


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) numbers in a torch module."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


# LeNet-5's C3 layer: which of the 6 S2 maps each of the 16 C3 maps sees (LeCun et al. 1998, Table I)
_C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
             [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
             [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]


class _Subsample(nn.Module):
    """LeNet-5's S layers: 2x2 sum times a trainable coefficient plus a trainable bias, per map."""

    def __init__(self, C: int):
        super().__init__()
        self.coef, self.bias = nn.Parameter(torch.ones(C)), nn.Parameter(torch.zeros(C))

    def forward(self, x):
        s = nn.functional.avg_pool2d(x, 2) * 4
        return torch.tanh(s * self.coef[:, None, None] + self.bias[:, None, None])


class _PartialConv(nn.Module):
    """C3: 16 filters of 5x5, each over only the S2 maps listed in its row of _C3_TABLE."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(len(rows), 1, 5) for rows in _C3_TABLE)

    def forward(self, x):
        return torch.cat([conv(x[:, rows]) for conv, rows in zip(self.convs, _C3_TABLE)], dim=1)


class LeNet5(nn.Module):
    """LeNet-5 as in LeCun et al. (1998): input (N, 1, 32, 32) -> C1 -> S2 -> C3 -> S4 -> C5 -> F6 -> 10.

    ``faithful=True``: trainable subsampling and the partial C3 connections of the paper;
    the 10 RBF output units have fixed weights (not trainable). ``faithful=False``: the usual
    modern variant (max pooling, full C3, a linear 84 -> 10 output layer)."""

    def __init__(self, faithful: bool = True):
        super().__init__()
        if faithful:
            self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), _Subsample(6),
                                          _PartialConv(), nn.Tanh(), _Subsample(16),
                                          nn.Conv2d(16, 120, 5), nn.Tanh())
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(120, 84), nn.Tanh())
            self.register_buffer("rbf_centres", torch.zeros(10, 84))   # fixed, not trained
        else:
            self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Conv2d(16, 120, 5), nn.ReLU())
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
        self.faithful = faithful

    def forward(self, x):
        h = self.head(self.features(x))
        if self.faithful:                          # RBF outputs: squared distance to each centre
            return -((h[:, None, :] - self.rbf_centres) ** 2).sum(-1)
        return h


def alexnet(K: int = 1000, two_towers: bool = True) -> nn.Sequential:
    """AlexNet (Krizhevsky et al. 2012) for (N, 3, 227, 227) input. ``two_towers``: conv2, 4, 5
    see only half of the previous maps (the paper's split over two GPUs, groups=2)."""
    g = 2 if two_towers else 1
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),          # (N, 96, 27, 27)
        nn.Conv2d(96, 256, 5, padding=2, groups=g), nn.ReLU(), nn.MaxPool2d(3, 2),   # (N, 256, 13, 13)
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=g), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=g), nn.ReLU(), nn.MaxPool2d(3, 2),  # (N, 256, 6, 6)
        nn.Flatten(), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, K))


_VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


def vgg16(K: int = 1000) -> nn.Sequential:
    """VGG-16 (configuration D of Simonyan and Zisserman 2014): 13 conv 3x3 + 3 FC, (N, 3, 224, 224)."""
    layers, c = [], 3
    for v in _VGG16:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, K))


class _Block(nn.Module):
    """A residual block: basic (two 3x3 convs) or bottleneck (1x1, 3x3, 1x1 with 4x expansion)."""

    def __init__(self, c_in: int, width: int, stride: int, bottleneck: bool):
        super().__init__()
        c_out = width * 4 if bottleneck else width
        if bottleneck:
            self.body = nn.Sequential(
                nn.Conv2d(c_in, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                nn.Conv2d(width, c_out, 1, bias=False), nn.BatchNorm2d(c_out))
        else:
            self.body = nn.Sequential(
                nn.Conv2d(c_in, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width))
        self.skip = nn.Identity() if stride == 1 and c_in == c_out else nn.Sequential(
            nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))   # projection shortcut

    def forward(self, x):
        return torch.relu(self.body(x) + self.skip(x))


_RESNET = {18: ([2, 2, 2, 2], False), 34: ([3, 4, 6, 3], False), 50: ([3, 4, 6, 3], True)}


def resnet(depth: int, K: int = 1000) -> nn.Sequential:
    """ResNet-18/34/50 (He et al. 2016, Table 1) for (N, 3, 224, 224) input."""
    if depth not in _RESNET:
        raise ValueError(f"depth must be one of {sorted(_RESNET)}, got {depth!r}")
    blocks, bottleneck = _RESNET[depth]
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    c = 64
    for stage, n in enumerate(blocks):
        width = 64 * 2 ** stage
        for b in range(n):
            layers.append(_Block(c, width, 2 if (b == 0 and stage > 0) else 1, bottleneck))
            c = width * 4 if bottleneck else width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, K))


ARCHITECTURES = {
    "LeNet-5": lambda: LeNet5(faithful=True),
    "AlexNet": alexnet,
    "VGG-16": vgg16,
    "ResNet-18": lambda: resnet(18),
    "ResNet-34": lambda: resnet(34),
    "ResNet-50": lambda: resnet(50),
}

# Published counts and where they are stated.
PUBLISHED_PARAMS = {
    "LeNet-5": (60_000, "LeCun et al. 1998: about 60,000 trainable parameters"),
    "AlexNet": (60_000_000, "Krizhevsky et al. 2012: 60 million parameters"),
    "VGG-16": (138_000_000, "Simonyan and Zisserman 2014, Table 2: 138 million"),
    "ResNet-18": (11_689_512, "torchvision's resnet18 (the He et al. 2016 design)"),
    "ResNet-34": (21_797_672, "torchvision's resnet34"),
    "ResNet-50": (25_557_032, "torchvision's resnet50"),
}


def formula_params(name: str) -> int:
    """The same counts from the formulas conv_params / linear_params, layer by layer (no torch)."""
    if name == "LeNet-5":
        c3 = sum(conv_params(5, len(rows), 1) for rows in _C3_TABLE)
        return conv_params(5, 1, 6) + 2 * 6 + c3 + 2 * 16 + conv_params(5, 16, 120) + linear_params(120, 84)
    if name == "AlexNet":
        return (conv_params(11, 3, 96) + conv_params(5, 96, 256, groups=2) + conv_params(3, 256, 384)
                + conv_params(3, 384, 384, groups=2) + conv_params(3, 384, 256, groups=2)
                + linear_params(9216, 4096) + linear_params(4096, 4096) + linear_params(4096, 1000))
    if name == "VGG-16":
        chans = [3] + [v for v in _VGG16 if v != "M"]
        convs = sum(conv_params(3, a, b) for a, b in zip(chans[:-1], chans[1:]))
        return convs + linear_params(25088, 4096) + linear_params(4096, 4096) + linear_params(4096, 1000)
    if name.startswith("ResNet-"):
        depth = int(name.split("-")[1])
        blocks, bottleneck = _RESNET[depth]
        bn = lambda c: 2 * c                                          # noqa: E731  (scale and shift)
        total, c = conv_params(7, 3, 64, bias=False) + bn(64), 64
        for stage, n in enumerate(blocks):
            w = 64 * 2 ** stage
            out = 4 * w if bottleneck else w
            for b in range(n):
                if bottleneck:
                    total += (conv_params(1, c, w, False) + conv_params(3, w, w, False)
                              + conv_params(1, w, out, False) + bn(w) + bn(w) + bn(out))
                else:
                    total += conv_params(3, c, w, False) + conv_params(3, w, w, False) + 2 * bn(w)
                if b == 0 and (stage > 0 or c != out):
                    total += conv_params(1, c, out, False) + bn(out)   # projection shortcut
                c = out
        return total + linear_params(c, 1000)
    raise ValueError(f"name must be one of {list(ARCHITECTURES)}, got {name!r}")


def build_architecture(name: str, device: str = "meta") -> nn.Module:
    """One of ARCHITECTURES, built on ``device``; the default "meta" device stores shapes only,
    so even VGG-16's 138 million parameters cost no memory and no time."""
    if name not in ARCHITECTURES:
        raise ValueError(f"name must be one of {list(ARCHITECTURES)}, got {name!r}")
    with torch.device(device):
        return ARCHITECTURES[name]()


@torch.no_grad()
def layer_shapes(model: nn.Sequential, input_shape) -> list[tuple[str, tuple]]:
    """(layer name, output shape) after each layer of a Sequential, for an input of ``input_shape``
    (on the model's device: with a "meta" model this computes shapes only)."""
    device = next(model.parameters()).device
    x, shapes = torch.zeros(tuple(input_shape), device=device), []
    for layer in model:
        x = layer(x)
        shapes.append((type(layer).__name__, tuple(x.shape)))
    return shapes


# -- experiments on the digits: several models, learning rates and seeds -----------------------

def digits_runs(models: dict, split, *, lrs, seeds, epochs: int = 10, batch_size: int = 32, n_val: int = 270,
                progress: bool = False) -> list[dict]:
    """Train every model at every learning rate from every seed, on the same data and budget.

    models: {name: function () -> nn.Module}; each model is built under ``training.seeded(seed)``,
    converted to float64 (so a rerun on another CPU gives the same numbers, to rounding) and trained
    with Adam by :func:`train_classifier` for ``epochs`` passes in minibatches of ``batch_size``,
    on one CPU thread. split: a ``data.digits`` split; its last ``n_val`` training digits are held
    out as a validation set (to choose the learning rate), the test set is only scored.
    Returns one dict per run: model, lr, seed, params, losses (mean training loss per epoch),
    val_acc, test_acc.
    """
    from lstmlib.torchside.training import seeded, single_thread
    if not isinstance(models, dict) or not models or not all(callable(f) for f in models.values()):
        raise ValueError(f"models must be a non-empty dict {{name: function returning a model}}, got {models!r}")
    lrs, seeds = list(lrs), list(seeds)
    if not lrs or not seeds:
        raise ValueError(f"lrs and seeds must be non-empty, got lrs={lrs}, seeds={seeds}")
    n_val = check_positive_int(n_val, "n_val")
    if n_val >= len(split.y_train):
        raise ValueError(f"n_val={n_val} must be smaller than the {len(split.y_train)} training digits")
    x_fit, y_fit = split.x_train[:-n_val], split.y_train[:-n_val]
    x_val, y_val = split.x_train[-n_val:], split.y_train[-n_val:]
    runs = []
    bar = tqdm(total=len(models) * len(lrs) * len(seeds), disable=not progress, desc="runs")
    with single_thread():
        for name, make in models.items():
            for lr in lrs:
                for seed in seeds:
                    with seeded(seed):
                        model = make().double()
                    res = train_classifier(model, x_fit, y_fit, epochs=epochs, lr=lr, batch_size=batch_size,
                                           seed=seed, progress=False, device=torch.device("cpu"))
                    runs.append(dict(model=name, lr=lr, seed=seed, params=count_parameters(model),
                                     losses=[round(v, 6) for v in res.losses],
                                     val_acc=accuracy(model, x_val, y_val), test_acc=accuracy(model, split.x_test, split.y_test)))
                    bar.update()
                    bar.set_postfix(model=name, lr=lr, seed=seed, test_acc=f"{runs[-1]['test_acc']:.3f}")
    bar.close()
    return runs


def summarise_runs(runs: list[dict], key: str = "test_acc") -> dict:
    """{(model, lr): (median, min, max, n)} of ``key`` over the seeds of each model and learning rate."""
    groups: dict = {}
    for r in runs:
        groups.setdefault((r["model"], r["lr"]), []).append(r[key])
    return {k: (float(np.median(v)), float(np.min(v)), float(np.max(v)), len(v)) for k, v in groups.items()}


def best_lr(runs: list[dict], model: str) -> float:
    """The learning rate with the highest median *validation* accuracy for ``model`` (ties: the smaller lr)."""
    table = summarise_runs([r for r in runs if r["model"] == model], "val_acc")
    if not table:
        raise ValueError(f"no runs of model {model!r}; models present: {sorted({r['model'] for r in runs})}")
    return min(table, key=lambda k: (-table[k][0], k[1]))[1]


DIGITS_LRS = (0.001, 0.003, 0.01, 0.03)     # the learning-rate grid every compared model gets
DIGITS_SEEDS = (0, 1, 2, 3, 4)
DIGITS_EPOCHS = 10
DIGITS_RUNS_FILE = "digits_convnets.json"


def digits_models(experiment: str) -> dict:
    """The models each stored experiment compares: {name: function () -> nn.Module}.

    "batchnorm": :class:`DigitsConvNet` without and with batch normalisation.
    "blocks": :class:`BlockDigitsNet` with plain (C=16), residual (C=16, the same parameters) and
    inception blocks (C=40, chosen so the parameter count is within 2 % of the others)."""
    if experiment == "batchnorm":
        return {"plain": DigitsConvNet, "batchnorm": lambda: DigitsConvNet(batchnorm=True)}
    if experiment == "blocks":
        return {"plain": lambda: BlockDigitsNet("plain", 16), "residual": lambda: BlockDigitsNet("residual", 16),
                "inception": lambda: BlockDigitsNet("inception", 40)}
    raise ValueError(f"experiment must be 'batchnorm' or 'blocks', got {experiment!r}")


def load_digits_runs() -> dict:
    """The stored results of ``tools/digits_convnets.py``: {"settings": ..., "batchnorm": [runs],
    "blocks": [runs]}, each run a dict as :func:`digits_runs` returns it."""
    import json
    from importlib import resources
    return json.loads(resources.files("lstmlib").joinpath("datafiles", DIGITS_RUNS_FILE).read_text())
