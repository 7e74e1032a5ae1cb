"""Every formula of the built site renders, as a reader sees it (issue 8).

Each page of ``_build/html`` is opened in headless Chromium (conftest_site.launch_chromium),
MathJax is given time to typeset, and then the page must show
* no MathJax error (``mjx-merror``, ``[data-mjx-error]``) and no undefined macro
  (MathJax's ``noundefined`` writes those as red ``\\name`` text instead of an error);
* no math element (``span.math``, ``div.math``) that MathJax left untypeset;
* in its text outside code, figures and typeset math: no ``$`` and no raw TeX
  (``\\frac``, ``\\sigma``, ``^{``, ``_{``, ...). That is what a formula whose ``$`` was
  lost looks like (an unquoted shell heredoc once ate them from an errata fragment).
Run after the book build (the session fixture builds it if needed, with -W).
"""
from __future__ import annotations

import re
from pathlib import Path

from conftest_site import SITE, browser, build_book, server  # noqa: F401  (fixtures are used by name)

# Text that is not the book's prose: code, typeset math, plotly figures, scripts, and the
# outputs of code cells (plain text that lstmlib prints, such as docstrings on the API page and
# the hints of check(), which read the same in a terminal where no MathJax runs), and the API
# appendix's docstrings (.api-docstrings, rendered by autodoc: plain text written for help()).
# MathJax errors and untypeset math are still looked for everywhere.
SKIP = ("pre, code, kbd, samp, script, style, noscript, template, textarea, svg, mjx-container, "
        ".plotly-graph-div, .plotly, .js-plotly-plot, .MathJax, .math, .cell_output, .api-docstrings")
# Raw TeX in prose. A backslash before letters never occurs in the book's prose outside code
# (there are no Windows paths in it); ^{ and _{ are TeX's grouped super- and subscripts.
RAW_TEX = re.compile(r"\$|\\[A-Za-z]+|[\^_]\{|\\[()\[\]{}]")
# A lost $ also pairs two others and typesets the prose between them as italic math
# (the damaged errata had "$ the sum runs over  = 0, \dots, t$"). Two words in a row of two or more
# letters, outside \text{...} and friends and not a macro name, never occur in the book's formulas.
TEXT_ARG = re.compile(r"\\(?:text|textrm|textit|textbf|mathrm|mathit|mathsf|mathtt|texttt|operatorname|mbox)"
                      r"\s*\{[^{}]*\}")
PROSE = re.compile(r"(?<![\\A-Za-z{])[A-Za-z]{2,}\s+[A-Za-z]{2,}(?![A-Za-z])")
REDIRECT = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)

# Waits for MathJax 3's first typeset (startup.promise) when the page loads MathJax at all,
# then collects every problem on the page.
CHECK_PAGE = """
async (skip) => {
  const usesMathJax = !!document.querySelector('script[src*="mathjax"]');
  if (usesMathJax) {
    const t0 = Date.now();
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
      if (Date.now() - t0 > 20000) return {error: 'MathJax did not start within 20 s'};
      await new Promise(r => setTimeout(r, 50));
    }
    await MathJax.startup.promise;
  }
  const errors = Array.from(document.querySelectorAll('mjx-container'))
    .map(c => c.querySelector('mjx-merror, [data-mjx-error]')).filter(e => e)
    .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120));
  // noundefined typesets an unknown \\name as red text; CHTML draws glyphs with CSS, so the
  // name is read from the assistive MathML, and red mtext without it is reported as such.
  const undefinedMacros = Array.from(document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]'))
    .map(e => e.textContent).filter(s => s.startsWith('\\\\'));
  if (!undefinedMacros.length && document.querySelector('mjx-mtext[style*="color: red"]'))
    undefinedMacros.push('(red text in a formula)');
  const untypeset = Array.from(document.querySelectorAll('span.math, div.math'))
    .filter(e => !e.querySelector('mjx-container'))
    .map(e => e.textContent.trim().slice(0, 120));
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest(skip) || !n.textContent.trim()) continue;
    texts.push(n.textContent);
  }
  const tex = usesMathJax ? Array.from(MathJax.startup.document.math, m => m.math) : [];
  return {errors, undefinedMacros, untypeset, texts, tex};
}
"""


def pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted(site.joinpath("book").rglob("*.html"))]


def raw_tex_snippets(text: str) -> list[str]:
    """Each stretch of ``text`` where a $ or raw TeX shows, with some context (nearby hits merged)."""
    flat = " ".join(text.split())
    spans: list[list[int]] = []
    for m in RAW_TEX.finditer(flat):
        if spans and m.start() <= spans[-1][1] + 40:
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    return [flat[max(0, a - 50):b + 30] for a, b in spans]


def prose_in_math(tex: str) -> str | None:
    """The words of a formula that look like prose, or None."""
    m = PROSE.search(TEXT_ARG.sub(" ", tex))
    return " ".join(tex.split())[:100] if m else None


def page_problems(page, base_url: str, site: Path, path: Path) -> list[str]:
    name = path.relative_to(site).as_posix()
    redirect = REDIRECT.search(path.read_text(encoding="utf-8", errors="replace")[:2000])
    if redirect:  # index.html only sends the reader on (a meta refresh): open where it points
        name = (path.parent / redirect.group(1)).relative_to(site).as_posix()
    page.goto(f"{base_url}/{name}", wait_until="load")
    found = page.evaluate(CHECK_PAGE, SKIP)
    if "error" in found:
        return [f"{name}: {found['error']}"]
    problems = [f"{name}: MathJax error: {e!r}" for e in found["errors"]]
    problems += [f"{name}: undefined TeX macro {m!r}" for m in found["undefinedMacros"]]
    problems += [f"{name}: math left untypeset: {m!r}" for m in found["untypeset"]]
    problems += [f"{name}: prose typeset as math (a $ lost, two others paired): ${s}$"
                 for s in map(prose_in_math, found["tex"]) if s]
    # Text nodes are joined per page so that a formula split over several nodes is still seen whole.
    problems += [f"{name}: raw TeX or $ in the text: ...{s}..." for s in raw_tex_snippets(" ".join(found["texts"]))]
    return problems


def site_problems(browser, base_url: str, site: Path) -> tuple[list[str], int]:
    """Every page of ``site`` (served at ``base_url``), one after the other in one tab."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems, n = [], 0
    try:
        for path in pages(site):
            problems += page_problems(page, base_url, site, path)
            n += 1
    finally:
        context.close()
    return problems, n


def test_patterns_find_lost_dollars_and_spare_prose():
    """What a lost $ leaves is found; ordinary prose and the book's kinds of formulas are not."""
    prose = ("The loss L_t at step t; W_hh has spectral norm 1.25 (1.25^49 is about 56,000); "
             "f = 0.5, so 0.5^n < 10^-6 after 20 steps; see [12], {cite} and (a), \"quotes\", 3 < 4.")
    assert raw_tex_snippets(prose) == []
    for damaged in ("against bash.27$ with  = 3$", "if {rec} < 1$", "holding {1,k-1}$ fixed",
                    "the sum \\sum_{k=0}^{t} of", "the factor \\sigma(a)", "x_{t-1} and h^{2}"):
        assert raw_tex_snippets(damaged), damaged
    for formula in (r"\frac{\partial L}{\partial b_\star} = \sum_t \delta a^\star_t",
                    r"\delta a^\star_t \;(\text{summed over the batch too})", r"w_{rec}^k", r"\operatorname{diag}(\phi'(a_j))\, W_{hh}^{\top}", r"\tanh c_t \odot o_t",
                    r"\max_{k} \log p"):
        assert prose_in_math(formula) is None, formula
    for damaged in (" the sum runs over  = 0, \\dots, t", " cannot\ninfluence ", " steps back is {rec}^k"):
        assert prose_in_math(damaged), damaged


def test_every_formula_renders(browser, server):
    problems, n = site_problems(browser, server, SITE)
    assert n >= 30, f"only {n} pages found under {SITE}"
    assert not problems, f"{len(problems)} formula problem(s) on the built site:\n" + "\n".join(problems)
