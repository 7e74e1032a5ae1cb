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


def test_every_docstring_is_valid_restructuredtext_for_the_api_page(tmp_path):
    """The API appendix renders every module with autodoc under -W: a docstring that is not valid
    reStructuredText (an unmatched |x| or *, an unexpected indent) breaks the book build. Checked here
    in seconds on a small Sphinx project holding only the API blocks."""
    import subprocess
    import sys as _sys
    root = Path(__file__).resolve().parents[1]
    _sys.path.insert(0, str(root / "tools"))
    import make_api_page
    blocks = [f".. automodule:: {m}\n   :members:\n" for layer in make_api_page.LAYERS
              for m in make_api_page.modules(layer)]
    (tmp_path / "index.rst").write_text("API\n===\n\n" + "\n".join(blocks))
    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(root / 'book' / '_ext')!r})\n"
        "extensions = ['sphinx.ext.autodoc', 'lstmlib_book']\nautodoc_member_order = 'bysource'\n")
    run = subprocess.run([_sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path),
                          str(tmp_path / "_build")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
