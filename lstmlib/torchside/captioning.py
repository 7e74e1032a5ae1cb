"""Image captioning with a CNN encoder and an LSTM decoder, soft and hard attention, spatial transformers.

Shape letters: N batch, T caption steps, L locations of the feature grid (L = 4 x 4 here),
F feature size per location, E word-embedding size, H hidden size, V caption vocabulary size.

* data: :func:`digit_captions` places one or two 8x8 digits (scikit-learn's) on a 16x16 canvas
  and writes what is where: "a 3 left of a 7", "a 2 above a 9", or "a 5". :func:`caption_vocab`
  and :func:`encode_captions` turn captions into ids with ``<start>`` and ``<end>`` tokens.
* model: :class:`Captioner`, a two-layer CNN giving a feature grid A (N, L, F), and an LSTM
  decoder started from h_{-1} = tanh(vec(A) W_h0), c_{-1} = tanh(vec(A) W_c0) (vec(A): the whole
  grid as one vector (N, L F), so the start knows what is where). With
  ``attention=True`` (Xu et al. 2015, soft attention), at every step

      e_{t,l} = w . tanh(A_l W_A + h_{t-1} W_hA),   alpha_t = softmax_l(e_t),   z_t = sum_l alpha_{t,l} A_l

  and the LSTM reads [embedding of word t, z_t]; with ``attention=False`` the image enters only
  through the initial state, once (like the CS231n notes' model; Vinyals et al. 2015 instead feed
  the image embedding as the LSTM's first input, before <start>). The scores of word t + 1 are h_t W_hy + b_y.
* fair comparison: :func:`pretrain_encoder` trains the ConvNet to name single digits and
  :func:`use_encoder` copies it (frozen) into a captioner; :func:`tune_and_repeat_captioner`
  tunes a captioner on one learning-rate grid (:data:`CAPTION_GRID`) and a validation split, then
  repeats over seeds.
* hard attention: :func:`hard_context` draws one location l ~ alpha_t and returns A_l; its mean
  over draws is the soft context z_t.
* spatial transformer (Jaderberg et al. 2015): :func:`affine_theta`, the numpy grid generator
  :func:`affine_grid` and bilinear sampler :func:`grid_sample` (the same numbers as torch's
  ``affine_grid`` / ``grid_sample`` with ``align_corners=False`` and zero padding), and
  :class:`SpatialTransformer`, a localisation net that predicts theta, then torch's grid and sampler.
  :func:`rotated_digits` turns digits by random angles; :class:`STNClassifier` puts a transformer in
  front of a linear classifier, trained by :func:`train_stn_classifier`; :func:`theta_angle` reads
  the rotation a predicted theta applies.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from lstmlib.data.text import Vocab
from lstmlib.torchside.training import fit
from lstmlib.core.validate import (as_real_array, check_instance, check_positive_int, check_probability,
                                   check_shape)

__all__ = ["CANVAS", "digit_captions", "caption_vocab", "encode_captions", "decode_caption", "Captioner",
           "train_captioner", "caption_accuracy", "pretrain_encoder", "use_encoder", "CAPTION_GRID", "CaptionResult",
           "tune_and_repeat_captioner", "hard_context", "affine_theta", "affine_grid",
           "grid_sample", "SpatialTransformer", "rotate_images", "rotated_digits", "theta_angle", "STNClassifier",
           "train_stn_classifier"]

PAD, START, END = "<pad>", "<start>", "<end>"
CANVAS = 16          # the images are CANVAS x CANVAS pixels; a digit is 8 x 8


# ---------------------------------------------------------------------------- data
def digit_captions(images, labels, n: int, *, rng: np.random.Generator, p_single: float = 0.2):
    """``n`` captioned canvases built from digit ``images`` (M, 1, 8, 8) with ``labels`` (M,).

    With probability ``p_single`` one digit at a random place ("a 5"); otherwise two digits, side
    by side ("a 3 left of a 7", the left one named first) or one above the other ("a 2 above a 9"),
    shifted together by 0, 4 or 8 pixels across the layout (the
    grid of the CNN's features has 4-pixel cells). Returns (canvases float32 (n, 1, 16, 16),
    captions: a list of n token lists, without <start>/<end>).
    """
    images = as_real_array(images, "images", 4, "(M, 1, 8, 8)")
    check_shape(images, "images", (None, 1, 8, 8), "(M, 1, 8, 8)")
    labels = np.asarray(labels)
    if labels.shape != images.shape[:1]:
        raise ValueError(f"labels must have shape ({images.shape[0]},), got {labels.shape}")
    n, p_single = check_positive_int(n, "n"), check_probability(p_single, "p_single")
    check_instance(rng, "rng", np.random.Generator)
    out = np.zeros((n, 1, CANVAS, CANVAS), dtype=np.float32)
    captions = []
    for k in range(n):
        a, b = rng.integers(0, len(labels), size=2)
        if rng.random() < p_single:
            r, c = 4 * rng.integers(0, 3, size=2)                     # on the 4-pixel grid of the features
            out[k, 0, r:r + 8, c:c + 8] = images[a, 0]
            captions.append(["a", str(labels[a])])
            continue
        s = 4 * rng.integers(0, 3)                                   # shift across the layout: 0, 4 or 8
        if rng.random() < 0.5:                                       # side by side
            out[k, 0, s:s + 8, 0:8], out[k, 0, s:s + 8, 8:16] = images[a, 0], images[b, 0]
            relation = ["left", "of"]
        else:                                                        # one above the other
            out[k, 0, 0:8, s:s + 8], out[k, 0, 8:16, s:s + 8] = images[a, 0], images[b, 0]
            relation = ["above"]
        captions.append(["a", str(labels[a]), *relation, "a", str(labels[b])])
    return out, captions


def caption_vocab() -> Vocab:
    """<pad> (id 0), <start>, <end>, then the words: a, left, of, above, 0 ... 9."""
    return Vocab((PAD, START, END, "a", "left", "of", "above", *map(str, range(10))))


def encode_captions(vocab: Vocab, captions) -> np.ndarray:
    """Ids (T, N) of "<start> words <end>", padded with <pad> (0) at the end; T = longest + 2."""
    check_instance(vocab, "vocab", Vocab)
    unknown = sorted({w for c in captions for w in c} - set(vocab.tokens))
    if unknown:
        raise ValueError(f"captions have words outside the vocabulary: {unknown[:5]}")
    seqs = [[START, *c, END] for c in captions]
    ids = np.zeros((max(map(len, seqs)), len(seqs)), dtype=np.int64)
    for n, s in enumerate(seqs):
        ids[:len(s), n] = [vocab.index[w] for w in s]
    return ids


def decode_caption(vocab: Vocab, ids) -> list:
    """Words of one generated id sequence, up to (not including) the first <end>."""
    words = []
    for i in np.asarray(ids).tolist():
        if vocab.tokens[i] == END:
            break
        words.append(vocab.tokens[i])
    return words


# ---------------------------------------------------------------------------- model
class Captioner(nn.Module):
    """CNN encoder (feature grid A (N, L, F)) + LSTM decoder, with or without soft attention."""

    def __init__(self, V: int, E: int = 16, F: int = 32, H: int = 64, attention: bool = True):
        super().__init__()
        V, E, F, H = (check_positive_int(v, k) for v, k in ((V, "V"), (E, "E"), (F, "F"), (H, "H")))
        self.attention = bool(attention)
        self.cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(16, F, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.embed = nn.Embedding(V, E)
        L = (CANVAS // 4) ** 2                                       # the 4 x 4 grid of the encoder
        self.init_h, self.init_c = nn.Linear(L * F, H), nn.Linear(L * F, H)
        self.cell = nn.LSTMCell(E + (F if self.attention else 0), H)
        self.att_A, self.att_h, self.att_w = nn.Linear(F, H), nn.Linear(H, H, bias=False), nn.Linear(H, 1)
        self.out = nn.Linear(H, V)

    def features(self, images):
        """The feature grid A (N, L, F) of images (N, 1, 16, 16): L = 4 x 4 locations, row by row."""
        a = self.cnn(images)                                         # (N, F, 4, 4)
        return a.flatten(2).transpose(1, 2)                          # (N, L, F)

    def _start(self, A):
        m = A.flatten(1)                                             # (N, L F): the whole grid, layout kept
        return torch.tanh(self.init_h(m)), torch.tanh(self.init_c(m))

    def _attend(self, A, A_proj, h):
        e = self.att_w(torch.tanh(A_proj + self.att_h(h)[:, None])).squeeze(2)   # (N, L)
        alpha = torch.softmax(e, dim=1)
        return (alpha[:, :, None] * A).sum(1), alpha                # z (N, F), alpha (N, L)

    def _step(self, word, state, A, A_proj):
        x = self.embed(word)                                         # (N, E)
        alpha = None
        if self.attention:
            z, alpha = self._attend(A, A_proj, state[0])
            x = torch.cat([x, z], dim=1)
        h, c = self.cell(x, state)
        return self.out(h), (h, c), alpha

    def forward(self, images, words):
        """Teacher forcing: scores (T, N, V) of the word after each of words (T, N); alphas (T, N, L) or None."""
        A = self.features(images)
        A_proj, state = self.att_A(A), self._start(A)
        ys, alphas = [], []
        for w in words:
            y, state, alpha = self._step(w, state, A, A_proj)
            ys.append(y)
            alphas.append(alpha)
        return torch.stack(ys), (torch.stack(alphas) if self.attention else None)

    @torch.no_grad()
    def generate(self, images, vocab: Vocab, max_len: int = 10):
        """Greedy captions: ids (T, N) (the arg-max word fed back, stopping at <end>) and alphas (T, N, L) or None."""
        A = self.features(images)
        A_proj, state = self.att_A(A), self._start(A)
        word = torch.full((A.shape[0],), vocab.index[START], dtype=torch.long, device=A.device)
        ids, alphas = [], []
        for _ in range(check_positive_int(max_len, "max_len")):
            y, state, alpha = self._step(word, state, A, A_proj)
            word = y.argmax(1)
            ids.append(word)
            alphas.append(alpha)
            if bool((torch.stack(ids) == vocab.index[END]).any(0).all()):
                break
        return (torch.stack(ids).cpu().numpy(),
                torch.stack(alphas).cpu().double().numpy() if self.attention else None)


def _caption_loss(model, images, words):
    y, _ = model(images, words[:-1])                                     # (T-1, B, V)
    return nn.functional.cross_entropy(y.reshape(-1, y.shape[2]), words[1:].reshape(-1), ignore_index=0)


def train_captioner(model: Captioner, images, ids, epochs: int = 10, batch: int = 64, lr: float = 3e-3,
                    seed: int = 0, progress: bool = True) -> list:
    """Adam on the cross-entropy of every next word (<pad> targets ignored), teacher forcing,
    gradient norm clipped to 5, through the book's one loop (:func:`lstmlib.torchside.training.fit`).

    images (N, 1, 16, 16), ids (T, N) from :func:`encode_captions`; the input is ids[:-1] and the
    target ids[1:]. Minibatches come from a new permutation each epoch, drawn by a torch generator
    seeded with ``seed``. Returns the losses.
    """
    check_instance(model, "model", Captioner)
    batch = check_positive_int(batch, "batch")
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))
    w = torch.as_tensor(np.asarray(ids))
    if x.shape[0] != w.shape[1]:
        raise ValueError(f"images and ids must hold the same number of examples, got {x.shape[0]} and {w.shape[1]}")

    def minibatches(gen):
        order = torch.randperm(x.shape[0], generator=gen)
        return [(x[order[s:s + batch]], w[:, order[s:s + batch]]) for s in range(0, x.shape[0], batch)]

    return fit(model, minibatches, _caption_loss, epochs=epochs, lr=lr, clip=5.0, seed=seed, progress=progress)


def caption_accuracy(model: Captioner, images, captions, vocab: Vocab) -> float:
    """Fraction of images whose greedy caption equals the true caption word for word."""
    dev = next(model.parameters()).device
    ids, _ = model.generate(torch.as_tensor(np.asarray(images, dtype=np.float32), device=dev), vocab)
    return float(np.mean([decode_caption(vocab, ids[:, n]) == list(c) for n, c in enumerate(captions)]))


def pretrain_encoder(images, labels, F: int = 32, epochs: int = 3, batch: int = 64, lr: float = 3e-3, seed: int = 0,
                     progress: bool = True) -> dict:
    """Train a :class:`Captioner`'s ConvNet to name the digit on one-digit canvases; returns its weights.

    images (N, 1, 16, 16), labels (N,) in 0..9. The ConvNet's grid A (N, L, F), max-pooled over the
    L locations, feeds a linear layer (F, 10); Adam on the cross-entropy through
    :func:`lstmlib.torchside.training.fit`. Returns the ConvNet's ``state_dict`` (for :func:`use_encoder`);
    the linear layer is thrown away. Like the captioners of Vinyals et al. and Xu et al., whose
    encoders were first trained to classify images, the decoders then start from a ConvNet that
    already tells digits apart.
    """
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))
    y = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    if x.ndim != 4 or tuple(x.shape[1:]) != (1, CANVAS, CANVAS) or y.shape != x.shape[:1]:
        raise ValueError(f"images must be (N, 1, {CANVAS}, {CANVAS}) and labels (N,), got {tuple(x.shape)} and "
                         f"{tuple(y.shape)}")
    if y.numel() == 0 or int(y.min()) < 0 or int(y.max()) > 9:
        raise ValueError("labels must be digits 0..9")
    batch = check_positive_int(batch, "batch")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        cnn = Captioner(len(caption_vocab()), F=check_positive_int(F, "F")).cnn
        net = nn.Sequential(cnn, nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(F, 10))

    def minibatches(gen):
        order = torch.randperm(x.shape[0], generator=gen)
        return [(x[order[s:s + batch]], y[order[s:s + batch]]) for s in range(0, x.shape[0], batch)]

    fit(net, minibatches, lambda m, xb, yb: nn.functional.cross_entropy(m(xb), yb), epochs=epochs, lr=lr,
        seed=seed, progress=progress, desc="encoder")
    return {k: v.detach().clone() for k, v in cnn.state_dict().items()}


def use_encoder(model: Captioner, state: dict, freeze: bool = True) -> Captioner:
    """Copy the ConvNet weights ``state`` (from :func:`pretrain_encoder`) into ``model.cnn``; with
    ``freeze`` they stop training (requires_grad False), so only the decoder learns. Returns the model."""
    check_instance(model, "model", Captioner)
    if not isinstance(state, dict):
        raise ValueError(f"state must be a ConvNet state_dict (a dict), got {type(state).__name__}")
    try:
        model.cnn.load_state_dict(state)
    except RuntimeError as err:
        raise ValueError(f"state does not fit the model's ConvNet: {str(err).splitlines()[0]}") from None
    for p in model.cnn.parameters():
        p.requires_grad_(not freeze)
    return model


CAPTION_GRID = {"lr": (3e-3, 1e-2), "epochs": 3}
"""The one tuning grid of both captioners: Adam's learning rate; every run trains ``epochs`` epochs."""


