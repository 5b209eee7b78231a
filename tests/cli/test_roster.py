"""A class graded with a roster, by the real command line on real files:
`grade DIR --roster FILE`, or the roster a `grade.toml` beside the
submissions names. Every report carries each submission's roster row; a
roster row with no submission is missing with 0 points; a submission with
no roster row is listed, with a name it may have been meant to be, and
matched to no one. Sharded runs, `grade merge` and `grade export` keep
the roster. (The class page is read in a browser in
tests/reports/test_roster_browser.py.)"""
from __future__ import annotations

import csv
import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from conftest import MAX_SCORE
from rosters import graded_with_roster


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    return graded_with_roster(tmp_path_factory.mktemp("roster"), "json", "csv", "junit")


def rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_submission_carries_its_roster_row_in_grades_json(klass):
    ada = klass.grades.submission("ada")
    assert ada["person"] == {"submission": "ada", "student_id": "1001", "name": "Ada Lovelace",
                             "email": "ada@example.edu", "section": "A1", "username": "alovelace", "lms_id": ""}
    assert ada["score"] == MAX_SCORE and ada["functions"]   # the fields it had before are all there
    assert klass.grades.submission("grace")["person"]["name"] == "Grace Hopper"
    assert klass.grades.submission("transposed_dw")["person"]["name"] == "Tim Transposer, Jr."


def test_a_roster_row_without_a_submission_is_missing_with_zero_points(klass):
    roster = klass.grades.data["roster"]
    assert roster["file"] == "people/roster.csv" and roster["students"] == 4
    [zed] = roster["missing"]
    assert zed["student"] == "zed" and zed["missing"] is True
    assert (zed["score"], zed["max_score"]) == (0, MAX_SCORE)
    assert zed["person"]["email"] == "zed@example.edu"
    assert "zed" not in klass.grades.students
    assert re.search(r"ner_window: 1 student on the roster without a submission \(missing, 0 points\): zed$",
                     klass.run.stderr, re.M), klass.run.stderr


def test_a_close_name_is_suggested_and_never_matched(klass):
    ada_l = klass.grades.submission("ada_l")
    assert ada_l["person"] is None and ada_l["score"] == MAX_SCORE   # graded, but no one's
    assert klass.grades.data["roster"]["unlisted"] == [{"student": "ada_l", "suggestion": "ada"}]
    assert "with no row in the roster people/roster.csv (graded, matched to no one): ada_l (did you mean ada?)" \
        in klass.run.stderr


def test_grades_csv_has_the_roster_after_student_and_the_missing_at_the_end(klass):
    table = rows(klass.folder / "grades.csv")
    assert list(table[0])[:10] == ["student", "student_id", "name", "email", "section", "username", "lms_id",
                                   "status", "score", "max_score"]
    by_student = {r["student"]: r for r in table}
    assert [r["student"] for r in table][-1] == "zed"
    assert by_student["ada"]["name"] == "Ada Lovelace" and by_student["ada"]["status"] == "graded"
    assert by_student["transposed_dw"]["name"] == "Tim Transposer, Jr."
    assert by_student["ada_l"]["status"] == "not_on_roster" and by_student["ada_l"]["student_id"] == ""
    zed = by_student["zed"]
    assert (zed["status"], zed["score"], zed["max_score"], zed["student_id"]) == ("missing", "0", "13", "1004")
    assert zed["function:score"] == ""   # nothing was graded


