"""Warm kernel starts: a template process per grading process, forked into a fresh jailed kernel per submission.

Starting a kernel and importing torch (and torch._dynamo, which the first
optimizer pulls in), NumPy, matplotlib and scikit-learn is most of the time a
small notebook takes. The template (`zygote.py`) pays that once, inside a jail
like the cold kernel's; each submission's kernel is a copy-on-write fork of it
that isolates itself (`isolate.py`) before it runs anything of the student's.
Nothing of one submission reaches the next: every kernel is forked from the
template, which never runs a student's code.

The grader's side, here: start the template's jail, mount the proc "licence"
that lets each fork mount its own /proc, and per submission ask for a fork,
learn its host PID from the control socket (SO_PEERCRED), move it into the
submission's cgroups, and only then tell it to go on. `ForkedKernel` stands in
for the `Popen` that jupyter_client's `LocalProvisioner` would hold, so the
kernel manager's polling, waiting and hard kills work as for a cold kernel.

Warm starts need root (cgroups, the licence mount) and Linux 5.3+ (pidfd).
Where the template cannot start, grading falls back to cold starts.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from . import preload
from .errors import AutograderError
from .sandbox import (
    HOME, KERNEL_OPTIONS, NOBODY, Cgroups, Sandbox, _is_root, jail_command, kernel_environment, readonly_paths,
)
from .settings import MiB, Limits

HERE = Path(__file__).parent
# What runs inside the template's jail: the template itself and the two modules it imports, beside it.
JAIL_SCRIPTS = ("zygote.py", "isolate.py", "kernel_shortcuts.py")
LICENCE = "licence"  # the uncovered proc of the template's namespace, in its runtime folder
SOCKET_POLL_S = 0.002  # how often a forked kernel's sockets are looked for while it starts
# matplotlib's list of the fonts, built by the setup (scripts/setup.sh, `build_font_list`): the template starts
# from it rather than listing the fonts again (`zygote.seed_font_list`). The environment is bound into every jail.
FONT_LIST = Path(sys.prefix) / "share" / "pytorch-katas" / "matplotlib"


class WarmStartUnavailable(AutograderError):
    """The template could not start here; kernels start cold."""


class ForkFailed(AutograderError):
    """The template did not deliver a kernel for this submission; it starts cold instead."""


def build_font_list() -> Path:
    """Build matplotlib's list of the fonts into `FONT_LIST` (the setup runs this once), as a jail would: in a
    process of its own, with that folder as its matplotlib cache. Returns the folder."""
    FONT_LIST.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                   env={**os.environ, "MPLCONFIGDIR": str(FONT_LIST)})
    return FONT_LIST


def preload_modules() -> list[str]:
    """What a template imports when nobody said which notebooks it serves: all the course may use."""
    return preload.everything()


def _peer_pid(conn: socket.socket) -> int:
    """The connecting process's PID in the grader's PID namespace (the kernel translates it)."""
    pid, _uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return pid


def _exited(pidfd: int, timeout: float = 0) -> bool:
    """Whether the process behind `pidfd` has exited, waiting up to `timeout` seconds for it.

    poll(2), not select(2): select fails on descriptor numbers above 1023, which a grader running
    many kernels at once can reach.
    """
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    return bool(poller.poll(max(0.0, timeout) * 1000))


def _receive(conn: socket.socket, deadline: float) -> dict[str, Any] | None:
    """One JSON line from `conn` before `deadline`; None at end of stream."""
    data = b""
    while not data.endswith(b"\n"):
        conn.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


class ForkedKernel:
    """A kernel forked by the template, managed like the `Popen` of a cold one (the grader is not its parent).

    `pid` is the waiter's host PID: killing it kills the kernel's whole PID namespace. A pidfd keeps
    that PID from being confused with a reused one.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, link: socket.socket) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)
        self._link = link

    def poll(self) -> int | None:
        if self.returncode is None and _exited(self._pidfd):
            self.returncode = self._exit_status()
            self._close()
        return self.returncode

    def _exit_status(self) -> int:
        """The kernel's exit code as the waiter reported it; -SIGKILL when it was killed before reporting."""
        try:
            message = _receive(self._link, time.monotonic() + 0.2)
        except (OSError, ValueError):
            message = None
        code = (message or {}).get("exit")
        if not isinstance(code, int):
            return -signal.SIGKILL
        return 128 - code if code > 128 else code

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            remaining = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if remaining <= 0:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            _exited(self._pidfd, remaining)
        return code

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self._pidfd, signum)
            except ProcessLookupError:
                return
            if signum == signal.SIGKILL:
                # jupyter_client then polls every 0.1 s until the process is gone; it is, within a few ms.
                _exited(self._pidfd, 0.05)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close(self) -> None:
        os.close(self._pidfd)
        self._link.close()


