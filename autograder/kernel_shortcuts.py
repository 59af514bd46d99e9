"""Two of IPython's passes over every cell, skipped where they provably change nothing.

Before it runs a cell, ipykernel puts it through IPython's input transformer twice (once itself, once in
`run_cell`) and compiles it twice more to ask whether it awaits at top level: about 0.75 ms for a cell of
500 characters, and in a small notebook's kernel about as much CPU as the student's own code. Forked
kernels install these shortcuts (`zygote.py`, which runs inside the jail and imports nothing else of the
autograder); what a cell shows is the same either way, which the tests check against a cold kernel's
plain IPython.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any

from IPython.core.inputtransformer2 import TransformerManager

DEFAULT_TOKEN_TRANSFORMERS = TransformerManager().token_transformers


class PythonFirstTransformer(TransformerManager):
    """IPython's input transformer, without its token pass on a cell that is valid Python as it stands.

    The token pass rewrites IPython's own syntax: `%magic`, `!command`, `a = %magic`, `a = !command`,
    `obj?`, and lines that start with `,`, `;` or `/` (autocall). None of these is valid Python, so on code
    that parses there is nothing for it to find; it tokenizes the cell in Python to find that out, which
    takes three times as long as parsing it. A cell that does not parse, or transformers that extensions
    changed, go through the whole pass as before.
    """

    def do_token_transforms(self, lines: list[str]) -> list[str]:
        if self.token_transformers == DEFAULT_TOKEN_TRANSFORMERS:
            try:
                with warnings.catch_warnings():  # the compiler warns when the cell runs, not twice
                    warnings.simplefilter("ignore")
                    ast.parse("".join(lines))
            except (SyntaxError, ValueError):  # a null byte is a ValueError before Python 3.11.4
                pass
            else:
                return lines
        return super().do_token_transforms(lines)


def install(shell: Any) -> None:
    """Give `shell` (a kernel's InteractiveShell) both shortcuts, keeping any transformers it has."""
    plain = shell.input_transformer_manager
    shortcut = PythonFirstTransformer()
    shortcut.cleanup_transforms = plain.cleanup_transforms
    shortcut.line_transforms = plain.line_transforms
    shortcut.token_transformers = plain.token_transformers
    shell.input_transformer_manager = shortcut

    full_check = shell.should_run_async

    def should_run_async(raw_cell: str, *, transformed_cell: str | None = None,
                         preprocessing_exc_tuple: Any = None) -> bool:
        # Only `await`, `async for`, `async with` and async comprehensions make top-level code a coroutine,
        # and each has one of these words in it.
        if transformed_cell is not None and "await" not in transformed_cell and "async" not in transformed_cell:
            return False
        return bool(full_check(raw_cell, transformed_cell=transformed_cell,
                               preprocessing_exc_tuple=preprocessing_exc_tuple))

    shell.should_run_async = should_run_async
