"""Exercises of the chapter on bidirectional and stacked RNNs. Each answer is computed with lstmlib."""
from __future__ import annotations

from lstmlib.exercises import exercise


@exercise("p4-bilstm-params", "Count each direction of each layer on its own: four gate blocks, each with an input "
          "matrix, a recurrent matrix and two bias vectors (torch keeps two). The first layer reads the D inputs; "
          "the second reads both directions' states of the first, so its input is 2H wide.")
def _bilstm_params():
    from lstmlib.core.deep import recurrent_parameter_count      # checked against torch's modules by the tests
    return recurrent_parameter_count("lstm", 10, 20, layers=2, bidirectional=True)


@exercise("p4-bigru-output-width", "Only the top layer's states reach the output, both of its directions side by "
          "side; how many layers are below it does not matter.")
def _bigru_output_width():
    import numpy as np
    from lstmlib.core.deep import stacked_forward
    from lstmlib.core.gru import GRUParams
    rng = np.random.default_rng(0)
    layers = [tuple(GRUParams.init(8 if l == 0 else 32, 16, rng=rng) for _ in range(2)) for l in range(3)]
    return stacked_forward(layers, np.zeros((5, 1, 8)))[-1].shape[-1]


@exercise("p4-later-ceiling", "At position t the T - 1 - t tokens after it are fresh draws, none of which equals x_t "
          "with probability (1 - 1/V) to the power T - 1 - t. A reader that cannot see them does best by always "
          "answering the likelier outcome; average that outcome's probability over the T positions.")
def _later_ceiling():
    from lstmlib.data.tagging import left_only_ceiling
    return float(left_only_ceiling(4, 3).mean())
