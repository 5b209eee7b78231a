"""Adjustments and the late policy as a person sees them in a browser: a
class graded by the command line with an adjustments.toml, its pages opened
in headless Chromium. A student's page says how the score was reached, a
line for the grader's score, each adjustment, the late policy and the final
score; the class page marks the scores that adjustments or lateness changed."""
from __future__ import annotations

import os
import shutil
from datetime import datetime

import pytest

from conftest import SUBMISSIONS, run_cli
from test_reports_browser import Page, browse, console_messages

BOOK = """
[late]
due = 2026-12-01T23:59:00-05:00
per = "day"
penalty = 10

[[adjustments]]
student = "transposed_dw"
function = "ner_loss_and_grads"
set = 5
reason = "dW as (D, H) was allowed in the lecture notes"
by = "TA Jo"
"""
HANDED_IN = {"ada": "2026-12-01T20:00:00-05:00", "transposed_dw": "2026-12-01T21:00:00-05:00",
             "sign_flipped": "2026-12-03T02:04:00-05:00"}


@pytest.fixture(scope="module")
def adjusted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adjusted")
    folder = tmp / "ner_window"
    folder.mkdir()
    for student, when in HANDED_IN.items():
        shutil.copy(SUBMISSIONS / f"{student}.py", folder / f"{student}.py")
        t = datetime.fromisoformat(when).timestamp()
        os.utime(folder / f"{student}.py", (t, t))
    (folder / "adjustments.toml").write_text(BOOK, encoding="utf-8")
    run = run_cli("grade", folder, "--out", tmp / "out")
    assert run.returncode == 0, run.stderr
    return tmp / "out" / "ner_window"


@pytest.fixture(scope="module")
def page(chromium, adjusted):
    def load(name: str) -> Page:
        run = browse(chromium, adjusted / name, "--dump-dom")
        assert run.returncode == 0 and "<body" in run.stdout, run.stderr
        assert console_messages(run.stderr) == []
        return Page(run.stdout)
    return load


def test_a_students_page_says_how_the_score_was_reached(page):
    bob = page("transposed_dw.html")
    assert "13 / 13" in bob.text
    assert ("How the score was reached Grader's score: 12/13 ner_loss_and_grads set to 5 (+1): dW as (D, H) was "
            "allowed in the lecture notes (by TA Jo) Late policy: submitted 2026-12-01 21:00 -05:00 (file time), "
            "on time (due 2026-12-01 23:59 -05:00) Final score: 13/13") in bob.text

    late = page("sign_flipped.html")
    assert ("Late policy: submitted 26 h 5 min late (file time; due 2026-12-01 23:59 -05:00); 2 days × 10 % = 20 %, "
            "\u22121.8 points Final score: 7.2/13") in late.text


def test_the_class_page_marks_adjusted_and_late_scores(page):
    index = page("index.html")
    rows = {row[0]: row for row in index.tables[0][1:]}
    assert rows["ada"][1].startswith("13 / 13") and not {"adjusted", "late"} & set(rows["ada"][1].split())
    assert rows["transposed_dw"][1].startswith("13 / 13") and rows["transposed_dw"][1].endswith(" adjusted")
    assert rows["sign_flipped"][1] == "7.2 / 13 late \u22121.8"
    assert "late \u22121.8" in index.html and 'title="submitted 26 h 5 min late' in index.html
