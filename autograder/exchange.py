"""The grader's half of the data exchange with a student's kernel (the kernel's half: `assignments.exchange`).

Into the kernel go the inputs of a `checks.student()` block, pickled: the
grader made them, and the kernel may do what it likes with them. Out of the
kernel come only Python literals, read with `ast.literal_eval`, and what
`torch.load(weights_only=True)` accepts (tensors, NumPy arrays, containers of
them): neither builds an object of the student's choosing, so nothing the
student wrote runs in the grader. A value it refuses becomes an `Unreadable`, which fails any test that
uses it with a message saying what to return instead.
"""

from __future__ import annotations

import ast
import base64
import io
from typing import Any

import cloudpickle
import numpy as np
import torch

from assignments.exchange import MIME

__all__ = ["MIME", "Unreadable", "fetch_request", "block_request", "pack", "unpack"]

# NumPy arrays of plain numbers (the course returns some) are data too; object arrays stay refused.
_NUMPY_DTYPES = (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                 np.float16, np.float32, np.float64, np.complex64, np.complex128)
torch.serialization.add_safe_globals(
    [np._core.multiarray._reconstruct, np.ndarray, np.dtype, np._core.multiarray.scalar]
    + [type(np.dtype(kind)) for kind in _NUMPY_DTYPES]
)

HELPER = "__katas_exchange__"
IMPORT = f"import assignments.exchange as {HELPER}\n"


class Unreadable:
    """Stands in for a value the kernel could not hand over as data; using it fails the test, clearly."""

    def __init__(self, name: str, kind: str) -> None:
        object.__setattr__(self, "_text", f"{name} is {kind}, which the grader cannot read: return tensors, "
                                          "numbers, strings, or lists, tuples and dicts of them")

    @property
    def __katas_unreadable__(self) -> str:
        return object.__getattribute__(self, "_text")

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(object.__getattribute__(self, "_text"))

    def __getattr__(self, name: str) -> Any:
        self._refuse()

    def __repr__(self) -> str:
        return object.__getattribute__(self, "_text")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __bool__ = __len__ = __iter__ = __getitem__ = __contains__ = __call__ = _refuse
    __float__ = __int__ = __index__ = __complex__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __matmul__ = __rmatmul__ = __neg__ = __abs__ = _refuse
    __hash__ = object.__hash__


def pack(values: dict[str, Any]) -> str:
    """Inputs for the kernel: cloudpickle, so classes a test defines travel with their code."""
    return base64.b64encode(cloudpickle.dumps(values)).decode("ascii")


def block_request(body: str, *, inputs: dict[str, Any], outputs: list[str]) -> str:
    """Code for the kernel: bind the inputs, run the block's statements, publish what they assigned."""
    code = IMPORT
    if inputs:
        code += f"{HELPER}.receive({pack(inputs)!r})\n"
    return code + body.rstrip() + f"\n{HELPER}.send({sorted(outputs)!r})\n"


def fetch_request(names: list[str]) -> str:
    """Code for the kernel: publish the current values of `names`."""
    return IMPORT + f"{HELPER}.send({sorted(names)!r})\n"


def _load(name: str, entry: Any) -> Any:
    if isinstance(entry, dict) and isinstance(entry.get("literal"), str):
        try:
            return ast.literal_eval(entry["literal"])
        except Exception:  # not a literal after all (or one too deep to read): not data
            return Unreadable(name, "not plain data")
    if isinstance(entry, dict) and isinstance(entry.get("data"), str):
        try:
            return torch.load(io.BytesIO(base64.b64decode(entry["data"], validate=True)), weights_only=True)
        except Exception:  # whatever these bytes are, they are not data the grader accepts
            pass
    kind = entry.get("type") if isinstance(entry, dict) else None
    return Unreadable(name, f"an object of type {str(kind)[:200]}" if kind else "not plain data")


def unpack(bundle: Any, names: list[str]) -> dict[str, Any]:
    """The values of `names` found in the kernel's bundle (names the kernel lacked are left out)."""
    if not isinstance(bundle, dict):
        return {name: Unreadable(name, f"not plain data ({str(bundle)[:100]})") for name in names}
    values: dict[str, Any] = {}
    for name in names:
        entry = bundle.get(name)
        if isinstance(entry, dict) and "missing" in entry:
            continue
        values[name] = _load(name, entry) if entry is not None else Unreadable(name, "not handed over")
    return values
