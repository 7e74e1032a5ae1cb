"""Experiment runners for Part III: what the LSTM buys, measured.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size.

Three groups of helpers, all built on :mod:`lstmlib.torch_bridge`'s models and ``train`` loop:

* memory tasks: :func:`run_memory_task` trains one RNN / LSTM / GRU on
  ``remember_first`` or the adding problem at one sequence length and seed, and
  returns its loss history and test score; :func:`sweep` runs a grid of them.
  Each run draws fresh training batches (so it never sees a batch twice) and
  scores on a separate test set.
* fair comparisons: :class:`Recipe` names each model's initialisation and
  clipping (:data:`RECIPES`: torch's defaults and the best known recipe of each
  model), :func:`tune_lr` picks a learning rate from one grid for every recipe,
  and :func:`train_curriculum` trains one model over growing lengths
  (:class:`Curriculum`), recording when it passes each length.
* forecasting: rolling one-step baselines (last value, local linear trend),
  intervals from the empirical quantiles of past one-step errors, and an
  ensemble of small LSTMs over seeds (its spread is the models' disagreement).
* LSTM anatomy: setting the forget-gate bias, the gender-memory stream of
  sentences for the cell walkthrough, and finding the cell unit that holds a label.

Every run seeds torch and numpy from its ``seed`` and trains on one CPU thread
(:func:`single_thread`), so the numbers repeat exactly from one execution to the next.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import torch

from lstmlib.data import adding_problem, remember_first
from lstmlib.data.text import Vocab, encode, one_hot
from lstmlib.core import bptt
from lstmlib.core.gru import GRUParams
from lstmlib.core.lstm import LSTMParams
from lstmlib.core.rnn import RNNParams
from lstmlib.torchside.bridge import GRUModel, LSTMModel, RNNModel, train
from lstmlib.core.validate import as_float_array, check_choice, check_instance, check_positive_int
import functools
from lstmlib.data.toy import first_element_task
from lstmlib.torchside.bridge import set_forget_bias
from lstmlib.torchside.training import STOP, device, fit, seeded, single_thread
from lstmlib.core.validate import check_finite

__all__ = ["KINDS", "TASKS", "Run", "make_model", "with_forget_bias", "predict_all", "predict_last",
           "task_data", "run_memory_task", "sweep", "success_table", "first_step_below", "recurrent_macs",
           "time_forward_backward", "length_batches", "memory_unit", "train_scalar_lstm",
           "last_step_accuracy", "Recipe", "RECIPES", "apply_recipe", "tune_lr", "Curriculum",
           "CurriculumRun", "train_curriculum", "MEMORY_SWEEP", "seed_summary", "load_memory_sweep",
           "solved_summary", "curriculum_summary"]

KINDS = {"rnn": RNNModel, "lstm": LSTMModel, "gru": GRUModel}
"""Model name -> torch_bridge model class."""

TASKS = ("remember_first", "adding")


# ---------------------------------------------------------------------------- models


def _check_kind(kind):
    check_choice(kind, "kind", list(KINDS))
    return KINDS[kind]


def with_forget_bias(params: LSTMParams, value: float) -> LSTMParams:
    """numpy LSTM params with b_f replaced by ``value`` in every unit."""
    check_instance(params, "params", LSTMParams)
    value = check_finite(value, "value")
    return dataclasses.replace(params, b_f=np.full_like(params.b_f, value))


@dataclass(frozen=True)
class Recipe:
    """How one model is initialised and trained, apart from the budget (steps, batch, optimiser, lr).

    Fields::

        kind: "rnn", "gru" or "lstm".
        gate_bias: the initial bias of the gate that decides how much of the old state is kept,
            in every unit (None: torch's default, uniform around 0). LSTM: the forget-gate bias b_f,
            c_t = f_t * c_{t-1} + ... (Gers et al. 2000; Jozefowicz et al. 2015). GRU: the update-gate
            bias b_z. lstmlib's GRU and torch.nn.GRU both write h_t = (1 - z_t) * n_t + z_t * h_{t-1},
            so z_t multiplies the old state, and a *positive* b_z makes a fresh GRU keep it.
        recurrent_init: "default" (torch's uniform), "identity" (W_hh = I and zero biases: the
            IRNN of Le et al. 2015) or "orthogonal" (W_hh a random orthogonal matrix, Saxe et al. 2014);
            the last two for the RNN only.
        activation: "tanh" or "relu" (the RNN only; IRNN uses relu).
        clip: the largest global gradient norm (Pascanu et al. 2013); None: no clipping.
    """
    kind: str
    gate_bias: float | None = None
    recurrent_init: str = "default"
    activation: str = "tanh"
    clip: float | None = None

    def __post_init__(self):
        check_choice(self.kind, "kind", list(KINDS))
        check_choice(self.recurrent_init, "recurrent_init", ["default", "identity", "orthogonal"])
        check_choice(self.activation, "activation", ["tanh", "relu"])
        if self.gate_bias is not None:
            if self.kind == "rnn":
                raise ValueError("gate_bias applies to kind='lstm' or 'gru', got kind='rnn'")
            check_finite(self.gate_bias, "gate_bias")
        if self.kind != "rnn" and (self.recurrent_init != "default" or self.activation != "tanh"):
            raise ValueError(f"recurrent_init and activation apply to kind='rnn' only, got kind={self.kind!r} "
                             f"with recurrent_init={self.recurrent_init!r}, activation={self.activation!r}")
        if self.clip is not None and (check_finite(self.clip, "clip") <= 0):
            raise ValueError(f"clip must be a number > 0 or None, got {self.clip!r}")


RECIPES = {
    "rnn-default": Recipe("rnn"),
    "irnn": Recipe("rnn", recurrent_init="identity", activation="relu", clip=1.0),
    "rnn-orthogonal": Recipe("rnn", recurrent_init="orthogonal", clip=1.0),
    "gru-default": Recipe("gru"),
    "gru-update-bias": Recipe("gru", gate_bias=3.0, clip=1.0),
    "lstm-default": Recipe("lstm"),
    "lstm-forget-bias": Recipe("lstm", gate_bias=3.0, clip=1.0),
}
"""Named recipes: torch's defaults for each model, and each model's best known recipe.

The LSTM's b_f = 3 and the GRU's b_z = 3 start both gates at sigma(3) = 0.95, the same
fraction of the old state kept per step, so neither gated model is favoured."""


def _recipe(recipe) -> tuple[str | None, Recipe | None]:
    """(name, Recipe) from a name of RECIPES, a Recipe or None."""
    if recipe is None:
        return None, None
    if isinstance(recipe, str):
        check_choice(recipe, "recipe", list(RECIPES))
        return recipe, RECIPES[recipe]
    check_instance(recipe, "recipe", Recipe)
    return next((n for n, r in RECIPES.items() if r == recipe), "custom"), recipe


def _orthogonal(H: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal (H, H) matrix (QR of a Gaussian matrix, signs fixed so it is uniform)."""
    q, r = np.linalg.qr(rng.normal(size=(H, H)))
    return q * np.sign(np.diag(r))


def apply_recipe(model, recipe, *, seed: int = 0):
    """Initialise ``model`` (a fresh RNNModel / GRUModel / LSTMModel) as ``recipe`` says; returns it.

    Gate biases go into bias_ih (bias_hh zeroed on those rows, so b = bias_ih + bias_hh is exact).
    torch's rows: LSTM i, f, g, o (f: rows H:2H), GRU r, z, n (z: rows H:2H). An orthogonal W_hh
    is drawn from ``np.random.default_rng(seed)``. activation "relu" swaps the RNN's torch module
    for an nn.RNN(nonlinearity="relu") holding the same weights.
    """
    name, recipe = _recipe(recipe)
    if recipe is None:
        raise ValueError("recipe must be a Recipe or one of " + str(list(RECIPES)) + ", got None")
    check_instance(model, "model", tuple(KINDS.values()))
    if not isinstance(model, KINDS[recipe.kind]):
        raise ValueError(f"recipe is for kind={recipe.kind!r}, got a {type(model).__name__}")
    rnn = model.rnn
    H = rnn.hidden_size
    with torch.no_grad():
        if recipe.gate_bias is not None:                       # f (LSTM) or z (GRU): torch's rows H:2H
            rnn.bias_ih_l0[H:2 * H] = recipe.gate_bias
            rnn.bias_hh_l0[H:2 * H] = 0.0
        if recipe.recurrent_init == "identity":
            rnn.weight_hh_l0.copy_(torch.eye(H))
            rnn.bias_ih_l0.zero_()
            rnn.bias_hh_l0.zero_()
        elif recipe.recurrent_init == "orthogonal":
            rnn.weight_hh_l0.copy_(torch.as_tensor(_orthogonal(H, np.random.default_rng(seed))))
    if recipe.activation == "relu":
        p = rnn.weight_hh_l0
        relu = torch.nn.RNN(rnn.input_size, H, nonlinearity="relu").to(device=p.device, dtype=p.dtype)
        relu.load_state_dict(rnn.state_dict())
        model.rnn, model.activation = relu, "relu"            # to_params() refuses it: numpy has no relu RNN
    return model


def make_model(kind: str, D: int, H: int, K: int, *, seed: int = 0, forget_bias: float | None = None,
               recipe=None, dtype=torch.float64):
    """A fresh RNN / LSTM / GRU model with torch's default initialisation drawn from ``seed``.

    forget_bias: LSTM only, the initial b_f (None keeps the uniform default, centred on 0).
    recipe: a Recipe or a name of RECIPES (its kind must be ``kind``), applied by ``apply_recipe``;
    not together with forget_bias.
    dtype: float64 by default. The book's models are small, so double precision costs
    little, and a model trained in it ends up the same, to every printed digit, whichever
    CPU kernels torch uses (in float32 their last-bit differences grow over training).
    """
    cls = _check_kind(kind)
    if forget_bias is not None and kind != "lstm":
        raise ValueError(f"forget_bias applies to kind='lstm' only, got kind={kind!r}")
    _, rec = _recipe(recipe)
    if rec is not None and (rec.kind != kind or forget_bias is not None):
        raise ValueError(f"recipe must be for kind={kind!r} and not come with forget_bias, got {recipe!r} "
                         f"and forget_bias={forget_bias!r}")
    with seeded(seed):
        model = cls(check_positive_int(D, "D"), check_positive_int(H, "H"), check_positive_int(K, "K"),
                    rng=np.random.default_rng(seed), dtype=dtype)
    if forget_bias is not None:
        set_forget_bias(model, forget_bias)
    if rec is not None:
        apply_recipe(model, rec, seed=seed)
    return model


def predict_all(model, x) -> np.ndarray:
    """The model's outputs y_t (T, N, K) at every step, as float64 numpy, for x (T, N, D)."""
    check_instance(model, "model", tuple(KINDS.values()))
    x = as_float_array(x, "x", 3, "(T, N, D)")
    p = next(model.parameters())
    with torch.no_grad():
        y = model(torch.as_tensor(x, dtype=p.dtype, device=p.device))[0]       # (T, N, K)
    return y.cpu().double().numpy()


def predict_last(model, x) -> np.ndarray:
    """The model's output at the last step, y_{T-1} (N, K), as float64 numpy, for x (T, N, D)."""
    return predict_all(model, x)[-1]


def last_step_accuracy(model, x, labels) -> float:
    """Fraction of sequences whose last-step arg-max equals ``labels`` (N,)."""
    scores = predict_last(model, x)
    labels = np.asarray(labels)
    if labels.shape != scores.shape[:1]:
        raise ValueError(f"labels must have shape (N,) = ({scores.shape[0]},), got {labels.shape}")
    return float(np.mean(scores.argmax(axis=1) == labels))


# ---------------------------------------------------------------------------- memory tasks
def task_data(task: str, n: int, T: int, *, rng: np.random.Generator, n_classes: int = 2,
              n_distractors: int = 2):
    """(x (T, N, D), targets) of ``task``: int labels (N,) for "remember_first", float (N, 1) for "adding"."""
    check_choice(task, "task", list(TASKS))
    if task == "remember_first":
        return remember_first(n, T, n_classes=n_classes, n_distractors=n_distractors, rng=rng)
    x, s = adding_problem(n, T, rng=rng)
    return x, s[:, None]


@dataclass(frozen=True)
class Run:
    """One training run. history: the training loss of every step (steps,).

    score: test accuracy (remember_first) or test mean squared error (adding);
    solved: accuracy >= 0.99, or MSE below 0.01 (a tenth of the 0.167 of always
    answering the mean sum 1, whose variance is 1/6).
    """
    kind: str
    task: str
    T: int
    seed: int
    H: int
    steps: int
    lr: float
    forget_bias: float | None
    history: np.ndarray
    score: float
    recipe: str | None = None

    @property
    def solved(self) -> bool:
        return self.score >= 0.99 if self.task == "remember_first" else self.score < 0.01


def run_memory_task(kind: str, T: int, *, task: str = "remember_first", H: int = 16, steps: int = 500,
                    batch: int = 32, lr: float = 1e-2, seed: int = 0, forget_bias: float | None = None,
                    clip: float | None = None, n_test: int = 1000, n_classes: int = 2,
                    n_distractors: int = 2, progress: bool = False, dtype=torch.float32,
                    recipe=None) -> Run:
    """Train a fresh ``kind`` model on ``task`` with sequences of length ``T`` and score it.

    ``steps`` Adam steps, each on a new batch of ``batch`` sequences drawn from
    ``np.random.default_rng(seed)``; the test set (``n_test`` sequences) comes from a
    generator seeded ``seed + 10_000``. The loss is read at the last step only. float32 by
    default (these sweeps train many models): report their results by robust summaries.
    recipe: a Recipe or a name of RECIPES for ``kind`` (see ``apply_recipe``); its clip is used,
    so ``clip`` and ``forget_bias`` must then stay None.
    """
    _check_kind(kind)
    name, rec = _recipe(recipe)
    if rec is not None:
        if clip is not None:
            raise ValueError(f"clip comes from the recipe, got clip={clip!r} as well")
        clip = rec.clip
    check_choice(task, "task", list(TASKS))
    T, steps = check_positive_int(T, "T", minimum=2), check_positive_int(steps, "steps")
    batch, n_test = check_positive_int(batch, "batch"), check_positive_int(n_test, "n_test")
    opts = dict(n_classes=n_classes, n_distractors=n_distractors)
    with single_thread():
        rng = np.random.default_rng(seed)
        batches = [task_data(task, batch, T, rng=rng, **opts) for _ in range(steps)]
        D = batches[0][0].shape[2]
        K = n_classes if task == "remember_first" else 1
        model = make_model(kind, D, H, K, seed=seed, forget_bias=forget_bias, recipe=rec, dtype=dtype)
        history = train(model, batches, epochs=1, lr=lr, clip=clip, seed=seed, shuffle=False, progress=progress,
                        loss="cross_entropy" if task == "remember_first" else "mse")
        x, target = task_data(task, n_test, T, rng=np.random.default_rng(seed + 10_000), **opts)
        if task == "remember_first":
            score = last_step_accuracy(model, x, target)
        else:
            score = float(np.mean((predict_last(model, x) - target) ** 2))
    return Run(kind, task, T, seed, H, steps, float(lr), forget_bias, np.asarray(history), score, name)


def sweep(kinds, lengths, seeds, **options) -> list[Run]:
    """``run_memory_task`` for every (kind, T, seed); ``options`` go to every run."""
    kinds, lengths, seeds = list(kinds), list(lengths), list(seeds)
    if not kinds or not lengths or not seeds:
        raise ValueError(f"kinds, lengths and seeds must be non-empty, got {kinds}, {lengths}, {seeds}")
    return [run_memory_task(k, T, seed=s, **options) for k in kinds for T in lengths for s in seeds]


def success_table(runs) -> dict:
    """{(kind, T): (runs solved, runs, mean score)} over the seeds of a sweep."""
    out = {}
    for r in runs:
        check_instance(r, "run", Run)
        out.setdefault((r.kind, r.T), []).append(r)
    return {key: (sum(r.solved for r in rs), len(rs), float(np.mean([r.score for r in rs])))
            for key, rs in out.items()}


def first_step_below(history, threshold: float, window: int = 20) -> int | None:
    """First step at which the mean loss of the last ``window`` steps is below ``threshold`` (None: never)."""
    h = as_float_array(history, "history", 1, "(steps,)")
    window = check_positive_int(window, "window")
    if h.size < window:
        return None
    means = np.convolve(h, np.ones(window) / window, mode="valid")   # means[j] = mean of h[j : j + window]
    hit = np.flatnonzero(means < threshold)
    return None if hit.size == 0 else int(hit[0] + window - 1)


def seed_summary(values) -> dict:
    """{"n", "min", "median", "max", "mean"} of one number per seed (a list of floats)."""
    v = as_float_array(values, "values", 1, "(seeds,)")
    if v.size == 0:
        raise ValueError("values must hold at least one number, got none")
    return {"n": int(v.size), "min": float(v.min()), "median": float(np.median(v)), "max": float(v.max()),
            "mean": float(v.mean())}


def tune_lr(kind: str, recipe, lr_grid, *, T: int, seeds, task: str = "remember_first", steps: int = 500,
            **options) -> tuple[float, dict]:
    """The learning rate of ``lr_grid`` that trains ``recipe`` best, and every rate's mean score.

    Each rate trains one model per seed of ``seeds`` (tuning seeds, kept apart from the seeds of
    the comparison) with ``run_memory_task``; best: highest mean accuracy (remember_first) or
    lowest mean MSE (adding), ties broken by the lower mean training loss of the last 50 steps,
    then by the smaller rate. Returns (best lr, {lr: mean score}).
    """
    grid = [float(check_finite(v, "lr_grid entry")) for v in lr_grid]
    seeds = list(seeds)
    if not grid or not seeds or min(grid) <= 0:
        raise ValueError(f"lr_grid must hold rates > 0 and seeds must be non-empty, got {lr_grid!r}, {seeds!r}")
    sign = -1.0 if task == "remember_first" else 1.0
    keys, scores = {}, {}
    for lr in grid:
        runs = [run_memory_task(kind, T, task=task, steps=steps, lr=lr, seed=s, recipe=recipe, **options)
                for s in seeds]
        scores[lr] = float(np.mean([r.score for r in runs]))
        end = float(np.mean([np.mean(r.history[-50:]) for r in runs]))
        keys[lr] = (sign * round(scores[lr], 3), end if np.isfinite(end) else np.inf, lr)
    return min(grid, key=keys.get), scores


@dataclass(frozen=True)
class Curriculum:
    """Lengths to train on, shortest first, and when to move on.

    lengths: strictly increasing sequence lengths T (each >= 2).
    threshold: move to the next length once the mean last-step accuracy of the last ``window``
    training batches at the current length reaches it. Every batch is new, and its accuracy is
    read *before* the update it drives, so this running accuracy is an honest estimate on
    unseen sequences (the idea of curriculum learning, Bengio et al. 2009; lengths grown
    step by step as in Zaremba and Sutskever 2014).
    """
    lengths: tuple
    threshold: float = 0.95
    window: int = 50

    def __post_init__(self):
        lengths = tuple(check_positive_int(T, "lengths entry", minimum=2) for T in self.lengths)
        if not lengths or any(b <= a for a, b in zip(lengths, lengths[1:])):
            raise ValueError(f"lengths must be a non-empty, strictly increasing sequence, got {self.lengths!r}")
        object.__setattr__(self, "lengths", lengths)
        t = check_finite(self.threshold, "threshold")
        if not 0 < t <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold!r}")
        check_positive_int(self.window, "window")

    def passed(self, recent) -> bool:
        """Whether the accuracies of the batches at the current length, ``recent``, pass the threshold."""
        recent = list(recent)
        return len(recent) >= self.window and float(np.mean(recent[-self.window:])) >= self.threshold


