"""The result model: what grading found, as data. Every output format (HTML,
JSON, CSV, terminal) reads these models and nothing else; `grades.json` is
their JSON form."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict

from . import __version__
from .names import printable, valid_text
from .people import ClassRoster, Person

if TYPE_CHECKING:
    from pathlib import Path

    from .spec import Function, Spec


class Record(BaseModel):
    # NaN and infinity (a student's NaN, an infinite margin) are written as JSON's usual
    # NaN and Infinity, which read back, rather than as null, which would not
    model_config = ConfigDict(ser_json_inf_nan="constants")


# A message may carry a file name that is not UTF-8: escaped, so that it can be written as UTF-8.
# A path is shown, never opened again: every unprintable character in it escaped (names.py).
Text = Annotated[str, AfterValidator(valid_text)]
ShownPath = Annotated[str, AfterValidator(printable)]
Status = Literal["passed", "failed", "error", "timeout", "skipped"]
# From best to worst: a function's overall status is its worst check's.
SEVERITY = {"passed": 0, "skipped": 1, "failed": 2, "error": 3, "timeout": 4}


class Element(Record):
    """One element of an output, in a table of the worst mismatches."""
    index: list[int]
    expected: float
    got: float


class Tolerance(Record):
    """A comparison passes where |got - expected| <= atol + rtol * |expected|."""
    rtol: float
    atol: float


class Note(Record):
    """An answer accepted in a form other than the declared one and judged on
    its values, as data: it costs no points, and every report words it
    (reports/wording.py)."""
    code: Literal["ndarray_subclass", "size_one_scalar"]
    output: str
    type: Text | None = None          # ndarray_subclass: the class returned, such as "numpy.matrix"
    masked: int | None = None         # ... a masked array's count of masked elements (judged all the same)
    shape: list[int] | None = None    # size_one_scalar: the shape returned where a scalar is declared


class Check(Record):
    """One check's verdict, as fields: every output format words it from these."""
    name: str
    status: Status
    message: Text = ""             # what was found, built from the numbers
    diagnosis: str | None = None   # a stable code, such as "transposed"; see judge/diagnosis.py
    explanation: Text = ""         # the diagnosis in words, for the student
    charged_to: str | None = None  # a cascade: the function whose own checks lose the points for this mistake
    visibility: Literal["public", "hidden"] = "public"
    scored: bool = True            # False: reported, but costs no points
    output: str | None = None      # the output it judges, if any
    case: str | None = None        # the first case on which it failed, e.g. "hidden case 2"
    margin: float | None = None    # worst |got - expected| / tolerance: below 1 passes
    tolerance: Tolerance | None = None   # what the comparison allowed, where there was one
    worst: list[Element] = []
    notes: list[Note] = []         # answers accepted in another form than the declared one
    lines: list[int] = []          # an error: the lines of the student's .py file it was raised through, innermost last


class FunctionResult(Record):
    name: str
    score: float
    max_score: float
    line: int | None = None        # where the student defined it (in a notebook: the line in its cell)
    cell: int | None = None        # ... in a notebook: the cell, counting every cell from the top
    redrawn: int = 0               # case inputs redrawn because a finite difference straddled a kink
    convention: str | None = None  # the accepted convention it was judged against (the closest, if none matched)
    checks: list[Check]

    @property
    def status(self) -> Status:
        return max((c.status for c in self.checks), key=SEVERITY.__getitem__, default="skipped")

    @classmethod
    def not_run(cls, f: Function, check: str, status: Status, message: str) -> FunctionResult:
        """A function none of whose checks could run: no points, and one check saying why."""
        return cls(name=f.name, score=0.0, max_score=f.points,
                   checks=[Check(name=check, status=status, message=message)])


class Adjustment(Record):
    """Points an instructor added to a submission (negative: removed), from
    adjustments.toml: applied when the reports are written, never saved with
    the grader's result (adjustments/)."""
    points: float
    reason: Text
    by: Text
    function: str | None = None    # the function it concerns, if it concerns one
    set_to: float | None = None    # the score it set (of the function, or of the whole), where it set one


TimeSource = Literal["gradescope", "collection", "commit", "file"]


class Lateness(Record):
    """When a submission was handed in, by which clock, and what the late policy took for it."""
    submitted_at: datetime
    source: TimeSource             # Gradescope's submission time, grade collect's commit, a git commit, the file's
    source_note: Text = ""         # why an earlier source could not be used, where one could not
    due: datetime                  # the due date that applied to this student (an extension included)
    extended_from: datetime | None = None   # the class's due date, where an extension moved it
    seconds_late: float = 0.0      # 0: on time
    grace: bool = False            # late by no more than the grace period, so counted on time
    per: Literal["hour", "day"]
    units: int = 0                 # hours or days counted (each started one)
    rate: float                    # penalty per unit
    unit: Literal["percent", "points"]
    penalty: float = 0.0           # units * rate, capped, in `unit`
    capped: bool = False
    points: float = 0.0            # the points it took


