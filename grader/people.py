"""Who a class's results belong to, as data: a roster's row (Person), and
what came of matching the roster against the submissions (ClassRoster).

A submission is matched to the roster row whose `submission` is exactly its
student's name, and to no other: a name that is merely close is never
matched, only suggested (`Unlisted.suggestion`), so that no student is ever
given another's grade without a word. The roster is read by
reports/roster.py and matched by batch/roster.py; every report reads these
models (a submission's `person`, the class's `roster`)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Person(BaseModel):
    """One student as the roster (and the gradebooks) name them; a field the roster does not give is empty."""
    model_config = ConfigDict(frozen=True)
    submission: str                # the key: the submission's name in the reports
    student_id: str = ""
    name: str = ""
    email: str = ""
    section: str = ""
    username: str = ""
    lms_id: str = ""
    listed: bool = Field(True, exclude=True)   # False: there is no roster; the submission's name is all there is

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


class MissingStudent(BaseModel):
    """A roster row with no submission: reported as missing, with 0 points."""
    student: str                   # the roster's submission name
    score: float = 0.0
    max_score: float
    missing: Literal[True] = True
    person: Person


class Unlisted(BaseModel):
    """A submission with no roster row; graded, but matched to no one."""
    student: str
    suggestion: str | None = None  # a roster name it may have been meant to be: said, never matched


class ClassRoster(BaseModel):
    """The roster a class was matched against, and what did not match."""
    file: str                      # the roster's file, as it was given
    students: int                  # its rows
    missing: list[MissingStudent] = []
    unlisted: list[Unlisted] = []
