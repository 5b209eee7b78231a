"""A function judged against each accepted convention: full marks under the
one all its outputs and cases follow, said as data (`convention`) and in
self-check's words; no convention for a student who changes convention from
one case to the next."""
from __future__ import annotations

import json
import shutil

from conftest import ROOT, run_cli, write_submission

SUBMISSIONS = ROOT / "submissions"
BARBARA = (SUBMISSIONS / "linear_svm" / "barbara.py").read_text(encoding="utf-8")

# the first two calls of each function in the l2_half form, every later one in l2_full: each case
# alone follows an accepted convention, the cases together follow none
SWITCHES = BARBARA.replace("import numpy as np\n", "import numpy as np\n\nCALLS = {'naive': 0, 'vectorized': 0}\n", 1) \
    .replace("    loss /= num_train\n", "    loss /= num_train\n    CALLS['naive'] += 1\n"
             "    half = 0.5 if CALLS['naive'] <= 2 else 1.0\n", 1) \
    .replace("    loss += reg * np.sum(W * W)\n    dW += 2 * reg * W\n",
             "    loss += half * reg * np.sum(W * W)\n    dW += half * 2 * reg * W\n", 1)


def grades_of(folder, assignment: str, tmp_path) -> dict:
    out = tmp_path / "out"
    done = run_cli("grade", str(folder), "--assignment", assignment, "--out", str(out), "--format", "json",
                   timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((out / assignment / "grades.json").read_text())
    return {s["student"]: {f["name"]: f for f in s["functions"]} for s in grades["submissions"]}


def test_a_student_who_changes_convention_between_cases_matches_none(tmp_path):
    folder = tmp_path / "class"
    write_submission(folder / "switches.py", SWITCHES)
    shutil.copyfile(SUBMISSIONS / "linear_svm" / "half_reg_convention.py", folder / "half.py")
    functions = grades_of(folder, "linear_svm", tmp_path)
    naive = functions["switches"]["svm_loss_naive"]
    assert naive["score"] < naive["max_score"]
    # judged against the convention most of its answers follow, the hidden cases': the public ones fail,
    # each explained as a mixture
    assert naive["convention"] == "l2_full"
    failed = [c for c in naive["checks"] if c["scored"] and c["status"] != "passed"]
    assert failed and all(c["visibility"] == "public" and c["diagnosis"] == "mixed_conventions" for c in failed)
    assert functions["switches"]["svm_loss_vectorized"]["score"] == 1 + 1   # it does not switch
    assert {f["convention"] for f in functions["half"].values()} == {"l2_half"}


def test_self_check_says_which_convention_it_recognised():
    half = run_cli("self-check", "submissions/linear_svm/half_reg_convention.py")
    assert half.returncode == 0, half.stderr
    assert "svm_loss_naive: 2/2 (convention: l2_half)" in half.stdout
    mixed = run_cli("self-check", "submissions/linear_svm/mixed_conventions.py")
    assert "svm_loss_naive: 1/2 (judged against the closest convention: l2_full)" in mixed.stdout
    assert "Diagnosis: loss follows the convention l2_half, but the function's other answers (its other outputs, "\
        "or other cases) follow l2_full" in mixed.stdout
