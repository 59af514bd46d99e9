"""What a warm-start template imports before it forks kernels: ipykernel's start-up, and what the notebooks import.

A module the template imported costs a forked kernel nothing; one it did not is
imported by the kernel that needs it, as in a cold start. Importing more than
the notebooks use only makes the template slower to start (scikit-learn alone
is half a second), so a batch's template imports what its assignment's
notebooks import: found by reading their code and, within the course's own
package, the code of the modules they import, never by importing anything here.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .course import Course

# What ipykernel needs to start, and what IPKernelApp.initialize imports on its own (debugpy alone is a
# tenth of a second).
KERNEL = [
    "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "jupyter_client.session",
    "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib", "IPython.core.oinspect",
    "IPython.extensions.storemagic", "sqlite3", "pdb", "tornado.gen", "tornado.queues", "tornado.platform.asyncio",
]
# What modules import themselves on first use of common functions: an optimizer's step pulls in torch._dynamo,
# which takes as long as torch; printing a tensor, torch's dispatch-mode checks, and `torch.save` (which the
# grader's exchange uses too), its serialization settings (about 2 ms together, in every graded kernel); a
# figure's first PNG, matplotlib's Agg canvas and Pillow's image plugins (about 10 ms in each kernel that
# draws). Not matplotlib_inline's backend: imported where there is no IPython shell yet, it would not hook
# itself into the kernels' shells.
TORCH = ["torch._dynamo", "torch._subclasses.schema_check_mode", "torch.utils.serialization"]
FIGURES = ["matplotlib.backends.backend_agg", "PIL.BmpImagePlugin", "PIL.GifImagePlugin", "PIL.JpegImagePlugin",
           "PIL.PngImagePlugin", "PIL.PpmImagePlugin"]
ALSO = {"torch": TORCH, "matplotlib.pyplot": FIGURES}
# What the course's notebooks import, for a template that does not know which notebooks it serves.
COURSE = [
    "numpy", "torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data", *TORCH,
    "matplotlib", "matplotlib.pyplot", *FIGURES, "sklearn", "sklearn.datasets", "sklearn.model_selection",
]
PACKAGE = "assignments"  # the course's package: its modules are read to see what they import


def package_dir() -> Path | None:
    """Where the course's package is, found without importing it (the grader needs no torch)."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


def everything() -> list[str]:
    """KERNEL, COURSE, then the course's package and every module in it."""
    folder = package_dir()
    modules = [*COURSE, *KERNEL, PACKAGE]
    if folder is not None:
        modules += sorted(f"{PACKAGE}.{path.stem}" for path in folder.glob("*.py") if path.stem != "__init__")
    return modules


def imported_by(code: str, *, package: str = "") -> list[str]:
    """Modules `code` imports anywhere (inside functions too), in order; `package` resolves relative imports.

    A cell that is not plain Python (IPython magics) gives what its plain lines import.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        plain = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(plain)
        except SyntaxError:
            return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parent = parts[: len(parts) - node.level + 1] if node.level <= len(parts) else []
                base = ".".join([*parent, *([base] if base else [])])
            if base:
                found.append(base)
                # `from package import module`: the names may be modules of the course's package.
                if base.split(".")[0] == PACKAGE:
                    found += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
    return found


def _source_of(module: str, folder: Path) -> tuple[str, str] | None:
    """The code of one module of the course's package and the package it is in; None if it is no module there."""
    parts = module.split(".")[1:]
    package = folder.joinpath(*parts, "__init__.py")
    if package.is_file():
        return package.read_text(encoding="utf-8"), module
    path = folder.joinpath(*parts[:-1], f"{parts[-1]}.py") if parts else None
    if path is not None and path.is_file():
        return path.read_text(encoding="utf-8"), module.rpartition(".")[0]
    return None


def for_code(sources: Iterable[str]) -> list[str]:
    """KERNEL, then what `sources` import, and what the course's modules among those import, transitively."""
    folder = package_dir()
    seen: list[str] = []
    todo = [name for code in sources for name in imported_by(code)]
    while todo:
        name = todo.pop(0)
        if name in seen or name.startswith("__"):
            continue
        if name.split(".")[0] == PACKAGE:
            found = _source_of(name, folder) if folder is not None else None
            if found is None:
                continue  # a name imported from the package that is not a module of it
            code, package = found
            todo += imported_by(code, package=package)
        seen.append(name)
        todo += [extra for extra in ALSO.get(name, []) if extra not in seen]
    return [*KERNEL, *seen]


def for_assignments(course: Course, assignment_ids: Iterable[str]) -> list[str]:
    """What a template for these assignments' kernels imports (read from their source notebooks)."""
    return for_notebooks(*(course.source / assignment_id for assignment_id in assignment_ids))


def for_notebooks(*folders: Path) -> list[str]:
    """What a template for the notebooks in `folders` (assignments' source/) imports."""
    sources = []
    for path in sorted(path for folder in folders for path in folder.glob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                sources.append("".join(source) if isinstance(source, list) else str(source))
    return for_code(sources)
