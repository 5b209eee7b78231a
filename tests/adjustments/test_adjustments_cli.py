"""adjustments.toml through the command line, on real files: the grader's
score, each adjustment and the final score in grades.json and grades.csv;
adjustments that survive a regrade and an edit that needs none; and the
messages an instructor gets for a file that cannot be used."""
from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

from conftest import ROOT, SUBMISSIONS

STUDENTS = ("ada", "transposed_dw", "sign_flipped")

BOOK = """
[[adjustments]]
student = "transposed_dw"
function = "ner_loss_and_grads"
set = 5
reason = "regrade request: dW was asked for as (D, H) in the lecture notes"
by = "TA Jo"

[[adjustments]]
student = "sign_flipped"
points = -1.5
reason = "academic integrity: copied the derivation of dW"
by = "Prof. Lee"
"""


def class_folder(tmp_path: Path, book: str | None = BOOK, students=STUDENTS) -> Path:
    folder = tmp_path / "ner_window"
    folder.mkdir(parents=True)
    for student in students:
        shutil.copy(SUBMISSIONS / f"{student}.py", folder / f"{student}.py")
    if book is not None:
        (folder / "adjustments.toml").write_text(book, encoding="utf-8")
    return folder


def grades(out: Path) -> dict:
    data = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: s for s in data["submissions"]}


def csv_rows(out: Path) -> dict:
    with open(out / "ner_window" / "grades.csv", newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def saved_results(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "ner_window" / "results").iterdir())}


def test_adjustments_are_fields_and_columns_of_their_own(cli, tmp_path):
    folder = class_folder(tmp_path)
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    # the file beside the submissions is read, not graded
    assert "adjustments.toml (not graded: the class's adjustments, applied to its reports)" in run.stderr

    g = grades(tmp_path / "out")
    bob = g["transposed_dw"]
    assert bob["grader_score"] == 12 and bob["final_score"] == bob["score"] == 13
    assert bob["adjustments"] == [{"points": 1.0, "reason": "regrade request: dW was asked for as (D, H) in the "
                                   "lecture notes", "by": "TA Jo", "function": "ner_loss_and_grads", "set_to": 5.0}]
    # the functions keep the grader's points: the adjustment says what it changed
    assert {f["name"]: f["score"] for f in bob["functions"]}["ner_loss_and_grads"] == 4
    flipped = g["sign_flipped"]
    assert flipped["final_score"] == flipped["grader_score"] - 1.5 == flipped["score"]
    ada = g["ada"]
    assert ada["grader_score"] == ada["final_score"] == 13 and ada["adjustments"] == [] and ada["late"] is None

    rows = csv_rows(tmp_path / "out")
    assert rows["transposed_dw"]["score"] == "13" and rows["transposed_dw"]["grader_score"] == "12"
    assert rows["transposed_dw"]["adjustment_points"] == "1"
    assert rows["transposed_dw"]["adjustments"] == ("ner_loss_and_grads set to 5 (+1): regrade request: dW was asked "
                                                     "for as (D, H) in the lecture notes (by TA Jo)")
    assert rows["sign_flipped"]["adjustment_points"] == "-1.5"
    assert rows["sign_flipped"]["adjustments"].startswith("total \u22121.5: academic integrity")
    # the class table on the terminal shows the final score, and the run says what it applied
    assert f"{flipped['score']:g}/13" in run.stdout
    assert f"Applied 2 adjustments from {folder / 'adjustments.toml'}" in run.stdout


def test_an_adjustment_survives_a_regrade_and_an_edit_needs_none(cli, tmp_path):
    folder = class_folder(tmp_path)
    out = tmp_path / "out"
    assert cli("grade", folder, "--out", out).returncode == 0
    first = grades(out)

    forced = cli("grade", folder, "--out", out, "--force")
    assert forced.returncode == 0, forced.stderr
    again = grades(out)
    for student in STUDENTS:
        assert again[student]["adjustments"] == first[student]["adjustments"]
        assert again[student]["score"] == first[student]["score"]
    # the saved results hold the grader's verdicts alone
    saved = saved_results(out)
    assert not any(b"academic integrity" in data for data in saved.values())

    # an edited file is seen by the next run, with nobody regraded
    (folder / "adjustments.toml").write_text(BOOK.replace("points = -1.5", "points = -3"), encoding="utf-8")
    edited = cli("grade", folder, "--out", out)
    assert edited.returncode == 0, edited.stderr
    assert saved_results(out) == saved
    flipped = grades(out)["sign_flipped"]
    assert flipped["score"] == flipped["grader_score"] - 3

    # and a file taken away takes its adjustments with it
    (folder / "adjustments.toml").unlink()
    assert cli("grade", folder, "--out", out).returncode == 0
    assert all(s["adjustments"] == [] and s["score"] == s["grader_score"] for s in grades(out).values())


