"""Everything that needs torch: one training loop (training.fit), the numpy <-> torch bridge, ConvNets, text models,
captioning, memory tasks, forecasting, sequence to sequence, stacked and bidirectional taggers. Imports the core and data.
"""
from .training import seeded, device, single_thread, fit, STOP
from .bridge import (to_torch, from_torch, trace_lstm, torch_gradients, RNNModel, LSTMModel, GRUModel,
                     params_to_model, model_to_params, train, set_forget_bias)
from .captioning import (CANVAS, digit_captions, caption_vocab, encode_captions, decode_caption, Captioner,
                         train_captioner, caption_accuracy, hard_context, affine_theta, affine_grid,
                         grid_sample, SpatialTransformer, rotate_images, rotated_digits, theta_angle, STNClassifier,
                         train_stn_classifier, pretrain_encoder, use_encoder, CAPTION_GRID, CaptionResult,
                         tune_and_repeat_captioner)
from .charlm import (layer_traces, CharLM, CHECKPOINT_DIR, Checkpoint, corpus_split, char_lm_loss, nats_per_char,
                     load_checkpoint, save_checkpoint, sample_text, available_checkpoints)
from .cnn import (XOConvNet, DigitsConvNet, ResidualBlock, InceptionBlock, BlockDigitsNet, BLOCKS, digits_runs,
                  summarise_runs, best_lr, DIGITS_LRS, DIGITS_SEEDS, DIGITS_EPOCHS, DIGITS_RUNS_FILE, digits_models,
                  load_digits_runs, ClassifierRun, train_classifier, predict, accuracy,
                  confusion_matrix, conv_params, linear_params, count_parameters, LeNet5, alexnet, vgg16,
                  resnet, ARCHITECTURES, PUBLISHED_PARAMS, formula_params, build_architecture, layer_shapes,
                  MLP)
from .deep_rnn import DeepTagger, train_tagger, tag_accuracy, TaggingRun, tagging_experiment
from .forecasting import (naive_last, naive_trend, rolling_predictions, residual_interval, coverage, rmse,
                          capacity_decision, Forecaster, fit_forecaster, forecast)
from .memory import (KINDS, TASKS, Run, make_model, with_forget_bias, predict_all, predict_last, task_data,
                     run_memory_task, sweep, success_table, first_step_below, recurrent_macs,
                     time_forward_backward, length_batches, memory_unit, train_scalar_lstm,
                     last_step_accuracy, Recipe, RECIPES, apply_recipe, tune_lr, Curriculum, CurriculumRun,
                     train_curriculum, MEMORY_SWEEP, seed_summary, load_memory_sweep, solved_summary,
                     curriculum_summary)
from .seq2seq import (ATTENTION, Seq2Seq, train_seq2seq, greedy_decode, beam_search, model_step, table_step,
                      sequence_logprob, translate, exact_match)
from .text import (tokenize, build_word_vocab, encode_padded, bag_of_words, SentimentModel, sentence_batches,
                   train_sentiment, predict_proba, prefix_proba, char_lm_batches, CharLSTMRun,
                   train_char_lstm, char_trace, next_char_proba, code_features, correlations, CELLS, CellRun,
                   fit_cell, BagOfWordsModel, cooccurrence_embedding, copy_embedding, SENTIMENT_GRID,
                   SentimentResult, train_early_stopped, tune_and_repeat, CELL_RACE, cell_race_options,
                   cell_race, load_cell_race)

__all__ = ["DeepTagger", "train_tagger", "tag_accuracy", "TaggingRun", "tagging_experiment",
           "seeded", "device", "single_thread", "fit", "STOP", "to_torch", "from_torch", "trace_lstm", "torch_gradients", "RNNModel", "LSTMModel",
           "GRUModel", "params_to_model", "model_to_params", "train", "set_forget_bias",
           "CANVAS", "digit_captions", "caption_vocab", "encode_captions", "decode_caption", "Captioner",
           "train_captioner", "caption_accuracy", "hard_context", "affine_theta", "affine_grid",
           "grid_sample", "SpatialTransformer", "rotate_images", "rotated_digits", "theta_angle", "STNClassifier",
           "train_stn_classifier", "pretrain_encoder", "use_encoder", "CAPTION_GRID", "CaptionResult",
           "tune_and_repeat_captioner", "layer_traces", "CharLM", "CHECKPOINT_DIR", "Checkpoint", "corpus_split", "char_lm_loss", "nats_per_char",
           "load_checkpoint", "save_checkpoint", "sample_text", "available_checkpoints", "XOConvNet", "DigitsConvNet", "ClassifierRun",
           "train_classifier", "predict", "accuracy", "confusion_matrix", "conv_params", "linear_params",
           "count_parameters", "LeNet5", "alexnet", "vgg16", "resnet", "ARCHITECTURES", "PUBLISHED_PARAMS",
           "formula_params", "build_architecture", "layer_shapes", "MLP", "ResidualBlock", "InceptionBlock", "BlockDigitsNet", "BLOCKS", "digits_runs",
           "summarise_runs", "best_lr", "DIGITS_LRS", "DIGITS_SEEDS", "DIGITS_EPOCHS", "DIGITS_RUNS_FILE",
           "digits_models", "load_digits_runs", "naive_last", "naive_trend",
           "rolling_predictions", "residual_interval", "coverage", "rmse", "capacity_decision", "Forecaster",
           "fit_forecaster", "forecast", "KINDS", "TASKS", "Run", "make_model", "with_forget_bias",
           "predict_all", "predict_last", "task_data", "run_memory_task", "sweep", "success_table",
           "first_step_below", "recurrent_macs", "time_forward_backward", "length_batches", "memory_unit",
           "train_scalar_lstm", "last_step_accuracy", "Recipe", "RECIPES", "apply_recipe", "tune_lr",
           "Curriculum", "CurriculumRun", "train_curriculum", "MEMORY_SWEEP", "seed_summary",
           "load_memory_sweep", "solved_summary", "curriculum_summary", "ATTENTION", "Seq2Seq", "train_seq2seq", "greedy_decode", "beam_search", "model_step",
           "table_step", "sequence_logprob", "translate", "exact_match", "tokenize", "build_word_vocab", "encode_padded",
           "bag_of_words", "SentimentModel", "sentence_batches", "train_sentiment", "predict_proba",
           "prefix_proba", "char_lm_batches", "CharLSTMRun", "train_char_lstm", "char_trace",
           "next_char_proba", "code_features", "correlations", "CELLS", "CellRun", "fit_cell", "BagOfWordsModel", "cooccurrence_embedding", "copy_embedding", "SENTIMENT_GRID",
           "SentimentResult", "train_early_stopped", "tune_and_repeat", "CELL_RACE", "cell_race_options",
           "cell_race", "load_cell_race"]
