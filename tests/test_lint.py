"""The lint: the course is clean, and each planted defect is named with its notebook and cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from notebooks import TOY_CATALOG, answer, graded, toy_source, write
from autograder.course import Course
from autograder.lint import lint


def test_course_is_clean(course: Course) -> None:
    assert lint(course) == []


@pytest.fixture()
def scratch(tmp_path: Path) -> Course:
    shutil.copyfile(Path(__file__).parent.parent / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "catalog.toml").write_text(TOY_CATALOG)
    return Course(tmp_path)


def _lint_with(scratch: Course, notebook: nbformat.NotebookNode) -> list[str]:
    write(notebook, scratch.source / "toy" / "toy.ipynb")
    return [str(p) for p in lint(scratch)]


def test_toy_is_clean(scratch: Course) -> None:
    assert _lint_with(scratch, toy_source()) == []


def test_duplicate_grade_id(scratch: Course) -> None:
    notebook = toy_source()
    notebook.cells[6].metadata["nbgrader"]["grade_id"] = "test_add"
    problems = _lint_with(scratch, notebook)
    assert any("source/toy/toy.ipynb: grade id 'test_add': is used by 2 cells" in p for p in problems), problems


def test_answer_without_hidden_test(scratch: Course) -> None:
    notebook = toy_source()
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_mean_hidden"]
    problems = _lint_with(scratch, notebook)
    assert problems == ["source/toy/toy.ipynb: answer 'mean': has no hidden test after it; add a ### BEGIN HIDDEN TESTS block"]


def test_stored_outputs(scratch: Course) -> None:
    notebook = toy_source()
    notebook.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    notebook.cells[3].execution_count = 4
    problems = _lint_with(scratch, notebook)
    assert problems == ["source/toy/toy.ipynb: cell 4 ('test_add'): has stored outputs; clear them "
                        "(Kernel → Restart and Clear Outputs) before committing"]


def test_points_kernelspec_metadata_and_markers(scratch: Course) -> None:
    notebook = toy_source()
    notebook.metadata["kernelspec"]["name"] = "julia-1.9"
    del notebook.cells[3].metadata["nbgrader"]["points"]
    notebook.cells.append(nbformat.v4.new_code_cell("print('no metadata')"))
    notebook.cells.append(answer("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "f"))
    notebook.cells.append(graded("assert f() == 1", "test_f", 1))
    problems = "\n".join(_lint_with(scratch, notebook))
    assert "metadata: kernelspec is 'julia-1.9'" in problems
    assert "cell 4 ('test_add'): is a test without points" in problems
    assert "cell 12: is a code cell without nbgrader metadata" in problems
    assert "cell 13 ('f'): has unbalanced ### BEGIN SOLUTION" in problems
    assert "answer 'f': has no hidden test after it" in problems


def test_time_budget_and_catalog(scratch: Course) -> None:
    (scratch.root / "catalog.toml").write_text(TOY_CATALOG.replace("time_budget_s = 20", "time_budget_s = 0"))
    assert _lint_with(scratch, toy_source()) == ["source/toy: catalog: declares no time budget (time_budget_s must be > 0)"]
    (scratch.root / "catalog.toml").write_text(TOY_CATALOG.replace('id = "toy"', 'id = "other"'))
    problems = _lint_with(scratch, toy_source())
    assert len(problems) == 1 and "unknown assignment 'toy'" in problems[0] and "time budget" in problems[0]


def test_tests_that_call_the_student_outside_a_block(scratch: Course) -> None:
    notebook = toy_source()
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells}
    by_id["test_add"].source = "assert add(1, 2) == 3"  # the answer's name, in the grader's part
    by_id["test_add_hidden"].source = ("### BEGIN HIDDEN TESTS\ndef _check():\n    with checks.student():\n"
                                       "        add(1, 1)\n### END HIDDEN TESTS")
    by_id["setup"].source += "\n\ndef helper(x):\n    return mean([x])\n"  # a read-only function
    by_id["test_mean"].source = "with checks.student():\n    _got = mean([1])\nassert helper(_got) == 1"
    problems = _lint_with(scratch, notebook)
    assert problems == [
        "source/toy/toy.ipynb: cell 4 ('test_add'): uses add outside a `with checks.student():` block; put the "
        "statements that call the student's code in one (the rest of the test runs in the grader, where only "
        "data from the student's kernel exists)",
        "source/toy/toy.ipynb: cell 5 ('test_add_hidden'): cannot be split for grading: line 3: "
        "`with checks.student():` inside a function or class; put it at the top level of the test (loops and "
        "ifs are fine)",
        "source/toy/toy.ipynb: cell 7 ('test_mean'): uses helper outside a `with checks.student():` block; put "
        "the statements that call the student's code in one (the rest of the test runs in the grader, where only "
        "data from the student's kernel exists)",
    ], problems


def test_blocks_using_ipython_history_names(scratch: Course) -> None:
    notebook = toy_source()
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells}
    by_id["test_add"].source = "for _i in range(2):\n    with checks.student():\n        _got = add(_i, _i)\n    assert _got == 2 * _i"
    problems = _lint_with(scratch, notebook)
    assert problems == ["source/toy/toy.ipynb: cell 4 ('test_add'): a `checks.student()` block uses _i, which "
                        "IPython rebinds after every cell in the kernel; choose another name"], problems
