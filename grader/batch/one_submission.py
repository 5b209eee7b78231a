"""Grading one submission, the same way in every command: `grade` (for each
submission of a batch), `self-check`, `grade gradescope` and the pytest
plugin differ only in the arguments they pass here. The plugin imports this
module when it collects a student's file, never when pytest starts."""
from __future__ import annotations

from ..cases.admission import refusal
from ..cases.assignment import Assignment
from ..cases.discover import Found
from ..cases.notebook import NotebookError, is_notebook, read_notebook
from ..cases.work_folder import twin_note
from ..cases.sampling import HIDDEN, PUBLIC
from ..grading import grade_submission, submission_seed
from ..grading.submission import Source
from ..results import SubmissionResult


def grade_one(a: Assignment, sub: Found, source: Source | None = None, seed: int | None = None,
              public_only: bool = False) -> SubmissionResult:
    """Grade `sub` on the public cases and, unless `public_only` (self-check),
    the hidden ones drawn from `seed` (default: the student's own). A file
    reached through a link (admission.py) or missing is reported, never run.
    `source` defaults to public.json for the public cases alone, else to the
    reference. A self-check notes a twin of the file that a batch would grade
    instead (work_folder.twin_note)."""
    result = _graded(a, sub, source, seed, public_only)
    twin = twin_note(sub.path, a.spec.module) if public_only else None
    return result.model_copy(update={"notes": [*result.notes, twin]}) if twin else result


def _graded(a: Assignment, sub: Found, source: Source | None, seed: int | None,
            public_only: bool) -> SubmissionResult:
    seed = submission_seed(a.spec, sub.student) if seed is None else seed
    mode = "self-check" if public_only else "grade"
    refused = refusal(sub.path, sub.root)
    if refused:
        return SubmissionResult.not_run(a.spec, sub.student, sub.path, seed, refused, mode=mode)
    if not sub.path.is_file():
        return SubmissionResult.not_run(a.spec, sub.student, sub.path, seed,
                                        sub.absent or f"no file {sub.path.name} in this submission", mode=mode)
    notebook = None
    if is_notebook(sub.path):
        try:
            notebook = read_notebook(sub.path, a.spec.notebook.kept_names([f.target for f in a.spec.functions]))
        except NotebookError as e:
            return SubmissionResult.not_run(a.spec, sub.student, sub.path, seed, str(e), mode=mode)
    if source is None:
        source = a.published_source() if public_only else a.reference_source()
    return grade_submission(a.spec, source, sub, visibilities=(PUBLIC,) if public_only else (PUBLIC, HIDDEN),
                            seed=seed, hide=a.hidden_paths(), notebook=notebook)
