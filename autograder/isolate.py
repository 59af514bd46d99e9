"""Turning a fork of the template process into a jailed kernel of its own: namespaces, mounts, no capabilities.

The template (see `zygote.py`) already runs in the grader's bubblewrap jail as
the unprivileged user. A fork of it shares that jail's /tmp, home, /dev/shm,
process table and runtime folder with every other fork, so before anything of
a student's runs, the fork gives itself private copies:

* a user namespace mapping only its own uid and gid (so it may mount and make
  namespaces, and nothing outside it), with setgroups denied;
* mount, PID, IPC, network and UTS namespaces;
* a fresh /proc of its own PID namespace, fresh size-limited tmpfs on /tmp and
  the home folder (/dev/shm is read-only to the user, as in the cold jail), and
  the runtime folder replaced by only its own connection file and sockets;
* rlimits like the cold path's `prlimit`, every file descriptor but 0-2 closed,
  then every capability dropped (bounding set, ambient, effective, permitted,
  inheritable) under no_new_privs.

Only the standard library is used: this file is copied into the template's jail
and imported there without the rest of the autograder. Linux only.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import resource
import socket
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS

MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

# open_tree(2) and move_mount(2) have the same numbers on every architecture (Linux 5.2+).
SYS_OPEN_TREE = 428
SYS_MOVE_MOUNT = 429
OPEN_TREE_CLONE = 1
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOVE_MOUNT_F_EMPTY_PATH = 0x4

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class IsolationError(OSError):
    """A step of the fork's isolation failed; the fork must exit without running anything."""


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise IsolationError(code, f"{what}: {os.strerror(code)}")
    return result


def prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl({option})")


def die_with_parent() -> None:
    """SIGKILL this process when its parent exits: a kernel never outlives whoever tracks it."""
    prctl(PR_SET_PDEATHSIG, 9)


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                    data.encode() if data else None),
        f"mount {fstype or source} on {target}",
    )


def enter_namespaces(uid: int, gid: int) -> None:
    """New user, mount, PID (for children), IPC, network and UTS namespaces; map only `uid`/`gid` to themselves."""
    _check(_libc.unshare(NAMESPACES), "unshare")
    # Writing gid_map without CAP_SETGID in the parent namespace requires setgroups denied first.
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1\n"), ("gid_map", f"{gid} {gid} 1\n")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    # Nothing mounted from here on may propagate back into the template's jail.
    mount("none", "/", None, MS_REC | MS_PRIVATE)


def _open_tree(path: str) -> int:
    return _check(_libc.syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(), OPEN_TREE_CLONE | os.O_CLOEXEC | AT_RECURSIVE),
                  f"open_tree {path}")


def _move_mount(fd: int, target: str) -> None:
    _check(_libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, target.encode(), MOVE_MOUNT_F_EMPTY_PATH),
           f"move_mount to {target}")


def _tmpfs(target: str, size: int, mode: str) -> None:
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={mode}")


def private_view(*, own_dir: str, runtime: str, home: str, tmp_bytes: int, keep: tuple[str, ...] = ()) -> None:
    """This kernel's own filesystem view; call as PID 1 of the new PID namespace (for /proc).

    `keep` lists read-only binds that live below /tmp or home (a course checked out under /tmp, say):
    the fresh tmpfs there would hide them, so detached copies go back in place afterwards.
    """
    # A detached copy of this kernel's folder, to put back once the shared runtime folder is hidden.
    own = _open_tree(own_dir)
    kept = [(path, _open_tree(path)) for path in keep]
    # The new proc shows only this PID namespace. The kernel allows it because the grader mounted an
    # uncovered proc of the template's namespace in the runtime folder (bubblewrap's own /proc has
    # read-only covers over /proc/sys and friends, which make a new proc mount "too revealing").
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _tmpfs("/tmp", tmp_bytes, "1777")
    _tmpfs(home, tmp_bytes, "0777")
    if os.path.isdir(runtime):
        # Every other kernel's folder, the template's control socket and the proc licence go out of view.
        _tmpfs(runtime, 1024 * 1024, "0755")
    for path, tree in kept:
        os.makedirs(path, mode=0o755, exist_ok=True)
        _move_mount(tree, path)
        os.close(tree)
    os.makedirs(own_dir, mode=0o755, exist_ok=True)
    _move_mount(own, own_dir)
    os.close(own)


def loopback_up() -> None:
    """Bring `lo` up in the new network namespace, as bubblewrap does for the cold kernel."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def set_rlimits(*, file_size_bytes: int, open_files: int = 1024) -> None:
    """The cold path's `prlimit --fsize --core=0 --nofile`."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_bytes, file_size_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))


def close_fds(keep: tuple[int, ...] = ()) -> None:
    """Close every descriptor but stdin, stdout, stderr and `keep` (the template's sockets above all)."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError as error:
                if error.errno != errno.EBADF:  # the listing's own descriptor, already gone
                    raise


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """No capability left in any set, none to regain (the user namespace gave the fork a full set)."""
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        last = int(handle.read())
    for cap in range(last + 1):
        prctl(PR_CAPBSET_DROP, cap)
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    header = _CapHeader(CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
