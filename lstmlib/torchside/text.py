"""Models of text for Part IV: a sentiment classifier, a character LSTM, and a small cell race.

Shape letters: N batch, T time steps, D input size, H hidden size, K output size
(classes or characters), V word-vocabulary size, E embedding size.

Three groups:

* words: :func:`tokenize`, :func:`build_word_vocab` (index 0 is ``<pad>``, 1 is ``<unk>``),
  :func:`encode_padded` (time-first ids (T, N) plus lengths), :func:`bag_of_words` (a sparse
  count matrix for the logistic-regression baseline) and :class:`SentimentModel`, an
  embedding, an LSTM or GRU, and a linear layer on the hidden state after the last word:

      e_t = E[w_t],   h_t = LSTM(e_t, h_{t-1}),   y = h_{len-1} W_hy + b_y   (N, K)

  trained by :func:`train_sentiment` on length-sorted batches (:func:`sentence_batches`).
  Its rival :class:`BagOfWordsModel` is logistic regression on word counts with the same interface.
  :func:`cooccurrence_embedding` makes word vectors from the training sentences alone (PPMI + SVD)
  and :func:`copy_embedding` starts a model from them; :func:`tune_and_repeat` tunes any of these
  models on one grid (:data:`SENTIMENT_GRID`) and one validation split, then repeats over seeds.
* characters: :func:`train_char_lstm` trains ``torch_bridge.LSTMModel`` on one-hot characters
  with ``torch_bridge.train``; :func:`char_trace` turns it into numpy ``LSTMParams`` and runs
  ``lstm_forward`` over a text, so every gate and cell value is at hand;
  :func:`code_features` labels every character of Python code ("inside a string",
  "column", "indentation", "bracket depth", "inside a comment"); :func:`correlations`
  is the Pearson correlation of every unit with every feature.
* cells: :func:`fit_cell` trains one numpy cell of lstmlib (LSTM, its variants, GRU, RNN)
  on a memory task with Adam, using ``lstmlib.bptt``'s forward/backward, for the variant comparison.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstmlib.core import bptt
from lstmlib.data import remember_first, adding_problem
from lstmlib.data.text import Vocab, build_vocab, encode, one_hot, text_windows
from lstmlib.core.gru import GRUParams
from lstmlib.core.lstm import LSTMParams, LSTMTrace, lstm_forward
from lstmlib.core.optim import AdamState, adam_step
from lstmlib.core.rnn import RNNParams
from lstmlib.torchside.bridge import LSTMModel, model_to_params, train
from lstmlib.torchside.training import fit, seeded
from lstmlib.torchside.memory import _orthogonal
from lstmlib.core.validate import as_real_array, check_choice, check_instance, check_positive_int
from lstmlib.core.variants import CoupledLSTMParams, NoForgetLSTMParams, PeepholeLSTMParams
from lstmlib.core import losses as loss_fns

__all__ = ["tokenize", "build_word_vocab", "encode_padded", "bag_of_words", "SentimentModel",
           "sentence_batches", "train_sentiment", "predict_proba", "prefix_proba", "BagOfWordsModel",
           "cooccurrence_embedding", "copy_embedding", "SENTIMENT_GRID", "SentimentResult", "train_early_stopped",
           "tune_and_repeat", "char_lm_batches",
           "CharLSTMRun", "train_char_lstm", "char_trace", "next_char_proba", "code_features", "correlations",
           "CELLS", "CellRun", "fit_cell", "CELL_RACE", "cell_race_options", "cell_race", "load_cell_race"]

PAD, UNK = "<pad>", "<unk>"
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


# ---------------------------------------------------------------------------- words
def tokenize(text: str) -> list:
    """Lower-case words (keeping an inner apostrophe: "doesn't") and single punctuation marks."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    return _TOKEN.findall(text.lower())


def build_word_vocab(token_lists, min_count: int = 2) -> Vocab:
    """``<pad>``, ``<unk>``, then every word seen at least ``min_count`` times, most frequent first."""
    min_count = check_positive_int(min_count, "min_count")
    counts = Counter(w for tokens in token_lists for w in tokens)
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return Vocab((PAD, UNK, *words))


