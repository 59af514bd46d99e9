"""The grader's half of the data exchange with a student's kernel (the kernel's half: `assignments.exchange`).

Into the kernel go the inputs of a `checks.student()` block, pickled: the
grader made them, and the kernel may do what it likes with them. Out of the
kernel come only Python literals, read with `ast.literal_eval`, plain tensors
as a dtype, a shape and bytes, checked and copied into a new tensor, lists,
tuples and dicts of these, part by part, and what
`torch.load(weights_only=True)` accepts (NumPy arrays, containers of tensors):
none of these builds an object of the student's choosing, so nothing the
student wrote runs in the grader. A value it refuses becomes an `Unreadable`, which fails any test that
uses it with a message saying what to return instead.
"""

from __future__ import annotations

import ast
import base64
import binascii
import io
import math
from typing import Any

import cloudpickle
import numpy as np
import torch

from assignments import exchange as kernel_half
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


def _reduce_storage(storage: torch.storage.TypedStorage) -> tuple[Any, ...]:
    """A CPU storage as its raw bytes, rebuilt by the kernel's `storage`; torch's own way saves each one with
    `torch.save` and loads it with `torch.load`, most of the cost of sending a tensor."""
    untyped = storage._untyped_storage
    if untyped.device.type != "cpu":
        return storage.__reduce__()
    as_bytes = torch.empty(0, dtype=torch.uint8).set_(untyped, 0, (untyped.nbytes(),))
    return kernel_half.storage, (as_bytes.numpy().tobytes(), str(storage.dtype).removeprefix("torch."))


class _Pickler(cloudpickle.Pickler):
    # A plain dict, not a ChainMap: the pickler looks up every object's type here, in C only for a dict.
    dispatch_table = {**cloudpickle.Pickler.dispatch_table, torch.storage.TypedStorage: _reduce_storage}


def pack(values: dict[str, Any]) -> str:
    """Inputs for the kernel: cloudpickle, so classes a test defines travel with their code."""
    buffer = io.BytesIO()
    _Pickler(buffer).dump(values)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def block_request(body: str, *, inputs: dict[str, Any], outputs: list[str]) -> str:
    """Code for the kernel: bind the inputs, run the block's statements, publish what they assigned."""
    code = IMPORT
    if inputs:
        code += f"{HELPER}.receive({pack(inputs)!r})\n"
    return code + body.rstrip() + f"\n{HELPER}.send({sorted(outputs)!r})\n"


def fetch_request(names: list[str]) -> str:
    """Code for the kernel: publish the current values of `names`."""
    return IMPORT + f"{HELPER}.send({sorted(names)!r})\n"


_RAW_DTYPES = {name: getattr(torch, name) for name in kernel_half.RAW_DTYPES}


def _from_raw(raw: Any) -> torch.Tensor | None:
    """The tensor a kernel sent as dtype, shape, `requires_grad` and bytes; None unless every part is sound."""
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), str) or type(raw.get("grad")) is not bool:
        return None
    dtype, shape = _RAW_DTYPES.get(raw.get("dtype")), raw.get("shape")  # type: ignore[arg-type]
    if dtype is None or not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        return None
    try:
        data = base64.b64decode(raw["data"], validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(data) != math.prod(shape) * dtype.itemsize or (raw["grad"] and not (dtype.is_floating_point
                                                                               or dtype.is_complex)):
        return None
    values = torch.frombuffer(bytearray(data), dtype=dtype) if data else torch.empty(0, dtype=dtype)
    return values.reshape(shape).requires_grad_(raw["grad"])


class _NotData(ValueError):
    pass


def _tree(node: Any, depth: int = 0) -> Any:
    """A literal, a plain tensor, or a list, tuple or dict of them that a kernel sent part by part
    (`assignments.exchange._tree`); _NotData if any part is unsound."""
    if not isinstance(node, dict) or len(node) != 1 or depth > 20:
        raise _NotData
    (kind, content), = node.items()
    if kind == "literal" and isinstance(content, str):
        return _literal(content)
    if kind == "tensor":
        tensor = _from_raw(content)
        if tensor is None:
            raise _NotData
        return tensor
    if kind in ("list", "tuple") and isinstance(content, list):
        items = [_tree(item, depth + 1) for item in content]
        return items if kind == "list" else tuple(items)
    if kind == "dict" and isinstance(content, list):
        if not all(isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) for pair in content):
            raise _NotData
        try:
            return {_literal(key): _tree(item, depth + 1) for key, item in content}
        except TypeError:  # a key that cannot be one (a list)
            raise _NotData from None
    raise _NotData


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except Exception:  # not a literal after all (or one too deep to read): not data
        raise _NotData from None


def _load(name: str, entry: Any) -> Any:
    if isinstance(entry, dict) and ("tree" in entry or "literal" in entry):
        try:
            return _tree(entry["tree"] if "tree" in entry else {"literal": entry["literal"]})
        except _NotData:
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
