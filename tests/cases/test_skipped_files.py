"""What a batch folder holds besides submissions is skipped, and said so
with the reason; a student's folder is searched like a Gradescope upload,
its module found in a subfolder too, and where there is none the student's
report says what the folder holds."""
from __future__ import annotations

import json
import os

import pytest

from conftest import CORRECT, MAX_SCORE, run_cli, write_submission
from notebooks import correct_cells, write_notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("skipped")
    batch = tmp / "ner_window"
    source = CORRECT.read_text(encoding="utf-8")
    write_submission(batch / "ada.py", source)
    write_submission(batch / "notes.txt", "remember to vectorise")
    write_submission(batch / ".DS_Store", "")
    write_submission(batch / "_draft.py", source)
    write_submission(batch / "bob" / "sub" / "ner_window.py", source)            # one folder down
    write_submission(batch / "carl" / "readme.md", "I ran out of time")          # no module anywhere
    write_submission(batch / "dan.py", source)
    write_notebook(batch / "dan.ipynb", correct_cells())                         # the same student twice
    write_notebook(batch / "eve" / "ner_window.ipynb", correct_cells())
    write_submission(batch / "eve" / "old" / "ner_window.py", "")               # deeper: not the one graded
    os.mkfifo(batch / "fifo.py")
    run = run_cli("grade", batch, "--out", tmp / "reports", "-j", "1")
    grades = json.loads((tmp / "reports" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    return run, {s["student"]: s for s in grades["submissions"]}


def test_a_batch_says_what_it_skipped_and_why(graded):
    run, _ = graded
    assert run.returncode == 0, run.stderr
    skipped = [line for line in run.stderr.splitlines() if "skipped" in line]
    assert skipped == ["ner_window: skipped 5 entries: .DS_Store (a hidden file); _draft.py (its name starts "
                       "with _); dan.ipynb (dan.py is graded for the same student); fifo.py (not a regular file); "
                       "notes.txt (not a .py or .ipynb file)"]


def test_a_module_in_a_subfolder_is_found(graded):
    _, students = graded
    assert students["bob"]["score"] == MAX_SCORE
    assert students["bob"]["path"].endswith("ner_window/bob/sub/ner_window.py")


def test_the_shallowest_module_file_is_graded(graded):
    _, students = graded
    assert students["eve"]["score"] == MAX_SCORE and students["eve"]["path"].endswith("eve/ner_window.ipynb")
    assert students["dan"]["score"] == MAX_SCORE and students["dan"]["path"].endswith("dan.py")


def test_a_folder_without_the_module_says_what_it_holds(graded):
    _, students = graded
    messages = {c["message"] for f in students["carl"]["functions"] for c in f["checks"]}
    assert messages == {"no file ner_window.py or ner_window.ipynb in this submission, in any of its folders "
                        "(it holds: carl/readme.md)"}


def test_self_check_refuses_a_file_it_cannot_grade(tmp_path):
    write_submission(tmp_path / "ner_window.txt", CORRECT.read_text(encoding="utf-8"))
    run = run_cli("self-check", "ner_window.txt", "--assignment", "ner_window", cwd=tmp_path)
    assert run.returncode == 2
    assert "ner_window.txt: not a .py or .ipynb file; submit ner_window.py or ner_window.ipynb" in run.stderr
