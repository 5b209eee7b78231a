"""Classes as exercises, graded through the real `grade` command and real
student processes (tests/assignments/classy: a linear softmax classifier).
Each case constructs the student's class with its sampled constructor
arguments, assigns the sampled arrays to its params, then calls loss; each
key of the returned grads is judged and scored on its own against finite
differences of the loss along that parameter, and loss(X) is graded as the
scores. `grade validate` grades the reference and its mutants the same way."""
from __future__ import annotations


import pytest

from conftest import ROOT, run_cli, sources_grades

CLASSY = ROOT / "tests" / "assignments" / "classy"
CORRECT = (CLASSY / "reference.py").read_text(encoding="utf-8")
STUDENTS = {
    "good": CORRECT,
    # the penalty in the loss, not in its gradient: grads["W"] alone fails (only where reg is not 0)
    "reg_missing": CORRECT.replace('X.T @ dscores + self.reg * self.params["W"]', "X.T @ dscores"),
    # grads keyed as the course's older handouts key them
    "keyed_dw": CORRECT.replace('{"W": X.T', '{"dW": X.T').replace('"b": dscores', '"db": dscores'),
    # b's gradient left out
    "no_db": CORRECT.replace(', "b": dscores.sum(axis=0)}', "}"),
    # the parameters kept in attributes of its own: the grader's params are not used
    "own_attributes": CORRECT.replace('self.params = {"W": weight_scale * np.random.randn(input_dim, num_classes), '
                                      '"b": np.zeros(num_classes)}',
                                      'self.W = np.zeros((input_dim, num_classes)); self.b = np.zeros(num_classes); '
                                      'self.params = {"W": self.W, "b": self.b}').replace(
        'scores = X @ self.params["W"] + self.params["b"]', "scores = X @ self.W + self.b"),
    # loss(X) without labels not handled
    "needs_labels": CORRECT.replace("    def loss(self, X, y=None):", "    def loss(self, X, y):"),
    # the constructor's weights not scaled, its bias not zero: only the initialisation check fails
    "init_unscaled": CORRECT.replace('"W": weight_scale * np.random.randn', '"W": np.random.randn'),
    "init_bias_ones": CORRECT.replace('"b": np.zeros(num_classes)}', '"b": np.ones(num_classes)}'),
    # no loss method at all
    "no_loss": CORRECT.replace("    def loss(self, X, y=None):", "    def forward(self, X, y=None):"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    submissions = sources_grades(tmp_path_factory.mktemp("classy"), CLASSY, STUDENTS)
    return submissions


def functions(student: dict) -> dict:
    return {f["name"]: f for f in student["functions"]}


def failed(student: dict, function: str) -> dict:
    """{check name: (diagnosis, message)} of the public checks that failed."""
    return {c["name"]: (c["diagnosis"], c["message"]) for c in functions(student)[function]["checks"]
            if c["status"] != "passed" and c["visibility"] == "public" and c["scored"]}


def test_a_correct_class_gets_full_marks(graded):
    assert graded["good"]["score"] == graded["good"]["max_score"] == 5
    checks = {c["name"] for c in functions(graded["good"])["linear_loss"]["checks"]}
    assert {'grads["W"] gradient', 'grads["b"] gradient', "loss value"} <= checks
    [signature] = [c for c in functions(graded["good"])["linear_loss"]["checks"] if c["name"] == "signature"]
    assert signature["message"] == "Linear.loss(X, y) is defined"


def test_each_key_of_grads_is_judged_and_scored_on_its_own(graded):
    assert functions(graded["reg_missing"])["linear_loss"]["score"] == 2
    fails = {c["name"] for c in functions(graded["reg_missing"])["linear_loss"]["checks"]
             if c["status"] != "passed" and c["scored"]}
    assert fails <= {'grads["W"] gradient', 'grads["W"] gradient (hidden)'} and fails
    assert functions(graded["no_db"])["linear_loss"]["score"] == 2


def test_grads_keyed_otherwise_or_missing_say_so(graded):
    keyed = failed(graded["keyed_dw"], "linear_loss")
    assert keyed['grads["W"] shape'][0] == "keyed_differently"
    assert "grads has no key 'W' (its keys: 'dW', 'db')" in keyed['grads["W"] shape'][1]
    assert functions(graded["keyed_dw"])["linear_loss"]["score"] == 1
    missing = failed(graded["no_db"], "linear_loss")
    assert list(missing) == ['grads["b"] shape'] and missing['grads["b"] shape'][0] == "derivative_missing"


def test_the_params_assigned_are_the_ones_used(graded):
    student = graded["own_attributes"]
    assert functions(student)["linear_loss"]["score"] == 0 and functions(student)["linear_scores"]["score"] == 0
    assert "scores value" in failed(student, "linear_scores")


def test_loss_without_labels_is_the_scores(graded):
    assert functions(graded["needs_labels"])["linear_loss"]["score"] == 3
    [message] = [m for _, m in failed(graded["needs_labels"], "linear_scores").values()]
    assert message == ("Linear.loss(X, y) also needs y, which the grader does not pass: expected Linear.loss(X) "
                       "(give it a default value, or remove it)")


def test_a_missing_method_is_named(graded):
    fails = failed(graded["no_loss"], "linear_loss")
    assert fails["signature"][1] == "Linear.loss is not defined: expected def Linear.loss(X, y)"
    assert graded["no_loss"]["score"] == 1   # its constructor alone, checked by linear_init


def test_initialisation_is_judged_by_its_scale_and_zeros_not_its_numbers(graded):
    good = {c["name"]: c["message"] for c in functions(graded["good"])["linear_init"]["checks"]}
    assert good["signature"] == "Linear.params(input_dim, num_classes, reg, weight_scale) is defined"
    assert "normal draws of standard deviation weight_scale" in good['params["W"] initial values']
    assert good['params["b"] initial values'] == 'params["b"] starts at zero'
    unscaled = failed(graded["init_unscaled"], "linear_init")
    assert list(unscaled) == ['params["W"] initial values'] and unscaled['params["W"] initial values'][0] == "initial_scale"
    ones = failed(graded["init_bias_ones"], "linear_init")
    assert list(ones) == ['params["b"] initial values'] and ones['params["b"] initial values'][0] == "bias_not_zero"
    for student in ("init_unscaled", "init_bias_ones"):
        assert graded[student]["score"] == 4.5


def test_validate_grades_the_class_and_kills_its_mutants(tmp_path):
    done = run_cli("grade", "validate", str(CLASSY), "--seeds", "3", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "full marks on every seed" in done.stdout
    assert 'linear_loss.grads["W"] transposed' in done.stdout and "SURVIVED" not in done.stdout
