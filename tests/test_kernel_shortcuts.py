"""The forked kernels' shortcuts through IPython's per-cell passes give what IPython's own passes give.

Here against IPython's transformer in this process; test_warm.py runs the same cells in a forked and a
cold kernel and compares what they show.
"""

from __future__ import annotations

import json
import logging
import random
import sys
from collections.abc import Callable, Iterator
from typing import Any

import ipykernel.compiler
import ipykernel.ipkernel
import numpy
import pytest
import zmq
from IPython.core.history import HistoryManager
from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.interactiveshell import InteractiveShell
from ipykernel.kernelapp import IPKernelApp
from ipykernel.kernelbase import Kernel
from matplotlib_inline.config import InlineBackend
from traitlets.config.loader import DeferredConfig
from ipykernel.iostream import IOPubThread, OutStream
from jupyter_client.session import Session
from zmq.eventloop.zmqstream import ZMQStream

from autograder import kernel_shortcuts
from autograder.kernel_shortcuts import PythonFirstTransformer, QuietFlushStream, ShellReplyStream

# Cells in IPython's own syntax, cells of Python that holds its escape characters, and cells that
# neither IPython nor Python can read.
CELLS = [
    "x = 6\nprint(x % 4, x != 5, f'{x!r}', '%d%%' % x, 'why?')\n",
    "here = %pwd\nprint(here)",
    "lines = !echo from a shell\nprint(lines)",
    "%xmode Plain",
    "%%capture captured\nprint('hidden')",
    ",print a b",
    ";print a b",
    "/print 1, 2",
    "len?",
    "x = [1,\n     2]\nlen??",
    "\n\n    y = 1\n    print(y + 1)",
    ">>> z = 3\n>>> print(z)",
    "In [1]: print('prompt')",
    "if True:\n        a = 1\n    b = 2",
    "print('''\n%not a magic\n!nor a command\n''')",
    "total = (1\n         / 2)\nprint(total)",
    "import asyncio\nawait asyncio.sleep(0)\nprint('awaited')",
    "async_value = 'no coroutine'\nprint(async_value)",
    "def broken(:\n    pass",
    "print('unterminated",
    "a = 1\0",
]


def transformed(manager: TransformerManager, cell: str) -> tuple[str, str]:
    try:
        return "ok", manager.transform_cell(cell)
    except Exception as error:  # noqa: BLE001 - the kernel shows the error; both must raise the same one
        return type(error).__name__, str(error)


@pytest.mark.parametrize("cell", CELLS)
def test_each_cell_comes_out_as_ipython_transforms_it(cell: str) -> None:
    assert transformed(PythonFirstTransformer(), cell) == transformed(TransformerManager(), cell)


def test_valid_python_skips_the_token_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    def token_pass(self: TransformerManager, lines: list[str]) -> list[str]:
        raise AssertionError("the token pass ran on valid Python")

    monkeypatch.setattr(TransformerManager, "do_token_transforms", token_pass)
    assert PythonFirstTransformer().transform_cell("x = 6\nprint(x % 4, x != 5)") == "x = 6\nprint(x % 4, x != 5)\n"
    with pytest.raises(AssertionError, match="token pass ran"):
        PythonFirstTransformer().transform_cell("x = %pwd")


def test_transformers_an_extension_added_are_kept_and_run() -> None:
    looked_at: list[str] = []

    class Watcher:  # a token transformer that finds nothing, and notes each cell it was shown
        @classmethod
        def find(cls, tokens_by_line: list) -> None:
            looked_at.append("".join(token.string for line in tokens_by_line for token in line))

    manager = PythonFirstTransformer()
    manager.token_transformers = [*manager.token_transformers, Watcher]
    manager.cleanup_transforms = [*manager.cleanup_transforms, lambda lines: [line.upper() for line in lines]]
    assert manager.transform_cell("print('quiet')") == "PRINT('QUIET')\n"
    assert looked_at == ["PRINT('QUIET')\n"]


