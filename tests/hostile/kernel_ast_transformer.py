"""An AST transformer that replaces every `assert` and `raise` statement with `pass`.

IPython runs the parsed tree of each cell through `shell.ast_transformers`:
the asserts of the test cells vanish after parsing, before compiling.
"""

from __future__ import annotations

from hostile.corpus import TOY_TESTS, Case, insert

CODE = r'''
import ast

class _NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.copy_location(ast.Pass(), node)

    def visit_Raise(self, node):  # the stubs' NotImplementedError too
        return ast.copy_location(ast.Pass(), node)

get_ipython().ast_transformers.append(_NoAsserts())
'''

CASE = Case(
    attack="strip every assert and raise statement from the parsed cells",
    start="release",
    edits=(insert("setup", CODE),),
    max_score=0,
    must_fail=TOY_TESTS,
)
