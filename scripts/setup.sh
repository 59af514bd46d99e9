#!/usr/bin/env bash
# Creates the project-local virtual environment and installs the pinned dependencies.
# Also installs bubblewrap (the grading sandbox) when it is missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing bubblewrap (the grading sandbox)"
        apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null
    else
        echo "setup: WARNING: bubblewrap (bwrap) is missing; grading needs it." >&2
        echo "       Install it with your package manager, e.g. 'sudo apt-get install bubblewrap'." >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
# matplotlib's list of the fonts, built once: each batch's kernel template starts from it (autograder/warm.py).
.venv/bin/python -c "from autograder.warm import build_font_list; build_font_list()"
