"""The result model: what grading found, as data. Every output format (HTML,
JSON, CSV, terminal) reads these models and nothing else; `grades.json` is
their JSON form."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from . import __version__
from .names import printable, valid_text

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


class FunctionResult(Record):
    name: str
    score: float
    max_score: float
    line: int | None = None        # where the student defined it (in a notebook: the line in its cell)
    cell: int | None = None        # ... in a notebook: the cell, counting every cell from the top
    redrawn: int = 0               # case inputs redrawn because a finite difference straddled a kink
    checks: list[Check]

    @property
    def status(self) -> Status:
        return max((c.status for c in self.checks), key=SEVERITY.__getitem__, default="skipped")

    @classmethod
    def not_run(cls, f: Function, check: str, status: Status, message: str) -> FunctionResult:
        """A function none of whose checks could run: no points, and one check saying why."""
        return cls(name=f.name, score=0.0, max_score=f.points,
                   checks=[Check(name=check, status=status, message=message)])


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
    functions: list[FunctionResult]

    def checks(self, status: Status | None = None) -> list[Check]:
        return [c for f in self.functions for c in f.checks if status is None or c.status == status]

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
    submissions: list[SubmissionResult]
