"""`grade validate` and accepted conventions: a mutant of the reference that
answers as an accepted convention does (the other form of the L2 term) keeps
its points and is no mistake, so it is counted as equivalent, not as a
survivor; one that mixes two conventions is killed."""
from __future__ import annotations

from conftest import ROOT
from grader.authoring.mutants import Mutant
from mutants import judged

SVM = ROOT / "assignments" / "linear_svm"


def test_a_mutant_that_is_an_accepted_convention_is_not_a_survivor(tmp_path):
    other_form = Mutant("svm_loss_naive", "loss", "the other form of the L2 term",
                        "outs = list(_ref.svm_loss_naive__half_reg(*args))")
    verdict = judged(tmp_path, SVM, other_form)
    assert verdict.score == verdict.max_score
    assert verdict.verdict == "equivalent"


def test_a_mutant_that_mixes_two_conventions_is_killed(tmp_path):
    mixed = Mutant("svm_loss_naive", "loss", "the loss of the other form of the L2 term",
                   "outs[0] = _ref.svm_loss_naive__half_reg(*args)[0]")
    assert judged(tmp_path, SVM, mixed).verdict == "killed"
