"""`grade` as an instructor uses it: the bundled ner_window submissions get
the verdicts they deserve in grades.json, grades.csv, the HTML pages and the
terminal; and runs replay from their seeds and reuse saved results."""
from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

from conftest import (FUNCTIONS, MAX_SCORE, POINTS, CORRECT, SUBMISSIONS, Grades, line_of, replay_grades,
                      run_cli)

from grader.reports.adjusted import COLUMNS as ADJUSTED


def bundled_students() -> list[str]:
    """The students `grade` finds in submissions/ner_window: <student>.py files and <student>/ folders."""
    return sorted(p.stem if p.is_file() else p.name for p in SUBMISSIONS.iterdir()
                  if not p.name.startswith((".", "_")) and (p.is_dir() or p.suffix == ".py"))


STUDENTS = bundled_students()
STATUSES = {"passed", "failed", "error", "timeout", "skipped"}
CORRECT_STUDENTS = ["ada", "grace"]


def gradients(function: str, outputs: str, code: str | None) -> dict:
    return {(function, f"{o} gradient"): code for o in outputs.split()}


# Each buggy submission: the scored checks that must fail (public and hidden
# alike) with the diagnosis each must carry, and the functions' scores. A
# function's points are split evenly over its outputs; an output that fails
# costs its share, a failed signature or return costs the whole function.
MISTAKES = {
    "transposed_dw": (
        {("ner_loss_and_grads", "dW shape"): "transposed"},
        {"ner_loss_and_grads": 4}),
    "missing_sigmoid_prime": (
        gradients("score_grads", "ds_dx ds_dW ds_db", "missing_activation_derivative")
        | gradients("ner_loss_and_grads", "dX dW db", "missing_activation_derivative"),
        {"score_grads": 1, "ner_loss_and_grads": 2}),
    "sum_not_mean": (
        gradients("ner_loss_and_grads", "dX dW db du", "scaled_by_N"),
        {"ner_loss_and_grads": 1}),
    "overwrite_repeats": (
        gradients("window_vectors_backward", "dL", "repeated_indices_overwritten"),
        {"window_vectors_backward": 0}),
    "bias_shape": (
        {("ner_loss_and_grads", "db shape"): "extra_axis"},
        {"ner_loss_and_grads": 4}),
    "sign_flipped": (
        gradients("score_grads", "ds_dx ds_dW ds_db ds_du", "sign_flipped"),
        {"score_grads": 0}),
    "wrong_forward": (
        {("score", "s value"): None} | gradients("score_grads", "ds_dx ds_dW ds_db ds_du", "wrong_forward"),
        {"score": 0, "score_grads": 0}),
    "missing_function": (
        {("window_vectors_backward", "signature"): None},
        {"window_vectors_backward": 0}),
    "bias_not_summed": (
        {("ner_loss_and_grads", "db shape"): "not_summed_over_N"},
        {"ner_loss_and_grads": 4}),
    "sigmoid_for_derivative": (
        gradients("score_grads", "ds_dx ds_dW ds_db", "activation_for_derivative"),
        {"score_grads": 1}),
}


# --- the bundled submissions ------------------------------------------------------------


def test_grading_exits_0_and_writes_every_report(graded):
    assert graded.result.returncode == 0
    for name in ("grades.json", "grades.csv", "index.html"):
        assert (graded.folder / name).is_file(), f"{name} was not written"
    assert graded.grades.students == STUDENTS


def test_every_bundled_submission_has_an_expected_verdict():
    expected = set(CORRECT_STUDENTS) | set(MISTAKES) | {"syntax_error"}
    assert expected <= set(STUDENTS), "a bundled submission is gone"
    assert set(STUDENTS) <= expected, "a new bundled submission: add the verdict it should get to MISTAKES"


