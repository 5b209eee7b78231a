"""A reference whose derivatives disagree with finite differences of its own
forward would fail correct students. Through the real commands, on copies of
ner_window with the loss doubled or a gradient wrong: `grade publish` and
`grade` refuse with the instructor's message (exit code 2) before anything
is written or graded; `grade gradescope` tells the student only that the
autograder is misconfigured; `grade validate` says it in the instructor's
words and does not take the mutant that fixes it for a survivor. Every
bundled assignment still publishes the public cases it ships."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, copy_assignment, run_cli
from grader.cases.assignment import Assignment
from grader.cases.sampling import HIDDEN, PUBLIC, sample_case
from ways_in import autograder, results

LOSS = "    J = float(np.mean(np.logaddexp(0.0, s) - y * s))"
DB = "    db = delta.sum(axis=0)          # (H,)"
SAID_OF_DB = "the reference's db disagrees with finite differences of the reference's J"


def broken_copy(dest: Path, old: str, new: str) -> Path:
    """A copy of ner_window whose reference has `old` replaced by `new`."""
    folder = copy_assignment(dest)
    shutil.rmtree(folder / ".pool", ignore_errors=True)
    reference = folder / "reference.py"
    text = reference.read_text(encoding="utf-8")
    assert old in text, "the reference changed: the test's edit no longer applies"
    reference.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.fixture
def doubled_loss(tmp_path) -> Path:
    return broken_copy(tmp_path / "doubled_loss", LOSS, LOSS.replace("J = float", "J = 2 * float"))


@pytest.fixture
def wrong_db(tmp_path) -> Path:
    return broken_copy(tmp_path / "wrong_db", DB, DB.replace("db = delta", "db = 2 * delta"))


@pytest.fixture
def batch(tmp_path) -> Path:
    folder = tmp_path / "ner_window"
    folder.mkdir()
    for name in ("ada.py", "transposed_dw.py"):
        shutil.copy(SUBMISSIONS / name, folder / name)
    return folder


def test_publish_refuses_a_reference_whose_loss_is_doubled(doubled_loss):
    published = (doubled_loss / "public.json").read_bytes()
    done = run_cli("grade", "publish", doubled_loss)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: ner_window: the reference's derivatives disagree with finite differences "
                                  "of its own forward, so a correct answer would fail")
    for output in ("dX", "dW", "db", "du"):
        assert (f"ner_loss_and_grads, public case 1: the reference's {output} disagrees with finite differences "
                "of the reference's J: ") in done.stderr
    assert "finite differences give" in done.stderr and "(relative error 0.5)" in done.stderr
    assert f"Fix {doubled_loss / 'reference.py'}" in done.stderr
    assert (doubled_loss / "public.json").read_bytes() == published, "nothing is published"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_grade_refuses_before_grading_anyone(wrong_db, batch, tmp_path, jobs):
    out = tmp_path / "reports"
    done = run_cli("grade", batch, "--assignment", wrong_db, "--out", out, "-j", jobs)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"ner_loss_and_grads, public case 1: {SAID_OF_DB}: 7 of 7 checked elements differ" in done.stderr
    assert not (out / "ner_window").exists(), "no student is graded, no report written"
    assert not list((wrong_db / ".pool").glob("*.json")), "the wrong reference's answers are not kept"


def test_grade_audits_the_hidden_cases_publish_does_not_use(tmp_path, batch):
    """A reference wrong only on windows of a batch size no public case has:
    publishing succeeds, grading refuses on the hidden case of the pool."""
    a = Assignment(ROOT / "assignments" / "ner_window")
    c = a.spec.cases
    public = {sample_case(a.spec, PUBLIC, i + 1, c.public_seed).dims["N"] for i in range(c.public)}
    hidden = {sample_case(a.spec, HIDDEN, i + 1, c.public_seed).dims["N"] for i in range(c.hidden_pool)}
    if not hidden - public:
        pytest.skip("every batch size of the hidden pool is in a public case too")
    size = min(hidden - public)
    wrong_there = DB.replace("db = delta", f"db = (1 + (n == {size})) * delta")
    folder = broken_copy(tmp_path / "wrong_on_hidden", DB, wrong_there)
    assert run_cli("grade", "publish", folder).returncode == 0
    done = run_cli("grade", batch, "--assignment", folder, "--out", tmp_path / "reports")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "of the pool: " + SAID_OF_DB in done.stderr and "public case" not in done.stderr


def test_gradescope_tells_the_student_only_that_the_autograder_is_misconfigured(wrong_db, tmp_path):
    root = autograder(tmp_path / "ag", {"ner_window.py": SUBMISSIONS / "ada.py"})
    done = run_cli("grade", "gradescope", "--assignment", wrong_db, "--root", root)
    assert done.returncode == 2
    assert SAID_OF_DB in done.stderr, "the instructor reads why in the log"
    data = results(root)
    assert data["score"] == 0.0 and data["tests"] == []
    assert "misconfigured" in data["output"] and "not your doing" in data["output"]
    assert "finite differences" not in data["output"], "no number of a hidden case reaches the student"


def test_validate_words_a_wrong_gradient_for_the_instructor_and_names_the_fix(wrong_db):
    done = run_cli("grade", "validate", wrong_db, "--seeds", "2", timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ner_window: reference over 2 seeds: a correct answer would fail" in done.stdout
    assert f"ner_loss_and_grads, public case 1: {SAID_OF_DB}: 7 of 7 checked elements differ" in done.stdout
    assert "(against finite differences of the reference)" not in done.stdout, "not in a student's words"
    [fix] = [line for line in done.stdout.splitlines() if line.startswith("ner_loss_and_grads.db scaled by 1/2 ")]
    assert "fixes the reference" in fix
    assert "SURVIVED" not in done.stdout
    assert "(1 right where the reference is wrong, not counted)" in done.stdout


def test_validate_words_a_doubled_loss_for_the_instructor(doubled_loss):
    done = run_cli("grade", "validate", doubled_loss, "--seeds", "2", timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    for output in ("dX", "dW", "db", "du"):
        assert f"the reference's {output} disagrees with finite differences of the reference's J" in done.stdout
    assert "when graded as a student" not in done.stdout, "the failures it explains are not said again"
    assert "SURVIVED" not in done.stdout


@pytest.mark.parametrize("name", ["deep_network", "jacobians", "layers", "ner_window", "word2vec"])
def test_every_bundled_assignment_publishes_the_cases_it_ships(name, tmp_path):
    folder = tmp_path / name
    shutil.copytree(ROOT / "assignments" / name, folder, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    done = run_cli("grade", "publish", folder, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"What students get: grade handout {folder}" in done.stdout
    shipped = json.loads((ROOT / "assignments" / name / "public.json").read_text(encoding="utf-8"))
    written = json.loads((folder / "public.json").read_text(encoding="utf-8"))
    assert written["cases"] == shipped["cases"]
