"""Sequence to sequence: an encoder-decoder LSTM, teacher forcing, greedy and beam-search decoding.

Shape letters: G independent models trained side by side (one per seed), N batch, S source
steps, T target steps, E embedding size, H hidden size, K target vocabulary size, B hypotheses
alive in a beam.

* :class:`Seq2Seq` (Sutskever et al. 2014): an encoder LSTM reads the source; its last state
  (h, c) starts a decoder LSTM that writes the target one token at a time, each step reading
  the previous token. Without attention that last state is all the decoder ever sees of the
  source: the bottleneck. With ``attention="dot"`` (Luong et al. 2015) or ``"additive"``
  (Bahdanau et al. 2015) the decoder also reads, before each step, a weighted average of all
  encoder states m_s,

      e_{t,s} = m_s . h_{t-1}   or   v . tanh(m_s W_m + h_{t-1} W_a),
      alpha_t = softmax_s(e_t),   z_t = sum_s alpha_{t,s} m_s,

  takes [embedding of the previous token, z_t] as its input, and scores the next token with
  [h_t, z_t] W_hy + b_y (h_t W_hy + b_y without attention).
  Every parameter has a leading axis G: the module holds G models with their own initial
  weights, trained at once on their own batches (one set of Python steps for G seeds).
* :func:`train_seq2seq`: Adam on the cross-entropy of every target token. ``ratio`` is the
  teacher-forcing ratio: at each step each example is fed the true previous token with
  probability ``ratio``, the model's own arg-max prediction otherwise (1.0: always the truth;
  0.0: always its own predictions; in between: scheduled sampling, Bengio et al. 2015, at a
  fixed rate).
* decoding: :func:`greedy_decode` (the arg-max token, fed back), :func:`beam_search` (keep the
  ``width`` most probable partial sequences), :func:`sequence_logprob` (the model's own score of
  any target), :func:`translate` and :func:`exact_match`.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from lstmlib.torchside.training import fit

from lstmlib.core.validate import check_choice, check_instance, check_positive_int, check_probability
from lstmlib.data.seq2seq import START, END, decode_target, encode_pairs
from lstmlib.data.text import Vocab

__all__ = ["ATTENTION", "Seq2Seq", "train_seq2seq", "greedy_decode", "beam_search", "model_step", "table_step",
           "sequence_logprob", "translate", "exact_match"]

ATTENTION = (None, "dot", "additive")


def _lstm(x, h, c, W_x, W_h, b):
    """One LSTM step for G models: x (G, N, D), h and c (G, N, H), W_x (G, D, 4H), W_h (G, H, 4H), b (G, 1, 4H)."""
    i, f, g, o = (x @ W_x + h @ W_h + b).chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


class Seq2Seq(nn.Module):
    """G encoder-decoder LSTMs (sources (S, N) of word ids, targets of token ids), optional attention.

    Weights start uniform in [-1/sqrt(H), 1/sqrt(H)] like torch's LSTM, embeddings standard normal.
    """

    def __init__(self, K_in: int, K_out: int, E: int = 16, H: int = 48, attention: str | None = None,
                 G: int = 1):
        super().__init__()
        K_in, K_out, E, H, G = (check_positive_int(v, k) for v, k in
                                ((K_in, "K_in"), (K_out, "K_out"), (E, "E"), (H, "H"), (G, "G")))
        check_choice(attention, "attention", ATTENTION)
        self.attention, self.sizes = attention, dict(K_in=K_in, K_out=K_out, E=E, H=H, G=G)
        u = lambda *shape: nn.Parameter(torch.empty(G, *shape).uniform_(-H ** -0.5, H ** -0.5))
        self.src_embed, self.tgt_embed = nn.Parameter(torch.randn(G, K_in, E)), nn.Parameter(torch.randn(G, K_out, E))
        self.enc_Wx, self.enc_Wh, self.enc_b = u(E, 4 * H), u(H, 4 * H), u(1, 4 * H)
        D = E + (H if attention else 0)
        self.dec_Wx, self.dec_Wh, self.dec_b = u(D, 4 * H), u(H, 4 * H), u(1, 4 * H)
        if attention == "additive":
            self.W_m, self.W_a, self.v = u(H, H), u(H, H), u(H, 1)
        self.W_hy, self.b_y = u(2 * H if attention else H, K_out), u(1, K_out)

    @property
    def G(self) -> int:
        return self.sizes["G"]

    def member(self, g: int) -> "Seq2Seq":
        """Model g of the G as a model of its own (G = 1), with copies of its weights."""
        if isinstance(g, bool) or not isinstance(g, (int, np.integer)) or not 0 <= g < self.G:
            raise ValueError(f"g must be an integer in [0, {self.G}), got {g!r}")
        one = Seq2Seq(**{**self.sizes, "G": 1}, attention=self.attention).to(self.b_y.device, self.b_y.dtype)
        one.load_state_dict({k: v[g:g + 1].clone() for k, v in self.state_dict().items()})
        return one.eval()

    def _groups(self, ids):
        """ids (S, N) shared by every model, or (S, G, N) one set per model -> (S, G, N)."""
        return ids[:, None].expand(-1, self.G, -1) if ids.dim() == 2 else ids

    def encode(self, src, lengths):
        """The memory (m, mask, keys) of the sources and the encoder's last state (h, c), each (G, N, H).

        m (S, G, N, H): the encoder states; mask (S, 1 or G, N): True at real words; keys: what the
        attention scores compare with h_{t-1} (m for dot, m W_m for additive, computed once).
        """
        src = self._groups(src)
        x = self.src_embed[torch.arange(self.G, device=src.device)[:, None], src]    # (S, G, N, E)
        lengths = torch.as_tensor(lengths, device=src.device)
        mask = torch.arange(src.shape[0], device=src.device).view(-1, *[1] * lengths.dim()) < lengths
        mask = mask if mask.dim() == 3 else mask[:, None]                            # (S, 1 or G, N)
        h = c = x.new_zeros(*x.shape[1:3], self.sizes["H"])
        m = []
        for t in range(src.shape[0]):
            h2, c2 = _lstm(x[t], h, c, self.enc_Wx, self.enc_Wh, self.enc_b)
            keep = mask[t, :, :, None]                                               # after the end: hold
            h, c = torch.where(keep, h2, h), torch.where(keep, c2, c)
            m.append(h)
        m = torch.stack(m)
        return (m, mask, m @ self.W_m if self.attention == "additive" else m), (h, c)

    def attend(self, memory, h):
        """alpha (S, G, N): softmax over the source of the scores against h (G, N, H); context z (G, N, H)."""
        m, mask, keys = memory
        if self.attention == "dot":
            e = (keys * h).sum(-1)                                                  # (S, G, N)
        else:
            e = (torch.tanh(keys + h @ self.W_a) @ self.v)[..., 0]
        alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=0)
        return alpha, (alpha[..., None] * m).sum(0)

    def step(self, token, state, memory):
        """One decoder step for the previous tokens (G, N): scores (G, N, K) of the next token, new state."""
        x = self.tgt_embed[torch.arange(self.G, device=token.device)[:, None], token]   # (G, N, E)
        if self.attention:
            _, z = self.attend(memory, state[0])
            x = torch.cat([x, z], dim=-1)
        h, c = _lstm(x, *state, self.dec_Wx, self.dec_Wh, self.dec_b)
        return (torch.cat([h, z], dim=-1) if self.attention else h) @ self.W_hy + self.b_y, (h, c)

    def forward(self, src, lengths, tgt_in, ratio: float = 1.0, generator: torch.Generator | None = None):
        """Scores (T, G, N, K) of the token after each of tgt_in ((T, N) or (T, G, N)), teacher-forcing ``ratio``."""
        ratio = check_probability(ratio, "ratio")
        memory, state = self.encode(src, lengths)
        tgt_in = self._groups(tgt_in)
        token, scores = tgt_in[0], []
        for t in range(tgt_in.shape[0]):
            y, state = self.step(token, state, memory)
            scores.append(y)
            if t + 1 < tgt_in.shape[0]:
                token = tgt_in[t + 1]
                if ratio < 1.0:                       # feed the model's own guess where the coin says so
                    own = torch.rand(token.shape, generator=generator).to(token.device) >= ratio
                    token = torch.where(own, y.argmax(-1).detach(), token)
        return torch.stack(scores)


def _device(model):
    return model.b_y.device


def _clip_per_model(model, max_norm: float):
    """Scale each model's gradient (all its parameters together) to norm at most max_norm."""
    grads = [p.grad for p in model.parameters()]
    norms = torch.sqrt(sum(g.flatten(1).pow(2).sum(1) for g in grads))             # (G,)
    scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(scale.view(-1, *[1] * (g.dim() - 1)))