def test_a_cell_asked_for_again_is_answered_without_a_second_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    passes: list[str] = []
    plain_pass = TransformerManager.transform_cell

    def counted_pass(self: TransformerManager, cell: str) -> str:
        passes.append(cell)
        return plain_pass(self, cell)

    monkeypatch.setattr(TransformerManager, "transform_cell", counted_pass)
    manager = PythonFirstTransformer()
    assert manager.transform_cell("x = %pwd") == manager.transform_cell("x = %pwd") == plain_pass(manager, "x = %pwd")
    assert passes == ["x = %pwd"]
    manager.cleanup_transforms.append(lambda lines: [line.upper() for line in lines])  # changed in place
    assert manager.transform_cell("x = %pwd") == "X = get_ipython().run_line_magic('PWD', '')\n"
    assert passes == ["x = %pwd", "x = %pwd"]


def test_one_manager_gives_each_cell_what_ipython_gives_it_in_any_order() -> None:
    manager = PythonFirstTransformer()
    order = [*CELLS, *reversed(CELLS), *(cell for cell in CELLS for _ in range(2))]
    assert [transformed(manager, cell) for cell in order] == [transformed(TransformerManager(), cell) for cell in order]


def random_texts() -> list[str]:
    """Texts of every length up to 40 characters and some long ones, of 1- to 4-byte UTF-8 characters."""
    rng = random.Random(2202)
    alphabets = [(32, 127), (160, 0x7FF), (0x800, 0xD7FF), (0x10000, 0x10FFFF)]
    texts = [""]
    for length in [*range(1, 41), 543, 544, 4097, 20000]:
        for alphabet in ([alphabets[0]], alphabets):
            texts.append("".join(chr(rng.randrange(*rng.choice(alphabet))) for _ in range(length)))
    return texts


@pytest.mark.parametrize("seed", [ipykernel.compiler.get_tmp_hash_seed(), 0, 0xFFFFFFFF])
def test_the_cell_hash_is_ipykernels(seed: int) -> None:
    texts = random_texts()
    assert {len(text.encode()) % 4 for text in texts} == {0, 1, 2, 3}
    for text in texts:
        assert kernel_shortcuts.murmur2_x86(text, seed) == ipykernel.compiler.murmur2_x86(text, seed), text


def stand_in_shell(**attributes: Any) -> Any:
    """What `install` reads of a kernel's InteractiveShell, and `attributes`."""
    return type("Shell", (), {"input_transformer_manager": TransformerManager(), "should_run_async": None,
                              **attributes})()


def test_install_takes_the_faster_hash_only_where_numpy_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    original = ipykernel.compiler.murmur2_x86
    monkeypatch.setattr(ipykernel.compiler, "murmur2_x86", original)  # put back after the test
    monkeypatch.delitem(sys.modules, "numpy")
    kernel_shortcuts.install(stand_in_shell())
    assert ipykernel.compiler.murmur2_x86 is original
    monkeypatch.setitem(sys.modules, "numpy", numpy)
    kernel_shortcuts.install(stand_in_shell())
    assert ipykernel.compiler.murmur2_x86 is kernel_shortcuts.murmur2_x86
    seed = ipykernel.compiler.get_tmp_hash_seed()
    assert ipykernel.compiler.get_file_name("x = 1").endswith(f"{original('x = 1', seed)}.py")


@pytest.fixture(autouse=True)
def ipykernel_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `install` replaces in ipykernel's modules, as it was before each test."""
    monkeypatch.setattr(ipykernel.compiler, "murmur2_x86", ipykernel.compiler.murmur2_x86)
    monkeypatch.setattr(ipykernel.ipkernel, "_accepts_parameters", ipykernel.ipkernel._accepts_parameters)


def test_install_has_the_kernel_log_build_only_what_its_handlers_write() -> None:
    log = logging.getLogger("katas-test-kernel")
    log.propagate = False
    written: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: written.append(record.getMessage())  # type: ignore[method-assign]
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)  # as traitlets leaves an application's log
    kernel = type("Kernel", (), {"log": log, "_publish_execute_input": None})()
    kernel_shortcuts.install(stand_in_shell(kernel=kernel))
    assert not log.isEnabledFor(logging.DEBUG)
    log.debug("handled a message")
    log.warning("a warning")
    assert written == ["a warning"]
    handler.setLevel(logging.DEBUG)  # a handler that writes DEBUG keeps it coming
    log.setLevel(logging.DEBUG)
    kernel_shortcuts.install(stand_in_shell(kernel=kernel))
    assert log.isEnabledFor(logging.DEBUG)


