"""A class's results matched against its roster: each submission given the
roster's row of the same name (its `person`), and the class given what did
not match (a `ClassRoster`): roster rows with no submission, which are
missing with 0 points, and submissions with no roster row.

A submission is matched on its exact name and nothing else. Where a name
does not match, a roster name it may have been meant to be is suggested
(one whose row holds the name as its student id, username or email, else
the closest by spelling), and never taken.

The roster is the one `--roster` names, else the one `grade.toml` names
(cases/settings.py). The match is made after grading, when the reports are
written: the saved results never hold a roster, so a changed roster never
regrades anyone."""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

from ..cases.discover import Batch
from ..cases.settings import read_settings
from ..people import ClassRoster, MissingStudent, Person, Unlisted
from ..names import for_log
from ..reports.roster import mismatch_lines, read_roster
from ..results import AssignmentResult, StreamedSubmissions, SubmissionResult


Roster = tuple[Path, dict[str, Person]]   # a roster's file, and its rows by submission name


def load_roster(batch: Batch, given: Path | None) -> Roster | None:
    """The roster for `batch`, read before anyone is graded (a bad one stops
    the run at once): the one given on the command line, else its
    grade.toml's, else none."""
    file = given if given is not None else read_settings(batch.submissions[0].root).roster
    return (file, read_roster(file)) if file is not None else None


def match(result: AssignmentResult, whole: Batch, roster: Roster, replay: bool = False) -> AssignmentResult:
    """`result` with `roster` matched against it, and what did not match said
    on stderr. `whole` is every submission of the class (a shard's result
    holds only some of them). A replay of one file gets its person alone:
    who else is missing is the class's reports' to say."""
    file, people = roster
    if replay:
        return with_people(result, people, None)
    students = [s.student for s in whole.submissions]
    submitted = set(students)
    points = sum(f.points for f in whole.assignment.spec.graded)
    absent = [p for name, p in people.items() if name not in submitted]
    unmatched = [s for s in students if s not in people]
    suggest = Suggestions(absent, people, len(unmatched))
    matched = ClassRoster(
        file=str(file), students=len(people),
        missing=[MissingStudent(student=p.submission, max_score=points, person=p) for p in absent],
        unlisted=[Unlisted(student=s, suggestion=suggest(s)) for s in unmatched])
    for line in mismatch_lines(whole.assignment.name, matched):
        print(for_log(line), file=sys.stderr)
    return with_people(result, people, matched)


def with_people(result: AssignmentResult, people: dict[str, Person], roster: ClassRoster | None
                ) -> AssignmentResult:
    """`result` with each submission's person, read back or held (StreamedSubmissions or a list)."""
    subs = result.submissions

    def attach(s: SubmissionResult) -> SubmissionResult:
        return s.model_copy(update={"person": people.get(s.student)})

    if isinstance(subs, StreamedSubmissions):
        summaries = [s._replace(person=people.get(s.student)) for s in subs.summaries]
        subs = StreamedSubmissions(summaries, lambda i: attach(result.submissions[i]))
    else:
        subs = [attach(s) for s in subs]
    return result.model_copy(update={"roster": roster, "submissions": subs})


SPELLING_BUDGET = 100_000   # unmatched names times roster rows compared by spelling (half a second)


class Suggestions:
    """A roster name each unmatched submission may have been meant to be:
    first among the rows with no submission, then among all; a row that
    holds the name as its student id, username or email (or its part
    before the @) first, else the closest in spelling. Only ever said,
    never matched. Comparing spellings costs unmatched times candidates;
    past SPELLING_BUDGET (a roster that matches almost no one) only the
    exact fields are looked up."""

    def __init__(self, absent: list[Person], people: dict[str, Person], unmatched: int):
        self.groups = [absent, list(people.values())]
        self.by_field = [self._by_field(group) for group in self.groups]
        self.names = [{p.submission.casefold(): p.submission for p in group} for group in self.groups]
        self.by_spelling = unmatched * len(people) <= SPELLING_BUDGET

    @staticmethod
    def _by_field(group: list[Person]) -> dict[str, str]:
        found: dict[str, str] = {}
        for p in reversed(group):   # the first row that holds a value wins
            for value in (p.student_id, p.username, p.email, p.email.partition("@")[0]):
                if value:
                    found[value.casefold()] = p.submission
        return found

    def __call__(self, student: str) -> str | None:
        key = student.casefold()
        for by_field, names in zip(self.by_field, self.names):
            if key in by_field:
                return by_field[key]
            if self.by_spelling:
                close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
                if close:
                    return names[close[0]]
        return None
