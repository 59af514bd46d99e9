"""The template ("zygote") process: imports the heavy modules once, then forks one jailed kernel per submission.

It runs inside a bubblewrap jail like the cold kernel's (same read-only view, no
network, the unprivileged user, no capabilities) and never runs anything of a
student's: it only imports modules and forks. Each fork is a three-process chain:

    template ─fork─▶ waiter ─unshare, fork─▶ init (PID 1 of a new PID namespace) ─fork─▶ kernel (PID 2)

* The waiter connects to the grader's control socket, so the grader learns its
  host PID (SO_PEERCRED) and moves it into the submission's memory and pids
  cgroups; it waits for the grader's "go" before anything else, so every later
  process starts inside those cgroups. It then makes the new namespaces
  (`isolate.enter_namespaces`), forks init, waits for it and reports the exit
  status. Killing the waiter kills init (parent-death signal), and the death of
  a PID namespace's init kills everything in it.
* Init builds the private view (`isolate.private_view`), drops every capability,
  forks the kernel and reaps orphans, as bubblewrap's own init does for the
  cold kernel (and so the kernel is not PID 1, which ignores default signals).
* The kernel resets what a fork inherits (environment, working folder, signal
  handlers, random seeds of random, NumPy and torch) and starts ipykernel's
  IPKernelApp on its connection file; ZeroMQ contexts are created only there.
* Before it reports ready, the template reads the source lines of stack traces in kernels
  (`cache_source_lines`); between requests it draws one figure of its own, once (`draw_a_figure`), and
  moves its memory into huge pages (`HugePages`), so forks get cheaper.

This file is copied into the template's jail beside `isolate.py` and `kernel_shortcuts.py` (which each
forked kernel installs in its IPython shell) and run as a script with only the standard library and the
preloaded packages: it must not import the rest of the autograder. Protocol: one JSON object per line.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import linecache
import os
import random
import select
import shutil
import signal
import socket
import sys
import time
import traceback
from typing import Any, BinaryIO

try:
    from . import isolate, kernel_shortcuts
except ImportError:  # run as a script inside the jail, beside copies of isolate.py and kernel_shortcuts.py
    import isolate  # type: ignore[no-redef]
    import kernel_shortcuts  # type: ignore[no-redef]

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
HUGE_PAGE = 2 << 20
MADV_COLLAPSE = 25
COLLAPSE_STEP = 16 << 20  # what one idle moment backs with huge pages: tens of milliseconds
# The modules whose functions every cell of a kernel runs under (ipykernel's dispatch, IPython's run_cell,
# the event loop): the source lines a kernel's first stack trace reads (`cache_source_lines`).
CELL_STACK = ["asyncio.base_events", "asyncio.events", "tornado.platform.asyncio", "ipykernel.kernelapp",
              "ipykernel.kernelbase", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.core.interactiveshell",
              "IPython.core.async_helpers"]


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.sendall((json.dumps(message) + "\n").encode())


def receive(reader: BinaryIO) -> dict[str, Any] | None:
    line = reader.readline()
    return json.loads(line) if line else None


def preload(modules: list[str]) -> list[str]:
    """Import `modules`; return the ones that failed, with why (a missing optional package is not fatal)."""
    failed = []
    # ipykernel sets this before any of the student's code runs; matplotlib reads it once, at import.
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - reported to the grader, which decides
            failed.append(f"{name}: {type(error).__name__}: {error}")
    return failed


def seed_font_list(folder: str | None) -> None:
    """Copy matplotlib's list of the fonts, built once by the setup (`warm.FONT_LIST`), into this jail's
    matplotlib cache folder, before anything imports matplotlib.

    The jail's cache folder starts empty, so importing matplotlib otherwise lists the fonts again in every
    template: it opens each of some 80 font files (20 to 40 MB read from disk when they are not in the page
    cache) and takes about 0.1 s of CPU, while every kernel waits for the template. matplotlib checks the list's
    version and lists the fonts again itself when a font in it has gone.
    """
    cache = os.environ.get("MPLCONFIGDIR")
    if not folder or not cache or not os.path.isdir(folder):
        return
    os.makedirs(cache, exist_ok=True)
    for name in os.listdir(folder):
        if name.startswith("fontlist-") and name.endswith(".json"):
            shutil.copyfile(os.path.join(folder, name), os.path.join(cache, name))


def cache_source_lines() -> None:
    """Put in `linecache` the source lines that stack traces in a kernel read: those of this script (and its
    companions) and of the modules every cell runs under.

    torch formats the stack on every `torch.manual_seed` (three times, for its lazy seeding of CUDA and
    other devices), and warnings and tracebacks read lines too. This folder is out of the kernels' sight
    (each jail has its own /tmp), so each of those traces looked for this script's lines again, in vain,
    for each of its frames: about 0.2 ms a seed. Entries without a modification time are never checked
    against their file, as for source a module's loader gave; the others are checked and, their files
    being the same in the kernels, kept. A cold kernel reads the modules' lines when a cell imports torch
    (which formats the stack as it loads); a fork read them on its first seed, about 3 ms.
    """
    for path in (__file__, isolate.__file__, kernel_shortcuts.__file__):
        lines = linecache.getlines(path)
        if lines:
            linecache.cache[path] = (sum(map(len, lines)), None, lines, path)
    for name in CELL_STACK:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            linecache.getlines(path)


def anonymous_memory() -> list[tuple[int, int]]:
    """(start, length) pieces of this process's private anonymous memory, 2 MiB-aligned, COLLAPSE_STEP at most."""
    pieces = []
    with open("/proc/self/maps") as maps:
        for fields in (line.split() for line in maps):
            start, end = (int(address, 16) for address in fields[0].split("-"))
            private_writable = fields[1].startswith("rw") and fields[1][3] == "p"
            anonymous = len(fields) < 6 or fields[5] == "[heap]"
            first, last = -(-start // HUGE_PAGE) * HUGE_PAGE, end // HUGE_PAGE * HUGE_PAGE
            if private_writable and anonymous:
                pieces += [(at, min(COLLAPSE_STEP, last - at)) for at in range(first, last, COLLAPSE_STEP)]
    return pieces


class HugePages:
    """Backs the template's anonymous memory with 2 MiB pages, a piece at a time, while no fork is asked for.

    After the imports that memory is about 400 MB (torch's above all), and a fork copies a page-table
    entry for every page of it: in 4 KiB pages a fork and its exit cost about 20 ms of CPU, and each
    kernel is three forks. A fork copies one entry per huge page (about 5 ms in all), and a fork that
    writes to one still copies only 4 KiB of it. Nothing here marks the forks' own new memory for huge
    pages. Collapsing all of it takes the template about a second, spread over its idle moments.
    """

    def __init__(self) -> None:
        self.todo = anonymous_memory()
        self.madvise = ctypes.CDLL(None, use_errno=True).madvise
        self.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

    def step(self) -> None:
        # A piece that cannot be collapsed (no MADV_COLLAPSE before Linux 6.1, no free huge page) stays as it is.
        self.madvise(*self.todo.pop(), MADV_COLLAPSE)


def draw_a_figure() -> None:
    """Draw one small figure with text and encode it as a PNG, as a kernel's first figure does.

    Some of what matplotlib does on its first figure in a process, it does once: finding the font file for
    each size and style, building its text and marker helpers. Done here, forks that draw share it instead of
    each doing it again: for a fork drawing three figures like the course's, about 5 % of their CPU time and
    a thousand page faults. Open fonts are not shared: matplotlib empties its cache of them in each fork, as
    they cannot be used across one. A figure is drawn exactly as in a kernel that did not share this
    (tested against cold kernels); nothing of pyplot's is touched.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3))
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], label="a line")
    axes.scatter([0, 1], [1, 0], label="points")
    axes.set(title="a figure", xlabel="x", ylabel="y")
    axes.legend()
    FigureCanvasAgg(figure).print_png(io.BytesIO())


def warm_up_drawing() -> None:
    """`draw_a_figure`, then collect its garbage and freeze what it left, as after the imports."""
    try:
        draw_a_figure()
    except Exception:  # noqa: BLE001 - a first figure left to each kernel costs time, not correctness
        traceback.print_exc()
    gc.collect()
    gc.freeze()


def reset_signals() -> None:
    """Signal dispositions and mask as a fresh interpreter has them."""
    python_defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGPIPE: signal.SIG_IGN,
                       signal.SIGXFSZ: signal.SIG_IGN}
    for signum in signal.valid_signals():
        if signum in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(signum, python_defaults.get(signum, signal.SIG_DFL))
        except (OSError, ValueError):  # signals reserved by the C library
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def reseed() -> None:
    """Fresh random state, as each cold interpreter draws its own: nothing of the template's, or a sibling's."""
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.seed()


def run_kernel(request: dict[str, Any], config: dict[str, Any], environment: dict[str, str]) -> None:
    """PID 2: become a fresh-looking interpreter, then serve the kernel protocol until shut down."""
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(config["home"])
    reset_signals()
    reseed()
    script_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != script_dir]
    connection_file = request["connection_file"]
    options = tuple(config["kernel_options"])
    sys.argv = [config["launcher"], "-f", connection_file, *options]  # as a cold kernel's
    # The kernel's own stdout/stderr are not the notebook's outputs (the cold kernel's go to /dev/null).
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    # The shell channel read on the main thread, stdout and stderr that skip flushes with nothing to send,
    # and the kernel options as the template parsed them (`kernel_shortcuts`).
    app = kernel_shortcuts.MainThreadShellApp.instance(
        outstream_class=f"{kernel_shortcuts.__name__}.QuietFlushStream", connection_file=connection_file,
        config=kernel_shortcuts.options_config(options))
    app.initialize([])
    kernel_shortcuts.install(app.shell)
    app.start()


def run_init(request: dict[str, Any], config: dict[str, Any], environment: dict[str, str]) -> int:
    """PID 1 of the new namespace: private view, no capabilities, then the kernel; exit with its status."""
    isolate.die_with_parent()
    isolate.private_view(own_dir=request["dir"], runtime=config["runtime"], home=config["home"],
                         tmp_bytes=int(request["tmp_bytes"]), keep=tuple(config.get("keep", ())))
    isolate.loopback_up()
    isolate.set_rlimits(file_size_bytes=int(request["file_size_bytes"]))
    isolate.close_fds()
    isolate.drop_capabilities()
    kernel = os.fork()
    if kernel == 0:
        code = 0
        try:
            run_kernel(request, config, environment)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except BaseException:  # noqa: BLE001 - anything, then leave without running atexit handlers
            traceback.print_exc()
            code = 72
        os._exit(code)
    # Orphans of the kernel's children land here; the kernel's signals must not stop the reaping.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, signal.SIG_IGN)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 0
        if pid == kernel:
            return _exit_code(status)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


def run_waiter(request: dict[str, Any], config: dict[str, Any], environment: dict[str, str], template: int) -> int:
    """The fork's first process: be placed in cgroups by the grader, make the namespaces, wait for init."""
    isolate.die_with_parent()
    if os.getppid() != template:
        return 1
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    link.connect(config["control"])
    isolate.close_fds(keep=(link.fileno(),))  # the template's own connection above all
    send(link, {"hello": request["name"]})
    reader = link.makefile("rb")
    if (receive(reader) or {}).get("go") is not True:
        return 1
    isolate.enter_namespaces(int(config["uid"]), int(config["gid"]))
    init = os.fork()
    if init == 0:
        code = 71
        try:
            link.detach()  # closed with every other descriptor in run_init; never by this object
            code = run_init(request, config, environment)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
        os._exit(code)
    _, status = os.waitpid(init, 0)
    code = _exit_code(status)
    try:
        send(link, {"exit": code})
    except OSError:
        pass
    return code


def serve(control: socket.socket, config: dict[str, Any], environment: dict[str, str]) -> None:
    """Fork on each request until the grader closes the connection; between requests, draw a figure (once,
    where the kernels may draw) and collapse memory, a step at a time, each a few tens of milliseconds."""
    template = os.getpid()
    huge_pages = HugePages()
    drawing = "matplotlib.backends.backend_agg" in sys.modules  # the figure not drawn yet, where kernels may draw
    pending = b""
    while True:
        if b"\n" not in pending:
            if (drawing or huge_pages.todo) and not select.select([control], [], [], 0)[0]:
                if drawing:
                    warm_up_drawing()
                    drawing = False
                else:
                    huge_pages.step()
                continue
            received = control.recv(1 << 16)
            if not received:
                return
            pending += received
            continue
        line, pending = pending.split(b"\n", 1)
        request = json.loads(line)
        if request.get("op") != "fork":
            continue
        if os.fork() == 0:
            code = 70
            try:
                control.detach()  # closed by run_waiter with every other descriptor; never by this object
                code = run_waiter(request, config, environment, template)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            os._exit(code)


def collections_so_far() -> int:
    """How many times the garbage collector has run in this process, all generations together."""
    return sum(generation["collections"] for generation in gc.get_stats())


def main() -> None:
    config = json.loads(sys.argv[1])
    isolate.close_fds()
    control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    control.connect(config["control"])
    started = time.monotonic()
    # Without the collector while importing: its full passes walk every object imported so far, again and
    # again as torch's modules come in (a fifth of the imports' time).
    gc.disable()
    collections_before = collections_so_far()
    seed_font_list(config.get("font_list"))
    failed = preload(list(config["preload"]))
    collections = collections_so_far() - collections_before
    cache_source_lines()
    kernel_shortcuts.options_config(tuple(config["kernel_options"]))  # parsed here once, for every fork
    # Each kernel starts from this environment: the jail's, plus what the imports set (debugpy's
    # PYDEVD_USE_FRAME_EVAL, as in every cold kernel); ipykernel sets MPLBACKEND again itself.
    os.environ.pop("MPLBACKEND", None)
    environment = dict(os.environ)
    # Objects that exist now are never collected; freezing them keeps the forks from writing to
    # (and so copying) the template's pages when the collector walks them. The little garbage the imports
    # left (about 11 thousand objects, 8 MB) is frozen with the rest rather than collected first: a
    # collection walks all 400 thousand objects, about 0.2 s that every kernel of the batch would wait
    # for, to free memory the forks share and never copy.
    gc.freeze()
    gc.enable()  # the forks inherit the collector's state, and the students' code needs it
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the template's forks
    send(control, {"ready": True, "seconds": round(time.monotonic() - started, 3), "failed": failed,
                   "collections": collections,
                   "threads": len(os.listdir("/proc/self/task")),
                   "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd"))})
    serve(control, config, environment)


if __name__ == "__main__":
    main()
