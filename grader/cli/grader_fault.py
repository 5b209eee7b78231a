"""What an autograder (Gradescope's, PrairieLearn's) tells a student when
grading failed through no doing of theirs: a misconfigured assignment, a
reference that fails its own check, or a fault of the grader or machine.
The student still gets a results file; the details are in the job's log.
Both commands write that file where results_file says."""
from __future__ import annotations

from pathlib import Path

from ..cases.discover import UsageError
from ..destinations import usable_file
from ..reference.audit import WrongReference
from ..spec import SpecError


def fault_message(e: Exception) -> str:
    """The student's message for an exception that stopped the grading."""
    if isinstance(e, WrongReference):  # its numbers come from hidden cases: the instructor reads them in the log
        return ("The autograder is misconfigured and could not grade this submission (the instructor's "
                "solution fails its own check); this is not your doing: please tell your instructor.")
    if isinstance(e, SpecError):
        return (f"The autograder is misconfigured and could not grade this submission; please tell your "
                f"instructor.\n\n{e}")
    return (f"The autograder failed on this submission; this is not your doing: please tell your "
            f"instructor.\n\n{type(e).__name__}: {e}")


def results_file(given: Path | None, root: Path) -> Path:
    """Where results.json goes: `--results` names the file, or a folder to
    write results.json in; by default ROOT/results/results.json, where both
    autograders read it."""
    if given is None:
        return root / "results" / "results.json"
    return given / "results.json" if given.is_dir() else given


def usable_results_file(given: Path | None, root: Path) -> Path:
    """results_file, its folder made, once a file can be written there;
    else a UsageError: with no results file to write, the student could
    not be told anything, so the run stops before grading."""
    target = results_file(given, root)
    try:
        usable_file(target, "--results" if given is not None else f"--root {root}: its results file")
    except UsageError as e:
        raise UsageError(f"no results.json can be written: {e}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    return target
