"""Data for the book: toy sequence tasks, the lectures' numbers, series, corpora and digits.

Everything here works offline. Numpy only (scikit-learn is imported lazily by
:func:`digits`); never torch, plotly or ipywidgets. Arrays are time-first ``(T, N, D)``.

Modules: :mod:`~lstmlib.data.toy` (memory tasks and toy languages),
:mod:`~lstmlib.data.lectures` (worked numbers of the slides),
:mod:`~lstmlib.data.text` (vocabularies and batches), :mod:`~lstmlib.data.series`
(WWWusage), :mod:`~lstmlib.data.corpora` (Shakespeare, movie reviews, Python
source), :mod:`~lstmlib.data.images` (8x8 digits), :mod:`~lstmlib.data.xo` (the X/O images),
:mod:`~lstmlib.data.seq2seq` (numbers in words -> digits, for sequence to sequence),
:mod:`~lstmlib.data.tagging` (does this token come back later? a task that needs the right context).
"""
from .corpora import (CorpusNotFoundError, CORPORA, data_dir, fetch_corpora, shakespeare, movie_reviews,
                      binary_sentiment, python_source)
from .images import DigitsSplit, digits, load_breast_cancer_split
from .lectures import (CountingExample, counting_example, traffic_lecture, lecture_filters,
                       lecture_slide_values)
from .seq2seq import (PAD, START, END, ONES, TENS, number_words, words_to_number, Seq2SeqTask,
                      number_task, seq2seq_vocabs, encode_pairs, decode_target)
from .tagging import (TAGS, LATER, EARLIER, TaggingSet, repeat_tags, repeat_task, left_only_guess,
                      left_only_ceiling)
from .series import DATAFILES, wwwusage, series_windows
from .text import Vocab, build_vocab, encode, decode, one_hot, one_hot_sequences, text_windows, sample_windows
from .toy import (remember_first, adding_problem, DINNERS, dinner_schedule, dinner_sequences,
                  HARRY_SALLY_NAMES, harry_sally_vocab, harry_sally_sentences, is_harry_sally_sentence,
                  harry_sally_invalid_sentences, FEMALE_NAMES, MALE_NAMES, PRONOUNS,
                  gender_agreement_sentences, first_element_task, gender_stream, first_gender_switch)
from .xo import x_image, o_image, tricky_x_image, shift_image, rotate_image, add_noise, xo_dataset

__all__ = ["TAGS", "LATER", "EARLIER", "TaggingSet", "repeat_tags", "repeat_task", "left_only_guess",
           "left_only_ceiling",
           "CorpusNotFoundError", "CORPORA", "data_dir", "fetch_corpora", "shakespeare", "movie_reviews",
           "binary_sentiment", "python_source", "DigitsSplit", "digits", "load_breast_cancer_split",
           "CountingExample", "counting_example", "traffic_lecture", "lecture_filters",
           "lecture_slide_values", "PAD", "START", "END", "ONES", "TENS", "number_words",
           "words_to_number", "Seq2SeqTask", "number_task", "seq2seq_vocabs", "encode_pairs", "decode_target",
           "DATAFILES", "wwwusage", "series_windows", "Vocab", "build_vocab",
           "encode", "decode", "one_hot", "one_hot_sequences", "text_windows", "sample_windows",
           "remember_first", "adding_problem", "DINNERS", "dinner_schedule", "dinner_sequences",
           "HARRY_SALLY_NAMES", "harry_sally_vocab", "harry_sally_sentences", "is_harry_sally_sentence",
           "harry_sally_invalid_sentences", "FEMALE_NAMES", "MALE_NAMES", "PRONOUNS",
           "gender_agreement_sentences", "first_element_task", "gender_stream", "first_gender_switch",
           "x_image", "o_image", "tricky_x_image", "shift_image", "rotate_image", "add_noise", "xo_dataset"]
