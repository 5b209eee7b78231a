"""`grade gradescope`: grading inside Gradescope's autograder container.

Gradescope unpacks the student's upload into /autograder/submission, runs
`run_autograder`, and reads /autograder/results/results.json. This command
finds the assignment's module file in the upload, grades it like `grade`
does (every check, public and hidden, in a sandboxed child process) and
writes results.json (see reports/gradescope.py). The root folder is
$AUTOGRADER_ROOT when set, and each path can be given, so the same command
runs anywhere for a test."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ..adjustments import adjust_upload, book_path, load_book
from ..batch.one_submission import grade_one
from ..cases.admission import shown_path
from ..cases.assignment import Assignment, find_assignment
from . import arg_types
from .grader_fault import fault_message, usable_results_file
from ..cases.discover import Found, UsageError, find_module_file, module_file_names, module_folders
from ..reports import gradescope as report
from ..atomic import write_text
from ..names import for_log, student_name

ROOT_ENV = "AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"


def student_of(root: Path) -> tuple[str, str | None]:
    """Who submitted, from Gradescope's submission_metadata.json: it fixes the
    seed of the hidden cases, so a resubmission is graded on the same ones.
    Where the file says no one, "submission", and a warning for the log: every
    upload graded so gets the same hidden cases."""
    path = root / "submission_metadata.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        users = meta.get("users") or []
        names = sorted(str(u.get("email") or u.get("name") or u.get("id")) for u in users if isinstance(u, dict))
        student = student_name("+".join(n for n in names if n and n != "None"))
        why = None if student else "it names no user"
    except OSError as e:
        student, why = "", e.strerror
    except (ValueError, AttributeError) as e:
        student, why = "", f"not a JSON object with users ({type(e).__name__})"
    if student:
        return student, None
    return "submission", (f"{for_log(str(path))}: {why}; the hidden cases are those every upload without a "
                          "submitter gets")


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
    p.add_argument("--results", type=Path,
                   help="the results file, or a folder to write results.json in (default: ROOT/results/results.json)")
    p.add_argument("--seed", type=arg_types.seed, help="seed of the hidden cases (default: from the student)")
    p.add_argument("--adjustments", type=Path, metavar="FILE",
                   help="adjustments and late policy (default: adjustments.toml in the assignment's folder, if any)")
    args = p.parse_args(argv)
    target = usable_results_file(args.results, args.root)
    try:
        return _grade_upload(args, target)
    except Exception as e:  # not the student's doing: they still get a results.json, the log says why
        _failed(target, fault_message(e))
        raise


def _failed(target: Path, message: str) -> None:
    write_text(target, report.strict_json(failure(message)))


def _grade_upload(args, target: Path) -> int:
    """Grade the upload and write results.json: the command's work, once its arguments are read."""
    submission = args.submission or args.root / "submission"
    a = Assignment(find_assignment(args.assignment))
    book = book_path(args.adjustments, a.folder)
    book = book and load_book(book, [f.name for f in a.spec.graded])
    if not submission.is_dir():
        raise UsageError(f"{submission}: no such folder (Gradescope puts the upload in ROOT/submission)")
    names = module_file_names(a.spec.module)
    module_file, wanted = names[0], " or ".join(names)
    path = find_module_file(submission, a.spec.module)
    note = ""
    if path is None:
        uploaded = sorted(shown_path(Path(top) / name, submission) for top, files in module_folders(submission)
                          for name in files)
        note = (f"No file named {wanted} was found in your submission"
                + (f" (it holds: {', '.join(uploaded[:10])}{', ...' if len(uploaded) > 10 else ''})" if uploaded
                   else " (it is empty)") + f". Upload your work as {wanted}.\n\n")
        path = submission / module_file
    student, unknown = student_of(args.root)
    if unknown:
        print(f"warning: {unknown}")
    result = grade_one(a, Found(student, path, submission), seed=args.seed)
    result, warning = adjust_upload(result, book, args.root / "submission_metadata.json")
    if warning:
        print(f"warning: {warning}")
    data = report.results(result)
    data["output"] = note + data["output"]
    write_text(target, report.strict_json(data))
    graded = shown_path(path, submission) if path.is_file() else module_file
    print(f"{a.name}: {result.score:g}/{result.max_score:g} for {for_log(graded)} (seed {result.seed}); wrote {target}")
    return 0