def test_install_asks_each_run_cell_once_which_parameters_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    plain = ipykernel.ipkernel._accepts_parameters

    def counted(method: Any, names: list[str]) -> dict[str, bool]:
        asked.append(method)
        return plain(method, names)

    monkeypatch.setattr(ipykernel.ipkernel, "_accepts_parameters", counted)
    kernel_shortcuts.install(stand_in_shell())
    accepts = ipykernel.ipkernel._accepts_parameters

    class Shell:
        async def run_cell_async(self, raw_cell: str, *, cell_id: str | None = None) -> None: ...

    shell, other = Shell(), Shell()
    names = ["cell_id", "cell_meta"]
    for _ in range(3):
        assert accepts(shell.run_cell_async, names) == {"cell_id": True, "cell_meta": False}
    assert accepts(other.run_cell_async, names) == {"cell_id": True, "cell_meta": False}
    assert len(asked) == 1  # the same function, whichever shell it is bound to

    async def anything(raw_cell: str, **options: Any) -> None: ...

    shell.run_cell_async = anything  # type: ignore[method-assign]  # replaced: asked again
    assert accepts(shell.run_cell_async, names) == plain(anything, names) == {"cell_id": True, "cell_meta": True}
    assert len(asked) == 2
    kernel_shortcuts.install(stand_in_shell())  # installed twice: wrapped once
    assert ipykernel.ipkernel._accepts_parameters is accepts


def test_forked_kernels_announce_the_end_of_each_request_not_its_start() -> None:
    sent: list[list[bytes]] = []

    class Socket:  # where the kernel publishes
        def send_multipart(self, parts: list[bytes], *args: Any, **kwargs: Any) -> None:
            sent.append(parts)

    kernel = kernel_shortcuts.MainThreadShellKernel.__new__(kernel_shortcuts.MainThreadShellKernel)
    kernel.session, kernel.iopub_socket = Session(), Socket()
    for status in ("starting", "busy", "idle"):
        kernel._publish_status(status, "shell", parent={"header": {"msg_id": "a request"}})
    assert [json.loads(parts[-1]) for parts in sent] == [{"execution_state": "starting"}, {"execution_state": "idle"}]


@pytest.fixture
def shell_sockets() -> Iterator[tuple[zmq.Socket, zmq.Socket]]:
    """A kernel's shell socket (ROUTER) and a client's (DEALER), connected, the client known to the kernel's."""
    context = zmq.Context()
    kernel_side, client_side = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
    kernel_side.bind("inproc://katas-shell")
    client_side.connect("inproc://katas-shell")
    client_side.send(b"a request")
    try:
        yield kernel_side, client_side
    finally:
        kernel_side.close(linger=0)
        client_side.close(linger=0)
        context.term()


@pytest.mark.parametrize("stream_class", [ZMQStream, ShellReplyStream])
def test_a_forked_kernels_reply_leaves_when_sent(stream_class: type[ZMQStream],
                                                  shell_sockets: tuple[zmq.Socket, zmq.Socket]) -> None:
    kernel_side, client_side = shell_sockets
    assert kernel_side.poll(5000), "the request should reach the kernel's socket"
    sender, _ = kernel_side.recv_multipart()
    stream = stream_class(kernel_side)  # on an event loop that never runs here
    sent: list[tuple[list[bytes], Any]] = []
    try:
        stream.send_multipart([sender, b"the reply"], callback=lambda msg, status: sent.append((msg, status)))
        if stream_class is ZMQStream:
            # ipykernel's stream keeps the reply until its event loop, or the flush after each request, sends it.
            assert not client_side.poll(200)
            stream.flush(zmq.POLLOUT)
        assert client_side.poll(5000), "the reply should have left"
        assert client_side.recv_multipart() == [b"the reply"]
        assert sent == [([sender, b"the reply"], None)]
        assert stream.flush(zmq.POLLOUT) == 0 and not stream.sending()
    finally:
        stream.close(linger=0)


def resolved(value: Any, trait: Any) -> Any:
    """A config value as the class it configures takes it (traitlets leaves some as strings until then)."""
    return value.get_value(trait) if isinstance(value, DeferredConfig) else value


