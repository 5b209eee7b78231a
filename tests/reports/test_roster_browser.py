"""The roster on the HTML report, as a person sees it in headless Chromium:
the class graded with a roster by the real command line (tests/rosters.py),
its class page showing each student's roster row, the students who handed
in nothing under "Missing", and a submission no roster row names under
"Not on the roster" with the name it may have been meant to be; a
student's page naming the student under its heading."""
from __future__ import annotations

import pytest
from rosters import graded_with_roster
from test_html_browser import probe
from test_reports_browser import Page, browse, console_messages, squash

HEAD = ["Student", "Name", "Student ID", "Email", "Section", "Score"]


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    return graded_with_roster(tmp_path_factory.mktemp("roster-pages"))


@pytest.fixture(scope="module")
def dom(chromium, klass):
    seen: dict[str, Page] = {}

    def load(name: str) -> Page:
        if name not in seen:
            run = browse(chromium, klass.folder / name, "--dump-dom")
            assert run.returncode == 0 and "<body" in run.stdout, run.stderr
            assert console_messages(run.stderr) == [], run.stderr
            seen[name] = Page(run.stdout)
        return seen[name]

    return load


def test_the_table_of_students_shows_each_roster_row(dom):
    table = next(t for t in dom("index.html").tables if t and t[0][:6] == HEAD)   # (not the look-alike pairs')
    assert table[0][:6] == HEAD
    by_student = {row[0]: row for row in table[1:]}
    assert by_student["ada"][1:5] == ["Ada Lovelace", "1001", "ada@example.edu", "A1"]
    assert by_student["transposed_dw"][1] == "Tim Transposer, Jr."
    assert by_student["ada_l"][1] == "not on the roster"
    assert "zed" not in by_student   # handed in nothing: not among the graded


def test_the_missing_students_are_listed_with_zero_points(dom):
    index = dom("index.html")
    assert "1 missing" in index.text
    missing = index.table(HEAD)
    missing = [row for row in missing if row[0] == "zed"]
    assert missing == [["zed", "Zed Absent", "1004", "zed@example.edu", "A2", "0 / 13 missing"]]
    assert "1 student is on the roster (people/roster.csv) with no submission: 0 points each." in index.text


def test_a_submission_without_a_roster_row_is_listed_with_a_suggestion(dom):
    text = dom("index.html").text
    assert "Not on the roster" in text
    assert "ada_l: no roster row; did you mean ada?" in text


def test_a_students_page_names_the_student_under_the_heading(dom):
    ada = dom("ada.html")
    assert ada.headings == ["ada"]
    assert "Ada Lovelace · student ID 1001 · ada@example.edu · section A1" in ada.text
    assert "This submission has no row on the roster (people/roster.csv)" in dom("ada_l.html").text


def test_the_table_sorts_on_a_roster_column(chromium, klass):
    rows = probe(chromium, klass.folder / "index.html",
                 "var th = document.querySelectorAll('#roster thead th'); th[1].click();"
                 "return Array.prototype.map.call(document.querySelectorAll('#roster tbody tr'),"
                 " function (r) { return r.cells[1].textContent; });")
    names = [squash(name) for name in rows]
    assert names == ["Ada Lovelace", "Grace Hopper", "not on the roster", "Tim Transposer, Jr."]
