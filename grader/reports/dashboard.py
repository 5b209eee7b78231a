"""The class at a glance, as numbers for the HTML index: a histogram of the
scores, the pass rate of every check, a student-by-check grid of statuses
and the most frequent diagnoses. Pure data from the result model; the
template draws it (inline SVG and CSS)."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..results import AssignmentResult, SubmissionResult


@dataclass
class Bin:
    low: float
    high: float
    count: int = 0
    students: list[str] = field(default_factory=list)


@dataclass
class Column:
    """One check of one function, as it appears across the class."""
    function: str
    name: str
    scored: bool = True
    hidden: bool = False
    passed: int = 0
    ran: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return self.function, self.name

    @property
    def rate(self) -> float:
        """Passed by this share of the students it ran for."""
        return self.passed / self.ran if self.ran else 1.0


@dataclass
class Diagnosis:
    code: str
    sentence: str
    students: list[str] = field(default_factory=list)
    checks: int = 0
    where: list[str] = field(default_factory=list)   # "function › output"


WHOLE_POINTS_BINS = 60   # up to this many points, a bar per point
NICE_WIDTHS = (2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def bin_width(top: float) -> float:
    """A bar per point where that makes at most WHOLE_POINTS_BINS bars (under
    4 points, bars of a half or a quarter point); else the narrowest round
    width that does."""
    if top < 4:
        return 0.25 if top <= 2 else 0.5
    if top <= WHOLE_POINTS_BINS:
        return 1
    return next((w for w in NICE_WIDTHS if top / w <= WHOLE_POINTS_BINS), top / WHOLE_POINTS_BINS)


def histogram(submissions: list[SubmissionResult], top: float) -> list[Bin]:
    """Equal bins from 0 to `top` (see bin_width); a bin holds its low end,
    and the last one also `top`, so that full marks fall in it."""
    if top <= 0:
        return []
    width = bin_width(top)
    count = max(1, math.ceil(top / width - 1e-9))
    out = [Bin(i * width, min(top, (i + 1) * width)) for i in range(count)]
    for s in submissions:
        i = min(count - 1, max(0, int(s.score / width + 1e-9)))
        out[i].count += 1
        out[i].students.append(s.student)
    return out


def ticks(top: float, most: int = 10) -> list[float]:
    """Round values from 0 to label the points axis with, at most `most` and
    `top`; none so close to `top` that their labels would touch."""
    step = next(w for w in (0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, math.inf)
                if top / w <= most)
    if not math.isfinite(step):
        return [0.0, top]
    out = [k * step for k in range(int(top / step + 1e-9) + 1) if top - k * step > 0.4 * step]
    return out + [top]


def columns(result: AssignmentResult, names: list[str]) -> list[Column]:
    """Every check in the class, by function in spec order, then as first seen."""
    found: dict[tuple[str, str], Column] = {}
    order = {name: i for i, name in enumerate(names)}
    for s in result.submissions:
        for f in s.functions:
            for c in f.checks:
                if (f.name, c.name) not in found:
                    found[(f.name, c.name)] = Column(f.name, c.name, c.scored, c.visibility == "hidden")
    for s in result.submissions:
        # a check a submission names twice counts once, with its last status
        seen = {(f.name, c.name): c.status for f in s.functions for c in f.checks}
        for key, status in seen.items():
            found[key].ran += 1
            found[key].passed += status == "passed"
    return sorted(found.values(), key=lambda col: order.get(col.function, len(order)))


def grid(submissions: list[SubmissionResult], cols: list[Column]) -> list[list[str]]:
    """A row per submission, a status per column ("not run" where it has no such check)."""
    keys = [col.key for col in cols]
    rows = []
    for s in submissions:
        seen = {(f.name, c.name): c.status for f in s.functions for c in f.checks}
        rows.append([seen.get(key, "not run") for key in keys])
    return rows


@dataclass
class HeatRow:
    """A row of the heat map: one student, or every student with these statuses."""
    students: list[SubmissionResult]
    statuses: list[str]


def heat_rows(submissions: list[SubmissionResult], statuses: list[list[str]],
              limit: int = 40) -> tuple[list[HeatRow], int]:
    """A row per student, in the order given, for a class of up to `limit`;
    for a larger class, a row per outcome (the students whose every check
    has the same status), the most common first, the `limit` most common.
    Returns the rows and how many students they leave out."""
    if len(submissions) <= limit:
        return [HeatRow([s], row) for s, row in zip(submissions, statuses)], 0
    groups: dict[tuple[str, ...], HeatRow] = {}
    for s, row in zip(submissions, statuses):
        groups.setdefault(tuple(row), HeatRow([], row)).students.append(s)
    ranked = sorted(groups.values(), key=lambda g: -len(g.students))   # stable: first seen first among equals
    shown = ranked[:limit]
    return shown, len(submissions) - sum(len(g.students) for g in shown)


def diagnoses(result: AssignmentResult, limit: int = 20) -> list[Diagnosis]:
    """Diagnosis codes by how many students got them, most first."""
    found: dict[str, Diagnosis] = {}
    for s in result.submissions:
        for f in s.functions:
            for c in f.checks:
                if c.status == "passed" or not c.diagnosis:
                    continue
                d = found.setdefault(c.diagnosis, Diagnosis(c.diagnosis, c.explanation))
                d.checks += 1
                if not d.students or d.students[-1] != s.student:  # a student's checks come together
                    d.students.append(s.student)
                where = f"{f.name} › {c.output}" if c.output else f.name
                if where not in d.where:
                    d.where.append(where)
    ranked = sorted(found.values(), key=lambda d: (-len(d.students), -d.checks, d.code))
    return ranked[:limit]


def function_means(result: AssignmentResult, names: list[str]) -> list[tuple[str, float, float]]:
    """(function, mean points, its points) in spec order; a function a submission lacks scores 0."""
    out = []
    for name in names:
        found = [f for s in result.submissions for f in s.functions if f.name == name]
        if found:
            out.append((name, sum(f.score for f in found) / len(result.submissions), found[0].max_score))
    return out


def build(result: AssignmentResult, names: list[str], order: list[SubmissionResult]) -> dict:
    """Every number the index's dashboard draws; the heat map's students in `order`."""
    subs = result.submissions
    top = max((s.max_score for s in subs), default=0.0)
    cols = columns(result, names)
    n = len(subs)
    statuses = grid(order, cols)
    rows, left_out = heat_rows(order, statuses)
    bins = histogram(subs, top)

    def main(col: Column) -> bool:   # scored, and ran for most of the class (not only where an import failed)
        return col.scored and 2 * col.ran > n
    failing = [col for col in cols if col.passed < col.ran]
    return {
        "bins": bins,
        "top": top,
        "ticks": ticks(top) if top > 0 else [],
        "count_step": next(w for w in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, n + 1)
                           if max((b.count for b in bins), default=0) / w <= 8),
        "mean": sum(s.score for s in subs) / n if n else 0.0,
        "columns": cols,
        "groups": [(name, sum(1 for col in cols if col.function == name)) for name in dict.fromkeys(
            col.function for col in cols)],
        "rows": rows,
        "left_out": left_out,
        "hardest": sorted((col for col in failing if main(col)), key=lambda col: col.rate),
        "others": sorted((col for col in failing if not main(col)), key=lambda col: (not col.scored, col.rate)),
        "easy": [col for col in cols if col.passed == col.ran],
        "functions": function_means(result, names),
        "diagnoses": diagnoses(result),
        "statuses": Counter(status for row in statuses for status in row),
    }
