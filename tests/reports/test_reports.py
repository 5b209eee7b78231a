"""The report writers on a small hand-built result: the JSON contract course
scripts rely on, the CSV layout, atomic writes and the HTML's escaping and links."""
from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

from grader.reports import FORMATS, write_reports
from grader import atomic
from grader.reports import csv_report, json_report
from grader.reports.adjusted import COLUMNS as ADJUSTED
from grader.reports.parallel import run_in_parallel
from grader.results import AssignmentResult, Check, Element, FunctionResult, SubmissionResult

FUNCTIONS = ["forward", "backward", "loss"]


def submission(student: str, scores: dict[str, float], **fields) -> SubmissionResult:
    maxima = {"forward": 1.0, "backward": 2.0, "loss": 1.0}
    functions = []
    for name, score in scores.items():
        passed = score == maxima[name]
        check = Check(name="values", status="passed") if passed else Check(
            name="gradient", status="failed", diagnosis="transposed", output="dW", margin=41.5,
            message="dW matches the expected gradient transposed.\nworst at dW[1, 2]",
            explanation="dW is transposed: compute delta.T @ X.",
            worst=[Element(index=[1, 2], expected=0.5, got=-0.25)])
        functions.append(FunctionResult(name=name, score=score, max_score=maxima[name], checks=[check]))
    return SubmissionResult(student=student, path=f"{student}.py", score=sum(scores.values()),
                            max_score=4.0, seed=7, functions=functions, **fields)


def toy_class() -> AssignmentResult:
    """Four students, one of whom has no `backward`, two with names that are markup or a formula."""
    return AssignmentResult(
        assignment="toy", title="A toy assignment", function_names=FUNCTIONS,
        submissions=[
            submission("ada", {"forward": 1, "backward": 2, "loss": 1}, output="hi\n"),
            # functions listed out of spec order, and one missing
            submission("bob", {"loss": 0.5, "forward": 1}),
            submission("<script>alert('x')</script>", {"forward": 0, "backward": 0, "loss": 0},
                       output="<img src=x onerror=alert(1)>"),
            submission("=HYPERLINK(\"http://evil\")", {"forward": 1, "backward": 0.5, "loss": 1}),
        ])


@pytest.fixture
def result() -> AssignmentResult:
    return toy_class()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


# --- JSON -------------------------------------------------------------------------


def test_json_follows_the_contract(result, tmp_path):
    [path] = json_report.write(result, tmp_path)
    assert path == tmp_path / "grades.json"
    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["assignment"] == "toy"
    assert [s["student"] for s in data["submissions"]] == [s.student for s in result.submissions]
    for sub in data["submissions"]:
        assert isinstance(sub["student"], str)
        assert isinstance(sub["score"], float) and isinstance(sub["max_score"], float)
        for function in sub["functions"]:
            assert isinstance(function["name"], str)
            assert isinstance(function["score"], float) and isinstance(function["max_score"], float)
            for check in function["checks"]:
                assert isinstance(check["name"], str) and isinstance(check["message"], str)
                assert check["status"] in {"passed", "failed", "error", "timeout", "skipped"}
                assert check["diagnosis"] is None or isinstance(check["diagnosis"], str)

    bob = data["submissions"][1]
    assert bob["score"] == 1.5 and bob["max_score"] == 4.0
    failed = data["submissions"][2]["functions"][0]["checks"][0]
    assert failed["status"] == "failed" and failed["diagnosis"] == "transposed"
    assert failed["message"].endswith("worst at dW[1, 2]")
    assert failed["explanation"] == "dW is transposed: compute delta.T @ X."


