"""Forms of an answer judged on their values, through the real commands: a
loss of shape (1,) keeps its points with a note, under `grade` and
`self-check`, and `strict_scalars = true` in the spec's [tolerance]
restores the rule that fails it (`extra_axis`)."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, edit_spec, run_cli

WORD2VEC = ROOT / "assignments" / "word2vec"
SUBMISSIONS = ROOT / "submissions" / "word2vec"
LOSS_SHARE = 1.0   # naiveSoftmaxLossAndGradient: 3 points over 3 outputs


def word2vec_copy(folder, strict: bool):
    """The word2vec assignment, its spec's scalars strict or not."""
    shutil.copytree(WORD2VEC, folder, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    if strict:
        edit_spec(folder, ("[tolerance]\n", "[tolerance]\nstrict_scalars = true\n"))
    return folder


def grade(tmp_path, strict: bool) -> dict:
    """Grades of the correct submission and the one whose losses have shape (1,)."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for name in ("hedy", "loss_one_element"):
        shutil.copy(SUBMISSIONS / f"{name}.py", batch / f"{name}.py")
    assignment = word2vec_copy(tmp_path / "word2vec", strict)
    done = run_cli("grade", batch, "--assignment", assignment, "--out", tmp_path / "out", "--format", "json",
                   timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((tmp_path / "out" / "word2vec" / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: s for s in grades["submissions"]}


def loss_shape_checks(submission: dict) -> dict[str, dict]:
    return {f["name"]: c for f in submission["functions"] for c in f["checks"] if c["name"] == "loss shape"}


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict_scalars"])
def test_a_loss_of_shape_one_is_judged_on_its_value_unless_scalars_are_strict(tmp_path, strict):
    graded = grade(tmp_path, strict)
    assert graded["hedy"]["score"] == graded["hedy"]["max_score"] == 11
    one_element = graded["loss_one_element"]
    checks = loss_shape_checks(one_element)
    for function in ("naiveSoftmaxLossAndGradient",):
        check = checks[function]
        if strict:
            assert check["status"] == "failed" and check["diagnosis"] == "extra_axis"
            assert check["notes"] == []
        else:
            assert check["status"] == "passed"
            assert [(n["code"], n["output"], n["shape"]) for n in check["notes"]] == [("size_one_scalar", "loss", [1])]
    assert one_element["score"] == 11 - (LOSS_SHARE if strict else 0)
    # plain numbers: negative sampling's loss, and skipgram's sum of its stand-in loss's
    assert checks["negSamplingLossAndGradient"]["notes"] == checks["skipgram"]["notes"] == []


def test_self_check_prints_the_note_under_a_check_that_passed(tmp_path):
    assignment = word2vec_copy(tmp_path / "word2vec", strict=False)   # its public.json as published
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(SUBMISSIONS / "loss_one_element.py", folder / "word2vec.py")
    done = run_cli("self-check", "word2vec.py", "--assignment", assignment, cwd=folder, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    shape = lines.index("  PASS    loss shape")
    assert lines[shape + 1].strip().startswith("Note: loss is an array of shape (1,) where a scalar is expected")