class CaptionResult:
    """What :func:`tune_and_repeat_captioner` returns: ``tuning`` {lr: validation accuracy on the
    first seed}, the chosen ``lr``, ``seeds``, per seed the ``val`` and ``test`` exact-caption
    accuracies (arrays) and the trained ``models``."""

    def __init__(self, tuning, lr, seeds, val, test, models):
        self.tuning, self.lr, self.seeds = tuning, lr, seeds
        self.val, self.test, self.models = np.asarray(val), np.asarray(test), models


def tune_and_repeat_captioner(make_model, images, ids, val, test, vocab: Vocab, *, grid: dict | None = None,
                              seeds=(0, 1, 2, 3, 4), batch: int = 32, progress: bool = False) -> CaptionResult:
    """Tune one captioner on a learning-rate grid and a validation split, then repeat over seeds.

    make_model(seed) builds a fresh model. On ``seeds[0]`` every learning rate of ``grid`` (default
    :data:`CAPTION_GRID`) trains for ``grid["epochs"]`` epochs (:func:`train_captioner`); the one whose
    model captions most validation canvases exactly wins (the smaller on a tie); the other seeds
    train at it. val and test: (images (N, 1, 16, 16), captions); test is only scored.
    """
    grid = CAPTION_GRID if grid is None else grid
    if not isinstance(grid, dict) or set(grid) != {"lr", "epochs"} or not len(grid["lr"]):
        raise ValueError(f"grid must be a dict with keys 'lr' (a non-empty list) and 'epochs', got {grid!r}")
    if not callable(make_model):
        raise ValueError(f"make_model must be a function seed -> Captioner, got {type(make_model).__name__}")
    for split, name in ((val, "val"), (test, "test")):
        if not isinstance(split, (tuple, list)) or len(split) != 2 or len(split[0]) != len(split[1]):
            raise ValueError(f"{name} must be a tuple (images (N, 1, 16, 16), N captions)")
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")

    def run(seed, lr):
        model = make_model(seed)
        train_captioner(model, images, ids, epochs=grid["epochs"], batch=batch, lr=lr, seed=seed, progress=progress)
        return model, caption_accuracy(model, *val, vocab)

    runs = {lr: run(seeds[0], lr) for lr in sorted(grid["lr"])}
    tuning = {lr: acc for lr, (_, acc) in runs.items()}
    lr = max(sorted(tuning), key=lambda k: tuning[k])
    done = [runs[lr]] + [run(seed, lr) for seed in seeds[1:]]
    models = [m for m, _ in done]
    return CaptionResult(tuning, lr, seeds, [a for _, a in done], [caption_accuracy(m, *test, vocab) for m in models],
                         models)


