"""Grading on a Dask distributed cluster: each item is a task on some worker; results come back here.

The workers run the same function the local pool runs, so they need the grader
installed (the same pinned environment), and whatever paths the items name.
The shared arguments travel once, as tasks of their own: a worker fetches them
from another when it first needs them, and if every copy is lost with its
workers, the scheduler recomputes them from the task, which scattered data
could not survive.

When a worker dies, the scheduler runs its tasks again elsewhere (up to
`distributed.scheduler.allowed-failures` times, then `KilledWorker`): the
function must give the same outcome when run twice, and `grade_job` does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from distributed import Client, KilledWorker, as_completed
from distributed.client import Future
from distributed.utils import CancelledError

from ..errors import AutograderError, UsageError
from . import Lost

T = TypeVar("T")
CONNECT_TIMEOUT_S = 30


class WorkerFailed(AutograderError):
    """A task raised on a Dask worker: a misconfigured worker, not a student's mistake."""


def _hold(value: object) -> object:
    """A task whose result is its argument: shared data the scheduler can recompute if it is lost."""
    return value


class DaskBackend:
    """The workers of the Dask scheduler at `address` (tcp://HOST:PORT)."""

    def __init__(self, address: str, *, resources: dict[str, float] | None = None) -> None:
        # Each task holds these worker resources while it runs: `{"GPU": 1}` sends it only to workers
        # started with `--resources GPU=1`, one at a time per GPU.
        self.resources = resources or None
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {error}") from None

    def map_unordered(
        self, fn: Callable[..., Any], items: Sequence[T], shared: tuple[object, ...]
    ) -> Iterator[tuple[T, Any]]:
        batch = uuid.uuid4().hex[:8]
        # Explicit unique keys: two runs of the same submission (a resumed batch, another course) must
        # never be merged by the scheduler into one task whose files went to the other's folders.
        held = [self.client.submit(_hold, value, key=f"shared-{batch}-{index}") for index, value in enumerate(shared)]
        futures: dict[Future, T] = {
            self.client.submit(fn, item, *held, key=f"{fn.__name__}-{batch}-{index}", resources=self.resources):
                item
            for index, item in enumerate(items)
        }
        try:
            for future in as_completed(list(futures), loop=self.client.loop):  # no default client is set
                item = futures.pop(future)
                try:
                    outcome: Any = future.result()
                except KilledWorker as error:
                    outcome = Lost(f"Dask workers died running it ({error})")
                except CancelledError as error:
                    outcome = Lost(f"the scheduler dropped it ({error})")
                except Exception as error:
                    raise WorkerFailed(
                        f"a Dask worker failed on {item}: {type(error).__name__}: {error} "
                        "(do the workers have the grader installed and the course directory at the same path?)"
                    ) from error
                # Let the worker drop the result now: one still held when its worker dies is computed again.
                future.release()
                yield item, outcome
        finally:
            # Release what is left (an interrupted batch): the scheduler forgets tasks no client wants.
            self.client.cancel([*futures, *held])

    def close(self) -> None:
        self.client.close()
