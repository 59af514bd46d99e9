"""`make bench`: grade one batch three ways and compare the wall times.

The batch: for 00_tensors and 01_workflow (which trains a model), correct
submissions (the reference solutions), partly wrong ones (one answer replaced by
a wrong solution from tests/course/wrong/) and broken ones (handed in untouched,
a syntax error, a file cut short). The same batch is graded

  (a) by `nbgrader autograde '*'`;
  (b) by `autograder autograde '*'` (default jobs and limits: warm kernel starts), twice, in two
      copies of its course directory: right before (a) and right after it. This machine's speed drifts
      over the minutes (a) takes, so (b) is timed on both sides of it and their mean is compared;
  (c) as the floor: each submission's restored code cells run as a plain Python
      script in a fork of a process that has torch imported already.

Right before each timed grader command, one untimed process imports what both graders
and their kernels import, so that each finds their libraries in the page cache, not only
the commands after the first to load each library. Right before, because files read once
are soon cold: on a machine that reclaims cold memory (DAMON's pageout), imports done
before the floor were read from disk again by the first timed command, 20 s later.

Each grader gets its own course directory, released as an instructor releases
one (`nbgrader generate_assignment`, untimed, which also enters the assignment
in the gradebook), and one timed command for the whole batch, both assignments,
as an instructor grading everything handed in would run it. It prints per-submission
medians and totals, then `speedup_vs_nbgrader` (a's total wall time over the mean of b's two)
and `overhead_vs_floor` (b's median seconds per submission over c's), and checks that (a) and (b) give the same score to every
test cell of the honest submissions (correct and partly wrong); exit status 1 if not.
Where cgroup v1's CPU accounting can be used (as root), each grader's line also gives the CPU time its
command used, every process it started included (kernels, templates), and how many cores that kept busy;
and each gives what the machine read from disk while it ran (a command that finds its libraries out of the page
cache waits for them: on a slow disk, seconds that are neither grader's speed).
The CPU may be shared with other work: compare runs on a quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from wrong import all_wrong  # noqa: E402

from autograder import preload  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.read import Unreadable, read_submission  # noqa: E402
from autograder.restore import restore  # noqa: E402
from autograder.settings import default_jobs  # noqa: E402

ASSIGNMENTS = {"00_tensors": "tensors.ipynb", "01_workflow": "workflow.ipynb"}
COURSE_ID = "pytorch-katas"
SUBMITTED_AT = "2026-03-01 09:00:00.000000 UTC"
BIN = Path(sys.executable).parent
CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1's CPU accounting, writable by root


@dataclass
class Submission:
    student: str
    assignment: str
    kind: str  # correct, wrong, untouched, syntax_error, truncated
    content: str

    @property
    def honest(self) -> bool:
        return self.kind in {"correct", "wrong"}


@dataclass
class Timing:
    total_s: float = 0.0
    per_submission: list[float] = field(default_factory=list)
    cpu_s: float | None = None  # CPU time of the command and everything it started (kernels included)
    read_mib: float | None = None  # read from disk while it ran (the whole machine's reads)

    def summary(self) -> str:
        return f"{self.total_s:.1f} s in all, median {median(self.per_submission):.2f} s per submission"

    def usage_text(self) -> str:
        text = ""
        if self.cpu_s is not None:
            text += f", {self.cpu_s:.1f} CPU-s ({self.cpu_s / self.total_s:.2f} of {os.cpu_count()} cores busy)"
        if self.read_mib is not None:
            text += f", {self.read_mib:.1f} MiB read from disk"
        return text


class CpuMeter:
    """The CPU time of the commands started with `join` as their first step, children included (cgroup v1)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def join(self) -> None:
        (self.folder / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float:
        return int((self.folder / "cpuacct.usage").read_text()) / 1e9


def disk_read_mib() -> float | None:
    """MiB the machine has read from its disks so far (/proc/vmstat's pgpgin counts KiB), None where unknown.

    A run that finds the libraries it loads out of the page cache waits on the disk for them (seconds, on a slow
    one): a difference between two runs of the same command that is no part of either grader's speed.
    """
    try:
        fields = dict(line.split() for line in Path("/proc/vmstat").read_text().splitlines())
        return int(fields["pgpgin"]) / 1024
    except (OSError, KeyError, ValueError):
        return None


def read_since(start: float | None) -> float | None:
    now = disk_read_mib()
    return None if start is None or now is None else now - start


@contextlib.contextmanager
def cpu_meter() -> Iterator[CpuMeter | None]:
    """A fresh cpuacct cgroup, or None where there is none to make (no root, no cgroup v1)."""
    folder = CPUACCT / f"katas-bench-{os.getpid()}-{time.monotonic_ns()}"
    try:
        folder.mkdir()
    except OSError:
        yield None
        return
    try:
        yield CpuMeter(folder)
    finally:
        with contextlib.suppress(OSError):
            folder.rmdir()


def with_answer(notebook: nbformat.NotebookNode, cell_id: str, code: str) -> nbformat.NotebookNode:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == cell_id:
            cell.source = code
            return notebook
    raise KeyError(cell_id)


def build_batch(course: Course, per_assignment: int) -> list[Submission]:
    """Per assignment: about 40 % correct, 40 % partly wrong, 20 % broken, in a fixed order."""
    batch: list[Submission] = []
    for assignment, name in ASSIGNMENTS.items():
        solution_text = (course.solutions / assignment / name).read_text(encoding="utf-8")
        release_text = (course.release / assignment / name).read_text(encoding="utf-8")
        wrongs = all_wrong(assignment)
        broken_kinds = ["untouched", "syntax_error", "truncated", "untouched"]
        n_broken = max(len(broken_kinds), per_assignment // 5)
        n_wrong = (per_assignment - n_broken) // 2
        n_correct = per_assignment - n_broken - n_wrong
        kinds = ["correct"] * n_correct + ["wrong"] * n_wrong + [broken_kinds[i % 4] for i in range(n_broken)]
        for index, kind in enumerate(kinds):
            if kind == "correct":
                content = solution_text
            elif kind == "wrong":
                wrong = wrongs[index % len(wrongs)]
                notebook = with_answer(nbformat.reads(solution_text, as_version=4), wrong.cell, wrong.code)
                content = nbformat.writes(notebook)
            elif kind == "untouched":
                content = release_text
            elif kind == "syntax_error":
                notebook = nbformat.reads(solution_text, as_version=4)
                first = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
                first.source = "def broken(:\n    return"
                content = nbformat.writes(notebook)
            else:
                content = solution_text[: len(solution_text) // 3]
            batch.append(Submission(f"s{index:02d}-{kind}", assignment, kind, content))
    return batch


def lay_out(course: Course, root: Path, batch: list[Submission]) -> None:
    """An nbgrader course directory holding the two assignments, released, and the batch under submitted/."""
    root.mkdir(parents=True)
    shutil.copyfile(course.config_file, root / "nbgrader_config.py")
    for assignment in ASSIGNMENTS:
        shutil.copytree(course.source / assignment, root / "source" / assignment)
        # The instructor's release step: release/ (the same bytes as the committed one) and the gradebook's entry.
        done = subprocess.run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], cwd=root,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"nbgrader generate_assignment failed:\n{done.stderr[-3000:]}")
    for item in batch:
        folder = root / "submitted" / item.student / item.assignment
        folder.mkdir(parents=True)
        (folder / ASSIGNMENTS[item.assignment]).write_text(item.content, encoding="utf-8")
        (folder / "timestamp.txt").write_text(SUBMITTED_AT)


def run_nbgrader(root: Path, count: int) -> Timing:
    """One `nbgrader autograde '*'` (timed).

    Per-submission times are the gaps between nbgrader's "Sanitizing" log lines, stamped as they arrive.
    """
    with cpu_meter() as meter:
        read_before = disk_read_mib()
        started = time.monotonic()
        process = subprocess.Popen([str(BIN / "nbgrader"), "autograde", "*", "--force"], cwd=root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=meter.join if meter else None)
        assert process.stderr is not None
        starts: list[float] = []
        for line in process.stderr:
            if "Sanitizing" in line:
                starts.append(time.monotonic())
        process.wait()
        ended = time.monotonic()
        cpu_s = meter.seconds() if meter else None
        read_mib = read_since(read_before)
    if process.returncode not in (0, 1):  # 1: some submissions could not be graded (the broken ones)
        raise SystemExit(f"nbgrader autograde failed with exit status {process.returncode}")
    timing = Timing(total_s=ended - started, per_submission=[b - a for a, b in zip(starts, [*starts[1:], ended])],
                    cpu_s=cpu_s, read_mib=read_mib)
    if len(timing.per_submission) < count - 2 * len(ASSIGNMENTS):
        print(f"note: nbgrader logged {len(timing.per_submission)} of {count} submissions", file=sys.stderr)
    return timing


def run_autograder(root: Path, jobs: int, extra: list[str]) -> Timing:
    """One `autograder autograde '*'` (timed); per-submission times are those its results record."""
    with cpu_meter() as meter:
        read_before = disk_read_mib()
        started = time.monotonic()
        done = subprocess.run([str(BIN / "autograder"), "autograde", "*", "--course", str(root), "--jobs", str(jobs),
                               "--quiet", *extra], cwd=root, capture_output=True, text=True,
                              preexec_fn=meter.join if meter else None)
        timing = Timing(total_s=time.monotonic() - started, cpu_s=meter.seconds() if meter else None,
                        read_mib=read_since(read_before))
    if done.returncode != 0:
        raise SystemExit(f"autograder autograde failed:\n{done.stderr[-3000:]}")
    for results in sorted((root / "autograded").glob("*/*/results.json")):
        timing.per_submission.append(float(json.loads(results.read_text())["duration_s"]))
    return timing


FLOOR_HARNESS = r'''
import json, os, sys, time
import numpy, torch, torch.nn, torch.optim, torch._dynamo, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot, sklearn
import assignments
scripts = json.load(sys.stdin)
for cells in scripts:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.chdir(os.environ["FLOOR_HOME"])
        namespace = {"__name__": "__main__"}
        for index, source in enumerate(cells):
            try:
                exec(compile(source, f"cell-{index}", "exec"), namespace)
            except BaseException:
                pass
        os._exit(0)
    os.waitpid(pid, 0)
    print("floor", time.monotonic() - started, flush=True)
'''


def read_libraries() -> None:
    """Import, untimed, what nbgrader's and the autograder's commands and their kernels import, so that a timed
    run does not wait on the disk for the files it loads where another did not (tens of MiB, once other work
    or the kernel's reclaim has pushed them out of the page cache)."""
    modules = ["nbgrader.apps", "autograder.cli", "autograder.batch", *preload.everything()]
    # The template's own import step: a module it would do without (an optional package) is skipped, not fatal.
    subprocess.run([sys.executable, "-c", "import sys; from autograder.zygote import preload; preload(sys.argv[1:])",
                    *modules], check=True, capture_output=True, cwd=ROOT)


def run_floor(course: Course, batch: list[Submission], scratch: Path) -> Timing:
    """Each readable submission's restored notebook as one plain script, torch imported beforehand."""
    scripts: list[list[str]] = []
    for item in batch:
        name = ASSIGNMENTS[item.assignment]
        path = scratch / f"{item.student}-{item.assignment}.ipynb"
        path.write_text(item.content, encoding="utf-8")
        try:
            submitted = read_submission(path)
        except Unreadable:
            continue
        source = nbformat.read(course.source / item.assignment / name, as_version=4)
        release = nbformat.read(course.release / item.assignment / name, as_version=4)
        restored = restore(source=source, release=release, submission=submitted).notebook
        scripts.append([cell.source for cell in restored.cells if cell.cell_type == "code"])
    home = scratch / "home"
    home.mkdir()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "FLOOR_HOME": str(home),
           "MPLBACKEND": "Agg"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", FLOOR_HARNESS], input=json.dumps(scripts), capture_output=True,
                          text=True, env=env, cwd=home)
    timing = Timing(total_s=time.monotonic() - started)
    if done.returncode != 0:
        raise SystemExit(f"the floor harness failed:\n{done.stderr[-3000:]}")
    timing.per_submission = [float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("floor ")]
    return timing


