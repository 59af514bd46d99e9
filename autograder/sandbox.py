"""The jail a submission's kernel runs in: bubblewrap namespaces, an unprivileged user, cgroup limits.

Inside, the kernel sees the operating system's /usr, the Python interpreter and
virtual environment, and the course's `assignments` package, all read-only; a
private tmpfs home as its working directory; no network; no environment
variable of the grader's. It does not see source/, solutions/, the gradebook,
or any other submission.

The kernel talks to the grader over Unix sockets (ZeroMQ's ipc transport) in a
runtime folder bound at the same path inside and out: TCP would not cross the
empty network namespace.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

from .errors import AutograderError
from .settings import MiB, Limits

HOME = "/home/student"
NOBODY = 65534
CGROUP_V1 = Path("/sys/fs/cgroup")
# Graders sharing a machine can keep their kernels apart (and countable) under their own parent group.
CGROUP_PARENT = os.environ.get("AUTOGRADER_CGROUP_PARENT", "pytorch-katas")


class SandboxUnavailable(AutograderError):
    """bubblewrap is missing or cannot create namespaces here."""


def _is_root() -> bool:
    return os.geteuid() == 0


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SandboxUnavailable(f"the {name!r} package is not installed; run the setup command first")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def readonly_paths() -> list[Path]:
    """Host folders the kernel needs, bound read-only at the same path."""
    paths = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), _package_dir("assignments")]
    unique: list[Path] = []
    for path in paths:
        if str(path).startswith("/usr/") or any(path == p or p in path.parents for p in unique):
            continue
        unique.append(path)
    return unique


class Cgroups:
    """A memory and a pids cgroup (v1) for one kernel, so limits cover every child it forks."""

    def __init__(self, name: str) -> None:
        self.memory = CGROUP_V1 / "memory" / CGROUP_PARENT / name
        self.pids = CGROUP_V1 / "pids" / CGROUP_PARENT / name

    @staticmethod
    def available() -> bool:
        return _is_root() and (CGROUP_V1 / "memory" / "cgroup.procs").exists() and (
            CGROUP_V1 / "pids" / "cgroup.procs"
        ).exists()

    def create(self, limits: Limits) -> None:
        for folder in (self.memory, self.pids):
            folder.mkdir(parents=True, exist_ok=True)
        (self.memory / "memory.limit_in_bytes").write_text(str(limits.memory_mb * MiB))
        swap = self.memory / "memory.memsw.limit_in_bytes"
        if swap.exists():
            swap.write_text(str(limits.memory_mb * MiB))
        (self.pids / "pids.max").write_text(str(limits.processes))

    def add(self, pid: int) -> None:
        """Move a running process (a kernel forked from the template) into both cgroups."""
        (self.memory / "cgroup.procs").write_text(str(pid))
        (self.pids / "cgroup.procs").write_text(str(pid))

    def join_command(self) -> list[str]:
        """A shell prefix that moves itself into both cgroups, then execs the rest of the command."""
        script = (
            f'echo $$ > {self.memory}/cgroup.procs && echo $$ > {self.pids}/cgroup.procs && exec "$@"'
        )
        return ["/bin/sh", "-c", script, "katas-sandbox"]

    def oom_killed(self) -> bool:
        try:
            for line in (self.memory / "memory.oom_control").read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1]) > 0
            return int((self.memory / "memory.failcnt").read_text()) > 0
        except OSError:
            return False

    def kill_all(self) -> None:
        """SIGKILL every task left in the pids cgroup (a fork bomb's children included), then remove both."""
        pause = 0.002  # a killed kernel is usually gone within milliseconds; a fork bomb takes rounds
        for _ in range(60):
            try:
                pids = [int(p) for p in (self.pids / "cgroup.procs").read_text().split()]
            except OSError:
                pids = []
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(pause)
            pause = min(0.05, pause * 2)
        for folder in (self.memory, self.pids):
            for attempt in range(40):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # busy until the last task has left
                    time.sleep(0.005 if attempt < 10 else 0.05)


class Sandbox:
    """One kernel's jail. Use as a context manager; `wrap()` turns a kernel command into a jailed one."""

    def __init__(self, limits: Limits, *, runtime_parent: Path | None = None) -> None:
        """`runtime_parent`: where the kernel's runtime folder goes (the template's folder, for a forked kernel)."""
        if shutil.which("bwrap") is None:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed; install it (e.g. 'apt-get install bubblewrap') to grade"
            )
        self.limits = limits
        self.name = uuid.uuid4().hex[:12]
        self.runtime = Path(tempfile.mkdtemp(prefix="katas-kernel-", dir=runtime_parent))
        self.cgroups = Cgroups(self.name) if Cgroups.available() else None

    def __enter__(self) -> Sandbox:
        if _is_root():
            os.chown(self.runtime, NOBODY, NOBODY)
        os.chmod(self.runtime, 0o700)
        if self.cgroups is not None:
            self.cgroups.create(self.limits)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.cgroups is not None:
            self.cgroups.kill_all()
        shutil.rmtree(self.runtime, ignore_errors=True)

    def hand_over(self, path: str | Path) -> None:
        """Let the kernel's user read a file the grader wrote for it (the connection file)."""
        if _is_root():
            os.chown(path, NOBODY, NOBODY)

    def oom_killed(self) -> bool:
        return self.cgroups is not None and self.cgroups.oom_killed()

    def environment(self) -> dict[str, str]:
        """The kernel's whole environment: the same whether grading or checking, nothing of the host's."""
        return kernel_environment(self.limits)

    def wrap(self, command: list[str]) -> list[str]:
        """The jailed form of `command` (the kernel's argv)."""
        prefix = self.cgroups.join_command() if self.cgroups is not None else []
        return prefix + jail_command(self.limits, writable=self.runtime) + command


