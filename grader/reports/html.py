"""The HTML report: `index.html` for the class (a dashboard: the scores'
histogram, the most frequent diagnoses, every student's every check, the
pass rate of each check, the table of students) and one page per student.
Pages are self-contained (inline CSS and SVG, no scripts, no external
assets) so they open straight from disk or from an archive; every text from
a submission is escaped, by the templates or, in the parts drawn here, by `esc`."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..results import AssignmentResult, Check, Element, FunctionResult, SubmissionResult
from . import dashboard
from ..atomic import write_text
from .csv_report import function_names
from .parallel import run_in_parallel
from .wording import check_text

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


# --- Parts drawn once per check --------------------------------------------------
# A class has tens of thousands of checks and a template spends microseconds on
# every field it prints, so a student's check blocks and the heat map's rows are
# drawn here. Every text from the result goes through `esc`, which escapes as the
# templates do. Names, statuses and messages recur across a class, so the two
# memos below last while one class is written (see `write`).

@cache
def esc(text: str) -> str:
    """`text` HTML-escaped."""
    return str(escape(text))


def badge(status: str) -> str:
    return f'<span class="badge s-{esc(status)}">{esc(status)}</span>'


def outof(score: float, max_score: float) -> str:
    return f"{points(score)}&nbsp;/&nbsp;{points(max_score)}"


def tags(c: Check) -> str:
    """The tags after a check's visibility, all on one line."""
    out = '<span class="tag">not scored</span>' if not c.scored else ""
    if c.output:
        out += f'<span class="tag">output <span class="mono">{esc(c.output)}</span></span>'
    if c.case:
        out += f'<span class="tag">{esc(c.case)}</span>'
    if c.margin is not None:
        out += (f'<span class="tag" title="worst |got - expected| / tolerance; below 1 passes">'
                f'margin {margin(c.margin)}</span>')
    if c.diagnosis:
        out += f'<span class="diagnosis">diagnosis: <span class="mono">{esc(c.diagnosis)}</span></span>'
    return out


def mismatch(output: str, e: Element) -> str:
    index = ", ".join(map(str, e.index))
    return (f'        <tr>\n'
            f'          <td class="mono">{output}[{index}]</td>\n'
            f'          <td class="num mono">{value(e.expected)}</td>\n'
            f'          <td class="num mono">{value(e.got)}</td>\n'
            f'          <td class="num mono d">{difference(e.got - e.expected)}</td>\n'
            f'        </tr>\n')


def worst_table(c: Check) -> str:
    """The largest mismatches of a check, if it has any."""
    if not c.worst:
        return ""
    where = f' in <span class="mono">{esc(c.output)}</span>' if c.output else ""
    output = esc(c.output or "")
    return (f'    <table class="worst">\n'
            f'      <caption>Largest mismatches{where}</caption>\n'
            f'      <thead><tr><th>Index</th><th class="num">Expected</th><th class="num">Got</th>'
            f'<th class="num">Difference</th></tr></thead>\n'
            f'      <tbody>\n'
            + "".join(mismatch(output, e) for e in c.worst) +
            '      </tbody>\n'
            '    </table>\n')


def check_block(function: str, number: int, c: Check) -> str:
    """One check on a student's page, as it sits two spaces in: no indent on its
    first line, no newline after its last."""
    ok = " ok" if c.status == "passed" else ""
    hidden = " hidden" if c.visibility == "hidden" else ""
    message = f"<pre>{esc(check_text(c))}</pre>" if c.message or c.explanation else ""
    return (f'<div class="check{ok}" id="{esc(check_id(function, number))}">\n'
            f'    <div class="check-head">\n'
            f'      {badge(c.status)}\n'
            f'      <span class="check-name">{esc(c.name)}</span>\n'
            f'      <span class="tag{hidden}">{esc(c.visibility)}</span>\n'
            f'{tags(c)}    </div>\n'
            f'{message}{worst_table(c)}  </div>')