def hard_context(A, alpha, *, rng: np.random.Generator, samples: int = 1):
    """Hard attention: draw l ~ alpha (L,) ``samples`` times and return A[l] (samples, F) and the l's."""
    A = as_real_array(A, "A", 2, "(L, F)")
    alpha = as_real_array(alpha, "alpha", 1, "(L,)", dtype=np.float64)
    check_shape(alpha, "alpha", (A.shape[0],), "(L,)")
    if alpha.min() < 0 or not np.isclose(alpha.sum(), 1.0):
        raise ValueError(f"alpha must be a probability vector (>= 0, summing to 1), got sum {alpha.sum():.4f}")
    check_instance(rng, "rng", np.random.Generator)
    where = rng.choice(A.shape[0], size=check_positive_int(samples, "samples"), p=alpha / alpha.sum())
    return A[where], where


# ---------------------------------------------------------------------------- spatial transformer
def affine_theta(angle: float = 0.0, scale: float = 1.0, tx: float = 0.0, ty: float = 0.0) -> np.ndarray:
    """theta (2, 3) = [s R(angle) | t]: output point (x, y) samples the input at s R (x, y) + (tx, ty).

    Coordinates are normalised to [-1, 1] (x right, y down); angle in degrees. scale < 1 samples a
    smaller window, so the output is a zoomed-in view; the image appears rotated by -angle.
    """
    for v, k in ((angle, "angle"), (scale, "scale"), (tx, "tx"), (ty, "ty")):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not np.isfinite(v):
            raise ValueError(f"{k} must be a finite number, got {v!r}")
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    a = np.deg2rad(angle)
    return np.array([[scale * np.cos(a), -scale * np.sin(a), tx],
                     [scale * np.sin(a), scale * np.cos(a), ty]])


