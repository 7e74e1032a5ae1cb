"""The book's Sphinx extension (book/_ext/lstmlib_book.py): how docstrings reach the API appendix."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from lstmlib_book import plain_text_blocks  # noqa: E402


def test_a_hand_laid_formula_block_becomes_a_literal_block():
    lines = ["LSTM in numpy.", "", "    f_t = sigma(a_f)", "    c_t = f_t * c_{t-1}", "", "More prose."]
    assert plain_text_blocks(lines) == ["LSTM in numpy.", "", "::", "", "    f_t = sigma(a_f)",
                                        "    c_t = f_t * c_{t-1}", "", "More prose."]


def test_blocks_that_are_already_literal_or_directives_or_continuations_stay():
    literal = ["Updates::", "", "    v <- mu v - lr g"]
    directive = [".. note::", "", "    text"]
    continuation = ["x : the input", "    (T, N, D)"]
    nested = ["prose", "", "    block line", "", "    second block"]
    for lines in (literal, directive, continuation):
        assert plain_text_blocks(lines) == lines
    assert plain_text_blocks(nested) == ["prose", "", "::", "", "    block line", "", "    second block"]
