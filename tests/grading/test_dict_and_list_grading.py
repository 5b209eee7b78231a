"""Dict and list arguments and outputs, graded through the real `grade`
command and real student processes (tests/assignments/nets): the
parameters go to the student as a dict of arrays, the forward's output and
cache come back from the student's own forward into its backward, and each
key of the returned dict of gradients (each item of a returned list) is
judged, scored and diagnosed on its own, against finite differences of the
cost with respect to that key of the parameters, and of the student's own
cost, moved along that key alone in their process."""
from __future__ import annotations


import pytest

from conftest import ROOT, sources_grades

NETS = ROOT / "tests" / "assignments" / "nets"
CORRECT = (NETS / "reference.py").read_text(encoding="utf-8")
STUDENTS = {
    "good": CORRECT,
    # one key wrong: only it loses its share
    "dw2_sign": CORRECT.replace('"dW2": out @ H.T', '"dW2": -(out @ H.T)'),
    # one key missing: only it fails, and says which keys there are
    "missing_key": CORRECT.replace(', "dW2": out @ H.T}', "}"),
    # no dict at all: the function's return fails, and every key with it
    "a_tuple": CORRECT.replace('return {"dW1": dZ @ X.T, "dW2": out @ H.T}', "return dZ @ X.T, out @ H.T"),
    # a list one item short: only the missing item fails
    "short_list": CORRECT.replace("return [2 * x for x in xs]", "return [2 * x for x in xs[:2]]"),
    # a cost twice too large and gradients right for it: the forward is at fault, as a probe of
    # the student's own cost along one key of the parameters shows
    "double_cost": CORRECT.replace("return float(np.sum(forward(X, params)[0] ** 2) / 2)",
                                   "return float(np.sum(forward(X, params)[0] ** 2))").replace(
        'return {"dW1": dZ @ X.T, "dW2": out @ H.T}', 'return {"dW1": 2 * dZ @ X.T, "dW2": 2 * out @ H.T}'),
    # the parameters' dict changed in place: reported, not scored
    "mutates": CORRECT.replace('    H = np.tanh(params["W1"] @ X)',
                               '    H = np.tanh(params["W1"] @ X)\n    params["seen"] = True'),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    submissions = sources_grades(tmp_path_factory.mktemp("nets"), NETS, STUDENTS)
    return {student: {f["name"]: f for f in s["functions"]} for student, s in submissions.items()}


def failing(function: dict) -> dict:
    """(check, output) -> (status, diagnosis, message) of the public checks that did not pass."""
    return {(c["name"], c["output"]): (c["status"], c["diagnosis"], c["message"]) for c in function["checks"]
            if c["status"] != "passed" and c["visibility"] == "public"}


def test_a_correct_file_gets_every_point_of_every_key(graded):
    functions = graded["good"]
    assert all(f["score"] == f["max_score"] for f in functions.values()) and len(functions) == 4
    names = {c["name"] for c in functions["backward"]["checks"]}
    assert {'grads["dW1"] gradient', 'grads["dW2"] gradient', 'grads["dW1"] shape'} <= names
    assert {"ys[0] value", "ys[2] value"} <= {c["name"] for c in functions["doubled"]["checks"]}


def test_a_wrong_key_loses_its_own_share_with_its_diagnosis(graded):
    backward = graded["dw2_sign"]["backward"]
    assert backward["score"] == 1.0
    fails = failing(backward)
    assert set(fails) == {('grads["dW2"] gradient', 'grads["dW2"]'), ('grads["dW2"] vs your cost', 'grads["dW2"]')}
    status, diagnosis, message = fails[('grads["dW2"] gradient', 'grads["dW2"]')]
    assert diagnosis == "sign_flipped" and message.startswith('on public case 1: grads["dW2"] (against finite')
    assert graded["dw2_sign"]["forward"]["score"] == 1.0
    # the student's own cost, differenced along params["W2"] alone in their process, disagrees too
    [own] = [c for c in backward["checks"] if c["name"] == 'grads["dW2"] vs your cost']
    assert own["status"] == "failed" and not own["scored"] and "your own cost changes at the rate" in own["message"]


def test_gradients_right_for_a_wrong_cost_are_told_apart(graded):
    functions = graded["double_cost"]
    assert functions["cost"]["score"] == 0 and functions["backward"]["score"] == 0
    checks = {c["name"]: c for c in functions["backward"]["checks"] if c["visibility"] == "public"}
    for key in ("dW1", "dW2"):   # twice the true gradients, and right for the student's own cost
        assert checks[f'grads["{key}"] gradient']["diagnosis"] == "scaled_by_2"
        assert checks[f'grads["{key}"] vs your cost']["status"] == "passed"


def test_a_missing_key_fails_alone_and_names_the_keys_there_are(graded):
    backward = graded["missing_key"]["backward"]
    assert backward["score"] == 1.0
    [(key, (status, _, message))] = failing(backward).items()
    assert key == ('grads["dW2"] shape', 'grads["dW2"]') and status == "failed"
    assert message == "on public case 1: grads has no key 'dW2' (its keys: 'dW1')"


def test_a_tuple_where_a_dict_is_declared_fails_the_function(graded):
    backward = graded["a_tuple"]["backward"]
    assert backward["score"] == 0
    status, _, message = failing(backward)[("returns", None)]
    assert status == "failed"
    assert "grads is a value of type" not in message and "expected a dict with the keys 'dW1', 'dW2'" in message


def test_a_list_an_item_short_loses_that_items_share(graded):
    doubled = graded["short_list"]["doubled"]
    assert doubled["score"] == 2.0
    [(key, (_, _, message))] = failing(doubled).items()
    assert key == ("ys[2] shape", "ys[2]") and message == "on public case 1: ys has 2 items; ys[2] is missing"


def test_a_dict_changed_in_place_is_reported_without_cost(graded):
    forward = graded["mutates"]["forward"]
    assert forward["score"] == 1.0
    [(key, (status, _, message))] = failing(forward).items()
    assert key == ("inputs unchanged", None) and "changed its input params in place" in message
