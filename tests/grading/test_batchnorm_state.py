"""FullyConnectedNet with batch normalisation, as a student runs self-check on
it: the running averages the grader sets at test time (the class's state)
reach the student's network, batch normalisation left in training mode at
test time is named in the course's words, and a constructor that makes no
bn_params is told where the grader could not put them."""
from __future__ import annotations

import shutil

from conftest import ROOT, run_cli

FC_NET = ROOT / "assignments" / "fc_net"
BUNDLED = ROOT / "submissions" / "fc_net"


def self_check(tmp_path, student: str, edit=None) -> str:
    folder = tmp_path / student
    shutil.copytree(BUNDLED / student / "cs231n", folder / "cs231n")
    net = folder / "cs231n" / "classifiers" / "fc_net.py"
    if edit:
        net.write_text(edit(net.read_text(encoding="utf-8")), encoding="utf-8")
    done = run_cli("self-check", "cs231n/classifiers/fc_net.py", "--assignment", str(FC_NET), cwd=folder)
    return done.stdout + done.stderr


def section(text: str, function: str) -> str:
    """One function's lines of self-check's report."""
    return text.split(f"\n{function}: ", 1)[1].split("\n\n", 1)[0].split("\nfc_", 1)[0]


def test_the_running_averages_set_at_test_time_give_full_marks(tmp_path):
    text = self_check(tmp_path, "grace")
    assert "fc_bn_scores: 2/2" in text and "fc_bn_loss: 4/4" in text
    assert "Score on the public checks: 34/34" in text


def test_batchnorm_left_in_training_mode_at_test_time_is_named(tmp_path):
    scores = section(self_check(tmp_path, "batchnorm_train_at_test"), "fc_bn_scores")
    assert scores.startswith("0/2") and "FAIL    scores value" in scores
    assert ("Diagnosis: scores: batch normalisation is still in training mode at test time: loss(X) without "
            "labels must set every bn_param's mode to \"test\"") in scores


def test_a_constructor_without_bn_params_is_told_where_the_grader_could_not_set_them(tmp_path):
    text = self_check(tmp_path, "grace", lambda source: source.replace(
        '            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]\n', "            pass\n"))
    scores = section(text, "fc_bn_scores")
    assert scores.startswith("0/2")
    assert ('the grader sets self.bn_params[0]["running_mean"] after constructing FullyConnectedNet, but there '
            "is no such place (IndexError: list index out of range)") in scores
    assert "fc_scores: 2/2" in text   # without normalisation, nothing is set
