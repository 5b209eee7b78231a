"""A function judged against each accepted convention: full marks under the
one all its outputs and cases follow, said as data (`convention`) and in
self-check's words; no convention for a student who changes convention from
one case to the next; dropout's two meanings of p in layers."""
from __future__ import annotations

import json
import shutil

import pytest

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


@pytest.fixture(scope="module")
def dropout(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("dropout")
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("emmy", "dropout_p_drop_convention", "dropout_p_mixed"):
        shutil.copyfile(SUBMISSIONS / "layers" / f"{name}.py", folder / f"{name}.py")
    emmy = (SUBMISSIONS / "layers" / "emmy.py").read_text(encoding="utf-8")
    keep = "mask = (np.random.rand(*x.shape) < p) / p"
    assert keep in emmy
    below = "mask = (np.random.rand(*x.shape) < 1 - p) / (1 - p)"   # p the probability of dropping, drawn so
    write_submission(folder / "keeps_below.py", emmy.replace(keep, below))
    return grades_of(folder, "layers", tmp_path)


def test_both_meanings_of_dropouts_p_get_full_marks(dropout):
    for student, convention in (("emmy", "p_keep"), ("dropout_p_drop_convention", "p_drop"),
                                ("keeps_below", "p_drop_keep_below")):
        functions = dropout[student]
        for name in ("dropout_forward", "dropout_backward"):
            assert functions[name]["score"] == functions[name]["max_score"], (student, name)
            assert functions[name]["convention"] == convention, (student, name)
        # at test time dropout is the identity under either: nothing tells them apart
        assert functions["dropout_forward_test_mode"]["convention"] is None
        assert functions["affine_forward"]["convention"] is None


def test_the_mask_of_one_meaning_with_the_scale_of_the_other_gets_neither(dropout):
    forward = dropout["dropout_p_mixed"]["dropout_forward"]
    assert forward["score"] == 0
    assert {c["diagnosis"] for c in forward["checks"] if c["status"] == "failed"} == {"dropout_p_mixed"}
    backward = dropout["dropout_p_mixed"]["dropout_backward"]   # right for its own mask: charged once
    assert backward["score"] == backward["max_score"]
