"""The class roster: who each submission belongs to, as a gradebook knows them.

A roster is a CSV file with a header row. `submission` is required: the
name a submission has in the reports (its file's name without `.py`, its
folder's name, or the GitHub user whose repository it is). The others are
optional, each as a gradebook needs it:

| column       | what                                  | used as                                           |
|--------------|---------------------------------------|---------------------------------------------------|
| `submission` | the submission's name                 | the key that finds the student's row              |
| `student_id` | the institution's student number      | Canvas's SIS User ID, Moodle's ID number, ...     |
| `name`       | the full name, given name(s) first    | Canvas's Student; split at the last space elsewhere |
| `email`      | the student's email address           | Moodle's and Gradescope's Email                   |
| `section`    | the section or group                  | Canvas's Section                                  |
| `username`   | the login in the gradebook's system   | Canvas's SIS Login ID, Blackboard's Username      |
| `lms_id`     | the gradebook's own number for them   | Canvas's ID                                       |

A column not in this table is refused rather than ignored, so that a column
meant to be read (`student id`, say) never goes unread without a word.

Read here (each row a people.Person), matched against a class in
batch/roster.py; this module also words what did not match, puts the
roster's columns in grades.csv, and reads the roster a class was graded
with back from its grades.json (for `grade export`)."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

from ..cases.discover import UsageError
from ..people import ClassRoster, Person
from ..results import AssignmentResult

COLUMNS = ("submission", "student_id", "name", "email", "section", "username", "lms_id")


def read_roster(path: Path) -> dict[str, Person]:
    """The roster's students by submission name. A missing file, a missing
    `submission` column, an unknown column, a row that is not CSV or a
    submission listed twice is a usage error naming the file and the line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")   # a spreadsheet's byte-order mark is no column name
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the roster ({e})") from None
    rows = _rows(path, text)
    header = [name.strip() for name in next(rows, (1, []))[1]]
    if "submission" not in header:
        raise UsageError(f"{path}: a roster needs a `submission` column (its columns: {', '.join(COLUMNS)})")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise UsageError(f"{path}: unknown roster column{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(map(repr, unknown))}; a roster's columns are {', '.join(COLUMNS)}")
    people: dict[str, Person] = {}
    for line, cells in rows:
        person = Person(**{k: v.strip() for k, v in zip(header, cells)})
        if not person.submission:
            raise UsageError(f"{path}, row {line}: no submission name")
        if person.submission in people:
            raise UsageError(f"{path}, row {line}: submission {person.submission!r} is listed twice")
        people[person.submission] = person
    return people


def _rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV's rows that are not blank, each with the line it starts on.
    No roster cell holds a line break: one that does (the rest of the file,
    often) comes from a quote that opens a cell and is never closed, so it is
    refused, at the line where that cell starts, as is a row csv cannot read."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise UsageError(f"{path}, line {line}: not a CSV row ({e}); {UNCLOSED}") from None
        if any("\n" in cell or "\r" in cell for cell in cells):
            raise UsageError(f"{path}, line {line}: a cell runs on over a line break; {UNCLOSED}")
        if cells:
            yield line, cells


UNCLOSED = ('a quote (") that opens a cell there is probably never closed '
            '(a quote inside a quoted cell is written twice: "")')


# --- what the reports say of a roster that did not match (batch/roster.py matches) -----------

def unlisted_text(student: str, suggestion: str | None) -> str:
    """A submission with no roster row, with the name it may have been meant to be."""
    return f"no roster row for {student}" + (f"; did you mean {suggestion}?" if suggestion else "")


def mismatch_lines(assignment: str, roster: ClassRoster) -> list[str]:
    """The lines `grade` prints on stderr where the roster and the submissions disagree."""
    lines = []
    if roster.unlisted:
        n = len(roster.unlisted)
        lines.append(f"{assignment}: {n} submission{'s' if n > 1 else ''} with no row in the roster {roster.file} "
                     "(graded, matched to no one): " + _some(
                         u.student + (f" (did you mean {u.suggestion}?)" if u.suggestion else "")
                         for u in roster.unlisted))
    if roster.missing:
        n = len(roster.missing)
        lines.append(f"{assignment}: {n} student{'s' if n > 1 else ''} on the roster without a submission "
                     f"(missing, 0 points): {_some(m.student for m in roster.missing)}")
    return lines


def _some(names, most: int = 20) -> str:
    """The first `most` names, and how many more the class page lists."""
    names = list(names)
    more = f", and {len(names) - most} more (the class page lists them all)" if len(names) > most else ""
    return ", ".join(names[:most]) + more


# --- the roster's columns in grades.csv ---------------------------------------------------------

PERSON_COLUMNS = COLUMNS[1:]   # after `student`, which is the submission's name
STATUS = "status"              # graded, missing (on the roster, no submission) or not_on_roster


def header_cells(result: AssignmentResult) -> list[str]:
    """The roster's columns, where the class was matched against one."""
    return [*PERSON_COLUMNS, STATUS] if result.roster else []


def row_cells(result: AssignmentResult, person: Person | None, missing: bool = False) -> list[str]:
    """A row's roster cells: the person's fields and whether they were graded, missing or not on the roster."""
    if not result.roster:
        return []
    status = "missing" if missing else "graded" if person else "not_on_roster"
    return [*(getattr(person, c) if person else "" for c in PERSON_COLUMNS), status]


def recorded_roster(result: AssignmentResult) -> dict[str, Person] | None:
    """The roster a class's reports were matched against, as read back from
    its grades.json (every person on it: those who submitted, then those
    missing), or None where there was none."""
    if result.roster is None:
        return None
    people = {s.person.submission: s.person for s in result.submissions if s.person}
    people.update((m.student, m.person) for m in result.roster.missing)
    return people
