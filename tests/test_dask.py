"""Batch grading on a real Dask cluster: the same results as the local pool, and a worker killed midway costs nothing.

The tests start a `dask scheduler` and two `dask worker` processes of their own
on 127.0.0.1, drive them through the real `autograder autograde --scheduler`,
and stop them afterwards whatever happened.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import nbformat
import pytest
from distributed import Client
from nbgrader.api import Gradebook

from conftest import AUTOGRADER, CGROUP_PARENT, FAST_LIMITS
from test_batch import HONEST, gradebook_scores, make_course, results
from autograder.course import Course
from autograder.results import schema

pytestmark = pytest.mark.slow
DASK = str(Path(sys.executable).parent / "dask")
# The workers' kernels get a cgroup parent of their own: a killed worker's leftovers are then ours to count.
WORKER_CGROUP_PARENT = f"{CGROUP_PARENT}-dask"
EXPECTED = {"ada": 7, "ben": 6, "cleo": 0}


def students(count: int) -> tuple[dict[str, Callable[[Course], nbformat.NotebookNode]], dict[str, int]]:
    """`count` submissions cycling through a correct, a partly wrong and an untouched notebook; their scores."""
    kinds = list(HONEST)
    chosen = {f"s{i}": kinds[i % len(kinds)] for i in range(count)}
    return {s: HONEST[kind] for s, kind in chosen.items()}, {s: EXPECTED[kind] for s, kind in chosen.items()}


@dataclass
class Cluster:
    """A scheduler and its workers, each a process group of its own so that a kill takes all of it."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def client(self) -> Client:
        return Client(self.address, timeout=30, set_as_default=False)

    def kill_worker(self, name: str) -> None:
        """SIGKILL the worker's nanny, its worker process and anything else in its group, as a lost machine."""
        process = self.workers[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in [*self.workers.values(), self.scheduler]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in [*self.workers.values(), self.scheduler]:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _start(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)


def kernels_left() -> list[int]:
    """Processes still in the workers' kernel cgroups: a kernel that outlived its worker."""
    pids = []
    for group in (Path("/sys/fs/cgroup/pids") / WORKER_CGROUP_PARENT).glob("*/cgroup.procs"):
        pids += [int(pid) for pid in group.read_text().split()]
    return pids


def remove_kernel_cgroups() -> None:
    """Kill what is left in the workers' kernel cgroups and remove them (a killed worker cannot)."""
    for pid in kernels_left():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.2)
    for controller in ("memory", "pids"):
        parent = Path("/sys/fs/cgroup") / controller / WORKER_CGROUP_PARENT
        for group in [*parent.glob("*/"), parent]:
            try:
                group.rmdir()
            except OSError:
                pass


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A fresh scheduler on a free port of 127.0.0.1 and two single-threaded workers, stopped afterwards.

    Worker w0 says it has one "GPU" (a Dask resource: a name and an amount, nothing checks a device).
    """
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    scheduler_file = logs / "scheduler.json"
    scheduler = _start([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(scheduler_file)], logs / "scheduler.log")
    running = Cluster(address="", scheduler=scheduler)
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline and scheduler.poll() is None:
            time.sleep(0.1)
        assert scheduler_file.is_file(), (logs / "scheduler.log").read_text()
        running.address = json.loads(scheduler_file.read_text())["address"]
        env = {**os.environ, "AUTOGRADER_CGROUP_PARENT": WORKER_CGROUP_PARENT}
        for name, resources in (("w0", ["--resources", "GPU=1"]), ("w1", [])):
            running.workers[name] = _start(
                [DASK, "worker", running.address, "--name", name, "--nthreads", "1", "--nworkers", "1",
                 "--no-dashboard", "--local-directory", str(logs / name), *resources],
                logs / f"{name}.log", env=env,
            )
        with running.client() as client:
            client.wait_for_workers(2, timeout=120)
        yield running
    finally:
        running.stop()
        remove_kernel_cgroups()


def autograde_on(cluster: Cluster, root: Path, *extra: str) -> subprocess.Popen[str]:
    limit_args = [arg for pair in FAST_LIMITS for arg in ("--limit", pair)]
    return subprocess.Popen([AUTOGRADER, "autograde", "toy", "--course", str(root), "--scheduler", cluster.address,
                             "--quiet", *limit_args, *extra], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def gradebook_submissions(root: Path) -> list[str]:
    """Every student with a submission of the toy assignment in the gradebook, as often as it is there."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "pytorch-katas") as gb:
        return sorted(submission.student.id for submission in gb.find_assignment("toy").submissions)


