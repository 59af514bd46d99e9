"""`autograder check`: the local check, with and without the instructor's source/."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import FAST_LIMITS, run_cli
from notebooks import TOY_NOTEBOOK, with_answer
from autograder.course import Course

pytestmark = pytest.mark.slow


def _student_notebook(toy: Course, tmp_path: Path) -> Path:
    release = nbformat.read(toy.release / "toy" / TOY_NOTEBOOK, as_version=4)
    work = with_answer(release, "add", "def add(a, b):\n    return a + b")
    work = with_answer(work, "mean", "def mean(xs):\n    return sum(xs) // len(xs)")
    path = tmp_path / "mine" / TOY_NOTEBOOK
    path.parent.mkdir()
    nbformat.write(work, path)
    return path


def _check(course_root: Path, notebook: Path) -> str:
    limits = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    done = run_cli("check", str(notebook), *limits, cwd=course_root)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_self_learner_sees_hidden_verdicts_not_code(toy_course: Course, tmp_path: Path) -> None:
    out = _check(toy_course.root, _student_notebook(toy_course, tmp_path))
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.startswith("  ")}
    assert "passed" in lines["add"] and "3/3" in lines["add"]
    assert "failed" in lines["mean"] and "mean of a longer list is wrong" in lines["mean"]
    assert "not attempted" in lines["shout"]
    assert "visible tests: 2 / 3" in out and "hidden tests: 2 / 4" in out
    assert "isclose" not in out and "BEGIN HIDDEN" not in out


def test_student_without_source_runs_visible_tests_only(toy_course: Course, tmp_path: Path) -> None:
    student_course = tmp_path / "student-course"
    shutil.copytree(toy_course.root, student_course, ignore=shutil.ignore_patterns("source", "solutions"))
    (student_course / "source").mkdir()  # an empty source/ marks the course directory
    out = _check(student_course, _student_notebook(toy_course, tmp_path))
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.startswith("  ")}
    assert "passed" in lines["mean"] and "1/1" in lines["mean"]  # the wrong mean passes the visible example...
    assert "hidden tests: run when your notebook is graded" in out  # ...and the hidden ones wait for grading
    assert "visible tests: 2 / 3" in out