def test_json_is_the_model_dump_with_indent_2(result, tmp_path):
    [path] = json_report.write(result, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "assignment": "toy",\n')
    assert json.loads(text) == result.model_dump(mode="json")
    assert AssignmentResult.model_validate_json(text) == result


# --- CSV --------------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_csv_has_one_row_per_student_and_a_column_per_function(result, tmp_path):
    [path] = csv_report.write(result, tmp_path)
    assert path == tmp_path / "grades.csv"
    header, *rows = read_csv(path)
    assert header == ["student", "score", "max_score", *(f"function:{name}" for name in FUNCTIONS), *ADJUSTED]
    assert len(rows) == len(result.submissions)
    # how the score was reached follows: without adjustments, the grader's score is the final one
    assert rows[0] == ["ada", "4", "4", "1", "2", "1", "4", "0", "", "", "", ""]
    # columns follow function_names, whatever order the submission lists them in;
    # a function the submission lacks is an empty cell
    assert rows[1][:6] == ["bob", "1.5", "4", "1", "", "0.5"]
    assert rows[2][0] == "<script>alert('x')</script>"


def test_csv_defuses_a_name_that_a_spreadsheet_would_run_as_a_formula(result, tmp_path):
    [path] = csv_report.write(result, tmp_path)
    rows = read_csv(path)
    assert rows[4][0] == "'=HYPERLINK(\"http://evil\")"
    assert rows[4][1:6] == ["2.5", "4", "1", "0.5", "1"]


def test_csv_without_function_names_uses_the_submissions_order(result, tmp_path):
    result.function_names = []
    [path] = csv_report.write(result, tmp_path)
    assert read_csv(path)[0] == ["student", "score", "max_score", "function:forward", "function:backward",
                                 "function:loss", *ADJUSTED]


# --- atomic writes and write_reports ---------------------------------------------


def test_write_reports_creates_the_folder_and_writes_every_format(result, tmp_path):
    folder = tmp_path / "a" / "b"
    written = write_reports(result, folder)
    assert {"html", "json", "csv"} <= set(FORMATS)
    assert all(p.is_file() and p.parent == folder for p in written)
    names = {p.name for p in written}
    assert {"index.html", "grades.json", "grades.csv", "ada.html", "bob.html"} <= names
    assert len(names) == len(written) == 3 + len(result.submissions)
    assert sorted(p.name for p in folder.iterdir()) == sorted(names | {"pages.json"})   # and the list of pages
    assert leftovers(folder) == []


def test_write_reports_writes_only_the_formats_asked_for(result, tmp_path):
    written = write_reports(result, tmp_path, formats=("csv",))
    assert [p.name for p in written] == ["grades.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]
    with pytest.raises(ValueError, match="'pdf'"):
        write_reports(result, tmp_path, formats=("json", "pdf"))
    assert not (tmp_path / "grades.json").exists()


def test_rewriting_replaces_the_file_and_leaves_no_temporary_files(result, tmp_path):
    json_report.write(result, tmp_path)
    result.submissions = result.submissions[:1]
    [path] = json_report.write(result, tmp_path)
    assert len(json.loads(path.read_text(encoding="utf-8"))["submissions"]) == 1
    assert leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_old_file_and_cleans_up(result, tmp_path, monkeypatch):
    [path] = csv_report.write(result, tmp_path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic, "replace", broken_replace)
    result.submissions = []
    with pytest.raises(OSError, match="disk full"):
        csv_report.write(result, tmp_path)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_file_written_over_another_is_swapped_in_and_the_old_one_removed(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    atomic.write_text(target, "old")

    class Renamed(Exception):
        pass

    def rename(src, dst):  # what a swap spares: renamed over a file, ext4 first writes it out
        raise Renamed

    monkeypatch.setattr(atomic.os, "replace", rename)
    try:
        atomic.write_text(target, "new")
    except Renamed:
        pytest.skip("no renameat2 here, or this file system cannot swap two files")
    assert target.read_text(encoding="utf-8") == "new"
    assert leftovers(tmp_path) == []


def test_without_a_swap_a_file_is_renamed_over_the_old_one(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "_renameat2", lambda: None)
    target = tmp_path / "grades.csv"
    atomic.write_text(target, "old")
    atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert leftovers(tmp_path) == []


def test_a_folder_in_the_way_is_not_swapped_away(tmp_path):
    (tmp_path / "index.html").mkdir()
    with pytest.raises(OSError):
        atomic.write_text(tmp_path / "index.html", "text")
    assert (tmp_path / "index.html").is_dir()
    assert leftovers(tmp_path) == []


def test_written_files_are_readable_by_others(result, tmp_path):
    old = os.umask(0o022)
    try:
        [path] = json_report.write(result, tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


# --- writing on several cores ----------------------------------------------------


def _logging_jobs(log: Path, count: int, die_from: int | None = None) -> list:
    """Jobs that each append "number pid" to `log` (one short append is never
    interleaved with another); from job `die_from` on, a forked copy dies instead."""
    parent = os.getpid()

    def job(n: int) -> None:
        if die_from is not None and n >= die_from and os.getpid() != parent:
            os._exit(3)
        time.sleep(0.002)  # long enough that every process gets jobs
        with open(log, "a") as f:
            f.write(f"{n} {os.getpid()}\n")
    return [lambda n=n: job(n) for n in range(count)]


def test_every_job_runs_once_on_several_processes(tmp_path):
    log = tmp_path / "log"
    run_in_parallel(_logging_jobs(log, 64), processes=2)
    lines = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(n) for n, _ in lines) == list(range(64))
    assert len({pid for _, pid in lines}) == 2


def test_jobs_a_copy_that_died_may_have_left_are_done_again(tmp_path):
    log = tmp_path / "log"
    run_in_parallel(_logging_jobs(log, 64, die_from=8), processes=2)
    numbers = {int(line.split()[0]) for line in log.read_text().splitlines()}
    assert numbers == set(range(64))
