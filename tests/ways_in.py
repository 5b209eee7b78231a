"""Helpers to run the ways in that a platform starts (Gradescope's
autograder, a student's pytest) as they run there, and to read what they
write; shared by the tests of every package that goes through them."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

from conftest import CLI_TIMEOUT, cli_env

# Gradescope's documented fields (autograder specification), top level and per test
GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                  "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
                   "tags", "visibility", "extra_data"}
GRADESCOPE_VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}


def check_gradescope_fields(data: dict) -> None:
    assert set(data) <= GRADESCOPE_TOP
    assert data["visibility"] in GRADESCOPE_VISIBILITY and data["stdout_visibility"] in GRADESCOPE_VISIBILITY
    for test in data["tests"]:
        assert set(test) <= GRADESCOPE_TEST, set(test) - GRADESCOPE_TEST
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert test["visibility"] in GRADESCOPE_VISIBILITY
        assert test.get("status", "passed") in {"passed", "failed"}
        assert ("score" in test) == ("max_score" in test)


def autograder(root: Path, files: dict[str, Path | str], metadata: dict | None = None) -> Path:
    """A Gradescope-like root folder holding the given upload."""
    upload = root / "submission"
    upload.mkdir(parents=True)
    for name, source in files.items():
        (upload / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copy(source, upload / name)
        else:
            (upload / name).write_text(source, encoding="utf-8")
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return root


def install_autograder(zip_path: Path, root: Path, site: Path) -> Path:
    """Unpack the autograder zip into root/source as Gradescope does, and put
    its wheel where setup.sh's pip install would (in `site`, without its
    dependencies, which this environment has): root/venv/bin/grade runs it.
    Returns the wheel's file."""
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    [wheel] = (root / "source").glob("*.whl")
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
                              str(site), str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    grade = root / "venv" / "bin" / "grade"
    grade.parent.mkdir(parents=True)
    grade.write_text(f'#!/bin/sh\nPYTHONPATH="{site}" exec "{sys.executable}" -c "import sys; '
                     f'from grader.cli import grade_main; sys.exit(grade_main())" "$@"\n')
    grade.chmod(0o755)
    return wheel


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    """Gradescope's run of run_autograder, with $AUTOGRADER_ROOT standing in for /autograder."""
    return subprocess.run(["bash", str(root / "source" / "run_autograder")], env={"AUTOGRADER_ROOT": str(root),
                          "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=300)


def results(root: Path) -> dict:
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


PLUGIN = "grader.cli.pytest_plugin"


def installed() -> bool:
    return any(e.value == PLUGIN for e in entry_points(group="pytest11"))


def run_pytest(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    """pytest in `cwd` (with `env` added to the environment); (the run, {node name: failure text or None or 'skipped'})."""
    env = cli_env(env)
    extra = []
    if not installed():  # not pip-installed here: load the plugin by name, as the entry point would
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        extra = ["-p", PLUGIN]
    report = cwd / "report.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra, f"--junitxml={report}",
                          *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                         stdin=subprocess.DEVNULL)
    items = {}
    if report.is_file():
        for case in ET.parse(report).getroot().iter("testcase"):
            failure = case.find("failure")
            items[f"{case.get('classname')}::{case.get('name')}"] = (
                failure.text if failure is not None else "skipped" if case.find("skipped") is not None else None)
    return run, items
