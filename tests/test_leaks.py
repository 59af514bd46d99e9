"""The leak check: release/ holds no solution or hidden test; solutions/ holds no hidden test."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder.course import Course
from autograder.leaks import check


def test_committed_course_has_no_leaks(course: Course) -> None:
    assert check(course) == []


def _copy(toy_course: Course, tmp_path: Path) -> tuple[Path, Path]:
    release = tmp_path / "release"
    solutions = tmp_path / "solutions"
    shutil.copytree(toy_course.release, release)
    shutil.copytree(toy_course.solutions, solutions)
    return release, solutions


def _append_to_cell(path: Path, index: int, text: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[index].source += "\n" + text
    nbformat.write(notebook, path)


def test_clean_copy_passes(toy_course: Course, tmp_path: Path) -> None:
    release, solutions = _copy(toy_course, tmp_path)
    assert check(toy_course, release_root=release, solutions_root=solutions) == []


def test_planted_solution_in_release_is_caught(toy_course: Course, tmp_path: Path) -> None:
    release, solutions = _copy(toy_course, tmp_path)
    _append_to_cell(release / "toy" / "toy.ipynb", 5, "    return sum(xs) / len(xs)")
    leaks = check(toy_course, release_root=release, solutions_root=solutions)
    assert [(leak.kind, leak.line) for leak in leaks] == [("solution", "return sum(xs) / len(xs)")]
    assert "toy.ipynb" in str(leaks[0])


def test_planted_hidden_test_is_caught_in_both_folders(toy_course: Course, tmp_path: Path) -> None:
    release, solutions = _copy(toy_course, tmp_path)
    hidden = "assert shout('katas') == 'KATAS!'"
    _append_to_cell(release / "toy" / "toy.ipynb", 9, hidden)
    (solutions / "toy" / "notes.txt").write_text(f"answers:\n{hidden}\n")
    leaks = check(toy_course, release_root=release, solutions_root=solutions)
    assert {(leak.path.name, leak.kind) for leak in leaks} == {("toy.ipynb", "hidden test"), ("notes.txt", "hidden test")}


def test_markers_are_caught(toy_course: Course, tmp_path: Path) -> None:
    release, solutions = _copy(toy_course, tmp_path)
    _append_to_cell(release / "toy" / "toy.ipynb", 1, "### BEGIN SOLUTION")
    leaks = check(toy_course, release_root=release, solutions_root=solutions)
    assert [(leak.kind, leak.line) for leak in leaks] == [("marker", "### BEGIN SOLUTION")]
