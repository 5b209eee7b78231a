"""`self-check` from inside a notebook: `from grader import self_check` and
`%load_ext grader` + `%self_check`, in a real Python and a real IPython
shell (its display captured as a notebook's front end receives it), the
HTML rendered by a real browser. The student's code runs in processes of
its own, and the checks and messages are the command's."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from conftest import CLI_TIMEOUT, MAX_SCORE, SUBMISSIONS, cli_env, run_cli
from notebooks import class_cells, correct_cells, line_in_cell, write_notebook

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

IPYTHON_SESSION = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
shell = InteractiveShell.instance()
with capture_output() as captured:
    shell.run_cell("%load_ext grader")
    shell.run_cell("%self_check ner_window")
print(json.dumps([dict(o.data) for o in captured.outputs]))
"""


def python(code: str, cwd, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=cli_env(env), capture_output=True, text=True,
                          timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A student's folder holding the class notebook (see tests/notebooks.py)."""
    tmp = tmp_path_factory.mktemp("jupyter")
    write_notebook(tmp / "ner_window.ipynb", class_cells())
    return tmp


def test_importing_grader_imports_next_to_nothing(folder):
    run = python("import sys, grader\nprint(sorted(m for m in ('numpy', 'pydantic', 'IPython', 'nbformat', "
                 "'grader.cli', 'grader.sandbox') if m in sys.modules))", folder)
    assert run.stdout.strip() == "[]", run.stderr


def test_self_check_prints_what_the_command_prints(folder):
    run = python("from grader import self_check\nself_check('ner_window')", folder)
    command = run_cli("self-check", "ner_window.ipynb", cwd=folder)
    assert run.stdout.strip() == command.stdout.strip()
    assert 'File "ner_window.ipynb", cell 5, line 2, in ner_loss_and_grads' in run.stdout


def test_the_notebook_the_kernel_runs_for_is_checked_first(folder):
    write_notebook(folder / "my_work.ipynb", correct_cells())   # as Jupyter tells its kernel
    run = python("from grader import self_check\nself_check('ner_window')", folder, {"JPY_SESSION_NAME": "my_work.ipynb"})
    assert run.stdout.startswith("self-check of my_work.ipynb for ner_window"), run.stdout + run.stderr
    assert f"Score on the public checks: {MAX_SCORE}/{MAX_SCORE}; every check passed" in run.stdout


def test_a_py_twin_of_the_notebook_is_noted_in_the_notebook_too(tmp_path):
    write_notebook(tmp_path / "ner_window.ipynb", correct_cells())
    shutil.copy(SUBMISSIONS / "ada.py", tmp_path / "ner_window.py")
    run = python("from grader import self_check\nself_check('ner_window', 'ner_window.ipynb')", tmp_path)
    assert ("Note: ner_window.py is beside ner_window.ipynb; when a folder of work is graded, ner_window.py is the "
            "one graded, not this notebook") in run.stdout, run.stdout + run.stderr


def test_self_check_names_a_missing_file(tmp_path):
    run = python("from grader import self_check\nself_check('ner_window')", tmp_path)
    assert "error: no file ner_window.ipynb or ner_window.py here" in run.stdout, run.stderr


@pytest.fixture(scope="module")
def displayed(folder):
    """What %self_check displayed in an IPython shell: its text and HTML."""
    run = python(IPYTHON_SESSION, folder)
    assert run.returncode == 0, run.stderr
    [shown] = json.loads(run.stdout.strip().splitlines()[-1])
    return shown


def test_the_magic_reads_quoted_words_as_a_shell_does(folder):
    quoted = IPYTHON_SESSION.replace('"%self_check ner_window"', """'%self_check "ner_window" "ner_window.ipynb"'""")
    run = python(quoted, folder)
    assert run.returncode == 0, run.stderr
    [shown] = json.loads(run.stdout.strip().splitlines()[-1])
    assert "Score on the public checks" in shown["text/plain"]
    unbalanced = IPYTHON_SESSION.replace('"%self_check ner_window"', """'%self_check "ner_window'""")
    unbalanced = unbalanced.replace("print(json.dumps([dict(o.data) for o in captured.outputs]))", "print(captured.stdout)")
    assert "usage: %self_check ASSIGNMENT [FILE]" in python(unbalanced, folder).stdout


def test_the_magic_displays_the_commands_text_and_html(displayed, folder):
    command = run_cli("self-check", "ner_window.ipynb", cwd=folder)
    assert displayed["text/plain"].strip() == command.stdout.strip()
    assert set(displayed) == {"text/plain", "text/html"}


def test_the_html_shows_every_check_with_its_cell_and_line(displayed, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI") == "true":
            pytest.fail("headless Chromium is required when CI=true")
        pytest.skip("headless Chromium is not installed")
    page = tmp_path / "cell.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><body>{displayed['text/html']}</body>", encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        run = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    inline = re.sub(r"</?(b|code)>", "", run.stdout)   # the rendered text: blocks apart, inline tags gone
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).replace("&quot;", '"').replace("&#39;", "'")
    assert "self-check of ner_window.ipynb for ner_window" in text
    assert f"score (cell 3, line {line_in_cell(class_cells(), 3, 'def score(')}): 1/1" in text
    assert "score_grads: 0/4 ERROR import score_grads is defined in cell 4 of ner_window.ipynb" in text
    assert 'File "ner_window.ipynb", cell 5, line 2, in ner_loss_and_grads' in text
    assert "cell 2, line 1: `%matplotlib inline` is IPython's" in text
    assert f"Score on the public checks: {MAX_SCORE - 9}/{MAX_SCORE}" in text


def test_a_package_is_found_in_the_folder_whatever_notebook_the_kernel_runs(tmp_path):
    """fc_net's work is the package cs231n/, not the course's notebook the kernel runs for."""
    shutil.copytree(SUBMISSIONS.parent / "fc_net" / "grace" / "cs231n", tmp_path / "cs231n")
    write_notebook(tmp_path / "FullyConnectedNets.ipynb", correct_cells())
    run = python("from grader import self_check\nself_check('fc_net')", tmp_path,
                 {"JPY_SESSION_NAME": "FullyConnectedNets.ipynb"})
    header = run.stdout.splitlines()[0] if run.stdout else run.stderr
    assert header.startswith("self-check of ") and "cs231n/classifiers/fc_net.py for fc_net" in header, header
    assert "every check passed" in run.stdout
