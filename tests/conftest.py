"""Shared fixtures: the project's folders, the command line run as a real
subprocess, one graded run of the bundled submissions reused by every test
that reads its reports, and helpers to write assignment copies and
submissions into temporary folders."""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

import grader

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = ROOT / "assignments" / "ner_window"
SUBMISSIONS = ROOT / "submissions" / "ner_window"
CORRECT = SUBMISSIONS / "ada.py"
GRADER_HOME = Path(grader.__file__).resolve().parent.parent

CLI_TIMEOUT = 180  # seconds; a run that takes longer is hung, not slow

# The bundled ner_window assignment's graded functions and their points.
FUNCTIONS = ["window_vectors", "window_vectors_backward", "score", "score_grads", "ner_loss_and_grads"]
POINTS = {"window_vectors": 1, "window_vectors_backward": 2, "score": 1, "score_grads": 4, "ner_loss_and_grads": 5}
MAX_SCORE = 13

# Run the console scripts through their entry points with this interpreter:
# works whether the package is installed editable, as a wheel, or not at all
# (from the project's root), and never picks up another environment's script.
ENTRY_POINTS = {
    "grade": "grade_main",
    "self-check": "self_check_command",
}


class CliResult(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def cli_command(tool: str, *args: str) -> list[str]:
    main = ENTRY_POINTS[tool]
    code = f"import sys; from grader.cli import {main}; sys.argv[0] = {tool!r}; raise SystemExit({main}())"
    return [sys.executable, "-c", code, *map(str, args)]


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Assignments are found by name from any working directory, and nothing
    # writes bytecode next to the project's files.
    env["BACKPROP_GRADER_ASSIGNMENTS"] = str(ROOT / "assignments")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # the grader package these tests import, whether installed or not
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GRADER_HOME), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def run_cli(tool: str, *args, cwd: Path | str = ROOT, timeout: float = CLI_TIMEOUT,
            env: dict[str, str] | None = None) -> CliResult:
    """Run `grade` or `self-check` as a user would; (returncode, stdout, stderr)."""
    done = subprocess.run(cli_command(tool, *args), cwd=str(cwd), env=cli_env(env), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return CliResult(done.returncode, done.stdout, done.stderr)


# --- as root and as an ordinary user ---------------------------------------------------

ORDINARY_USER = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]


def _ordinary_user_possible() -> bool:
    """Whether a run can be made an ordinary user's: as root, in a user
    namespace that maps it to uid 1000 (students then share its user id)."""
    return os.getuid() == 0 and shutil.which("unshare") is not None and subprocess.run(
        ORDINARY_USER + ["true"], capture_output=True).returncode == 0


USERS = ["root" if os.getuid() == 0 else "this user",
         pytest.param("ordinary user", marks=pytest.mark.skipif(
             not _ordinary_user_possible(), reason="needs root and `unshare` to run as an ordinary user"))]


def as_user(user: str, command: list[str]) -> list[str]:
    """`command`, run as `user` (one of USERS)."""
    return (ORDINARY_USER if user == "ordinary user" else []) + command


# --- reading grades.json --------------------------------------------------------------

def base_name(check_name: str) -> str:
    """A check's name without its visibility suffix: "dW shape (hidden)" -> "dW shape"."""
    return check_name.removesuffix(" (hidden)")


class Grades:
    """grades.json as a user reads it: students, their functions, their checks."""

    def __init__(self, data: dict):
        self.data = data

    @classmethod
    def load(cls, path: Path) -> "Grades":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def students(self) -> list[str]:
        return [s["student"] for s in self.data["submissions"]]

    def submission(self, student: str) -> dict:
        found = [s for s in self.data["submissions"] if s["student"] == student]
        assert len(found) == 1, f"expected one submission of {student!r} in grades.json, found {len(found)}"
        return found[0]

    def function(self, student: str, name: str) -> dict:
        found = [f for f in self.submission(student)["functions"] if f["name"] == name]
        assert len(found) == 1, f"{student}: expected one function {name!r}, found {len(found)}"
        return found[0]

    def checks(self, student: str, function: str, name: str) -> list[dict]:
        """The public and hidden checks of that name."""
        return [c for c in self.function(student, function)["checks"] if base_name(c["name"]) == name]

    def check(self, student: str, function: str, name: str) -> dict:
        """The public check of that name."""
        found = [c for c in self.function(student, function)["checks"] if c["name"] == name]
        assert len(found) == 1, f"{student}/{function}: expected one check {name!r}, found {len(found)}"
        return found[0]

    def not_passed(self, student: str, scored: bool | None = True) -> dict[tuple[str, str], set]:
        """(function, check name without visibility) -> the diagnosis codes of
        its public and hidden versions, for every check that did not pass."""
        out: dict[tuple[str, str], set] = {}
        for f in self.submission(student)["functions"]:
            for c in f["checks"]:
                if c["status"] != "passed" and (scored is None or c.get("scored", True) == scored):
                    out.setdefault((f["name"], base_name(c["name"])), set()).add(c["diagnosis"])
        return out


