"""The batch's gradebook writer: each test's score lands on its grade, in a bounded number of statements."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import event

from autograder import cells
from autograder.course import Course
from autograder.gradebook import Recorder, ensure_assignment
from autograder.grade import AssignmentFiles
from autograder.results import Result, Status, TestResult

from notebooks import TOY_ID, TOY_NOTEBOOK

COURSE_ID = "pytorch-katas"


@pytest.fixture
def db_url(toy_course: Course, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    ensure_assignment(toy_course, TOY_ID, db_url=url, course_id=COURSE_ID)
    return url


def toy_result(toy_course: Course, score: float) -> Result:
    """Every test of the toy assignment with `score` (a pass at full marks, else a fail)."""
    source = AssignmentFiles.load(toy_course, TOY_ID).source[TOY_NOTEBOOK]
    tests = [TestResult(name=cells.grade_id(cell), notebook=TOY_NOTEBOOK, max_score=cells.points(cell),
                        score=min(score, cells.points(cell)),
                        status=Status.PASS if score >= cells.points(cell) else Status.FAIL)
             for cell in source.cells if cells.is_test(cell)]
    assert tests
    return Result.from_tests(assignment=TOY_ID, tests=tests)


def scores(db_url: str, student: str) -> dict[str, float | None]:
    with Gradebook(db_url, COURSE_ID) as gb:
        submission = gb.find_submission(TOY_ID, student)
        return {grade.name: grade.auto_score for notebook in submission.notebooks for grade in notebook.grades}


def test_each_score_lands_on_its_grade_and_a_second_recording_replaces_it(toy_course: Course, db_url: str) -> None:
    with Recorder(db_url, COURSE_ID) as recorder:
        recorder.record(toy_result(toy_course, 0.0), student="ada", timestamp=None)
        recorder.record(toy_result(toy_course, 0.0), student="bob", timestamp=datetime.datetime(2026, 1, 2))
        recorder.record(toy_result(toy_course, 100.0), student="ada", timestamp=None)
    full = {test.name: test.score for test in toy_result(toy_course, 100.0).tests}
    assert scores(db_url, "ada") == full
    assert set(scores(db_url, "bob").values()) == {0.0}


def test_recording_a_result_takes_a_few_statements_not_one_per_grade(toy_course: Course, db_url: str) -> None:
    """The grades are read in one query: through the ORM's relationships, each grade's name and notebook
    would be loaded on their own (32 statements for 01_workflow's 16 tests, 14 in one query)."""
    result = toy_result(toy_course, 100.0)
    with Recorder(db_url, COURSE_ID) as recorder:
        recorder.record(result, student="warm-up", timestamp=None)  # the student table and the session's first queries
        statements: list[str] = []
        event.listen(recorder.gradebook.db.get_bind(), "before_cursor_execute",
                     lambda _conn, _cursor, statement, *_: statements.append(statement))
        recorder.record(result, student="ada", timestamp=None)
    selects = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 8, f"{len(selects)} SELECTs for {len(result.tests)} tests:\n" + "\n".join(selects)
