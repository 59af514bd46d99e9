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
    hidden = "assert _shouts == [_word.upper() + '!' for _word in _words], 'shout of other words is wrong'"
    _append_to_cell(release / "toy" / "toy.ipynb", 9, hidden)
    (solutions / "toy" / "notes.txt").write_text(f"answers:\n{hidden}\n")
    leaks = check(toy_course, release_root=release, solutions_root=solutions)
    assert {(leak.path.name, leak.kind) for leak in leaks} == {("toy.ipynb", "hidden test"), ("notes.txt", "hidden test")}


def test_markers_are_caught(toy_course: Course, tmp_path: Path) -> None:
    release, solutions = _copy(toy_course, tmp_path)
    _append_to_cell(release / "toy" / "toy.ipynb", 1, "### BEGIN SOLUTION")
    leaks = check(toy_course, release_root=release, solutions_root=solutions)
    assert [(leak.kind, leak.line) for leak in leaks] == [("marker", "### BEGIN SOLUTION")]


def test_reference_code_rebuilt_by_a_hidden_test_may_stay_in_solutions(toy_course: Course, tmp_path: Path) -> None:
    # A hidden test that re-implements the reference shares its lines with the solution: in solutions/
    # they are reference code; in release/ they are still a leak.
    source = tmp_path / "course"
    shutil.copytree(toy_course.root, source)
    notebook_path = source / "source" / "toy" / "toy.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells[4].source = notebook.cells[4].source.replace(
        "### END HIDDEN TESTS", "def _reference(xs):\n    return sum(xs) / len(xs)\n### END HIDDEN TESTS")
    nbformat.write(notebook, notebook_path)
    course = Course(source)
    release, solutions = _copy(toy_course, tmp_path)
    assert check(course, release_root=release, solutions_root=solutions) == []
    _append_to_cell(release / "toy" / "toy.ipynb", 5, "    return sum(xs) / len(xs)")
    assert [leak.kind for leak in check(course, release_root=release, solutions_root=solutions)] == ["solution"]
