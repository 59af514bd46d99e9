"""Step 3, run: execute a restored notebook in a fresh sandboxed kernel, cell by cell.

Each cell gets the remaining share of the notebook's time. A cell past its limit
is interrupted; one that ignores the interrupt is killed with its kernel. A kernel
that dies (a crash, the memory limit) ends the run; the cells already executed
keep their replies, the rest are marked as not run, and the caller judges them.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import Type
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output

from . import warm
from .errors import UsageError
from .sandbox import Sandbox
from .settings import Limits

STARTS = ("warm", "cold")

CellStatus = Literal["ok", "error", "timeout", "died", "not_run"]


@dataclass
class CellRun:
    """What happened to one code cell."""

    status: CellStatus
    ename: str = ""
    evalue: str = ""
    traceback: list[str] = field(default_factory=list)
    execution_count: int | None = None


@dataclass
class NotebookRun:
    """The executed notebook (outputs capped) and each code cell's outcome, by cell index."""

    notebook: NotebookNode
    cells: dict[int, CellRun]
    stopped: str | None  # why the run ended before the last cell, for people
    duration_s: float


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
        command = super().format_kernel_cmd(extra_arguments)
        assert self.sandbox is not None, "set .sandbox before starting the kernel"
        return self.sandbox.wrap(command)

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        assert self.sandbox is not None
        self.sandbox.hand_over(self.connection_file)


class CappedClient(NotebookClient):
    """nbclient, keeping at most a set number of output bytes per cell and per notebook."""

    def __init__(self, *args: Any, cell_bytes: int, notebook_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cell_bytes = cell_bytes
        self.notebook_bytes = notebook_bytes
        self.notebook_used = 0
        self.cell_used: dict[int, int] = {}
        self.truncated: set[int] = set()

    def output(self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int):  # type: ignore[override]
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


async def run_notebook(notebook: NotebookNode, *, limits: Limits) -> NotebookRun:
    """Execute every code cell of `notebook` (modified in place) in a new sandboxed kernel.

    With `limits.start == "warm"` the kernel is forked from this process's template (`warm`), which
    has the heavy modules imported; where no template can run, or it fails to deliver a kernel before
    any cell ran, the kernel starts cold.
    """
    if limits.start not in STARTS:
        raise UsageError(f"the start limit must be one of {', '.join(STARTS)}, not {limits.start!r}")
    if limits.start == "warm":
        template = warm.template_for(limits)
        if template is not None:
            try:
                return await _run(notebook, limits, template)
            except warm.ForkFailed:
                warm.discard(template)
    return await _run(notebook, limits, None)


async def _run(notebook: NotebookNode, limits: Limits, template: warm.Zygote | None) -> NotebookRun:
    started = time.monotonic()
    cells: dict[int, CellRun] = {}
    stopped: str | None = None
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    for i in code_cells:
        notebook.cells[i].outputs = []
        notebook.cells[i].execution_count = None

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
            allow_stdin=False,
            record_timing=False,
            # The sandbox kills whatever is left; a graceful shutdown would only wait (0.1 s polls) for it.
            shutdown_kernel="immediate",
            cell_bytes=limits.cell_output_bytes,
            notebook_bytes=limits.notebook_output_bytes,
        )
        replies: dict[int, dict[str, Any]] = {}

        def keep_reply(cell: NotebookNode, cell_index: int, execute_reply: dict[str, Any]) -> None:
            replies[cell_index] = execute_reply

        client.on_cell_executed = keep_reply
        deadline = started + limits.notebook_timeout_s
        try:
            # The kernel's own stdout/stderr are not the notebook's outputs; they go nowhere.
            async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                for index in code_cells:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        stopped = f"the notebook ran out of time ({limits.notebook_timeout_s:g} s in all)"
                        break
                    budget = min(limits.cell_timeout_s, remaining)
                    client.timeout = max(1, int(budget))
                    cell_started = time.monotonic()
                    try:
                        await asyncio.wait_for(
                            client.async_execute_cell(notebook.cells[index], index),
                            timeout=budget + limits.interrupt_grace_s,
                        )
                    except asyncio.TimeoutError:
                        cells[index] = CellRun("timeout")
                        stopped = (
                            f"a cell ran past its time limit ({budget:.0f} s) and ignored the interrupt, "
                            "so its kernel was stopped"
                        )
                        break
                    except DeadKernelError:
                        if sandbox.oom_killed():
                            cells[index] = CellRun("died")
                            stopped = f"the kernel died: it used more than the memory limit ({limits.memory_mb} MiB)"
                        elif time.monotonic() - cell_started >= budget:
                            # A kernel too busy to answer its heartbeat after the interrupt.
                            cells[index] = CellRun("timeout")
                            stopped = (
                                f"a cell ran past its time limit ({budget:.0f} s) and did not stop when "
                                "interrupted, so its kernel was stopped"
                            )
                        else:
                            cells[index] = CellRun("died")
                            stopped = "the kernel died (the code crashed the Python process or exited it)"
                        break
                    outcome = _reply_outcome(replies.get(index))
                    timed_out = time.monotonic() - cell_started >= budget and outcome.ename == "KeyboardInterrupt"
                    cells[index] = CellRun("timeout", execution_count=outcome.execution_count) if timed_out else outcome
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
