"""Data for the book: toy sequence tasks, the lectures' numbers, series, corpora and digits.

Everything here works offline. Numpy only (scikit-learn is imported lazily by
:func:`digits`); never torch, plotly or ipywidgets. Arrays are time-first ``(T, N, D)``.

Modules: :mod:`~lstmlib.data.toy` (memory tasks and toy languages),
:mod:`~lstmlib.data.lectures` (worked numbers of the slides),
:mod:`~lstmlib.data.text` (vocabularies and batches), :mod:`~lstmlib.data.series`
(WWWusage), :mod:`~lstmlib.data.corpora` (Shakespeare, movie reviews, Python
source), :mod:`~lstmlib.data.images` (8x8 digits).
"""
from lstmlib.data.corpora import (CORPORA, CorpusNotFoundError, binary_sentiment, data_dir,
                                  fetch_corpora, movie_reviews, python_source, shakespeare)
from lstmlib.data.images import DigitsSplit, digits
from lstmlib.data.lectures import CountingExample, counting_example, traffic_lecture
from lstmlib.data.series import series_windows, wwwusage
from lstmlib.data.text import (Vocab, build_vocab, decode, encode, one_hot, one_hot_sequences,
                               sample_windows, text_windows)
from lstmlib.data.toy import (DINNERS, FEMALE_NAMES, HARRY_SALLY_NAMES, MALE_NAMES, PRONOUNS,
                              adding_problem, dinner_schedule, dinner_sequences,
                              gender_agreement_sentences, harry_sally_invalid_sentences,
                              harry_sally_sentences, harry_sally_vocab, is_harry_sally_sentence,
                              remember_first)

__all__ = [
    # toy tasks and toy languages
    "remember_first", "adding_problem", "DINNERS", "dinner_schedule", "dinner_sequences",
    "HARRY_SALLY_NAMES", "harry_sally_vocab", "harry_sally_sentences", "is_harry_sally_sentence",
    "harry_sally_invalid_sentences", "FEMALE_NAMES", "MALE_NAMES", "PRONOUNS",
    "gender_agreement_sentences",
    # lecture numbers
    "CountingExample", "counting_example", "traffic_lecture",
    # vocabularies and batches
    "Vocab", "build_vocab", "encode", "decode", "one_hot", "one_hot_sequences",
    "text_windows", "sample_windows",
    # series
    "wwwusage", "series_windows",
    # corpora
    "CORPORA", "CorpusNotFoundError", "data_dir", "fetch_corpora", "shakespeare",
    "movie_reviews", "binary_sentiment", "python_source",
    # images
    "DigitsSplit", "digits",
]
