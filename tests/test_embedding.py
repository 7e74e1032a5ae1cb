"""lstmlib.core.embedding: the lookup is one-hot times W_e, the gradient a scatter-add (torch float64)."""
import numpy as np
import pytest
import torch

from lstmlib.core.embedding import embedding_backward, embedding_forward


def test_forward_is_one_hot_times_matrix_and_backward_matches_torch():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(7, 4))
    ids = rng.integers(0, 7, (5, 3))
    ids[0, 0] = ids[1, 1] = ids[4, 2] = 3                       # a repeated word
    assert np.array_equal(embedding_forward(W, ids), np.eye(7)[ids] @ W)
    de = rng.normal(size=(5, 3, 4))
    emb = torch.nn.Embedding(7, 4).double()
    with torch.no_grad():
        emb.weight.copy_(torch.tensor(W))
    emb(torch.tensor(ids)).backward(torch.tensor(de))
    assert np.allclose(embedding_backward(de, ids, 7), emb.weight.grad.numpy(), rtol=0, atol=1e-12)
    # the gradient of one-hot @ W by the outer-product formula
    oh = np.eye(7)[ids].reshape(-1, 7)
    assert np.allclose(embedding_backward(de, ids, 7), oh.T @ de.reshape(-1, 4), rtol=0, atol=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: embedding_forward(np.ones((3, 2)), np.array([[3]])), r"\[0, 2\]"),
    (lambda: embedding_forward(np.ones((3, 2)), np.array([[0.5]])), "integer"),
    (lambda: embedding_forward(np.ones(3), np.array([[0]])), "W_e"),
    (lambda: embedding_backward(np.ones((2, 1, 3)), np.array([[0], [1], [2]]), 3), "de"),
    (lambda: embedding_backward(np.ones((1, 1, 3)), np.array([[-1]]), 3), "ids"),
    (lambda: embedding_backward(np.ones((1, 1, 3)), np.array([[0]]), 0), "V"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
