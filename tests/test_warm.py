"""Warm kernel starts: forks of one template see nothing of each other, and are jailed like a cold kernel.

The notebooks here run through `run_notebook` in this process, so that two
submissions in a row are forked from the same template, as in a batch worker.
The fault scenarios run through the CLI in test_scenarios.py, warm by default;
`test_cold_start_still_grades` keeps the fallback honest.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import platform
import resource
import shutil
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from nbconvert.preprocessors import CoalesceStreamsPreprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook

from conftest import FAST_LIMITS, REPO, by_name, grade, sandbox_leftovers
from notebooks import TOY_NOTEBOOK
from test_kernel_shortcuts import CELLS as IPYTHON_SYNTAX
from autograder import preload, warm
from autograder import run as run_module
from autograder.course import Course
from autograder.run import NotebookRun, run_notebook
from autograder.sandbox import KERNEL_OPTIONS, Cgroups
from autograder.settings import Limits

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Cgroups.available(), reason="warm starts need root and cgroup v1 controllers"),
]

WARM = Limits(start="warm", cell_timeout_s=30)
COLD = Limits(start="cold", cell_timeout_s=30)

# The first submission leaves marks everywhere a kernel can write or that a fork shares.
LEAVE_MARKS = """
import os, random, sys, numpy, torch, assignments
open('/tmp/mark', 'w').write('first')
open(os.path.expanduser('~/mark'), 'w').write('first')
torch.katas_mark = assignments.katas_mark = 'first'
sys.modules['katas_mark'] = sys
os.environ['KATAS_MARK'] = 'first'
import builtins; builtins.katas_mark = 'first'
"""
FIND_MARKS = """
import os, sys, torch, assignments, builtins
found = [name for name, present in {
    'tmp file': os.path.exists('/tmp/mark'),
    'home file': os.path.exists(os.path.expanduser('~/mark')),
    'torch attribute': hasattr(torch, 'katas_mark'),
    'package attribute': hasattr(assignments, 'katas_mark'),
    'module': 'katas_mark' in sys.modules,
    'environment': 'KATAS_MARK' in os.environ,
    'builtin': hasattr(builtins, 'katas_mark'),
}.items() if present]
print(found)
"""
DRAW = """
import json, random, numpy, torch
print(json.dumps([random.random(), float(numpy.random.rand()), float(torch.rand(1))]))
"""
FACTS = """
import json, linecache, os, pwd, socket, sys, traceback
# Source files of this cell's stack not read yet (before anything here formats the stack, reading them);
# frozen modules (`<frozen runpy>`, in a cold kernel's) have none.
def has_file(name): return not (name.startswith('<') and name.endswith('>'))
unread = sorted({frame.f_code.co_filename for frame, _ in traceback.walk_stack(None)} - set(linecache.cache))
unread = [name for name in unread if has_file(name)]
status = dict(line.split(':\\t', 1) for line in open('/proc/self/status').read().splitlines() if ':\\t' in line)
try:
    socket.create_connection(('1.1.1.1', 53), timeout=3)
    network = 'reachable'
except OSError as error:
    network = type(error).__name__ + ': ' + str(error)
try:
    open(SOURCE).read()
    source = 'readable'
except OSError as error:
    source = type(error).__name__