def bundled_grades(name: str, out: Path) -> dict[str, dict]:
    """Each bundled submission of assignment `name`, as `grade submissions/<name>` puts it in grades.json, by student."""
    done = run_cli("grade", f"submissions/{name}", "--out", str(out), timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((Path(out) / name / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: s for s in grades["submissions"]}


def sources_grades(tmp: Path, assignment: Path, sources: dict[str, str]) -> dict[str, dict]:
    """Each source, written as `<student>.py` into a batch folder and graded
    by `grade` against the assignment folder, as grades.json has it, by student."""
    batch = tmp / "batch"
    batch.mkdir()
    for name, source in sources.items():
        (batch / f"{name}.py").write_text(source, encoding="utf-8")
    done = run_cli("grade", str(batch), "--assignment", str(assignment), "--out", str(tmp / "out"), "--format", "json",
                   timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((tmp / "out" / assignment.name / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: s for s in grades["submissions"]}


def replay_grades(out: Path, assignment: str) -> Path:
    """The grades.json of the one replay (`grade FILE`) under `out`: a run on one
    file writes beside the class's reports, in <assignment>/replays/<student>-seed-<seed>/."""
    found = list((Path(out) / assignment / "replays").glob("*/grades.json"))
    assert len(found) == 1, f"expected one replay of {assignment} under {out}, found {found}"
    return found[0]


@dataclass
class GradedRun:
    result: CliResult
    folder: Path           # <out>/ner_window: grades.json, grades.csv, index.html, pages
    out: Path              # the --out folder
    grades: Grades


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """run_cli: (tool, *args, cwd=, timeout=, env=) -> (returncode, stdout, stderr)."""
    return run_cli


@pytest.fixture(scope="session")
def graded(tmp_path_factory) -> GradedRun:
    """`grade submissions/ner_window --out <tmp>`, run once for the session."""
    out = tmp_path_factory.mktemp("graded")
    result = run_cli("grade", "submissions/ner_window", "--out", out)
    folder = out / "ner_window"
    assert result.returncode == 0, f"grade failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return GradedRun(result, folder, out, Grades.load(folder / "grades.json"))


@pytest.fixture(scope="session")
def grades(graded) -> Grades:
    return graded.grades


def copy_assignment(dest: Path, without: tuple[str, ...] = (), toml_edits: tuple[tuple[str, str], ...] = ()) -> Path:
    """A copy of the ner_window assignment folder at `dest`, leaving out the
    named files and applying (old, new) text replacements to its spec."""
    shutil.copytree(ASSIGNMENT, dest, ignore=shutil.ignore_patterns("__pycache__"))
    for name in without:
        (dest / name).unlink()
    if toml_edits:
        edit_spec(dest, *toml_edits)
    return dest


def edit_spec(folder: Path, *edits: tuple[str, str]) -> None:
    spec = folder / "assignment.toml"
    text = spec.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"{old!r} is not in {spec.name}: the test's edit no longer applies"
        text = text.replace(old, new, 1)
    spec.write_text(text, encoding="utf-8")


@pytest.fixture
def assignment_copy(tmp_path):
    """Factory: copy the assignment into the test's tmp folder (see copy_assignment)."""
    def make(name: str = "spec", without: tuple[str, ...] = (), edits: tuple[tuple[str, str], ...] = ()) -> Path:
        return copy_assignment(tmp_path / name, without, edits)

    return make


def correct_source() -> str:
    return CORRECT.read_text(encoding="utf-8")


def replace_functions(source: str, **functions: str) -> str:
    """`source` with each named top-level function replaced by the given code."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    spans = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            spans[node.name] = (node.lineno - 1, node.end_lineno)
    missing = set(functions) - set(spans)
    assert not missing, f"no function {sorted(missing)} in the source"
    for name, (start, end) in sorted(spans.items(), key=lambda kv: -kv[1][0]):
        code = functions[name].strip("\n") + "\n"
        lines[start:end] = [code]
    return "".join(lines)


def write_submission(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of `path` containing `text`."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not found in {path}")


# --- the browser the report tests open pages in ---------------------------------------


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        reason = "headless Chromium is not installed (on Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; it is required when CI=true")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def report(graded) -> Path:
    """The folder the command line wrote index.html, the student pages and grades.json into."""
    assert (graded.folder / "index.html").is_file(), sorted(p.name for p in graded.folder.iterdir())
    return graded.folder