def gradebook_scores(root: Path) -> dict[tuple[str, str], dict[str, float]]:
    """(student, assignment) → the auto score of each graded cell, as nbgrader's gradebook holds it."""
    scores: dict[tuple[str, str], dict[str, float]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        for assignment in ASSIGNMENTS:
            for submission in gb.find_assignment(assignment).submissions:
                scores[(submission.student.id, assignment)] = {
                    grade.name: grade.auto_score for notebook in submission.notebooks for grade in notebook.grades
                }
    return scores


def score_difference(name: str, theirs: dict[str, float] | None, ours: dict[str, float] | None) -> str:
    """Which test cells the two graders scored differently, and how (what to look into when they disagree)."""
    if theirs is None or ours is None:
        return f"{name} (not in {'nbgrader' if theirs is None else 'the autograder'}'s gradebook)"
    cells = sorted(cell for cell in {*theirs, *ours} if theirs.get(cell) != ours.get(cell))
    return f"{name} (" + ", ".join(f"{cell}: nbgrader {theirs.get(cell)}, autograder {ours.get(cell)}"
                                   for cell in cells) + ")"


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: other work on the CPU shows here."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-assignment", type=int, default=22, help="submissions per assignment (default 22)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="autograder jobs (default: the autograder's, cores + 2)")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                        help="passed to autograder autograde (e.g. start=cold)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course directories")
    args = parser.parse_args()

    course = Course.locate(ROOT)
    batch = build_batch(course, args.per_assignment)
    honest = [item for item in batch if item.honest]
    scratch = Path(tempfile.mkdtemp(prefix="katas-bench-"))
    try:
        theirs, ours, ours_again = scratch / "nbgrader", scratch / "autograder", scratch / "autograder-again"
        lay_out(course, theirs, batch)
        lay_out(course, ours, batch)
        shutil.copytree(ours, ours_again)  # released, nothing graded: the second run grades everything again
        kinds = {kind: sum(1 for item in batch if item.kind == kind) for kind in dict.fromkeys(i.kind for i in batch)}
        print(f"batch: {len(batch)} submissions of {', '.join(ASSIGNMENTS)}: "
              + ", ".join(f"{n} {kind}" for kind, n in kinds.items()), flush=True)
        print(f"cpu: {os.cpu_count()} cores, autograder jobs: {args.jobs}; nbgrader grades one at a time", flush=True)

        extra = [arg for pair in args.limit for arg in ("--limit", pair)]
        floor_dir = scratch / "floor"
        floor_dir.mkdir()
        floor = run_floor(course, batch, floor_dir)
        print(f"floor (plain script): {sum(floor.per_submission):.1f} s in all, median "
              f"{median(floor.per_submission):.2f} s per submission", flush=True)
        print(f"load average before: {load_average()}", flush=True)
        read_libraries()
        before = run_autograder(ours, args.jobs, extra)
        print(f"autograder autograde, before nbgrader: {before.summary()} (inside its worker){before.usage_text()}",
              flush=True)
        read_libraries()
        reference = run_nbgrader(theirs, len(batch))
        print(f"nbgrader autograde:                   {reference.summary()}{reference.usage_text()}", flush=True)
        read_libraries()
        after = run_autograder(ours_again, args.jobs, extra)
        print(f"autograder autograde, after nbgrader:  {after.summary()} (inside its worker){after.usage_text()}",
              flush=True)
        graded = Timing(total_s=statistics.mean([before.total_s, after.total_s]),
                        per_submission=before.per_submission + after.per_submission)

        theirs_scores = gradebook_scores(theirs)
        differ = []
        for root in (ours, ours_again):
            ours_scores = gradebook_scores(root)
            for item in honest:
                key = (item.student, item.assignment)
                if key not in ours_scores or theirs_scores.get(key) != ours_scores[key]:
                    differ.append(score_difference(f"{item.student}/{item.assignment} ({root.name})",
                                                   theirs_scores.get(key), ours_scores.get(key)))
        print(f"scores on honest submissions, in both autograder runs: {2 * len(honest) - len(differ)} of "
              f"{2 * len(honest)} identical"
              + (f"; differ: {'; '.join(differ)}" if differ else ""))
        print(f"load average after: {load_average()}")
        print("speedup_vs_nbgrader is nbgrader's wall time over the mean of the autograder's two: one "
              "`autograde '*'` command each for the whole batch, timed whole (start-up, imports and the gradebook "
              "included), the autograder's right before and right after nbgrader's on this machine; "
              "overhead_vs_floor is their median seconds per submission, the autograder's (both runs) over the "
              "floor's")
        print(f"speedup_vs_nbgrader: {reference.total_s / graded.total_s:.2f}")
        print(f"overhead_vs_floor: {median(graded.per_submission) / median(floor.per_submission):.2f}")
        return 1 if differ else 0
    finally:
        if args.keep:
            print(f"kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
