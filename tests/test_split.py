"""Splitting tests into the student's part and the grader's part, and the data that may cross between them."""

from __future__ import annotations

import ast
import base64
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from assignments import checks
from assignments.exchange import _packed
from autograder.blocks import RUNNER, SplitError, global_names, split
from autograder.exchange import Unreadable, pack, unpack


# Splitting

def test_blocks_run_remotely_and_the_rest_stays_in_the_grader() -> None:
    test = split(
        "_gen = torch.Generator().manual_seed(checks.seed(7))\n"
        "for _n in [1, 2]:\n"
        "    _x = torch.randn(_n, generator=_gen)\n"
        "    with checks.student():\n"
        "        _got = answer(_x.to(device))\n"
        "        _twice = [2 * _v for _v in _got.tolist()]\n"
        "    checks.check_close(_got, _x)\n"
    )
    [block] = test.blocks
    assert block.code == "_got = answer(_x.to(device))\n_twice = [2 * _v for _v in _got.tolist()]"
    assert block.reads >= {"answer", "_x", "device"} and "_v" not in block.reads
    assert block.writes == {"_got", "_twice"}
    # The grader's part never names the student's function: the block became a call of the runner.
    assert "answer" not in test.reads and "device" not in test.reads
    assert {"torch", "checks", "_got", "_x", "_gen"} <= test.reads
    assert RUNNER not in test.reads
    assert test.writes == {"_gen", "_n", "_x"}


def test_names_read_by_nested_functions_and_classes_count() -> None:
    reads, writes = global_names(ast.parse(
        "class _Loss(nn.Module):\n"
        "    def forward(self, x):\n"
        "        local = helper(x)\n"
        "        return local\n"
        "_table = {_k: scale * _k for _k in range(3)}\n"
    ))
    assert {"nn", "helper", "scale", "range"} <= reads
    assert "local" not in reads and "_k" not in reads and "x" not in reads
    assert writes == {"_Loss", "_table"}


@pytest.mark.parametrize("source, problem", [
    ("def _f():\n    with checks.student():\n        g()\n", "inside a function or class"),
    ("for _i in range(2):\n    with checks.student():\n        break\n", "`break` cannot leave"),
    ("with checks.student():\n    return 1\n", "`return` cannot leave"),
    ("with checks.student():\n    global x\n    x = f()\n", "`global` cannot leave"),
    ("with checks.student():\n    with checks.student():\n        f()\n", "inside another one"),
    ("with checks.student(:\n    f()\n", "line 1"),
])
def test_blocks_that_cannot_run_on_their_own_are_refused(source: str, problem: str) -> None:
    with pytest.raises(SplitError, match=problem):
        split(source)


def test_loops_inside_a_block_may_break() -> None:
    [block] = split("with checks.student():\n    for _i in range(3):\n        if f(_i):\n            break\n").blocks
    assert "break" in block.code


def test_only_the_exact_marker_makes_a_block() -> None:
    for source in ("with checks.student() as _s:\n    f()\n", "with student():\n    f()\n",
                   "with checks.student(), open('x'):\n    f()\n"):
        test = split(source)
        assert test.blocks == () and "f" in test.reads, source


def test_markers_do_nothing_in_a_notebook() -> None:
    with checks.student():
        ran = True
    assert ran and checks.seed(2101) == 2101


def test_grading_seeds_differ_by_run_and_by_test() -> None:
    seeds = []
    for run in (1, 2):
        token = checks.RUN_SEED.set(run)
        try:
            seeds.append((checks.seed(10), checks.seed(11), checks.seed(10)))
        finally:
            checks.RUN_SEED.reset(token)
    (a10, a11, again), (b10, b11, _) = seeds
    assert a10 == again and len({a10, a11, b10, b11}) == 4
    assert all(0 <= s < 2**32 for s in (a10, a11, b10, b11))


# The exchange: what comes back from the kernel

def _round_trip(value: object) -> object:
    return unpack({"v": _packed(value)}, ["v"])["v"]


@pytest.mark.parametrize("value", [
    3, -2.5, "text", b"bytes", None, True, (1, (2, "a")), [1.0, [2]], {"a": [1, 2]}, {1, 2}, 1 + 2j,
])
def test_plain_data_comes_back_as_itself(value: object) -> None:
    got = _round_trip(value)
    assert got == value and type(got) is type(value)


def test_tensors_and_arrays_come_back_as_data() -> None:
    tensor = torch.arange(6.0).reshape(2, 3)
    got = _round_trip({"t": tensor, "p": torch.nn.Parameter(torch.ones(2)), "device": torch.device("cpu"),
                       "dtype": torch.int64, "array": np.arange(4, dtype=np.int32), "nan": float("nan")})
    assert torch.equal(got["t"], tensor) and type(got["t"]) is torch.Tensor
    assert isinstance(got["p"], torch.nn.Parameter)
    assert got["device"] == torch.device("cpu") and got["dtype"] is torch.int64
    assert type(got["array"]) is np.ndarray and got["array"].dtype == np.int32 and got["array"].tolist() == [0, 1, 2, 3]
    assert got["nan"] != got["nan"]


