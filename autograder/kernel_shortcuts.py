"""Eleven of ipykernel's costs on every cell, and two at its start, cut where they provably change nothing.

Before it runs a cell, ipykernel puts it through IPython's input transformer twice (once itself, once in
`run_cell`; the second time now gets the first's answer) and compiles it twice more to ask whether it
awaits at top level: about 0.75 ms for a cell of 500 characters, and in a small notebook's kernel about as
much CPU as the student's own code. It asks `inspect.signature` which parameters the shell's `run_cell`
takes, every cell. It then names the cell's code after a hash of it, computed in pure Python a character
at a time: 0.15 µs a character, and the grader's test blocks carry their inputs in their code (tens of
kilobytes a notebook). And it flushes stdout and stderr at least four times a cell, each time waiting on
its output thread, even when there is nothing to send (`QuietFlushStream`); and it sends each cell's code
back out on IOPub (`execute_input`), for other frontends watching the kernel, of which a graded kernel has
none, and announces that it is busy with each request, where the grader waits only for the end of one
("idle"); and it logs each message it handles, in records its log's handler drops. And it passes every
request and reply between two threads (`MainThreadShellApp`), and queues each reply for its event loop
to send (`ShellReplyStream`). It starts by listing every module loaded so
far, for a debugger no one starts in a graded kernel (`MainThreadShellKernel`), and by parsing its command
line with a parser of every option it has (`options_config`).
Forked kernels install these shortcuts (`zygote.py`, which runs inside the jail and imports nothing else
of the autograder); what a cell shows is the same either way, which the tests check against a cold
kernel's plain IPython.
"""

from __future__ import annotations

import ast
import functools
import logging
import re
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

import ipykernel.compiler
import ipykernel.ipkernel
import zmq
from IPython.core.inputtransformer2 import TransformerManager
from ipykernel.iostream import OutStream
from ipykernel.ipkernel import IPythonKernel
from ipykernel.kernelapp import IPKernelApp
from traitlets import Type
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader
from zmq.eventloop.zmqstream import ZMQStream, gen_log

DEFAULT_TOKEN_TRANSFORMERS = TransformerManager().token_transformers
MURMUR_M = 0x5BD1E995
WORD = 0xFFFFFFFF


class PythonFirstTransformer(TransformerManager):
    """IPython's input transformer, without its token pass on a cell that is valid Python as it stands.

    The token pass rewrites IPython's own syntax: `%magic`, `!command`, `a = %magic`, `a = !command`,
    `obj?`, and lines that start with `,`, `;` or `/` (autocall). None of these is valid Python, so on code
    that parses there is nothing for it to find; it tokenizes the cell in Python to find that out, which
    takes three times as long as parsing it. A cell that does not parse, or transformers that extensions
    changed, go through the whole pass as before.
    """

    last: tuple[str, tuple[list[Any], ...], str] | None = None

    def transform_cell(self, cell: str) -> str:
        """IPython's transform of `cell`; asked for the same cell again, with the same transformers, the
        answer it gave (ipykernel transforms each cell twice: to ask whether it awaits, then to run it).

        This pass depends on nothing but the text and the transformers (what depends on the shell's names
        comes after it, in `InteractiveShell.transform_cell`, and runs each time). An error is not kept.
        """
        transformers = (self.cleanup_transforms, self.line_transforms, self.token_transformers)
        if self.last is not None and self.last[0] == cell and self.last[1] == transformers:
            return self.last[2]
        result = super().transform_cell(cell)
        self.last = (cell, tuple(list(each) for each in transformers), result)
        return result

    def do_token_transforms(self, lines: list[str]) -> list[str]:
        if self.token_transformers == DEFAULT_TOKEN_TRANSFORMERS:
            try:
                with warnings.catch_warnings():  # the compiler warns when the cell runs, not twice
                    warnings.simplefilter("ignore")
                    ast.parse("".join(lines))
            except (SyntaxError, ValueError):  # a null byte is a ValueError before Python 3.11.4
                pass
            else:
                return lines
        return super().do_token_transforms(lines)


