"""A submission's final score, from the grader's: each adjustment in the
order the file lists it (points added or removed, or a score set, of one
function or of the whole), then the late penalty, taken from the score so
adjusted. The final score is never below 0; an adjustment may take it above
the points possible (extra credit). Each step is kept, as data, for the
reports to show (results.Adjustment, results.Lateness)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..results import Adjustment, Lateness
from .book import Entry, LatePolicy
from .times import Submitted

SECONDS = {"hour": 3600, "day": 86400}


@dataclass
class Outcome:
    grader_score: float
    adjustments: list[Adjustment] = field(default_factory=list)
    late: Lateness | None = None
    final: float = 0.0


def settle(grader_score: float, max_score: float, functions: dict[str, float], entries: list[Entry],
           policy: LatePolicy | None = None, submitted: Submitted | None = None, extension=None,
           due: datetime | None = None) -> Outcome:
    """The final score of a submission whose grader's score is `grader_score`
    (`functions`: each function's points), after `entries` (this student's
    adjustments, in order) and, given a policy and the submission's time,
    the late penalty (`extension`: this student's, if any; `due`: the due
    date where the policy gives none)."""
    total, points_of = grader_score, dict(functions)
    outcome = Outcome(grader_score)
    for e in entries:
        before = points_of.get(e.function, 0.0) if e.function else total
        change = e.points if e.points is not None else e.set_to - before
        if e.function:
            points_of[e.function] = before + change
        total += change
        outcome.adjustments.append(Adjustment(points=change, reason=e.reason, by=e.by, function=e.function,
                                              set_to=e.set_to))
    due = (policy.due or due) if policy else None
    if policy and submitted and due:
        outcome.late = lateness(policy, submitted, due, extension, max(total, 0.0), max_score)
        total -= outcome.late.points
    outcome.final = round(max(total, 0.0), 9)
    return outcome


def lateness(policy: LatePolicy, submitted: Submitted, due: datetime, extension, score: float,
             max_score: float) -> Lateness:
    """What the policy takes from `score` for a submission handed in at `submitted`."""
    extended_from = due if extension is not None else None
    if isinstance(extension, datetime):
        due = extension
    elif isinstance(extension, timedelta):
        due = due + extension
    seconds = (submitted.at - due).total_seconds()
    grace = 0 < seconds <= policy.grace.total_seconds()
    units = math.ceil(seconds / SECONDS[policy.per]) if seconds > 0 and not grace else 0
    penalty = units * policy.penalty
    capped = policy.cap is not None and penalty > policy.cap
    penalty = min(penalty, policy.cap) if capped else penalty
    base = score if policy.percent_of == "score" else max_score
    points = penalty if policy.unit == "points" else penalty / 100 * base
    return Lateness(submitted_at=submitted.at.astimezone(due.tzinfo), source=submitted.source,
                    source_note=submitted.note, due=due, extended_from=extended_from, seconds_late=max(seconds, 0.0),
                    grace=grace, per=policy.per, units=units, rate=policy.penalty, unit=policy.unit, penalty=penalty,
                    capped=capped, points=round(min(points, score), 9))
