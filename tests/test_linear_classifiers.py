"""The bundled linear_svm and softmax assignments: every bundled submission
gets its verdict, its diagnosis and its convention, as `grade` reports them
in grades.json; each assignment validates (the reference earns full marks,
every mutant is killed) and its public cases are up to date."""

import pytest

from conftest import ROOT, bundled_grades, run_cli
from grader.cases.assignment import Assignment
from grader.cases.sampling import PUBLIC

SVM, SVM_V = "svm_loss_naive", "svm_loss_vectorized"
SOFT, SOFT_V = "softmax_loss_naive", "softmax_loss_vectorized"
SOFT_L, SOFT_VL = "softmax_loss_naive_large_scores", "softmax_loss_vectorized_large_scores"
FULL, HALF = "l2_full", "l2_half"

# assignment -> student -> (score, {function: points kept, where short},
#                           {(function, output): diagnosis of its failed public check},
#                           {function: the convention reported})
EXPECTED = {
    "linear_svm": {
        "barbara": (4, {}, {}, {SVM: FULL, SVM_V: FULL}),
        "half_reg_convention": (4, {}, {}, {SVM: HALF, SVM_V: HALF}),
        # the loss of l2_half beside the gradient of l2_full: neither convention
        "mixed_conventions": (2, {SVM: 1, SVM_V: 1},
                              {(SVM, "loss"): "mixed_conventions", (SVM_V, "loss"): "mixed_conventions"},
                              {SVM: FULL, SVM_V: FULL}),
        "reg_gradient_missing": (2, {SVM: 1, SVM_V: 1},
                                 {(SVM, "dW"): "reg_gradient_missing", (SVM_V, "dW"): "reg_gradient_missing"},
                                 {SVM: FULL, SVM_V: FULL}),
        # explained against the closest convention, the one its loss follows
        "dw_not_divided_by_n": (2, {SVM: 1, SVM_V: 1},
                                {(SVM, "dW"): "dw_summed_over_n", (SVM_V, "dW"): "dw_summed_over_n"},
                                {SVM: HALF, SVM_V: HALF}),
        # the vectorized form disagrees with the naive one, which is right
        "vectorized_true_class_counted": (2, {SVM_V: 0},
                                          {(SVM_V, "loss"): "true_class_margin_counted",
                                           (SVM_V, "dW"): "true_class_in_gradient"},
                                          {SVM: FULL, SVM_V: FULL}),
        "vectorized_true_class_in_gradient": (3, {SVM_V: 1}, {(SVM_V, "dW"): "true_class_in_gradient"},
                                              {SVM: FULL, SVM_V: FULL}),
    },
    "softmax": {
        "karen": (6, {}, {}, {f: FULL for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
        "half_reg_convention": (6, {}, {}, {f: HALF for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
        "mixed_conventions": (3, {SOFT: 1, SOFT_V: 1, SOFT_L: 0.5, SOFT_VL: 0.5},
                              {(f, "dW"): "mixed_conventions" for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)},
                              {f: FULL for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
        "reg_gradient_missing": (3, {SOFT: 1, SOFT_V: 1, SOFT_L: 0.5, SOFT_VL: 0.5},
                                 {(f, "dW"): "reg_gradient_missing" for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)},
                                 {f: FULL for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
        "dw_not_divided_by_n": (3, {SOFT: 1, SOFT_V: 1, SOFT_L: 0.5, SOFT_VL: 0.5},
                                {(f, "dW"): "dw_summed_over_n" for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)},
                                {f: FULL for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
        # right on ordinary scores; NaN where exp overflows, named as the missing shift
        "no_max_shift": (4, {SOFT_L: 0, SOFT_VL: 0},
                         {(f, o): "no_max_shift" for f in (SOFT_L, SOFT_VL) for o in ("loss", "dW")},
                         {f: FULL for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
        # l2_half throughout; the vectorized gradient forgets the one-hot labels
        "vectorized_one_hot_not_subtracted": (4.5, {SOFT_V: 1, SOFT_VL: 0.5},
                                              {(SOFT_V, "dW"): "one_hot_not_subtracted",
                                               (SOFT_VL, "dW"): "one_hot_not_subtracted"},
                                              {f: HALF for f in (SOFT, SOFT_V, SOFT_L, SOFT_VL)}),
    },
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def graded(request, tmp_path_factory):
    return request.param, bundled_grades(request.param, tmp_path_factory.mktemp(request.param))


def test_every_bundled_submission_is_expected(graded):
    name, submissions = graded
    assert set(submissions) == set(EXPECTED[name])


def test_each_submission_gets_its_verdict_diagnosis_and_convention(graded):
    name, submissions = graded
    for student, (score, kept, diagnoses, conventions) in EXPECTED[name].items():
        s = submissions[student]
        assert s["score"] == score, student
        assert {f["name"]: f["score"] for f in s["functions"] if f["score"] < f["max_score"]} == kept, student
        failed = {(f["name"], c["output"]): c["diagnosis"] for f in s["functions"] for c in f["checks"]
                  if c["scored"] and c["status"] != "passed" and c["visibility"] == "public"}
        assert failed == diagnoses, student
        assert {f["name"]: f["convention"] for f in s["functions"]} == conventions, student


def test_a_mixture_is_explained_as_one(graded):
    name, submissions = graded
    [check] = [c for f in submissions["mixed_conventions"]["functions"] for c in f["checks"]
               if c["diagnosis"] == "mixed_conventions" and c["visibility"] == "public"][:1]
    assert "follows the convention l2_half" in check["explanation"]
    assert "follow l2_full" in check["explanation"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_assignment_validates(name):
    done = run_cli("grade", "validate", name, "--seeds", "5", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "full marks on every seed" in done.stdout
    assert "survived" not in done.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_published_public_cases_are_up_to_date(name):
    a = Assignment(ROOT / "assignments" / name)
    assert len(a.published_source().cases(PUBLIC, 0)) == a.spec.cases.public