runtime = os.path.dirname(os.path.dirname(CONNECTION))
print(json.dumps({
    'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(),
    'caps': {key: status[key].strip() for key in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')},
    'no_new_privs': status['NoNewPrivs'].strip(),
    'network': network, 'source': source, 'hostname': socket.gethostname(), 'cwd': os.getcwd(),
    'pid': os.getpid(), 'processes': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
    'runtime_siblings': sorted(os.listdir(runtime)) if os.path.isdir(runtime) else None,
    'own_folder': sorted(os.listdir(os.path.dirname(CONNECTION))),
    'own_name': os.path.basename(os.path.dirname(CONNECTION)),
    'torch_preloaded': 'torch' in sys.modules,
    'env': sorted(os.environ),
    'path': sys.path,
    'backend': __import__('matplotlib').get_backend(),
    'traceback_mode': get_ipython().InteractiveTB.mode,
    'execute_sleep': get_ipython().kernel._execute_sleep,
    'history_saved': get_ipython().history_manager.enabled,
    'figure_options': (__import__('matplotlib.pyplot'),
                       __import__('matplotlib_inline.config').config.InlineBackend.instance().print_figure_kwargs)[1],
    'options_in_argv': sys.argv[1:2] + sys.argv[3:],
    'transformer': type(get_ipython().input_transformer_manager).__name__,
    'cell_hash': __import__('ipykernel.compiler').compiler.murmur2_x86.__module__,
    'streams': sorted({type(sys.stdout).__name__, type(sys.stderr).__name__}),
    'shell_stream': type(get_ipython().kernel.shell_stream).__name__,
    'collector': __import__('gc').isenabled(),
    'debugger_module_list': len(get_ipython().kernel._kernel_modules),
    'ipykernel_sees_sys': __import__('ipykernel.ipkernel').ipkernel.sys is sys,
    'threads': sorted(__import__('re').sub(r'^Thread-\\d+ ', '', thread.name) for thread in __import__('threading').enumerate()),
    'etc': sorted(name for name in ('ld.so.cache', 'passwd', 'group', 'nsswitch.conf') if os.access('/etc/' + name, os.R_OK)),
    'user': pwd.getpwuid(os.getuid()).pw_name,
    'unread_sources': unread,
    'stack_lines': [frame.filename for frame in traceback.extract_stack() if not frame.line and has_file(frame.filename)],
}))
"""


@pytest.fixture(autouse=True)
def fresh_templates() -> Iterator[None]:
    """Each test starts its own template and stops it, so none outlives the test."""
    warm._stop_all()
    yield
    warm._stop_all()
    assert sandbox_leftovers() == []


def executed(cells: list[str], limits: Limits) -> tuple[NotebookRun, NotebookNode]:
    """A notebook of these code cells, run to its end (whatever a cell raises), and how the run went."""
    notebook: NotebookNode = new_notebook(cells=[new_code_cell(code) for code in cells])
    outcome = asyncio.run(run_notebook(notebook, limits=limits))
    assert outcome.stopped is None, outcome.stopped
    return outcome, notebook


def run(cells: list[str], limits: Limits) -> tuple[NotebookRun, list[str]]:
    outcome, notebook = executed(cells, limits)
    assert all(cell.status == "ok" for cell in outcome.cells.values()), outcome.cells
    printed = ["".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells]
    return outcome, printed


def template_pid() -> int:
    (template,) = warm._templates.values()
    return template.host_pid


def test_successive_submissions_see_nothing_of_each_other() -> None:
    _, first = run([LEAVE_MARKS, DRAW], WARM)
    pid = template_pid()
    _, second = run([FIND_MARKS, DRAW], WARM)
    assert template_pid() == pid, "both submissions should be forks of one template"
    assert second[0].strip() == "[]", f"the second submission found the first's marks: {second[0]}"
    _, third = run([DRAW], WARM)
    draws = [json.loads(first[1]), json.loads(second[1]), json.loads(third[0])]
    for generator, values in zip(("random", "numpy", "torch"), zip(*draws)):
        assert len(set(values)) == 3, f"{generator} drew the same numbers in different submissions: {values}"


def test_submissions_graded_at_once_by_threads_see_nothing_of_each_other() -> None:
    """A batch's workers are threads sharing one template: two kernels alive at once are still strangers."""
    outcomes: dict[str, list[str]] = {}

    def grade_one(name: str, cells: list[str]) -> None:
        outcomes[name] = run(cells, WARM)[1]

    # The first leaves its marks and stays alive while the second, started once they are made, looks.
    first = threading.Thread(target=grade_one, args=("first", [LEAVE_MARKS, "import time\ntime.sleep(6)", DRAW]))
    first.start()
    deadline = time.monotonic() + 120
    while not warm._templates and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2)
    second = threading.Thread(target=grade_one, args=("second", [FIND_MARKS, DRAW]))
    second.start()
    first.join()
    second.join()
    assert len(warm._templates) == 1, "both kernels should be forks of one template"
    assert outcomes["second"][0].strip() == "[]", f"the second kernel found the first's marks: {outcomes['second'][0]}"
    assert json.loads(outcomes["first"][2]) != json.loads(outcomes["second"][1])


