"""In-notebook checks (`assignments.kata`): hints for every exercise, visible tests only, nothing hidden read or run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from conftest import REPO
from notebooks import TOY_NOTEBOOK, toy_source
from assignments import kata, visible
from autograder import cells
from autograder.course import Course

# Every file or folder opened while `_OPENED` is a list; an audit hook cannot be removed, so it is gated.
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _OPENED is not None and event in {"open", "os.scandir", "os.listdir"} and args:
        if isinstance(args[0], (str, bytes, Path)):
            _OPENED.append(str(Path(str(args[0]) if not isinstance(args[0], bytes) else args[0].decode())
                               .resolve()))


_HOOKED: list[bool] = []


def _recording() -> list[str]:
    global _OPENED
    if not _HOOKED:  # installed on first use only: an audit hook stays for the rest of the process
        sys.addaudithook(_audit)
        _HOOKED.append(True)
    _OPENED = []
    return _OPENED


def _stop_recording() -> None:
    global _OPENED
    _OPENED = None


def _answer_ids(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [cells.grade_id(c) or "" for c in notebook.cells if cells.is_answer(c) and c.cell_type == "code"]


@pytest.mark.parametrize("assignment", Course.locate(REPO).assignment_ids())
def test_every_answer_cell_has_a_hint(course: Course, assignment: str) -> None:
    answers = [gid for path in course.source_notebooks(assignment) for gid in _answer_ids(path)]
    hints = kata.load_hints(assignment)
    assert answers, f"{assignment} has no answer cells"
    missing = [gid for gid in answers if not hints.get(gid, "").strip()]
    assert not missing, f"add a hint to assignments/hints/{assignment}.toml for: {', '.join(missing)}"
    stray = sorted(set(hints) - set(answers))
    assert not stray, f"hints for answer cells that {assignment} does not have: {', '.join(stray)}"


def test_hint_files_name_real_assignments(course: Course) -> None:
    assert set(kata.hint_assignments()) <= set(course.assignment_ids())


def _tensors_namespace() -> dict[str, Any]:
    """What a student's kernel holds after running the released notebook's setup cell."""
    release = nbformat.read(REPO / "release" / "00_tensors" / "tensors.ipynb", as_version=4)
    setup = next(c for c in release.cells if cells.grade_id(c) == "setup")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(setup.source, namespace)  # noqa: S102  (the course's own released setup cell)
    return namespace


def _with(namespace: dict[str, Any], code: str) -> dict[str, Any]:
    exec(code, namespace)  # noqa: S102  (the "student's" answer)
    return namespace


def test_check_runs_the_released_visible_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no notebook here: the course's release/ is used
    found = kata.exercise("pairwise_dot").locate()
    assert found is not None and found.assignment == "00_tensors"
    assert found.notebook == REPO / "release" / "00_tensors" / "tensors.ipynb"
    assert [t.name for t in found.tests] == ["test_pairwise_dot"]  # the hidden-only cell has nothing to run

    right = kata.exercise("pairwise_dot").verdict(_with(_tensors_namespace(), "def pairwise_dot(a, b):\n    return a @ b.T"))
    assert right.passed and right.outcome == "pass", right.text()
    assert "1 of 1 passed" in right.text() and "hidden tests" in right.text()

    wrong = kata.exercise("pairwise_dot").verdict(
        _with(_tensors_namespace(), "def pairwise_dot(a, b):\n    return (a * b).sum(dim=1)"))
    assert wrong.outcome == "fail" and not wrong.passed
    assert "test_pairwise_dot" in wrong.text() and "shape (3, 3), got (3,)" in wrong.text()
    assert "exercise('pairwise_dot').hint()" in wrong.text()

    stub = kata.exercise("pairwise_dot").verdict(
        _with(_tensors_namespace(), "def pairwise_dot(a, b):\n    raise NotImplementedError()"))
    assert stub.outcome == "not attempted"

    undefined = kata.exercise("pairwise_dot").verdict(_tensors_namespace())
    assert undefined.outcome == "error" and "run the cells above first" in undefined.text()


def test_check_leaves_the_students_namespace_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace = _with(_tensors_namespace(), "def pairwise_dot(a, b):\n    return a @ b.T\n_a = 'mine'")
    assert kata.exercise("pairwise_dot").verdict(namespace).passed
    assert namespace["_a"] == "mine" and "_b" not in namespace


def test_ambiguous_names_follow_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched = tmp_path / "03_vision"
    shutil.copytree(REPO / "release" / "03_vision", fetched)
    monkeypatch.chdir(fetched)
    found = kata.exercise("train_step").locate()
    assert found is not None and found.assignment == "03_vision" and found.notebook.parent == fetched
    assert "len(loader)" in kata.exercise("train_step").hint_text()  # the vision hint, not the workflow one
    assert kata.exercise("train_step", "01_workflow").locate().assignment == "01_workflow"  # type: ignore[union-attr]


def test_check_and_hint_print_outside_ipython(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    kata.exercise("crop").hint()
    assert capsys.readouterr().out.strip() == f"💡 Hint (crop): {kata.load_hints('00_tensors')['crop']}"
    kata.exercise("no_such_exercise").check(namespace={})
    out = capsys.readouterr().out
    assert "no exercise called 'no_such_exercise'" in out and "pairwise_dot" in out


def test_an_unreadable_notebook_in_the_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    monkeypatch.chdir(tmp_path)
    found = kata.exercise("mse").locate()
    assert found is not None and found.assignment == "00_tensors"


TOY_WRONG_MEAN = "def mean(xs):\n    return sum(xs) // len(xs)"  # right on the visible example only


def _toy_namespace_with_wrong_mean() -> dict[str, Any]:
    """The toy's setup cell (its imports), then the wrong answer."""
    setup = next(c for c in toy_source().cells if cells.grade_id(c) == "setup")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(setup.source, namespace)  # noqa: S102
    exec(TOY_WRONG_MEAN, namespace)  # noqa: S102
    return namespace


