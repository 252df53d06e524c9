"""The learner's path in JupyterLab: open a chapter, Run All, read it.

JupyterLab runs on 127.0.0.1 on copies of the chapters (so nothing it saves
reaches the repository), with the course's extensions, and headless
Chromium drives it through its menus as a learner would. After Run All:

- no cell ends in an error;
- every solution cell is still collapsed, showing only its first line
  (``%%solution``), and its output is folded in a closed box, so no answer
  shows; every hidden check cell is collapsed too;
- every exercise's answer variable still holds the learner's ``None``;
- no MyST role shows as raw text (``{term}``, ``{cite:p}``, ``{doc}``);
- after a kernel restart, an exercise cell run on its own hints how to run
  the cells above instead of ending in a bare ``NameError``.

The chapters run offline on the simulated twins, as a learner without the
data would run them (the book build runs them on the real data). Chapters
00 and 03 run by default (the Makefile's LAB_NOTEBOOKS, which `make test`
leaves out of its nbval run); ``SMARTMKT_LAB_CHAPTERS=all`` (or a
comma-separated list of numbers) runs others. A screenshot of each
chapter's first exercise is kept under ``_build/screenshots/lab/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.book.conftest import CHROMIUM_FLAGS, REPOSITORY, _chromium_path

pytestmark = pytest.mark.lab

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
jupyter_client = pytest.importorskip("jupyter_client", reason="jupyter_client is not installed")

NOTEBOOKS = REPOSITORY / "notebooks"
SCREENSHOTS = REPOSITORY / "_build" / "screenshots" / "lab"
DEFAULT_CHAPTERS = ("00", "03")
RUN_ALL_TIMEOUT_MS = 240_000
# A MyST role left unrendered: "{term}`seed`" shows as "{term}seed" once
# the plain Markdown renderer has turned the backticks into code.
RAW_ROLE = re.compile(r"\{[a-z][a-z:-]*\}`?\S")
ANSWER = re.compile(r"^(\w+) = None\b", re.MULTILINE)
# Lab settings for a quiet, fully drawn notebook: every cell in the page
# (not only those in view), and no news or update pop-ups.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def _chapters() -> list[Path]:
    wanted = os.environ.get("SMARTMKT_LAB_CHAPTERS", ",".join(DEFAULT_CHAPTERS))
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if wanted.strip() == "all":
        return paths
    numbers = {number.strip().zfill(2) for number in wanted.split(",")}
    return [path for path in paths if path.name[:2] in numbers]


def _cell_text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def exercise_cells(notebook: dict) -> list[tuple[int, str]]:
    """(cell index, answer variable) of each cell where a learner answers."""
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        text = _cell_text(cell)
        if (cell["cell_type"] == "code" and not cell["metadata"].get("tags")
                and "check_exercise(" in text and ANSWER.search(text)):
            cells.append((index, ANSWER.search(text).group(1)))
    return cells


def solution_cells(notebook: dict) -> list[int]:
    return [index for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and _cell_text(cell).startswith("%%solution")]


def hidden_cells(notebook: dict) -> list[int]:
    """The cells the book leaves out (hidden checks): collapsed in Lab too."""
    return [index for index, cell in enumerate(notebook["cells"])
            if "remove-cell" in cell["metadata"].get("tags", [])]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[dict]:
    """JupyterLab on 127.0.0.1, serving copies of the chapters."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    for path in _chapters():
        shutil.copy(path, root / "notebooks" / path.name)
    # the stored results a chapter reads from ../benchmarks/results
    (root / "benchmarks").symlink_to(REPOSITORY / "benchmarks", target_is_directory=True)
    settings = root / ".lab-settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    runtime = root / ".runtime"
    empty_cache = root / ".no-data"
    empty_cache.mkdir()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime),
               # the course's own kernel spec, whatever else JUPYTER_PATH lists
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
               # offline, on the simulated twins: `make test` runs these
               # chapters here instead of under nbval, so they still run
               # once on each data path (the book runs them on the real data)
               SMARTMKT_OFFLINE="1", SMARTMKT_DATA_HOME=str(empty_cache))
    port = _free_port()
    log = (root / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={settings}",
         f"--LabApp.workspaces_dir={root / '.workspaces'}",
         "--ServerApp.disable_check_xsrf=True",  # the test calls the REST API itself
         "--LabApp.extension_manager=readonly", "--LabApp.news_url=None"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(root / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.25)
        yield {"base": base, "root": root, "runtime": runtime}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium_path()
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def _kernel_client(lab: dict, name: str):
    """A client of the kernel JupyterLab started for notebook ``name``."""
    with urllib.request.urlopen(f"{lab['base']}/api/sessions") as response:
        sessions = json.load(response)
    (session,) = [s for s in sessions if s["path"] == f"notebooks/{name}"]
    client = jupyter_client.BlockingKernelClient(
        connection_file=str(lab["runtime"] / f"kernel-{session['kernel']['id']}.json"))
    client.load_connection_file()
    # No kernel_info handshake: the kernel is busy with Run All, and answers
    # only when it is done. A moment lets the output channel subscribe.
    client.start_channels()
    time.sleep(1)
    return client, session


def _run(client, code: str, timeout: float = 120) -> tuple[str, list[dict]]:
    """Run ``code`` in the kernel; return its printed text and error outputs."""
    printed, errors = [], []

    def keep(message):
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind == "error":
            errors.append(content)

    client.execute_interactive(code, output_hook=keep, timeout=timeout, store_history=False)
    return "".join(printed), errors


def _restart(lab: dict, session: dict, client, attempts: int = 5) -> None:
    """Restart the notebook's kernel through Lab's REST API and wait for it.

    Our client watches the kernel's heartbeat, which stops while the process
    is replaced; on a loaded machine the first ``kernel_info`` can come before
    the heartbeat is back, and ``wait_for_ready`` then calls the kernel dead.
    Lab answers the restart only once the new kernel replies, so the test
    asks again after a pause instead of failing.
    """
    urllib.request.urlopen(urllib.request.Request(
        f"{lab['base']}/api/kernels/{session['kernel']['id']}/restart", method="POST"))
    for attempt in range(1, attempts + 1):
        try:
            client.wait_for_ready(timeout=120)
            return
        except RuntimeError:
            if attempt == attempts:
                raise
            time.sleep(2)


@pytest.mark.parametrize("path", _chapters(), ids=lambda path: path.stem)
def test_run_all_in_jupyterlab_keeps_the_learners_answers(lab, browser, path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    answers = exercise_cells(notebook)
    solutions = solution_cells(notebook)
    assert answers and solutions, f"{path.name} has no exercises"

    code_cells = sum(cell["cell_type"] == "code" for cell in notebook["cells"])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    client = session = None
    try:
        page.goto(f"{lab['base']}/lab/tree/notebooks/{path.name}?reset")  # only this one open
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=60_000)
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        page.wait_for_selector(".jp-CodeCell .jp-InputPrompt:has-text('*')", timeout=30_000)

        # Lab sends every cell to the kernel at once; a request of ours,
        # sent after them, runs when they are done (the prompts of collapsed
        # cells are hidden, so the page cannot tell).
        client, session = _kernel_client(lab, path.name)
        ran, _ = _run(client, "print(len(In) - 1)", timeout=RUN_ALL_TIMEOUT_MS / 1000)
        tracebacks = page.locator(".jp-OutputArea-output:has-text('Traceback')")
        assert ran.strip() == str(code_cells), (
            f"Run All stopped after {ran.strip() or 'an error, at'} of {code_cells} cells: "
            f"{tracebacks.all_inner_texts()[:1]}")
        assert tracebacks.count() == 0, f"an error: {tracebacks.all_inner_texts()[:1]}"

        cells = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell")
        assert cells.count() == len(notebook["cells"])
        try:  # the last outputs reach the page after the kernel is done (later on a busy machine)
            page.wait_for_function(
                "n => document.querySelectorAll('details.smartmkt-solution').length >= n",
                arg=len(solutions), timeout=120_000)
        except sync_api.TimeoutError:
            pass  # the assertions below say which solution is missing
        for index in hidden_cells(notebook):
            placeholder = cells.nth(index).locator(".jp-InputPlaceholder")
            assert placeholder.count() == 1, f"hidden cell {index} is open in Lab"
        for index in solutions:
            cell = cells.nth(index)
            placeholder = cell.locator(".jp-InputPlaceholder")
            assert placeholder.count() == 1, f"solution cell {index} is open"
            # a collapsed cell shows its first line: the magic, not the solution
            assert placeholder.inner_text().strip().startswith("%%solution"), placeholder.inner_text()
            shown = cell.locator(".jp-OutputArea-output")
            folded = cell.locator("details.smartmkt-solution:not([open])")
            assert shown.count() == folded.count() == 1, (
                f"solution cell {index} does not fold its output: {shown.all_inner_texts()}")
            assert not folded.locator(".smartmkt-check").first.is_visible()

        text = "\n".join(cells.locator(".jp-RenderedMarkdown").all_inner_texts())
        assert not RAW_ROLE.findall(text), f"raw MyST on screen: {RAW_ROLE.findall(text)[:5]}"

        cells.nth(solutions[0]).scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))

        names = [name for _, name in answers]
        printed, errors = _run(client, f"print(repr([globals().get(n, '<missing>') for n in {names!r}]))")
        assert not errors
        assert printed.strip() == repr([None] * len(names)), (
            f"after Run All the answer variables {names} hold {printed.strip()}")

        # After a restart, the first exercise run on its own asks for the cells above.
        _restart(lab, session, client)
        first_exercise = _cell_text(notebook["cells"][answers[0][0]])
        printed, errors = _run(client, first_exercise)
        assert [error["ename"] for error in errors] == ["NameError"]
        assert "Run > Run All Above Selected Cell" in printed
    finally:
        page.close()
        if client is not None:
            client.stop_channels()
            urllib.request.urlopen(urllib.request.Request(
                f"{lab['base']}/api/sessions/{session['id']}", method="DELETE"))