@pytest.mark.filterwarnings("ignore:--print_figure_kwargs=:DeprecationWarning")  # a cold kernel's command line
def test_kernel_options_come_out_as_the_config_traitlets_makes_of_them_on_a_command_line() -> None:
    options = ("--InteractiveShell.xmode=Plain", "--Kernel._execute_sleep=0", "--HistoryManager.enabled=False",
               "--InlineBackend.print_figure_kwargs={'bbox_inches': None, 'dpi': 72}", "--Session.packer=json")
    config = kernel_shortcuts.options_config(options)
    assert kernel_shortcuts.options_config(options) is config  # parsed once, in the template
    command_line = IPKernelApp()  # an application of its own: not the process's
    command_line.parse_command_line(["-f", "kernel.json", *options])
    for section, values in config.items():
        for name, value in values.items():
            trait = {"InteractiveShell": InteractiveShell, "Kernel": Kernel, "HistoryManager": HistoryManager,
                     "InlineBackend": InlineBackend, "Session": Session}[section].class_traits()[name]
            assert resolved(value, trait) == resolved(command_line.cli_config[section][name], trait), (section, name)
    with pytest.raises(ValueError, match="--Class.trait=value"):
        kernel_shortcuts.options_config(("--debug",))


def test_an_empty_command_line_builds_no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parser(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a parser was built")

    app = kernel_shortcuts.MainThreadShellApp(config=kernel_shortcuts.options_config(("--Kernel._execute_sleep=0",)))
    monkeypatch.setattr(type(app), "_create_loader", no_parser)
    app.parse_command_line([])
    assert resolved(app.config.Kernel._execute_sleep, Kernel.class_traits()["_execute_sleep"]) == 0
    with pytest.raises(AssertionError, match="a parser was built"):
        app.parse_command_line(["--Kernel._execute_sleep=1"])


@pytest.fixture
def output_thread() -> Iterator[IOPubThread]:
    """ipykernel's IOPub thread, publishing on a socket no one reads."""
    context = zmq.Context()
    socket = context.socket(zmq.PUB)
    socket.bind("inproc://katas-iopub")
    thread = IOPubThread(socket)
    thread.start()
    try:
        yield thread
    finally:
        thread.stop()
        thread.close()
        context.term()


def handed_to(thread: IOPubThread, action: Callable[[], object]) -> int:
    """How many tasks `action` hands to the IOPub thread."""
    handed: list[object] = []
    schedule = thread.schedule
    thread.schedule = lambda task: (handed.append(task), schedule(task))[1]  # type: ignore[method-assign]
    try:
        action()
    finally:
        thread.schedule = schedule  # type: ignore[method-assign]
    return len(handed)


@pytest.mark.parametrize("stream_class", [OutStream, QuietFlushStream])
def test_a_flush_sends_what_was_written_before_it_returns(stream_class: type[OutStream],
                                                          output_thread: IOPubThread) -> None:
    sent: list[str] = []

    class Recording(Session):
        def send(self, stream: object, message: dict, *args: object, **kwargs: object) -> dict:  # type: ignore[override]
            sent.append(message["content"]["text"])
            return super().send(stream, message, *args, **kwargs)

    stream = stream_class(Recording(), output_thread, "stdout", watchfd=False)
    for text in ["one\n", "two", " and three\n"]:
        stream.write(text)
        stream.flush()
        assert "".join(sent).endswith(text)
    assert "".join(sent) == "one\ntwo and three\n"


def test_a_flush_with_nothing_to_send_does_not_wait_on_the_output_thread(output_thread: IOPubThread) -> None:
    plain = OutStream(Session(), output_thread, "stdout", watchfd=False)
    quiet = QuietFlushStream(Session(), output_thread, "stdout", watchfd=False)
    assert handed_to(output_thread, plain.flush) == 2  # its flush, then the event it waits for
    assert handed_to(output_thread, quiet.flush) == 0
    quiet.write("text")
    assert handed_to(output_thread, quiet.flush) == 3  # its flush, the message, the event
    assert handed_to(output_thread, quiet.flush) == 0


def test_install_stops_the_kernel_echoing_each_cells_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipykernel.compiler, "murmur2_x86", ipykernel.compiler.murmur2_x86)  # put back after the test
    sent: list[str] = []

    class Kernel:
        def _publish_execute_input(self, code: str, parent: dict, execution_count: int) -> None:
            sent.append(code)

    kernel = Kernel()
    kernel._publish_execute_input("before", {}, 1)
    kernel_shortcuts.install(stand_in_shell(kernel=kernel))
    kernel._publish_execute_input("after", {}, 2)
    assert sent == ["before"]