RAW_DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16,
              torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128]


def _some(dtype: torch.dtype, shape: tuple[int, ...]) -> torch.Tensor:
    return (torch.randn(shape, dtype=torch.float64) * 50).to(dtype)


@pytest.mark.parametrize("dtype", RAW_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (7,), (2, 0, 3), (3, 4)])
def test_plain_tensors_come_back_as_raw_bytes_of_every_dtype_and_shape(dtype: torch.dtype, shape: tuple) -> None:
    tensor = _some(dtype, shape)
    entry = _packed(tensor)
    assert "tensor" in entry["tree"] and "data" not in entry  # the raw form, not torch.save's
    got = unpack({"v": entry}, ["v"])["v"]
    assert type(got) is torch.Tensor and got.dtype == dtype and got.shape == tensor.shape
    assert torch.equal(got, tensor) and not got.requires_grad


def test_raw_tensors_keep_requires_grad_and_the_rest_keep_torch_saves_form() -> None:
    tracked = torch.randn(3, requires_grad=True) * 2  # not a leaf: comes back as a leaf that requires grad
    got = _round_trip(tracked)
    assert got.requires_grad and got.is_leaf and torch.equal(got, tracked.detach())
    for odd in (torch.randn(3, 4).T, torch.randn(3, dtype=torch.complex64).conj(), torch.nn.Parameter(torch.ones(2)),
                torch.ones(2, dtype=torch.uint32)):
        entry = _packed(odd)
        assert "data" in entry and "tree" not in entry, odd
        got = _round_trip(odd)
        assert type(got) is type(odd) and torch.equal(got, odd)


def test_forged_raw_tensors_build_nothing() -> None:
    good = _packed(torch.arange(4, dtype=torch.int32))["tree"]["tensor"]
    forged = [
        {**good, "dtype": "object"}, {**good, "dtype": "float32; import os"}, {**good, "dtype": "qint8"},
        {**good, "shape": [5]}, {**good, "shape": [-4, -1]}, {**good, "shape": [2.0, 2]}, {**good, "shape": "4"},
        {**good, "data": "not base64 !"}, {**good, "data": good["data"][:-4]}, {**good, "grad": "yes"},
        {**good, "grad": True}, {key: value for key, value in good.items() if key != "grad"}, "a string",
    ]
    got = unpack({f"v{i}": {"tree": {"tensor": entry}} for i, entry in enumerate(forged)},
                 [f"v{i}" for i in range(len(forged))])
    assert all(isinstance(value, Unreadable) for value in got.values()), got
    assert torch.equal(unpack({"v": {"tree": {"tensor": good}}}, ["v"])["v"], torch.arange(4, dtype=torch.int32))


def test_lists_tuples_and_dicts_of_tensors_come_back_part_by_part() -> None:
    values = torch.randn(4, 2)
    value = (values[:3], values[3:], [1, "a", {"k": torch.tensor([True])}], {(1, 2): torch.arange(3), "n": None})
    entry = _packed(value)
    assert "tree" in entry and "data" not in entry
    got = _round_trip(value)
    assert type(got) is tuple and type(got[2]) is list and type(got[2][2]) is dict
    assert torch.equal(got[0], values[:3]) and torch.equal(got[1], values[3:])
    assert got[2][:2] == [1, "a"] and torch.equal(got[2][2]["k"], torch.tensor([True]))
    assert torch.equal(got[3][(1, 2)], torch.arange(3)) and got[3]["n"] is None
    # A container with anything else in it keeps torch.save's form, whole.
    mixed = [torch.ones(2), np.arange(3)]
    assert "data" in _packed(mixed) and "tree" not in _packed(mixed)
    got = _round_trip(mixed)
    assert torch.equal(got[0], torch.ones(2)) and got[1].tolist() == [0, 1, 2]


def test_forged_trees_build_nothing(tmp_path: Path) -> None:
    tensor = _packed(torch.ones(2))["tree"]["tensor"]
    deep: dict = {"literal": "1"}
    for _ in range(30):
        deep = {"list": [deep]}
    forged = [
        {"list": [{"literal": "__import__('os').system('touch " + str(tmp_path / "pwned") + "')"}]},
        {"tuple": [{"tensor": {**tensor, "dtype": "object"}}]}, {"set": [{"literal": "1"}]},
        {"dict": [["[1]", {"literal": "1"}]]}, {"dict": [[1, {"literal": "1"}]]}, {"dict": [["1"]]},
        {"list": [{"literal": "1", "tensor": tensor}]}, {"list": "not a list"}, {"list": [{"data": "x"}]}, deep,
    ]
    got = unpack({f"v{i}": {"tree": tree} for i, tree in enumerate(forged)}, [f"v{i}" for i in range(len(forged))])
    assert all(isinstance(value, Unreadable) for value in got.values()), got
    assert not (tmp_path / "pwned").exists()