def encode_padded(vocab: Vocab, token_lists, max_len: int | None = None):
    """Word ids, time-first and padded at the end: ``(ids (T, N) int64, lengths (N,) int64)``.

    Unknown words get id 1 (``<unk>``); padding is id 0; sentences longer than ``max_len`` are
    cut; an empty sentence becomes one ``<unk>`` (so every length is >= 1).
    """
    check_instance(vocab, "vocab", Vocab)
    if max_len is not None:
        max_len = check_positive_int(max_len, "max_len")
    unk = vocab.index[UNK]
    seqs = [[vocab.index.get(w, unk) for w in tokens][:max_len] or [unk] for tokens in token_lists]
    if not seqs:
        raise ValueError("token_lists must hold at least one sentence, got none")
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    ids = np.zeros((lengths.max(), len(seqs)), dtype=np.int64)    # (T, N)
    for n, s in enumerate(seqs):
        ids[:len(s), n] = s
    return ids, lengths


def bag_of_words(vocab: Vocab, token_lists):
    """Sparse counts (N, V): entry [n, v] is how often word v occurs in sentence n (``<unk>`` included)."""
    from scipy.sparse import csr_matrix
    ids, lengths = encode_padded(vocab, token_lists)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    cols = np.concatenate([ids[:L, n] for n, L in enumerate(lengths)])
    return csr_matrix((np.ones(cols.size), (rows, cols)), shape=(len(lengths), len(vocab)))


class SentimentModel(nn.Module):
    """Embedding (V, E) -> LSTM or GRU (E -> H, time-first) -> linear (H, K) on h after the last word."""

    def __init__(self, V: int, E: int = 32, H: int = 32, K: int = 2, kind: str = "lstm"):
        super().__init__()
        check_choice(kind, "kind", ["lstm", "gru"])
        self.kind = kind
        self.embed = nn.Embedding(check_positive_int(V, "V"), check_positive_int(E, "E"), padding_idx=0)
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(E, check_positive_int(H, "H"))
        self.out = nn.Linear(H, check_positive_int(K, "K"))

    def hidden(self, ids):
        """h_t for every step, (T, N, H), from ids (T, N)."""
        return self.rnn(self.embed(ids))[0]

    def forward(self, ids, lengths):
        """Scores y (N, K) read at step lengths[n] - 1 of each sentence (padding comes after it)."""
        h = self.hidden(ids)                                        # (T, N, H)
        last = h[lengths - 1, torch.arange(h.shape[1], device=h.device)]   # (N, H)
        return self.out(last)


def sentence_batches(ids, lengths, labels, batch: int = 64) -> list:
    """Batches of sentences of similar length: a list of (ids (T_b, N_b), lengths (N_b,), labels (N_b,)).

    Sentences are sorted by length (ties by position), so each batch is cut to its longest sentence.
    """
    ids = np.asarray(ids)
    lengths, labels = np.asarray(lengths), np.asarray(labels)
    if ids.ndim != 2 or lengths.shape != (ids.shape[1],) or labels.shape != lengths.shape:
        raise ValueError(f"ids must be (T, N), lengths and labels (N,), got {ids.shape}, {lengths.shape}, "
                         f"{labels.shape}")
    batch = check_positive_int(batch, "batch")
    order = np.argsort(lengths, kind="stable")
    out = []
    for start in range(0, len(order), batch):
        sel = order[start:start + batch]
        T_b = int(lengths[sel].max())
        out.append((ids[:T_b, sel], lengths[sel], labels[sel]))
    return out


def _sentiment_loss(model, ids, lengths, labels):
    return nn.functional.cross_entropy(model(ids, lengths), labels)


def train_sentiment(model: SentimentModel, batches, epochs: int = 3, lr: float = 3e-3, seed: int = 0,
                    clip: float = 5.0, progress: bool = True) -> list:
    """Adam on the mean cross-entropy of each batch, gradient norm clipped to ``clip``, through the
    book's one loop (:func:`lstmlib.torchside.training.fit`: batch order shuffled by a generator
    seeded with ``seed``, CUDA when present). Returns the loss of every step.
    """
    check_instance(model, "model", (SentimentModel, BagOfWordsModel))
    if not batches:
        raise ValueError("batches must be a non-empty list, got none")
    data = [tuple(torch.as_tensor(a) for a in b) for b in batches]
    return fit(model, data, _sentiment_loss, epochs=epochs, lr=lr, clip=clip, seed=seed, progress=progress)


