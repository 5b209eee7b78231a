"""A layer's cache reused across layers, graded through the real `grade`
command and real student processes (tests/assignments/stacked: a network
whose hidden layers are all as wide, so that handing one cache to every
layer raises nothing and returns wrong gradients; the bundled
fc_net/cache_reused, whose layers differ, raises, see
test_bundled_assignments). The mistake is named on the checks it fails;
a network that calls a forward twice for one layer, or a backward twice on
one cache on purpose, is not named; and what the watch sees never changes a
status or a point: the student who shows the pattern with right gradients
keeps every point, and the one who switches the watch off loses the same."""
from __future__ import annotations


import pytest
from conftest import ROOT, sources_grades

from grader.grading.cache_reuse import CODE, explanation, name_reuse
from grader.grading.fold import Key
from grader.judge.checks import Verdict
from grader.judge.diagnosis import Diagnosis
from grader.sandbox.answers import CacheUse, read

STACKED = ROOT / "tests" / "assignments" / "stacked"
CORRECT = (STACKED / "reference.py").read_text(encoding="utf-8")
FORWARD_LOOP = '''        for i in (1, 2):
            out, caches[i] = affine_relu_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
'''
BACKWARD_LOOP = '''        for i in (2, 1):
            dout, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(dout, caches[i])
'''
STUDENTS = {
    "good": CORRECT,
    # the loop keeps the last hidden layer's cache alone and hands it to both layers
    "reused": CORRECT.replace(FORWARD_LOOP, FORWARD_LOOP.replace("caches[i] =", "cache =")).replace(
        BACKWARD_LOOP, BACKWARD_LOOP.replace("caches[i])", "cache)")),
    # each layer's forward called twice, the second cache kept: one cache of each never reaches a backward
    "forward_twice": CORRECT.replace(FORWARD_LOOP, FORWARD_LOOP.replace(
        "            out, caches[i]",
        '            affine_relu_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])\n'
        "            out, caches[i]")),
    # each half of the upstream gradient through the same cache: every cache reaches a backward, twice
    "upstream_split": CORRECT.replace(BACKWARD_LOOP, '''        for i in (2, 1):
            halves = [affine_relu_backward(dout / 2, caches[i]) for _ in range(2)]
            dout, grads[f"W{i}"], grads[f"b{i}"] = (a + b for a, b in zip(*halves))
'''),
    # the pattern with right gradients: the second layer's backward called once more for nothing, the
    # first layer's gradients written out by hand; it is seen, and costs nothing
    "pattern_but_right": CORRECT.replace(BACKWARD_LOOP, '''        affine_relu_backward(dout, caches[2])
        dout, grads["W2"], grads["b2"] = affine_relu_backward(dout, caches[2])
        (x, w), a = caches[1]
        da = dout * (a > 0)
        grads["W1"], grads["b1"] = x.T @ da, da.sum(axis=0)
'''),
}
# the same mistake with the watch switched off: the same points lost, nothing named
STUDENTS["reused_unwatched"] = STUDENTS["reused"].replace(
    "        caches = {}\n", "        import sys; sys.setprofile(None)\n        caches = {}\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    for name, source in STUDENTS.items():
        assert source != CORRECT or name == "good", name
    submissions = sources_grades(tmp_path_factory.mktemp("stacked"), STACKED, STUDENTS)
    return submissions


def checks(student: dict) -> list[dict]:
    return [c for f in student["functions"] for c in f["checks"]]


def test_one_cache_for_every_layer_is_named_on_the_gradients_it_spoils(graded):
    named = {c["name"]: c for c in checks(graded["reused"]) if c["diagnosis"] == CODE}
    assert set(named) == {f'grads["{k}"] gradient{h}' for k in ("W1", "b1") for h in ("", " (hidden)")}
    for c in named.values():
        assert c["status"] == "failed" and c["scored"] and c["charged_to"] is None
        assert c["explanation"].startswith("affine_relu_backward was given the cache of the 2nd of your 2 calls of "
                                           "affine_relu_forward twice, and that of the 1st never")
    assert graded["reused"]["score"] == 6   # W1 and b1 of stack_loss lose a point each


@pytest.mark.parametrize("student", ["good", "forward_twice", "upstream_split", "pattern_but_right"])
def test_caches_each_handed_to_their_own_layer_are_not_named_and_nothing_is_charged(graded, student):
    s = graded[student]
    assert s["score"] == s["max_score"] == 8
    assert not any(c["diagnosis"] for c in checks(s))


def test_a_watch_switched_off_hides_the_name_and_nothing_else(graded):
    off, on = graded["reused_unwatched"], graded["reused"]
    assert off["score"] == on["score"]
    assert [(c["name"], c["status"]) for c in checks(off)] == [(c["name"], c["status"]) for c in checks(on)]
    assert not any(c["diagnosis"] for c in checks(off))


# --- naming it, from the counts -------------------------------------------------------

def reply(*rows: dict):
    return read({"ok": True, "result": None, "caches": list(rows)}, {"op": "call", "args": {}})


def verdicts() -> list[tuple[Key, Verdict | None]]:
    return [(Key("returns"), Verdict("passed", "")), (Key("grads gradient", "grads"), Verdict("failed", "off")),
            (Key("loss value", "loss"), Verdict("error", "raised")),
            (Key("grads shape", "grads"), Verdict("failed", "", Diagnosis("transposed", "its own"))),
            (Key("vs your loss", "grads", scored=False), Verdict("failed", "")),
            (Key("later", "grads"), None)]


@pytest.mark.parametrize("received, named", [([0, 2], True), ([1, 1], False), ([0, 1], False), ([2, 1], False),
                                             ([0, 3, 0, 1], True)])
def test_a_cache_taken_twice_while_another_is_never_taken_is_the_mistake(received, named):
    judged = verdicts()
    name_reuse(reply({"forward": "a_forward", "backward": "a_backward", "received": received}), judged)
    codes = [v.diagnosis.code if v and v.diagnosis else None for _, v in judged]
    assert codes == [None, CODE if named else None, CODE if named else None, "transposed", None, None]


def test_the_explanation_says_which_call_how_often_and_which_never():
    use = CacheUse(forward="affine_relu_forward", backward="affine_relu_backward", received=[0, 3, 0, 1, 0])
    assert explanation(use) == (
        "affine_relu_backward was given the cache of the 2nd of your 5 calls of affine_relu_forward 3 times, and "
        "that of the 1st, 3rd and 5th never: a layer's backward needs the cache its own forward returned; keep one "
        "cache per layer (in a dict keyed by the layer, say) and pass each to that layer's backward")
