"""Where a batch's submissions are graded: threads of this process, or a Dask cluster.

A backend runs one picklable function over many items and yields each item as
it finishes, with the function's return value, or `Lost` when the process
running it died and the backend could not finish it. A backend never records
anything: the batch's parent does, the same way whichever backend graded, so
the marker, resume and gradebook logic has one code path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Lost:
    """The worker running an item died under it, after the backend's own retries."""

    reason: str


class Backend(Protocol):
    """Runs `fn(item, *shared)` for every item, somewhere, in parallel."""

    def map_unordered(
        self, fn: Callable[..., Any], items: Sequence[T], shared: tuple[object, ...]
    ) -> Iterator[tuple[T, Any]]:
        """Yield `(item, fn(item, *shared))` or `(item, Lost(...))` for each item, in the order they finish."""
        ...

    def close(self) -> None:
        """Give back what the backend holds (a connection); running items are not waited for."""
        ...


def open_backend(*, scheduler: str | None, jobs: int, resources: dict[str, float] | None = None) -> Backend:
    """The Dask cluster at `scheduler` when one is named, else a local pool of `jobs` threads.

    `resources` (Dask worker resources each item holds, e.g. {"GPU": 1}) apply to a cluster only.
    """
    if scheduler:
        # Imported only when asked for: the local default needs no Dask import, nor any service.
        from .dask_cluster import DaskBackend

        return DaskBackend(scheduler, resources=resources)
    from .local import LocalBackend

    return LocalBackend(jobs)
