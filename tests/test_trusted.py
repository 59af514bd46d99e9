"""Tests judged in the grader: what reaches the student's kernel, what comes back, and the per-run seed.

Real kernels in the real sandbox, graded through the Python API (`grade_submission`) on the toy assignment.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from conftest import FAST_LIMITS
from notebooks import TOY_NOTEBOOK, with_answer
from autograder.course import Course
from autograder.grade import AssignmentFiles, Graded, grade_submission
from autograder.outcomes import CellRun
from autograder.settings import Limits
from autograder.exchange import MIME
from autograder.trusted import JUDGE_LOCK, KernelCall, TrustedInterpreter, prelude

LIMITS = Limits.from_pairs([*FAST_LIMITS, "start=cold"])
# A cell the student adds at the end: it prints what the kernel holds, for the test to inspect.
SPY = "print(repr(sorted(name for name in globals() if name.startswith('_') and not name.startswith('__'))))\n" \
      "print(repr(_pairs))"


def _grade(toy: Course, notebook: nbformat.NotebookNode, tmp_path: Path, seed: int | None = None) -> Graded:
    path = tmp_path / TOY_NOTEBOOK
    nbformat.write(notebook, path)
    return grade_submission(files=AssignmentFiles.load(toy, "toy"), submission=path, limits=LIMITS, seed=seed)


def _solution(toy: Course) -> nbformat.NotebookNode:
    return nbformat.read(toy.solutions / "toy" / TOY_NOTEBOOK, as_version=4)


def _spied(toy: Course) -> nbformat.NotebookNode:
    notebook = _solution(toy)
    notebook.cells.append(new_code_cell(SPY))
    return notebook


def _spy_output(graded: Graded) -> tuple[list[str], list[tuple[int, int]]]:
    cell = graded.executed[TOY_NOTEBOOK].cells[-1]
    names, pairs = "".join(output.get("text", "") for output in cell.outputs).splitlines()
    return ast.literal_eval(names), ast.literal_eval(pairs)


@pytest.fixture(scope="module")
def spied_runs(toy_course: Course, tmp_path_factory: pytest.TempPathFactory) -> list[Graded]:
    """The solution with a spying cell, graded three times: seeds 5, 5 and a fresh one."""
    return [_grade(toy_course, _spied(toy_course), tmp_path_factory.mktemp("spy"), seed=seed)
            for seed in (5, 5, None)]


def test_only_the_blocks_inputs_and_outputs_reach_the_kernel(spied_runs: list[Graded]) -> None:
    graded = spied_runs[0]
    assert graded.result.score == graded.result.max_score == 7
    names, _ = _spy_output(graded)
    # The blocks' inputs and results are there; the grader's own names (_rng, the loops' _a/_b/_sum,
    # _xs/_mean) never were.
    assert {"_pairs", "_sums", "_lists", "_means", "_words", "_shouts", "_got"} <= set(names)
    assert not {"_rng", "_a", "_b", "_sum", "_xs", "_mean", "_word"} & set(names), names


def test_the_seed_is_recorded_and_repeats_a_run(spied_runs: list[Graded]) -> None:
    first, again, fresh = spied_runs
    assert first.result.seed == again.result.seed == 5 and fresh.result.seed not in (None, 5)
    assert _spy_output(first)[1] == _spy_output(again)[1]
    assert _spy_output(first)[1] != _spy_output(fresh)[1]


def test_values_that_are_not_data_fail_with_a_clear_message(toy_course: Course, tmp_path: Path) -> None:
    notebook = with_answer(_solution(toy_course), "add", "def add(a, b):\n    return lambda: a + b\n")
    tests = {t.name: t for t in _grade(toy_course, notebook, tmp_path).result.tests}
    assert tests["test_add"].status == "fail"
    assert tests["test_add"].message.startswith(
        "AssertionError: _got is an object of type builtins.function, which the grader cannot read")
    assert tests["test_add_hidden"].status == "fail" and "_sums is an object of type builtins.list" in \
        tests["test_add_hidden"].message
    assert tests["test_mean"].status == "pass"


def test_errors_in_a_block_point_at_the_students_line(toy_course: Course, tmp_path: Path) -> None:
    notebook = with_answer(_solution(toy_course), "mean", "def mean(xs):\n    total = sum(xs)\n    return total / 0\n")
    tests = {t.name: t for t in _grade(toy_course, notebook, tmp_path).result.tests}
    for name in ("test_mean", "test_mean_hidden"):
        assert tests[name].status == "fail"
        assert tests[name].message.startswith("ZeroDivisionError: ")
        assert tests[name].message.endswith("division by zero (in cell 'mean', line 3: return total / 0)")


def test_what_a_test_prints_is_kept_and_hidden_blocks_print_nothing(toy_course: Course, tmp_path: Path) -> None:
    notebook = with_answer(_solution(toy_course), "add",
                           "def add(a, b):\n    print('adding', a, b)\n    return a + b\n")
    graded = _grade(toy_course, notebook, tmp_path)
    assert graded.result.score == 7
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.executed[TOY_NOTEBOOK].cells}
    assert [o["text"] for o in cells["test_add"].outputs] == ["adding 1 2\n"]
    assert cells["test_add_hidden"].outputs == []


def test_tests_graded_side_by_side_keep_their_own_random_generators() -> None:
    """Threads of one process (a Dask worker) grade notebooks side by side: while one test's block runs in its
    kernel, another notebook's test reseeds torch and is itself waiting on its kernel when the first one goes
    on; the first test's generator must not notice."""
    imports = "import torch\nfrom assignments import checks"
    test = "torch.manual_seed(7)\nwith checks.student():\n    pass\n_x = torch.rand(3).tolist()\n"
    other_waits, first_done = threading.Event(), threading.Event()

    def idle_kernel(code: str) -> KernelCall:  # a block that hands back nothing the test reads
        return KernelCall(run=CellRun("ok"), bundle={})

    def other_kernel(code: str) -> KernelCall:  # the other notebook's block: still running when the first resumes
        other_waits.set()
        first_done.wait(timeout=30)
        return idle_kernel(code)

    other = TrustedInterpreter(imports=imports, seed=2)
    other_test = threading.Thread(target=other.run_test, kwargs={
        "source": "torch.manual_seed(99)\n_y = torch.rand(100)\nwith checks.student():\n    pass\n",
        "kernel": other_kernel, "show_student_output": False})

    def busy_kernel(code: str) -> KernelCall:  # while this block "runs", the other test reseeds and waits
        other_test.start()
        assert other_waits.wait(timeout=30), "the other notebook's test could not run while this block was away"
        return idle_kernel(code)

    side_by_side, alone = (TrustedInterpreter(imports=imports, seed=1) for _ in range(2))
    try:
        assert side_by_side.run_test(test, busy_kernel, show_student_output=False).run.status == "ok"
    finally:
        first_done.set()
        other_test.join(timeout=30)
    assert alone.run_test(test, idle_kernel, show_student_output=False).run.status == "ok"
    assert "_y" in other.namespace
    assert side_by_side.namespace["_x"] == alone.namespace["_x"]