def test_adjustments_given_on_the_command_line(cli, tmp_path):
    folder = class_folder(tmp_path, book=None, students=("ada",))
    book = tmp_path / "elsewhere.toml"
    book.write_text('[[adjustments]]\nstudent = "ada"\nset = 10\nreason = "capped at 10"\nby = "Lee"\n',
                    encoding="utf-8")
    run = cli("grade", folder, "--out", tmp_path / "out", "--adjustments", book)
    assert run.returncode == 0, run.stderr
    ada = grades(tmp_path / "out")["ada"]
    assert ada["score"] == 10 and ada["adjustments"][0]["points"] == -3


def test_a_misspelt_key_is_refused_with_the_key_meant(cli, tmp_path):
    folder = class_folder(tmp_path, BOOK + '\n[late]\ndue = 2026-12-01T23:59:00-05:00\npenalti = 10\n')
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 2
    assert "adjustments.toml: invalid adjustments:" in run.stderr
    assert "late.penalti: unknown key 'penalti'; did you mean 'penalty'?" in run.stderr
    assert not (tmp_path / "out").exists()   # nothing graded on a file that cannot be used


def test_an_unknown_function_is_refused_and_an_unknown_student_said(cli, tmp_path):
    folder = class_folder(tmp_path, BOOK.replace('"ner_loss_and_grads"', '"ner_loss_and_grad"'))
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 2
    assert ("adjustments[0].function: no function 'ner_loss_and_grad' is graded in this assignment; "
            "did you mean 'ner_loss_and_grads'?") in run.stderr

    folder = class_folder(tmp_path / "2", BOOK.replace('"sign_flipped"', '"sign_fliped"'))
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert ("warning: ner_window: 'sign_fliped' has no submission here; its adjustments and extension apply to "
            "no one (did you mean 'sign_flipped'?)") in run.stderr


def test_an_adjustment_needs_points_or_a_score_and_a_reason(cli, tmp_path):
    folder = class_folder(tmp_path, '[[adjustments]]\nstudent = "ada"\nby = "Lee"\n')
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 2
    assert "adjustments[0].reason: Field required" in run.stderr

    folder = class_folder(tmp_path / "2", '[late]\nper = "week"\npenalty = 1\ndue = 2026-12-01T23:59:00\n')
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 2
    assert "late.per: Input should be 'hour' or 'day'" in run.stderr
    assert "late.due: Input should have timezone info" in run.stderr


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("### Adjustments and late work", 1)[1].split("\n### ", 1)[0]


def test_the_readme_example_is_what_grade_does(cli, tmp_path):
    section = readme_section()
    book = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"a student's page, under the score.*?```\n(.*?)  ```", section, re.S).group(1)
    folder = class_folder(tmp_path, book, students=("transposed_dw", "sign_flipped", "bias_shape"))
    late = datetime.fromisoformat("2026-12-03T02:04:00-05:00").timestamp()
    for student in ("transposed_dw", "sign_flipped", "bias_shape"):
        os.utime(folder / f"{student}.py", (late, late))
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr
    page = (tmp_path / "out" / "ner_window" / "transposed_dw.html").read_text(encoding="utf-8")
    section_html = page.split('<section class="adjusted"', 1)[1].split("</section>", 1)[0]
    lines = [html.unescape(line) for line in re.findall(r"<li>(.*?)</li>", section_html)]
    assert lines == [line.strip() for line in shown.strip().splitlines()]
    g = grades(tmp_path / "out")
    assert g["sign_flipped"]["late"]["extended_from"] and g["sign_flipped"]["late"]["points"] == 0
    assert g["bias_shape"]["late"]["due"] == "2026-12-05T12:00:00-05:00"
