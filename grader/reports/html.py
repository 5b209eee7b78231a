"""The HTML report: `index.html` for the class (a dashboard: the scores'
histogram, the most frequent diagnoses, every student's every check, the
pass rate of each check, the table of students) and one page per student.
Pages are self-contained (inline CSS and SVG, no scripts, no external
assets) so they open straight from disk or from an archive. This module
prepares the data (file names, numbers as text, the heat map's geometry);
the templates in grader/templates draw every element and escape every text."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape

from ..results import AssignmentResult, Check, FunctionResult, SubmissionResult
from . import dashboard
from ..atomic import write_text
from .csv_report import function_names
from .parallel import run_in_parallel
from .wording import note_text

TEMPLATES = Path(__file__).parent.parent / "templates"  # grader/templates: the HTML report's pages
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
    """A check's margin (error over tolerance): three digits tell pass from fail."""
    return f"{x:.3g}"


def difference(x: float) -> str:
    """Got minus expected, signed, so the direction of a mistake shows."""
    return f"{x:+.3g}"


def duration(seconds: float) -> str:
    """How long a submission took, in seconds or minutes and seconds."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s"


def full_marks(submission: SubmissionResult) -> bool:
    """Whether a submission earned every point (a float sum may fall just short)."""
    return submission.max_score > 0 and submission.score >= submission.max_score - 1e-9


def summary(result: AssignmentResult) -> dict:
    """The class's line of figures at the top of the index."""
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


Problem = tuple[FunctionResult, Check, str]


def problems(submission: SubmissionResult) -> tuple[list[Problem], list[Problem]]:
    """The checks that did not pass, with their function and anchor, in page order:
    those that are scored, and those that cost no points."""
    scored: list[Problem] = []
    unscored: list[Problem] = []
    for f in submission.functions:
        for i, c in enumerate(f.checks, 1):
            if c.status != "passed":
                (scored if c.scored else unscored).append((f, c, check_id(f.name, i)))
    return scored, unscored


@dataclass
class HeatColumn:
    """A check's column in the heat map."""
    x: int           # where its cells start
    check: str       # "function › check", as its cells' titles name it
    scored: bool


@dataclass
class HeatMap:
    """Where the heat map of the class puts things: a row per student, a column
    per check. Sizes are SVG units; names of up to 30 characters fit on the left."""
    columns: list[HeatColumn]
    students: int
    chars: int
    cell_width: int = 9
    top: int = 30

    @classmethod
    def of(cls, columns: list[dashboard.Column], names: list[str]) -> HeatMap:
        """The map of these columns, wide enough on the left for these names."""
        heat = cls([], len(names), max(8, min(30, max(map(len, names)))))
        heat.columns = [HeatColumn(heat.left + k * heat.cell_width, f"{col.function} › {col.name}", col.scored)
                        for k, col in enumerate(columns)]
        return heat

    @property
    def cell_height(self) -> int:
        return 16 if self.students <= 40 else 11

    @property
    def left(self) -> int:
        return 16 + 7 * self.chars

    @property
    def right(self) -> int:
        """Where the cells end and the scores begin."""
        return self.left + len(self.columns) * self.cell_width

    @property
    def width(self) -> int:
        return self.right + 48

    @property
    def height(self) -> int:
        return self.top + (self.students + 1) * self.cell_height + 10

    def label(self, student: str) -> str:
        """A student's name as its row shows it: cut to fit, with an ellipsis."""
        return student if len(student) <= self.chars else student[:self.chars - 1] + "…"


@cache
def environment() -> Environment:
    """The templates' environment, built once: it keeps the templates compiled
    (they are part of the package, so it need not look for changes), and
    jinja2's cache of their bytecode (in a private folder of the user's, under
    the temporary directory) spares later runs compiling them again."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                      default_for_string=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False, bytecode_cache=FileSystemBytecodeCache())
    env.filters.update(points=points, value=value, margin=margin, difference=difference, duration=duration,
                       href=lambda name: quote(name), check_id=check_id, note=note_text)
    env.globals["zip"] = zip
    return env


def write(result: AssignmentResult, folder: Path, meanwhile: Callable[[], object] | None = None) -> list[Path]:
    """The index and every student's page; `meanwhile` (other reports, say)
    runs in this process while other cores start on the pages."""
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

    student = env.get_template("student.html.j2")

    def index() -> None:  # the class's dashboard is worked out here too, while other cores render pages
        dash = dashboard.build(result, names, check_id)
        write_text(folder / INDEX, env.get_template("index.html.j2").render(
            result=result, rows=rows, names=names, function_max=function_max, summary=summary(result), dash=dash,
            heat=HeatMap.of(dash["columns"], [s.student for s in result.submissions]) if rows else None,
            pages={s.student: page for s, page in zip(result.submissions, pages)}))

    def page(row: dict) -> None:
        scored, unscored = problems(row["submission"])
        write_text(folder / row["page"], student.render(
            result=result, submission=row["submission"], full_marks=row["full_marks"], index=INDEX,
            problems=scored, unscored_problems=unscored))

    run_in_parallel([index] + [partial(page, row) for row in rows], meanwhile=meanwhile)
    return [folder / INDEX] + [folder / row["page"] for row in rows]