def test_a_template_outlives_the_thread_that_started_it() -> None:
    """bubblewrap's parent-death signal follows the thread that started it; the template must not."""
    warm.prestart(WARM)
    template = warm.template_for(WARM)  # waits for the one the prestart thread is starting
    assert template is not None
    deadline = time.monotonic() + 10
    while any(t.name == "template-prestart" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert template.alive(), "the template died with the thread that started it"
    run(["1 + 1"], WARM)
    assert template_pid() == template.host_pid


def test_prestart_returns_while_a_template_is_starting() -> None:
    """A batch calls `prestart` again after the command line's call: it must not wait for the template that
    call is starting, and the grader's own work before its first kernel (collecting its garbage, importing
    the tests' modules) goes on meanwhile."""
    modules = preload.for_code(["import torch"])  # seconds of imports: still starting when the second call comes
    warm.prestart(WARM, modules)
    warm.prestart(WARM, modules)
    assert not warm._templates, "the second prestart waited for the template to be ready"
    template = warm.template_for(WARM)
    assert template is not None and template.modules == modules


def test_prestart_preloads_what_the_notebooks_import() -> None:
    warm.prestart(WARM, preload.for_code(["import numpy"]))
    _, printed = run(["import sys\nprint('numpy' in sys.modules, 'torch' in sys.modules)"], WARM)
    assert printed[0].split() == ["True", "False"], "the template should import numpy, and not torch"


@pytest.mark.parametrize(("notebook_code", "use", "packages"), [
    # Kernels that draw do not each import matplotlib's Agg canvas and Pillow's plugins.
    ("import matplotlib.pyplot as plt", "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.title('a line')\nplt.show()",
     ("PIL", "matplotlib.")),
    # Nor do kernels that print and save tensors import torch's dispatch-mode checks and serialization settings.
    ("import torch", "import io, torch\nprint(torch.ones(2))\ntorch.save(torch.ones(2), io.BytesIO())", ("torch",)),
], ids=["figures", "tensors"])
def test_a_template_imports_what_first_use_imports(notebook_code: str, use: str, packages: tuple[str, ...]) -> None:
    warm.prestart(WARM, preload.for_code([notebook_code]))
    _, printed = run(["import sys\nbefore = set(sys.modules)", use,
                      f"print(sorted(m for m in set(sys.modules) - before if m.startswith({packages!r})))"], WARM)
    assert printed[2].strip() == "[]"


def facts(limits: Limits) -> dict:
    source = REPO / "source" / "00_tensors" / "tensors.ipynb"
    setup = f"SOURCE = {str(source)!r}\nimport ipykernel.connect\nCONNECTION = ipykernel.connect.get_connection_file()"
    preloaded = "import sys\nPRELOADED = 'torch' in sys.modules"
    # Imports set environment variables (sklearn's KMP_*, dynamo's TORCHINDUCTOR_CACHE_DIR): import in both.
    imports = "import importlib\nfor name in %r:\n    importlib.import_module(name)" % warm.preload_modules()
    _, printed = run([preloaded, setup, imports, FACTS + "\nprint(PRELOADED)"], limits)
    found = json.loads(printed[3].splitlines()[0])
    found["torch_preloaded"] = printed[3].splitlines()[1] == "True"
    return found


def test_forked_kernel_is_jailed_like_a_cold_one() -> None:
    forked = facts(WARM)
    (template,) = warm._templates.values()
    assert template.ready["collections"] == 0, "the template should import with the garbage collector off"
    cold = facts(COLD)
    assert forked["torch_preloaded"] and not cold["torch_preloaded"], "the warm kernel should come from the template"
    assert forked["uid"] == forked["gid"] == 65534 and forked["groups"] == []
    # The host files the jail binds into /etc can be read (the dynamic loader's cache above all), and name the user.
    assert forked["etc"] == ["group", "ld.so.cache", "nsswitch.conf", "passwd"] and forked["user"] == "nobody"
    assert set(forked["caps"].values()) == {"0000000000000000"}, forked["caps"]
    assert forked["no_new_privs"] == "1"
    assert "Network is unreachable" in forked["network"], forked["network"]
    assert forked["source"] in {"FileNotFoundError", "PermissionError"}
    # Its own PID namespace, with an init (1) and the kernel (2): no template, no other kernel.
    assert forked["pid"] == 2 and forked["processes"][:2] == [1, 2]
    # Of the runtime folder, only its own kernel's folder; in it, only its connection file and sockets.
    assert forked["runtime_siblings"] == [forked["own_name"]], forked["runtime_siblings"]
    assert all(name == "kernel.json" or name.startswith("kernel-") for name in forked["own_folder"])
    # Both started with the grader's kernel options (`sandbox.KERNEL_OPTIONS`).
    assert forked["traceback_mode"] == "Plain" and forked["execute_sleep"] == 0 and not forked["history_saved"]
    assert forked["figure_options"] == {"bbox_inches": None}
    # The same command line, which forked kernels take as config parsed once, in the template; nbclient adds
    # a history file to a cold kernel's, for the history both keep off.
    assert forked["options_in_argv"] == ["-f", *KERNEL_OPTIONS]
    assert [option for option in cold["options_in_argv"] if not option.startswith("--HistoryManager.hist_file=")] \
        == forked["options_in_argv"]
    # Only forked kernels take the shortcuts through IPython's passes; what cells show is the same (below).
    assert (forked["transformer"], cold["transformer"]) == ("PythonFirstTransformer", "TransformerManager")
    assert (forked["cell_hash"], cold["cell_hash"]) == ("kernel_shortcuts", "ipykernel.compiler")
    assert (forked["streams"], cold["streams"]) == (["QuietFlushStream"], ["OutStream"])
    assert (forked["shell_stream"], cold["shell_stream"]) == ("ShellReplyStream", "ZMQStream")
    # Forked kernels read the shell channel on the main thread; ipykernel's own has a thread for it.
    assert "Shell channel" in cold["threads"], cold["threads"]
    assert forked["threads"] == [name for name in cold["threads"] if name != "Shell channel"], forked["threads"]
    # ipykernel lists the modules loaded before a kernel for its debugger; forked kernels, which no one
    # debugs, skip the list, and ipykernel's kernel module sees the real `sys` again once the kernel is built.
    assert forked["debugger_module_list"] == 0 and cold["debugger_module_list"] > 100, cold["debugger_module_list"]
    assert forked["ipykernel_sees_sys"] and cold["ipykernel_sees_sys"]
    # A stack trace finds the line of every frame, and reads no file to do so: a cold kernel read them when a
    # cell imported torch (which formats the stack); a fork has them from the template, which also keeps the
    # lines of its own script, out of the kernel's sight (`zygote.cache_source_lines`).
    assert forked["unread_sources"] == cold["unread_sources"] == [], (forked["unread_sources"], cold["unread_sources"])
    assert forked["stack_lines"] == cold["stack_lines"] == [], (forked["stack_lines"], cold["stack_lines"])
    # The template imports without the garbage collector; its forks have it on, as a cold kernel does.
    assert forked["collector"] and cold["collector"]
    for key in ("uid", "gid", "groups", "etc", "user", "caps", "no_new_privs", "network", "source", "hostname", "cwd", "pid",
                "path", "backend", "traceback_mode", "execute_sleep", "history_saved", "figure_options", "collector"):
        assert forked[key] == cold[key], (key, forked[key], cold[key])
    assert forked["env"] == cold["env"]


def shown(cells: list[str], limits: Limits) -> list[list[dict]]:
    """What each cell of a notebook shows, run to its end whatever fails.

    Consecutive writes to one stream count as one output, as a notebook shows them: into how many messages
    a kernel splits a `print` depends on when its output thread flushes (`2` and a newline, now and then).
    """
    _, notebook = executed(cells, limits)
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, {})
    return [[{key: value for key, value in output.items() if key != "metadata"} for output in cell.outputs]
            for cell in notebook.cells]


