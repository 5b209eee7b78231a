"""`grade export`: the bundled class, graded once (the session's `graded`
run), exported for each gradebook by the real command and read back with
the csv module against the header rows and columns each system documents
for its grade import."""
from __future__ import annotations

import csv

import pytest
from conftest import MAX_SCORE

ROSTER = """submission,student_id,name,email,section,username,lms_id
ada,1001,Ada Lovelace,ada@example.edu,A1,alovelace,77
grace,1002,Grace Brewster Hopper,grace@example.edu,A2,ghopper,
sign_flipped,1003,Emmy Noether,emmy@example.edu,A1,,
zed,1004,Zed Absent,zed@example.edu,A2,zabsent,
"""


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture
def export(cli, graded, tmp_path):
    """Run `grade export --to SYSTEM <the class's reports> --out FILE ...`; (the run, the file's rows)."""
    def run(to: str, *extra) -> tuple:
        out = tmp_path / f"{to}.csv"
        done = cli("grade", "export", "--to", to, graded.folder, "--out", out, *extra)
        assert done.returncode == 0, done.stderr
        with open(out, newline="", encoding="utf-8") as f:
            return done, list(csv.reader(f))
    return run


def scores(grades) -> dict[str, str]:
    return {s["student"]: f"{s['score']:g}" for s in grades.data["submissions"]}


def test_canvas_has_its_header_a_points_possible_row_and_the_roster_ids(export, roster, grades):
    run, rows = export("canvas", "--roster", roster, "--column", "Homework 3")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 3"]
    assert rows[1] == ["Points Possible", "", "", "", "", str(MAX_SCORE)]
    by_login = {r[3]: r for r in rows[2:]}
    assert by_login["alovelace"] == ["Ada Lovelace", "77", "1001", "alovelace", "A1", scores(grades)["ada"]]
    assert by_login["ghopper"][5] == scores(grades)["grace"]
    assert by_login["emmy@example.edu"][2:] == ["1003", "emmy@example.edu", "A1", scores(grades)["sign_flipped"]]
    # on the roster, never submitted: an empty cell, which an import leaves as it was
    assert by_login["zabsent"][5] == ""
    assert len(rows) == 2 + 4
    assert "1 student on the roster without a submission" in run.stderr and "zed" in run.stderr
    assert "submissions not on the roster, left out: ada" not in run.stderr
    assert "not on the roster, left out: bias_not_summed" in run.stderr


def test_canvas_column_with_its_assignment_id(export, roster):
    _, rows = export("canvas", "--roster", roster, "--column", "HW3", "--column-id", "4567")
    assert rows[0][-1] == "HW3 (4567)"


def test_blackboard_quotes_every_field_and_keys_on_the_username(export, roster, grades, tmp_path):
    _, rows = export("blackboard", "--roster", roster, "--column", "HW3", "--column-id", "_123_1")
    column = f"HW3 [Total Pts: {MAX_SCORE} Score] |_123_1"
    assert rows[0] == ["Last Name", "First Name", "Username", "Student ID", column]
    assert rows[1] == ["Lovelace", "Ada", "alovelace", "1001", scores(grades)["ada"]]
    assert rows[2][:3] == ["Hopper", "Grace Brewster", "ghopper"]
    raw = (tmp_path / "blackboard.csv").read_text(encoding="utf-8").splitlines()
    assert raw[1] == f'"Lovelace","Ada","alovelace","1001","{scores(grades)["ada"]}"'
    _, bare = export("blackboard", "--roster", roster, "--column", "HW3")
    assert bare[0][-1] == "HW3"   # no id: Grade Center makes a new column of that name


def test_moodle_has_the_identifier_columns_its_import_maps_from(export, roster, grades):
    _, rows = export("moodle", "--roster", roster)
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "Username", "ner_window"]
    assert rows[1] == ["Ada", "Lovelace", "1001", "ada@example.edu", "alovelace", scores(grades)["ada"]]


def test_gradescope_csv_has_name_sid_email_and_the_score(export, roster, grades):
    _, rows = export("gradescope-csv", "--roster", roster, "--column", "Total Score")
    assert rows[0] == ["Name", "SID", "Email", "Total Score"]
    assert rows[3] == ["Emmy Noether", "1003", "emmy@example.edu", scores(grades)["sign_flipped"]]


def test_plain_csv_has_the_roster_the_totals_and_each_function(export, roster, grades):
    _, rows = export("csv", "--roster", roster)
    header = rows[0]
    assert header[:9] == ["submission", "student_id", "name", "email", "section", "username", "lms_id", "score",
                          "max_score"]
    functions = [f["name"] for f in grades.submission("ada")["functions"]]
    assert header[9:] == [f"function:{name}" for name in functions]
    grace = dict(zip(header, rows[2]))
    assert grace["name"] == "Grace Brewster Hopper" and grace["score"] == scores(grades)["grace"]
    assert sum(float(grace[f"function:{n}"]) for n in functions) == pytest.approx(float(grace["score"]))


def test_without_a_roster_the_submission_name_is_the_identifier_and_stderr_says_so(export, grades):
    run, rows = export("gradescope-csv")
    assert "no --roster" in run.stderr and "'SID'" in run.stderr
    assert {r[1]: r[3] for r in rows[1:]} == scores(grades)
    run, rows = export("canvas")
    assert "'SIS Login ID'" in run.stderr
    assert {r[3]: r[5] for r in rows[2:]} == scores(grades)


def test_a_roster_with_an_unknown_column_is_refused_by_name(cli, graded, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,student id\nada,1\n", encoding="utf-8")
    run = cli("grade", "export", "--to", "canvas", graded.folder, "--out", tmp_path / "x.csv", "--roster", roster)
    assert run.returncode == 2
    assert "unknown roster column 'student id'" in run.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_folder_without_grades_is_a_usage_error(cli, tmp_path):
    run = cli("grade", "export", "--to", "moodle", tmp_path, "--out", tmp_path / "x.csv")
    assert run.returncode == 2 and "no grades.json here" in run.stderr


def test_the_reports_folder_of_one_assignment_is_found_from_its_parent(cli, graded, tmp_path):
    run = cli("grade", "export", "--to", "csv", graded.out, "--out", tmp_path / "x.csv")
    assert run.returncode == 0, run.stderr
    assert "13 students of ner_window" in run.stdout


def test_grade_help_lists_export(cli):
    run = cli("grade", "--help")
    assert "grade export --to SYSTEM REPORTS --out FILE" in run.stdout


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(export, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text('submission,name\nada,"=HYPERLINK(""x"")"\n', encoding="utf-8")
    _, rows = export("gradescope-csv", "--roster", roster)
    assert rows[1][0] == "'=HYPERLINK(\"x\")"


def test_a_submission_listed_twice_is_refused_with_its_row(cli, graded, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,name\nada,A\ngrace,G\nada,B\n", encoding="utf-8")
    run = cli("grade", "export", "--to", "csv", graded.folder, "--out", tmp_path / "x.csv", "--roster", roster)
    assert run.returncode == 2 and "row 4: submission 'ada' is listed twice" in run.stderr
