"""Everything that needs torch: the numpy <-> torch bridge and training loop, ConvNets, text models,
captioning, memory tasks, forecasting. Imports the core and data.
"""
from .bridge import (seeded, device, to_torch, from_torch, torch_gradients, RNNModel, LSTMModel, GRUModel,
                     params_to_model, model_to_params, train, single_thread, set_forget_bias)
from .captioning import (CANVAS, digit_captions, caption_vocab, encode_captions, decode_caption, Captioner,
                         train_captioner, caption_accuracy, hard_context, affine_theta, affine_grid,
                         grid_sample, SpatialTransformer)
from .cnn import (pick_device, XOConvNet, DigitsConvNet, TrainResult, train_classifier, predict, accuracy,
                  confusion_matrix, conv_params, linear_params, count_parameters, LeNet5, alexnet, vgg16,
                  resnet, ARCHITECTURES, PUBLISHED_PARAMS, formula_params, build_architecture, layer_shapes,
                  MLP)
from .forecasting import (naive_last, naive_trend, rolling_predictions, residual_interval, coverage, rmse,
                          capacity_decision, Forecaster, fit_forecaster, forecast)
from .memory import (KINDS, TASKS, Run, make_model, with_forget_bias, predict_all, predict_last, task_data,
                     run_memory_task, sweep, success_table, first_step_below, recurrent_macs,
                     time_forward_backward, length_batches, memory_unit, train_scalar_lstm,
                     last_step_accuracy, Recipe, RECIPES, apply_recipe, tune_lr, Curriculum, CurriculumRun,
                     train_curriculum, MEMORY_SWEEP, seed_summary, load_memory_sweep, solved_summary,
                     curriculum_summary)
from .text import (tokenize, build_word_vocab, encode_padded, bag_of_words, SentimentModel, sentence_batches,
                   train_sentiment, predict_proba, prefix_proba, char_lm_batches, CharLSTMRun,
                   train_char_lstm, char_trace, next_char_proba, code_features, correlations, CELLS, CellRun,
                   fit_cell)

__all__ = ["seeded", "device", "to_torch", "from_torch", "torch_gradients", "RNNModel", "LSTMModel",
           "GRUModel", "params_to_model", "model_to_params", "train", "single_thread", "set_forget_bias",
           "CANVAS", "digit_captions", "caption_vocab", "encode_captions", "decode_caption", "Captioner",
           "train_captioner", "caption_accuracy", "hard_context", "affine_theta", "affine_grid",
           "grid_sample", "SpatialTransformer", "pick_device", "XOConvNet", "DigitsConvNet", "TrainResult",
           "train_classifier", "predict", "accuracy", "confusion_matrix", "conv_params", "linear_params",
           "count_parameters", "LeNet5", "alexnet", "vgg16", "resnet", "ARCHITECTURES", "PUBLISHED_PARAMS",
           "formula_params", "build_architecture", "layer_shapes", "MLP", "naive_last", "naive_trend",
           "rolling_predictions", "residual_interval", "coverage", "rmse", "capacity_decision", "Forecaster",
           "fit_forecaster", "forecast", "KINDS", "TASKS", "Run", "make_model", "with_forget_bias",
           "predict_all", "predict_last", "task_data", "run_memory_task", "sweep", "success_table",
           "first_step_below", "recurrent_macs", "time_forward_backward", "length_batches", "memory_unit",
           "train_scalar_lstm", "last_step_accuracy", "Recipe", "RECIPES", "apply_recipe", "tune_lr",
           "Curriculum", "CurriculumRun", "train_curriculum", "MEMORY_SWEEP", "seed_summary",
           "load_memory_sweep", "solved_summary", "curriculum_summary", "tokenize", "build_word_vocab", "encode_padded",
           "bag_of_words", "SentimentModel", "sentence_batches", "train_sentiment", "predict_proba",
           "prefix_proba", "char_lm_batches", "CharLSTMRun", "train_char_lstm", "char_trace",
           "next_char_proba", "code_features", "correlations", "CELLS", "CellRun", "fit_cell"]