def predict_proba(model: SentimentModel, ids, lengths, batch: int = 2048) -> np.ndarray:
    """softmax(y) (N, K) as float64 numpy, for ids (T, N) and lengths (N,)."""
    check_instance(model, "model", (SentimentModel, BagOfWordsModel))
    dev = next(model.parameters()).device
    ids, lengths = np.asarray(ids), np.asarray(lengths)
    out = []
    with torch.no_grad():
        for s in range(0, ids.shape[1], batch):
            L = lengths[s:s + batch]
            y = model(torch.as_tensor(ids[:L.max(), s:s + batch], device=dev), torch.as_tensor(L, device=dev))
            out.append(torch.softmax(y, dim=1).cpu().double().numpy())
    return np.concatenate(out)


def prefix_proba(model: SentimentModel, ids) -> np.ndarray:
    """The classifier's probabilities after each prefix: softmax(h_t W_hy + b_y), shape (T, N, K)."""
    check_instance(model, "model", SentimentModel)
    dev = next(model.parameters()).device
    with torch.no_grad():
        y = model.out(model.hidden(torch.as_tensor(np.asarray(ids), device=dev)))
    return torch.softmax(y, dim=2).cpu().double().numpy()


class BagOfWordsModel(nn.Module):
    """Logistic regression on word counts, y = x W + b (N, K) with x (N, V) the counts of each sentence.

    Computed without building x: y = sum_t W[w_t] + b, the row of W of every word summed (row 0,
    ``<pad>``, stays zero). Same call as :class:`SentimentModel`: ``model(ids (T, N), lengths (N,))``.
    """

    def __init__(self, V: int, K: int = 2):
        super().__init__()
        self.weight = nn.Embedding(check_positive_int(V, "V"), check_positive_int(K, "K"), padding_idx=0)
        with torch.no_grad():
            self.weight.weight.zero_()                               # logistic regression starts at 0
        self.bias = nn.Parameter(torch.zeros(K))

    def forward(self, ids, lengths):
        """Scores y (N, K); padding (id 0) adds nothing, so lengths are not needed beyond the interface."""
        return self.weight(ids).sum(0) + self.bias


