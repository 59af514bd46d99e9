"""One typed settings object for the grader: every limit has a default and a reason."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one submission's kernel may use. Each can be set from the CLI (`--limit name=value`)."""

    memory_mb: int = field(default=3072, metadata={"help": "memory of the kernel and all its children, MiB"})
    processes: int = field(default=256, metadata={"help": "tasks (processes and threads) in the sandbox"})
    file_size_mb: int = field(default=64, metadata={"help": "largest file the student's code may write, MiB"})
    workdir_mb: int = field(default=256, metadata={"help": "size of the private working directory, MiB"})
    cell_timeout_s: float = field(default=120.0, metadata={"help": "wall time of one cell, seconds"})
    notebook_timeout_s: float = field(default=600.0, metadata={"help": "wall time of one notebook, seconds"})
    interrupt_grace_s: float = field(default=5.0, metadata={"help": "wait after an interrupt before a hard kill"})
    startup_timeout_s: float = field(default=120.0, metadata={"help": "time for the kernel to start"})
    cell_output_bytes: int = field(default=64 * 1024, metadata={"help": "output kept per cell, bytes"})
    notebook_output_bytes: int = field(default=1024 * 1024, metadata={"help": "output kept per notebook, bytes"})
    threads: int = field(default=1, metadata={"help": "torch/OpenMP threads per kernel (jobs run side by side)"})
    start: str = field(default="warm", metadata={
        "help": "kernel start: 'warm' forks each kernel from a template with torch imported (falls back to "
                "cold where it cannot run), 'cold' launches a new interpreter"})

    @classmethod
    def from_pairs(cls, pairs: list[str] | tuple[str, ...] | None) -> Limits:
        """The defaults with `name=value` overrides (the CLI's --limit); ValueError says what is wrong."""
        overrides: dict[str, str] = {}
        for pair in pairs or ():
            name, sep, value = pair.partition("=")
            if not sep:
                raise ValueError(f"--limit takes name=value, got {pair!r}")
            overrides[name.strip()] = value.strip()
        return cls().with_overrides(overrides)

    def with_overrides(self, overrides: dict[str, str]) -> Limits:
        """A copy with `name=value` strings applied; unknown names raise ValueError naming the known ones."""
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                raise ValueError(f"unknown limit {name!r}; known limits: {', '.join(known)}")
            kind = type(getattr(self, name))
            changes[name] = kind(value)
        return replace(self, **changes)


def default_jobs() -> int:
    """Submissions graded side by side: two more than the cores.

    A submission's grading goes back and forth between this process (the tests' own code, the messages)
    and its kernel, and each side often waits on the other: with one submission per core a core
    sits idle in those waits. This process is one of those sides for every submission at once, and
    its part runs one thread at a time: on 2 cores, `make bench`'s batch left about 3.5 core-seconds
    idle with one submission more than the cores, 2.5 with two more, and with three more it spent
    more CPU time than with two.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 2
