"""Submissions are regular files inside their folder: a symbolic link (to a
file or to a folder, to the reference, to a copy of it, to another student's
file) is refused, with its name in the student's report and an `error` on
every function, and the rest of the batch is graded. The witness is the
score: each link here leads to a file that would get full marks."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ASSIGNMENT, CORRECT, copy_assignment
from ways_in import autograder, results
from ways_in import run_pytest

REFERENCE = ASSIGNMENT / "reference.py"
FULL = 13.0


def refused_everywhere(submission: dict, name: str) -> None:
    """0 points, and every function an error whose message names the link."""
    assert submission["score"] == 0.0
    for f in submission["functions"]:
        assert [c["status"] for c in f["checks"]] == ["error"]
        assert f"{name} is a symbolic link" in f["checks"][0]["message"]


@pytest.fixture
def batch(tmp_path) -> Path:
    """ner_window/ with one honest student and links of every kind."""
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(REFERENCE, outside / "copy.py")
    (outside / "folder").mkdir()
    shutil.copy(REFERENCE, outside / "folder" / "ner_window.py")
    folder = tmp_path / "ner_window"
    folder.mkdir()
    shutil.copy(CORRECT, folder / "ada.py")
    (folder / "mallory.py").symlink_to(REFERENCE)                       # <student>.py to the reference
    (folder / "bob").mkdir()
    (folder / "bob" / "ner_window.py").symlink_to(REFERENCE)            # <student>/<module>.py to it
    (folder / "carol.py").symlink_to(outside / "copy.py")               # to a copy of it
    (folder / "dave").symlink_to(outside / "folder")                    # a folder outside the batch
    (folder / "erin.py").symlink_to("ada.py")                           # inside the batch, not her own
    return folder


def test_grade_refuses_every_link_and_grades_the_others(cli, batch, tmp_path):
    run = cli("grade", batch, "--out", tmp_path / "out", "-j", "2", env={"CI": "true"})
    assert run.returncode == 0, run.stderr
    grades = json.loads((tmp_path / "out" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    by_student = {s["student"]: s for s in grades["submissions"]}
    assert by_student["ada"]["score"] == FULL
    for student, name in [("mallory", "mallory.py"), ("bob", "bob/ner_window.py"), ("carol", "carol.py"),
                          ("dave", "dave"), ("erin", "erin.py")]:
        refused_everywhere(by_student[student], name)
    rows = {line.split()[0]: line.split()[1:] for line in run.stdout.splitlines() if line.split()}
    assert rows["ada"][0] == "13/13"
    assert rows["mallory"][:3] == ["0/13", "ERROR", "0/1"]

    # the link replaced by a copy of the same bytes: the saved refusal is not reused
    (batch / "mallory.py").unlink()
    shutil.copy(REFERENCE, batch / "mallory.py")
    again = cli("grade", batch, "--out", tmp_path / "out", env={"CI": "true"})
    assert again.returncode == 0, again.stderr
    assert " ner_window/mallory: 13/13 in " in again.stderr   # graded, not "saved result"


def test_grade_file_refuses_a_link(cli, batch, tmp_path):
    run = cli("grade", batch / "mallory.py", "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    [grades] = (tmp_path / "out" / "ner_window" / "replays").glob("mallory-seed-*/grades.json")
    [submission] = json.loads(grades.read_text(encoding="utf-8"))["submissions"]
    refused_everywhere(submission, "mallory.py")


def test_gradescope_refuses_an_uploaded_link(cli, tmp_path):
    root = autograder(tmp_path / "autograder", {})
    (root / "submission" / "ner_window.py").symlink_to(REFERENCE)
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    assert data["score"] == 0.0
    scored = [t for t in data["tests"] if "max_score" in t]
    assert scored and all(t["score"] == 0.0 for t in scored)
    messages = [t["output"] for t in data["tests"] if "max_score" not in t]
    assert messages and all("ner_window.py is a symbolic link" in m for m in messages)


def test_gradescope_refuses_a_link_in_a_subfolder_and_enters_no_linked_folder(cli, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(REFERENCE, outside / "ner_window.py")
    root = autograder(tmp_path / "autograder", {"hw/README": "x"})
    (root / "submission" / "a").symlink_to(outside)   # walked first, were links followed
    (root / "submission" / "hw" / "ner_window.py").symlink_to(REFERENCE)
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    assert data["score"] == 0.0
    assert any("hw/ner_window.py is a symbolic link" in t["output"] for t in data["tests"])


def test_self_check_refuses_a_link(cli, tmp_path):
    (tmp_path / "ner_window.py").symlink_to(REFERENCE)
    run = cli("self-check", tmp_path / "ner_window.py")
    assert run.returncode == 1
    assert "ner_window.py is a symbolic link" in run.stdout
    assert "Score on the public checks: 0/13" in run.stdout


def test_the_pytest_plugin_refuses_a_link(tmp_path):
    copy_assignment(tmp_path / "hw", without=("reference.py",))
    (tmp_path / "ner_window.py").symlink_to(REFERENCE)
    run, items = run_pytest(tmp_path, "--assignment", "hw", "ner_window.py")
    assert run.returncode == 1, run.stdout + run.stderr
    assert items and all(text and "ner_window.py is a symbolic link" in text for text in items.values())
    assert "0/13 points on the public checks" in run.stdout


def test_the_runner_opens_no_link(tmp_path):
    """The last wall, whatever discovery checked: the grading process opens
    the file for the student's process with O_NOFOLLOW."""
    from grader.sandbox.runner import Sandbox
    from grader.spec import Limits
    link = tmp_path / "ner_window.py"
    link.symlink_to(REFERENCE)
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    for path, why in [(link, "is a symbolic link"), (fifo, "is not a regular file")]:
        with Sandbox(path, "ner_window", Limits(), []) as sandbox:
            reply = sandbox.load()
            assert not reply.ok and why in reply.error.message
            assert sandbox.lease is None  # no student process was started
