"""Splitting a test cell into the student's part and the grader's part.

A test marks the statements that call the student's code with
`with checks.student():`. Those blocks run in the student's kernel; the rest of
the test runs in the grader's trusted interpreter (`trusted`), where each block
is replaced by a call that runs it remotely and brings back, as data, the names
it assigned. The split is made from the instructor's source alone, so nothing a
student submits can move a statement from one side to the other.
"""

from __future__ import annotations

import ast
import functools
import symtable
from dataclasses import dataclass
from types import CodeType

RUNNER = "__katas_student__"


class SplitError(ValueError):
    """A test cell the grader cannot split; the message names the line and the fix (for authors)."""


@dataclass(frozen=True)
class Block:
    """One `with checks.student():` block: its statements, and the global names it reads and assigns."""

    code: str
    reads: frozenset[str]
    writes: frozenset[str]
    line: int


@dataclass(frozen=True)
class SplitTest:
    """A test cell as the grader runs it."""

    program: CodeType  # the grader's part; block i is the call `__katas_student__(i)`
    blocks: tuple[Block, ...]
    reads: frozenset[str]  # global names the grader's part reads
    writes: frozenset[str]  # global names the grader's part assigns


def is_student_block(node: ast.AST) -> bool:
    """`with checks.student():`, exactly (no `as`, no other context managers)."""
    if not isinstance(node, ast.With) or len(node.items) != 1 or node.items[0].optional_vars is not None:
        return False
    call = node.items[0].context_expr
    return (
        isinstance(call, ast.Call) and not call.args and not call.keywords
        and isinstance(call.func, ast.Attribute) and call.func.attr == "student"
        and isinstance(call.func.value, ast.Name) and call.func.value.id == "checks"
    )


def global_names(tree: ast.Module) -> tuple[frozenset[str], frozenset[str]]:
    """(names read, names assigned) at module level by `tree`, nested functions and classes included."""
    table = symtable.symtable(ast.unparse(tree), "<test>", "exec")
    reads: set[str] = set()
    writes: set[str] = set()

    def visit(scope: symtable.SymbolTable) -> None:
        module = scope.get_type() == "module"
        for symbol in scope.get_symbols():
            if module or symbol.is_global():
                if symbol.is_referenced():
                    reads.add(symbol.get_name())
                if module and (symbol.is_assigned() or symbol.is_imported()):
                    writes.add(symbol.get_name())
        for child in scope.get_children():
            visit(child)

    visit(table)
    return frozenset(reads), frozenset(writes)


class _Blocks(ast.NodeTransformer):
    """Replaces each student block by a runner call, and refuses blocks the split cannot keep faithful."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.depth = 0  # inside a function or class: a block there would lose its local names

    def _scope(self, node: ast.AST) -> ast.AST:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _scope

    def visit_With(self, node: ast.With) -> ast.AST:
        if not is_student_block(node):
            return self.generic_visit(node)
        if self.depth:
            raise SplitError(f"line {node.lineno}: `with checks.student():` inside a function or class; "
                             "put it at the top level of the test (loops and ifs are fine)")
        _refuse_escapes(node)
        body = ast.Module(body=node.body, type_ignores=[])
        reads, writes = global_names(body)
        self.blocks.append(Block(code=ast.unparse(body), reads=reads, writes=writes, line=node.lineno))
        call = ast.Call(func=ast.Name(RUNNER, ast.Load()), args=[ast.Constant(len(self.blocks) - 1)], keywords=[])
        return ast.copy_location(ast.Expr(call), node)


def _refuse_escapes(block: ast.With) -> None:
    """A block runs as a cell of its own: control flow may not leave it, nor may it bind outer locals."""
    def walk(node: ast.AST, in_loop: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(child, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal)) or (
                isinstance(child, (ast.Break, ast.Continue)) and not in_loop
            ):
                raise SplitError(f"line {child.lineno}: `{type(child).__name__.lower()}` cannot leave a "
                                 "`checks.student()` block, which runs in the student's kernel on its own")
            if is_student_block(child):
                raise SplitError(f"line {child.lineno}: a `checks.student()` block inside another one")
            walk(child, in_loop or isinstance(child, (ast.For, ast.While, ast.AsyncFor)))

    walk(block, False)


@functools.lru_cache(maxsize=512)
def split(source: str) -> SplitTest:
    """The test cell `source` split into the grader's program and the student's blocks."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise SplitError(f"line {error.lineno}: {error.msg}") from None
    transformer = _Blocks()
    program = ast.fix_missing_locations(transformer.visit(tree))
    reads, writes = global_names(program)
    return SplitTest(
        program=compile(program, "<test>", "exec"),
        blocks=tuple(transformer.blocks),
        reads=reads - {RUNNER},
        writes=writes,
    )
