"""A student's view in a real browser: JupyterLab, a released notebook, an answer typed in, the check's verdict.

The test starts its own JupyterLab on 127.0.0.1 (a free port, a token, its own
config, data and settings folders) over a temporary folder laid out as after
`nbgrader fetch_assignment`, drives headless Chromium with Playwright, saves a
screenshot under test-artifacts/browser/, and stops JupyterLab at the end.
Playwright cannot download its browser here: it launches Debian's chromium
(`apt-get install chromium`; .ci/run installs it when missing).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
# Each wait is bounded; the kernel imports torch on a shared CPU, so the first output may take a while.
PAGE_TIMEOUT_MS = int(os.environ.get("BROWSER_TEST_TIMEOUT_MS", "120000"))
SERVER_START_S = 90

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the `test` extra: make setup")
if not CHROMIUM.is_file():
    pytest.skip("no /usr/bin/chromium: apt-get install -y chromium (.ci/run does it)", allow_module_level=True)


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    root: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _settings(folder: Path) -> None:
    """No news or update toasts over the notebook, and every cell in the page (no windowing)."""
    for plugin, values in {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_until_up(url: str, token: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not answer within {SERVER_START_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab over a folder holding the released 00_tensors notebook, as a student fetched it."""
    root = tmp_path / "student"
    shutil.copytree(REPO / "release" / "00_tensors", root / "00_tensors")
    private = tmp_path / "jupyter"
    _settings(private / "settings")
    (private / "home").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(private / "home"), JUPYTER_CONFIG_DIR=str(private / "config"),
               JUPYTER_DATA_DIR=str(private / "data"), JUPYTER_RUNTIME_DIR=str(private / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(private / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(private / "workspaces"))
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "jupyterlab.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
             f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--allow-root"],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, token, server, log)
        yield Lab(url=url, token=token, root=root)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _prompt(cell: sync_api.Locator) -> str:
    return cell.locator(".jp-InputPrompt").first.inner_text().strip()


def _run(page: sync_api.Page, cell: sync_api.Locator) -> None:
    """Select the cell and press Shift+Enter until its prompt changes.

    A key pressed while the kernel connection is still being set up does nothing
    (the kernel reports idle a little before it takes requests), so try again, a bounded number of times.
    """
    before = _prompt(cell)
    for _ in range(6):
        cell.locator(".jp-InputArea-prompt").click()  # command mode: a read-only cell's editor takes no keys
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_function("([cell, before]) => cell.querySelector('.jp-InputPrompt').textContent.trim() "
                                   "!== before", arg=[cell.element_handle(), before], timeout=10_000)
            return
        except sync_api.TimeoutError:
            continue
    raise AssertionError(f"the cell never ran; its prompt stayed {before!r}")


def _type_into(cell: sync_api.Locator, page: sync_api.Page, lines: list[str]) -> None:
    """Replace a cell's text by typing it, as a person does (the editor indents after a colon)."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for index, line in enumerate(lines):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(line.strip())


def test_student_checks_an_exercise_in_jupyterlab(lab: Lab) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "jupyterlab-check.png"
    screenshot.unlink(missing_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(f"{lab.url}/lab/tree/00_tensors/tensors.ipynb?token={lab.token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")

            cells = page.locator(".jp-Notebook .jp-Cell")
            setup = cells.filter(has_text="from assignments import checks").first
            answer = cells.filter(has_text="def pairwise_dot").first
            visible_test = cells.filter(has_text="_b = torch.tensor").first

            _run(page, setup)
            setup.locator(".jp-OutputArea-output", has_text="PyTorch").wait_for()

            # A new cell under the stub, as a student adds one: the check, run before the stub is filled in.
            answer.locator(".jp-InputArea-prompt").click()
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            page.keyboard.type("from assignments.kata import exercise")
            page.keyboard.press("Enter")
            page.keyboard.type('exercise("pairwise_dot").check()')
            check_cell = cells.filter(has_text='exercise("pairwise_dot").check()').first
            _run(page, answer)
            _run(page, check_cell)
            check_cell.locator(".jp-OutputArea-output", has_text="not attempted yet").wait_for()

            _type_into(answer, page, ["def pairwise_dot(a, b):", "return a @ b.T"])
            _run(page, answer)
            _run(page, check_cell)
            verdict = check_cell.locator(".jp-OutputArea-output", has_text="correct on the visible tests")
            verdict.wait_for()
            _run(page, visible_test)  # the visible test cell: no error this time
            page.wait_for_function("cell => /\\[\\d+\\]/.test(cell.querySelector('.jp-InputPrompt').textContent)",
                                   arg=visible_test.element_handle())
            check_cell.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot))

            assert "1 of 1 passed" in verdict.inner_text()
            assert visible_test.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
            assert visible_test.locator(".jp-OutputArea-output", has_text="Error").count() == 0
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "failure.png"))  # what the page showed when a wait ran out
            raise
        finally:
            browser.close()
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000, "the screenshot was not saved"
