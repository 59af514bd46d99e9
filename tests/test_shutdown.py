"""The commands leave Python's shutdown little to collect, and still exit as they should."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from conftest import REPO

# Each command stops early with a usage error (exit 2): the quick exit must keep the code and the message.
COMMANDS = {
    "autograder.cli": ["grade", "00_tensors", "/nonexistent.ipynb", "/nonexistent-out"],
    "autograder.container": ["run", "00_tensors", "/nonexistent", "/nonexistent-out", "--course", str(REPO)],
}


@pytest.mark.parametrize("module", sorted(COMMANDS))
def test_a_command_freezes_what_it_leaves_before_exiting(module: str) -> None:
    # The exit handler registered first runs last: it sees what the command left for the shutdown.
    program = (
        "import atexit, gc, sys, importlib\n"
        "atexit.register(lambda: print('frozen objects:', gc.get_freeze_count()))\n"
        f"sys.exit(importlib.import_module({module!r}).run({COMMANDS[module]!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2, done.stderr
    assert "does not exist" in done.stderr
    frozen = int(done.stdout.rsplit("frozen objects:", 1)[1])
    assert frozen > 10_000, "the command's objects should be frozen before Python's shutdown walks them"


def test_the_installed_command_goes_through_the_quick_exit() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "autograder"]
    assert script.value == "autograder.cli:run"
