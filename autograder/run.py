"""Step 3, run: execute a restored notebook in a fresh sandboxed kernel, cell by cell.

Every cell but the tests runs in the kernel. A test runs in the grader's trusted
interpreter (`trusted`), which sends only its `checks.student()` blocks to the
kernel, with the same time limits, and decides the verdict itself.

Each cell gets the remaining share of the notebook's time. A cell past its limit
is interrupted; one that ignores the interrupt is killed with its kernel. A kernel
that dies (a crash, the memory limit) ends the run; the cells already executed
keep their outcomes, the rest are marked as not run, and the caller judges them.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import secrets
import signal
import subprocess
import threading
import time
import uuid
from typing import Any

from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import Type
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output

from . import cells as cell_kinds
from . import warm
from .errors import UsageError
from .exchange import MIME
from .outcomes import CellRun, NotebookRun
from .sandbox import KERNEL_OPTIONS, Sandbox
from .settings import MiB, Limits
from .trusted import KernelCall, KernelStopped, TrustedInterpreter, prelude

STARTS = ("warm", "cold")

class PromptClient(AsyncKernelClient):
    """jupyter_client's client, without the fixed fifth of a second it waits after the kernel is ready.

    `wait_for_ready` drains IOPub until it has been quiet for 0.2 s: a cost paid by every kernel, and
    no use here, where nbclient keeps only the messages whose parent is the cell it executes.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    # An IOPub message shows the subscription is connected (else start over).
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start inside a `Sandbox` and talk over Unix sockets."""

    sandbox: Sandbox | None = None
    client_factory = Type(default_value=PromptClient, klass=AsyncKernelClient)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments) + KERNEL_OPTIONS
        assert self.sandbox is not None, "set .sandbox before starting the kernel"
        return self.sandbox.wrap(command)

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        assert self.sandbox is not None
        self.sandbox.hand_over(self.connection_file)


class CappedClient(NotebookClient):
    """nbclient, keeping at most a set number of output bytes per cell and per notebook."""

    def __init__(self, *args: Any, cell_bytes: int, notebook_bytes: int, exchange_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cell_bytes = cell_bytes
        self.notebook_bytes = notebook_bytes
        self.exchange_bytes = exchange_bytes
        self.notebook_used = 0
        self.cell_used: dict[int, int] = {}
        self.truncated: set[int] = set()
        self.exchange: dict[int, Any] = {}  # cell index -> the data its code handed to the grader

    def output(self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int):  # type: ignore[override]
        data = msg.get("content", {}).get("data")
        if msg.get("msg_type") == "display_data" and isinstance(data, dict) and MIME in data:
            # The exchange is the grader's channel, not an output: kept aside, under its own size limit.
            bundle = data[MIME]
            size = sum(len(str(entry)) for entry in bundle.values()) if isinstance(bundle, dict) else 0
            self.exchange[cell_index] = bundle if size <= self.exchange_bytes else "over the size limit"
            return None
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self.cell_used.get(cell_index, 0)
        if used + size > self.cell_bytes or self.notebook_used + size > self.notebook_bytes:
            if cell_index not in self.truncated:
                self.truncated.add(cell_index)
                outs.append(
                    new_output(
                        "stream",
                        name="stderr",
                        text=f"[output truncated: this cell printed more than the grader keeps "
                        f"({self.cell_bytes} bytes per cell, {self.notebook_bytes} per notebook)]\n",
                    )
                )
            return None
        self.cell_used[cell_index] = used + size
        self.notebook_used += size
        return super().output(outs, msg, display_id, cell_index)


def _reply_outcome(reply: dict[str, Any] | None) -> CellRun:
    content = (reply or {}).get("content", {})
    status = content.get("status")
    if status == "ok":
        return CellRun("ok", execution_count=content.get("execution_count"))
    return CellRun(
        "error",
        ename=str(content.get("ename", "Error")),
        evalue=str(content.get("evalue", "")),
        traceback=[str(line) for line in content.get("traceback", [])],
        execution_count=content.get("execution_count"),
    )


async def run_notebook(notebook: NotebookNode, *, limits: Limits, seed: int | None = None) -> NotebookRun:
    """Execute every code cell of `notebook` (modified in place): tests in the grader, the rest in a new kernel.

    `seed` feeds the hidden tests' `checks.seed`; by default each run draws its own. With
    `limits.start == "warm"` the kernel is forked from this process's template (`warm`), which has the
    heavy modules imported; where no template can run, or it fails to deliver a kernel before any cell
    ran, the kernel starts cold.
    """
    if limits.start not in STARTS:
        raise UsageError(f"the start limit must be one of {', '.join(STARTS)}, not {limits.start!r}")
    seed = secrets.randbits(32) if seed is None else seed
    if limits.start == "warm":
        with warm.lease(limits) as template:
            if template is not None:
                try:
                    return await _run(notebook, limits, template, seed)
                except warm.ForkFailed as failure:
                    warm.discard(template, str(failure))
    return await _run(notebook, limits, None, seed)


class _Kernel:
    """The student's kernel during one run: executes code under the notebook's time limits."""

    def __init__(self, client: CappedClient, sandbox: Sandbox, limits: Limits, deadline: float) -> None:
        self.client, self.sandbox, self.limits, self.deadline = client, sandbox, limits, deadline
        self.replies: dict[int, dict[str, Any]] = {}
        client.on_cell_executed = self._keep_reply

    def _keep_reply(self, cell: NotebookNode, cell_index: int, execute_reply: dict[str, Any]) -> None:
        self.replies[cell_index] = execute_reply

    def budget(self, now: float, deadline: float | None = None) -> float:
        """Seconds the next cell may run: a cell's share of what is left of the notebook's time (and of
        `deadline`'s, a test's); raises `KernelStopped` when nothing is left."""
        if self.deadline - now <= 0:
            raise KernelStopped(CellRun("not_run"),
                                f"the notebook ran out of time ({self.limits.notebook_timeout_s:g} s in all)")
        budget = min(self.limits.cell_timeout_s, self.deadline - now, (deadline or float("inf")) - now)
        if budget <= 0:
            raise KernelStopped(CellRun("timeout"), "a test ran past its time limit")
        return budget

    async def execute(self, cell: NotebookNode, index: int, *, deadline: float | None = None) -> CellRun:
        """Run `cell` (as cell `index`); raises `KernelStopped` when the kernel or the notebook's time is gone."""
        now = time.monotonic()
        budget = self.budget(now, deadline)
        self.client.timeout = max(1, int(budget))
        self.replies.pop(index, None)
        try:
            await asyncio.wait_for(self.client.async_execute_cell(cell, index),
                                   timeout=budget + self.limits.interrupt_grace_s)
        except asyncio.TimeoutError:
            raise KernelStopped(CellRun("timeout"), f"a cell ran past its time limit ({budget:.0f} s) and ignored "
                                "the interrupt, so its kernel was stopped") from None
        except DeadKernelError:
            if self.sandbox.oom_killed():
                raise KernelStopped(CellRun("died"), "the kernel died: it used more than the memory limit "
                                    f"({self.limits.memory_mb} MiB)") from None
            if time.monotonic() - now >= budget:  # a kernel too busy to answer its heartbeat after the interrupt
                raise KernelStopped(CellRun("timeout"), f"a cell ran past its time limit ({budget:.0f} s) and did "
                                    "not stop when interrupted, so its kernel was stopped") from None
            raise KernelStopped(CellRun("died"), "the kernel died (the code crashed the Python process or "
                                "exited it)") from None
        outcome = _reply_outcome(self.replies.pop(index, None))
        if time.monotonic() - now >= budget and outcome.ename == "KeyboardInterrupt":
            return CellRun("timeout", execution_count=outcome.execution_count)
        return outcome

    async def call(self, code: str, index: int, deadline: float) -> KernelCall:
        """Run grader-written code (a test's block, a fetch) as a cell of its own, and take what it handed over."""
        # Built directly: nbformat's new_code_cell validates each cell against the schema, a millisecond a block.
        cell = NotebookNode(cell_type="code", metadata=NotebookNode(), source=code, outputs=[], execution_count=None)
        self.client.exchange.pop(index, None)
        test_cell = self.client.nb.cells[index]
        try:
            # In the kernel's history like any cell: its own execution count keeps the names of traceback frames
            # ("Cell In[n]") apart from those of the notebook's cells.
            run = await self.execute(cell, index, deadline=deadline)
        finally:
            self.client.nb.cells[index] = test_cell  # nbclient puts the cell it ran in the notebook
        return KernelCall(run=run, bundle=self.client.exchange.pop(index, None), outputs=list(cell.outputs))