# ipykernel options of every kernel the grader starts (cold or forked), on its command line.
KERNEL_OPTIONS = [
    # Plain tracebacks: the "Context" default renders three lines of highlighted source around every
    # frame, about 20 ms per error, which add up in a wrong submission; frames still read "Cell In[n], line m".
    "--InteractiveShell.xmode=Plain",
    # ipykernel sleeps half a millisecond before each execute reply so that outputs go first; nbclient
    # collects outputs until the kernel reports idle, whatever the order, so the sleep only adds latency.
    "--Kernel._execute_sleep=0",
    # No SQLite history: IPython writes every cell to a database in the home folder from a thread of its own,
    # a fifth of a trivial cell's CPU time in the kernel, for a history no one reads after grading. `In`,
    # `_i` and `%history` of the session still work, from memory.
    "--HistoryManager.enabled=False",
    # Figures as matplotlib saves them by default, the whole canvas: the inline backend's "tight" crop draws
    # each figure twice (once to measure it), about 40 of a plot's 100 ms, for a little less white margin.
    "--InlineBackend.print_figure_kwargs={'bbox_inches': None}",
]


def kernel_environment(limits: Limits) -> dict[str, str]:
    """A kernel's whole environment (cold or forked from the template): nothing of the host's."""
    threads = str(limits.threads)
    return {
        "HOME": HOME,
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
    }


def gpu_devices(dev: Path = Path("/dev")) -> list[Path]:
    """The host's NVIDIA device nodes (none on a machine without a GPU): a kernel needs them for CUDA."""
    return sorted(dev.glob("nvidia*"))


def jail_command(limits: Limits, *, writable: Path, devices: list[Path] | None = None) -> list[str]:
    """The jail's argv up to the command: rlimits, bubblewrap, then the drop to the unprivileged user.

    `writable` is the one host folder bound read-write at the same path (the kernel's runtime folder,
    or the template's, which holds every forked kernel's folder).
    """
    jail = [
        "bwrap",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
    ]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / top
        if host.is_symlink():
            jail += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            jail += ["--ro-bind", str(host), str(host)]
    # bwrap makes the folder these files are bound in with mode 0700 here: only root could read them.
    jail += ["--perms", "0755", "--dir", "/etc"]
    for etc in ("ld.so.cache", "localtime", "passwd", "group", "nsswitch.conf", "fonts", "matplotlibrc"):
        jail += ["--ro-bind-try", f"/etc/{etc}", f"/etc/{etc}"]
    # /tmp first: a later tmpfs there would hide anything bound below it (a venv in /tmp, say).
    jail += ["--size", str(limits.workdir_mb * MiB), "--perms", "1777", "--tmpfs", "/tmp"]
    made: set[Path] = set()
    for path in readonly_paths():
        # bwrap would create the parents of a bind (/root here) with the host's modes,
        # which the unprivileged user may not traverse; make them plainly listable.
        for parent in reversed(path.parents[:-1]):
            if parent not in made:
                made.add(parent)
                jail += ["--perms", "0755", "--dir", str(parent)]
        jail += ["--ro-bind", str(path), str(path)]
    jail += ["--proc", "/proc", "--dev", "/dev"]
    # The minimal /dev has no GPU; the driver's nodes come in as they are, so CUDA works as on the host.
    for device in gpu_devices() if devices is None else devices:
        jail += ["--dev-bind", str(device), str(device)]
    jail += [
        "--size", str(limits.workdir_mb * MiB), "--perms", "0777", "--tmpfs", HOME,
        "--bind", str(writable), str(writable),
        "--chdir", HOME,
        "--clearenv",
    ]
    for key, value in kernel_environment(limits).items():
        jail += ["--setenv", key, value]
    rlimits = [
        "prlimit", f"--fsize={limits.file_size_mb * MiB}", "--core=0", "--nofile=1024", "--",
    ]
    if _is_root():
        # Root sets the jail up, then the kernel runs as the real unprivileged user `nobody`,
        # with no capabilities and no way to regain any.
        jail += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        drop = [
            "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
        ]
    else:
        jail += ["--unshare-user"]
        drop = []
    return rlimits + jail + ["--"] + drop