def affine_grid(theta, H: int, W: int) -> np.ndarray:
    """Grid generator: for every output pixel (i, j), the input point theta @ (x_j, y_i, 1).

    theta (N, 2, 3); x_j = (2 j + 1) / W - 1, y_i = (2 i + 1) / H - 1 (pixel centres, like torch's
    align_corners=False). Returns grid (N, H, W, 2) holding (x, y) in normalised input coordinates.
    """
    theta = as_real_array(theta, "theta", 3, "(N, 2, 3)", dtype=np.float64)
    check_shape(theta, "theta", (None, 2, 3), "(N, 2, 3)")
    H, W = check_positive_int(H, "H"), check_positive_int(W, "W")
    x = (2 * np.arange(W) + 1) / W - 1
    y = (2 * np.arange(H) + 1) / H - 1
    base = np.stack([*np.meshgrid(x, y), np.ones((H, W))], axis=-1)  # (H, W, 3): (x_j, y_i, 1)
    return np.einsum("hwk,nck->nhwc", base, theta)                  # (N, H, W, 2)


def grid_sample(U, grid) -> np.ndarray:
    """Bilinear sampler: V[n, c, i, j] = sum over the 4 pixels around the grid point of U times its weight.

    U (N, C, H_in, W_in); grid (N, H, W, 2) from :func:`affine_grid`. The point (x, y) is pixel
    (u, v) = ((x + 1) W_in - 1) / 2, ((y + 1) H_in - 1) / 2, and
    ``V = sum_{q, p} U[q, p] max(0, 1 - |u - p|) max(0, 1 - |v - q|)``, pixels outside the image count as 0.
    """
    U = as_real_array(U, "U", 4, "(N, C, H_in, W_in)", dtype=np.float64)
    grid = as_real_array(grid, "grid", 4, "(N, H, W, 2)", dtype=np.float64)
    check_shape(grid, "grid", (U.shape[0], None, None, 2), "(N, H, W, 2)")
    N, C, Hin, Win = U.shape
    u = ((grid[..., 0] + 1) * Win - 1) / 2                           # (N, H, W) column coordinate
    v = ((grid[..., 1] + 1) * Hin - 1) / 2                           # row coordinate
    p0, q0 = np.floor(u).astype(int), np.floor(v).astype(int)
    out = np.zeros((N, C) + u.shape[1:])
    n = np.arange(N)[:, None, None]
    for dq in (0, 1):
        for dp in (0, 1):
            p, q = p0 + dp, q0 + dq
            weight = (1 - np.abs(u - p)) * (1 - np.abs(v - q))       # (N, H, W), both factors in [0, 1]
            inside = (p >= 0) & (p < Win) & (q >= 0) & (q < Hin)
            vals = U[n, :, np.clip(q, 0, Hin - 1), np.clip(p, 0, Win - 1)]    # (N, H, W, C)
            out += np.moveaxis(vals * (weight * inside)[..., None], -1, 1)
    return out