def shown_alike(cells: list[str]) -> list[list[dict]]:
    """What each cell shows in a cold kernel, having checked that a forked kernel shows the same."""
    forked, cold = shown(cells, WARM), shown(cells, COLD)
    for cell, forked_outputs, cold_outputs in zip(cells, forked, cold, strict=True):
        assert forked_outputs == cold_outputs, cell
    return cold


def test_forked_kernels_show_what_cold_ones_show_for_ipython_syntax() -> None:
    """Forked kernels skip IPython's token pass on valid Python and its await check on cells without
    `await` or `async` (`kernel_shortcuts`); a cold kernel runs both on every cell."""
    cold = shown_alike(IPYTHON_SYNTAX)
    assert any(output.get("ename") == "IndentationError" for outputs in cold for output in outputs)


# Cells that write to stdout and stderr around displays, errors, threads and flushes of their own: forked
# kernels skip flushes with nothing to send (`kernel_shortcuts.QuietFlushStream`), and no output may be lost
# or land in another cell for it.
STREAMS = [
    "print('out')",
    "import sys\nprint('err', file=sys.stderr)\nprint('out again')",
    "import sys\nsys.stdout.write('no newline')",
    "import sys\nsys.stdout.flush()\nsys.stderr.flush()",
    "from IPython.display import display\nprint('before')\ndisplay('shown')\nprint('after')",
    "print('then fails')\nraise ValueError('boom')",
    "import threading\nthread = threading.Thread(target=print, args=('from a thread',))\nthread.start()\nthread.join()",
    "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.01)",
    "print('last value next')\n42",
    "",
]