async def _run_test(kernel: _Kernel, interpreter: TrustedInterpreter, cell: NotebookNode, index: int) -> CellRun:
    """One test in the trusted interpreter, on a thread of its own: its blocks call back into this loop."""
    loop = asyncio.get_running_loop()
    now = time.monotonic()
    budget = kernel.budget(now)
    deadline = now + budget

    def in_kernel(code: str) -> KernelCall:
        return asyncio.run_coroutine_threadsafe(kernel.call(code, index, deadline), loop).result()

    done: asyncio.Future[Any] = loop.create_future()

    def work() -> None:
        try:
            result: Any = interpreter.run_test(cell.source, in_kernel,
                                               show_student_output=not cell_kinds.hidden_regions(cell.source))
        except BaseException as error:  # KernelStopped, or the loop closing under an abandoned test
            result = error
        if not loop.is_closed():
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(result))

    # A daemon thread, not the loop's executor: a test stuck in the grader's own code must not hold up the exit.
    threading.Thread(target=work, name="trusted-test", daemon=True).start()
    try:
        result = await asyncio.wait_for(done, timeout=budget + 2 * kernel.limits.interrupt_grace_s)
    except asyncio.TimeoutError:
        raise KernelStopped(CellRun("timeout"), f"a test ran past its time limit ({budget:.0f} s)") from None
    if isinstance(result, BaseException):
        raise result
    cell.outputs = result.outputs
    return result.run


