"""The repository as a reader clones it: self-contained, notebooks in sync with their sources."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbtool  # noqa: E402

NOTEBOOKS = sorted(p for p in ROOT.joinpath("book").rglob("*.ipynb") if "_build" not in p.parts
                   and ".ipynb_checkpoints" not in p.parts)
# Everything that runs: the package, tests, tools, benchmarks, the build's extension, CI and config.
CODE = [*ROOT.joinpath("lstmlib").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"),
        *ROOT.joinpath("tools").rglob("*"), *ROOT.joinpath("benchmarks").rglob("*.py"),
        *ROOT.joinpath("book", "_ext").rglob("*.py"), *ROOT.joinpath(".ci").rglob("*"),
        ROOT / "conftest.py", ROOT / "_config.yml", ROOT / "pyproject.toml"]
# A path that climbs out of the repository: "../shared", ROOT.parent, parents[2] and beyond from tests/.
OUTSIDE = re.compile(r"\.\./shared|\bshared/lecture|ROOT\.parent\b|\.parents\[[2-9]\]")


def cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_notebook_has_a_source():
    missing = [str(p.relative_to(ROOT)) for p in NOTEBOOKS if not (p.parent / "src" / f"{p.stem}.nbsrc").exists()]
    assert not missing, f"notebooks with no src/*.nbsrc beside them: {missing}"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_notebook_matches_its_source(nb_path, tmp_path):
    """Every cell's type, source and tags equal what `nbtool build` makes of the .nbsrc."""
    src = nb_path.parent / "src" / f"{nb_path.stem}.nbsrc"
    built = tmp_path / nb_path.name
    nbtool.build(src, built)
    want, have = cells(nbformat.read(built, as_version=4)), cells(nbformat.read(nb_path, as_version=4))
    for i, (w, h) in enumerate(zip(want, have)):
        assert w == h, (f"{nb_path.name} cell {i} differs from {src.name}: rebuild and re-execute with "
                        f"tools/nbtool.py build + execute\n  source: {w}\n  notebook: {h}")
    assert len(want) == len(have), f"{nb_path.name} has {len(have)} cells, {src.name} makes {len(want)}"


def test_nothing_reads_outside_the_repository():
    hits = []
    for path in CODE:
        if path.is_file() and path.suffix not in (".pyc",):
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if OUTSIDE.search(line) and path.name != "test_repository.py":
                    hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, "code that reaches outside the repository:\n" + "\n".join(hits)


def test_bibliography_parses_and_every_cited_key_exists():
    """references.bib is read by pybtex (a lost brace breaks the whole build), and every {cite} key in the
    book's sources names an entry."""
    import re
    from pybtex.database import parse_file
    entries = parse_file(str(ROOT / "references.bib")).entries
    cited = set()
    for path in list((ROOT / "book").rglob("*.nbsrc")) + list((ROOT / "book").rglob("*.md")):
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", path.read_text()):
            cited.update(k.strip() for k in group.split(","))
    assert cited and not cited - set(entries), sorted(cited - set(entries))


def test_at_least_95_percent_of_code_cells_are_checked_by_nbval():
    """nbval compares stored outputs; a cell tagged NBVAL_IGNORE_OUTPUT is not compared. Outputs that
    depend on the CPU go there, but no more than 5 % of the book's code cells (the Colab setup cell,
    removed from every page, is not counted)."""
    total = ignored = 0
    for nb_path in NOTEBOOKS:
        for c in nbformat.read(nb_path, as_version=4).cells:
            if c.cell_type != "code" or "remove-cell" in c.metadata.get("tags", []):
                continue
            total += 1
            ignored += "NBVAL_IGNORE_OUTPUT" in c.source
    assert ignored <= 0.05 * total, f"{ignored} of {total} code cells are not checked ({ignored / total:.1%} > 5 %)"
