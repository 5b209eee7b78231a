"""Adjustments applied to a class's graded result, as its reports are
written: the saved results hold the grader's verdicts alone, so a regrade
(`--force` too) never loses an adjustment, and an edited adjustments.toml
is seen by the next run without regrading anyone.

The file is the one `--adjustments` names, else `adjustments.toml` beside
the submissions (in the batch folder), else the assignment folder's. A student it names who has no
submission is said on stderr, with the name it was likely meant to be, and
so is a submission whose time cannot be found where there is a late policy."""
from __future__ import annotations

import difflib
from pathlib import Path

from ..cases.discover import Batch, Found
from ..results import AssignmentResult, StreamedSubmissions, SubmissionResult, streamed, summaries
from .book import FILENAME, AdjustmentsError, Book, load_book
from .settle import Outcome, settle
from .times import Submitted, UnreadableTime, collection_times, gradescope_due, gradescope_time, submission_time


def book_path(given: Path | None, *folders: Path | None) -> Path | None:
    """The adjustments file: the one given, else the first adjustments.toml in `folders`; None if there is none."""
    if given is not None:
        return given
    return next((f / FILENAME for f in folders if f is not None and (f / FILENAME).is_file()), None)


def book_for(batch: Batch, given: Path | None) -> tuple[Book | None, Path | None]:
    """The adjustments that apply to `batch` (see above), and where they were read from."""
    a = batch.assignment
    path = book_path(given, batch.submissions[0].root if batch.submissions else None, a.folder)
    if path is None:
        return None, None
    book = load_book(path, [f.name for f in a.spec.graded])
    if book.late and book.late.due is None:
        raise AdjustmentsError(f"{path}: late.due: a late policy needs its due date (ISO 8601 with its offset, "
                               "such as 2026-12-01T23:59:00-05:00)")
    return book, path


def book_text(book: Book, path: Path) -> str:
    """What a run says it applied: `2 adjustments and a late policy from PATH`."""
    n = len(book.adjustments)
    what = [f"{n} adjustment{'s' if n != 1 else ''}"] + (["a late policy"] if book.late else [])
    return f"{' and '.join(what)} from {path}"


def unknown_students(book: Book, students: list[str]) -> list[str]:
    """A line for each student the book names who has no submission."""
    lines = []
    for name in sorted(book.students() - set(students)):
        close = difflib.get_close_matches(name, students, n=1, cutoff=0.6)
        lines.append(f"{name!r} has no submission here; its adjustments and extension apply to no one"
                     + (f" (did you mean {close[0]!r}?)" if close else ""))
    return lines


def outcome_of(s, book: Book | None, sub: Found | None, collected: dict) -> tuple[Outcome, str]:
    """A submission's final score (s: its result or summary), and a warning where its time could not be found."""
    grader = s.grader_score if s.grader_score is not None else s.score   # an adjusted result read back
    functions = {f.name: f.score for f in s.functions}
    if book is None:
        return settle(grader, s.max_score, functions, []), ""
    entries = [e for e in book.adjustments if e.student == s.student]
    policy = book.late
    submitted = submission_time(sub, collected) if policy and sub is not None else None
    warning = (f"{s.student!r}: no time of submission could be found, so no late penalty is taken"
               if policy and submitted is None else "")
    return settle(grader, s.max_score, functions, entries, policy, submitted,
                  policy.extensions.get(s.student) if policy else None), warning


def adjust_class(result: AssignmentResult, book: Book | None = None, batch: Batch | None = None
                 ) -> tuple[AssignmentResult, list[str]]:
    """`result` with every submission's final score (its `score`) and how it
    was reached; and the warnings to print. Without a book, the grader's
    score is the final one (and said to be). `batch`: where the submissions
    were found, which a late policy reads their times from."""
    subs_found = batch.submissions if batch else []
    found = {sub.student: sub for sub in subs_found}
    folder = subs_found[0].root if subs_found else None
    collected, warnings = {}, []
    if book and book.late and folder is not None:
        try:
            collected = collection_times(folder)
        except UnreadableTime as e:
            warnings.append(f"{e}: the times come from the commits and files instead")
    outcomes = []
    for s in summaries(result):
        outcome, warning = outcome_of(s, book, found.get(s.student), collected)
        outcomes.append(outcome)
        warnings += [warning] if warning else []
    subs = result.submissions
    if isinstance(subs, StreamedSubmissions):
        adjusted = StreamedSubmissions([_summary(s, o) for s, o in zip(subs.summaries, outcomes)],
                                       lambda i: _result(subs[i], outcomes[i]))
        return streamed(result.assignment, result.title, result.function_names, adjusted, result.roster), warnings
    return result.model_copy(update={"submissions": [_result(s, o) for s, o in zip(subs, outcomes)]}), warnings


def _fields(o: Outcome) -> dict:
    return {"score": o.final, "grader_score": o.grader_score, "adjustments": o.adjustments, "late": o.late}


def _summary(s, o: Outcome):
    fields = _fields(o)
    fields["adjustments"] = tuple(o.adjustments)
    return s._replace(**fields)


def _result(s: SubmissionResult, o: Outcome) -> SubmissionResult:
    return s.model_copy(update={**_fields(o), "final_score": o.final})


def adjust_upload(result: SubmissionResult, book: Book | None, metadata: Path) -> tuple[SubmissionResult, str]:
    """One Gradescope upload's result adjusted: its time is Gradescope's
    (`created_at` in `metadata`, submission_metadata.json), and a late policy
    without a due date takes the assignment's there. Also a warning, where
    the late policy could not be applied."""
    if book is None:
        return _result(result, settle(result.score, result.max_score, {}, [])), ""
    at, due = gradescope_time(metadata), gradescope_due(metadata)
    policy = book.late
    outcome = settle(result.score, result.max_score, {f.name: f.score for f in result.functions},
                     [e for e in book.adjustments if e.student == result.student], policy,
                     Submitted(at, "gradescope") if at else None,
                     policy.extensions.get(result.student) if policy else None, due)
    warning = ""
    if policy and outcome.late is None:
        warning = (f"no late penalty: {metadata} gives no submission time" if at is None else
                   f"no late penalty: no due date in the late policy, nor in {metadata}")
    return _result(result, outcome), warning
