"""The whole nbgrader cycle with the real commands, on a local exchange: release, submit, grade, feedback, export.

The instructor and two students each have their own home (and so their own
nbgrader cache and config); the exchange is a folder in the test's temporary
directory, named in each person's `~/.jupyter/nbgrader_config.py` as a real
deployment names it in a shared config. Students are told apart by
`--student`, as nbgrader's exchange allows (they all run as the same OS user
here). Grading is our `autograder autograde`; everything else is nbgrader's own.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from conftest import FAST_LIMITS, REPO, run_cli
from notebooks import TOY_CATALOG, TOY_ID, TOY_NOTEBOOK, toy_source, with_answer, write

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
NBGRADER = str(Path(sys.executable).parent / "nbgrader")
COURSE_ID = "pytorch-katas"  # the course id set in nbgrader_config.py
ANSWERS = {
    "add": "def add(a: int, b: int) -> int:\n    return a + b",
    "mean": "def mean(xs: list[float]) -> float:\n    return sum(xs) / len(xs)",
    "shout": "def shout(text: str) -> str:\n    return text.upper() + '!'",
}
# Right on the visible example (mean([1, 2, 3]) == 2), wrong on the hidden one: loses test_mean_hidden (1 point).
WRONG_MEAN = "def mean(xs: list[float]) -> float:\n    return sum(xs) // len(xs)"


@dataclass(frozen=True)
class Person:
    """Someone who runs nbgrader: their home (config, cache) and the folder they run it in."""

    home: Path
    cwd: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env["HOME"] = str(self.home)
        done = subprocess.run([NBGRADER, *args], cwd=self.cwd, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        return done


def person(root: Path, name: str, exchange: Path, cwd: Path | None = None) -> Person:
    home = root / "homes" / name
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.Exchange.root = {str(exchange)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
    )
    return Person(home=home, cwd=cwd or home)


def test_release_submit_grade_feedback_export(tmp_path: Path) -> None:
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = tmp_path / "course"
    course.mkdir()
    shutil.copyfile(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "catalog.toml").write_text(TOY_CATALOG)
    write(toy_source(), course / "source" / TOY_ID / TOY_NOTEBOOK)
    instructor = person(tmp_path, "instructor", exchange, cwd=course)
    students = {"ada": person(tmp_path, "ada", exchange), "ben": person(tmp_path, "ben", exchange)}

    instructor.run("generate_assignment", TOY_ID)
    instructor.run("release_assignment", TOY_ID)
    assert (exchange / COURSE_ID / "outbound" / TOY_ID / TOY_NOTEBOOK).is_file()

    for name, student in students.items():
        student.run("fetch_assignment", TOY_ID)
        fetched = student.cwd / TOY_ID / TOY_NOTEBOOK
        work = nbformat.read(fetched, as_version=4)
        assert "raise NotImplementedError()" in work.cells[2].source, "the fetched notebook should hold the stubs"
        for gid, code in ANSWERS.items():
            work = with_answer(work, gid, WRONG_MEAN if (name, gid) == ("ben", "mean") else code)
        nbformat.write(work, fetched)
        student.run("submit", TOY_ID, f"--student={name}")

    instructor.run("collect", TOY_ID)
    for name in students:
        assert (course / "submitted" / name / TOY_ID / TOY_NOTEBOOK).is_file(), f"{name}'s submission not collected"

    limits = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    graded = run_cli("autograde", TOY_ID, "--course", str(course), "--jobs", "2", "--quiet", *limits, cwd=course,
                     timeout=300)
    assert graded.returncode == 0, graded.stderr

    # autograde already wrote feedback/<student>/toy (our feedback.html, results.json); --force rebuilds it from
    # autograded/, where the same files are kept, adding nbgrader's per-notebook page.
    instructor.run("generate_feedback", TOY_ID, "--force")
    for name in students:
        folder = course / "feedback" / name / TOY_ID
        for kept in ("feedback.html", "results.json", "gradescope.json", "timestamp.txt", "submission_secret.txt"):
            assert (folder / kept).is_file(), f"{kept} missing from {name}'s feedback after generate_feedback"
    instructor.run("release_feedback", TOY_ID)
    for name, student in students.items():
        student.run("fetch_feedback", TOY_ID, f"--student={name}")
        fetched = sorted((student.cwd / TOY_ID / "feedback").glob(f"*/{Path(TOY_NOTEBOOK).stem}.html"))
        assert len(fetched) == 1, f"{name} should have fetched one feedback file, found {fetched}"
        page = fetched[0].read_text(encoding="utf-8")
        assert ("7.0 / 7.0" if name == "ada" else "6.0 / 7.0") in page, f"{name}'s feedback shows the wrong score"
        assert "isclose" not in page and "BEGIN HIDDEN TESTS" not in page, "hidden test code in the feedback"
        if name == "ben":  # the hidden test's verdict and message stay, only its code goes
            assert "mean of a longer list is wrong" in page

    instructor.run("export", f"--to={tmp_path / 'grades.csv'}")
    with (tmp_path / "grades.csv").open(newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == TOY_ID}
    assert set(rows) == set(students)
    assert float(rows["ada"]["score"]) == 7 and float(rows["ada"]["max_score"]) == 7
    assert float(rows["ben"]["score"]) == 6 and float(rows["ben"]["max_score"]) == 7
