"""The default backend: a pool of local processes, one item each at a time; no service to run."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

from . import Lost

T = TypeVar("T")


class LocalBackend:
    """`workers` spawned processes on this machine."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def map_unordered(
        self, fn: Callable[..., Any], items: Sequence[T], shared: tuple[object, ...]
    ) -> Iterator[tuple[T, Any]]:
        # A fresh pool per call: once one of its processes dies, a pool is broken for good, and every
        # item still in it fails with it; the caller runs those again in a new one.
        # "spawn", not "fork": the parent holds a gradebook connection and threads of its own.
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn")) as pool:
            futures: dict[Future[Any], T] = {pool.submit(fn, item, *shared): item for item in items}
            for future in as_completed(futures):
                item = futures[future]
                try:
                    yield item, future.result()
                except BrokenProcessPool as error:
                    yield item, Lost(f"a grading process died ({error})")

    def close(self) -> None:
        pass  # each call's pool is shut down when the call ends
