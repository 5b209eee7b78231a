"""Grading one submission: load it in a sandbox, grade every function on
every case in a few exchanges with the student's process, and score.
Scores are decided here, never in the student's process."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Iterator, Protocol

from .. import __version__
from ..cases.discover import Submission
from ..cases.notebook import NotebookModule
from ..cases.sampling import HIDDEN, PUBLIC, Case
from ..reference.expected import Expected
from ..results import FunctionResult, SubmissionResult
from ..sandbox.answers import Reply
from ..sandbox.runner import Request, Sandbox
from ..spec import Function, Spec
from . import cells
from .cascade import charge_once
from .function import Conversation, FunctionGrading


class Source(Protocol):
    """Where the cases and their expected values come from."""
    def cases(self, visibility: str, seed: int) -> list[Case]: ...
    def expected(self, f: Function, case: Case) -> Expected: ...


class StudentProcess(Protocol):
    """Where the submission's code runs: a Sandbox (sandbox/runner.py), or for
    trusted code such as the reference's mutants, this process (sandbox/trusted.py)."""
    def load(self) -> Reply: ...
    def call(self, function: str, args: dict, keep=None, updates=None) -> Reply: ...
    def run(self, requests: list[Request]) -> list[Reply]: ...
    def stream(self, requests: list[Request]) -> Iterator[Reply]: ...
    def mark_output(self) -> None: ...
    def captured_output(self, since_mark: bool = False) -> str: ...


def submission_seed(spec: Spec, student: str) -> int:
    """The default seed of a student's hidden cases: stable between runs."""
    digest = hashlib.sha256(f"{spec.name}/{spec.cases.public_seed}/{student}".encode()).hexdigest()
    return int(digest[:8], 16)


def grade_submission(spec: Spec, source: Source, sub: Submission, visibilities=(PUBLIC, HIDDEN),
                     seed: int | None = None, hide: list[Path] = (), runner=Sandbox,
                     notebook: NotebookModule | None = None) -> SubmissionResult:
    """`runner` makes the process a submission runs in (a Sandbox unless the
    code is trusted, such as the reference and its mutants); `notebook`, the
    module a notebook submission stands for (cases/notebook.py), runs in place of its file."""
    start = time.perf_counter()
    seed = submission_seed(spec, sub.student) if seed is None else seed
    groups = sorted([(v, source.cases(v, seed)) for v in visibilities], key=lambda group: group[0] != PUBLIC)
    notes = list(notebook.notes) if notebook else []
    extra = {"notebook": notebook} if notebook else {}
    with runner(sub.path, spec.module, spec.limits, list(hide), support=spec.support_path, **extra) as sandbox:
        functions = _grade_loaded(spec, source, sub, sandbox, groups, notebook, notes)
        output, hidden_output = sandbox.captured_output(), sandbox.captured_output(since_mark=True)
    hidden_not_run = 0
    if HIDDEN not in visibilities and spec.cases.hidden:
        hidden_not_run = sum(checks_per_case_group(f) for f in spec.graded)
    return SubmissionResult(
        student=sub.student, path=str(sub.path), seed=seed,
        score=round(sum(f.score for f in functions), 6), max_score=sum(f.points for f in spec.graded),
        mode="grade" if HIDDEN in visibilities else "self-check", hidden_not_run=hidden_not_run,
        output=output, hidden_output=hidden_output, seconds=round(time.perf_counter() - start, 3),
        grader_version=__version__, notes=notes, functions=functions)


def _grade_loaded(spec: Spec, source: Source, sub: Submission, sandbox: StudentProcess, groups,
                  notebook: NotebookModule | None = None, notes: list[str] | None = None
                  ) -> list[FunctionResult]:
    """Every graded function's result, or why none could be graded. A
    notebook's failed cells cost the functions they define (cells.py),
    noted in `notes`."""
    if not sub.path.is_file():
        return [FunctionResult.not_run(f, "import", "error", f"no file {sub.path.name} in this submission")
                for f in spec.graded]
    loaded = sandbox.load()
    if not loaded.ok:
        status = "timeout" if loaded.error.kind == "timeout" else "error"
        return [FunctionResult.not_run(f, "import", status,
                                       f"{sub.path.name} could not be imported:\n{loaded.error.describe()}")
                for f in spec.graded]
    found, lost = loaded.functions, {}
    if notebook is not None:
        lost, cell_notes = cells.lost_functions(spec, notebook, loaded)
        notes += cell_notes
    forwards: dict = {}   # shared: a forward's graded call gives the cache the calls of its backward take
    gradings = [FunctionGrading(spec, f, sandbox, source, found, forwards) for f in spec.graded if f.name not in lost]
    graded = iter(converse([g.conversation(groups) for g in gradings], sandbox, groups))
    results = charge_once(spec, [lost.get(f.name) or next(graded) for f in spec.graded])
    return [cells.placed(r, notebook) for r in results] if notebook else results


def converse(talks: list[Conversation], sandbox: StudentProcess, groups) -> list[FunctionResult]:
    """Each group of cases in turn, public first: every function's calls in
    one exchange with the student's process, each case judged as soon as
    its answers are in; then every probe of the student's own forwards that
    the judging asked for, in a second exchange. Two exchanges a group,
    rather than two per function: each one waits on the other process.
    (A forward whose cache its backward takes is called while the calls
    are planned, once per case: its graded call gives that cache.)

    The hidden inputs stay hidden: none is sent before every public check is
    settled, so nothing a public check says (shown at once, where hidden ones
    are not) can come from a process that held one; and what the process
    prints from then on is kept apart (see Sandbox.mark_output)."""
    for visibility, _ in groups:
        if visibility != PUBLIC:
            sandbox.mark_output()
        asks = [next(talk) for talk in talks]
        replies = sandbox.stream([request for ask in asks for request in ask])
        asks = [talk.send(replies) for talk in talks]
        answers = iter(sandbox.run([request for ask in asks for request in ask]))
        for talk in talks:
            talk.send(answers)
    return [_finish(talk) for talk in talks]


def _finish(talk: Conversation) -> FunctionResult:
    """The result a conversation returns once its last group is settled."""
    try:
        next(talk)
    except StopIteration as done:
        return done.value
    raise RuntimeError("a function's grading asked for more after its last group")


def checks_per_case_group(f: Function) -> int:
    """The checks grading makes for f on one group of cases when every step
    succeeds: returns, inputs unchanged, and per output shape + value or
    gradient (+ four structural checks of a vector-Jacobian product), and
    the student's own composition where stand-ins are passed. A passing
    gradient is not differenced against the student's own forward."""
    return (2 + sum(a.updates for a in f.args) + bool(f.stand_ins)
            + sum(2 + 4 * bool(o.vjp) for o in f.judged))