def _one_blas_thread():
    """BLAS on one thread for the SVD: on a busy machine, BLAS threads waiting for each other make it
    several times slower. A no-op without threadpoolctl (which comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def cooccurrence_embedding(vocab: Vocab, token_lists, E: int = 64, window: int = 4, smoothing: float = 0.75,
                           seed: int = 0) -> np.ndarray:
    """Word vectors W (V, E) from co-occurrence counts of ``token_lists`` alone (no outside text).

    1. C[w, c] = how often word c occurs within ``window`` words of word w (both directions).
    2. Positive pointwise mutual information with context smoothing (Levy et al. 2015):
       PPMI[w, c] = max(0, log(C[w, c] S / (C[w, :].sum() P_c))), P_c = C[:, c].sum() ** smoothing,
       S = sum of P_c.
    3. Truncated SVD PPMI ~ U_E diag(s_E) V_E^T (randomised, seeded); W = U_E sqrt(s_E).
    4. W scaled so that its entries have standard deviation 1, the scale of torch's own
       ``nn.Embedding`` initialisation; the rows of ``<pad>``, ``<unk>`` and of words without any
       neighbour are 0.
    """
    from scipy.sparse import coo_matrix
    from sklearn.utils.extmath import randomized_svd
    check_instance(vocab, "vocab", Vocab)
    E, window = check_positive_int(E, "E"), check_positive_int(window, "window")
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)) or not 0 < smoothing <= 1:
        raise ValueError(f"smoothing must be a number in (0, 1], got {smoothing!r}")
    V = len(vocab)
    if E >= V - 2:
        raise ValueError(f"E must be smaller than the number of words V - 2 = {V - 2}, got {E}")
    ids, _ = encode_padded(vocab, token_lists)                       # (T, N), padded with 0 after each sentence
    r = np.concatenate([np.concatenate([ids[:-d].ravel(), ids[d:].ravel()]) for d in range(1, window + 1)])
    c = np.concatenate([np.concatenate([ids[d:].ravel(), ids[:-d].ravel()]) for d in range(1, window + 1)])
    keep = (r > 1) & (c > 1)                                         # neither <pad> (0) nor <unk> (1)
    C = coo_matrix((np.ones(keep.sum()), (r[keep], c[keep])), shape=(V, V)).tocsr()
    C.sum_duplicates()
    row = np.asarray(C.sum(1)).ravel()
    P_c = np.asarray(C.sum(0)).ravel() ** smoothing
    C = C.tocoo()
    pmi = np.log(C.data * P_c.sum() / (row[C.row] * P_c[C.col]))
    pos = pmi > 0
    ppmi = coo_matrix((pmi[pos], (C.row[pos], C.col[pos])), shape=(V, V)).tocsr()
    with _one_blas_thread():
        U, sv, _ = randomized_svd(ppmi, n_components=E, n_iter=4, random_state=seed)
    W = U * np.sqrt(sv)                                              # (V, E)
    W[:2] = 0.0
    used = np.abs(W).sum(1) > 0
    return W / W[used].std()


def copy_embedding(model: nn.Module, W) -> nn.Module:
    """Copy word vectors W (V, E) into ``model.embed`` (a :class:`SentimentModel`'s), row 0 (``<pad>``) kept 0.

    The embedding stays trainable; returns the model.
    """
    check_instance(model, "model", SentimentModel)
    W = as_real_array(W, "W", 2, "(V, E)", dtype=np.float64)
    want = tuple(model.embed.weight.shape)
    if W.shape != want:
        raise ValueError(f"W must have the embedding's shape (V, E) = {want}, got {W.shape}")
    with torch.no_grad():
        model.embed.weight.copy_(torch.as_tensor(W, dtype=model.embed.weight.dtype))
        model.embed.weight[0] = 0.0
    return model


SENTIMENT_GRID = {"lr": (3e-3, 1e-2), "epochs": 6}
"""The one tuning grid of every sentiment model: Adam's learning rate, and up to ``epochs`` epochs
with the epoch picked by validation accuracy (early stopping)."""


def _accuracy(model, data) -> float:
    ids, lengths, labels = data
    return float(np.mean(predict_proba(model, ids, lengths).argmax(1) == np.asarray(labels)))


def _check_split(data, name):
    if not isinstance(data, (tuple, list)) or len(data) != 3:
        raise ValueError(f"{name} must be a tuple (ids (T, N), lengths (N,), labels (N,)), got {type(data).__name__}")
    ids, lengths, labels = (np.asarray(a) for a in data)
    if ids.ndim != 2 or lengths.shape != (ids.shape[1],) or labels.shape != lengths.shape:
        raise ValueError(f"{name}: ids must be (T, N), lengths and labels (N,), got {ids.shape}, "
                         f"{lengths.shape}, {labels.shape}")
    return ids, lengths, labels


def train_early_stopped(model: nn.Module, batches, val, *, lr: float, epochs: int, seed: int = 0,
                        progress: bool = False) -> tuple:
    """:func:`train_sentiment` for ``epochs`` epochs, measuring the accuracy on ``val`` after each;
    the model is given back with the weights of its best epoch (the first one on a tie).

    val: (ids (T, N), lengths (N,), labels (N,)). Returns (model, best epoch (1-based), the
    validation accuracy after every epoch).
    """
    val = _check_split(val, "val")
    epochs = check_positive_int(epochs, "epochs")
    curve, best = [], {}

    def measure(epoch, m):
        curve.append(_accuracy(m, val))
        if curve[-1] > max(curve[:-1], default=-1.0):
            best["state"] = {k: v.detach().clone() for k, v in m.state_dict().items()}
        return {"val": curve[-1]}

    data = [tuple(torch.as_tensor(a) for a in b) for b in batches]
    check_instance(model, "model", (SentimentModel, BagOfWordsModel))
    fit(model, data, _sentiment_loss, epochs=epochs, lr=lr, clip=5.0, seed=seed, progress=progress,
        after_epoch=measure)
    model.load_state_dict(best["state"])
    return model, int(np.argmax(curve)) + 1, curve


@dataclass(frozen=True, eq=False)
class SentimentResult:
    """What :func:`tune_and_repeat` returns.

    tuning: {lr: (best epoch, validation accuracy)} on the first seed; lr: the chosen one;
    seeds, epochs, val, test: per seed, the epoch picked by validation, and the validation and
    test accuracy of that epoch's weights; models: the trained models, one per seed.
    """
    tuning: dict
    lr: float
    seeds: tuple
    epochs: np.ndarray
    val: np.ndarray
    test: np.ndarray
    models: list


def tune_and_repeat(make_model, batches, val, test, *, grid: dict | None = None, seeds=(0, 1, 2, 3, 4),
                    progress: bool = False) -> SentimentResult:
    """Tune on one grid and one validation split, then repeat over seeds; the same for every model.

    make_model(seed) builds a fresh model (its initialisation drawn from ``seed``). On ``seeds[0]``,
    every learning rate of ``grid`` (default :data:`SENTIMENT_GRID`) is trained for
    ``grid["epochs"]`` epochs with :func:`train_early_stopped`; the learning rate with the best
    validation accuracy wins (the smaller one on a tie). Every other seed trains at that learning
    rate, again keeping its best epoch on ``val``. ``test`` (same form as ``val``) is only scored.
    """
    grid = SENTIMENT_GRID if grid is None else grid
    if not isinstance(grid, dict) or set(grid) != {"lr", "epochs"} or not len(grid["lr"]):
        raise ValueError(f"grid must be a dict with keys 'lr' (a non-empty list) and 'epochs', got {grid!r}")
    if not callable(make_model):
        raise ValueError(f"make_model must be a function seed -> model, got {type(make_model).__name__}")
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    test = _check_split(test, "test")
    runs, tuning = {}, {}
    for lr in sorted(grid["lr"]):
        model, epoch, curve = train_early_stopped(make_model(seeds[0]), batches, val, lr=lr,
                                                  epochs=grid["epochs"], seed=seeds[0], progress=progress)
        runs[lr], tuning[lr] = (model, epoch, max(curve)), (epoch, max(curve))
    lr = max(sorted(tuning), key=lambda k: tuning[k][1])           # first (smallest) lr among the best
    models, epochs, vals = [runs[lr][0]], [runs[lr][1]], [runs[lr][2]]
    for seed in seeds[1:]:
        model, epoch, curve = train_early_stopped(make_model(seed), batches, val, lr=lr, epochs=grid["epochs"],
                                                  seed=seed, progress=progress)
        models.append(model)
        epochs.append(epoch)
        vals.append(max(curve))
    return SentimentResult(tuning, lr, seeds, np.array(epochs), np.array(vals),
                           np.array([_accuracy(m, test) for m in models]), models)


# ---------------------------------------------------------------------------- characters
def char_lm_batches(indices, K: int, T: int, N: int) -> list:
    """Contiguous, non-overlapping windows of a text as ``torch_bridge.train`` batches.

    Returns a list of (x one-hot float32 (T, N_b, K), targets int64 (T, N_b)); the last batch may be smaller.
    """
    K, N = check_positive_int(K, "K"), check_positive_int(N, "N")
    inputs, targets = text_windows(indices, T)                       # (T, M)
    return [(one_hot(inputs[:, s:s + N], K).astype(np.float32), targets[:, s:s + N])
            for s in range(0, inputs.shape[1], N)]


@dataclass(frozen=True, eq=False)
class CharLSTMRun:
    """What :func:`train_char_lstm` returns: the torch model, its numpy twin, the vocabulary, the losses."""
    model: LSTMModel
    params: LSTMParams
    vocab: Vocab
    history: list


def train_char_lstm(text: str, H: int = 64, T: int = 64, N: int = 32, epochs: int = 2, lr: float = 3e-3,
                    seed: int = 0, progress: bool = True) -> CharLSTMRun:
    """A one-layer character LSTM trained to predict the next character of ``text``.

    Loss: ``torch_bridge.train``'s sum over t of the batch-mean cross-entropy (divide by T for
    nats per character); gradient norm clipped to 5.
    """
    if not isinstance(text, str) or len(text) < T + 1:
        raise ValueError(f"text must be a str of at least T + 1 = {T + 1} characters, got "
                         f"{type(text).__name__} of length {len(text) if isinstance(text, str) else '?'}")
    vocab = build_vocab(text)
    batches = char_lm_batches(encode(vocab, text), vocab.K, T, N)
    with seeded(seed):
        model = LSTMModel(vocab.K, check_positive_int(H, "H"), vocab.K, rng=np.random.default_rng(seed))
        history = train(model, batches, epochs=epochs, lr=lr, clip=5.0, seed=seed, progress=progress)
    return CharLSTMRun(model, model_to_params(model), vocab, history)


def char_trace(run: CharLSTMRun, text: str) -> LSTMTrace:
    """The numpy trace (every gate, c_t, h_t, y_t; N = 1) of the trained LSTM reading ``text``."""
    check_instance(run, "run", CharLSTMRun)
    missing = sorted(set(text) - set(run.vocab.tokens))
    if missing:
        raise ValueError(f"text has characters the model never saw: {missing[:5]}")
    x = one_hot(encode(run.vocab, text), run.vocab.K)[:, None, :]    # (T, 1, K)
    return lstm_forward(run.params, x)


def next_char_proba(trace: LSTMTrace) -> np.ndarray:
    """p_t = softmax(y_t) (T, K) of a one-sequence trace: the model's guess for character t + 1."""
    return loss_fns.softmax(trace.y[:, 0])


