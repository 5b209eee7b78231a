"""The HTML report: `index.html` for the class (a dashboard: the scores'
histogram, the most frequent diagnoses, every student's every check, the
pass rate of each check, the table of students) and one page per student.
The class page is an overview whose size barely grows with the class
(a few hundred bytes a student: the details are on the students' pages);
its one small inline script sorts and filters the table and opens a heat
map cell's check, and the page is whole without it. A student's page shows
each function's source beside its checks (html_source.py). Pages are
self-contained (inline CSS, SVG and script, no external assets) so they
open straight from disk or from an archive. This module prepares the data
(numbers as text, the order of the students); html_pages.py names the
pages, html_heat.py lays out the heat map, and the templates in
grader/templates draw every element and escape every text."""
from __future__ import annotations

import math
import re
from functools import cache, partial
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from markupsafe import Markup
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape

from ..results import AssignmentResult, Check, FunctionResult, SubmissionResult, overview
from . import dashboard, html_heat, html_pages, html_source
from ..atomic import write_text
from ..similarity import report as similarity_report
from .csv_report import function_names
from .parallel import run_in_parallel
from .wording import convention_text, note_text
from . import adjusted

TEMPLATES = Path(__file__).parent.parent / "templates"  # grader/templates: the HTML report's pages
INDEX = html_pages.INDEX


def page_names(submissions: list[SubmissionResult]) -> list[str]:
    """A file name for each submission's page, in order, from its student's name alone (html_pages.py)."""
    return html_pages.page_names([s.student for s in submissions])


def natural_key(name: str) -> tuple:
    """Sorts names as a person does: `_2` before `_10`, case aside."""
    parts = re.split(r"(\d+)", name.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


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


Problem = tuple[FunctionResult, Check, str]


def problems(submission: SubmissionResult) -> tuple[list[Problem], list[Problem]]:
    """The checks that did not pass, with their function and anchor, in page order:
    those that are scored, and those that cost no points."""
    scored: list[Problem] = []
    unscored: list[Problem] = []
    for f in submission.functions:
        for c, anchor in zip(f.checks, anchors(f)):
            if c.status != "passed":
                (scored if c.scored else unscored).append((f, c, anchor))
    return scored, unscored


def anchors(f: FunctionResult) -> list[str]:
    """The anchor of each of f's checks on its student's page."""
    return html_pages.check_anchors(f.name, [c.name for c in f.checks])


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
                       href=lambda name: quote(name), note=note_text, convention=convention_text,
                       reached=adjusted.lines, late=adjusted.late_text, signed=adjusted.signed)
    env.globals.update(zip=zip, anchors=anchors, student_page_mark=Markup(html_pages.MARK))
    return env


def class_rows(result: AssignmentResult) -> list[dict]:
    """The table's rows: each submission with its page, in natural order of the students' names."""
    pages = dict(zip((s.student for s in result.submissions), page_names(result.submissions)))
    return [{"submission": s, "page": pages[s.student], "functions": {f.name: f for f in s.functions},
             "full_marks": full_marks(s), "number": n}
            for n, s in sorted(enumerate(result.submissions), key=lambda ns: natural_key(ns[1].student))]


def index_page(result: AssignmentResult, rows: list[dict], lookalikes: dict | None = None) -> str:
    """The class page: the dashboard, worked out here, the look-alike pairs
    (similarity/report.py) and the table of `rows` (class_rows)."""
    names = function_names(result)
    function_max: dict[str, float] = {}
    for submission in result.submissions:
        for f in submission.functions:
            function_max.setdefault(f.name, f.max_score)
    dash = dashboard.build(result, names, [row["submission"] for row in rows])
    return environment().get_template("index.html.j2").render(
        result=result, rows=rows, names=names, function_max=function_max, summary=summary(result), dash=dash,
        heat=html_heat.build(dash, html_pages.check_anchor) if rows else None,
        pages={row["submission"].student: row["page"] for row in rows}, lookalikes=lookalikes)


def student_page(result: AssignmentResult, row: dict) -> str:
    """A student's page: every check, and the code beside it."""
    scored, unscored = problems(row["submission"])
    sources, whole_file = html_source.listings(row["submission"])
    return environment().get_template("student.html.j2").render(
        result=result, submission=row["submission"], full_marks=row["full_marks"], index=INDEX,
        problems=scored, unscored_problems=unscored, sources=sources, whole_file=whole_file)


def write(result: AssignmentResult, folder: Path, meanwhile: Callable[[], object] | None = None) -> list[Path]:
    """The index and every student's page; `meanwhile` (other reports, say)
    runs in this process while other cores start on the pages (the index,
    whose dashboard takes longest, first). The pages an earlier run wrote
    for students no longer in the class are removed. The index is drawn
    from the submissions' summaries (results.overview); each student's page
    reads its whole result as it is written (a class's results may be too
    many to hold at once)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    whole, result = result, overview(result)   # the index reads summaries; a page, its whole result, read now
    rows = class_rows(result)
    html_pages.remove_stale(folder, [row["page"] for row in rows])
    lookalikes = similarity_report.class_section(folder)   # this run's comparison, where one ran
    jobs = [lambda: write_text(folder / INDEX, index_page(result, rows, lookalikes))]
    jobs += [partial(lambda row: write_text(folder / row["page"], student_page(
        result, {**row, "submission": whole.submissions[row["number"]]})), row) for row in rows]
    run_in_parallel(jobs, meanwhile=meanwhile)
    html_pages.record(folder, [row["page"] for row in rows])
    return [folder / INDEX] + [folder / row["page"] for row in rows]
