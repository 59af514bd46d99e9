"""Shared fixtures: the real course, a toy course built in a temporary folder, and the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from notebooks import TOY_CATALOG, TOY_ID, TOY_NOTEBOOK, toy_source, write  # noqa: E402

from autograder.build import build  # noqa: E402
from autograder.course import Course  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
AUTOGRADER = str(Path(sys.executable).parent / "autograder")
# This run's kernels live under their own cgroup parent, so a test can see what they leave behind.
CGROUP_PARENT = f"pytorch-katas-test-{os.getpid()}"
os.environ["AUTOGRADER_CGROUP_PARENT"] = CGROUP_PARENT
# Short limits keep the fault scenarios quick; they are the grader's own, set through its CLI.
FAST_LIMITS = ["cell_timeout_s=4", "interrupt_grace_s=2", "memory_mb=768"]


@pytest.fixture(scope="session")
def course() -> Course:
    return Course.locate(REPO)


@pytest.fixture(scope="session")
def toy_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A course directory with one tiny assignment (no torch), built with the real build."""
    root = tmp_path_factory.mktemp("toy-course")
    shutil.copyfile(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "catalog.toml").write_text(TOY_CATALOG)
    write(toy_source(), root / "source" / TOY_ID / TOY_NOTEBOOK)
    toy = Course(root)
    build(toy)
    return toy


def run_cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The installed `autograder` command, as a user runs it."""
    return subprocess.run([AUTOGRADER, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def grade(course: Course, assignment: str, submission: Path, out: Path, limits: list[str] | None = None) -> dict:
    """Grade through the CLI; check the exit code and the files; return results.json."""
    limit_args = [arg for pair in (limits or []) for arg in ("--limit", pair)]
    done = run_cli("grade", assignment, str(submission), str(out), *limit_args, cwd=course.root)
    assert done.returncode == 0, done.stderr
    for name in ("results.json", "feedback.html", "gradescope.json"):
        assert (out / name).is_file(), f"{name} missing; stderr: {done.stderr}"
    return json.loads((out / "results.json").read_text())


def by_name(result: dict) -> dict[str, dict]:
    return {test["name"]: test for test in result["tests"]}


def sandbox_leftovers() -> list[str]:
    """Cgroups of this test run's kernels that still hold processes after grading: each is a leak.

    (An empty one can stay behind when a test kills a grader on purpose; it holds nothing.)
    """
    leftovers = []
    for controller in ("memory", "pids"):
        parent = Path("/sys/fs/cgroup") / controller / CGROUP_PARENT
        if parent.is_dir():
            leftovers += [str(p) for p in parent.iterdir() if p.is_dir() and (p / "cgroup.procs").read_text().split()]
    return leftovers
