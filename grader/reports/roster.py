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
meant to be read (`student id`, say) never goes unread without a word."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..cases.discover import UsageError

COLUMNS = ("submission", "student_id", "name", "email", "section", "username", "lms_id")


@dataclass(frozen=True)
class Person:
    """One student as the gradebooks name them; a field the roster does not give is empty."""
    submission: str
    student_id: str = ""
    name: str = ""
    email: str = ""
    section: str = ""
    username: str = ""
    lms_id: str = ""
    listed: bool = True    # False: there is no roster, and the submission's name is all there is

    @classmethod
    def unlisted(cls, submission: str) -> Person:
        """A student known only by their submission's name (there is no roster)."""
        return cls(submission=submission, name=submission, username=submission, listed=False)

    @property
    def sid(self) -> str:
        """The student number, or without a roster the submission's name, for a system that matches on it alone."""
        return self.student_id if self.listed else self.submission

    @property
    def login(self) -> str:
        """The login a gradebook matches on: the username, else the email."""
        return self.username or self.email

    @property
    def first_and_last(self) -> tuple[str, str]:
        """The name split at its last space: ("Ada", "Lovelace"); one word is a last name."""
        first, _, last = self.name.strip().rpartition(" ")
        return first.strip(), last


def read_roster(path: Path) -> dict[str, Person]:
    """The roster's students by submission name. A missing file, a missing
    `submission` column, an unknown column or a submission listed twice is
    a usage error naming the file and the row."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")   # a spreadsheet's byte-order mark is no column name
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the roster ({e})") from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in rows.fieldnames or []]
    if "submission" not in header:
        raise UsageError(f"{path}: a roster needs a `submission` column (its columns: {', '.join(COLUMNS)})")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise UsageError(f"{path}: unknown roster column{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(map(repr, unknown))}; a roster's columns are {', '.join(COLUMNS)}")
    rows.fieldnames = header
    people: dict[str, Person] = {}
    for line, row in enumerate(rows, 2):
        person = Person(**{k: (v or "").strip() for k, v in row.items() if k in COLUMNS})
        if not person.submission:
            raise UsageError(f"{path}, row {line}: no submission name")
        if person.submission in people:
            raise UsageError(f"{path}, row {line}: submission {person.submission!r} is listed twice")
        people[person.submission] = person
    return people