class Zygote:
    """One running template: its jail process, its runtime folder, and the control connection to it."""

    def __init__(self, limits: Limits, modules: list[str] | None = None) -> None:
        """A template for kernels like `limits`', importing `modules` (by default `preload_modules()`)."""
        if not _is_root() or not Cgroups.available():
            raise WarmStartUnavailable("warm starts need root and cgroup v1 memory and pids controllers")
        if not hasattr(os, "pidfd_open") or shutil.which("nsenter") is None:
            raise WarmStartUnavailable("warm starts need pidfd_open (Linux 5.3+) and nsenter")
        self.limits = limits
        self.modules = preload_modules() if modules is None else modules
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.runs = 0  # notebook runs holding this template (`lease`): their kernels are its forks
        # Bound read-write into the template's jail; each fork hides all of it but its own kernel's folder.
        self.runtime = Path(tempfile.mkdtemp(prefix="katas-template-"))
        self.log = tempfile.TemporaryFile(prefix="katas-template-log-")
        self.process: subprocess.Popen[bytes] | None = None
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        runtime = self.runtime
        os.chmod(runtime, 0o755)
        scripts = runtime / "bin"
        scripts.mkdir(mode=0o755)
        for script in JAIL_SCRIPTS:
            shutil.copyfile(HERE / script, scripts / script)
        (runtime / LICENCE).mkdir(mode=0o755)
        self.control_path = runtime / "control.sock"
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(self.control_path))
        os.chmod(self.control_path, 0o666)
        self.server.listen(16)
        config = {
            "control": str(self.control_path), "runtime": str(runtime), "home": HOME,
            "uid": NOBODY, "gid": NOBODY, "preload": self.modules,
            # The forks cover /tmp and home with fresh tmpfs; what the jail binds below them must come back.
            "keep": [str(p) for p in readonly_paths() if Path("/tmp") in p.parents or Path(HOME) in p.parents],
            "launcher": str(Path(importlib.import_module("ipykernel_launcher").__file__ or "ipykernel_launcher.py")),
            "kernel_options": KERNEL_OPTIONS,
            "font_list": str(FONT_LIST),
        }
        command = jail_command(self.limits, writable=runtime) + [
            sys.executable, str(scripts / "zygote.py"), json.dumps(config),
        ]
        self.process = self._spawn(command)
        deadline = time.monotonic() + self.limits.startup_timeout_s
        self.control = self._accept(deadline)
        self.host_pid = _peer_pid(self.control)
        # bubblewrap covers parts of its /proc, and a user namespace may mount a new proc only where an
        # uncovered one is already visible: mount one of the template's own PID namespace, for its forks.
        licence = subprocess.run(
            ["nsenter", f"--target={self.host_pid}", "--mount", "--pid", "--",
             "mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", str(runtime / LICENCE)],
            capture_output=True, text=True, timeout=30,
        )
        if licence.returncode != 0:
            raise WarmStartUnavailable(f"could not mount the template's proc: {licence.stderr.strip()}")
        ready = _receive(self.control, deadline)
        if not ready or not ready.get("ready"):
            raise WarmStartUnavailable(f"the template stopped while importing: {self.log_tail()}")
        if ready.get("threads", 1) != 1:
            # A fork copies only the calling thread: with OpenMP's or anyone's threads running, a fork's
            # locks could be held forever. Threads come from `threads` above 1; cold starts then.
            raise WarmStartUnavailable(f"the template runs {ready['threads']} threads after its imports")
        self.ready = ready

    def _spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        """Start the template's jail from a thread that lives as long as the template.

        bubblewrap's --die-with-parent fires when the *thread* that started it ends, not the process:
        started from a grading thread (or the one that starts the template early), the template would
        die with that thread.
        """
        started: list[subprocess.Popen[bytes] | BaseException] = []
        ready = threading.Event()

        def keep() -> None:
            try:
                started.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log))
            except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
                started.append(error)
            ready.set()
            self.closed.wait()

        threading.Thread(target=keep, name="template-keeper", daemon=True).start()
        ready.wait()
        if isinstance(started[0], BaseException):
            self.closed.set()
            raise started[0]
        return started[0]

    def _accept(self, deadline: float) -> socket.socket:
        while True:
            self.server.settimeout(max(0.01, min(0.5, deadline - time.monotonic())))
            try:
                conn, _ = self.server.accept()
                return conn
            except TimeoutError:
                if self.process is not None and self.process.poll() is not None:
                    raise WarmStartUnavailable(f"the template exited: {self.log_tail()}") from None
                if time.monotonic() >= deadline:
                    raise WarmStartUnavailable("the template did not connect in time") from None

    def log_tail(self) -> str:
        if self.log.closed:
            return ""
        self.log.seek(0)
        return self.log.read()[-2000:].decode(errors="replace").strip()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def fork(self, sandbox: Sandbox, connection_file: str) -> ForkedKernel:
        """A new kernel for `sandbox`'s submission, already in its cgroups, serving `connection_file`."""
        limits = sandbox.limits
        request = {
            "op": "fork", "name": sandbox.name, "dir": str(sandbox.runtime), "connection_file": connection_file,
            "tmp_bytes": limits.workdir_mb * MiB, "file_size_bytes": limits.file_size_mb * MiB,
        }
        with self.lock:
            try:
                self.control.sendall((json.dumps(request) + "\n").encode())
                link = self._accept(time.monotonic() + 30)
            except (OSError, WarmStartUnavailable) as error:
                raise ForkFailed(f"the template did not fork: {error}") from error
        try:
            pid = _peer_pid(link)
            hello = _receive(link, time.monotonic() + 30)
            if not hello or hello.get("hello") != sandbox.name:
                raise ForkFailed(f"a fork introduced itself as {hello!r}")
            kernel = ForkedKernel(pid, link)
            if sandbox.cgroups is not None:
                sandbox.cgroups.add(pid)
            link.sendall(b'{"go": true}\n')
        except (OSError, ValueError) as error:
            link.close()
            raise ForkFailed(f"the fork could not be started: {error}") from error
        return kernel

    def close(self) -> None:
        """Stop the template (its forks die with it) and remove its folder."""
        for name in ("control", "server"):
            conn = getattr(self, name, None)
            if conn is not None:
                conn.close()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.log.close()
        shutil.rmtree(self.runtime, ignore_errors=True)
        self.closed.set()


class WarmProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's local provisioner, with the kernel forked from a template instead of launched."""

    zygote: Zygote
    sandbox: Sandbox

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        km = self.parent
        self.process = self.zygote.fork(self.sandbox, km.connection_file)
        self.pid = self.process.pid
        self.pgid = None  # signals go to the waiter alone; the kernel gets interrupts as messages
        self.cwd = HOME
        await self._sockets_bound(time.monotonic() + self.sandbox.limits.startup_timeout_s)
        return self.connection_info

    async def _sockets_bound(self, deadline: float) -> None:
        """Return once the kernel has bound its sockets, has stopped, or `deadline` has passed.

        A client that connects to an ipc socket before it is bound tries again only after ZeroMQ's
        reconnect interval (0.1 s), which every forked kernel, ready in a few hundredths, would wait out.
        """
        info = self.connection_info
        paths = [f"{info['ip']}-{info[f'{channel}_port']}" for channel in ("shell", "iopub", "stdin", "control", "hb")]
        while not all(os.path.exists(path) for path in paths):
            if self.process.poll() is not None or time.monotonic() >= deadline:
                return  # the kernel manager's own start-up checks report it
            await asyncio.sleep(SOCKET_POLL_S)


_templates: dict[tuple[tuple[str, str], ...], Zygote] = {}
_retired: set[Zygote] = set()  # out of service, still held by runs whose kernels it forked
_unavailable: dict[tuple[tuple[str, str], ...], str] = {}
_discards: dict[tuple[tuple[str, str], ...], int] = {}
_modules: dict[tuple[tuple[str, str], ...], list[str]] = {}  # what `prestart` said the kernels will import
DISCARDS_BEFORE_COLD = 3
# Held while a template starts (seconds): whoever wants one waits for it rather than starting another.
_registry_lock = threading.Lock()
# `_modules` alone: `prestart` records there and returns, even while a template is starting.
_modules_lock = threading.Lock()


