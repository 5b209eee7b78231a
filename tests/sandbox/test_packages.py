"""A package as a submission (tests/assignments/packaged: students hand in
`course/`, whose `classifiers/net.py` imports `from ..layers import *`),
graded by `grade` in the student's process: relative imports resolve, and
hostile packages are refused or fail alone, each with a message naming
what it did. The witness of each wall is what the grader reports and what
the other students in the same run still get."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGED = ROOT / "tests" / "assignments" / "packaged"
ENV = {"BACKPROP_GRADER_ASSIGNMENTS": str(PACKAGED.parent)}

LAYERS = "import numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0)\n\n\ndef relu_mask(z):\n    return z > 0\n"
NET = "from ..layers import *\n\n\ndef relu_loss(z, w):\n    return float(np.sum(w * relu(z))), w * relu_mask(z)\n"


def write_package(folder: Path, layers: str = LAYERS, net: str = NET) -> Path:
    """A student's folder holding the package `course/`; returns the module's file."""
    (folder / "course" / "classifiers").mkdir(parents=True)
    (folder / "course" / "__init__.py").write_text("")
    (folder / "course" / "classifiers" / "__init__.py").write_text("")
    (folder / "course" / "layers.py").write_text(layers)
    (folder / "course" / "classifiers" / "net.py").write_text(net)
    return folder / "course" / "classifiers" / "net.py"


def graded(cli, batch: Path, out: Path) -> dict:
    run = cli("grade", batch, "--out", out, env=ENV)
    assert run.returncode == 0, run.stderr
    data = json.loads((out / "packaged" / "grades.json").read_text())
    return {s["student"]: s for s in data["submissions"]}


def first_failure(student: dict) -> str:
    return next(c["message"] for f in student["functions"] for c in f["checks"] if c["status"] != "passed")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, cli) -> dict:
    """One batch of a correct package and hostile ones, graded in one run."""
    batch = tmp_path_factory.mktemp("batch") / "packaged"
    batch.mkdir()
    write_package(batch / "ada")
    write_package(batch / "outside", net="import helper\n" + NET)       # a module beside the package
    (batch / "outside" / "helper.py").write_text("SECRET = 1\n")
    secret = batch.parent / "secret.txt"
    secret.write_text("the answers\n")
    write_package(batch / "linked")
    os.symlink(secret, batch / "linked" / "course" / "answers.txt")     # a link inside the package
    (batch / "linked_package").mkdir()
    os.symlink(batch / "ada" / "course", batch / "linked_package" / "course")   # the package itself a link
    write_package(batch / "escapes", net="from ...packaged import ada\n" + NET)  # beyond its top package
    write_package(batch / "broken_layer", layers=LAYERS + "\ndef relu_mask(z):\n    return z[0] > 0\n")
    write_package(batch / "syntax", layers=LAYERS + "\ndef oops(:\n    pass\n")
    write_package(batch / "raises", layers=LAYERS + "\ndef relu(z):\n    raise ValueError('not yet')\n")
    (batch / "loose.py").write_text(NET)                                 # a file, not a package
    return graded(cli, batch, tmp_path_factory.mktemp("out"))


def test_relative_imports_resolve_and_a_correct_package_gets_full_marks(hostile):
    assert hostile["ada"]["score"] == hostile["ada"]["max_score"] == 2


def test_a_module_beside_the_package_is_not_importable(hostile):
    assert hostile["outside"]["score"] == 0
    message = first_failure(hostile["outside"])
    assert "ModuleNotFoundError: No module named 'helper'" in message
    assert 'File "course/classifiers/net.py", line 1' in message


def test_a_link_inside_the_package_refuses_it_unread(hostile):
    assert hostile["linked"]["score"] == 0
    message = first_failure(hostile["linked"])
    assert "course/answers.txt is a symbolic link" in message and "nothing was run" in message
    assert "the answers" not in json.dumps(hostile)


def test_a_package_folder_that_is_a_link_is_refused(hostile):
    assert hostile["linked_package"]["score"] == 0
    assert "linked_package/course is a symbolic link" in first_failure(hostile["linked_package"])


def test_a_relative_import_beyond_the_package_fails(hostile):
    assert hostile["escapes"]["score"] == 0
    assert "beyond top-level package" in first_failure(hostile["escapes"])


def test_a_mistake_in_another_module_of_the_package_is_graded_through_it(hostile):
    student = hostile["broken_layer"]
    assert student["score"] == 1
    assert "dz (against finite differences of the reference)" in first_failure(student)


def test_errors_in_another_module_name_that_module(hostile):
    assert "SyntaxError: invalid syntax (course/layers.py, line 11)" in first_failure(hostile["syntax"])
    raised = first_failure(hostile["raises"])
    assert 'File "course/classifiers/net.py", line 5, in relu_loss' in raised
    assert 'File "course/layers.py", line 12, in relu' in raised and "ValueError: not yet" in raised


def test_a_loose_file_is_skipped_with_the_reason(cli, tmp_path):
    batch = tmp_path / "packaged"
    write_package(batch / "ada")
    (batch / "loose.py").write_text(NET)
    run = cli("grade", batch, "--out", tmp_path / "out", env=ENV)
    assert "loose.py (course.classifiers.net is a package's module: each student hands in a folder holding " \
           "course/classifiers/net.py)" in run.stderr
    assert "loose" not in (tmp_path / "out" / "packaged" / "grades.csv").read_text()


def test_without_a_fork_server_the_package_is_graded_the_same(cli, tmp_path):
    batch = tmp_path / "packaged"
    write_package(batch / "ada")
    write_package(batch / "outside", net="import helper\n" + NET)
    (batch / "outside" / "helper.py").write_text("SECRET = 1\n")
    env = ENV | {"PYTHONPATH": str(ROOT / "tests" / "without_fork_server")}
    run = cli("grade", batch, "--out", tmp_path / "out", env=env)
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "out" / "packaged" / "grades.json").read_text())
    students = {s["student"]: s for s in data["submissions"]}
    assert students["ada"]["score"] == 2
    assert "No module named 'helper'" in first_failure(students["outside"])
