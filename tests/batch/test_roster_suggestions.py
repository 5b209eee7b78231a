"""The name a submission with no roster row may have been meant to be
(batch/roster.py): said on stderr and the class page, never matched. The
whole match runs end to end in tests/cli/test_roster.py; here, which
name is suggested."""
from __future__ import annotations

from grader.batch.roster import Suggestions
from grader.people import Person

PEOPLE = {p.submission: p for p in [
    Person(submission="ada", student_id="1001", username="alovelace", email="ada.l@example.edu"),
    Person(submission="grace", student_id="1002", username="ghopper", email="grace@example.edu"),
    Person(submission="zed", student_id="1004", username="zabsent"),
]}


def suggest(student: str, absent: tuple[str, ...] = ("grace", "zed")) -> str | None:
    return Suggestions([PEOPLE[name] for name in absent], PEOPLE, 1)(student)


def test_a_name_another_column_of_a_row_holds_suggests_that_row():
    assert suggest("zabsent") == "zed"
    assert suggest("1002") == "grace"
    assert suggest("Ada.L") == "ada"        # the email before its @, case aside


def test_otherwise_the_closest_spelling_among_those_without_a_submission_first():
    assert suggest("grace_h") == "grace"
    assert suggest("ada_l") == "ada"        # ada has a submission: still suggested, as nothing else is close
    assert suggest("someone_else") is None


def test_past_the_budget_only_the_other_columns_are_looked_up():
    many = Suggestions([PEOPLE["grace"]], PEOPLE, 10**6)
    assert many("grace_h") is None and many("ghopper") == "grace"
