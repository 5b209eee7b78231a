"""A class's reports are written from its saved results, a submission at a
time, so that a run's memory does not grow with the class: for every
bundled class, `grade` writes the grades.json and grades.csv that the
whole result, held in memory, makes (grades.json byte for byte its JSON,
the format scripts read); and grades.json is read back a submission at a
time (grade merge) into the submissions it holds, wherever its chunks end."""
from __future__ import annotations

import io
import json

import pytest

from conftest import run_cli
from grader.adjustments import adjust_class
from grader.batch.store import ResultStore, Stored
from grader.reports import csv_report, json_report
from grader.results import AssignmentResult

ASSIGNMENTS = ("jacobians", "layers", "ner_window", "word2vec")


def held_in_memory(folder) -> AssignmentResult:
    """The class's whole result, every submission read from its saved file, in grades.json's order, with
    its final scores (no adjustments here: the grader's)."""
    grades = json.loads((folder / "grades.json").read_text(encoding="utf-8"))
    store = ResultStore(folder)
    subs = [Stored.model_validate_json(store.path(s["student"]).read_bytes()).result for s in grades["submissions"]]
    return adjust_class(AssignmentResult(assignment=grades["assignment"], title=grades["title"],
                                         function_names=grades["function_names"], submissions=subs))[0]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_a_streamed_run_writes_what_the_whole_result_makes(name, tmp_path):
    done = run_cli("grade", f"submissions/{name}", "--out", tmp_path, "--format", "json", "--format", "csv", "-q",
                   timeout=600)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / name
    whole = held_in_memory(folder)
    assert len(whole.submissions) > 1
    assert (folder / "grades.json").read_text(encoding="utf-8") == whole.model_dump_json(indent=2) + "\n"
    csv_report.write(whole, tmp_path)
    assert (tmp_path / "grades.csv").read_bytes() == (folder / "grades.csv").read_bytes()
    # a second run reads every saved result back, grades none, and writes the same files
    again = run_cli("grade", f"submissions/{name}", "--out", tmp_path, "--format", "json", "-q", timeout=600)
    assert again.returncode == 0, again.stderr
    assert (folder / "grades.json").read_text(encoding="utf-8") == whole.model_dump_json(indent=2) + "\n"


@pytest.mark.parametrize("chunk", [1 << 20, 4096, 7])
def test_grades_json_read_back_a_submission_at_a_time(graded, chunk, monkeypatch):
    monkeypatch.setattr(json_report, "CHUNK", chunk)
    text = (graded.folder / "grades.json").read_text(encoding="utf-8")
    whole = AssignmentResult.model_validate_json(text)
    head: dict = {}
    assert list(json_report.read_submissions(io.StringIO(text), head)) == whole.submissions
    assert head == whole.model_dump(mode="json", exclude={"submissions"})   # every other field, as read


@pytest.mark.parametrize("text", ["", "[]", '{"submissions": [{"student": "a"', '{"assignment": "x"} {}',
                                  '{"submissions": [] "x": 1}'])
def test_what_is_not_grades_json_is_refused(text):
    with pytest.raises(ValueError):
        list(json_report.read_submissions(io.StringIO(text), {}))