class SpatialTransformer(nn.Module):
    """Localisation net (image -> theta (N, 2, 3)), then torch's grid generator and bilinear sampler.

    The last layer starts at zero weights and the identity's bias, so an untrained transformer
    returns its input unchanged.
    """

    def __init__(self, H: int = 8, W: int = 8, hidden: int = 32):
        super().__init__()
        self.size = (check_positive_int(H, "H"), check_positive_int(W, "W"))
        self.loc = nn.Sequential(nn.Flatten(), nn.Linear(H * W, check_positive_int(hidden, "hidden")),
                                 nn.ReLU(), nn.Linear(hidden, 6))
        with torch.no_grad():
            self.loc[-1].weight.zero_()
            self.loc[-1].bias.copy_(torch.tensor([1.0, 0, 0, 0, 1.0, 0]))

    def forward(self, U):
        """U (N, 1, H, W) -> (V (N, 1, H, W), theta (N, 2, 3))."""
        theta = self.loc(U).view(-1, 2, 3)
        grid = nn.functional.affine_grid(theta, list(U.shape), align_corners=False)
        return nn.functional.grid_sample(U, grid, align_corners=False), theta


def rotate_images(images, angles) -> np.ndarray:
    """Each image (N, C, H, W) turned by its angle (N,) in degrees (counter-clockwise on screen, about
    the centre), by the numpy sampler: theta = [R(-angle) | 0]; corners that come from outside are 0."""
    images = as_real_array(images, "images", 4, "(N, C, H, W)", dtype=np.float64)
    angles = as_real_array(angles, "angles", 1, "(N,)", dtype=np.float64)
    check_shape(angles, "angles", (images.shape[0],), "(N,)")
    theta = np.stack([affine_theta(-float(a)) for a in angles])
    return grid_sample(images, affine_grid(theta, *images.shape[2:]))


