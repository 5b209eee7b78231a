"""From verdicts on cases to a function's checks and score: the verdicts of
one check on every case of a group fold into one Check, and the function's
points are shared over its outputs."""
from __future__ import annotations

from typing import NamedTuple

from ..judge.checks import Verdict
from ..results import SEVERITY, Check, Note
from ..cases.sampling import PUBLIC
from ..spec import Function


class Key(NamedTuple):
    """Which check a verdict belongs to: its name, the output it judges (if
    any), and whether it is scored."""
    name: str
    output: str | None = None
    scored: bool = True


class Judged(NamedTuple):
    """A verdict on one case; `label` names the case ("public case 2"), if any."""
    label: str | None
    verdict: Verdict


def fold(key: Key, visibility: str, judged: list[Judged]) -> Check:
    """One check from its verdicts on a group's cases: the first case that
    did not pass speaks for all; when all pass, the closest call does."""
    bad = [j for j in judged if j.verdict.status != "passed"]
    if bad:
        label, v = max(bad, key=lambda j: SEVERITY[j.verdict.status])
    else:
        label, v = max(judged, key=lambda j: j.verdict.margin or 0.0)
    message = v.message if not label or not bad else f"on {label}: {v.message}"
    if not bad and len(judged) > 1:
        message += f" (all {len(judged)} {visibility} cases)"
    return Check(
        name=key.name if visibility == PUBLIC else f"{key.name} (hidden)", status=v.status, message=message,
        diagnosis=v.diagnosis.code if v.diagnosis else None, explanation=v.diagnosis.sentence if v.diagnosis else "",
        charged_to=v.diagnosis.charged_to if v.diagnosis else None,
        visibility=visibility, scored=key.scored, output=key.output, case=label if bad else None,
        margin=v.margin, tolerance=v.tolerance, worst=v.worst, notes=notes_of(judged), lines=v.lines)


def notes_of(judged: list[Judged]) -> list[Note]:
    """The check's notes, one per output and form (the first case's: a
    masked array's count of masked elements, say, changes with the case)."""
    notes = {}
    for j in judged:
        for n in j.verdict.notes:
            notes.setdefault((n.code, n.output, n.type), n)
    return list(notes.values())


def score(f: Function, checks: list[Check]) -> float:
    """The function's points split over its outputs; an output earns its
    share when every scored check of the function or of that output passed."""
    scored = [c for c in checks if c.scored]
    if not any(c.output is not None for c in scored) or any(
            c.status != "passed" for c in scored if c.output is None):
        return 0.0
    graded = f.judged
    share = f.points / len(graded)
    earned = sum(all(c.status == "passed" for c in scored if c.output == o.name) for o in graded)
    return round(share * earned, 6)
