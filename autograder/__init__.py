"""PyTorch Katas autograder: build the course, lint it, and grade submissions in a sandbox."""

__version__ = "0.1.0"

import os as _os
import sys as _sys

# nbgrader's Gradebook runs the `alembic` command by name; when the grader is
# started as .venv/bin/autograder without an activated venv, that command is
# only found if the interpreter's own bin folder is on PATH.
_bin = _os.path.dirname(_sys.executable)
if _bin not in _os.environ.get("PATH", "").split(_os.pathsep):
    _os.environ["PATH"] = _bin + _os.pathsep + _os.environ.get("PATH", "")
