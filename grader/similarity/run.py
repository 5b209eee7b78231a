"""The comparison as a step of `grade DIR`: after a class is graded, its
submissions are compared with each other (and with the known solutions of
`--compare-with DIR`), and what was found is written beside the class's
reports. It reads the files the grader found and runs none of them."""
from __future__ import annotations

import sys
from pathlib import Path

from ..cases.assignment import find_assignment
from ..cases.discover import Batch
from ..names import for_log
from ..results import AssignmentResult, summaries
from ..spec import SpecError
from . import report
from .compare import THRESHOLD, Comparison, compare
from .sources import Source, sources_in, starter_source, submission_source


def compare_batch(batch: Batch, folder: Path, threshold: float = THRESHOLD, compare_with: Path | None = None,
                  html: bool = True, say_problems: bool = True) -> tuple[Comparison, list[Path]]:
    """Compare a whole class's submissions; write similarity.json (and the
    side-by-side page where `html`) into `folder`; say on stderr what could
    not be read (where `say_problems`: it is in similarity.json too)."""
    sources: list[Source] = [submission_source(s.student, s.path, s.root) for s in batch.submissions
                             if not s.absent]
    if compare_with is not None:
        sources += sources_in(compare_with)
    comparison = compare(batch.assignment.name, sources, starter_source(batch.assignment.folder), threshold)
    for p in comparison.problems if say_problems else ():
        print(for_log(f"{batch.assignment.name}: look-alikes: {p.name}: {p.problem}"), file=sys.stderr)
    return comparison, report.write(comparison, sources, folder, html)


def compare_merged(result: AssignmentResult, folder: Path, html: bool = True) -> Comparison | None:
    """`grade merge`'s comparison: the whole class's files, where the shards
    recorded them, as a single run compares them (and writes into `folder`).
    None, and nothing written, where none of them is there to be read."""
    found = [(s.student, Path(s.path)) for s in summaries(result)]
    found = [(student, path) for student, path in found if path.is_file()]
    if not found:
        report.remove(folder)
        return None
    sources = [submission_source(student, path, _root(student, path)) for student, path in found]
    try:
        starter = starter_source(find_assignment(result.assignment))
    except SpecError:   # merged where the assignment's folder is not: nothing to leave out
        starter = None
    comparison = compare(result.assignment, sources, starter)
    report.write(comparison, sources, folder, html)
    return comparison


def _root(student: str, path: Path) -> Path:
    """The batch folder a submission was found in: above the student's own folder, or the file's."""
    return next((a.parent for a in path.parents if a.name == student), path.parent)


def summary_line(comparison: Comparison, name: str) -> str:
    """One line for the terminal: how many pairs were found, and where they are."""
    n = len(comparison.pairs)
    found = f"{n} look-alike pair{'' if n == 1 else 's'}" if n else "no look-alike pairs"
    return (f"{name}: {found} (similarity {100 * comparison.threshold:.0f}% or more) among "
            f"{comparison.compared} submissions: {report.FILENAME}")
