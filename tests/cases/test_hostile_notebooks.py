"""Notebooks that are not what they claim, in one real `grade` batch: the
grading process parses each (nbformat, in the trusted process), so each is
bounded before it is decoded, and each failure is that student's `error`
with a message that says what is wrong, never a fault of the grader; the
rest of the batch is graded."""
from __future__ import annotations

import json

import pytest

from conftest import CORRECT, MAX_SCORE, run_cli, write_submission

CELL = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}


def notebook(cells, nbformat: int = 4) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5})


HOSTILE = {
    "deep": '{"cells": ' + "[" * 100_000 + "]" * 100_000 + ', "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
    "huge": notebook([{**CELL, "id": "a", "source": "x = 1\n" + "#" * (21 * 2**20)}]),
    "not_json": "def score(x, W, b, u):\n    return 0\n",
    "cells_not_a_list": notebook(5),
    "cell_not_an_object": notebook(["x", 3]),
    "a_list": "[1, 2, 3]",
    "future_format": notebook([], nbformat=99),
    "not_utf8": b'{"cells": [], "metadata": {"x": "\xff\xfe"}, "nbformat": 4, "nbformat_minor": 5}',
    "lone_surrogate": notebook([{**CELL, "id": "a", "source": "x = '\ud800'\nprint(repr(x))"}]),
}
EXPECTED = {
    "deep": "deep.ipynb could not be read as a notebook (maximum recursion depth exceeded",
    "huge": "huge.ipynb is larger than 20 MiB: clear its outputs (Edit > Clear All Outputs) and submit it again",
    "not_json": "not_json.ipynb could not be read as a notebook",
    "cells_not_a_list": "cells_not_a_list.ipynb is not a notebook nbformat can read",
    "cell_not_an_object": "cell_not_an_object.ipynb is not a notebook nbformat can read",
    "a_list": "a_list.ipynb is not a notebook nbformat can read",
    "future_format": "future_format.ipynb could not be read as a notebook (Unsupported nbformat version 99)",
    "not_utf8": "not_utf8.ipynb could not be read as a notebook ('utf-8' codec can't decode byte 0xff",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    batch = tmp / "ner_window"
    write_submission(batch / "ada.py", CORRECT.read_text(encoding="utf-8"))
    for name, content in HOSTILE.items():
        path = batch / f"{name}.ipynb"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
    run = run_cli("grade", batch, "--out", tmp / "reports", "-j", "1")
    grades = json.loads((tmp / "reports" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    return run, {s["student"]: s for s in grades["submissions"]}


def test_the_batch_completes_and_the_honest_student_is_graded(graded):
    run, students = graded
    assert run.returncode == 0, run.stderr
    assert "the grader failed" not in run.stderr and "Warning" not in run.stderr
    assert students["ada"]["score"] == MAX_SCORE


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_notebook_is_its_students_error_saying_why(graded, name):
    _, students = graded
    checks = [c for f in students[name]["functions"] for c in f["checks"]]
    assert {c["status"] for c in checks} == {"error"} and students[name]["score"] == 0
    assert all(c["message"].startswith(EXPECTED[name]) for c in checks), checks[0]["message"]


def test_a_lone_surrogate_in_a_cell_is_run_as_its_escape(graded):
    _, students = graded
    student = students["lone_surrogate"]
    assert student["output"] == "'\\ud800'\n" and student["notes"] == []   # the cell ran, and printed it
    checks = [c for f in student["functions"] for c in f["checks"]]
    assert all(c["name"] == "signature" and " is not defined: expected def " in c["message"] for c in checks)
