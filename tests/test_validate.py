"""nbgrader's own Validate (the button in JupyterLab, `nbgrader validate`) works with the course's notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import Course

pytestmark = pytest.mark.slow
NBGRADER = str(Path(sys.executable).parent / "nbgrader")


def _validate(notebook: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NBGRADER, "validate", str(notebook)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_validate_passes_the_reference_and_fails_the_stub(toy_course: Course, tmp_path: Path) -> None:
    passed = _validate(toy_course.solutions / "toy" / "toy.ipynb", tmp_path)
    assert passed.returncode == 0 and "Success! Your notebook passes all the tests." in passed.stdout
    failed = _validate(toy_course.release / "toy" / "toy.ipynb", tmp_path)
    assert "NotImplementedError" in failed.stdout and "Success!" not in failed.stdout


def test_validate_works_on_a_released_torch_notebook(course: Course, tmp_path: Path) -> None:
    done = _validate(course.solutions / "00_tensors" / "tensors.ipynb", tmp_path)
    assert done.returncode == 0 and "Success! Your notebook passes all the tests." in done.stdout, done.stdout[-2000:]