def check_blocks(f: FunctionResult) -> str:
    """Every check of a function, one after the other, two spaces in."""
    return "\n  ".join(check_block(f.name, n, c) for n, c in enumerate(f.checks, 1))


@cache
def cell_status(status: str, message: str) -> tuple[str, str]:
    """A heat map cell's status as a class name, and as its title ends."""
    return esc(status.replace(" ", "-")), esc(status) + (f" ({esc(message)})" if message else "")


@dataclass
class HeatMap:
    """The heat map of the class: a row per student, a column per check. Sizes
    are SVG units; names of up to 30 characters fit on the left."""
    columns: list[dashboard.Column]
    students: int
    chars: int
    cw: int = 9
    top: int = 30

    @classmethod
    def of(cls, columns: list[dashboard.Column], names: list[str]) -> HeatMap:
        return cls(columns, len(names), max(8, min(30, max(map(len, names)))))

    @property
    def ch(self) -> int:
        return 16 if self.students <= 40 else 11

    @property
    def left(self) -> int:
        return 16 + 7 * self.chars

    @property
    def width(self) -> int:
        return self.left + len(self.columns) * self.cw + 48

    @property
    def height(self) -> int:
        return self.top + (self.students + 1) * self.ch + 10

    @cached_property
    def heads(self) -> list[tuple[str, str, str]]:
        """What a row's cells take from their columns: x, the rect's extra class
        and the check's name for its title."""
        return [(str(self.left + k * self.cw), "" if col.scored else " unscored",
                 f"{esc(col.function)} › {esc(col.name)}") for k, col in enumerate(self.columns)]

    def row(self, i: int, s: SubmissionResult, page: str, cells: list[dashboard.Cell]) -> Markup:
        """Student `i`'s name, a cell per check and the score, as the row sits four
        spaces in: no indent on its first line, no newline after its last."""
        y, base = self.top + i * self.ch, self.top + (i + 1) * self.ch - 4
        href, who = esc(quote(page)), esc(s.student)
        name = esc(s.student if len(s.student) <= self.chars else s.student[:self.chars - 1] + "…")
        label = (f'<a href="{href}"><text class="who" x="{self.left - 8}" y="{base}" text-anchor="end">{name}'
                 f'<title>{who}: {points(s.score)} / {points(s.max_score)}</title></text></a>')
        rest = f'" y="{y}" width="{self.cw - 1}" height="{self.ch - 1}"><title>{who} · '   # the same in every cell
        rects = []
        for (x, unscored, check), cell in zip(self.heads, cells):
            kind, status = cell_status(cell.status, cell.message)
            rect = f'<rect class="c c-{kind}{unscored}" x="{x}{rest}{check}: {status}</title></rect>'
            rects.append(f'<a href="{href}#{esc(cell.anchor)}">{rect}</a>' if cell.anchor else rect)
        score = (f'    <text class="tick" x="{self.left + len(self.columns) * self.cw + 6}" y="{base}">'
                 f'{points(s.score)}</text>')
        return Markup(f"{label}\n{''.join(rects)}{score}")


def markup(draw: Callable[..., str]) -> Callable[..., Markup]:
    """`draw` for the templates, which then print its HTML as it is."""
    return lambda *args: Markup(draw(*args))


@cache
def environment() -> Environment:
    """The templates' environment, built once: it keeps the templates compiled
    (they are part of the package, so it need not look for changes), and
    jinja2's cache of their bytecode (in a private folder of the user's, under
    the temporary directory) spares later runs compiling them again."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                      default_for_string=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False, bytecode_cache=FileSystemBytecodeCache())
    # filters rather than globals: a template calls a filter directly, a global through its context
    env.filters.update(points=points, value=value, margin=margin, difference=difference, duration=duration,
                       href=lambda name: quote(name), badge=markup(badge), outof=markup(outof),
                       check_blocks=markup(check_blocks))
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

    try:
        run_in_parallel([index] + [partial(page, row) for row in rows], meanwhile=meanwhile)
    finally:
        esc.cache_clear()
        cell_status.cache_clear()
    return [folder / INDEX] + [folder / row["page"] for row in rows]
