"""`grade gradescope`: grading inside Gradescope's autograder container.

Gradescope unpacks the student's upload into /autograder/submission, runs
`run_autograder`, and reads /autograder/results/results.json. This command
finds the assignment's module file in the upload, grades it like `grade`
does (every check, public and hidden, in a sandboxed child process) and
writes results.json (see outputs/gradescope.py). The root folder is
$AUTOGRADER_ROOT when set, and each path can be given, so the same command
runs anywhere for a test."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from . import __version__
from .assignment import Assignment, find_assignment
from .discover import UsageError
from .grading import Submission, grade_submission, submission_seed
from .outputs import gradescope
from .outputs.atomic import write_text
from .results import Check, FunctionResult, SubmissionResult
from .spec import SpecError

ROOT_ENV = "AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
SKIP_DIRS = {"__MACOSX", "__pycache__", ".git"}


def find_module_file(folder: Path, module_file: str) -> Path | None:
    """The upload's `module_file`, at its top or the shallowest one in a subfolder."""
    if (folder / module_file).is_file():
        return folder / module_file
    found = [p for p in folder.rglob(module_file)
             if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(folder).parts)]
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def student_of(root: Path) -> str:
    """Who submitted, from Gradescope's submission_metadata.json: it fixes the
    seed of the hidden cases, so a resubmission is graded on the same ones."""
    try:
        meta = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        users = meta.get("users") or []
        names = sorted(str(u.get("email") or u.get("name") or u.get("id")) for u in users if isinstance(u, dict))
        return "+".join(n for n in names if n and n != "None") or "submission"
    except (OSError, ValueError, AttributeError):
        return "submission"


def nothing_to_grade(a: Assignment, student: str, path: Path, seed: int | None) -> SubmissionResult:
    """The result of an upload without the module: every function fails its import."""
    functions = [FunctionResult(name=f.name, score=0.0, max_score=f.points, checks=[Check(
        name="import", status="error", message=f"no file {path.name} in this submission")]) for f in a.spec.graded]
    return SubmissionResult(student=student, path=str(path), score=0.0, max_score=sum(f.points for f in a.spec.graded),
                            seed=submission_seed(a.spec, student) if seed is None else seed, functions=functions,
                            grader_version=__version__)


def failure(message: str) -> dict:
    return {"score": 0.0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": []}


def gradescope_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade gradescope", description="Grade the submission in Gradescope's "
                                "autograder container and write results.json where Gradescope reads it.")
    p.add_argument("--assignment", required=True, help="assignment name or folder")
    p.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT),
                   help=f"the autograder folder (default: ${ROOT_ENV}, else {DEFAULT_ROOT})")
    p.add_argument("--submission", type=Path, help="the student's upload (default: ROOT/submission)")
    p.add_argument("--results", type=Path, help="where to write results.json (default: ROOT/results/results.json)")
    p.add_argument("--seed", type=int, help="seed of the hidden cases (default: from the student)")
    args = p.parse_args(argv)
    submission = args.submission or args.root / "submission"
    target = args.results or args.root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        a = Assignment(find_assignment(args.assignment))
    except SpecError as e:
        write_text(target, json.dumps(failure(f"The autograder is misconfigured and could not grade this "
                                              f"submission; please tell your instructor.\n\n{e}"), indent=2) + "\n")
        raise
    if not submission.is_dir():
        raise UsageError(f"{submission}: no such folder (Gradescope puts the upload in ROOT/submission)")
    module_file = f"{a.spec.module}.py"
    path = find_module_file(submission, module_file)
    note = ""
    if path is None:
        uploaded = sorted(str(q.relative_to(submission)) for q in submission.rglob("*") if q.is_file())
        note = (f"No file named {module_file} was found in your submission"
                + (f" (it holds: {', '.join(uploaded[:10])}{', ...' if len(uploaded) > 10 else ''})" if uploaded
                   else " (it is empty)") + f". Upload your work as {module_file}.\n\n")
        path = submission / module_file
    student = student_of(args.root)
    if path.is_file():
        result = grade_submission(a.spec, a.reference_source(), Submission(student, path),
                                  seed=args.seed, hide=a.hidden_paths())
    else:
        result = nothing_to_grade(a, student, path, args.seed)
    data = gradescope.results(result)
    data["output"] = note + data["output"]
    write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"{a.name}: {result.score:g}/{result.max_score:g} for {path.relative_to(submission) if path.is_file() else module_file}"
          f" (seed {result.seed}); wrote {target}")
    return 0
