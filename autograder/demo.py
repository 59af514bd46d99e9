"""The README's first command: grade the bundled sample submissions in a fresh course directory.

`samples/<assignment>/<student>/` holds submissions as students hand them in:
a correct one, a partly wrong one and a broken one. The demo lays out an
nbgrader course in demo/ (config, source, release, submitted/), runs the batch
grader over it, and prints the table and where the feedback went.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .batch import autograde, summary
from .course import Course
from .settings import Limits, default_jobs

SUBMITTED_AT = "2026-01-15 12:00:00.000000 UTC"


def prepare(course: Course, target: Path) -> list[str]:
    """A fresh course directory at `target` holding every bundled sample; returns the assignment ids."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(course.config_file, target / course.config_file.name)
    assignments = sorted(p.name for p in (course.root / "samples").iterdir() if p.is_dir())
    for assignment_id in assignments:
        shutil.copytree(course.source / assignment_id, target / "source" / assignment_id)
        shutil.copytree(course.release / assignment_id, target / "release" / assignment_id)
        for student in sorted((course.root / "samples" / assignment_id).iterdir()):
            destination = target / "submitted" / student.name / assignment_id
            shutil.copytree(student, destination)
            (destination / "timestamp.txt").write_text(SUBMITTED_AT + "\n")
    return assignments


def run(course: Course, *, target: Path, jobs: int | None = None, limits: Limits | None = None) -> int:
    assignments = prepare(course, target)
    graded = autograde(course_root=target, assignments=assignments, jobs=jobs or default_jobs(), limits=limits)
    print(summary(graded))
    print(f"\nfeedback for each student: {target / 'feedback'}/<student>/<assignment>/"
          "{feedback.html, results.json, gradescope.json}")
    print(f"executed notebooks (instructors only): {target / 'autograded'}/<student>/<assignment>/")
    print(f"gradebook: {target / 'gradebook.db'}")
    return 0
