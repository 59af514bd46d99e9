"""The default backend: threads of this process, one item each at a time; no service to run.

Threads, not processes: grading an item is mostly waiting on its kernel, which
runs in a sandboxed process of its own, so the grading code itself needs little
CPU. Threads share this process's imports and its warm-start template (`warm`):
each spawned worker process used to pay for both again, seconds per batch. The
grading code is thread-safe, as it must be anyway for a Dask worker with
several threads.

No item can be `Lost` here: a thread does not die alone, and a grading process
that dies takes the whole batch with it, which a rerun resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")


class LocalBackend:
    """`workers` threads of this process."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def map_unordered(
        self, fn: Callable[..., Any], items: Sequence[T], shared: tuple[object, ...]
    ) -> Iterator[tuple[T, Any]]:
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="grade")
        try:
            futures: dict[Future[Any], T] = {pool.submit(fn, item, *shared): item for item in items}
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            # An interrupted batch: items not started are dropped; running ones end with their kernels.
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        pass  # each call's pool is shut down when the call ends
