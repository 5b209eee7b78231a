"""A mutant of an assignment's reference graded as `grade validate` grades
it: in process, through the student's code path, and where it keeps its
points, asked whether it is a mistake at all."""
from __future__ import annotations

from pathlib import Path

from grader.authoring.mutants import Mutant
from grader.authoring.validate import MutantVerdict, _not_a_mistake
from grader.cases.assignment import Assignment
from grader.grading import Submission, grade_submission
from grader.sandbox.trusted import InProcess


def judged(tmp_path: Path, folder: Path, mutant: Mutant) -> MutantVerdict:
    """The verdict on `mutant` of the assignment in `folder`."""
    a = Assignment(folder)
    source = a.reference_source(strict=False)
    path = mutant.write(tmp_path, a.reference.path, a.spec)
    result = grade_submission(a.spec, source, Submission(mutant.name, path), seed=0, runner=InProcess)
    [f] = [f for f in result.functions if f.name == mutant.function]
    verdict = MutantVerdict(mutant, f.score, f.max_score, [])
    if not verdict.killed:
        verdict.not_a_mistake = _not_a_mistake(a, source, mutant, path)
    return verdict
