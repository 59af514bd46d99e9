"""nbgrader's gradebook as the batch's single writer sees it: register the assignment, record results.

Only the parent process of a batch calls this, so SQLite never has two writers.
Recording is idempotent: a resumed batch records finished results again safely.
"""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

from sqlalchemy.exc import SAWarning

from nbgrader.api import BaseCell, Grade, Gradebook, MissingEntry, Notebook, SubmittedNotebook

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


class Recorder:
    """The batch's one connection to the gradebook: records each result as it comes in.

    One `Gradebook` for the whole batch, not one per result: opening one checks the schema again, and
    each result's grades are read in one go rather than one query per test. Each result is committed
    on its own, so a batch killed midway keeps what it recorded.
    """

    def __init__(self, db_url: str, course_id: str) -> None:
        self.gradebook = Gradebook(db_url, course_id)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.gradebook.close()

    def record(self, result: Result, *, student: str, timestamp: datetime.datetime | None) -> None:
        """Store each test's score as nbgrader's auto_score; a grader's manual score keeps priority."""
        gb = self.gradebook
        # nbgrader 0.9's own session handling warns under SQLAlchemy 2.x; the rows are written all the same.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            gb.update_or_create_student(student)
            if timestamp is not None:
                submission = gb.update_or_create_submission(result.assignment, student, timestamp=timestamp)
            else:
                submission = gb.update_or_create_submission(result.assignment, student)
            # One query for the submission's grades with their notebooks' and cells' names: through the ORM's
            # relationships, each grade's name and notebook would be loaded on their own, a query apiece.
            rows = (gb.db.query(Grade, Notebook.name, BaseCell.name)
                    .join(Grade.notebook).join(SubmittedNotebook.notebook).join(Grade.cell)
                    .filter(SubmittedNotebook.assignment_id == submission.id))
            grades = {(notebook, cell): grade for grade, notebook, cell in rows}
            for test in result.tests:
                grade = grades.get((Path(test.notebook).stem, test.name))
                if grade is None:
                    continue  # a test the gradebook does not know (its source changed since release)
                grade.auto_score = test.score
                grade.needs_manual_grade = grade.manual_score is not None
            gb.db.commit()