class QuietFlushStream(OutStream):
    """ipykernel's stdout and stderr, whose `flush` returns at once when there is nothing to send.

    ipykernel flushes both streams before each reply, after each request and before each display; every
    flush hands two tasks to the IOPub thread and waits for the second to run, which makes a third of a
    trivial cell's CPU in the kernel (3.3 against 2.3 ms). When nothing was written since the last flush
    and no flush is under way on the IOPub thread, all that was written has been queued for IOPub
    already, ahead of anything sent after this call: waiting adds nothing. `_sending` is held for the
    whole of each real flush (taking the buffers, queuing their messages) so that `flush` never sees the
    buffers taken but their messages not yet queued.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._sending = threading.Lock()
        super().__init__(*args, **kwargs)

    def flush(self) -> None:
        if self.echo is None and self._sending.acquire(blocking=False):
            try:
                with self._buffer_lock:
                    pending = bool(self._buffers)
            finally:
                self._sending.release()
            if not pending:
                return
        super().flush()

    def _flush(self) -> None:
        with self._sending:
            super()._flush()


class _NoShellChannelThread:
    """Where ipykernel keeps its shell-channel thread: false wherever it asks whether there is one, and naming
    the main thread as the one reading the shell channel (ipykernel 7.4's `do_execute` asks that of the thread
    for a cell with top-level `await`, and fails on the None that stands for no thread)."""

    @property
    def parent_thread(self) -> threading.Thread:
        return threading.main_thread()

    def __bool__(self) -> bool:
        return False


class _SysWithoutModules:
    """`sys` as ipykernel's kernel module sees it while a forked kernel is built: all of it, but no modules listed."""

    def __init__(self) -> None:
        self.modules: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(sys, name)


class MainThreadShellKernel(IPythonKernel):
    """ipykernel's IPython kernel as forked kernels run it: shell requests read on the main thread
    (`MainThreadShellApp`), no "busy" status before each request, and no list of the modules loaded
    before it for a debugger.

    `IPythonKernel.__init__` lists the file of every module loaded so far, for its debugger's "just my code"
    filter (the debugger skips those files). The grader never debugs a kernel, and in a fork of the template
    the list costs about 16 ms of CPU and 3,400 page copies a kernel: reading each of thousands of modules
    copies its page of the template's memory. While this kernel is built, ipykernel's kernel module sees no
    modules (only there: imports and everything else see `sys` as it is).
    """

    def __init__(self, **kwargs: Any) -> None:
        ipykernel.ipkernel.sys = _SysWithoutModules()  # type: ignore[assignment]
        try:
            super().__init__(**kwargs)
        finally:
            ipykernel.ipkernel.sys = sys

    @property
    def _supports_kernel_subshells(self) -> bool:
        return False

    def _publish_status(self, status: str, channel: str, parent: Any = None) -> None:
        # "busy" tells other frontends that a request has started; the grader, the kernel's one client, waits
        # only for "idle" (a request's output is complete), and nbclient reads "busy" only to time cells,
        # which the grader does not ask of it. One message fewer per cell, on both sides.
        if status != "busy":
            super()._publish_status(status, channel, parent)


class ShellReplyStream(ZMQStream):
    """The shell channel's stream in a forked kernel: it sends each reply at once, where ipykernel's queues it.

    A ZMQStream puts what it sends in a queue and has its event loop watch the socket until it can be
    written, and ipykernel flushes the stream after each request so that the reply leaves before the next
    request is read: queuing, watching, flushing and the event loop's bookkeeping are about a seventh of a
    trivial cell's CPU in the kernel. The shell socket is read and written on the main thread only
    (`MainThreadShellApp`), so nothing else can be sending on it, and a ROUTER socket's send never waits
    (it drops what it cannot deliver), so a reply sent at once leaves in the same order, without waiting.
    """

    def send_multipart(self, msg: Any, flags: int = 0, copy: bool = True, track: bool = False,
                       callback: Callable[..., Any] | None = None, **kwargs: Any) -> None:
        try:
            status = self.socket.send_multipart(msg, flags=flags, copy=copy, track=track, **kwargs)
        except zmq.ZMQError as error:  # logged, as the stream's own send does
            gen_log.error("SEND Error: %s", error)
            status = error
        callback = callback or self._send_callback
        if callback is not None:
            self._run_callback(callback, msg, status)

    def flush(self, flag: int = zmq.POLLIN | zmq.POLLOUT, limit: int | None = None) -> int:
        if flag == zmq.POLLOUT and not self.sending():
            return 0  # ipykernel's flush after each request: nothing is ever queued to send
        return int(super().flush(flag, limit))


