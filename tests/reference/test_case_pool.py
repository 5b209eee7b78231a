"""The reference's case pool is kept on disk beside the reference and read
back by the next run: grades from a kept pool are exactly those from a
computed one, a changed reference or spec makes a new pool, and a pool that
cannot be read is computed again."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ASSIGNMENT, SUBMISSIONS, run_cli

STUDENTS = ("ada.py", "transposed_dw.py", "wrong_forward.py", "overwrite_repeats.py")


@pytest.fixture
def setup(tmp_path):
    assignment = tmp_path / "assignments" / "ner_window"
    shutil.copytree(ASSIGNMENT, assignment, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    batch = tmp_path / "ner_window"
    batch.mkdir()
    for name in STUDENTS:
        shutil.copy(SUBMISSIONS / name, batch / name)
    return assignment, batch


def grade(batch: Path, assignment: Path, out: Path) -> dict:
    done = run_cli("grade", batch, "--assignment", assignment, "--out", out, "--force", "-q")
    assert done.returncode in (0, 1), done.stderr
    grades = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    for student in grades["submissions"]:
        student.pop("seconds", None)
    return grades


def pools(assignment: Path) -> list[Path]:
    return sorted((assignment / ".pool").glob("*.json"))


def test_a_kept_pool_gives_the_grades_a_computed_one_does(setup, tmp_path):
    assignment, batch = setup
    computed = grade(batch, assignment, tmp_path / "first")
    [pool] = pools(assignment)
    written = pool.stat().st_mtime_ns
    assert grade(batch, assignment, tmp_path / "second") == computed
    assert pool.stat().st_mtime_ns == written, "the second run computed cases instead of reading them"
    assert any(s["score"] == s["max_score"] for s in computed["submissions"])
    assert any(s["score"] < s["max_score"] for s in computed["submissions"])


def test_a_changed_reference_makes_a_new_pool(setup, tmp_path):
    assignment, batch = setup
    grade(batch, assignment, tmp_path / "first")
    [old] = pools(assignment)
    reference = assignment / "reference.py"
    reference.write_text(reference.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    grade(batch, assignment, tmp_path / "second")
    [new] = pools(assignment)
    assert new != old


def test_a_pool_that_cannot_be_read_is_computed_again(setup, tmp_path):
    assignment, batch = setup
    computed = grade(batch, assignment, tmp_path / "first")
    [pool] = pools(assignment)
    pool.write_text('{"key": "' + "0" * 64 + '", "cases": []}', encoding="utf-8")
    assert grade(batch, assignment, tmp_path / "second") == computed
    pool.write_text("not json", encoding="utf-8")
    assert grade(batch, assignment, tmp_path / "third") == computed
    assert json.loads(pool.read_text(encoding="utf-8"))["cases"], "the pool was written again"