def train_seq2seq(model: Seq2Seq, src, lengths, tgt, steps: int = 400, batch: int = 64, lr: float = 1e-2,
                  ratio: float = 1.0, seed: int = 0, progress: bool = True) -> np.ndarray:
    """Adam on each model's mean cross-entropy of the target tokens (<pad> ignored). Returns losses (steps, G).

    src (S, N), lengths (N,), tgt (T, N) from :func:`lstmlib.data.seq2seq.encode_pairs`: the decoder
    reads tgt[:-1] (under teacher-forcing ``ratio``) and predicts tgt[1:]. Each step draws ``batch``
    examples for each of the G models with a torch generator seeded with ``seed`` (it also draws the
    teacher-forcing coins). Each model's gradient is clipped to norm 1. The steps are the book's one
    loop, :func:`lstmlib.torchside.training.fit`.
    """
    check_instance(model, "model", Seq2Seq)
    steps, batch = check_positive_int(steps, "steps"), check_positive_int(batch, "batch")
    ratio = check_probability(ratio, "ratio")
    dev = _device(model)
    src, tgt = torch.as_tensor(np.asarray(src), device=dev), torch.as_tensor(np.asarray(tgt), device=dev)
    lengths = torch.as_tensor(np.asarray(lengths), device=dev)
    if src.dim() != 2 or tgt.dim() != 2 or not src.shape[1] == len(lengths) == tgt.shape[1]:
        raise ValueError(f"src (S, N), lengths (N,) and tgt (T, N) must hold the same N examples, got shapes "
                         f"{tuple(src.shape)}, {tuple(lengths.shape)} and {tuple(tgt.shape)}")
    per_model, coins = [], {}

    def draw(gen):                                       # one step: the examples, then (in the loss) the coins
        coins["gen"] = gen
        return [(torch.randint(0, src.shape[1], (model.G, batch), generator=gen), src, lengths, tgt)]

    def loss(model, sel, src, lengths, tgt):
        S = int(lengths[sel].max())
        y = model(src[:S, sel], lengths[sel], tgt[:-1, sel], ratio, coins["gen"])   # (T-1, G, batch, K)
        target = tgt[1:, sel]                                                    # (T-1, G, batch)
        per_token = nn.functional.cross_entropy(y.permute(0, 3, 1, 2), target, reduction="none")
        real = (target != 0).float()
        each = (per_token * real).sum((0, 2)) / real.sum((0, 2))                 # (G,) each model's mean
        per_model.append(each.detach().cpu().numpy())
        return each.sum()                                                        # the models share no weight

    fit(model, draw, loss, epochs=steps, lr=lr, clip=lambda m: _clip_per_model(m, 1.0), seed=seed,
        progress=progress, desc="steps")
    return np.array(per_model)


