"""Leaving the process quickly once a command's work is done."""

from __future__ import annotations

import gc


def before_exit(code: int) -> int:
    """`code`, once every object the command leaves behind is frozen for the garbage collector.

    Python's shutdown empties the modules one by one and collects garbage as it goes, walking every
    object of torch, NumPy, matplotlib and nbgrader each time: about 0.7 s after a batch, against
    0.2 s with them frozen. Exit handlers and module teardown still run; only objects in reference
    cycles are left uncollected, and nothing of the grader needs them finalized: its files are
    written and closed (`files.write_atomic`), its gradebook committed and closed, before this.
    """
    gc.freeze()
    return code
