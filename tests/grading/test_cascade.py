"""One mistake charged once, through the real `grade` and `self-check`.

A backward fed the cache of the student's own forward keeps its points when
it is the right derivative of that forward and the forward loses its own;
hostile pairs that try to use this gain nothing over what the course's own
gradient check (the backward against finite differences of the student's
own forward) would give them. A function graded on a stand-in is judged on
its own logic, and its composition with the student's own helper explains
a cascade or a compensation without points."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, replace_functions, run_cli, write_submission

LAYERS = ROOT / "submissions" / "layers"
WORD2VEC = ROOT / "submissions" / "word2vec"

NOT_DROPOUT = '''
def dropout_forward(x, dropout_param):
    return x.copy(), dropout_param      # no dropout at all: the forward's points are lost
'''

# Hostile pairs, each a correct file with its dropout functions replaced.
HOSTILE = {
    # a wrong forward to dodge the backward's checks, with a backward that is no derivative of it
    "dodges_with_wrong_forward": {"dropout_forward": NOT_DROPOUT, "dropout_backward": '''
def dropout_backward(dout, cache):
    return 0.5 * dout
'''},
    # the backward right for its own (wrong) forward on the first call only, wrong on another upstream
    "right_once_then_wrong": {"dropout_forward": '''
def dropout_forward(x, dropout_param):
    np.random.seed(dropout_param["seed"])
    mask = np.random.rand(*x.shape) < dropout_param["p"]
    return x * mask, (dropout_param, mask)
''', "dropout_backward": '''
CALLS = [0]


def dropout_backward(dout, cache):
    CALLS[0] += 1
    return dout * cache[1] * (1.0 if CALLS[0] == 1 else 2.0)
'''},
    # a forward that computes nothing, with its (trivial) derivative: what the course's own check passes
    "hollow_pair": {"dropout_forward": NOT_DROPOUT, "dropout_backward": '''
def dropout_backward(dout, cache):
    return dout
'''},
    # batch normalization as the identity, with the identity's derivative: the derivation is the
    # exercise, so the spec does not forgive batchnorm_backward's cache
    "hollow_batchnorm": {"batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, bn_param):
    return x.copy(), x.shape
''', "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    return dout.copy(), np.zeros(cache[1]), np.zeros(cache[1])
'''},
}


@pytest.fixture(scope="module")
def layers_graded(tmp_path_factory):
    """The dropout submissions and the hostile pairs, graded by `grade`."""
    folder = tmp_path_factory.mktemp("cascade")
    correct = (LAYERS / "emmy.py").read_text(encoding="utf-8")
    for name in ("dropout_not_inverted", "dropout_p_mixed"):
        shutil.copyfile(LAYERS / f"{name}.py", folder / f"{name}.py")
    for name, functions in HOSTILE.items():
        write_submission(folder / f"{name}.py", replace_functions(correct, **functions))
    out = folder / "out"
    done = run_cli("grade", str(folder), "--assignment", "layers", "--out", str(out), "--format", "json",
                   timeout=900)
    assert done.returncode == 0, done.stderr
    grades = json.loads((out / "layers" / "grades.json").read_text())
    return {s["student"]: {f["name"]: f for f in s["functions"]} for s in grades["submissions"]}


def dropout_points(functions: dict) -> tuple[float, float]:
    return functions["dropout_forward"]["score"], functions["dropout_backward"]["score"]


@pytest.mark.parametrize("student", ["dropout_not_inverted", "dropout_p_mixed"])
def test_a_wrong_forward_is_charged_once(layers_graded, student):
    functions = layers_graded[student]
    assert dropout_points(functions) == (0, 2)
    cascades = [c for c in functions["dropout_backward"]["checks"] if c["diagnosis"] == "cascade"]
    assert cascades and all(c["status"] == "failed" and not c["scored"] for c in cascades)
    assert {c["charged_to"] for c in cascades} == {"dropout_forward"}
    assert any(c["visibility"] == "hidden" for c in cascades)


@pytest.mark.parametrize("student", ["dodges_with_wrong_forward", "right_once_then_wrong"])
def test_a_backward_wrong_for_its_own_forward_is_still_charged(layers_graded, student):
    functions = layers_graded[student]
    assert dropout_points(functions) == (0, 0)
    assert not any(c["diagnosis"] == "cascade" for c in functions["dropout_backward"]["checks"])


def test_a_hollow_pair_gets_what_the_course_check_gives(layers_graded):
    """A forward that does nothing, and its derivative: the forward's point is
    lost and the backward keeps its points, as the course's own gradient
    check (against the student's own forward) would give them (README)."""
    functions = layers_graded["hollow_pair"]
    assert dropout_points(functions) == (0, 2)
    assert any(c["diagnosis"] == "cascade" for c in functions["dropout_backward"]["checks"])


def test_a_backward_the_spec_does_not_forgive_is_charged(layers_graded):
    """The hollow pair again, where the spec keeps the default (charge): a
    batchnorm_backward that is the derivative of an identity forward loses
    its points with the forward's."""
    functions = layers_graded["hollow_batchnorm"]
    assert functions["batchnorm_forward"]["score"] == 0
    backward = functions["batchnorm_backward"]
    assert backward["score"] == 0
    assert not any(c["diagnosis"] == "cascade" for c in backward["checks"])
    assert any(c["diagnosis"] == "wrong_forward" and c["scored"] for c in backward["checks"])


def test_skipgram_is_judged_alone_and_the_cascade_explained(tmp_path):
    """A broken naive softmax costs skipgram nothing; its composition check names the cascade."""
    out = tmp_path / "out"
    folder = tmp_path / "word2vec"
    folder.mkdir()
    for name in ("softmax_center_sign", "skipgram_compensates_transpose"):
        shutil.copyfile(WORD2VEC / f"{name}.py", folder / f"{name}.py")
    done = run_cli("grade", str(folder), "--assignment", "word2vec", "--out", str(out), "--format", "json",
                   timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((out / "word2vec" / "grades.json").read_text())
    by_student = {s["student"]: {f["name"]: f for f in s["functions"]} for s in grades["submissions"]}
    sign = by_student["softmax_center_sign"]
    assert sign["skipgram"]["score"] == sign["skipgram"]["max_score"]
    composed = [c for c in sign["skipgram"]["checks"] if c["name"].startswith("with your")]
    assert composed and all(c["diagnosis"] == "cascade" and not c["scored"] for c in composed)
    assert {c["charged_to"] for c in composed} == {"naiveSoftmaxLossAndGradient"}
    compensates = by_student["skipgram_compensates_transpose"]["skipgram"]
    assert compensates["score"] == 0
    assert any(c["diagnosis"] == "compensates" and c["scored"] for c in compensates["checks"])
    assert all(c["status"] == "passed" for c in compensates["checks"] if c["name"].startswith("with your"))


def test_self_check_shows_the_compensation(tmp_path):
    """self-check runs the composition on the public cases, from public.json alone."""
    student = tmp_path / "word2vec.py"
    shutil.copyfile(WORD2VEC / "skipgram_compensates_transpose.py", student)
    done = run_cli("self-check", str(student), "--assignment", str(ROOT / "assignments" / "word2vec"))
    assert done.returncode == 1, done.stderr
    assert "with your naiveSoftmaxLossAndGradient" in done.stdout
    assert "compensates for a mistake in your naiveSoftmaxLossAndGradient" in done.stdout