@torch.no_grad()
def greedy_decode(model: Seq2Seq, src, lengths, tgt_vocab: Vocab, max_len: int = 10):
    """Greedy decoding of src (S, N): ids (max_len, G, N), each the arg-max token fed back, and the
    log-probabilities (G, N) of the sequences up to and including their first <end>."""
    check_instance(model, "model", Seq2Seq)
    max_len = check_positive_int(max_len, "max_len")
    src = torch.as_tensor(np.asarray(src), device=_device(model))
    memory, state = model.encode(src, np.asarray(lengths))
    token = torch.full((model.G, src.shape[1]), tgt_vocab.index[START], device=src.device)
    end, done = tgt_vocab.index[END], torch.zeros_like(token, dtype=torch.bool)
    ids, logp = [], torch.zeros(token.shape, dtype=torch.float64, device=src.device)
    for _ in range(max_len):
        y, state = model.step(token, state, memory)
        lp = torch.log_softmax(y.double(), dim=-1)
        token = lp.argmax(-1)
        logp += torch.where(done, 0.0, lp.gather(-1, token[..., None])[..., 0])
        done |= token == end
        ids.append(token)
    return torch.stack(ids).cpu().numpy(), logp.cpu().numpy()


def beam_search(step, state, start: int, end: int, width: int, max_len: int) -> list:
    """The ``width`` most probable sequences that beam search finds, best first: [(log-prob, tokens)].

    ``step(tokens, state)`` scores a list of B last tokens: it returns log-probabilities (B, K) of
    the next token and the new state, a tuple of arrays whose row b belongs to tokens[b]. Each
    round grows every unfinished hypothesis by every token, then keeps the ``width`` best of those
    and of the finished ones (a finished one ends with ``end``). Width 1 is greedy decoding; a
    width that keeps every hypothesis finds the most probable sequence of at most ``max_len`` tokens.
    """
    width, max_len = check_positive_int(width, "width"), check_positive_int(max_len, "max_len")
    beams = [(0.0, (start,), 0)]                                  # (log-prob, tokens, row of its state)
    for _ in range(max_len):
        alive = [b for b in beams if b[1][-1] != end]
        if not alive:
            break
        logp, state = step([b[1][-1] for b in alive], tuple(s[[b[2] for b in alive]] for s in state))
        grown = [(lp + float(logp[row, k]), tokens + (k,), row)
                 for row, (lp, tokens, _) in enumerate(alive) for k in range(logp.shape[1])]
        finished = [b for b in beams if b[1][-1] == end]
        beams = sorted(finished + grown, key=lambda b: -b[0])[:width]
    return [(lp, list(tokens[1:])) for lp, tokens, _ in beams]