def test_junit_carries_the_roster_row_as_properties(klass):
    root = ET.parse(klass.folder / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    properties = {p.get("name"): p.get("value") for p in suites["ada"].iter("property")}
    assert properties["student_id"] == "1001" and properties["email"] == "ada@example.edu"
    assert "student_id" not in {p.get("name") for p in suites["ada_l"].iter("property")}


def test_export_reads_the_roster_the_reports_record(cli, klass):
    out = klass.root / "canvas.csv"
    run = cli("grade", "export", "--to", "canvas", klass.folder, "--out", out)
    assert run.returncode == 0, run.stderr
    assert "the roster the class was graded with (people/roster.csv)" in run.stderr
    table = {r["Student"]: r for r in rows(out)}
    assert table["Ada Lovelace"]["SIS User ID"] == "1001" and table["Ada Lovelace"]["ner_window"] == "13"
    assert table["Zed Absent"]["ner_window"] == ""   # no submission: the gradebook's cell is left as it is
    assert "ada_l" not in run.stdout + "".join(table)


def test_grade_toml_beside_the_submissions_names_the_roster_relative_to_itself(cli, klass, tmp_path):
    (klass.root / "submissions" / "grade.toml").write_text('roster = "../people/roster.csv"\n', encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(klass.folder / "results", out / "ner_window" / "results")   # saved results: nothing regraded
    try:
        run = cli("grade", klass.batch, "--out", out, "-q", cwd=tmp_path)   # from another folder
    finally:
        (klass.root / "submissions" / "grade.toml").unlink()
    assert run.returncode == 0, run.stderr
    grades = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    assert grades["roster"]["file"].endswith("people/roster.csv")
    assert [m["student"] for m in grades["roster"]["missing"]] == ["zed"]
    assert "skipped" not in run.stderr   # grade.toml is no submission to skip


def test_the_assignments_grade_toml_wins_and_the_command_line_over_both(cli, klass, tmp_path):
    (klass.root / "submissions" / "grade.toml").write_text('roster = "../people/roster.csv"\n', encoding="utf-8")
    (klass.root / "people" / "few.csv").write_text("submission,name\nada,Ada L.\n", encoding="utf-8")
    (klass.batch / "grade.toml").write_text('roster = "../../people/few.csv"\n', encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(klass.folder / "results", out / "ner_window" / "results")
    try:
        nearer = cli("grade", klass.batch, "--out", out, "-q", "--format", "json")
        given = cli("grade", klass.batch, "--out", tmp_path / "given", "--roster", klass.roster, "-q", "--format",
                    "json")
    finally:
        (klass.root / "submissions" / "grade.toml").unlink()
        (klass.batch / "grade.toml").unlink()
    assert nearer.returncode == 0 and given.returncode == 0, nearer.stderr + given.stderr
    grades = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    assert grades["roster"]["file"].endswith("few.csv") and grades["roster"]["students"] == 1
    assert [s["person"] and s["person"]["name"] for s in grades["submissions"]] == ["Ada L.", None, None, None]
    grades = json.loads((tmp_path / "given" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    assert grades["roster"]["students"] == 4


def test_an_unknown_key_in_grade_toml_is_refused_with_the_key_it_was_meant_to_be(cli, klass, tmp_path):
    (klass.batch / "grade.toml").write_text('rooster = "roster.csv"\n', encoding="utf-8")
    try:
        run = cli("grade", klass.batch, "--out", tmp_path / "out")
    finally:
        (klass.batch / "grade.toml").unlink()
    assert run.returncode == 2
    assert "grade.toml: unknown key 'rooster'; did you mean 'roster'?" in run.stderr
    assert not (tmp_path / "out" / "ner_window" / "grades.json").exists()


def test_a_roster_with_an_unknown_column_stops_the_run_before_grading(cli, klass, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("submission,student id\nada,1\n", encoding="utf-8")
    run = cli("grade", klass.batch, "--roster", bad, "--out", tmp_path / "out")
    assert run.returncode == 2 and "unknown roster column 'student id'" in run.stderr
    assert not (tmp_path / "out" / "ner_window" / "results").exists()


def unclosed_quote(path, students: int):
    """A roster whose second line opens a quote it never closes, then `students` ordinary rows."""
    lines = ["submission,name,email", 'alan,"Turing, Alan,alan@x.edu']
    lines += [f"s{i},Student {i},s{i}@x.edu" for i in range(students)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# 5000 rows overflow csv's field limit; 4000 would be swallowed into alan's name
@pytest.mark.parametrize("students", [5000, 4000, 0])
@pytest.mark.parametrize("command", ["grade", "grade export"])
def test_a_roster_with_an_unclosed_quote_is_refused_at_the_line_it_opens(cli, klass, tmp_path, students, command):
    roster = unclosed_quote(tmp_path / "roster.csv", students)
    out = tmp_path / "out"
    run = (cli("grade", "submissions/jacobians", "--roster", roster, "--out", out) if command == "grade" else
           cli("grade", "export", "--to", "canvas", klass.folder, "--out", out, "--roster", roster))
    assert run.returncode == 2, run.stderr
    assert f"error: {roster}, line 2: " in run.stderr
    assert 'a quote (") that opens a cell there is probably never closed' in run.stderr
    assert "Traceback" not in run.stderr and not out.exists()


def test_shards_merged_keep_the_roster_of_a_single_run(cli, klass, tmp_path):
    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard-{k}"
        shutil.copytree(klass.folder / "results", out / "ner_window" / "results")
        run = cli("grade", "submissions/ner_window", "--roster", "people/roster.csv", "--shard", f"{k}/2",
                  "--out", out, "-q", cwd=klass.root)
        assert run.returncode == 0, run.stderr
        shards.append(out)
    run = cli("grade", "merge", *shards, "--out", tmp_path / "merged")
    assert run.returncode == 0, run.stderr
    merged = json.loads((tmp_path / "merged" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    single = klass.grades.data
    assert merged["roster"] == single["roster"]
    assert [s["person"] for s in merged["submissions"]] == [s["person"] for s in single["submissions"]]
    assert (tmp_path / "merged" / "ner_window" / "grades.csv").read_text(encoding="utf-8") == \
        (klass.folder / "grades.csv").read_text(encoding="utf-8")


def test_a_replay_of_one_file_carries_its_roster_row_and_no_list_of_the_missing(cli, klass, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(klass.folder / "results", out / "ner_window" / "results")
    run = cli("grade", klass.batch / "ada.py", "--roster", klass.roster, "--out", out, "-q", "--format", "json")
    assert run.returncode == 0, run.stderr
    [grades] = (out / "ner_window" / "replays").glob("*/grades.json")
    data = json.loads(grades.read_text(encoding="utf-8"))
    assert data["submissions"][0]["person"]["name"] == "Ada Lovelace"
    assert data["roster"] is None and "missing" not in run.stderr   # the class's reports say who is missing
