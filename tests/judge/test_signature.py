"""The signature check, through self-check: a function is called with the
spec's arguments, positionally, so a parameter of its own that has no
default fails the check (saying what to do), and one with a default,
other names in the same order, or *args pass."""
from __future__ import annotations

import pytest

from conftest import correct_source, replace_functions, run_cli, write_submission

BODY = "    z = W.dot(x) + b\n    return float(np.dot(u, sigmoid(z)))\n"


def signature_line(tmp_path, header: str) -> tuple[int, str]:
    """self-check's exit code and the lines of `score`'s signature check, with `score` defined by `header`."""
    write_submission(tmp_path / "ner_window.py", replace_functions(correct_source(), score=header + "\n" + BODY))
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    block = out.split("\nscore: ", 1)[1].split("\n\n", 1)[0]
    return code, block


def test_a_parameter_without_a_default_that_the_grader_does_not_pass_fails(tmp_path):
    code, block = signature_line(tmp_path, "def score(x, W, b, u, scale):")
    assert code == 1
    assert ("FAIL    signature\n          score(x, W, b, u, scale) also needs scale, which the grader does not pass: "
            "expected score(x, W, b, u) (give it a default value, or remove it)") in block


@pytest.mark.parametrize("header", ["def score(x, W, b, u, scale=1.0):", "def score(x, W, b, u, *rest, **options):",
                                    "def score(x, W, b, u=None):"])
def test_parameters_the_call_can_do_without_pass(tmp_path, header):
    code, block = signature_line(tmp_path, header)
    assert code == 0, block
    assert block.startswith("1/1\n  PASS    signature")