def check_graded_once(root: Path, scores: dict[str, int]) -> None:
    """One result per submission with the expected score, equal to the gradebook's, and nothing half-written."""
    for student, score in scores.items():
        result = results(root, student)
        jsonschema.validate(result, schema())
        assert result["score"] == score, student
        assert (root / "feedback" / student / "toy" / "feedback.html").is_file()
    assert gradebook_submissions(root) == sorted(scores)
    assert {s: sum(v.values()) for s, v in gradebook_scores(root).items()} == scores
    assert not list((root / "autograded").glob("*/.staging-*")), "a staging folder was left behind"


class MarkerWatch:
    """Polls the markers while a batch runs and keeps each one's first (inode, mtime): a rewrite shows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: dict[str, set[tuple[int, int]]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.look()
            time.sleep(0.05)

    def look(self) -> None:
        for marker in (self.root / "autograded").glob("*/toy/grading.json"):
            try:
                stat = marker.stat()
            except FileNotFoundError:
                continue
            self.seen.setdefault(marker.parent.parent.name, set()).add((stat.st_ino, stat.st_mtime_ns))

    def stop(self) -> dict[str, set[tuple[int, int]]]:
        self._stop.set()
        self._thread.join()
        self.look()
        return self.seen


def test_a_cluster_grades_a_batch_like_the_local_pool(toy_course: Course, tmp_path: Path, cluster: Cluster) -> None:
    made, scores = students(8)
    root = make_course(toy_course, tmp_path / "course", made)
    started = time.monotonic()
    batch = autograde_on(cluster, root)
    stdout, stderr = batch.communicate(timeout=300)
    assert batch.returncode == 0, stderr
    print(f"8 submissions on 2 Dask workers: {time.monotonic() - started:.1f} s")
    for student in scores:
        assert student in stdout, f"{student} missing from the summary table"
    check_graded_once(root, scores)
    assert kernels_left() == []


def test_a_worker_killed_midway_costs_no_submission_and_grades_none_twice(
    toy_course: Course, tmp_path: Path, cluster: Cluster
) -> None:
    made, scores = students(8)
    root = make_course(toy_course, tmp_path / "course", made)
    watch = MarkerWatch(root)
    batch = autograde_on(cluster, root)
    killed = None
    with cluster.client() as client:
        deadline = time.monotonic() + 240
        while killed is None and time.monotonic() < deadline and batch.poll() is None:
            if len(list((root / "autograded").glob("*/toy/grading.json"))) >= 2:
                # A worker in the middle of a submission, so that the scheduler has a task to run again.
                busy = [address for address, keys in client.processing().items() if keys]
                names = {address: info["name"] for address, info in client.scheduler_info()["workers"].items()}
                if busy:
                    killed = names[busy[0]]
                    cluster.kill_worker(killed)
                    break
            time.sleep(0.1)
    assert killed is not None, "the batch should have been running when the worker was killed"
    graded_before_kill = len(watch.seen)
    assert graded_before_kill < len(scores), "the worker should have been killed midway"

    stdout, stderr = batch.communicate(timeout=300)
    seen = watch.stop()
    assert batch.returncode == 0, stderr
    assert set(seen) == set(scores)
    for student, versions in seen.items():
        assert len(versions) == 1, f"{student}'s marker was written {len(versions)} times"
    for student in scores:
        assert stdout.count(f"\n{student} ") == 1, f"{student} should be in the summary table once"
    check_graded_once(root, scores)
    time.sleep(1)  # the killed worker's kernel dies with it (bubblewrap's --die-with-parent)
    assert kernels_left() == []


def test_worker_resources_send_every_submission_to_the_workers_that_have_them(
    toy_course: Course, tmp_path: Path, cluster: Cluster
) -> None:
    made, scores = students(3)
    root = make_course(toy_course, tmp_path / "course", made)
    batch = autograde_on(cluster, root, "--worker-resource", "GPU=1")
    _, stderr = batch.communicate(timeout=300)
    assert batch.returncode == 0, stderr
    check_graded_once(root, scores)
    with cluster.client() as client:
        names = {address: info["name"] for address, info in client.scheduler_info()["workers"].items()}
        # On each worker, the grading tasks in its own record of task transitions. A lambda, so that it
        # travels by value: the workers cannot import this test module.
        graded_here = lambda dask_worker: len(  # noqa: E731
            {entry[0] for entry in dask_worker.state.log if str(entry[0]).startswith("grade_job-")}
        )
        ran = {names[address]: count for address, count in client.run(graded_here).items()}
    assert ran == {"w0": 3, "w1": 0}
