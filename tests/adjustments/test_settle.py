"""The final score worked out from the grader's, step by step: adjustments
in the file's order, then the late penalty (pure functions on plain values)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from grader.adjustments.book import Book, Entry, LatePolicy
from grader.adjustments.settle import settle
from grader.adjustments.times import Submitted
from grader.reports.adjusted import late_text

DUE = datetime.fromisoformat("2026-12-01T23:59:00-05:00")


def entry(**fields) -> Entry:
    return Entry.model_validate({"student": "ada", "reason": "r", "by": "Lee", **fields})


def policy(**fields) -> LatePolicy:
    return LatePolicy.model_validate({"due": DUE, "penalty": 10, **fields})


def at(hours_late: float, source: str = "file") -> Submitted:
    return Submitted(DUE + timedelta(hours=hours_late), source)


def test_adjustments_apply_in_order_and_a_set_score_counts_from_what_came_before():
    out = settle(8, 13, {"f": 3, "g": 5}, [entry(function="f", points=1), entry(function="f", set=2),
                                          entry(points=2), entry(set=11)])
    assert [a.points for a in out.adjustments] == [1, -2, 2, 2]
    assert out.final == 11 and out.grader_score == 8


def test_the_final_score_is_never_below_zero_but_may_pass_the_points_possible():
    assert settle(2, 13, {}, [entry(points=-5)]).final == 0
    assert settle(13, 13, {}, [entry(points=2)]).final == 15


@pytest.mark.parametrize("hours, fields, taken", [
    (-1, {}, 0),                                          # on time
    (0.2, {"grace": "15 minutes"}, 0),                    # within the grace period
    (0.3, {"grace": "15 minutes"}, 1),                    # past it: counted from the due date, a started day
    (26, {}, 2),                                          # two started days, 10 % of 10 each
    (26, {"per": "hour", "penalty": 1, "unit": "points"}, 10),      # 26 hours, capped by the score itself
    (100, {"cap": 25}, 2.5),                              # five days, capped at 25 %
    (26, {"percent_of": "max_score"}, 2.6),               # 20 % of the 13 points possible
    (26, {"extensions": {"ada": "1 day"}}, 1),            # 2 hours past the extended due date
    (26, {"extensions": {"ada": "2026-12-05T00:00:00+00:00"}}, 0),  # a new due date
])
def test_the_late_penalty(hours, fields, taken):
    p = policy(**fields)
    out = settle(10, 13, {}, [], p, at(hours), p.extensions.get("ada"))
    assert out.late.points == pytest.approx(taken)
    assert out.final == pytest.approx(10 - taken)


def test_the_penalty_is_taken_from_the_adjusted_score_and_said():
    out = settle(9, 13, {}, [entry(points=1)], policy(), at(26.1, "commit"))
    assert out.final == 8
    assert late_text(out.late) == ("submitted 26 h 6 min late (commit time; due 2026-12-01 23:59 -05:00); "
                                   "2 days × 10 % = 20 %, \u22122 points")


def test_a_policy_without_a_due_date_or_a_time_takes_nothing():
    assert settle(10, 13, {}, [], policy(due=None), at(30)).late is None
    assert settle(10, 13, {}, [], policy(), None).final == 10


def test_durations_as_people_write_them():
    p = LatePolicy.model_validate({"penalty": 1, "grace": "1 day 2 hours", "extensions": {
        "a": "90 min", "b": "P2D", "c": "2026-12-05T00:00:00+01:00"}})
    assert p.grace == timedelta(hours=26)
    assert p.extensions["a"] == timedelta(minutes=90) and p.extensions["b"] == timedelta(days=2)
    assert isinstance(p.extensions["c"], datetime)
    assert Book.model_validate({"late": {"penalty": 1, "extensions": {"x": "2 days"}},
                                "adjustments": [{"student": "y", "points": 1, "reason": "r", "by": "b"}]}
                               ).students() == {"x", "y"}
