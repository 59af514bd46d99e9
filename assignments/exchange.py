"""The kernel's half of the autograder's data exchange (the grader's half is `autograder.exchange`).

The autograder judges tests in its own interpreter and runs only their
`checks.student()` blocks in the student's kernel. Before a block it calls
`receive` with the block's inputs (pickled by the grader; the bytes of a tensor's
storage travel raw, and `storage` rebuilds it); after it, `send` publishes the
names the block assigned. Plain Python data (numbers, strings, and lists, tuples,
dicts and sets of them) travels as a literal, which the grader reads with
`ast.literal_eval`; a plain tensor as its dtype, shape and raw bytes, which the
grader checks and copies into a tensor of its own, and lists, tuples and dicts of
these part by part; anything else as `torch.save`
bytes, which it opens with `torch.load(weights_only=True)`: NumPy arrays and
containers of tensors come through. Other values (a student's object, a function)
are reported by their type name only. The raw forms skip torch's serializer, a
tenth of a millisecond or more a value on both sides, for the values most tests
exchange.

Nothing here is trusted by the grader: student code can replace these functions,
and all it gains is choosing the data its own answers hand back.
"""

from __future__ import annotations

import base64
import io
import math
import pickle
import sys
from typing import Any

MIME = "application/vnd.katas.exchange+json"
# Tensors of these dtypes travel as raw bytes (the grader rebuilds them from these names alone).
RAW_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
              "complex64", "complex128")


def _namespace() -> dict[str, Any]:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("the exchange runs inside an IPython kernel")
    return shell.user_ns


def receive(payload: str) -> None:
    """Bind the grader's inputs (base64 of a pickled dict) as global names of the notebook."""
    _namespace().update(pickle.loads(base64.b64decode(payload)))


def storage(raw: bytes, dtype: str) -> Any:
    """A tensor storage of `dtype` holding `raw`: how the grader's pickles carry tensors (`autograder.exchange`)."""
    import torch

    untyped = torch.UntypedStorage.from_buffer(raw, dtype=torch.uint8) if raw else torch.UntypedStorage(0)
    return torch.storage.TypedStorage(wrap_storage=untyped, dtype=getattr(torch, dtype), _internal=True)


def _raw_tensor(value: Any) -> dict[str, Any] | None:
    """A plain, contiguous tensor on the CPU as its dtype, shape, `requires_grad` and bytes; None for any other."""
    import torch

    dtype = str(value.dtype).removeprefix("torch.")
    if (type(value) is not torch.Tensor or dtype not in RAW_DTYPES or value.device.type != "cpu"
            or value.layout != torch.strided or not value.is_contiguous()
            or value.is_conj() or value.is_neg()):
        return None
    # Viewed as bytes first: NumPy has no bfloat16.
    raw = value.detach().reshape(-1).view(torch.uint8).numpy().tobytes()
    return {"dtype": dtype, "shape": list(value.shape), "grad": value.requires_grad,
            "data": base64.b64encode(raw).decode("ascii")}


_LITERALS = (bool, int, str, bytes, type(None))
_CONTAINERS = (list, tuple, set, dict)


def _is_literal(value: Any, depth: int = 0) -> bool:
    """Exactly built-in data whose repr reads back with `ast.literal_eval` (no subclasses, no nan/inf)."""
    kind = type(value)
    if kind in _LITERALS:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is complex:
        return math.isfinite(value.real) and math.isfinite(value.imag)
    if kind in _CONTAINERS and depth < 20:
        items = [*value.keys(), *value.values()] if kind is dict else value
        return all(_is_literal(item, depth + 1) for item in items)
    return False


def _tree(value: Any, depth: int = 0) -> dict[str, Any] | None:
    """A plain tensor, or lists, tuples and dicts (with literal keys) of literals and plain tensors, each part in
    its own form (a model's outputs, a split of a data set); None when anything else is in them."""
    import torch  # imported already: only called where a tensor may exist

    kind = type(value)
    if _is_literal(value):
        return {"literal": repr(value)}
    if kind is torch.Tensor:
        raw = _raw_tensor(value)
        return None if raw is None else {"tensor": raw}
    if depth >= 20:
        return None
    if kind is list or kind is tuple:
        items = [_tree(item, depth + 1) for item in value]
        return None if None in items else {kind.__name__: items}
    if kind is dict and all(_is_literal(key) for key in value):
        pairs = [[repr(key), _tree(item, depth + 1)] for key, item in value.items()]
        return None if any(item is None for _, item in pairs) else {"dict": pairs}
    return None


def _packed(value: Any) -> dict[str, Any]:
    if _is_literal(value):
        return {"literal": repr(value)}
    kind = type(value)
    packed = {"type": f"{kind.__module__}.{kind.__qualname__}"[:200]}  # for the grader's message if it refuses
    if "torch" not in sys.modules and "numpy" not in sys.modules:
        return packed  # no tensor or array can exist yet: not data, and no need to load torch to say so
    import torch

    if kind is torch.Tensor or kind in _CONTAINERS:
        tree = _tree(value)
        if tree is not None:
            return {**packed, "tree": tree}
    buffer = io.BytesIO()
    try:
        torch.save(value, buffer)
    except Exception:  # not data: the grader learns its type, never the object
        return packed
    return {**packed, "data": base64.b64encode(buffer.getvalue()).decode("ascii")}


def send(names: list[str]) -> None:
    """Publish the values of `names` to the grader (a display message it takes out of the outputs)."""
    from IPython.display import publish_display_data

    namespace = _namespace()
    bundle = {name: _packed(namespace[name]) if name in namespace else {"missing": "1"} for name in names}
    publish_display_data({MIME: bundle})