def test_hidden_tests_never_run_even_from_a_source_copy(toy_course: Course, tmp_path: Path) -> None:
    """A notebook that still holds hidden blocks (a stray copy of the source) has them cut before running."""
    student = tmp_path / "student"
    student.mkdir()
    shutil.copyfile(toy_course.source / "toy" / TOY_NOTEBOOK, student / TOY_NOTEBOOK)
    found = kata.Exercise("mean", cwd=student, release=tmp_path / "none").locate()
    assert found is not None and [t.name for t in found.tests] == ["test_mean"]
    assert all("HIDDEN" not in t.code and "isclose" not in t.code for t in found.tests)
    namespace = _toy_namespace_with_wrong_mean()
    verdict = kata.Exercise("mean", cwd=student, release=tmp_path / "none").verdict(namespace)
    assert verdict.passed, verdict.text()  # the hidden test (a longer list) would have failed it


def test_source_and_solutions_are_never_read(toy_course: Course, tmp_path: Path) -> None:
    forbidden = [str(toy_course.source.resolve()), str(toy_course.solutions.resolve())]
    namespace = _toy_namespace_with_wrong_mean()
    opened = _recording()
    try:
        # Run from the instructor's folders themselves: both are refused, and release/ is used instead.
        for cwd in (toy_course.source / "toy", toy_course.solutions / "toy", toy_course.source):
            verdict = kata.Exercise("mean", cwd=cwd, release=toy_course.release).verdict(namespace)
            assert verdict.passed, verdict.text()
        refused = kata.Exercise("mean", cwd=toy_course.source / "toy", release=toy_course.source).verdict(namespace)
    finally:
        _stop_recording()
    assert refused.outcome == "error" and "no exercise called 'mean'" in refused.text()
    assert any(path.startswith(str(toy_course.release.resolve())) for path in opened), "release/ was not read"
    read = [path for path in opened if any(path.startswith(root) for root in forbidden)]
    assert read == [], f"read the instructor's files: {read}"


def test_allowed_refuses_only_nbgrader_instructor_folders(tmp_path: Path) -> None:
    assert not visible.allowed(tmp_path / "source" / "00_tensors")
    assert not visible.allowed(tmp_path / "solutions")
    assert visible.allowed(tmp_path / "source" / "course" / "release" / "00_tensors")
    assert visible.allowed(tmp_path / "student" / "00_tensors")
