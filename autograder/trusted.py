"""The grader's trusted interpreter: runs the tests' own code, and only their student blocks in the kernel.

Each test cell is split (`blocks.split`, from the instructor's source): its
`with checks.student():` blocks run in the student's sandboxed kernel, the rest
runs here, in a namespace of the grader's process that student code never
touches. So the comparisons, the expected values, the held-out labels and the
checks themselves are out of the student's reach: no hook, patched function,
tracer, forged reply or always-equal object in the kernel can change them.
Values come back from the kernel only as data (`exchange.unpack`).

Names the tests read but do not define (`device`, a training history made by a
read-only cell) are fetched from the kernel as data before the test runs;
names the course's read-only cells import (`torch`, `checks`, `nn`...) are
imported here, the grader's own copies. Blocks get the grader's values of the
names they read, pickled; names that came from the kernel stay there.

Several submissions may be graded by threads of one process (a Dask worker):
their tests then share torch's and NumPy's global random generators. So the
grader's part of a test runs holding a process-wide lock, with its own
notebook's generator states put back in place; the lock is let go, and the
states put aside, while a block runs in the kernel.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import torch
from nbformat import NotebookNode
from nbformat.v4 import new_output

from assignments import checks

from . import cells
from .blocks import RUNNER, SplitError, SplitTest, split
from .exchange import block_request, fetch_request, unpack
from .outcomes import CellRun

BUILTIN_NAMES = frozenset(dir(builtins))
# The tests' own tensors are small and their parts run one at a time (JUDGE_LOCK), while the cores are the
# kernels': a pool of torch threads gains nothing here, and its OpenMP workers spin on a core after each of
# their operations (about 1 % of a batch's CPU, in a system-wide profile).
torch.set_num_threads(1)
# The grader's parts of tests run one at a time in a process: they share its global state. Turning Python
# source into `ast` objects is part of that state: CPython keeps one recursion counter per interpreter for it,
# and two threads parsing at once can fail with "SystemError: AST constructor recursion depth mismatch"
# (python/cpython#106905). So grading threads parse (`prelude`, `blocks.split`, `ast.literal_eval` in
# `exchange.unpack`, formatting a traceback) holding this lock.
JUDGE_LOCK = threading.RLock()


@dataclass
class KernelCall:
    """What running some code in the student's kernel gave back."""

    run: CellRun
    bundle: Any  # the data the code published through the exchange; None when none came
    outputs: list[NotebookNode] = field(default_factory=list)


# Runs code in the student's kernel and waits for it (called from the trusted interpreter's thread).
Kernel = Callable[[str], KernelCall]


class KernelStopped(BaseException):
    """The kernel is gone (out of time, crashed, killed). A BaseException: a test's `except` cannot keep it."""

    def __init__(self, run: CellRun, reason: str) -> None:
        super().__init__(reason)
        self.run = run
        self.reason = reason


class StudentError(Exception):
    """The student's code raised inside a `checks.student()` block; carries the kernel's report of it."""

    def __init__(self, run: CellRun) -> None:
        super().__init__(f"{run.ename}: {run.evalue}")
        self.run = run


@dataclass
class TestRun:
    run: CellRun
    outputs: list[NotebookNode]


def prelude(notebook: NotebookNode) -> str:
    """The import statements of the instructor's read-only cells: the modules tests may use here."""
    statements: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or not cells.is_locked(cell) or cells.is_test(cell):
            continue
        try:
            with JUDGE_LOCK:  # see JUDGE_LOCK: no two threads may parse at once
                tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(statements)


def preimport(notebooks: Iterable[NotebookNode]) -> None:
    """Import what these notebooks' tests import in the grader, and split their tests, as each one's first
    grading would.

    A batch does it while its kernels' template starts, when this process has nothing else to do: a
    course's plotting helpers bring in matplotlib, about 0.4 s of CPU at the first grading otherwise, and
    splitting a test takes milliseconds (the splits are cached by source).
    """
    for notebook in notebooks:
        TrustedInterpreter(imports=prelude(notebook), seed=0)
        for cell in notebook.cells:
            if cells.is_test(cell):
                with JUDGE_LOCK:  # see JUDGE_LOCK: no two threads may parse at once
                    try:
                        split(cell.source)
                    except SplitError:  # reported by the test itself when it runs
                        pass