@pytest.mark.parametrize("student", CORRECT_STUDENTS)
def test_correct_submission_gets_full_marks_with_every_check_passed(grades, student):
    sub = grades.submission(student)
    assert (sub["score"], sub["max_score"]) == (MAX_SCORE, MAX_SCORE)
    for f in sub["functions"]:
        assert f["score"] == f["max_score"] == POINTS[f["name"]]
        not_passed = [(c["name"], c["status"], c["message"]) for c in f["checks"] if c["status"] != "passed"]
        assert not_passed == [], f"{student}/{f['name']}"
        names = {c["name"] for c in f["checks"]}
        assert {"signature", "returns", "returns (hidden)", "inputs unchanged"} <= names
    # the gradients were compared with finite differences on public and hidden cases
    assert grades.check(student, "score_grads", "ds_dW gradient")["status"] == "passed"
    assert grades.check(student, "ner_loss_and_grads", "dW gradient (hidden)")["status"] == "passed"


@pytest.mark.parametrize("student", sorted(MISTAKES))
def test_buggy_submission_loses_exactly_what_its_mistake_costs(grades, student):
    _, scores = MISTAKES[student]
    expected = {name: scores.get(name, POINTS[name]) for name in FUNCTIONS}
    got = {f["name"]: f["score"] for f in grades.submission(student)["functions"]}
    assert got == expected
    sub = grades.submission(student)
    assert sub["score"] == sum(expected.values())
    assert sub["max_score"] == MAX_SCORE


@pytest.mark.parametrize("student", sorted(MISTAKES))
def test_buggy_submission_fails_the_checks_of_its_mistake_with_its_diagnosis(grades, student):
    failing, _ = MISTAKES[student]
    for (function, name), code in failing.items():
        checks = grades.checks(student, function, name)
        visibilities = {c["visibility"] for c in checks}
        assert visibilities == ({"public"} if name == "signature" else {"public", "hidden"}), (function, name)
        for c in checks:
            assert c["status"] == "failed", (function, c["name"], c["message"])
            assert c["diagnosis"] == code, (function, c["name"], c["message"])
            if code is not None:
                assert c["explanation"] and "Diagnosis:" not in c["message"]


@pytest.mark.parametrize("student", sorted(MISTAKES))
def test_buggy_submission_fails_nothing_beyond_the_outputs_its_mistake_touches(grades, student):
    """Other scored checks may fail too (they judge the same wrong output in
    another way), but only on the functions and outputs the mistake touches."""
    failing, _ = MISTAKES[student]
    touched = set()
    for function, name in failing:
        touched |= {(function, c["output"]) for c in grades.checks(student, function, name)}
    for f in grades.submission(student)["functions"]:
        for c in f["checks"]:
            if c["status"] != "passed" and c["scored"]:
                assert (f["name"], c["output"]) in touched, (f["name"], c["name"], c["message"])


def test_no_bundled_submission_is_flagged_as_a_numerical_derivative(grades):
    """Every bundled ner_window gradient is derived by hand, right or wrong."""
    flagged = [(s["student"], f["name"], c["name"]) for s in grades.data["submissions"] for f in s["functions"]
               for c in f["checks"] if c["diagnosis"] == "numerical_gradient"]
    assert flagged == []


def test_a_declared_mistake_wins_over_a_generic_diagnosis(grades):
    """ds_db = u is also "the input u returned unchanged", but the assignment's
    own mistake says why: the factor sigmoid'(z) is missing."""
    for c in grades.checks("missing_sigmoid_prime", "score_grads", "ds_db gradient"):
        assert c["diagnosis"] == "missing_activation_derivative", c["message"]
        assert "sigmoid'(z) is missing" in c["explanation"]


def test_transposed_gradient_message_gives_both_shapes(grades):
    check = grades.check("transposed_dw", "ner_loss_and_grads", "dW shape")
    assert "dW has shape (15, 7); expected (H, D) = (7, 15)" in check["message"]
    assert "transposed" in check["explanation"]


def test_sum_instead_of_mean_message_names_the_factor(grades):
    message = grades.check("sum_not_mean", "ner_loss_and_grads", "du gradient")["explanation"]
    assert re.search(r"du is N = \d+ times too large", message), message


def test_wrong_forward_fails_the_value_and_blames_the_forward_not_the_gradient(grades):
    value = grades.check("wrong_forward", "score", "s value")
    assert value["status"] == "failed" and "expected" in value["message"]
    for output in ("ds_dx", "ds_dW", "ds_db", "ds_du"):
        gradient = grades.check("wrong_forward", "score_grads", f"{output} gradient")
        assert "your score is wrong" in gradient["explanation"]
        # the grounds of the diagnosis: the gradient does match the student's own forward
        own = grades.check("wrong_forward", "score_grads", f"{output} vs your score")
        assert own["status"] == "passed" and own["scored"] is False


