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
class Cell:
    status: str               # a check status, or "not run"
    anchor: str | None        # the check's anchor on the student's page
    message: str = ""


@dataclass
class Diagnosis:
    code: str
    sentence: str
    students: list[str] = field(default_factory=list)
    checks: int = 0
    where: list[str] = field(default_factory=list)   # "function › output"


NICE_WIDTHS = (1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def histogram(submissions: list[SubmissionResult], top: float, bins: int = 10) -> list[Bin]:
    """Equal bins from 0 to `top`, of a round width giving at most `bins` + 3
    of them; the last bin is closed so that full marks fall in it."""
    if top <= 0:
        return []
    widths = NICE_WIDTHS if top >= 4 else (0.25, 0.5) + NICE_WIDTHS
    width = next((w for w in widths if top / w <= bins + 3), top / bins)
    count = max(1, math.ceil(top / width - 1e-9))
    out = [Bin(i * width, min(top, (i + 1) * width)) for i in range(count)]
    for s in submissions:
        i = min(count - 1, max(0, int(s.score / width + 1e-9)))
        out[i].count += 1
        out[i].students.append(s.student)
    return out


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


def grid(result: AssignmentResult, cols: list[Column], check_id) -> list[list[Cell]]:
    """A row per student, a cell per column: the check's status, anchor and first line."""
    keys = [col.key for col in cols]
    rows = []
    for s in result.submissions:
        seen: dict[tuple[str, str], Cell] = {}
        for f in s.functions:
            for number, c in enumerate(f.checks, 1):
                first = c.message.splitlines()[0] if c.message else ""
                seen[(f.name, c.name)] = Cell(c.status, check_id(f.name, number), first)
        rows.append([seen[key] if key in seen else Cell("not run", None, "not run for this submission")
                     for key in keys])
    return rows


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
                if s.student not in d.students:
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


def build(result: AssignmentResult, names: list[str], check_id) -> dict:
    """Every number the index's dashboard draws."""
    subs = result.submissions
    top = max((s.max_score for s in subs), default=0.0)
    cols = columns(result, names)
    n = len(subs)
    rated = sorted(cols, key=lambda col: (col.rate, not col.scored))
    cells = grid(result, cols, check_id)
    return {
        "bins": histogram(subs, top),
        "top": top,
        "mean": sum(s.score for s in subs) / n if n else 0.0,
        "columns": cols,
        "groups": [(name, sum(1 for col in cols if col.function == name)) for name in dict.fromkeys(
            col.function for col in cols)],
        "grid": cells,
        "hardest": [col for col in rated if col.passed < col.ran],
        "easy": [col for col in rated if col.passed == col.ran],
        "functions": function_means(result, names),
        "diagnoses": diagnoses(result),
        "statuses": Counter(cell.status for row in cells for cell in row),
    }
