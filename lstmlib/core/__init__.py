"""The numpy core: recurrent cells (RNN, LSTM, GRU, variants), BPTT, losses, convolution and pooling, input
validation. Imports nothing but numpy.
"""
from .base import (sigmoid, Params, Gradients, check_input, check_trace, upstream, check_k, output_forward,
                   output_backward, ACTIVATIONS, param, Trace, Step)
from .bptt import (forward, backward, clip_by_value, clip_by_global_norm, clip_arrays_by_global_norm, global_norm,
                   truncation_cuts,
                   gradient_norms, last_step_gradient_norms, jacobians, spectral_norms, numerical_gradient,
                   relative_error, gradient_check_errors)
from .deep import (GATE_COUNT, recurrent_parameter_count, hidden_for_budget, BidirectionalTrace,
                   bidirectional_forward, stacked_forward)
from .conv import (feature_map_size, pool_output_size, zero_pad, conv2d_mean, conv2d_mean_naive,
                   convolve_filters, window, window_products, relu, max_pool, max_pool_naive, conv2d,
                   conv2d_naive, conv1x1)
from .norm import BatchNormResult, batch_norm2d
from .embedding import embedding_forward, embedding_backward
from .gru import GRUParams, GRUTrace, gru_forward, gru_backward
from .losses import softmax, softmax_cross_entropy, squared_error, last_step_loss
from .lstm import (LSTMParams, LSTMTrace, lstm_step, lstm_step_backward, lstm_forward, lstm_backward,
                   LSTMFamilyParams, LSTMStep, gate_blocks, local_derivatives, cell_bptt)
from .ngram import perplexity, ngram_nats_per_char
from .optim import sgd_step, adagrad_step, adam_step, AdamState, check_learning_rate
from .rnn import RNNParams, RNNTrace, rnn_step, rnn_step_backward, rnn_forward, rnn_backward, RNNStep
from .validate import (as_float_array, check_shape, check_positive_int, check_choice, check_probability,
                       as_real_array, check_instance, check_finite)
from .variants import (PeepholeLSTMParams, CoupledLSTMParams, NoForgetLSTMParams, variant_forward,
                       variant_backward)

__all__ = ["perplexity", "ngram_nats_per_char", "sigmoid", "Params", "Gradients", "check_input", "check_trace", "upstream", "check_k",
           "output_forward", "output_backward", "ACTIVATIONS", "param", "Trace", "Step", "forward",
           "backward", "clip_by_value", "clip_by_global_norm", "clip_arrays_by_global_norm", "global_norm",
           "truncation_cuts",
           "gradient_norms", "last_step_gradient_norms", "jacobians", "spectral_norms", "numerical_gradient",
           "relative_error", "gradient_check_errors", "GATE_COUNT", "recurrent_parameter_count", "hidden_for_budget",
           "BidirectionalTrace", "bidirectional_forward", "stacked_forward",
           "feature_map_size", "pool_output_size", "zero_pad", "conv2d_mean", "conv2d_mean_naive",
           "convolve_filters", "window", "window_products", "relu", "max_pool", "max_pool_naive", "conv2d",
           "conv2d_naive", "conv1x1", "BatchNormResult", "batch_norm2d", "embedding_forward", "embedding_backward",
           "GRUParams",
           "GRUTrace", "gru_forward", "gru_backward", "softmax", "softmax_cross_entropy", "squared_error",
           "last_step_loss", "LSTMParams", "LSTMTrace", "lstm_step", "lstm_step_backward", "lstm_forward",
           "lstm_backward", "LSTMFamilyParams", "LSTMStep", "gate_blocks", "local_derivatives", "cell_bptt",
           "sgd_step", "adagrad_step", "adam_step", "AdamState", "check_learning_rate", "RNNParams",
           "RNNTrace", "rnn_step", "rnn_step_backward", "rnn_forward", "rnn_backward", "RNNStep",
           "as_float_array", "check_shape", "check_positive_int", "check_choice", "check_probability",
           "as_real_array", "check_instance", "check_finite", "PeepholeLSTMParams", "CoupledLSTMParams",
           "NoForgetLSTMParams", "variant_forward", "variant_backward"]
