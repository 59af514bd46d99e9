"""nbgrader's gradebook as the batch's single writer sees it: register the assignment, record results.

Only the parent process of a batch calls this, so SQLite never has two writers.
Recording is idempotent: a resumed batch records finished results again safely.
"""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

from sqlalchemy.exc import SAWarning

from nbgrader.api import Gradebook, MissingEntry

from .build import register_in_gradebook
from .course import Course
from .results import Result


def ensure_assignment(course: Course, assignment_id: str, *, db_url: str, course_id: str) -> None:
    """Make sure the gradebook knows the assignment's notebooks and grade cells."""
    with Gradebook(db_url, course_id) as gb:
        try:
            if gb.find_assignment(assignment_id).notebooks:
                return
        except MissingEntry:
            pass
    register_in_gradebook(course, assignment_id, db_url)


def record(
    result: Result, *, student: str, db_url: str, course_id: str, timestamp: datetime.datetime | None
) -> None:
    """Store each test's score as nbgrader's auto_score; a grader's manual score keeps priority."""
    # nbgrader 0.9's own session handling warns under SQLAlchemy 2.x; the rows are written all the same.
    with warnings.catch_warnings(), Gradebook(db_url, course_id) as gb:
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(student)
        if timestamp is not None:
            gb.update_or_create_submission(result.assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(result.assignment, student)
        for test in result.tests:
            notebook_id = Path(test.notebook).stem
            try:
                grade = gb.find_grade(test.name, notebook_id, result.assignment, student)
            except MissingEntry:
                continue  # a test the gradebook does not know (its source changed since release)
            grade.auto_score = test.score
            grade.needs_manual_grade = grade.manual_score is not None
        gb.db.commit()