@dataclass(frozen=True)
class CurriculumRun:
    """One curriculum run. passed: {T: training step (1-based) at which length T was passed};
    lengths (steps_used,): the length trained on at every step; history (steps_used,): the loss;
    accuracy (steps_used,): each batch's last-step accuracy before its update;
    test: {T: test accuracy of the final model at length T} for every length of the curriculum."""
    recipe: str
    seed: int
    lr: float
    steps: int
    passed: dict
    lengths: np.ndarray
    history: np.ndarray
    accuracy: np.ndarray
    test: dict

    @property
    def reached(self) -> int:
        """The longest length passed (0: none)."""
        return max(self.passed, default=0)


def train_curriculum(recipe, curriculum: Curriculum, *, steps: int, seed: int = 0, lr: float = 1e-2,
                     H: int = 16, batch: int = 32, n_classes: int = 2, n_distractors: int = 8,
                     n_test: int = 1000, progress: bool = False, dtype=torch.float32,
                     on=None) -> CurriculumRun:
    """Train a fresh model made by ``recipe`` on remember_first, lengthening the sequences as
    ``curriculum`` says, for at most ``steps`` Adam steps of ``batch`` new sequences each.

    The training batches come from ``np.random.default_rng(seed)`` one after the other, so a
    run with fewer ``steps`` is exactly the beginning of a longer one. The run stops early once
    the last length is passed. Then the final model is tested at every length on ``n_test``
    sequences from a generator seeded ``seed + 10_000 + T``.
    on: the device (None: CUDA when present, else CPU).
    """
    name, rec = _recipe(recipe)
    if rec is None:
        raise ValueError(f"recipe must be a Recipe or one of {list(RECIPES)}, got None")
    check_instance(curriculum, "curriculum", Curriculum)
    steps, batch = check_positive_int(steps, "steps"), check_positive_int(batch, "batch")
    n_test, H = check_positive_int(n_test, "n_test"), check_positive_int(H, "H")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    opts = dict(n_classes=n_classes, n_distractors=n_distractors)
    where = device() if on is None else torch.device(on)
    with single_thread():
        rng = np.random.default_rng(seed)
        model = make_model(rec.kind, n_classes + n_distractors, H, n_classes, seed=seed, recipe=rec, dtype=dtype)
        state = dict(level=0, recent=[], logits=None)
        passed, lengths, history, accuracy = {}, [], [], []

        def draw(gen):                                   # one batch at the current length, from rng in order
            T = curriculum.lengths[state["level"]]
            x, y = remember_first(batch, T, rng=rng, **opts)
            lengths.append(T)
            return [(torch.as_tensor(x, dtype=dtype), torch.as_tensor(y))]

        def loss(model, x, y):
            state["logits"], state["y"] = model(x)[0][-1], y                 # (N, K) at the last step
            return torch.nn.functional.cross_entropy(state["logits"], y)

        def after_step(epoch, model):
            acc = float((state["logits"].argmax(dim=1) == state["y"]).double().mean())
            accuracy.append(acc)
            state["recent"].append(acc)
            if curriculum.passed(state["recent"]):
                passed[lengths[-1]] = epoch + 1
                state["recent"] = []
                if state["level"] == len(curriculum.lengths) - 1:
                    return STOP
                state["level"] += 1
            return None

        history = fit(model, draw, loss, epochs=steps, lr=lr, clip=rec.clip, seed=seed, progress=progress,
                      on=where, desc=f"{name} seed {seed}", after_epoch=after_step)
        test = {}
        for T in curriculum.lengths:
            x, y = remember_first(n_test, T, rng=np.random.default_rng(seed + 10_000 + T), **opts)
            test[T] = last_step_accuracy(model, x, y)
    return CurriculumRun(name, seed, float(lr), steps, passed, np.asarray(lengths), np.asarray(history),
                         np.asarray(accuracy), test)