def test_tensors_go_into_the_kernel_as_raw_storages_and_come_out_as_they_were() -> None:
    """The grader's inputs, unpickled as the kernel's `receive` does: equal values, dtypes, strides and types."""
    base = torch.arange(24.0).reshape(4, 6)
    model = torch.nn.Linear(3, 2)
    values = {**{f"t_{dtype}": _some(dtype, (2, 3)) for dtype in RAW_DTYPES},
              "view": base[1:, ::2], "transposed": base.T, "empty": torch.empty(0, 5), "scalar": torch.tensor(2.5),
              "tracked": torch.ones(3, requires_grad=True), "parameter": torch.nn.Parameter(torch.ones(2)),
              "model": model, "nested": {"pair": (base, [torch.tensor([True, False])])}}
    payload = base64.b64decode(pack(values))
    assert b"_load_from_bytes" not in payload and b"storage" in payload  # torch's own way saves and loads each one
    got = pickle.loads(payload)
    for name, value in values.items():
        if isinstance(value, torch.Tensor):
            mine = got[name]
            assert type(mine) is type(value) and mine.dtype == value.dtype and mine.stride() == value.stride()
            assert torch.equal(mine, value) and mine.requires_grad == value.requires_grad, name
    assert torch.equal(got["model"].weight, model.weight) and isinstance(got["model"].weight, torch.nn.Parameter)
    assert torch.equal(got["nested"]["pair"][0], base) and got["nested"]["pair"][1][0].tolist() == [True, False]


class _AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True


class _Subclass(torch.Tensor):
    pass


class _Bomb:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):  # unpickling this would run a command
        import os
        return os.system, (f"touch {self.path}",)


@pytest.mark.parametrize("make, kind", [
    (lambda tmp: _AlwaysEqual(), "test_split._AlwaysEqual"),
    (lambda tmp: torch.zeros(2).as_subclass(_Subclass), "test_split._Subclass"),
    (lambda tmp: [1, _AlwaysEqual()], "builtins.list"),
    (lambda tmp: (lambda: 1), "builtins.function"),
    (lambda tmp: np.array([object()], dtype=object), "numpy.ndarray"),
    (lambda tmp: _Bomb(tmp / "pwned"), "test_split._Bomb"),
])
def test_objects_do_not_come_back(make, kind: str, tmp_path: Path) -> None:
    got = _round_trip(make(tmp_path))
    assert isinstance(got, Unreadable)
    assert kind in repr(got) and "cannot read" in repr(got)
    assert not (tmp_path / "pwned").exists()


def test_forged_entries_build_nothing(tmp_path: Path) -> None:
    bomb = pickle.dumps(_Bomb(tmp_path / "pwned"))
    forged = {
        "a": {"literal": "__import__('os').system('touch " + str(tmp_path / "pwned") + "')"},
        "b": {"data": base64.b64encode(bomb).decode()},
        "c": {"data": "not base64 !"},
        "d": "a string, not an entry",
        "e": {"missing": "1"},
    }
    got = unpack(forged, ["a", "b", "c", "d", "e", "f"])
    assert all(isinstance(got[name], Unreadable) for name in "abcdf") and "e" not in got
    assert not (tmp_path / "pwned").exists()
    assert all(isinstance(v, Unreadable) for v in unpack("over the size limit", ["x"]).values())


def test_an_unreadable_value_fails_any_test_that_uses_it() -> None:
    value = Unreadable("_got", "an object of type student.Fake")
    for use in (lambda: value == 1, lambda: value != 1, lambda: bool(value), lambda: value.shape,
                lambda: len(value), lambda: float(value), lambda: value + 1, lambda: value[0], lambda: list(value)):
        with pytest.raises(AssertionError, match="_got is an object of type student.Fake"):
            use()
    with pytest.raises(AssertionError, match="should be a torch.Tensor, got _got is an object"):
        checks.check_close(value, torch.zeros(1))


def test_only_hidden_lines_the_notebook_does_not_show_are_secret() -> None:
    from notebooks import graded, notebook, readonly
    from autograder.judge import hidden_lines

    source = notebook([
        readonly("with torch.no_grad():\n    print(model(x))", "demo"),
        graded("### BEGIN HIDDEN TESTS\nwith torch.no_grad():\n    _want = reference(_x) * 42\n"
               "### END HIDDEN TESTS", "test_hidden", 1),
    ])
    assert hidden_lines(source) == ["_want = reference(_x) * 42"]