def model_step(model: Seq2Seq, src, lengths, n: int = 0, g: int = 0):
    """The ``step`` function and start ``state`` of :func:`beam_search` for example n of src (S, N), model g."""
    check_instance(model, "model", Seq2Seq)
    one = model if model.G == 1 and g == 0 else model.member(g)
    src = torch.as_tensor(np.asarray(src), device=_device(one))
    if src.dim() != 2 or not 0 <= n < src.shape[1]:
        raise ValueError(f"n must lie in [0, N) for src of shape (S, N), got n = {n} and shape {tuple(src.shape)}")
    with torch.no_grad():
        memory, (h, c) = one.encode(src[:, n:n + 1], np.asarray(lengths)[n:n + 1])

    @torch.no_grad()
    def step(tokens, state):                                      # state: (h, c), each (B, H)
        B = len(tokens)
        beams = tuple(a.expand(-1, -1, B, *a.shape[3:]) for a in memory)   # the one source, B times
        y, (h, c) = one.step(torch.as_tensor(tokens, device=src.device)[None], (state[0][None], state[1][None]),
                             beams)
        return torch.log_softmax(y[0].double(), dim=-1).cpu().numpy(), (h[0], c[0])
    return step, (h[0], c[0])


def table_step(table: dict, start: int):
    """The ``step`` and start ``state`` of :func:`beam_search` for a model given as a table.

    ``table[prefix]`` holds the probabilities (K,) of the next token after ``prefix``, a tuple of
    the tokens generated so far (``()`` for the first token). The state is one prefix per row.
    """
    check_instance(table, "table", dict)
    if () not in table:
        raise ValueError("table must hold the probabilities of the first token under the key ()")

    def rows(prefixes):
        out = np.empty(len(prefixes), dtype=object)              # an array of tuples, one per row
        out[:] = prefixes
        return out

    def step(tokens, state):
        prefixes = [p if t == start else p + (t,) for p, t in zip(state[0], tokens)]
        missing = [p for p in prefixes if p not in table]
        if missing:
            raise ValueError(f"table has no probabilities after the prefix {missing[0]}")
        with np.errstate(divide="ignore"):                       # probability 0: log-probability -inf
            return np.log(np.array([table[p] for p in prefixes], dtype=np.float64)), (rows(prefixes),)
    return step, (rows([()]),)


@torch.no_grad()
def sequence_logprob(model: Seq2Seq, src, lengths, tgt) -> np.ndarray:
    """Each model's log-probability (G, N) of each target tgt (T, N) (<start> ... <end>, <pad> after)."""
    check_instance(model, "model", Seq2Seq)
    dev = _device(model)
    src, tgt = torch.as_tensor(np.asarray(src), device=dev), torch.as_tensor(np.asarray(tgt), device=dev)
    lp = torch.log_softmax(model(src, np.asarray(lengths), tgt[:-1]).double(), dim=-1)   # (T-1, G, N, K)
    target = tgt[1:, None].expand(-1, model.G, -1)
    picked = lp.gather(-1, target[..., None])[..., 0]
    return (picked * (target != 0)).sum(0).cpu().numpy()


def translate(model: Seq2Seq, src_vocab: Vocab, tgt_vocab: Vocab, sources, width: int = 1,
              max_len: int = 10) -> list:
    """Decoded strings of a list of N word lists, for each of the G models: a list of G lists of N.

    Greedy decoding for ``width == 1``, beam search otherwise (one example at a time).
    """
    check_instance(model, "model", Seq2Seq)
    src, lengths = encode_pairs(src_vocab, tgt_vocab, sources)
    if check_positive_int(width, "width") == 1:
        ids, _ = greedy_decode(model, src, lengths, tgt_vocab, max_len)
        return [[decode_target(tgt_vocab, ids[:, g, n]) for n in range(ids.shape[2])] for g in range(model.G)]
    out = []
    for g in range(model.G):
        one, row = model.member(g), []
        for n in range(src.shape[1]):
            step, state = model_step(one, src, lengths, n)
            best = beam_search(step, state, tgt_vocab.index[START], tgt_vocab.index[END], width, max_len)[0][1]
            row.append(decode_target(tgt_vocab, best))
        out.append(row)
    return out


def exact_match(predicted, targets) -> float:
    """Fraction of predictions equal to their target, character for character."""
    if isinstance(predicted, str) or isinstance(targets, str) or len(predicted) != len(targets) or not len(targets):
        raise ValueError(f"predicted and targets must be non-empty lists of the same length, "
                         f"got {type(predicted).__name__} and {type(targets).__name__}")
    return float(np.mean([p == t for p, t in zip(predicted, targets)]))
