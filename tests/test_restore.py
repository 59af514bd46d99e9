"""Step 2: the notebook that runs is the instructor's, with only the student's answers and added code."""

from __future__ import annotations

import copy

from nbformat.v4 import new_code_cell, new_markdown_cell

from notebooks import toy_source, with_answer
from autograder import cells
from autograder.restore import restore


def _sources(notebook) -> dict[str, str]:
    return {cells.grade_id(c): c.source for c in notebook.cells if cells.grade_id(c)}


def _release():
    release = toy_source()
    for cell in release.cells:
        if cells.is_answer(cell):
            cell.source = cells.SOLUTION_RE.sub("    raise NotImplementedError()\n", cell.source)
    return release


def test_answers_are_taken_and_tests_restored() -> None:
    source = toy_source()
    submission = with_answer(_release(), "add", "def add(a, b):\n    return 42")
    for cell in submission.cells:
        if cells.grade_id(cell) == "test_add":
            cell.source = "pass  # edited by the student"
            cell.metadata["nbgrader"]["points"] = 100
    restored = restore(source=source, release=_release(), submission=submission)
    got = _sources(restored.notebook)
    assert got["add"] == "def add(a, b):\n    return 42"
    assert got["test_add"] == _sources(source)["test_add"]
    assert "BEGIN HIDDEN TESTS" in got["test_add_hidden"]  # hidden tests come back
    test_add = next(c for c in restored.notebook.cells if cells.grade_id(c) == "test_add")
    assert cells.points(test_add) == 1


def test_deleted_cells_come_back_and_missing_answers_get_the_stub() -> None:
    submission = _release()
    submission.cells = [c for c in submission.cells if cells.grade_id(c) not in {"test_mean", "test_mean_hidden", "mean"}]
    restored = restore(source=toy_source(), release=_release(), submission=submission)
    assert [cells.grade_id(c) for c in restored.notebook.cells] == [cells.grade_id(c) for c in toy_source().cells]
    assert restored.missing_answers == ["mean"]
    assert "NotImplementedError" in _sources(restored.notebook)["mean"]


def test_added_code_is_kept_in_place_and_markdown_dropped() -> None:
    submission = with_answer(_release(), "add", "def add(a, b):\n    return helper(a, b)")
    position = next(i for i, c in enumerate(submission.cells) if cells.grade_id(c) == "add")
    submission.cells.insert(position, new_code_cell("def helper(a, b):\n    return a + b"))
    submission.cells.insert(0, new_markdown_cell("my notes"))
    restored = restore(source=toy_source(), release=_release(), submission=submission)
    ids = [cells.grade_id(c) for c in restored.notebook.cells]
    helper_at = next(i for i, c in enumerate(restored.notebook.cells) if "def helper" in c.source)
    assert ids[helper_at - 1] == "setup" and ids[helper_at + 1] == "add"
    assert helper_at in restored.student_cells
    assert not any("my notes" in c.source for c in restored.notebook.cells)


def test_duplicates_and_forged_metadata() -> None:
    submission = with_answer(_release(), "add", "def add(a, b):\n    return a + b")
    test_add = next(c for c in submission.cells if cells.grade_id(c) == "test_add")
    submission.cells.append(copy.deepcopy(test_add))  # a duplicated test must not count twice
    forged = new_code_cell("print('forged')")
    forged.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 50, "solution": False,
                                   "locked": True, "schema_version": 3}
    submission.cells.append(forged)
    second_add = new_code_cell("def add(a, b):\n    return 0")
    second_add.metadata["nbgrader"] = copy.deepcopy(submission.cells[2].metadata["nbgrader"])
    submission.cells.append(second_add)
    restored = restore(source=toy_source(), release=_release(), submission=submission)
    tests = [cells.grade_id(c) for c in restored.notebook.cells if cells.is_test(c)]
    assert tests == [cells.grade_id(c) for c in toy_source().cells if cells.is_test(c)]
    extras = [restored.notebook.cells[i] for i in restored.student_cells if not cells.grade_id(restored.notebook.cells[i])]
    assert {c.source for c in extras} == {"print('forged')", "def add(a, b):\n    return 0"}
    assert all(not c.metadata.get("nbgrader") for c in extras)


def test_cell_type_and_kernelspec_come_from_source() -> None:
    submission = with_answer(_release(), "add", "def add(a, b):\n    return a + b")
    submission.cells[2].cell_type = "markdown"
    submission.metadata["kernelspec"] = {"name": "evil", "display_name": "x", "language": "python"}
    restored = restore(source=toy_source(), release=_release(), submission=submission)
    assert restored.notebook.cells[2].cell_type == "code"
    assert restored.notebook.metadata["kernelspec"]["name"] == "python3"
