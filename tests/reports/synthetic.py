"""A large class, made up: results shaped like the layers assignment's
(16 functions, 292 checks a student, messages, diagnoses, worst elements),
with realistic mistakes at random, a few files that could not be imported
and students numbered `student_1` to `student_N`. Nothing is graded, and
nothing validated: the models are built as they are (model_construct),
half a million checks in seconds."""
from __future__ import annotations

import functools
import random

from grader.results import AssignmentResult, Check, Element, FunctionResult, SubmissionResult

check, element, function, made_submission = (Check.model_construct, Element.model_construct,
                                             FunctionResult.model_construct, SubmissionResult.model_construct)

# (function, points, outputs): a backward function's outputs are gradients
FUNCTIONS = [("affine_forward", 1, ["out"]), ("affine_backward", 3, ["dx", "dw", "db"]),
             ("relu_forward", 1, ["out"]), ("relu_backward", 2, ["dx"]), ("svm_loss", 2, ["loss", "dx"]),
             ("softmax_loss", 2, ["loss", "dx"]), ("batchnorm_forward", 1, ["out", "cache"]),
             ("batchnorm_forward_test_mode", 1, ["out"]), ("batchnorm_backward", 3, ["dx", "dgamma", "dbeta"]),
             ("dropout_forward", 1, ["out"]), ("dropout_forward_test_mode", 1, ["out"]),
             ("dropout_backward", 2, ["dx"]), ("conv_forward_naive", 2, ["out"]),
             ("conv_backward_naive", 3, ["dx", "dw", "db"]), ("max_pool_forward_naive", 1, ["out"]),
             ("max_pool_backward_naive", 2, ["dx"])]
GRADIENT_CHECKS = ["shape", "gradient", "with another dout", "linear in dout", "zero when dout is zero",
                   "the same when called again"]
MISTAKES = [("transposed", "is transposed: its transpose is right"), ("sign_flipped", "has the wrong sign"),
            ("scaled_by_N", "is N times too large"), ("missing_activation_derivative", "lacks the factor f'(z)")]


def check_names(name: str, outputs: list[str]) -> list[tuple[str, str | None]]:
    """(check, output) of one function, public then hidden, as grading names them."""
    backward = name.endswith("backward") or name.endswith("loss")
    public = [("signature", None), ("returns", None), ("inputs unchanged", None)]
    for out in outputs:
        kinds = GRADIENT_CHECKS if backward and out.startswith("d") else ["shape", "value"]
        public += [(f"{out} {kind}", out) for kind in kinds]
    hidden = [(f"{check} (hidden)", out) for check, out in public if check != "signature"]
    return public + hidden


@functools.cache
def passed_checks(name: str, outputs: tuple[str, ...]) -> list[Check]:
    """A function's checks, every one passed: made once, shared by every student who passed them."""
    return [check(name=label, status="passed", output=out, visibility="hidden" if "(hidden)" in label else "public",
                  message=f"{out or name} matches the reference on every case (all 3 cases)")
            for label, out in check_names(name, list(outputs))]


def function_result(rng: random.Random, name: str, points: float, outputs: list[str]) -> FunctionResult:
    checks = list(passed_checks(name, tuple(outputs)))
    if rng.random() < 0.15:   # a mistake in one output: its value checks fail, public and hidden
        out = rng.choice(outputs)
        code, words = rng.choice(MISTAKES)
        for i, c in enumerate(checks):
            if c.output == out and not c.name.startswith(f"{out} shape") and rng.random() < 0.8:
                checks[i] = check(name=c.name, status="failed", output=out, visibility=c.visibility, diagnosis=code,
                                  explanation=f"{out} {words}", margin=rng.uniform(2, 500),
                                  message=f"on public case 1: {out} differs from finite differences at 37 of "
                                          f"60 elements; worst at {out}[2, 3]: got -0.41, expected 0.41",
                                  worst=[element(index=[2, 3], expected=0.41, got=-0.41)] * 5)
        if out.startswith("d"):
            checks.append(check(name=f"{out} vs your {name.replace('backward', 'forward')}", status="failed",
                                scored=False, output=out, message=f"{out} is not the gradient of your own forward"))
    failed = sum(c.status == "failed" for c in checks if c.scored)
    score = points * max(0.0, 1 - failed / 4) if failed else points
    return function(name=name, score=round(score, 2), max_score=points, line=10, checks=checks)


def submission(rng: random.Random, student: str) -> SubmissionResult:
    if rng.random() < 0.01:
        functions = [function(name=name, score=0.0, max_score=points, checks=[check(
            name="import", status="error", message=f"{student}.py could not be imported:\nSyntaxError: "
                                                   "'(' was never closed (line 32)")])
                     for name, points, _ in FUNCTIONS]
    else:
        functions = [function_result(rng, name, points, outputs) for name, points, outputs in FUNCTIONS]
    return made_submission(student=student, path=f"submissions/layers/{student}.py", seed=rng.randrange(2**32),
                            score=round(sum(f.score for f in functions), 2),
                            max_score=sum(points for _, points, _ in FUNCTIONS), seconds=0.5,
                            output="", functions=functions)


def large_class(students: int, seed: int = 1) -> AssignmentResult:
    rng = random.Random(seed)
    return AssignmentResult.model_construct(
        assignment="layers", title="Layers", function_names=[f for f, _, _ in FUNCTIONS],
        submissions=[submission(rng, f"student_{k}") for k in range(1, students + 1)])