def test_forked_kernels_show_what_cold_ones_show_of_streams() -> None:
    cold = shown_alike(STREAMS)
    assert cold[0] == [{"output_type": "stream", "name": "stdout", "text": "out\n"}]
    assert [output.get("text") for output in cold[4] if output["output_type"] == "stream"] == ["before\n", "after\n"]


def test_each_cells_output_stays_with_it() -> None:
    """Three hundred cells in a row, each printing to a stream: every cell shows exactly what it printed."""
    cells = [f"import sys\nprint({i}, file=sys.stderr if {i} % 3 else sys.stdout)" for i in range(300)]
    _, printed = run(cells, WARM)
    assert printed == [f"{i}\n" for i in range(300)]


# Cells that show the name of their own code's file, which ipykernel makes from a hash of the code: UTF-8
# lengths that leave 0 to 3 bytes after the last 4-byte block, and characters of 1 to 4 bytes.
NAMED_BY_HASH = [
    "import warnings\nwarnings.warn('named after its code')",
    "import inspect\ndef f():\n    pass\nprint(inspect.getfile(f))",
    "import inspect\ndef g():\n    return 'é'\nprint(inspect.getfile(g))",
    "import inspect\ndef h():\n    return '€ 🙂'\nprint(inspect.getfile(h), h())",
    "import inspect\ndef k():\n    return 'abcd'\nprint(inspect.getfile(k))",
]


def test_forked_kernels_name_cells_as_cold_ones_do() -> None:
    """Forked kernels hash each cell's code with `kernel_shortcuts.murmur2_x86`, cold ones with ipykernel's own."""
    assert sorted({len(cell.encode()) % 4 for cell in NAMED_BY_HASH}) == [0, 1, 2, 3]
    cold = shown_alike(NAMED_BY_HASH)
    assert "named after its code" in cold[0][0]["text"] and ".py" in cold[1][0]["text"]


def shown_figure_size(limits: Limits) -> tuple[int, int]:
    """Width and height in pixels of the PNG a kernel shows for a 4 x 3 inch figure at 100 dpi."""
    notebook = new_notebook(cells=[new_code_cell(
        "import matplotlib.pyplot as plt\nfigure, axes = plt.subplots(figsize=(4, 3), dpi=100)\n"
        "axes.plot([0, 1], [0, 1])\naxes.set_title('a line')\nplt.show()"
    )])
    outcome = asyncio.run(run_notebook(notebook, limits=limits))
    assert outcome.cells[0].status == "ok", outcome.cells
    (png,) = [output["data"]["image/png"] for output in notebook.cells[0].outputs if "image/png" in output.get("data", {})]
    width, height = struct.unpack(">II", base64.b64decode(png)[16:24])  # the PNG header's IHDR chunk
    return width, height


# Figures with text in several sizes, weights and scripts: forked kernels share what the template's own figure
# left in matplotlib's caches (`zygote.draw_a_figure`), cold ones start without it.
FIGURES = [
    "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 3], label='a line')\nplt.title('a title')\nplt.legend()\nplt.show()",
    "import matplotlib.pyplot as plt\nfigure, axes = plt.subplots(figsize=(7, 4.5))\n"
    "axes.scatter([0, 1, 2], [2, 1, 0], s=4, c='g', label='points')\naxes.set_xlabel('x', fontsize=14)\n"
    "axes.set_ylabel('y', fontweight='bold')\naxes.legend(prop={'size': 12})\nplt.show()",
    "import matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [1, 2])\nplt.text(0, 1.5, 'é € $x^2$', style='italic')\nplt.show()",
]
FONTS_LOOKED_UP = "from matplotlib import font_manager\nprint(font_manager.FontManager._findfont_cached.cache_info().currsize)"