def code_features(text: str) -> dict:
    """One value per character of Python code, describing the state *after* reading it.

    in_string: 1 from an opening quote (', ", ''' or \"\"\") up to, not including, its closing quote
    (a closing quote gives 0); in_comment: 1 from '#' outside a string to the end of the line;
    column: characters read since the last newline (0 at a newline);
    indent: leading spaces read so far on the current line;
    bracket_depth: open (, [, { minus closed ones, outside strings and comments.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty str")
    names = ("in_string", "in_comment", "column", "indent", "bracket_depth")
    f = {k: np.zeros(len(text)) for k in names}
    quote, comment, col, indent, leading, depth = None, False, 0, 0, True, 0
    t = 0
    while t < len(text):
        ch, span = text[t], 1
        if quote is not None:                                        # inside a string
            if ch == "\\":
                span = 2                                             # the escaped character stays inside
            elif text.startswith(quote, t):
                span, quote = len(quote), None                       # closing quote
            elif ch == "\n" and len(quote) == 1:
                quote = None                                         # unterminated one-line string
        elif comment:
            comment = ch != "\n"
        elif ch in "'\"":
            quote = ch * 3 if text.startswith(ch * 3, t) else ch     # opening quote
            span = len(quote)
        elif ch == "#":
            comment = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        for u in range(t, min(t + span, len(text))):
            if text[u] == "\n":
                col, indent, leading = 0, 0, True
            else:
                col += 1
                leading = leading and text[u] == " "
                indent += leading
            f["in_string"][u], f["in_comment"][u] = quote is not None, comment
            f["column"][u], f["indent"][u], f["bracket_depth"][u] = col, indent, depth
        t += span
    return f


def correlations(values, features: dict) -> tuple:
    """Pearson correlation of every unit with every feature: (names, R (F, H)).

    values (T, H), e.g. c_t or h_t of one sequence; features {name: (T,)}. A constant unit or
    feature has correlation 0 (not NaN).
    """
    v = as_real_array(values, "values", 2, "(T, H)", dtype=np.float64)
    names = list(features)
    F = np.stack([as_real_array(features[k], k, 1, "(T,)", dtype=np.float64) for k in names])   # (F, T)
    if F.shape[1] != v.shape[0]:
        raise ValueError(f"features must have T={v.shape[0]} values each, got {F.shape[1]}")
    vc, fc = v - v.mean(0), F - F.mean(1, keepdims=True)
    denom = np.sqrt((fc ** 2).sum(1))[:, None] * np.sqrt((vc ** 2).sum(0))[None, :]
    R = np.divide(fc @ vc, denom, out=np.zeros((len(names), v.shape[1])), where=denom > 0)
    return names, R


# ---------------------------------------------------------------------------- cells
CELLS = {"lstm": LSTMParams, "peephole": PeepholeLSTMParams, "coupled": CoupledLSTMParams,
         "no_forget": NoForgetLSTMParams, "gru": GRUParams, "rnn": RNNParams}
"""Cell name -> lstmlib numpy parameter class (all trained by ``bptt.forward`` / ``bptt.backward``)."""


@dataclass(frozen=True)
class CellRun:
    """One training run of :func:`fit_cell`: its settings, the loss of every step and the test score."""
    kind: str
    task: str
    T: int
    seed: int
    n_params: int
    losses: np.ndarray
    score: float          # remember_first: test accuracy; adding: test mean squared error


def _task(task, n, T, rng, n_distractors):
    if task == "remember_first":
        return remember_first(n, T, n_distractors=n_distractors, rng=rng)
    x, s = adding_problem(n, T, rng=rng)
    return x, s[:, None]


def fit_cell(kind: str, T: int, *, task: str = "remember_first", H: int = 8, steps: int = 300,
             lr: float = 1e-2, batch: int = 32, seed: int = 0, forget_bias: float = 1.0,
             update_bias: float = 0.0, recurrent_init: str = "uniform",
             n_distractors: int = 4, n_test: int = 500) -> CellRun:
    """Train one numpy cell on a memory task with Adam; fresh batches each step; score on a test set.

    kind: a key of CELLS. Init: ``Params.init`` (uniform +-1/sqrt(H)) from ``seed``, plus
    ``forget_bias`` added to b_f of the cells that have a forget gate (lstm, peephole, coupled),
    ``update_bias`` added to the GRU's b_z (z_t near 1 keeps h_{t-1}), and for the vanilla RNN
    ``recurrent_init="orthogonal"`` replaces W_hh by a random orthogonal matrix (Saxe et al. 2014).
    Loss: the last step's cross-entropy (remember_first) or squared error (adding).
    Adam (``lstmlib.core.optim.adam_step``): beta1 0.9, beta2 0.999, eps 1e-8; gradients clipped to
    global norm 1.
    """
    check_choice(kind, "kind", list(CELLS))
    check_choice(task, "task", ["remember_first", "adding"])
    T, steps = check_positive_int(T, "T", minimum=2), check_positive_int(steps, "steps")
    rng = np.random.default_rng(seed)
    D, K = (2 + n_distractors, 2) if task == "remember_first" else (2, 1)
    params = CELLS[kind].init(D, check_positive_int(H, "H"), K, rng=rng)
    check_choice(recurrent_init, "recurrent_init", ["uniform", "orthogonal"])
    if recurrent_init == "orthogonal" and kind != "rnn":
        raise ValueError(f"recurrent_init='orthogonal' is a recipe of the vanilla RNN only, got kind={kind!r}")
    if hasattr(params, "b_f"):
        params = dataclasses.replace(params, b_f=params.b_f + forget_bias)
    if kind == "gru":
        params = dataclasses.replace(params, b_z=params.b_z + update_bias)
    if recurrent_init == "orthogonal":
        params = dataclasses.replace(params, W_hh=_orthogonal(params.W_hh.shape[0], rng))
    loss_kind = "cross_entropy" if task == "remember_first" else "squared"
    state = AdamState.zeros_like(params)
    losses = np.empty(steps)
    for step in range(steps):
        x, target = _task(task, batch, T, rng, n_distractors)
        trace = bptt.forward(params, x)
        losses[step], dy = loss_fns.last_step_loss(trace.y, target, loss_kind)
        grads, _ = bptt.clip_by_global_norm(bptt.backward(params, trace, dy=dy).dparams, 1.0)
        params, state = adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8)
    x, target = _task(task, n_test, T, rng, n_distractors)
    y = bptt.forward(params, x).y[-1]                                # (N, K)
    score = float(np.mean(y.argmax(1) == target)) if task == "remember_first" else \
        float(np.mean((y - target) ** 2))
    return CellRun(kind, task, T, seed, params.size, losses, score)


CELL_RACE = {
    "task": "remember_first", "T": 40, "H": 8, "steps": 300, "batch": 32, "n_test": 500, "n_distractors": 4,
    "lr_grid": [0.003, 0.01, 0.03], "tune_seeds": [100, 101], "seeds": [0, 1, 2, 3, 4],
    # each cell's known recipes, searched like the learning rate (the best on the tuning seeds wins)
    "options": {
        "lstm": [{"forget_bias": 1.0}, {"forget_bias": 3.0}],
        "peephole": [{"forget_bias": 1.0}, {"forget_bias": 3.0}],
        "coupled": [{"forget_bias": 1.0}, {"forget_bias": 3.0}],
        "no_forget": [{}],
        "gru": [{"update_bias": 0.0}, {"update_bias": 3.0}],
        "rnn": [{"recurrent_init": "uniform"}, {"recurrent_init": "orthogonal"}],
    },
}
"""The fair race of IV.2: one budget and one search for every cell; ``tools/cell_race.py`` runs it.

