#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04 by default).
# It installs bubblewrap (the grading sandbox), Python 3.11 and the grader with its pinned dependencies,
# torch from PyTorch's CPU wheel index (Gradescope's machines have no GPU), into the course's .venv.
# Written by `autograder gradescope @ASSIGNMENT@`.
set -euo pipefail

source_dir="${AUTOGRADER_ROOT:-/autograder}/source"
cd "$source_dir"
export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get install -y --no-install-recommends bubblewrap util-linux ca-certificates

# The project needs Python 3.11: Ubuntu 22.04 ships it in universe; newer releases get it from deadsnakes.
if ! python3.11 -c "import ensurepip, venv" >/dev/null 2>&1; then
    if ! apt-get install -y --no-install-recommends python3.11 python3.11-venv; then
        apt-get install -y --no-install-recommends software-properties-common
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update
        apt-get install -y --no-install-recommends python3.11 python3.11-venv
    fi
fi

python3.11 -m venv .venv
.venv/bin/pip install --no-cache-dir --upgrade pip
.venv/bin/python autograder/docker/pins.py torch > /tmp/katas-torch.txt
.venv/bin/pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu -r /tmp/katas-torch.txt
.venv/bin/pip install --no-cache-dir -e .
chmod -R a+rX "$source_dir"

# Say now, in the build log, if this machine cannot start the sandbox (the run may still differ).
if ! .venv/bin/python -c "from autograder.container import check_sandbox; check_sandbox()"; then
    echo "setup.sh: WARNING: the grading sandbox could not start during the image build" >&2
fi
