"""Computations specific to one lecture: the CS 615 counting example, the refresher neuron, X/O
classification by votes, the scalar LSTM, a one-unit GRU fed a pulse, remedies, the numpy char-RNN,
vanishing-gradient curves.
Imports the core and data.
"""
from .charrnn import (CharRNNConfig, CharRNNRun, init_char_rnn, char_loss_and_grads, sample, train_char_rnn,
                      gradient_check, char_rnn_nats)
from .gru_valve import pulse_gru
from .optimiser_race import OPTIMISERS, RaceConfig, race_losses, race_grid
from .refresher import weighted_sum, neuron_error, neuron_error_grad, gradient_step
from .remedies import (spectral_radius, scale_to_spectral_radius, orthogonal, identity, rnn_params,
                       lstm_params, gru_params, EchoStateNetwork, esn_init, esn_states, esn_fit, esn_predict,
                       SGDRun, sgd_train, bias_gradient_by_jacobians)
from .rnn_examples import (counting_params, counting_objective, counting_gradients, slide_gradients,
                           counting_rmse, CountingRun, train_counting, seq_to_vector_bias_terms,
                           input_influence, state_difference, one_word_model, sample_one_word,
                           split_sentences)
from .scalar_lstm import (scalar_lstm, unrolled, cs615_weights, cs615_step, HAND_SET, SINGH_NAMES,
                          SINGH_TRAINING_PARAMETERS, parse_sequence)
from .vanishing import network, gradient_norm_curve, MODELS, parse_setup
from .xo import pixel_agreement, xo_features, fc_votes

__all__ = ["CharRNNConfig", "CharRNNRun", "init_char_rnn", "char_loss_and_grads", "sample", "train_char_rnn",
           "gradient_check", "pulse_gru", "OPTIMISERS", "RaceConfig", "race_losses", "race_grid", "weighted_sum", "neuron_error", "neuron_error_grad",
           "gradient_step", "spectral_radius", "scale_to_spectral_radius", "orthogonal", "identity",
           "rnn_params", "lstm_params", "gru_params", "EchoStateNetwork", "esn_init", "esn_states", "esn_fit",
           "esn_predict", "SGDRun", "sgd_train", "bias_gradient_by_jacobians", "counting_params",
           "counting_objective", "counting_gradients", "slide_gradients", "counting_rmse", "CountingRun",
           "train_counting", "seq_to_vector_bias_terms", "input_influence", "state_difference",
           "one_word_model", "sample_one_word", "split_sentences", "scalar_lstm", "unrolled", "cs615_weights",
           "cs615_step", "HAND_SET", "SINGH_NAMES", "SINGH_TRAINING_PARAMETERS", "parse_sequence", "network",
           "gradient_norm_curve", "MODELS", "parse_setup", "pixel_agreement", "xo_features", "fc_votes"]
