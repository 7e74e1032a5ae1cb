"""One training loop for every torch model of the book, and the switches around it.

Every torch experiment of the book (the RNNs of the bridge, the ConvNets, the sentiment and
character models, the captioner) trains through :func:`fit`::

    for each epoch:
        for each batch (in an order drawn by a generator seeded with ``seed``):
            theta.grad <- 0
            J <- loss(model, *batch)                  one scalar, built by the caller
            theta.grad <- dJ/dtheta                   (autograd: J.backward())
            if clip: rescale the gradient so that ||grad||_2 <= clip
            theta <- optimiser step (Adam or SGD)

It runs on CUDA when a GPU is present and on the CPU otherwise, shows a tqdm bar over the epochs,
and gives the model back on the device it came from, in ``eval()`` mode.
"""
from __future__ import annotations

import contextlib
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstmlib.core.validate import check_choice, check_positive_int

__all__ = ["seeded", "device", "single_thread", "fit", "STOP"]

STOP = "stop"
"""What an ``after_epoch`` function returns to end the training early (e.g. a curriculum that is done)."""


@contextlib.contextmanager
def seeded(seed: int):
    """A block in which torch's global random generator starts from ``seed``; the caller's
    generator state is restored afterwards, so library code never reseeds a notebook's stream."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def device() -> torch.device:
    """CUDA when available, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@contextlib.contextmanager
def single_thread():
    """Run the block on one torch CPU thread (restored afterwards): repeatable, and fastest for small models."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _target_device(on):
    try:
        return device() if on is None else torch.device(on)
    except (RuntimeError, TypeError):
        raise ValueError(f"on must name a torch device such as 'cpu' or 'cuda', got {on!r}") from None


def _moved(batch, dev):
    if not isinstance(batch, (list, tuple)) or len(batch) == 0:
        raise ValueError(f"each batch must be a non-empty tuple of tensors, got {type(batch).__name__}")
    return tuple(b.to(dev) if torch.is_tensor(b) else b for b in batch)


def fit(model: nn.Module, batches: Sequence | Callable, loss: Callable, *, epochs: int = 1, lr: float = 1e-2,
        optimizer: str = "adam", clip: float | Callable | None = None, seed: int = 0, shuffle: bool = True,
        progress: bool = True, on: str | torch.device | None = None, desc: str = "epochs",
        after_epoch: Callable | None = None) -> list:
    """Train ``model`` by minimising ``loss(model, *batch)``; returns the loss of every step.

    batches: a non-empty list of tuples (tensors are moved to the training device), visited in an
    order shuffled each epoch by a ``torch.Generator`` seeded with ``seed`` (``shuffle=False``: in
    order); or a function ``batches(generator) -> list`` that draws a fresh list each epoch with
    that generator (e.g. minibatches of a new permutation of the examples).
    optimizer: "adam" (Kingma and Ba's Adam, torch's defaults beta = (0.9, 0.999)) or "sgd".
    clip: max global gradient norm; or a function ``clip(model)`` that rescales the gradients itself
    (e.g. each of several models stacked in one module separately); or None. on: the device to train on; None picks :func:`device`.
    after_epoch: called as ``after_epoch(epoch, model)`` after each epoch (e.g. to measure a
    validation loss); a dict it returns is shown on the progress bar, and :data:`STOP` ends the training.
    The same seed gives the same run on the same CPU kernels.
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss):
        raise ValueError(f"loss must be a function loss(model, *batch) -> scalar tensor, got {type(loss).__name__}")
    check_choice(optimizer, "optimizer", ["adam", "sgd"])
    epochs = check_positive_int(epochs, "epochs")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    if after_epoch is not None and not callable(after_epoch):
        raise ValueError(f"after_epoch must be None or a function (epoch, model), got {type(after_epoch).__name__}")
    if clip is not None and not callable(clip) and (isinstance(clip, bool) or not isinstance(clip, (int, float))
                                                    or not clip > 0):
        raise ValueError(f"clip must be None, a number > 0 or a function of the model, got {clip!r}")
    draw = batches if callable(batches) else None
    if draw is None and (not isinstance(batches, (list, tuple)) or len(batches) == 0):
        raise ValueError(f"batches must be a non-empty list of tuples or a function of a generator, "
                         f"got {type(batches).__name__}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    dev = _target_device(on)
    home = params[0].device
    model.to(dev)
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(params, lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    model.train()
    try:
        bar = tqdm(range(epochs), disable=not progress, desc=desc)
        for epoch in bar:
            if draw is not None:
                these = draw(gen)
                order = range(len(these))
            else:
                these = batches
                order = torch.randperm(len(these), generator=gen).tolist() if shuffle else range(len(these))
            for b in order:
                opt.zero_grad()
                value = loss(model, *_moved(these[b], dev))
                value.backward()
                if callable(clip):
                    clip(model)
                elif clip is not None:
                    nn.utils.clip_grad_norm_(params, clip)
                opt.step()
                history.append(float(value.detach()))
            if after_epoch is not None:
                shown = after_epoch(epoch, model)
                model.train()
                if isinstance(shown, dict):
                    bar.set_postfix(shown)
                elif isinstance(shown, str) and shown == STOP:
                    break
    finally:
        model.eval()
        model.to(home)
    return history
