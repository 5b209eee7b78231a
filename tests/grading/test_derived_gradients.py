"""`derived_gradients` through the real `grade` command: under "required" a
numerical derivative (finite differences of the student's own forward, or
the complex step of their own loss) costs the points of the outputs it
computed, and nothing else; a hand-derived submission keeps full marks.
("flag", the default, is covered with the bundled submissions; "off" below.)"""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, run_cli
from grader.grading.derived import watched
from grader.spec.loading import load_spec

LAYERS = ROOT / "assignments" / "layers"
STUDENTS = ("emmy", "affine_finite_differences", "softmax_complex_step")


def assignment_with(folder, setting: str):
    """A copy of layers whose spec sets derived_gradients (and draws a small pool of hidden cases)."""
    shutil.copytree(LAYERS, folder, ignore=shutil.ignore_patterns(".pool", "__pycache__"))
    spec = folder / "assignment.toml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace('support = "support"', f'support = "support"\nderived_gradients = "{setting}"', 1)
    spec.write_text(text.replace("hidden = 3\n", "hidden = 3\nhidden_pool = 3\n", 1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def required(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("required")
    assignment = assignment_with(tmp / "layers", "required")
    batch = tmp / "batch"
    batch.mkdir()
    for student in STUDENTS:
        shutil.copy(ROOT / "submissions" / "layers" / f"{student}.py", batch)
    done = run_cli("grade", str(batch), "--assignment", str(assignment), "--out", str(tmp / "out"),
                   "--format", "json", timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((tmp / "out" / "layers" / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: {f["name"]: f for f in s["functions"]} for s in grades["submissions"]}


def short(functions: dict) -> dict:
    return {name: f["score"] for name, f in functions.items() if f["score"] < f["max_score"]}


def flags(function: dict) -> set:
    return {(c["output"], c["visibility"]) for c in function["checks"] if c["diagnosis"] == "numerical_gradient"}


def test_required_costs_every_output_computed_by_finite_differences(required):
    functions = required["affine_finite_differences"]
    assert short(functions) == {"affine_backward": 0}
    assert flags(functions["affine_backward"]) == {(o, v) for o in ("dx", "dw", "db") for v in ("public", "hidden")}
    for c in functions["affine_backward"]["checks"]:
        if c["diagnosis"] == "numerical_gradient":
            assert c["scored"] and c["status"] == "failed"
            assert "affine_forward" in c["message"] and "finite differences" in c["message"]


def test_required_costs_the_complex_step_gradient_and_not_the_loss(required):
    functions = required["softmax_complex_step"]
    assert short(functions) == {"softmax_loss": 1}   # the loss's share kept, dx's lost
    assert flags(functions["softmax_loss"]) == {("dx", "public"), ("dx", "hidden")}
    messages = [c["message"] for c in functions["softmax_loss"]["checks"] if c["diagnosis"]]
    assert all("_softmax_data_loss" in m and "complex step" in m for m in messages)


def test_required_leaves_a_hand_derived_submission_its_full_marks(required):
    assert short(required["emmy"]) == {}
    assert not any(flags(f) for f in required["emmy"].values())


def test_off_watches_no_call(tmp_path):
    spec = load_spec(assignment_with(tmp_path / "layers", "off"))
    assert not any(watched(spec, f) for f in spec.functions)
    spec = load_spec(LAYERS)
    assert spec.derived_gradients == "flag"
    assert {f.name for f in spec.functions if watched(spec, f)} >= {"affine_backward", "softmax_loss"}