class InProcessKernel:
    """The kernel's half of the exchange, run by a real IPython shell in this process: for bookkeeping tests
    that need no sandbox (the code it runs is the tests' own)."""

    def __init__(self) -> None:
        from IPython.core.interactiveshell import InteractiveShell

        self.shell = InteractiveShell.instance()
        self.shell.reset()
        self.published: list[dict] = []
        self.shell.display_pub.publish = lambda data, *args, **kwargs: self.published.append(data)

    def __call__(self, code: str) -> KernelCall:
        self.published.clear()
        result = self.shell.run_cell(code, silent=True)
        error = result.error_in_exec or result.error_before_exec
        run = CellRun("ok") if error is None else CellRun("error", ename=type(error).__name__, evalue=str(error))
        bundles = [data[MIME] for data in self.published if MIME in data]
        return KernelCall(run=run, bundle=bundles[-1] if bundles else None)


def test_values_the_grader_sends_are_the_ones_blocks_see() -> None:
    """A name a block once handed back, then set by the grader to an equal small int, is still sent."""
    kernel = InProcessKernel()
    kernel.shell.run_cell("def ident(x):\n    return x\n")
    interpreter = TrustedInterpreter(imports="from assignments import checks", seed=1)
    test = ("with checks.student():\n    for _j in range(3):\n        pass\n"
            "for _j in range(3):\n    with checks.student():\n        _echo = ident(_j)\n"
            "    assert _echo == _j, f'ident({_j}) gave {_echo}'\n")
    outcome = interpreter.run_test(test, kernel, show_student_output=False)
    assert outcome.run.status == "ok", outcome.run.evalue


def test_preimport_loads_what_the_tests_import_before_any_grading() -> None:
    """A batch imports its tests' modules while the template starts; a fresh process shows that it happened."""
    test = "with checks.student():\n    _got = answer()\nassert _got == 1\n"
    notebook = nbformat.v4.new_notebook(cells=[
        new_code_cell("import wave\nfrom json import tool", metadata={"nbgrader": {"locked": True}}),
        new_code_cell("import sched"),  # the student's own cell: tests cannot use what it imports
        new_code_cell(test, metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1, "locked": True}}),
        new_code_cell("with checks.student():\n    return 1\n",  # a test the grader cannot split: no matter here
                      metadata={"nbgrader": {"grade": True, "grade_id": "u", "points": 1, "locked": True}}),
    ])
    code = ("import sys, nbformat\nfrom autograder.trusted import preimport\nfrom autograder.blocks import split\n"
            "preimport([nbformat.reads(sys.stdin.read(), as_version=4)])\n"
            "print(sorted(name for name in ('wave', 'json.tool', 'sched') if name in sys.modules))\n"
            f"print(split.cache_info().currsize, split({test!r}).blocks[0].writes, split.cache_info().hits)")
    done = subprocess.run([sys.executable, "-c", code], input=nbformat.writes(notebook), capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == ["['json.tool', 'wave']", "1 frozenset({'_got'}) 1"]


def test_the_grader_runs_torch_on_one_thread() -> None:
    """The tests' tensors are small; a pool of torch threads in the grader would spin on the kernels' cores."""
    code = "import torch\nbefore = torch.get_num_threads()\nimport autograder.trusted\nprint(before, torch.get_num_threads())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "OMP_NUM_THREADS": "2"})
    assert done.stdout.split() == ["2", "1"]


def test_grading_threads_never_parse_python_at_the_same_time() -> None:
    """CPython turns source into `ast` objects with one recursion counter per interpreter: two threads parsing
    at once can fail with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905), which
    once cost a submission its grade. Reading a notebook's imports waits while a test's part holds the lock."""
    notebook = nbformat.v4.new_notebook(cells=[
        new_code_cell("import torch", metadata={"nbgrader": {"locked": True}}),
    ])
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(prelude(notebook)))
    with JUDGE_LOCK:  # as while another notebook's test is split, or a value it got back is read
        reader.start()
        reader.join(timeout=1)
        assert reader.is_alive(), "the notebook's imports were parsed while another thread held the lock"
    reader.join(timeout=30)
    assert read == ["import torch"]
