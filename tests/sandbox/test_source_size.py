"""A submission with more code than the grader hands a student's process
(MAX_SOURCE) is refused, saying so, before any process starts: the student's
process would read only its first 4 MiB and report a syntax error that is
not in the student's file."""
from __future__ import annotations

import json

import nbformat

from conftest import correct_source, write_submission
from notebooks import correct_cells, write_notebook
from grader.sandbox.handed_files import MAX_SOURCE

# valid Python: the correct file, then comment lines past the limit
PADDING = "\n".join(f"# note {i:07d} " + "x" * 60 for i in range(MAX_SOURCE // 70 + 10)) + "\n"


def test_self_check_refuses_a_file_past_the_limit_and_says_why(cli, tmp_path):
    path = write_submission(tmp_path / "ner_window.py", correct_source() + PADDING)
    assert path.stat().st_size > MAX_SOURCE
    run = cli("self-check", path, "--assignment", "ner_window", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "ner_window.py is 4.3 MiB, more than the 4 MiB a submission's code may be, so it was not run" in run.stdout
    assert "SyntaxError" not in run.stdout


def test_a_file_just_under_the_limit_is_graded(cli, tmp_path):
    source = correct_source()
    padding = PADDING[:MAX_SOURCE - len(source.encode()) - 1]
    padding = padding[:padding.rfind("\n") + 1]
    path = write_submission(tmp_path / "ner_window.py", source + padding)
    assert MAX_SOURCE - 100 < path.stat().st_size <= MAX_SOURCE
    run = cli("self-check", path, "--assignment", "ner_window", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_notebook_whose_code_passes_the_limit_is_refused_the_others_graded(cli, tmp_path):
    batch = tmp_path / "batch"
    write_notebook(batch / "huge.ipynb", correct_cells() + [nbformat.v4.new_code_cell(PADDING)])
    write_notebook(batch / "ada.ipynb", correct_cells())
    run = cli("grade", batch, "--assignment", "ner_window", "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    grades = json.loads((tmp_path / "out" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    by_student = {s["student"]: s for s in grades["submissions"]}
    assert by_student["ada"]["score"] == by_student["ada"]["max_score"]
    huge = by_student["huge"]
    assert huge["score"] == 0
    messages = [c["message"] for f in huge["functions"] for c in f["checks"]]
    assert any("the code of huge.ipynb is 4.3 MiB, more than the 4 MiB a submission's code may be" in m
               for m in messages), messages[:3]