def test_forked_kernels_draw_what_cold_ones_draw() -> None:
    """Once ready, the template draws a figure of its own: forks made after it share what matplotlib does on
    a process's first figure (it looks up its fonts before the kernel runs anything), and show every figure
    as a cold kernel does, byte for byte."""
    warm.prestart(WARM, preload.for_code(["import matplotlib.pyplot as plt"]))
    deadline = time.monotonic() + 60
    while (looked_up := int(run([FONTS_LOOKED_UP], WARM)[1][0])) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)  # the template draws when no kernel is wanted; the first fork comes before it
    assert looked_up > 0, "no kernel forked from the template found matplotlib's font lookups made"
    assert int(run([FONTS_LOOKED_UP], COLD)[1][0]) == 0
    cold = shown_alike(FIGURES)
    assert [sorted(output["data"]) for outputs in cold for output in outputs] == [["image/png", "text/plain"]] * 3


def test_kernels_show_figures_whole() -> None:
    """Figures come out as `savefig` draws them by default, the whole canvas, in forked and cold kernels alike:
    the inline backend's tight crop (its default) would draw every figure twice, once to measure it."""
    assert shown_figure_size(WARM) == shown_figure_size(COLD) == (400, 300)


def test_a_kernel_killed_midway_leaves_the_template_serving() -> None:
    outcome, _ = run(["1 + 1"], WARM)
    pid = template_pid()
    notebook = new_notebook(cells=[new_code_cell("import os\nos._exit(3)"), new_code_cell("1 + 1")])
    died = asyncio.run(run_notebook(notebook, limits=WARM))
    assert died.cells[0].status == "died" and died.cells[1].status == "not_run"
    run(["1 + 1"], WARM)
    assert template_pid() == pid


