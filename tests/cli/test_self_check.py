"""`self-check` as a student uses it: their ner_window.py in a folder of
their own, the public checks listed, the exit code telling whether all
passed, and no need for the instructor's reference."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import (CLI_TIMEOUT, SUBMISSIONS, cli_command, cli_env, copy_assignment, correct_source,
                      replace_functions, run_cli, write_submission)

pytestmark = pytest.mark.student_facing

FUNCTION_POINTS = {"window_vectors": 1, "window_vectors_backward": 2, "score": 1, "score_grads": 4,
                   "ner_loss_and_grads": 5}


def self_check_copy(tmp_path, source_path, *args):
    """Copy a submission to <tmp>/ner_window.py and self-check it from there."""
    folder = tmp_path / source_path.stem
    folder.mkdir()
    shutil.copy(source_path, folder / "ner_window.py")
    return run_cli("self-check", "ner_window.py", *args, cwd=folder)


@pytest.fixture(scope="module")
def correct(tmp_path_factory):
    return self_check_copy(tmp_path_factory.mktemp("correct"), SUBMISSIONS / "ada.py")


@pytest.fixture(scope="module")
def buggy(tmp_path_factory):
    return self_check_copy(tmp_path_factory.mktemp("buggy"), SUBMISSIONS / "transposed_dw.py")


@pytest.fixture(scope="module")
def without_reference(tmp_path_factory):
    """The assignment as students get it: the spec and public.json, no reference.py."""
    folder = copy_assignment(tmp_path_factory.mktemp("handout") / "ner_window", without=("reference.py",))
    assert not (folder / "reference.py").exists()
    return folder


def hidden_checks_of_a_full_run(grades, student="ada") -> int:
    return sum(c["visibility"] == "hidden" for f in grades.submission(student)["functions"] for c in f["checks"])


def test_a_correct_file_passes_every_public_check_and_exits_0(correct):
    code, out, err = correct
    assert code == 0, out + err
    assert "FAIL" not in out and "ERROR" not in out and "TIMEOUT" not in out
    assert "Score on the public checks: 13/13; every check passed" in out


def test_the_output_lists_every_function_and_its_checks(correct):
    _, out, _ = correct
    assert "self-check of ner_window.py for ner_window (public checks only)" in out
    for name, points in FUNCTION_POINTS.items():
        assert f"{name}: {points}/{points}" in out
    for check in ("signature", "returns", "X shape", "X value", "dL gradient", "ds_dW gradient", "J value",
                  "dW gradient"):
        assert re.search(rf"^\s+PASS\s+{re.escape(check)}$", out, re.MULTILINE), check
    assert re.search(r"^\s+PASS\s+inputs unchanged \(costs no points\)$", out, re.MULTILINE)
    assert "(hidden)" not in out


def test_the_output_counts_the_hidden_checks_not_run(correct, grades):
    _, out, _ = correct
    found = re.search(r"^(\d+) hidden checks were not run here", out, re.MULTILINE)
    assert found, out
    assert int(found.group(1)) == hidden_checks_of_a_full_run(grades)


def test_a_gradient_that_passed_is_not_differenced_against_the_students_own_forward(correct):
    _, out, _ = correct
    assert "vs your" not in out


def test_a_gradient_that_failed_is_checked_against_the_students_own_forward(tmp_path):
    code, out, err = self_check_copy(tmp_path, SUBMISSIONS / "wrong_forward.py")
    assert code == 1, out + err
    for output in ("ds_dx", "ds_dW", "ds_db", "ds_du"):
        assert re.search(rf"^\s+FAIL\s+{output} gradient$", out, re.MULTILINE), out
        assert re.search(rf"^\s+PASS\s+{output} vs your score \(costs no points\)$", out, re.MULTILINE), out
    assert "your score is wrong" in out
    # window_vectors' gradient passed: nothing was differenced for it
    assert "vs your window_vectors" not in out and "vs your J" not in out


def test_a_buggy_file_exits_1_and_shows_what_failed_and_why(buggy):
    code, out, err = buggy
    assert code == 1, out + err
    assert re.search(r"^\s+FAIL\s+dW shape$", out, re.MULTILINE)
    assert "dW has shape (15, 7); expected (H, D) = (7, 15)" in out
    assert "Diagnosis: dW is transposed" in out
    assert "ner_loss_and_grads: 4/5" in out
    assert "Score on the public checks: 12/13; 1 check did not pass" in out


def test_an_unscored_failure_still_exits_1(tmp_path):
    source = replace_functions(correct_source(), window_vectors=(
        "def window_vectors(windows, L):\n"
        "    X = L[windows].reshape(len(windows), -1)\n    L[0] = 0.0\n    return X\n"))
    write_submission(tmp_path / "ner_window.py", source)
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert code == 1, out + err
    assert re.search(r"^\s+FAIL\s+inputs unchanged \(costs no points\)$", out, re.MULTILINE)
    assert "changed its input L in place" in out
    assert "Score on the public checks: 13/13" in out


def test_without_the_reference_a_correct_file_gets_the_same_report(correct, tmp_path, without_reference):
    shutil.copy(SUBMISSIONS / "ada.py", tmp_path / "ner_window.py")
    run = run_cli("self-check", "ner_window.py", "--assignment", without_reference, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == correct.stdout


def test_without_the_reference_a_mistake_is_found_and_diagnosed(tmp_path, without_reference):
    shutil.copy(SUBMISSIONS / "sum_not_mean.py", tmp_path / "mine.py")
    run = run_cli("self-check", "mine.py", "--assignment", without_reference, cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "self-check of mine.py for ner_window" in run.stdout
    assert "Score on the public checks: 9/13" in run.stdout
    assert re.search(r"Diagnosis: dW is N = \d+ times too large", run.stdout)
    assert "Traceback" not in run.stderr


def test_missing_public_cases_exit_2_saying_how_to_create_them(tmp_path):
    folder = copy_assignment(tmp_path / "handout", without=("reference.py", "public.json"))
    write_submission(tmp_path / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", "ner_window.py", "--assignment", folder, cwd=tmp_path)
    assert code == 2
    assert str(folder / "public.json") in err
    assert f"grade publish {folder}" in err
    assert "Traceback" not in err


def test_a_broken_spec_in_the_handout_folder_is_said_not_passed_over(tmp_path):
    folder = copy_assignment(tmp_path / "ner_window", without=("reference.py",))
    with open(folder / "assignment.toml", "a", encoding="utf-8") as spec:
        spec.write("[[[\n")
    write_submission(folder / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", "ner_window.py", cwd=folder)
    assert code == 2, out
    assert f"{folder / 'assignment.toml'}" in err and "not valid TOML" in err
    assert "Score" not in out


def test_dot_is_the_folder_self_check_runs_in_named_as_it_is(tmp_path):
    write_submission(tmp_path / "ner_window" / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", ".", cwd=tmp_path / "ner_window")
    assert code == 0, out + err
    (tmp_path / "elsewhere").mkdir()
    code, out, err = run_cli("self-check", ".", cwd=tmp_path / "elsewhere")
    assert code == 2 and "error: no assignment 'elsewhere'" in err


def test_reports_of_a_file_named_as_the_module_name_its_folder_as_the_student(tmp_path):
    write_submission(tmp_path / "alice" / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", "ner_window.py", "--format", "json", "--format", "junit", "--out",
                             tmp_path / "out", cwd=tmp_path / "alice")
    assert code == 0, out + err
    grades = json.loads((tmp_path / "out" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    assert grades["submissions"][0]["student"] == "alice"
    assert '<testsuite name="alice"' in (tmp_path / "out" / "ner_window" / "junit.xml").read_text(encoding="utf-8")


def test_a_missing_file_exits_2(tmp_path):
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert code == 2
    assert "ner_window.py: no such file" in err


JACOBIANS = SUBMISSIONS.parent / "jacobians" / "alan.py"


def dangling(folder, name):
    (folder / name).symlink_to(folder / "nowhere.py")


def looping(folder, name):
    (folder / name).symlink_to(folder / name)


# (what FILE is, what the message adds after "no such file")
UNUSABLE = {"a typo": (lambda folder, name: None, ""),
            "a link that leads nowhere": (dangling, " (a symbolic link that leads nowhere)"),
            "a link to itself": (looping, " (a symbolic link that leads nowhere)")}


@pytest.mark.parametrize("work_here", [True, False], ids=["beside the assignment's file", "alone"])
@pytest.mark.parametrize("assignment", [("--assignment", "jacobians"), ()], ids=["--assignment", "by name"])
@pytest.mark.parametrize("file", sorted(UNUSABLE))
def test_a_named_file_that_is_not_there_is_no_such_file(tmp_path, file, assignment, work_here):
    """Never another file that happens to be here, nor advice to name a file that was named."""
    make, said = UNUSABLE[file]
    if work_here:
        shutil.copy(JACOBIANS, tmp_path / "jacobians.py")
    make(tmp_path, "my_wrk.py")
    code, out, err = run_cli("self-check", "my_wrk.py", *assignment, cwd=tmp_path)
    assert code == 2, out + err
    assert err == f"error: my_wrk.py: no such file{said}\n"
    assert "Score" not in out


def test_the_assignments_name_with_assignment_checks_the_work_in_this_folder(tmp_path):
    shutil.copy(JACOBIANS, tmp_path / "jacobians.py")
    code, out, err = run_cli("self-check", "jacobians", "--assignment", "jacobians", cwd=tmp_path)
    assert code == 0, out + err
    assert "every check passed" in out


def test_public_json_from_another_spec_version_is_refused(tmp_path):
    folder = copy_assignment(tmp_path / "handout", without=("reference.py",),
                             toml_edits=(("rtol = 1e-5", "rtol = 1e-4"),))
    write_submission(tmp_path / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", "ner_window.py", "--assignment", folder, cwd=tmp_path)
    assert code == 2
    assert "public.json" in err and "another version" in err


def test_a_reader_that_stops_reading_gets_no_traceback_and_the_reports_are_written(tmp_path):
    """`self-check ner_window.py | head`: the pipe is closed before anything is printed."""
    shutil.copy(SUBMISSIONS / "transposed_dw.py", tmp_path / "ner_window.py")
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(cli_command("self-check", "ner_window.py", "--format", "junit"), stdout=write,
                              stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=tmp_path, timeout=CLI_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    finally:
        os.close(write)
    assert done.returncode == 1, done.stderr   # a public check failed, as the whole output would have said
    assert done.stderr == ""
    assert (tmp_path / "reports" / "ner_window" / "junit.xml").is_file()


def test_self_check_imports_no_report_writer_and_no_batch_runner():
    """A student waits for self-check: its process imports the spec, the
    public cases, grading and the terminal's wording, not the report writers
    (jinja2 and the templates) nor the batch runner, which it never uses."""
    code = ("import sys; import grader.cli.self_check; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jinja2' or m in "
            "('grader.reports.html', 'grader.reports.writers', 'grader.batch.run', 'grader.authoring')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(),
                          timeout=CLI_TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def fork_servers() -> set[int]:
    """The pids of every fork server running on this machine."""
    found = set()
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if b"server_startup" in f.read():
                    found.add(int(entry))
        except (OSError, ValueError):
            continue
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the running processes from /proc")
def test_self_check_exits_at_once_with_its_output_whole_and_its_fork_server_gone(tmp_path):
    """self-check skips the interpreter's teardown (exits.exit_at_once): what
    it printed must still all arrive through a pipe, and the fork server it
    started must have ended when it returns, as after a normal exit."""
    shutil.copy(SUBMISSIONS / "ada.py", tmp_path / "ner_window.py")
    before = fork_servers()
    done = subprocess.run(cli_command("self-check", "ner_window.py"), capture_output=True, text=True,
                          env=cli_env(), cwd=tmp_path, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("isolation: ")
    assert "Score on the public checks: 13/13" in done.stdout
    assert fork_servers() - before == set()


def test_self_check_loads_no_pydantic_plugin(tmp_path):
    """An installed pydantic plugin (one whose import leaves a file behind, the
    witness) is loaded by a process that builds a model, but not by self-check,
    whose models want none: looking for plugins reads every installed
    distribution's entry points."""
    site = tmp_path / "site"
    (site / "witness_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "witness_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: witness-plugin\n"
                                                                    "Version: 1.0\n")
    (site / "witness_plugin-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nwitness = witness_plugin:plugin\n")
    witness = tmp_path / "loaded"
    (site / "witness_plugin.py").write_text(
        f"open({str(witness)!r}, 'w').close()\n\n\n"
        "class Plugin:\n    def new_schema_validator(self, *args, **kwargs):\n        return None, None, None\n\n\n"
        "plugin = Plugin()\n")
    env = cli_env({"PYTHONPATH": os.pathsep.join([str(site), cli_env()["PYTHONPATH"]])})
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    subprocess.run([sys.executable, "-c", "import grader.spec"], env=env, check=True, capture_output=True)
    assert witness.exists()   # the plugin is found and loaded where a model is built
    witness.unlink()
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(SUBMISSIONS / "ada.py", folder / "ner_window.py")
    done = subprocess.run(cli_command("self-check", "ner_window.py"), cwd=folder, env=env, capture_output=True,
                          text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "every check passed" in done.stdout
    assert not witness.exists()


def test_a_notebook_with_a_py_file_beside_it_is_told_which_one_is_graded(tmp_path):
    from notebooks import correct_cells, write_notebook
    write_notebook(tmp_path / "ner_window.ipynb", correct_cells())
    write_submission(tmp_path / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert code == 0, out + err
    assert ("Note: ner_window.py is beside ner_window.ipynb; when a folder of work is graded, ner_window.py is the "
            "one graded, not this notebook: remove or rename ner_window.py if the notebook is your work") in out
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert "Note: ner_window.ipynb is beside ner_window.py; when a folder of work is graded, ner_window.py" in out
    (tmp_path / "ner_window.py").unlink()
    code, out, err = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert code == 0 and "beside" not in out