def _key(limits: Limits) -> tuple[tuple[str, str], ...]:
    """Kernels with the same environment can be forked from the same template."""
    return tuple(sorted(kernel_environment(limits).items()))


def template_for(limits: Limits) -> Zygote | None:
    """This process's running template for kernels like `limits`' (started on first use); None: start cold."""
    with _registry_lock:
        return _serving(limits)


def _serving(limits: Limits) -> Zygote | None:
    """`template_for`, with `_registry_lock` held."""
    key = _key(limits)
    template = _templates.get(key)
    if template is not None and template.alive():
        return template
    if template is not None and _retire(template):
        template.close()
    if key in _unavailable:
        return None
    with _modules_lock:
        modules = _modules.get(key)
    try:
        template = Zygote(limits, modules)
    except (WarmStartUnavailable, OSError, subprocess.SubprocessError) as error:
        _unavailable[key] = str(error)
        if _is_root():  # without root, cold starts are simply how kernels start
            print(f"autograder: warm kernel starts unavailable, starting kernels cold: {error}", file=sys.stderr)
        return None
    _templates[key] = template
    return template


@contextlib.contextmanager
def lease(limits: Limits) -> Iterator[Zygote | None]:
    """`template_for(limits)`, held for one notebook's run; None: start cold.

    A template that fails a fork is retired (`discard`), but it stops only once no run holds it: the
    kernels it forked for other submissions are its children, and would die with it mid-notebook.
    """
    with _registry_lock:
        template = _serving(limits)
        if template is not None:
            template.runs += 1
    try:
        yield template
    finally:
        if template is not None:
            with _registry_lock:
                template.runs -= 1
                stop = template.runs == 0 and template in _retired
                if stop:
                    _retired.discard(template)
            if stop:
                template.close()


def _retire(template: Zygote) -> bool:
    """Take `template` out of service (with `_registry_lock` held); True when no run holds it, to stop it now."""
    key = _key(template.limits)
    if _templates.get(key) is template:
        del _templates[key]
    if template.runs:
        _retired.add(template)
        return False
    return True


def prestart(limits: Limits, modules: list[str] | None = None) -> None:
    """Start this process's template for `limits` in the background, if kernels like these start warm.

    The template takes seconds to import what it preloads; started before the grader's own imports
    and planning, it is ready about when the first kernel is wanted. A kernel wanted earlier waits
    for it in `template_for`, and never starts a second one. `modules`: what the kernels' notebooks
    import (`preload.for_notebooks`), which this process's templates for `limits` then preload,
    this one and any that replaces it; the first caller to say decides. Returns at once, even while
    an earlier call's template is still starting.
    """
    if limits.start != "warm":
        return
    if modules is not None:
        with _modules_lock:
            _modules.setdefault(_key(limits), modules)
    threading.Thread(target=template_for, args=(limits,), name="template-prestart", daemon=True).start()


def discard(template: Zygote, reason: str) -> None:
    """Retire a template that failed a fork (`reason`): the next submission gets a new one.

    After `DISCARDS_BEFORE_COLD` such failures for the same kind of kernel, this process starts them cold.
    """
    log = template.log_tail()  # what the template and its forks printed before their kernels took over
    print(f"autograder: the kernels' template failed to fork a kernel ({reason}); that submission starts cold"
          + (f"; the template's log ends:\n{log}" if log else ""), file=sys.stderr)
    key = _key(template.limits)
    with _registry_lock:
        if _templates.get(key) is template:  # a template retired already (two failed forks at once) counts once
            _discards[key] = _discards.get(key, 0) + 1
            if _discards[key] >= DISCARDS_BEFORE_COLD:
                _unavailable[key] = "its templates failed to fork kernels"
                print("autograder: warm kernel starts keep failing here; starting kernels cold", file=sys.stderr)
        stop = _retire(template)
    if stop:
        template.close()


@atexit.register
def _stop_all() -> None:
    """Stop every template of this process, retired ones included, and forget what `prestart` said they preload."""
    with _registry_lock:
        for template in [*_templates.values(), *_retired]:
            template.close()
        _templates.clear()
        _retired.clear()
        with _modules_lock:
            _modules.clear()
