"""The HTML report: `index.html` for the class (a dashboard: the scores'
histogram, the most frequent diagnoses, every student's every check, the
pass rate of each check, the table of students) and one page per student.
Pages are self-contained (inline CSS and SVG, no scripts, no external
assets) so they open straight from disk or from an archive; every text from
a submission is escaped by the templates."""
from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..results import AssignmentResult, Check, FunctionResult, SubmissionResult
from . import dashboard
from .atomic import write_text
from .csv_report import function_names

TEMPLATES = Path(__file__).parent / "templates"
INDEX = "index.html"


def page_names(submissions: list[SubmissionResult]) -> list[str]:
    """A file name for each submission's page, in order: the student's name
    reduced to ASCII letters, digits, '.', '-' and '_', made unique without
    regard to case (some file systems ignore it) and never `index.html`."""
    taken = {INDEX.lower()}
    names = []
    for submission in submissions:
        ascii_name = unicodedata.normalize("NFKD", submission.student).encode("ascii", "ignore").decode()
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._-")[:80] or "student"
        name, n = f"{base}.html", 2
        while name.lower() in taken:
            name, n = f"{base}-{n}.html", n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def points(x: float) -> str:
    """A score as a person writes it: 2, 0.5, 1.33."""
    if not math.isfinite(x):
        return str(x)
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def value(x: float) -> str:
    """An array element, to enough digits to see where two values part."""
    return f"{x:.6g}"


def margin(x: float) -> str:
    return f"{x:.3g}"


def difference(x: float) -> str:
    return f"{x:+.3g}"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s"


def full_marks(submission: SubmissionResult) -> bool:
    return submission.max_score > 0 and submission.score >= submission.max_score - 1e-9


def summary(result: AssignmentResult) -> dict:
    subs = result.submissions
    n = len(subs)
    return {
        "count": n,
        "mean": sum(s.score for s in subs) / n if n else 0.0,
        "max": max((s.max_score for s in subs), default=0.0),
        "full_marks": sum(full_marks(s) for s in subs),
    }


def check_id(function: str, number: int) -> str:
    """The anchor of a function's `number`th check (from 1) on a student's page."""
    return f"{function}-{number}"


def problems(submission: SubmissionResult, scored: bool) -> list[tuple[FunctionResult, Check, int]]:
    """The checks that did not pass, scored or not, with their function and number, in page order."""
    return [(f, c, i) for f in submission.functions for i, c in enumerate(f.checks, 1)
            if c.status != "passed" and c.scored == scored]


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                      default_for_string=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(points=points, value=value, margin=margin, difference=difference, duration=duration,
                       href=lambda name: quote(name))
    env.globals.update(check_id=check_id)
    return env


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    folder = Path(folder)
    env = environment()
    pages = page_names(result.submissions)
    names = function_names(result)
    function_max: dict[str, float] = {}
    for submission in result.submissions:
        for f in submission.functions:
            function_max.setdefault(f.name, f.max_score)
    rows = [{"submission": s, "page": page, "functions": {f.name: f for f in s.functions},
             "full_marks": full_marks(s)} for s, page in zip(result.submissions, pages)]

    written = [write_text(folder / INDEX, env.get_template("index.html.j2").render(
        result=result, rows=rows, names=names, function_max=function_max, summary=summary(result),
        dash=dashboard.build(result, names, check_id),
        pages={s.student: page for s, page in zip(result.submissions, pages)}))]
    student = env.get_template("student.html.j2")
    for row in rows:
        written.append(write_text(folder / row["page"], student.render(
            result=result, submission=row["submission"], full_marks=row["full_marks"], index=INDEX,
            problems=problems(row["submission"], scored=True),
            unscored_problems=problems(row["submission"], scored=False))))
    return written