MEMORY_SWEEP = {
    "task": "remember_first", "H": 16, "batch": 32, "n_classes": 2, "n_distractors": 8, "n_test": 1000,
    "optimizer": "adam", "lr_grid": [1e-3, 3e-3, 1e-2], "tune_seeds": [100, 101], "seeds": [0, 1, 2, 3, 4],
    "fixed": {"T": 50, "steps": 500,
              "recipes": ["rnn-default", "irnn", "rnn-orthogonal", "gru-default", "gru-update-bias",
                          "lstm-default", "lstm-forget-bias"]},
    "direct": {"lengths": [100, 200], "steps": 1500,
               "recipes": ["irnn", "rnn-orthogonal", "gru-update-bias", "lstm-forget-bias"]},
    "curriculum": {"lengths": [10, 20, 30, 50, 75, 100, 150, 200], "threshold": 0.95, "window": 50,
                   "steps": 1500, "recipes": ["irnn", "rnn-orthogonal", "gru-update-bias", "lstm-forget-bias"]},
    "adding": {"T": 30, "steps": 1000, "recipes": ["rnn-default", "irnn", "rnn-orthogonal", "gru-update-bias",
                                                    "lstm-forget-bias"]},
}
"""The configuration of ``tools/memory_sweep.py`` (the fair comparison of III.5 and III.8): one
budget for every recipe; the learning rate of each recipe tuned over ``lr_grid`` on
``tune_seeds`` (remember_first at the fixed length and its steps; the adding problem at its own
length and steps), then ``seeds`` for the comparison. "direct": training at one long length from
the start, with the same number of steps as the curriculum."""


