"""`grade prairielearn` as PrairieLearn's external grader runs it: a job
folder laid out like /grade (student/, tests/, serverFilesCourse/,
data/data.json), results.json written to results/, the root given by
$GRADE_ROOT (here a temporary folder standing in for /grade)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FUNCTIONS, MAX_SCORE, POINTS, SUBMISSIONS, correct_source, replay_grades, write_submission

# PrairieLearn's documented fields of results.json, top level and per test
TOP = {"gradable", "score", "message", "output", "images", "tests", "format_errors"}
TEST = {"name", "description", "points", "max_points", "message", "output", "images"}


def job(root: Path, files: dict[str, Path | str], data: dict | None = None) -> Path:
    """A folder laid out as PrairieLearn mounts a grading job at /grade."""
    for folder in ("student", "tests", "serverFilesCourse", "data"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        if isinstance(source, Path):
            (root / "student" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / "student" / name)
        else:
            write_submission(root / "student" / name, source)
    (root / "data" / "data.json").write_text(json.dumps(data or {"params": {}, "submitted_answers": {}}),
                                             encoding="utf-8")
    return root


def results(root: Path) -> dict:
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert set(data) <= TOP, set(data) - TOP
    assert isinstance(data["gradable"], bool)
    for test in data["tests"]:
        assert set(test) <= TEST, set(test) - TEST
        assert isinstance(test["name"], str) and 0 <= test["points"] <= test["max_points"]
    return data


def grade(cli, root: Path, *extra):
    return cli("grade", "prairielearn", "--assignment", "ner_window", *extra, env={"GRADE_ROOT": str(root)})


def test_grades_the_student_files_with_a_score_between_0_and_1_and_a_test_per_function(cli, tmp_path):
    root = job(tmp_path / "grade", {"ner_window.py": SUBMISSIONS / "transposed_dw.py"}, {"variant_seed": 31})
    run = grade(cli, root)
    assert run.returncode == 0, run.stderr
    assert "12/13" in run.stdout
    data = results(root)
    assert data["gradable"] is True
    assert data["score"] == 12 / MAX_SCORE
    assert [t["name"] for t in data["tests"]] == FUNCTIONS
    assert {t["name"]: t["max_points"] for t in data["tests"]} == POINTS
    assert sum(t["points"] for t in data["tests"]) == 12
    loss = data["tests"][-1]
    assert loss["points"] < loss["max_points"]
    assert "dW shape: " in loss["message"] and "Diagnosis: dW is transposed" in loss["message"]
    # a hidden check is named with its status, never with its message (which holds the hidden sizes)
    assert "FAILED    dW shape (hidden)" in loss["output"]
    assert "hidden check did not pass" in loss["message"]
    assert "dW shape (hidden):" not in loss["message"]
    # the seed comes from the question's variant: a resubmission to it is graded on the same hidden cases
    seed = data["message"].split("Seed ")[1].split()[0]
    again = grade(cli, root)
    assert again.returncode == 0 and f"Seed {seed} " in results(root)["message"]


def test_a_correct_submission_in_a_subfolder_scores_1(cli, tmp_path):
    root = job(tmp_path / "grade", {"work/ner_window.py": SUBMISSIONS / "ada.py"})
    out = tmp_path / "elsewhere" / "results.json"
    run = cli("grade", "prairielearn", "--assignment", "ner_window", "--root", root, "--results", out)
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["gradable"] is True and data["score"] == 1.0
    assert all(t["points"] == t["max_points"] for t in data["tests"])


def test_a_results_folder_gets_results_json_in_it(cli, tmp_path):
    root = job(tmp_path / "grade", {"ner_window.py": SUBMISSIONS / "ada.py"})
    (tmp_path / "out").mkdir()
    run = cli("grade", "prairielearn", "--assignment", "ner_window", "--root", root, "--results", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["score"] == 1.0
    assert f"wrote {tmp_path / 'out' / 'results.json'}" in run.stdout


def test_a_missing_file_is_not_gradable_and_says_what_to_submit(cli, tmp_path):
    root = job(tmp_path / "grade", {"answer.py": SUBMISSIONS / "ada.py"})
    run = grade(cli, root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    assert data["gradable"] is False
    assert data["format_errors"] == [("No file named ner_window.py or ner_window.ipynb was found in your "
                                      "submission (it holds: answer.py). Submit your work as ner_window.py or "
                                      "ner_window.ipynb.")]


def test_a_file_that_does_not_compile_is_not_gradable_and_names_the_line(cli, tmp_path):
    root = job(tmp_path / "grade", {"ner_window.py": SUBMISSIONS / "syntax_error.py"})
    run = grade(cli, root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    assert data["gradable"] is False and data["tests"] == []
    [error] = data["format_errors"]
    assert error.startswith("ner_window.py does not compile, so it was not run:\nSyntaxError: ")
    assert "(line " in error


def test_a_misconfigured_grader_still_writes_results(cli, tmp_path):
    root = job(tmp_path / "grade", {"ner_window.py": SUBMISSIONS / "ada.py"})
    run = cli("grade", "prairielearn", "--assignment", "no_such_assignment", "--root", root)
    assert run.returncode == 2
    assert "no assignment 'no_such_assignment'" in run.stderr
    data = results(root)
    assert data["gradable"] is False and "tell your instructor" in data["message"]


PRINTING = """
CALLS = [0]


def window_vectors(windows, L):
    CALLS[0] += 1
    print(f"bpg-call-{CALLS[0]}-end")
"""


def test_nothing_printed_while_holding_hidden_inputs_is_shown(cli, tmp_path):
    """PrairieLearn shows everything at once: what the student's code printed
    after it was given a hidden input must not be in results.json. The
    witness: the same file and seed graded by `grade`, which keeps that
    printout apart in grades.json."""
    source = correct_source().replace("def window_vectors(windows, L):\n", PRINTING.lstrip("\n"), 1)
    root = job(tmp_path / "grade", {"ner_window.py": source})
    run = grade(cli, root, "--seed", "77")
    assert run.returncode == 0, run.stderr
    text = (root / "results" / "results.json").read_text(encoding="utf-8")
    assert results(root)["score"] == 1.0 and "bpg-call-1-end" in text

    replay = cli("grade", root / "student" / "ner_window.py", "--assignment", "ner_window", "--seed", "77",
                 "--out", tmp_path / "reports")
    assert replay.returncode == 0, replay.stderr
    [s] = json.loads(replay_grades(tmp_path / "reports", "ner_window").read_text(encoding="utf-8"))["submissions"]
    hidden_lines = [line for line in s["hidden_output"].splitlines() if line.startswith("bpg-call-")]
    assert hidden_lines, "the witness printed nothing while holding hidden inputs"
    assert not [line for line in hidden_lines if line in text]


def test_grade_help_lists_prairielearn(cli):
    run = cli("grade", "--help")
    assert "grade prairielearn --assignment A" in run.stdout


def test_a_data_json_that_cannot_be_read_is_warned_of_in_the_log(cli, tmp_path):
    root = job(tmp_path / "grade", {"ner_window.py": SUBMISSIONS / "ada.py"})
    (root / "data" / "data.json").write_text("{not json", encoding="utf-8")
    run = grade(cli, root)
    assert run.returncode == 0, run.stderr
    assert (f"warning: {root / 'data' / 'data.json'}: not JSON (JSONDecodeError); every submission gets the "
            "same hidden cases") in run.stdout
    assert json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))["score"] == 1.0
    (root / "data" / "data.json").write_text('{"variant_seed": 5}', encoding="utf-8")
    assert "warning" not in grade(cli, root).stdout
