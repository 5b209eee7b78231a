"""Gradebook exports: the class's scores as the file each gradebook imports
as one grade column, read from the result model (grades.json) and a roster.

Each export is a function from the rows (a student each, with their score
or none) to the CSV's rows, header rows included; the headers are the ones
each system documents for its grade import:

- `canvas`: `Student, ID, SIS User ID, SIS Login ID, Section, <column>`, then
  a `Points Possible` row. Canvas matches a student on ID (its own number
  for them, the roster's `lms_id`), SIS User ID or SIS Login ID; a column named `<name> (<id>)` fills that assignment, any other
  name makes a new one.
- `blackboard`: `Last Name, First Name, Username, Student ID, <column>`, every
  field quoted as Grade Center asks. Username is the key; a column with its
  id, `<name> [Total Pts: <points> Score] |<id>`, fills that column, a bare
  name makes a new one.
- `moodle`: `First name, Last name, ID number, Email address, Username,
  <column>`. Moodle's CSV import asks which column identifies the user (ID
  number, email address or username) and which grade item a column fills.
- `gradescope-csv`: `Name, SID, Email, <column>`, for uploading scores to a
  Gradescope assignment, which matches on the email or the SID (without a
  roster, the SID is the submission's name).
- `csv`: every roster field, the totals and a `function:<name>` column per
  function, for a spreadsheet.

A student on the roster without a submission gets an empty cell (a grade
import leaves it as it was); a submission not on the roster is left out,
since no gradebook would know whose it is. Both are said, as notes."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from ..results import AssignmentResult, SubmissionResult
from .csv_report import FUNCTION_COLUMN, function_names, number, text_cell
from .roster import Person


@dataclass(frozen=True)
class Column:
    """The grade column an export fills: its name, the gradebook's id for it if known, its points."""
    name: str
    points: float
    column_id: str = ""


@dataclass(frozen=True)
class Row:
    person: Person
    submission: SubmissionResult | None   # None: on the roster, never submitted

    @property
    def score(self) -> str:
        return number(self.submission.score) if self.submission else ""


def canvas(result: AssignmentResult, rows: list[Row], column: Column) -> list[list[str]]:
    name = f"{column.name} ({column.column_id})" if column.column_id else column.name
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", name]
    points = ["Points Possible", "", "", "", "", number(column.points)]
    return [header, points] + [[r.person.name, r.person.lms_id, r.person.student_id, r.person.login, r.person.section, r.score]
                               for r in rows]


def blackboard(result: AssignmentResult, rows: list[Row], column: Column) -> list[list[str]]:
    name = (f"{column.name} [Total Pts: {number(column.points)} Score] |{column.column_id}" if column.column_id
            else column.name)
    header = ["Last Name", "First Name", "Username", "Student ID", name]
    return [header] + [[r.person.first_and_last[1], r.person.first_and_last[0], r.person.login,
                        r.person.student_id, r.score] for r in rows]


def moodle(result: AssignmentResult, rows: list[Row], column: Column) -> list[list[str]]:
    header = ["First name", "Last name", "ID number", "Email address", "Username", column.name]
    return [header] + [[*r.person.first_and_last, r.person.student_id, r.person.email, r.person.username, r.score]
                       for r in rows]


def gradescope_csv(result: AssignmentResult, rows: list[Row], column: Column) -> list[list[str]]:
    header = ["Name", "SID", "Email", column.name]
    return [header] + [[r.person.name, r.person.sid, r.person.email, r.score] for r in rows]


def plain_csv(result: AssignmentResult, rows: list[Row], column: Column) -> list[list[str]]:
    names = function_names(result)
    header = ["submission", "student_id", "name", "email", "section", "username", "lms_id", "score", "max_score",
              *(FUNCTION_COLUMN.format(n) for n in names)]
    out = [header]
    for r in rows:
        p, s = r.person, r.submission
        scores = {f.name: f.score for f in s.functions} if s else {}
        out.append([p.submission, p.student_id, p.name, p.email, p.section, p.username, p.lms_id, r.score,
                    number(s.max_score) if s else number(column.points),
                    *(number(scores[n]) if n in scores else "" for n in names)])
    return out


@dataclass(frozen=True)
class Export:
    rows: Callable[[AssignmentResult, list[Row], Column], list[list[str]]]
    quoting: int = csv.QUOTE_MINIMAL
    key: str = ""      # the column that identifies a student without a roster, for the note that says so


EXPORTS = {
    "canvas": Export(canvas, key="SIS Login ID"),
    "moodle": Export(moodle, key="Username"),
    "blackboard": Export(blackboard, csv.QUOTE_ALL, key="Username"),
    "csv": Export(plain_csv, key="submission"),
    "gradescope-csv": Export(gradescope_csv, key="SID"),
}


def class_rows(result: AssignmentResult, roster: dict[str, Person] | None) -> tuple[list[Row], list[str]]:
    """A row per student: the roster's, in its order, or each submission's
    when there is no roster; and the notes on who was left out or not found."""
    by_name = {s.student: s for s in result.submissions}
    if roster is None:
        return [Row(Person.unlisted(s.student), s) for s in result.submissions], []
    rows = [Row(person, by_name.get(name)) for name, person in roster.items()]
    notes = []
    absent = [name for name in roster if name not in by_name]
    if absent:
        notes.append(f"{len(absent)} student{'s' if len(absent) > 1 else ''} on the roster without a submission "
                     f"(an empty cell, which leaves the gradebook's as it was): {_listed(absent)}")
    unlisted = [s.student for s in result.submissions if s.student not in roster]
    if unlisted:
        notes.append(f"{len(unlisted)} submission{'s' if len(unlisted) > 1 else ''} not on the roster, left out: "
                     f"{_listed(unlisted)}")
    return rows, notes


def _listed(names: list[str]) -> str:
    return ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")


def export_text(result: AssignmentResult, to: str, roster: dict[str, Person] | None,
                column: Column) -> tuple[str, int, list[str]]:
    """The export's CSV text (CRLF line ends, as CSV files have them), its count of students, and its notes."""
    export = EXPORTS[to]
    rows, notes = class_rows(result, roster)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=export.quoting, lineterminator="\r\n")
    table = export.rows(result, rows, column)
    writer.writerows([table[0]] + [[text_cell(cell) for cell in row] for row in table[1:]])
    return buffer.getvalue(), len(rows), notes