async def _run(notebook: NotebookNode, limits: Limits, template: warm.Zygote | None, seed: int) -> NotebookRun:
    started = time.monotonic()
    cells: dict[int, CellRun] = {}
    stopped: str | None = None
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    for i in code_cells:
        notebook.cells[i].outputs = []
        notebook.cells[i].execution_count = None
    interpreter = TrustedInterpreter(imports=prelude(notebook), seed=seed)

    with Sandbox(limits, runtime_parent=template.runtime if template else None) as sandbox:
        km = SandboxedKernelManager(kernel_name="python3", transport="ipc")
        km.sandbox = sandbox
        if template is not None:
            km.kernel_id = uuid.uuid4().hex
            provisioner = warm.WarmProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
            provisioner.zygote, provisioner.sandbox = template, sandbox
            km.provisioner = provisioner
        km.ip = str(sandbox.runtime / "kernel")
        km.connection_file = str(sandbox.runtime / "kernel.json")
        # Signals would reach bubblewrap, not the kernel inside its PID namespace.
        km.kernel_spec.interrupt_mode = "message"
        client = CappedClient(
            notebook,
            km=km,
            timeout=int(limits.cell_timeout_s),
            startup_timeout=int(limits.startup_timeout_s),
            interrupt_on_timeout=True,
            allow_errors=True,
            record_timing=False,
            # The sandbox kills whatever is left; a graceful shutdown would only wait (0.1 s polls) for it.
            shutdown_kernel="immediate",
            cell_bytes=limits.cell_output_bytes,
            notebook_bytes=limits.notebook_output_bytes,
            # The most a student's code may hand the grader at once: as much as it may write to a file.
            exchange_bytes=limits.file_size_mb * MiB,
        )
        kernel = _Kernel(client, sandbox, limits, deadline=started + limits.notebook_timeout_s)
        try:
            # The kernel's own stdout/stderr are not the notebook's outputs; they go nowhere.
            async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                for index in code_cells:
                    cell = notebook.cells[index]
                    try:
                        if cell_kinds.is_test(cell):
                            cells[index] = await _run_test(kernel, interpreter, cell, index)
                        else:
                            cells[index] = await kernel.execute(cell, index)
                    except KernelStopped as stop:
                        if stop.run.status != "not_run":
                            cells[index] = stop.run
                        stopped = stop.reason
                        break
        except (RuntimeError, TimeoutError, DeadKernelError, warm.ForkFailed) as error:
            if not cells:
                stopped = f"the kernel could not start: {error}"
            # nbclient leaves its exit hook and signal handlers behind when a kernel fails to start.
            atexit.unregister(client._cleanup_kernel)
            for signum in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().remove_signal_handler(signum)
            if template is not None and not cells:
                # Nothing of the student's has run before a kernel is ready: a forked kernel that did not
                # start is the template's failure, and the caller starts this notebook again, cold.
                if isinstance(error, warm.ForkFailed):
                    raise
                raise warm.ForkFailed(f"the forked kernel did not start: {error}") from error
        finally:
            if client.kc is not None:
                # nbclient stops only the clients of kernel managers it made itself; left open, a client's
                # ZeroMQ context holds a dozen descriptors until the garbage collector finds it.
                client.kc.stop_channels()
            await _stop(km)

    for index in code_cells:
        cells.setdefault(index, CellRun("not_run"))
    return NotebookRun(notebook=notebook, cells=cells, stopped=stopped, duration_s=time.monotonic() - started)


async def _stop(km: AsyncKernelManager) -> None:
    """Shut the kernel down hard; the sandbox then kills whatever it left behind."""
    try:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
    except Exception:  # a kernel already gone is the goal, not an error
        pass
    try:
        await km.cleanup_resources()
    except Exception:
        pass