Forget-gate bias 1 or 3 for the cells with a forget gate (Gers et al. 2000; Jozefowicz et al. 2015),
the GRU's update-gate bias 0 or 3 (z_t near 1 keeps the state; Tallec and Ollivier 2018), a uniform or
an orthogonal W_hh for the vanilla RNN (Saxe et al. 2014). The LSTM without a forget gate has nothing
to set."""


def cell_race_options(kind: str, cfg: dict | None = None) -> list[dict]:
    """Every (lr, recipe) setting searched for ``kind``: a list of dicts ``{"lr": ..., **recipe}``."""
    cfg = CELL_RACE if cfg is None else cfg
    check_choice(kind, "kind", list(cfg["options"]))
    return [{"lr": lr, **opt} for opt in cfg["options"][kind] for lr in cfg["lr_grid"]]


def cell_race(cfg: dict | None = None, kinds=None, progress: bool = True) -> dict:
    """Run the race: for each cell, every setting on the tuning seeds, then the best one on the seeds.

    The best setting has the highest mean test accuracy over the tuning seeds, ties broken by the
    lower mean loss of the last 50 steps. Returns {kind: {"tuning": [...], "best": setting,
    "scores": [per seed], "losses": [per seed, every step], "n_params": int}}.
    """
    from tqdm.auto import tqdm
    cfg = CELL_RACE if cfg is None else cfg
    kinds = list(cfg["options"]) if kinds is None else kinds
    common = {k: cfg[k] for k in ("task", "H", "steps", "batch", "n_test", "n_distractors")}
    total = sum(len(cell_race_options(k, cfg)) * len(cfg["tune_seeds"]) + len(cfg["seeds"]) for k in kinds)
    out = {}
    with tqdm(total=total, disable=not progress, desc="cell race") as bar:
        for kind in kinds:
            tuning = []
            for setting in cell_race_options(kind, cfg):
                runs = []
                for s in cfg["tune_seeds"]:
                    runs.append(fit_cell(kind, cfg["T"], seed=s, **common, **setting))
                    bar.update()
                tuning.append({"setting": setting, "score": float(np.mean([r.score for r in runs])),
                               "end_loss": float(np.mean([r.losses[-50:].mean() for r in runs]))})
            best = max(tuning, key=lambda t: (t["score"], -t["end_loss"]))["setting"]
            runs = []
            for s in cfg["seeds"]:
                runs.append(fit_cell(kind, cfg["T"], seed=s, **common, **best))
                bar.update()
            out[kind] = {"tuning": tuning, "best": best, "scores": [r.score for r in runs],
                         "losses": [r.losses.round(6).tolist() for r in runs], "n_params": runs[0].n_params}
    return out


def load_cell_race(path=None) -> dict:
    """The results of ``tools/cell_race.py`` read from ``path`` (its JSON; default: the shipped
    ``lstmlib/datafiles/cell_race.json``), checked for its parts: {"manifest", "config", "cells"}."""
    import json
    from pathlib import Path
    from lstmlib.data.series import DATAFILES
    path = DATAFILES / "cell_race.json" if path is None else Path(path)
    if not path.is_file():
        raise ValueError(f"path must name the race's JSON file (run tools/cell_race.py), got {str(path)!r}")
    data = json.loads(path.read_text())
    missing = {"manifest", "config", "cells"} - set(data)
    if missing:
        raise ValueError(f"the race's JSON must hold manifest, config and cells, missing {sorted(missing)}")
    return data
