"""`grade` given bad input: broken specs and paths exit with clear messages,
and submissions that misbehave (loops, exceptions, wrong returns, missing
packages, printing, changing their inputs) are graded without stopping the run."""
from __future__ import annotations

import re

import pytest

from conftest import (FUNCTIONS, MAX_SCORE, POINTS, Grades, base_name, copy_assignment, correct_source, line_of,
                      replace_functions, run_cli, write_submission)


# --- bad input: specs and paths ---------------------------------------------------------

BROKEN_SPECS = {
    "unknown dimension in a shape": (
        ('{ name = "x", shape = ["D"] },', '{ name = "x", shape = ["Q"] },'),
        ["functions[2] (score).args[0] (x).shape", "unknown dimensions ['Q']"]),
    "gradient of nothing": (
        ('gradient = { of = "score", wrt = "x" }', 'gradient = { of = "scores", wrt = "x" }'),
        ["functions[3] (score_grads).outputs[0] (ds_dx).gradient.of", "'scores' names neither"]),
    "dimension below 3": (
        ("d = [3, 4]", "d = [2, 4]"),
        ["dims.d", "size 2 is below 3"]),
    "invalid TOML": (
        ('title = "', 'title = = "'),
        ["not valid TOML", "line 5"]),
    "misspelt field": (
        ("points = 4", "point = 4"),
        ["functions[3] (score_grads).point: unknown key 'point'; did you mean 'points'?"]),
    "dimension dividing by zero": (
        ('D = "5*d"', 'D = "d//0"'),
        ["dims.D", "divides by zero"]),
    "integer bounds in the wrong order": (
        ('low = 0, high = "V"', 'low = "V", high = 0'),
        ["functions[0] (window_vectors).args[0] (windows).sample", "must be below high"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN_SPECS))
def test_broken_spec_exits_2_naming_the_file_the_field_and_the_problem(cli, tmp_path, case):
    edit, fragments = BROKEN_SPECS[case]
    spec = copy_assignment(tmp_path / "broken", toml_edits=(edit,))
    subs = write_submission(tmp_path / "subs" / "ada.py", correct_source()).parent
    run = cli("grade", "--assignment", spec, subs, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 2
    assert str(spec / "assignment.toml") in run.stderr
    for fragment in fragments:
        assert fragment in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("exit_call", ["sys.exit()", "sys.exit(3)"])
def test_a_reference_that_exits_when_imported_exits_2_saying_so(cli, tmp_path, exit_call):
    spec = copy_assignment(tmp_path / "exits", without=("public.json",))
    reference = spec / "reference.py"
    reference.write_text(reference.read_text(encoding="utf-8") + f"\nimport sys\n{exit_call}\n", encoding="utf-8")
    subs = write_submission(tmp_path / "subs" / "ada.py", correct_source()).parent
    for command in (["publish", spec], ["--assignment", spec, subs, "--out", tmp_path / "out"]):
        run = cli("grade", *command, cwd=tmp_path)
        assert run.returncode == 2, run.stdout + run.stderr
        assert f"{reference}: the reference solution exits when it is imported" in run.stderr
        assert "if __name__" in run.stderr and "Traceback" not in run.stderr
    assert not (spec / "public.json").exists() and not (tmp_path / "out").exists()


def test_missing_path_exits_2(cli, tmp_path):
    run = cli("grade", tmp_path / "nowhere", "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 2
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in run.stderr
    assert "Traceback" not in run.stderr


def test_folder_without_assignments_exits_2(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    run = cli("grade", "empty", "--out", "out", cwd=tmp_path)
    assert run.returncode == 2
    assert "empty: no assignment folders here" in run.stderr
    assert "--assignment" in run.stderr


def test_empty_assignment_folder_exits_2(cli, tmp_path):
    (tmp_path / "ner_window").mkdir()
    run = cli("grade", "ner_window", "--out", "out", cwd=tmp_path)
    assert run.returncode == 2
    assert "no submissions for ner_window" in run.stderr
    assert "ner_window/<student>.py" in run.stderr


def test_folder_submission_without_its_file_is_reported_and_the_others_graded(cli, tmp_path):
    subs = tmp_path / "ner_window"
    write_submission(subs / "carol" / "ner_window.py", correct_source())
    write_submission(subs / "bob" / "notes.txt", "my answers are in the notebook\n")
    run = cli("grade", subs, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    grades = Grades.load(tmp_path / "out" / "ner_window" / "grades.json")
    assert grades.students == ["bob", "carol"]
    assert grades.submission("carol")["score"] == MAX_SCORE
    bob = grades.submission("bob")
    assert bob["score"] == 0
    for f in bob["functions"]:
        assert [c["status"] for c in f["checks"]] == ["error"]
        assert "no file ner_window.py" in f["checks"][0]["message"]


# --- bad input: submissions that misbehave ----------------------------------------------

LOOP = "    while True:\n        pass\n"
MISSING_PACKAGE = "no_such_package_for_grading"

BAD_SUBMISSIONS = {
    "loop_last": {"ner_loss_and_grads": "def ner_loss_and_grads(X, y, W, b, u):\n" + LOOP},
    "loop_score": {"score": "def score(x, W, b, u):\n" + LOOP},
    "raises": {"score": "def score(x, W, b, u):\n    h = lookup(x)\n    return h\n\n\n"
                        "def lookup(x):\n    table = {}\n    return table['hidden units']\n"},
    "returns_dict": {"score": "def score(x, W, b, u):\n    return {'s': float(u @ sigmoid(W @ x + b))}\n"},
    "returns_none": {"window_vectors": "def window_vectors(windows, L):\n"
                                      "    X = L[windows].reshape(len(windows), -1)\n"},
    "returns_list": {"window_vectors": "def window_vectors(windows, L):\n"
                                      "    return L[windows].reshape(len(windows), -1).tolist()\n"},
    "too_few": {"score_grads": "def score_grads(x, W, b, u):\n    h = sigmoid(W @ x + b)\n"
                               "    delta = u * h * (1 - h)\n    return W.T @ delta, np.outer(delta, x), delta\n"},
    "loss_dict": {"ner_loss_and_grads": "def ner_loss_and_grads(X, y, W, b, u):\n    return {'J': 0.0}\n"},
    "printer": {"score": "def score(x, W, b, u):\n    print('score called on', len(x), 'inputs')\n"
                         "    return float(u @ sigmoid(W @ x + b))\n"},
    "mutates": {"window_vectors": "def window_vectors(windows, L):\n"
                                  "    X = L[windows].reshape(len(windows), -1)\n    L[:] = 0.0\n    return X\n"},
}


@pytest.fixture(scope="module")
def misbehaving(tmp_path_factory):
    """The submissions above, graded in one run with tight time limits and one hidden case."""
    root = tmp_path_factory.mktemp("misbehaving")
    spec = copy_assignment(root / "quick", toml_edits=(
        ("timeout = 60", "timeout = 10"), ("call_timeout = 10", "call_timeout = 2"), ("hidden = 3", "hidden = 1")))
    subs = root / "ner_window"
    for student, functions in BAD_SUBMISSIONS.items():
        write_submission(subs / f"{student}.py", replace_functions(correct_source(), **functions))
    write_submission(subs / "missing_package.py", f"import {MISSING_PACKAGE}\n" + correct_source())
    run = run_cli("grade", "--assignment", spec, subs, "--out", root / "out", cwd=root)
    assert run.returncode == 0, run.stderr
    return subs, Grades.load(root / "out" / "ner_window" / "grades.json")


def scores(grades: Grades, student: str) -> dict:
    return {f["name"]: f["score"] for f in grades.submission(student)["functions"]}


def full_except(**scores) -> dict:
    return {name: scores.get(name, POINTS[name]) for name in FUNCTIONS}


def test_misbehaving_submissions_are_all_graded(misbehaving):
    _, grades = misbehaving
    assert grades.students == sorted([*BAD_SUBMISSIONS, "missing_package"])


def test_infinite_loop_times_out_that_function_only(misbehaving):
    _, grades = misbehaving
    f = grades.function("loop_last", "ner_loss_and_grads")
    assert f["score"] == 0
    returns = grades.check("loop_last", "ner_loss_and_grads", "returns")
    assert returns["status"] == "timeout"
    assert "ner_loss_and_grads did not finish in time: no answer within 2.0 s" in returns["message"]
    assert "raised" not in returns["message"]
    assert scores(grades, "loop_last") == full_except(ner_loss_and_grads=0)


def test_infinite_loop_in_an_early_function_times_it_out(misbehaving):
    _, grades = misbehaving
    returns = grades.check("loop_score", "score", "returns")
    assert returns["status"] == "timeout"
    assert "no answer within 2.0 s" in returns["message"]
    assert grades.function("loop_score", "window_vectors")["score"] == 1
    assert grades.function("loop_score", "window_vectors_backward")["score"] == 2


def test_infinite_loop_in_an_early_function_does_not_sink_the_later_ones(misbehaving):
    _, grades = misbehaving
    assert scores(grades, "loop_score") == full_except(score=0)


def test_exception_is_an_error_with_a_traceback_of_the_students_file_only(misbehaving):
    subs, grades = misbehaving
    path = subs / "raises.py"
    check = grades.check("raises", "score", "returns")
    assert check["status"] == "error"
    message = check["message"]
    assert f'File "raises.py", line {line_of(path, "h = lookup(x)")}, in score' in message
    assert f'File "raises.py", line {line_of(path, "return table[")}, in lookup' in message
    assert "KeyError: 'hidden units'" in message
    assert "grader" not in message and "sandbox" not in message and "Traceback (most recent" not in message
    assert str(subs) not in message
    assert scores(grades, "raises") == full_except(score=0)


def test_missing_package_is_named(misbehaving):
    _, grades = misbehaving
    sub = grades.submission("missing_package")
    assert sub["score"] == 0
    for f in sub["functions"]:
        [check] = f["checks"]
        assert check["status"] == "error"
        assert f"No module named '{MISSING_PACKAGE}'" in check["message"]
        assert "could not be imported" in check["message"]


@pytest.mark.parametrize("student, function, said", [
    ("returns_dict", "score", r"s is a value of type dict; expected a numpy array or a number"),
    ("returns_none", "window_vectors", r"X is a value of type NoneType; expected a numpy array or a number"),
    ("returns_list", "window_vectors", r"window_vectors returned X as a list of \d+ rows; expected a numpy array"),
    ("too_few", "score_grads", r"score_grads returned a tuple of 3 items; expected a tuple of 4 values "
                               r"\(ds_dx, ds_dW, ds_db, ds_du\)"),
    ("loss_dict", "ner_loss_and_grads", r"ner_loss_and_grads returned a value of type dict; expected a tuple of "
                                        r"5 values \(J, dX, dW, db, du\)"),
])
def test_wrong_return_fails_the_returns_check_saying_what_came_back(misbehaving, student, function, said):
    _, grades = misbehaving
    returns = grades.checks(student, function, "returns")
    assert {c["visibility"] for c in returns} == {"public", "hidden"}
    public = grades.check(student, function, "returns")
    assert public["status"] == "failed"
    assert re.search(said, public["message"]), public["message"]
    assert scores(grades, student) == full_except(**{function: 0})


def test_changing_an_input_in_place_is_reported_and_costs_nothing(misbehaving):
    _, grades = misbehaving
    check = grades.check("mutates", "window_vectors", "inputs unchanged")
    assert check["status"] == "failed"
    assert check["scored"] is False
    assert "changed its input L in place" in check["message"]
    assert grades.submission("mutates")["score"] == MAX_SCORE
    assert {(f, base_name(n)) for f, n in grades.not_passed("mutates", scored=None)} == \
        {("window_vectors", "inputs unchanged")}


def test_printing_does_not_disturb_grading(misbehaving):
    _, grades = misbehaving
    assert grades.submission("printer")["score"] == MAX_SCORE


def test_what_a_submission_prints_is_in_its_result(misbehaving):
    _, grades = misbehaving
    assert "score called on" in grades.submission("printer")["output"]


@pytest.mark.parametrize("seeds", ["0", "-3"])
def test_validate_on_no_seed_is_refused(cli, seeds):
    run = cli("grade", "validate", "ner_window", "--seeds", seeds)
    assert run.returncode == 2 and f"argument --seeds: {seeds} is below 1: give at least 1" in run.stderr