def load_memory_sweep(path=None) -> dict:
    """The results of ``tools/memory_sweep.py`` read from ``path`` (its JSON; default: the shipped
    ``lstmlib/datafiles/memory_sweep.json``), checked for its parts."""
    import json
    from pathlib import Path
    from lstmlib.data.series import DATAFILES
    path = DATAFILES / "memory_sweep.json" if path is None else Path(path)
    if not path.is_file():
        raise ValueError(f"path must name the sweep's JSON file (run tools/memory_sweep.py), got {str(path)!r}")
    data = json.loads(path.read_text())
    missing = {"manifest", "config", "tuning", "fixed", "direct", "curriculum", "adding"} - set(data)
    if missing:
        raise ValueError(f"the sweep's JSON must hold manifest, config and results, missing {sorted(missing)}")
    return data


def solved_summary(scores, task: str = "remember_first") -> dict:
    """seed_summary of the per-seed scores plus "solved": how many seeds solved the task
    (accuracy >= 0.99 for remember_first, MSE < 0.01 for adding, as in ``Run.solved``)."""
    check_choice(task, "task", list(TASKS))
    out = seed_summary(scores)
    v = np.asarray(scores, float)
    out["solved"] = int(np.sum(v >= 0.99) if task == "remember_first" else np.sum(v < 0.01))
    return out


