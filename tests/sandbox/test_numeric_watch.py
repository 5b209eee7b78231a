"""The student's side of finding a numerical derivative: what the watch
counts during a call, on code compiled as if from the submission's file
(finite differences in place and on copies, the complex step, a forward
reached through a lambda), what it leaves alone (the hand-derived patterns
that call helpers, even on slightly moved arguments, a few times), and how
the grading side reads the counts it is sent."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from grader.grading.derived import numerical
from grader.sandbox import answers
from grader.sandbox.numeric_watch import Watch

FILE = "/scratch/student.py"

SOURCE = '''
import numpy as np


def forward(x, w):
    return np.tanh(x @ w)


def central_in_place(x, w, dout, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + h
        plus = np.sum(forward(x, w) * dout)
        x.flat[i] = old - h
        minus = np.sum(forward(x, w) * dout)
        x.flat[i] = old
        grad.flat[i] = (plus - minus) / (2 * h)
    return grad


def forward_difference_on_copies(x, w, dout, h=1e-6):
    f = lambda v: np.sum(forward(v, w) * dout)
    base, grad = f(x), np.zeros_like(x)
    for i in range(x.size):
        moved = x.copy()
        moved.flat[i] += h
        grad.flat[i] = (f(moved) - base) / h
    return grad


def complex_step(x, w, dout, h=1e-30):
    grad = np.zeros_like(x)
    for i in range(x.size):
        moved = x.astype(complex)
        moved.flat[i] += 1j * h
        grad.flat[i] = np.sum(forward(moved, w) * dout).imag / h
    return grad


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def derived(x, w, dout):
    out = forward(x, w)                      # the forward again, on the same x: nothing moved
    return ((1 - out ** 2) * dout) @ w.T


def derived_with_helpers(x, w, dout, eps=1e-5):
    var = np.var(x, axis=0)
    scale = inv_std(var) - inv_std(var + eps)    # one call on a slightly moved argument
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            total += sigmoid(x[i, j]) * (1 - sigmoid(x[i, j]))   # a helper per element, on scalars
    return ((1 - forward(x, w) ** 2) * dout) @ w.T + 0 * scale * total


def inv_std(v):
    return 1 / np.sqrt(v)
'''


@pytest.fixture(scope="module")
def student():
    namespace: dict = {}
    exec(compile(SOURCE, FILE, "exec"), namespace)
    return namespace


def watched(student, name: str) -> tuple[np.ndarray, list[dict]]:
    rng = np.random.default_rng(0)
    x, w, dout = rng.standard_normal((4, 5)), rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    with Watch([FILE]) as watch:
        grad = student[name](x, w, dout)
    truth = ((1 - np.tanh(x @ w) ** 2) * dout) @ w.T
    np.testing.assert_allclose(grad, truth, rtol=1e-5, atol=1e-7)
    return grad, watch.report()


def signs(report: list[dict]) -> list:
    return [answers.NumericSign(**row) for row in report]


@pytest.mark.parametrize("name, complex_", [("central_in_place", False), ("forward_difference_on_copies", False),
                                            ("complex_step", True)])
def test_a_numerical_derivative_is_counted_on_the_function_it_evaluates(student, name, complex_):
    _, report = watched(student, name)
    found = {(row["function"], row["argument"]) for row in report}
    assert ("forward", "x") in found
    [sign] = [s for s in signs(report) if s.function == "forward" and s.argument == "x"]
    assert sign.size == 20 and sign.shape == [4, 5] and sign.complex == complex_
    assert sign.calls >= 20 and numerical(sign)


@pytest.mark.parametrize("name", ["derived", "derived_with_helpers"])
def test_a_hand_derived_gradient_shows_no_numerical_derivative(student, name):
    _, report = watched(student, name)
    assert not any(numerical(s) for s in signs(report)), report


def test_nothing_is_counted_outside_the_submissions_file(student):
    rng = np.random.default_rng(1)
    x, w, dout = rng.standard_normal((4, 5)), rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    with Watch(["/elsewhere.py"]) as watch:
        student["central_in_place"](x, w, dout)
    assert watch.report() == []


def test_the_watch_ends_with_the_call():
    with Watch([FILE]):
        pass
    assert sys.getprofile() is None


ROW = {"function": "forward", "line": 5, "argument": "x", "calls": 40, "size": 20, "shape": [4, 5],
       "complex": False}


def read_call(numeric) -> answers.Reply:
    return answers.read({"ok": True, "result": None, "numeric": numeric}, {"op": "call", "args": {}})


def test_the_grading_side_reads_the_counts_it_is_sent():
    reply = read_call([ROW])
    assert reply.ok and reply.numeric == [answers.NumericSign(**ROW)]
    assert read_call([]).numeric == []


@pytest.mark.parametrize("numeric", [
    [ROW | {"calls": -1}], [ROW | {"calls": 2.5}], [ROW | {"shape": "x"}], [ROW | {"complex": "yes"}],
    [ROW] * (answers.MAX_SIGNS + 1), "many",
])
def test_forged_counts_are_a_malformed_answer(numeric):
    reply = read_call(numeric)
    assert not reply.ok and reply.error.kind == "protocol"