class MainThreadShellApp(IPKernelApp):
    """ipykernel's kernel app, reading shell requests on the main thread as ipykernel 6 did.

    ipykernel 7 reads the shell channel on a thread of its own, for kernel subshells (code a frontend runs
    beside a busy cell, on threads of their own): that thread decodes each request's header and hands the
    request to the main thread over an in-process socket, and each reply comes back the same way. A
    trivial cell cost the kernel 1.8 ms of CPU that way, 1.4 ms without. The grader never asks for a
    subshell; without the thread, ipykernel serves the shell channel from the main thread's event loop,
    its code path for kernels with no shell-channel thread, and leaves "kernel subshells" out of the
    features its `kernel_info` lists. Interrupts and shutdowns come on the control channel, which keeps
    its thread. Replies, sent on the main thread too, go out at once (`ShellReplyStream`).
    """

    kernel_class = Type(MainThreadShellKernel, klass=IPythonKernel)

    def parse_command_line(self, argv: Any = None) -> None:
        # A forked kernel's command line is empty: its options come as config (`options_config`), its
        # connection file as a trait. traitlets would still build its parser of every option of every class.
        if argv is not None and len(argv) == 0:
            self.argv, self.extra_args = [], []
            return
        super().parse_command_line(argv)

    def init_sockets(self) -> None:
        super().init_sockets()
        unused, self.shell_channel_thread = self.shell_channel_thread, None
        unused.io_loop.close()  # never started: its event loop's descriptors are all it holds

    def init_kernel(self) -> None:
        super().init_kernel()
        self.kernel.shell_channel_thread = _NoShellChannelThread()
        # ipykernel made the shell stream a plain ZMQStream, already watching the socket in the event loop: it
        # becomes the kind that sends its replies at once, rather than a second stream on the same socket.
        self.kernel.shell_stream.__class__ = ShellReplyStream


@functools.cache
def options_config(options: tuple[str, ...]) -> Config:
    """Kernel options of the form `--Class.trait=value` (`sandbox.KERNEL_OPTIONS`) as the config a command
    line of them sets: each value a string its trait converts when its class reads the config, as traitlets
    leaves a command line's values.

    traitlets parses a kernel's command line with a parser it builds of every option of every class the
    kernel configures: about 10 ms of a fork's CPU, and a fork reaches its first cell 4 to 6 ms sooner
    without it (part of that work the kernel's start does anyway). Options that name their class need
    none of it; the template parses them once (the forks find them parsed) and passes each fork's kernel
    an empty command line (`MainThreadShellApp`).
    """
    for option in options:
        if not re.fullmatch(r"--\w+(\.\w+)+=.*", option, flags=re.DOTALL):
            raise ValueError(f"a forked kernel's options must each be --Class.trait=value, not {option!r}")
    return KVArgParseConfigLoader(list(options), aliases={}, flags={}).load_config()