def curriculum_summary(runs, lengths) -> dict:
    """For the curriculum runs of one recipe (dicts as the sweep stores them): {"reached": the
    longest length passed, per seed; "steps": {T: sorted steps at which the seeds passed T}}."""
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one curriculum run, got none")
    return {"reached": [int(r["reached"]) for r in runs],
            "steps": {int(T): sorted(int(r["passed"][str(T)]) for r in runs if str(T) in r["passed"])
                      for T in lengths}}


def recurrent_macs(kind: str, D: int, H: int) -> int:
    """Multiply-adds of the matrix products of one time step (batch of one, output layer excluded).

    Each gate (the RNN has 1 "gate", the GRU 3, the LSTM 4) multiplies x_t (D,) by a
    (D, H) matrix and h_{t-1} (H,) by an (H, H) matrix: G (D + H) H multiply-adds.
    """
    G = {"rnn": 1, "gru": 3, "lstm": 4}
    check_choice(kind, "kind", list(G))
    D, H = check_positive_int(D, "D"), check_positive_int(H, "H")
    return G[kind] * (D + H) * H


def time_forward_backward(kind: str, *, T: int = 50, N: int = 32, D: int = 10, H: int = 64,
                          repeats: int = 10) -> float:
    """Median seconds of one forward and BPTT pass of lstmlib's numpy ``kind`` model.

    numpy, so the three models share one implementation style (a stacked matrix product
    per step); torch's CPU kernels differ in how much they fuse, which can hide the cost.
    Wall-clock time varies from machine to machine and run to run: compare ratios.
    """
    _check_kind(kind)
    T, N, repeats = (check_positive_int(v, n) for v, n in [(T, "T"), (N, "N"), (repeats, "repeats")])
    cls = {"rnn": RNNParams, "lstm": LSTMParams, "gru": GRUParams}[kind]
    params = cls.init(check_positive_int(D, "D"), check_positive_int(H, "H"), rng=np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(T, N, D))
    dh = np.ones((T, N, H))
    times = []
    for _ in range(repeats + 1):                                        # one warm-up pass
        t0 = time.perf_counter()
        bptt.backward(params, bptt.forward(params, x), dh=dh)
        times.append(time.perf_counter() - t0)
    return float(np.median(times[1:]))