class TrustedInterpreter:
    """One notebook's tests, run in order in one namespace of the grader's process."""

    def __init__(self, *, imports: str, seed: int) -> None:
        self.seed = seed
        self.stdout = io.StringIO()
        own_builtins = dict(vars(builtins))
        own_builtins["print"] = self._print
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": own_builtins}
        self.from_kernel: dict[str, Any] = {}  # name -> the value fetched for it (identity tells it is unchanged)
        self.prelude_error: BaseException | None = None
        # This notebook's own generators, as seeding torch, `random` and NumPy with `seed` would leave them;
        # put in place on each of its turns (`_turn`).
        self.random_states = (torch.Generator().manual_seed(seed).get_state(), random.Random(seed).getstate(),
                              np.random.RandomState(seed).get_state())
        with self._turn():
            try:
                exec(compile(imports, "<imports>", "exec"), self.namespace)
            except Exception as error:  # reported by every test: the course's imports are broken here
                self.prelude_error = error

    def _print(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = self.stdout
        print(*args, **kwargs)

    def _owned(self, name: str) -> bool:
        """True for a value of the grader's own making (not one fetched from the kernel and left as it was)."""
        return name in self.namespace and (
            name not in self.from_kernel or self.namespace[name] is not self.from_kernel[name]
        )

    def _bind(self, values: dict[str, Any]) -> None:
        self.namespace.update(values)
        self.from_kernel.update(values)

    def run_test(self, source: str, kernel: Kernel, *, show_student_output: bool) -> TestRun:
        """Run one test cell; the verdict is whether the grader's part raised, never the kernel's say-so."""
        self.stdout = io.StringIO()
        outputs: list[NotebookNode] = []
        kernel = self._letting_go(kernel)
        with self._turn(), self._seeded():
            try:
                if self.prelude_error is not None:
                    raise self.prelude_error
                test = split(source)
                self._fetch(test, kernel)
                self.namespace[RUNNER] = lambda index: self._run_block(test, index, kernel, outputs,
                                                                       show_student_output)
                exec(test.program, self.namespace)
                run = CellRun("ok")
            except StudentError as error:
                run = error.run
            except SplitError as error:
                run = CellRun("error", ename="SplitError", evalue=f"the test cannot be graded: {error}")
            except KernelStopped:
                raise
            except BaseException as error:  # the test's own verdict: AssertionError, or any error it hit
                run = CellRun("error", ename=type(error).__name__, evalue=str(error)[:2000])
        printed = self.stdout.getvalue()
        if printed:
            outputs.insert(0, new_output("stream", name="stdout", text=printed))
        if run.status == "error":
            outputs.append(new_output("error", ename=run.ename, evalue=run.evalue, traceback=[]))
        return TestRun(run=run, outputs=outputs)

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """This notebook's turn at the process's global state: the lock, and its own random generators."""
        with JUDGE_LOCK:
            saved = _random_states()
            _restore_random_states(self.random_states)
            try:
                yield
            finally:
                self.random_states = _random_states()
                _restore_random_states(saved)

    def _letting_go(self, kernel: Kernel) -> Kernel:
        """`kernel`, giving up the turn while the kernel works (other notebooks' tests may run meanwhile)."""
        def call(code: str) -> KernelCall:
            self.random_states = _random_states()
            JUDGE_LOCK.release()
            try:
                return kernel(code)
            finally:
                JUDGE_LOCK.acquire()
                _restore_random_states(self.random_states)
        return call

    @contextlib.contextmanager
    def _seeded(self) -> Iterator[None]:
        token = checks.RUN_SEED.set(self.seed)
        try:
            yield
        finally:
            checks.RUN_SEED.reset(token)

    def _fetch(self, test: SplitTest, kernel: Kernel) -> None:
        """Bring in, as data, the names the test reads and neither it nor the grader defines."""
        assigned = test.writes.union(*(block.writes for block in test.blocks))
        needed = sorted(
            name for name in test.reads - assigned - BUILTIN_NAMES
            if not self._owned(name) and not name.startswith("__")
        )
        if not needed:
            return
        call = kernel(fetch_request(needed))
        if call.run.status == "ok" and call.bundle is not None:
            for name in needed:  # names the kernel no longer has are gone here too
                self.namespace.pop(name, None)
            self._bind(unpack(call.bundle, needed))

    def _run_block(self, test: SplitTest, index: int, kernel: Kernel, outputs: list[NotebookNode],
                   show_student_output: bool) -> None:
        block = test.blocks[index]
        inputs = {
            name: self.namespace[name] for name in sorted(block.reads)
            if self._owned(name) and not name.startswith("__") and not isinstance(self.namespace[name], ModuleType)
        }
        for name in inputs:  # the kernel holds the grader's value now: whatever was fetched before is stale
            self.from_kernel.pop(name, None)
        wanted = sorted(block.writes & test.reads)  # what the grader's part reads; the rest stays in the kernel
        try:
            code = block_request(block.code, inputs=inputs, outputs=wanted)
        except Exception as error:  # the test's own values: an authoring problem, shown to the instructor
            raise RuntimeError(f"the grader could not send {sorted(inputs)} to the student's kernel: {error}") from None
        call = kernel(code)
        if show_student_output:
            outputs += [output for output in call.outputs if output.get("output_type") != "error"]
        if call.run.status != "ok":
            raise StudentError(call.run)
        if call.bundle is None:
            raise AssertionError("the grader got nothing back from your code for this test: does your code change "
                                 "how the notebook runs (hooks, transformers, exit handlers)?")
        for name in block.writes:  # the kernel's value is the current one now, not an older one of the grader's
            self.namespace.pop(name, None)
        self._bind(unpack(call.bundle, wanted))


def _random_states() -> tuple[Any, ...]:
    return torch.get_rng_state(), random.getstate(), np.random.get_state()


def _restore_random_states(states: tuple[Any, ...]) -> None:
    torch_state, python_state, numpy_state = states
    torch.set_rng_state(torch_state)
    random.setstate(python_state)
    np.random.set_state(numpy_state)