def test_a_failed_gradient_is_differenced_where_its_failure_is_reported(tmp_path):
    """Grading differences the student's own forward only to explain the
    failure it reports: one look per failed output and group of cases (public,
    hidden), not one per case, and the diagnosis it grounds is still made."""
    source = (SUBMISSIONS / "wrong_forward.py").read_text()
    counted = tmp_path / "wrong_forward.py"
    counted.write_text(source + '''

_score = score


def score(x, W, b, u):
    print("score called")
    return _score(x, W, b, u)
''')
    done = run_cli("grade", str(counted), "--assignment", "ner_window", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    [s] = json.loads(replay_grades(tmp_path / "out", "ner_window").read_text())["submissions"]
    cases, outputs, points = 2 + 3, 4, 4   # public and hidden cases; ds_dx, ds_dW, ds_db, ds_du; a look's evaluations
    assert (s["output"] + s["hidden_output"]).count("score called") == cases + outputs * 2 * points
    checks = {c["name"]: c for f in s["functions"] for c in f["checks"]}
    for output in ("ds_dx", "ds_dW", "ds_db", "ds_du"):
        for suffix in ("", " (hidden)"):
            assert checks[f"{output} gradient{suffix}"]["diagnosis"] == "wrong_forward"
            assert checks[f"{output} vs your score{suffix}"]["status"] == "passed"


def test_missing_function_says_it_is_not_defined_and_grades_the_others(grades):
    f = grades.function("missing_function", "window_vectors_backward")
    [signature] = f["checks"]
    assert signature["status"] == "failed"
    assert "window_vectors_backward is not defined" in signature["message"]
    assert "def window_vectors_backward(windows, dX, V)" in signature["message"]
    for name in FUNCTIONS:
        if name != "window_vectors_backward":
            assert grades.function("missing_function", name)["score"] == POINTS[name]


def test_syntax_error_is_an_error_in_every_function_naming_the_line(grades):
    line = line_of(SUBMISSIONS / "syntax_error.py", "np.outer(delta, x")
    sub = grades.submission("syntax_error")
    assert sub["score"] == 0
    for f in sub["functions"]:
        assert f["score"] == 0
        assert f["checks"], f["name"]
        for c in f["checks"]:
            assert c["status"] == "error"
            assert "SyntaxError" in c["message"]
            assert f"line {line}" in c["message"]


# --- the report files -------------------------------------------------------------------


def test_grades_json_follows_its_contract(graded):
    data = json.loads((graded.folder / "grades.json").read_text(encoding="utf-8"))
    assert data["assignment"] == "ner_window"
    assert isinstance(data["submissions"], list) and len(data["submissions"]) == len(STUDENTS)
    for sub in data["submissions"]:
        assert isinstance(sub["student"], str)
        assert isinstance(sub["score"], (int, float)) and isinstance(sub["max_score"], (int, float))
        assert isinstance(sub["seed"], int)
        assert [f["name"] for f in sub["functions"]] == FUNCTIONS
        assert sub["score"] == pytest.approx(sum(f["score"] for f in sub["functions"]))
        assert sub["max_score"] == sum(f["max_score"] for f in sub["functions"]) == MAX_SCORE
        for f in sub["functions"]:
            assert 0 <= f["score"] <= f["max_score"]
            for c in f["checks"]:
                assert isinstance(c["name"], str) and c["name"]
                assert c["status"] in STATUSES
                assert isinstance(c["message"], str) and c["message"]
                assert c["diagnosis"] is None or re.fullmatch(r"[a-z][A-Za-z0-9_]*", c["diagnosis"])


def test_grades_csv_has_one_column_per_function_and_one_row_per_student(graded):
    with open(graded.folder / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "score", "max_score", *(f"function:{name}" for name in FUNCTIONS), *ADJUSTED]
    assert [r[0] for r in rows[1:]] == STUDENTS
    for row in rows[1:]:
        sub = graded.grades.submission(row[0])
        assert float(row[1]) == sub["score"] and float(row[2]) == MAX_SCORE
        assert [float(x) for x in row[3:3 + len(FUNCTIONS)]] == [f["score"] for f in sub["functions"]]


def test_index_links_one_page_per_student(graded):
    index = (graded.folder / "index.html").read_text(encoding="utf-8")
    for student in STUDENTS:
        page = graded.folder / f"{student}.html"
        assert page.is_file(), f"no page for {student}"
        assert f'href="{student}.html"' in index
        assert student in page.read_text(encoding="utf-8")


def test_stdout_summary_lists_every_student_with_their_score(graded):
    out = graded.result.stdout
    for student in STUDENTS:
        score = graded.grades.submission(student)["score"]
        assert re.search(rf"^{student}\s+{score:g}/{MAX_SCORE}\s", out, re.MULTILINE), f"{student} {score:g}/13"
    assert "index.html" in out


def test_stderr_shows_progress_for_every_submission(graded):
    err = graded.result.stderr
    total = len(STUDENTS)
    counts = []
    for student in STUDENTS:  # in the order they finish, which parallel grading does not fix
        score = graded.grades.submission(student)["score"]
        found = re.search(rf"^\[(\d+)/{total}\] ner_window/{student}: {score:g}/{MAX_SCORE} in [\d.]+ s$", err,
                          re.MULTILINE)
        assert found, f"no progress line for {student} in:\n{err}"
        counts.append(int(found.group(1)))
    assert sorted(counts) == list(range(1, total + 1))
    assert re.search(rf"^ner_window: {total} graded in [\d.]+ s.*, 0 saved results reused$", err, re.MULTILINE)


# --- seeds and saved results ------------------------------------------------------------


def test_every_submission_records_its_own_seed(grades):
    seeds = [grades.submission(s)["seed"] for s in STUDENTS]
    assert all(isinstance(s, int) and s >= 0 for s in seeds)
    assert len(set(seeds)) == len(seeds)


def test_a_second_run_reuses_the_saved_results(cli, graded, tmp_path):
    out = tmp_path / "again"
    shutil.copytree(graded.out, out)
    run = cli("grade", "submissions/ner_window", "--out", out)
    assert run.returncode == 0, run.stderr
    reused = re.findall(r"ner_window/(\w+): [\d.]+/13 \(saved result, unchanged\)", run.stderr)
    assert sorted(reused) == STUDENTS
    assert "ner_window: 0 graded in" in run.stderr and f"{len(STUDENTS)} saved results reused" in run.stderr
    assert (out / "ner_window" / "grades.json").read_text(encoding="utf-8") == \
        (graded.folder / "grades.json").read_text(encoding="utf-8")


def test_a_changed_submission_is_regraded_and_force_regrades_everything(cli, graded, tmp_path):
    # two of the bundled submissions, with the results the session's run saved for them
    subs = tmp_path / "ner_window"
    subs.mkdir()
    shutil.copy(CORRECT, subs / "ada.py")
    shutil.copy(SUBMISSIONS / "transposed_dw.py", subs / "transposed_dw.py")
    out = tmp_path / "out"
    shutil.copytree(graded.out, out)

    def grade(*extra):
        run = cli("grade", subs, "--out", out, *extra, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        scores = {s["student"]: s["score"] for s in Grades.load(out / "ner_window" / "grades.json").data["submissions"]}
        saved = set(re.findall(r"ner_window/(\w+): \S+ \(saved result, unchanged\)", run.stderr))
        fresh = set(re.findall(r"ner_window/(\w+): \S+ in [\d.]+ s", run.stderr))
        return scores, saved, fresh

    fixed = (subs / "transposed_dw.py").read_text(encoding="utf-8").replace("dW = X.T @ delta", "dW = delta.T @ X")
    assert fixed != (subs / "transposed_dw.py").read_text(encoding="utf-8")
    (subs / "transposed_dw.py").write_text(fixed, encoding="utf-8")
    assert grade() == ({"ada": 13, "transposed_dw": 13}, {"ada"}, {"transposed_dw"})

    assert grade("--force") == ({"ada": 13, "transposed_dw": 13}, set(), {"ada", "transposed_dw"})