# ---------------------------------------------------------------------------- forecasting


# ---------------------------------------------------------------------------- gender memory


def length_batches(vocab: Vocab, seqs, targets, batch: int = 32) -> list:
    """(x (T, N, K) one-hot, targets (T, N)) batches of equal-length sequences, at most ``batch`` each.

    Sequences are grouped by length (in order of first appearance), so no padding is needed.
    """
    check_instance(vocab, "vocab", Vocab)
    batch = check_positive_int(batch, "batch")
    if len(seqs) != len(targets) or not seqs:
        raise ValueError(f"seqs and targets must be non-empty and of equal length, got {len(seqs)} and {len(targets)}")
    groups = {}
    for s, t in zip(seqs, targets):
        if len(s) != len(t):
            raise ValueError(f"every target array must match its sequence's length, got {len(t)} for {len(s)}")
        groups.setdefault(len(s), []).append((encode(vocab, s), np.asarray(t)))
    out = []
    for items in groups.values():
        for j in range(0, len(items), batch):
            chunk = items[j:j + batch]
            idx = np.stack([c[0] for c in chunk], axis=1)                      # (T, N)
            out.append((one_hot(idx, len(vocab)), np.stack([c[1] for c in chunk], axis=1)))
    return out


def memory_unit(c, labels) -> tuple[int, np.ndarray]:
    """The cell unit whose state best separates two labels, and every unit's separation.

    c (N, H): cell states at one step; labels (N,) in {0, 1}. Separation of unit j:
    ``|mean c_j over label 1 - mean over label 0|`` / (pooled standard deviation + 1e-8).
    """
    c = as_float_array(c, "c", 2, "(N, H)")
    labels = np.asarray(labels)
    if labels.shape != c.shape[:1] or not set(np.unique(labels)) <= {0, 1} or len(np.unique(labels)) < 2:
        raise ValueError(f"labels must be (N,) = ({c.shape[0]},) holding both 0 and 1, got {labels!r}")
    a, b = c[labels == 1], c[labels == 0]
    pooled = np.sqrt((a.var(axis=0) + b.var(axis=0)) / 2)
    sep = np.abs(a.mean(axis=0) - b.mean(axis=0)) / (pooled + 1e-8)
    return int(np.argmax(sep)), sep


@functools.lru_cache(maxsize=2)
def train_scalar_lstm(epochs: int = 25, seed: int = 0) -> tuple[LSTMParams, tuple]:
    """A scalar LSTM with output layer (D = H = K = 1) trained with ``torch_bridge.train`` (Adam,
    lr 0.05, mse at the last step) on 20 batches of 32 sequences of ``first_element_task``.
    Returns (numpy float64 params, the loss of every update). Deterministic on CPU."""
    from lstmlib.torchside.bridge import LSTMModel, model_to_params, train
    from lstmlib.torchside.training import seeded
    rng = np.random.default_rng(seed)
    batches = [first_element_task(32, 4, rng=rng) for _ in range(20)]
    with seeded(seed):
        model = LSTMModel(1, 1, 1, rng=np.random.default_rng(seed))
        history = train(model, batches, epochs=epochs, lr=0.05, loss="mse", seed=seed, progress=False)
    return model_to_params(model), tuple(history)
