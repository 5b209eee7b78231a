"""A public.json edited by hand after it was published (its spec's hash
still matches, so the spec check cannot tell) is refused with a message
that says what is wrong and how to get it again, never a traceback or a
self-check that passes on no case."""
from __future__ import annotations

import json

import pytest

from conftest import copy_assignment, correct_source, write_submission


def no_cases(doc):
    doc["cases"] = []


def array_cut_short(doc):
    doc["cases"][0]["functions"]["window_vectors"]["inputs"]["L"]["array"]["data"].pop()


def array_of_text(doc):
    doc["cases"][0]["functions"]["window_vectors"]["inputs"]["L"]["array"]["data"][0] = "x"


def function_removed(doc):
    del doc["cases"][0]["functions"]["score"]


def expected_cut_short(doc):
    doc["cases"][1]["functions"]["score_grads"]["outputs"]["ds_dW"]["array"]["data"].pop()


@pytest.mark.parametrize("edit, said", [
    (no_cases, "it holds 0 cases where the spec has 2"),
    (array_cut_short, "ValueError: cannot reshape array"),
    (array_of_text, "ValueError: could not convert string to float: 'x'"),
    (function_removed, "a case has no score"),
    (expected_cut_short, "ValueError: cannot reshape array"),
])
def test_an_edited_public_json_is_refused_saying_what_is_wrong(cli, tmp_path, edit, said):
    assignment = copy_assignment(tmp_path / "hw")
    doc = json.loads((assignment / "public.json").read_text(encoding="utf-8"))
    edit(doc)
    (assignment / "public.json").write_text(json.dumps(doc), encoding="utf-8")
    path = write_submission(tmp_path / "ner_window.py", correct_source())
    run = cli("self-check", path, "--assignment", assignment)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"error: {assignment / 'public.json'}: not a valid public-cases file ({said}" in run.stderr
    assert "Traceback" not in run.stderr and "every check passed" not in run.stdout