def murmur2_x86(data: str, seed: int) -> int:
    """ipykernel's `compiler.murmur2_x86`, the same value four to five times as fast; needs NumPy.

    The hash names the file of a cell's code, which shows in warnings and `inspect`, so it must be the
    same. It mixes each 4-byte block of the UTF-8 bytes on its own (here all at once, with NumPy) and
    folds the blocks into the hash in order (in Python: one step each, not a byte at a time).
    """
    import numpy  # imported already where `install` takes this hash

    raw = data.encode("utf8")
    length = len(raw)
    h = seed ^ length
    end = length & ~3
    if end:
        blocks = numpy.frombuffer(raw, dtype="<u4", count=end // 4).astype(numpy.uint64)
        blocks = (blocks * MURMUR_M) & WORD  # under 2**63: exact in 64 bits
        blocks ^= blocks >> 24
        blocks = (blocks * MURMUR_M) & WORD
        for block in blocks.tolist():
            h = ((h * MURMUR_M) & WORD) ^ block
    tail = raw[end:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * MURMUR_M) & WORD
    h ^= h >> 13
    h = (h * MURMUR_M) & WORD
    return h ^ (h >> 15)


def remembering_accepted_parameters(accepts: Callable[[Any, list[str]], dict[str, bool]],
                                    ) -> Callable[[Any, list[str]], dict[str, bool]]:
    """ipykernel's `_accepts_parameters`, asked once per function: which of `names` a callable takes.

    ipykernel asks it of the shell's `run_cell` before every cell, through `inspect.signature` (about a
    twentieth of a trivial cell's CPU). The answer is kept for the function itself, so a `run_cell` put
    in its place (by an extension, or a student) is asked about again.
    """
    answers: dict[tuple[Any, tuple[str, ...]], dict[str, bool]] = {}

    def accepted_parameters(method: Any, names: list[str]) -> dict[str, bool]:
        key = (getattr(method, "__func__", method), tuple(names))
        try:
            answer = answers.get(key)
        except TypeError:  # a callable that cannot be a key: asked every time, as before
            return accepts(method, names)
        if answer is None:
            answer = answers[key] = accepts(method, names)
        return dict(answer)

    return accepted_parameters


def install(shell: Any) -> None:
    """Give `shell` (a kernel's InteractiveShell) the shortcuts, keeping any transformers it has.

    The faster hash only where NumPy is imported already: importing it for this would cost more than it saves.
    """
    if "numpy" in sys.modules:
        ipykernel.compiler.murmur2_x86 = murmur2_x86
    plain = shell.input_transformer_manager
    shortcut = PythonFirstTransformer()
    shortcut.cleanup_transforms = plain.cleanup_transforms
    shortcut.line_transforms = plain.line_transforms
    shortcut.token_transformers = plain.token_transformers
    shell.input_transformer_manager = shortcut

    full_check = shell.should_run_async

    def should_run_async(raw_cell: str, *, transformed_cell: str | None = None,
                         preprocessing_exc_tuple: Any = None) -> bool:
        # Only `await`, `async for`, `async with` and async comprehensions make top-level code a coroutine,
        # and each has one of these words in it.
        if transformed_cell is not None and "await" not in transformed_cell and "async" not in transformed_cell:
            return False
        return bool(full_check(raw_cell, transformed_cell=transformed_cell,
                               preprocessing_exc_tuple=preprocessing_exc_tuple))

    shell.should_run_async = should_run_async

    kernel = getattr(shell, "kernel", None)
    if kernel is not None:
        # `execute_input` shows other frontends what the kernel runs; the grader, its one client, never reads it.
        # Each one echoes a cell's whole code (a test block carries its inputs: tens of kilobytes a submission)
        # through JSON, signing and the output thread here, and the grader's parsing there.
        kernel._publish_execute_input = lambda code, parent, execution_count: None
        # ipykernel logs every message it handles at DEBUG; traitlets leaves its logger at DEBUG and has the
        # handler drop what is under its own level (WARNING), so each of those records was built for nothing.
        log = getattr(kernel, "log", None)
        if isinstance(log, logging.Logger) and log.handlers and not log.propagate:
            log.setLevel(max(log.level, min(handler.level for handler in log.handlers)))
    accepts = getattr(ipykernel.ipkernel, "_accepts_parameters", None)
    if accepts is not None and not hasattr(accepts, "__wrapped__"):
        ipykernel.ipkernel._accepts_parameters = functools.update_wrapper(  # type: ignore[attr-defined]
            remembering_accepted_parameters(accepts), accepts)
