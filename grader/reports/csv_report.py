"""`grades.csv`: one row per student, for a spreadsheet or a gradebook import.
Columns: `student`, `score` and `max_score` (the submission's totals), then
`function:<name>` with the points of each function, then how the score
was reached (adjusted.COLUMNS: the grader's score, the adjustments, the
late penalty). `score` is the final score. The prefix keeps every
column name unique and the same whatever the functions are called: a
function named `score` (ner_window has one) or `student` would otherwise
share its column's name with a total, and a reader that looks columns up by
name (csv.DictReader, a gradebook import) would read the wrong one.

Where the class was matched against a roster, the roster's columns and a
`status` follow `student` (reports/roster.py), and the students on the
roster without a submission close the file: missing, 0 points."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..results import AssignmentResult, summaries
from ..atomic import write_text
from . import roster
from . import adjusted

FILENAME = "grades.csv"
TOTALS = ["student", "score", "max_score"]
FUNCTION_COLUMN = "function:{}"   # a function's name is an identifier: no other column can have a colon
# A cell starting with one of these is run as a formula by spreadsheet programs;
# a student's name is untrusted text, so such a name is written with a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def function_names(result: AssignmentResult) -> list[str]:
    """The assignment's functions in spec order, then any others the submissions name."""
    names = list(result.function_names)
    for submission in summaries(result):
        names += [f.name for f in submission.functions if f.name not in names]
    return names


def number(x: float) -> str:
    return f"{x:.10g}"


def text_cell(s: str) -> str:
    return "'" + s if s.startswith(FORMULA_START) else s


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    """`grades.csv`, a row per student in the order graded."""
    names = function_names(result)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow([TOTALS[0], *roster.header_cells(result), *TOTALS[1:], *(FUNCTION_COLUMN.format(n) for n in names),
                  *adjusted.COLUMNS])
    for submission in summaries(result):
        scores = {f.name: f.score for f in submission.functions}
        out.writerow([text_cell(submission.student), *map(text_cell, roster.row_cells(result, submission.person)),
                      number(submission.score), number(submission.max_score),
                      *(number(scores[n]) if n in scores else "" for n in names),
                      *adjusted.cells(submission, number, text_cell)])
    for m in result.roster.missing if result.roster else []:   # on the roster, no submission: 0 points
        out.writerow([text_cell(m.student), *map(text_cell, roster.row_cells(result, m.person, missing=True)),
                      number(m.score), number(m.max_score), *("" for _ in names),
                      *("" for _ in adjusted.COLUMNS)])
    return [write_text(Path(folder) / FILENAME, buffer.getvalue(), newline="")]