def rotated_digits(images, labels, n: int, *, rng: np.random.Generator, max_angle: float = 60.0):
    """``n`` digits drawn from ``images`` (M, 1, 8, 8), each turned by an angle uniform in
    [-max_angle, max_angle] degrees. Returns (x float32 (n, 1, 8, 8), labels (n,), angles (n,))."""
    images = as_real_array(images, "images", 4, "(M, 1, 8, 8)")
    check_shape(images, "images", (None, 1, 8, 8), "(M, 1, 8, 8)")
    labels = np.asarray(labels)
    if labels.shape != images.shape[:1]:
        raise ValueError(f"labels must have shape ({images.shape[0]},), got {labels.shape}")
    n = check_positive_int(n, "n")
    check_instance(rng, "rng", np.random.Generator)
    if isinstance(max_angle, bool) or not isinstance(max_angle, (int, float)) or not 0 <= max_angle <= 180:
        raise ValueError(f"max_angle must be a number of degrees in [0, 180], got {max_angle!r}")
    pick = rng.integers(0, len(labels), size=n)
    angles = rng.uniform(-max_angle, max_angle, size=n)
    return rotate_images(images[pick], angles).astype(np.float32), labels[pick], angles


def theta_angle(theta) -> np.ndarray:
    """The rotation angle (degrees) of each theta (N, 2, 3): that of the rotation nearest to its 2x2 part,
    atan2(theta_10 - theta_01, theta_00 + theta_11). For theta = [s R(a) | t] it is a; a transformer
    that undoes a turn by a degrees samples with R(a), so its angle should follow the turn."""
    theta = as_real_array(theta, "theta", 3, "(N, 2, 3)", dtype=np.float64)
    check_shape(theta, "theta", (None, 2, 3), "(N, 2, 3)")
    return np.rad2deg(np.arctan2(theta[:, 1, 0] - theta[:, 0, 1], theta[:, 0, 0] + theta[:, 1, 1]))


