"""Numbers written in the book's prose that no cell prints: each is recomputed here and must appear in
the page's source exactly as written (change the prose or the code and this fails)."""
from pathlib import Path

import numpy as np
import pytest

from lstmlib.core.base import sigmoid

BOOK = Path(__file__).resolve().parents[1] / "book"


def _sci(value: float) -> str:
    """3.6e-06 -> '3.6 \\times 10^{-6}', as the prose writes it."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


PROSE = [
    # (page source, what the prose says, the value recomputed, formatted as the prose writes it)
    ("part4/src/02-gru-and-variants.nbsrc", r"$\sigma(1)^{40} \approx {}$", _sci(sigmoid(1.0) ** 40)),
    ("part4/src/02-gru-and-variants.nbsrc", r"$f_t \approx \sigma(1) = {}$", f"{sigmoid(1.0):.2f}"),
    ("part4/src/02-gru-and-variants.nbsrc", r"makes $z_t \approx {}$ at the start", f"{sigmoid(3.0):.2f}"),
]


@pytest.mark.parametrize("page, template, value", PROSE, ids=[p[1] for p in PROSE])
def test_the_number_in_the_prose_is_the_computed_one(page, template, value):
    text = (BOOK / page).read_text()
    expected = template.replace("{}", value)
    assert expected in text, f"{page} should say {expected}"


def test_the_formatter_writes_what_the_prose_uses():
    assert _sci(3.6148e-06) == r"3.6 \times 10^{-6}" and _sci(2.1e-4) == r"2.1 \times 10^{-4}"
    assert np.isclose(sigmoid(1.0) ** 40, 3.6148e-6, rtol=1e-4)
