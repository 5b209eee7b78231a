"""Values of adjustments.toml that TOML reads but no course means, refused
when the file is read, before anyone is graded, at their key: a bare number
where a date or a length of time is due (it would be read as a Unix time,
or as seconds); a number that is not finite (no report can show it); a
grace period or an extension longer than a year, or a date in a year no
course is (either overflows a date, once the other is added to it)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SUBMISSIONS
from grader.adjustments import AdjustmentsError, load_book

POLICY = "[late]\ndue = 2026-12-01T23:59:00-05:00\npenalty = 10\n"
AS_DATE = "write the date with its offset, such as 2026-12-01T23:59:00-05:00"
AS_DURATION = 'write it with its unit, such as "2 days" or "36 hours"'
ENTRY = '[[adjustments]]\nstudent = "ada"\nreason = "regrade"\nby = "Lee"\n'
AS_EXTENSION = ('write extra time with its unit, such as "2 days" or "36 hours", or a new due date with its '
                'offset, such as 2026-12-01T23:59:00-05:00')


def refusal(tmp_path: Path, text: str) -> str:
    """The message load_book refuses `text` with."""
    path = tmp_path / "adjustments.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AdjustmentsError) as refused:
        load_book(path, ["f"])
    return str(refused.value)


def grade_refused(cli, tmp_path: Path, text: str) -> str:
    """Grade a class whose adjustments.toml is `text`: refused with exit code 2,
    nobody graded; its stderr."""
    folder = tmp_path / "ner_window"
    folder.mkdir()
    shutil.copy(SUBMISSIONS / "ada.py", folder / "ada.py")
    (folder / "adjustments.toml").write_text(text, encoding="utf-8")
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert not (tmp_path / "out").exists()
    return run.stderr


def test_an_extension_in_days_without_its_unit_is_refused(cli, tmp_path):
    stderr = grade_refused(cli, tmp_path, POLICY + "[late.extensions]\nada = 2\n")
    assert "adjustments.toml: invalid adjustments:" in stderr
    assert f"late.extensions.ada: 2 is a number, not a date or a length of time: {AS_EXTENSION}" in stderr


def test_a_due_date_given_as_a_number_is_refused(cli, tmp_path):
    stderr = grade_refused(cli, tmp_path, "[late]\ndue = 1\npenalty = 10\n")
    assert f"late.due: 1 is a number, not a date: {AS_DATE}" in stderr


@pytest.mark.parametrize("line, said", [
    ('due = "1764651540"', f"late.due: '1764651540' is a number, not a date: {AS_DATE}"),
    ("grace = 900", f"late.grace: 900 is a number, not a length of time: {AS_DURATION}"),
    ('grace = "15"', f"late.grace: '15' is a number, not a length of time: {AS_DURATION}"),
    ('extensions = {ada = "2"}', f"late.extensions.ada: '2' is a number, not a date or a length of time: "
                                 f"{AS_EXTENSION}"),
    ("extensions = {ada = 2.5}", f"late.extensions.ada: 2.5 is a number, not a date or a length of time: "
                                 f"{AS_EXTENSION}"),
    ("extensions = {ada = true}", f"late.extensions.ada: true is a boolean, not a date or a length of time: "
                                  f"{AS_EXTENSION}"),
])
def test_a_bare_number_is_refused_wherever_a_date_or_a_length_of_time_is_due(tmp_path, line, said):
    text = POLICY.replace("due = 2026-12-01T23:59:00-05:00\n", "") if line.startswith("due") else POLICY
    message = refusal(tmp_path, text + line + "\n")
    assert message.splitlines()[1:] == [f"  {said}"]


def test_dates_and_lengths_of_time_as_written_are_still_read(tmp_path):
    path = tmp_path / "adjustments.toml"
    path.write_text(POLICY + 'grace = "15 minutes"\n[late.extensions]\na = "2 days"\nb = "P1D"\n'
                    'c = 2026-12-05T12:00:00-05:00\nd = "2026-12-05T12:00:00-05:00"\n', encoding="utf-8")
    late = load_book(path, ["f"]).late
    assert late.grace.total_seconds() == 900
    assert [str(late.extensions[s]) for s in "abcd"] == ["2 days, 0:00:00", "1 day, 0:00:00",
                                                         "2026-12-05 12:00:00-05:00", "2026-12-05 12:00:00-05:00"]


def test_infinite_points_are_refused(cli, tmp_path):
    stderr = grade_refused(cli, tmp_path, ENTRY + "points = inf\n")
    assert "adjustments[0].points: Input should be a finite number" in stderr


@pytest.mark.parametrize("text, said", [
    (ENTRY + "set = nan\n", "adjustments[0].set: Input should be a finite number"),
    (ENTRY + "points = -inf\n", "adjustments[0].points: Input should be a finite number"),
    (POLICY.replace("10", "inf"), "late.penalty: Input should be a finite number"),
    (POLICY + "cap = nan\n", "late.cap: Input should be a finite number"),
])
def test_a_number_that_is_not_finite_is_refused(tmp_path, text, said):
    assert refusal(tmp_path, text).splitlines()[1:] == [f"  {said}"]


@pytest.mark.parametrize("text, said", [
    (ENTRY + "points = 1e308\n", "adjustments[0].points: Input should be less than or equal to 1000000"),
    (ENTRY + "set = -1e308\n", "adjustments[0].set: Input should be greater than or equal to -1000000"),
    (POLICY.replace("10", "1e308"), "late.penalty: Input should be less than or equal to 1000000"),
])
def test_a_number_no_score_can_hold_is_refused(tmp_path, text, said):
    """Two adjustments of 1e308 points each would add up to infinity."""
    assert refusal(tmp_path, text).splitlines()[1:] == [f"  {said}"]


def test_an_extension_longer_than_a_year_is_refused(cli, tmp_path):
    stderr = grade_refused(cli, tmp_path, POLICY + '[late.extensions]\nada = "999999999 days"\n')
    assert ("late.extensions.ada: '999999999 days' is longer than 366 days, the most a grace period or an "
            "extension may be") in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("line, said", [
    ('grace = "99999999999 days"', "late.grace: '99999999999 days' is longer than 366 days"),
    ('grace = "P400DT12H"', "late.grace: 400.5 days is longer than 366 days"),
    ('extensions = {ada = "52 weeks 3 days"}', "late.extensions.ada: '52 weeks 3 days' is longer than 366 days"),
    ('extensions = {ada = "P999999999D"}', "late.extensions.ada: 1e+09 days is longer than 366 days"),
])
def test_a_length_of_time_longer_than_a_year_is_refused(tmp_path, line, said):
    assert refusal(tmp_path, POLICY + line + "\n").splitlines()[1:] == [
        f"  {said}, the most a grace period or an extension may be"]


def test_a_year_is_the_longest_length_of_time(tmp_path):
    path = tmp_path / "adjustments.toml"
    path.write_text(POLICY + 'grace = "366 days"\nextensions = {ada = "P366D"}\n', encoding="utf-8")
    late = load_book(path, ["f"]).late
    assert late.grace.days == late.extensions["ada"].days == 366


def test_a_date_in_a_year_no_course_is_refused(cli, tmp_path):
    stderr = grade_refused(cli, tmp_path, POLICY.replace("2026-", "9999-") + '[late.extensions]\nada = "2 days"\n')
    assert "late.due: 9999-12-01T23:59:00-05:00 is in the year 9999: a date here is in a year from 1970 to 2999" \
        in stderr
    assert "Traceback" not in stderr
    said = refusal(tmp_path, POLICY + "[late.extensions]\nada = 0202-12-05T12:00:00-05:00\n")
    assert said.splitlines()[1:] == [
        "  late.extensions.ada: 0202-12-05T12:00:00-05:00 is in the year 202: a date here is in a year from 1970 "
        "to 2999"]