def test_a_fork_that_fails_leaves_the_kernels_forked_before_it_running(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed fork retires the template; the kernels it forked for other submissions finish their notebooks,
    and the template stops once the last of them is done."""
    finished: dict[str, list[str]] = {}

    def fork_fails(*_: object) -> None:  # a kernel the template did not deliver: too slow to start, say
        raise warm.ForkFailed("the forked kernel did not start in time")

    def grade_slow() -> None:
        finished["slow"] = run(["import time\ntime.sleep(5)", "print('done')"], WARM)[1]

    slow = threading.Thread(target=grade_slow)
    slow.start()
    deadline = time.monotonic() + 120
    while not warm._templates and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2)  # the slow submission's kernel is forked and sleeping
    (template,) = warm._templates.values()
    monkeypatch.setattr(template, "fork", fork_fails)  # the next fork fails: that submission starts cold
    _, printed = run(["import sys\nprint('torch' in sys.modules)"], WARM)
    assert printed[0].strip() == "False", "the notebook should have run in a cold kernel"
    assert template.alive(), "the template should serve the slow submission's kernel until it is done"
    slow.join()
    assert finished.get("slow", [None, None])[1] == "done\n", "the slow submission's kernel died with the template"
    assert not template.alive() and not template.runtime.exists(), "a retired template should stop after its last run"


def huge_pages_unavailable() -> str | None:
    """Why MADV_COLLAPSE cannot work on this machine, or None."""
    major, minor = (int(part) for part in platform.release().split(".")[:2])
    if (major, minor) < (6, 1):
        return f"MADV_COLLAPSE needs Linux 6.1+, not {platform.release()}"
    enabled = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not enabled.exists() or "[never]" in enabled.read_text():
        return "transparent huge pages are off on this machine"
    return None


def anonymous_kib(pid: int) -> dict[str, int]:
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    return {line.split()[0].rstrip(":"): int(line.split()[1]) for line in rollup if line.startswith("Anon")}


@pytest.mark.skipif(huge_pages_unavailable() is not None, reason=str(huge_pages_unavailable()))
def test_the_template_backs_its_memory_with_huge_pages_between_forks() -> None:
    """Cheap forks: while no kernel is wanted, the template moves its anonymous memory into 2 MiB pages."""
    run(["1 + 1"], WARM)
    pid = template_pid()
    deadline = time.monotonic() + 30
    while (memory := anonymous_kib(pid))["AnonHugePages"] < memory["Anonymous"] // 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert memory["AnonHugePages"] >= memory["Anonymous"] // 2, f"the template's memory in kB: {memory}"
    _, printed = run(["import sys\nprint('torch' in sys.modules)"], WARM)
    assert printed[0].strip() == "True" and template_pid() == pid, "forks should go on from the same template"


def test_grading_in_one_process_gives_back_every_descriptor() -> None:
    """A batch grades thousands of submissions in one process: a descriptor kept per kernel would run out."""
    run(["1 + 1"], WARM)  # the template, and what the process keeps for good
    gc.disable()  # what leaks must show, not wait for a collection to close it
    try:
        before = sorted(os.listdir("/proc/self/fd"), key=int)
        for _ in range(3):
            run(["print(1)"], WARM)
        after = sorted(os.listdir("/proc/self/fd"), key=int)
    finally:
        gc.enable()
    assert after == before, f"{len(after) - len(before)} more descriptors open after three gradings"


def test_kernels_start_and_stop_with_descriptors_numbered_above_1023() -> None:
    """Many kernels at once mean many descriptors: select(2) would fail past 1023, so none may use it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip(f"this process may open only {hard} descriptors")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    null = os.open(os.devnull, os.O_RDONLY)
    fillers = [os.dup(null) for _ in range(1100)]  # the kernel's descriptors come after these
    try:
        _, printed = run(["print(6 * 7)"], WARM)
    finally:
        for fd in [null, *fillers]:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert printed[0].strip() == "42"


def test_cold_start_still_grades(toy_course: Course, tmp_path: Path) -> None:
    submission = toy_course.solutions / "toy" / TOY_NOTEBOOK
    result = grade(toy_course, "toy", submission, tmp_path / "out", [*FAST_LIMITS, "start=cold"])
    assert result["status"] == "pass" and result["score"] == 7
    assert all(test["status"] == "pass" for test in by_name(result).values())


def test_a_template_that_cannot_fork_falls_back_to_cold() -> None:
    check = "import sys\nprint('torch' in sys.modules)"
    _, printed = run([check], WARM)
    assert printed[0].strip() == "True"
    (template,) = warm._templates.values()
    template.control.close()  # the template can no longer be asked for a fork
    _, printed = run([check], WARM)
    assert printed[0].strip() == "False", "the notebook should have run in a cold kernel"
    assert template not in warm._templates.values()
    _, printed = run([check], WARM)
    assert printed[0].strip() == "True", "the next submission should get a new template"


def test_the_setup_built_the_font_list_templates_start_from() -> None:
    lists = sorted(warm.FONT_LIST.glob("fontlist-*.json"))
    assert lists, f"no matplotlib font list in {warm.FONT_LIST}: scripts/setup.sh should build it"
    assert json.loads(lists[0].read_text())["ttflist"], "the font list should name the fonts"


def test_a_template_starts_from_the_font_list_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template copies the setup's font list into its matplotlib cache before importing matplotlib, so its
    kernels see that list, not one built again: here a copy with one more entry, which only the copy names. The
    copy sits beside the setup's, in the environment, which the jail shows (a temporary folder it would not)."""
    original = next(warm.FONT_LIST.glob("fontlist-*.json"))
    built = json.loads(original.read_text())
    built["ttflist"] = [*built["ttflist"], dict(built["ttflist"][0], name="Katas Marker Sans")]
    folder = warm.FONT_LIST.parent / f"font-list-test-{os.getpid()}"
    folder.mkdir()
    try:
        (folder / original.name).write_text(json.dumps(built))
        monkeypatch.setattr(warm, "FONT_LIST", folder)
        template = warm.Zygote(WARM, ["matplotlib.pyplot", *preload.KERNEL])
        try:
            notebook = new_notebook(cells=[new_code_cell(
                "import matplotlib.font_manager as fm\nprint(sorted({f.name for f in fm.fontManager.ttflist}))")])
            outcome = asyncio.run(run_module._run(notebook, WARM, template, seed=0))
        finally:
            template.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert outcome.cells[0].status == "ok", outcome.cells
    names = "".join(output.get("text", "") for output in notebook.cells[0].outputs)
    assert "Katas Marker Sans" in names, names