class SubmissionResult(Record):
    student: str
    path: ShownPath
    score: float
    max_score: float
    seed: int                      # replays every hidden case: grade --seed
    mode: Literal["grade", "self-check"] = "grade"
    hidden_not_run: int = 0        # checks that exist but were not run (self-check)
    output: str = ""               # what the student's code printed before it was given a hidden input
    hidden_output: str = ""        # ... and after: shown only where hidden checks are
    seconds: float = 0.0
    grader_version: str = ""
    notes: list[Text] = []         # a notebook's: lines left out before it ran, cells that failed
    commit: str | None = None      # the git commit graded, where the folder's collection.json names one
    committed_at: str | None = None   # ... its committer time, ISO 8601 (grade collect)
    person: Person | None = None   # the roster's row for this submission (people.py), where there is one
    # score is the final score; these say how it was reached, filled in when the reports are written
    grader_score: float | None = None
    adjustments: list[Adjustment] = []
    late: Lateness | None = None
    final_score: float | None = None
    functions: list[FunctionResult]

    def checks(self, status: Status | None = None) -> list[Check]:
        return [c for f in self.functions for c in f.checks if status is None or c.status == status]

    def summary(self) -> SubmissionSummary:
        """What the class's pages, CSV and table need of this result (summaries.py)."""
        return SubmissionSummary(self.student, self.path, self.score, self.max_score, self.seed, self.seconds,
                                 tuple(FunctionSummary(_same(f.name), f.score, f.max_score, tuple(
                                     _check_summary(c) for c in f.checks)) for f in self.functions), self.person,
                                 self.grader_score, tuple(self.adjustments), self.late)

    @classmethod
    def not_run(cls, spec: Spec, student: str, path: Path | str, seed: int, message: str, check: str = "import",
                mode: Literal["grade", "self-check"] = "grade", notes: list[str] = ()) -> SubmissionResult:
        """A submission whose code was never run (refused, missing, or the
        grader failed on it): every function an `error` named `check` saying why."""
        return cls(student=student, path=str(path), score=0.0, max_score=sum(f.points for f in spec.graded),
                   seed=seed, mode=mode, grader_version=__version__, notes=list(notes),
                   functions=[FunctionResult.not_run(f, check, "error", message) for f in spec.graded])

    @classmethod
    def grader_failed(cls, spec: Spec, student: str, path: Path | str, seed: int, detail: str) -> SubmissionResult:
        """What the report says of a submission the grader failed on (a bug in
        the grader, never the student's doing): it is not saved, so the next
        run grades it again. `detail` is the traceback; its last line is shown."""
        last = detail.strip().splitlines()[-1] if detail.strip() else "unknown error"
        message = (f"the grader failed on this submission ({last}); this is not the student's doing, "
                   "and it is graded again on the next run")
        return cls.not_run(spec, student, path, seed, message, check="grading")


class AssignmentResult(Record):
    assignment: str
    title: str = ""
    function_names: list[str] = []
    roster: ClassRoster | None = None   # the roster matched against, its missing students (people.py)
    submissions: list[SubmissionResult]


# --- a class too large to hold: summaries in memory, whole results read back one at a time ----------

_same = sys.intern   # the same names and sentences recur in every submission: one copy of each


class CheckSummary(NamedTuple):
    """A check as the class's pages show it: its message cut to the first line."""
    name: str
    status: Status
    scored: bool
    visibility: str
    diagnosis: str | None
    explanation: str
    output: str | None
    message: str


def _check_summary(c: Check) -> CheckSummary:
    first = c.message.split("\n", 1)[0]
    return CheckSummary(_same(c.name), _same(c.status), c.scored, _same(c.visibility),
                        c.diagnosis and _same(c.diagnosis), _same(c.explanation), c.output and _same(c.output),
                        _same(first))


class FunctionSummary(NamedTuple):
    name: str
    score: float
    max_score: float
    checks: tuple[CheckSummary, ...]

    @property
    def status(self) -> Status:
        return max((c.status for c in self.checks), key=SEVERITY.__getitem__, default="skipped")


class SubmissionSummary(NamedTuple):
    """A submission as the class's pages, CSV and table read it: some 10 KB
    for a result that takes 150 KB of memory whole (tuples of shared strings,
    which the garbage collector stops visiting once it has seen them)."""
    student: str
    path: str
    score: float
    max_score: float
    seed: int
    seconds: float
    functions: tuple[FunctionSummary, ...]
    person: Person | None = None
    grader_score: float | None = None      # as in SubmissionResult
    adjustments: tuple[Adjustment, ...] = ()
    late: Lateness | None = None

    def checks(self, status: Status | None = None) -> list[CheckSummary]:
        return [c for f in self.functions for c in f.checks if status is None or c.status == status]


class StreamedSubmissions(Sequence):
    """A class's submissions, each whole result read back when it is asked
    for (`read(i)`, from the saved results) and never kept, beside their
    summaries, which are. It stands for `AssignmentResult.submissions` where
    a class is too large to hold: a report that reads every whole result
    (grades.json, the students' pages) holds one at a time."""

    def __init__(self, summaries: list[SubmissionSummary], read: Callable[[int], SubmissionResult]):
        self.summaries, self._read = summaries, read

    def __len__(self) -> int:
        return len(self.summaries)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._read(k) for k in range(len(self))[i]]
        return self._read(range(len(self))[i])

    def __iter__(self) -> Iterator[SubmissionResult]:
        return (self._read(k) for k in range(len(self)))


def streamed(assignment: str, title: str, function_names: list[str], submissions: StreamedSubmissions,
             roster: ClassRoster | None = None) -> AssignmentResult:
    """An AssignmentResult whose submissions are read back one at a time (not validated again: each was when read)."""
    return AssignmentResult.model_construct(assignment=assignment, title=title, function_names=function_names,
                                            roster=roster, submissions=submissions)


def summaries(result: AssignmentResult) -> list:
    """The submissions as the class's pages, CSV and table need them: their
    summaries where the result streams its submissions, else the submissions
    themselves (which have every field a summary has)."""
    subs = result.submissions
    return subs.summaries if isinstance(subs, StreamedSubmissions) else subs


def overview(result: AssignmentResult) -> AssignmentResult:
    """`result` with its submissions' summaries in their place, for reports
    that read a class's every submission many times over (never written as JSON)."""
    if not isinstance(result.submissions, StreamedSubmissions):
        return result
    return result.model_copy(update={"submissions": summaries(result)})
