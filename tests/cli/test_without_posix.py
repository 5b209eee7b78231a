"""The student-facing commands on a platform without POSIX (Windows: no
fcntl, resource, termios, pwd or grp, no os.fork, pread or writev, select()
blind to pipes), simulated here by tests/without_posix, and where no fork
server can run (macOS), by tests/without_fork_server. `self-check` and the
pytest plugin still give the same verdicts on the bundled submissions, run
the student's file in a process of its own (never in theirs), and say
which isolation applied."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CLI_TIMEOUT, GRADER_HOME, SUBMISSIONS, cli_command, cli_env, copy_assignment
from ways_in import run_pytest

pytestmark = pytest.mark.student_facing

TESTS = Path(__file__).resolve().parents[1]
PLATFORMS = {
    "without POSIX": TESTS / "without_posix",
    "without a fork server": TESTS / "without_fork_server",
}
SEPARATE_PROCESS = "isolation: a separate process only"

# Appended to a submission: what its own process finds, printed into its output.
WITNESS = '''

import os as _os
try:
    import fcntl as _fcntl  # noqa: F401
    print("student process: fcntl importable")
except ImportError:
    print("student process: no fcntl")
print(f"student process: pid {_os.getpid()} parent {_os.getppid()} fork {hasattr(_os, 'fork')}")
'''


def env_of(platform: str) -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join([str(PLATFORMS[platform]), str(GRADER_HOME)])}


def self_check(folder: Path, platform: str, *args: str) -> tuple[subprocess.CompletedProcess, int]:
    """self-check in `folder`, as on `platform`; (the run, the pid of its process)."""
    process = subprocess.Popen(cli_command("self-check", *args), cwd=folder, env=cli_env(env_of(platform)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    out, err = process.communicate(timeout=CLI_TIMEOUT)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), process.pid


@pytest.fixture
def student(tmp_path) -> Path:
    """A student's folder: the assignment as handed out (no reference) in hw/."""
    copy_assignment(tmp_path / "hw", without=("reference.py",))
    return tmp_path


@pytest.mark.parametrize("platform", PLATFORMS)
def test_self_check_passes_a_correct_file_run_in_a_process_of_its_own(student, platform):
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8") + WITNESS)
    run, pid = self_check(student, platform, "ner_window.py", "--assignment", "hw", "--format", "json",
                          "--out", "out")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Score on the public checks: 13/13; every check passed" in run.stdout
    assert run.stdout.rstrip().splitlines()[-1].startswith(SEPARATE_PROCESS), run.stdout
    assert "Traceback" not in run.stderr
    [s] = json.loads((student / "out" / "ner_window" / "grades.json").read_text(encoding="utf-8"))["submissions"]
    found = re.search(r"student process: pid (\d+) parent (\d+) fork (\w+)", s["output"])
    assert found, s["output"]
    assert int(found[1]) != pid and int(found[2]) == pid   # a child of self-check's process, not that process
    if platform == "without POSIX":
        assert "student process: no fcntl" in s["output"] and found[3] == "False"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_self_check_fails_a_wrong_file_with_its_diagnosis(student, platform):
    shutil.copy(SUBMISSIONS / "transposed_dw.py", student / "ner_window.py")
    run, _ = self_check(student, platform, "ner_window.py", "--assignment", "hw")
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(r"^\s+FAIL\s+dW shape$", run.stdout, re.MULTILINE)
    assert "Diagnosis: dW is transposed" in run.stdout
    assert "Score on the public checks: 12/13; 1 check did not pass" in run.stdout
    assert SEPARATE_PROCESS in run.stdout


@pytest.mark.parametrize("platform", PLATFORMS)
def test_self_check_explains_a_wrong_forward_with_the_students_own(student, platform):
    shutil.copy(SUBMISSIONS / "wrong_forward.py", student / "ner_window.py")
    run, _ = self_check(student, platform, "ner_window.py", "--assignment", "hw")
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(r"^\s+PASS\s+ds_dW vs your score \(costs no points\)$", run.stdout, re.MULTILINE), run.stdout
    assert "your score is wrong" in run.stdout


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_pytest_plugin_gives_the_same_verdicts(student, platform):
    shutil.copy(SUBMISSIONS / "transposed_dw.py", student / "ner_window.py")
    shutil.copy(SUBMISSIONS / "ada.py", student / "correct.py")
    run, items = run_pytest(student, "--assignment", "hw", "ner_window.py", "correct.py", env=env_of(platform))
    assert run.returncode == 1, run.stdout + run.stderr
    failed = {name: text for name, text in items.items() if text not in (None, "skipped")}
    assert list(failed) == ["ner_window.ner_loss_and_grads::dW shape"], failed
    assert "Diagnosis: dW is transposed" in failed["ner_window.ner_loss_and_grads::dW shape"]
    assert any(name.startswith("correct.") for name in items) and not any(
        name.startswith("correct.") for name in failed)
    assert "correct.py (ner_window): 13/13 points on the public checks" in run.stdout
    assert SEPARATE_PROCESS in run.stdout