class STNClassifier(nn.Module):
    """A :class:`SpatialTransformer` in front of a linear classifier: x (N, 1, 8, 8) -> V -> scores (N, K).

    The classifier is one linear layer on the 64 pixels of V, too simple to recognise a turned digit
    by itself, so the loss pays the transformer to turn the digits back.
    """

    def __init__(self, K: int = 10, hidden: int = 32):
        super().__init__()
        self.stn = SpatialTransformer(8, 8, hidden=hidden)
        self.classify = nn.Sequential(nn.Flatten(), nn.Linear(64, check_positive_int(K, "K")))

    def forward(self, x):
        """Scores (N, K) of images x (N, 1, 8, 8)."""
        return self.classify(self.stn(x)[0])


def _stn_loss(model, x, y):
    return nn.functional.cross_entropy(model(x), y)


def train_stn_classifier(model: STNClassifier, images, labels, epochs: int = 10, batch: int = 64, lr: float = 3e-3,
                         seed: int = 0, progress: bool = True) -> list:
    """Adam on the cross-entropy of the digit labels, through :func:`lstmlib.torchside.training.fit`
    (minibatches of a new permutation each epoch, drawn with ``seed``; gradient norm clipped to 5).
    Nothing tells the transformer the angles: it learns from the classifier's loss alone. Returns the losses."""
    check_instance(model, "model", STNClassifier)
    batch = check_positive_int(batch, "batch")
    x = torch.as_tensor(np.asarray(images), dtype=next(model.parameters()).dtype)     # the model's precision
    y = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    if x.ndim != 4 or x.shape[1:] != (1, 8, 8) or y.shape != x.shape[:1]:
        raise ValueError(f"images must be (N, 1, 8, 8) and labels (N,), got {tuple(x.shape)} and {tuple(y.shape)}")

    def minibatches(gen):
        order = torch.randperm(x.shape[0], generator=gen)
        return [(x[order[s:s + batch]], y[order[s:s + batch]]) for s in range(0, x.shape[0], batch)]

    return fit(model, minibatches, _stn_loss, epochs=epochs, lr=lr, clip=5.0, seed=seed, progress=progress)
