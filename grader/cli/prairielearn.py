"""`grade prairielearn`: grading inside PrairieLearn's external grader.

PrairieLearn mounts the grading job at /grade: the student's files in
/grade/student, the question's tests in /grade/tests, the course's shared
files in /grade/serverFilesCourse, its data in /grade/data/data.json, and
reads /grade/results/results.json once the entrypoint exits. This command
finds the assignment's module file among the student's files, grades it
like `grade` does (every check, public and hidden, in a sandboxed child
process) and writes results.json (see reports/prairielearn.py). The root
folder is $GRADE_ROOT when set, and each path can be given, so the same
command runs anywhere for a test; see `grade gradescope`, its twin."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from ..atomic import write_text
from ..batch.one_submission import grade_one
from ..cases.admission import refusal, shown_path
from ..cases.assignment import Assignment, find_assignment
from . import arg_types
from .grader_fault import fault_message, usable_results_file
from ..cases.discover import Found, UsageError, find_module_file, module_folders
from ..names import for_log, student_name
from ..reports import prairielearn as report
from ..reports.gradescope import strict_json

ROOT_ENV = "GRADE_ROOT"
DEFAULT_ROOT = "/grade"
COMPILE_TIMEOUT = 30  # seconds to compile, never run, the student's file

# Compiles the file named by argv[1] and prints why it does not compile; run in a child process, so that
# even a file that makes the compiler itself fail (nesting deep enough to exhaust its stack) costs nothing here.
COMPILE_ONLY = """import sys
try:
    compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec", dont_inherit=True)
except (SyntaxError, ValueError) as e:
    line = getattr(e, "lineno", None)
    text = (getattr(e, "text", None) or "").strip()
    why = f"{type(e).__name__}: {getattr(e, 'msg', e)}" + (f" (line {line})" if line else "")
    sys.stdout.buffer.write((why + (f"\\n    {text}" if text else "")).encode("utf-8", "backslashreplace"))
"""


def compile_error(path: Path) -> str | None:
    """Why the file does not compile, or None (it compiles, or the compiler's check itself failed: grading will say)."""
    try:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", COMPILE_ONLY, str(path)], check=False,
                              capture_output=True, text=True, errors="backslashreplace", timeout=COMPILE_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def variant_of(root: Path) -> tuple[str, str | None]:
    """Whose hidden cases these are: the question's variant (`variant_seed` in data.json,
    where PrairieLearn gives one), so that every submission to a variant gets the same ones.
    A data.json that cannot be read also gives a warning for the log."""
    path = root / "data" / "data.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        return "submission", f"{for_log(str(path))}: {e.strerror}; every submission gets the same hidden cases"
    except ValueError as e:
        return "submission", (f"{for_log(str(path))}: not JSON ({type(e).__name__}); every submission gets the "
                              "same hidden cases")
    seed = data.get("variant_seed") if isinstance(data, dict) else None
    return (student_name(f"variant-{seed}") if seed is not None else "submission"), None


def prairielearn_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade prairielearn", description="Grade the submission in PrairieLearn's "
                                "external grader and write results.json where PrairieLearn reads it.")
    p.add_argument("--assignment", required=True, help="assignment name or folder")
    p.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT),
                   help=f"the grading job's folder (default: ${ROOT_ENV}, else {DEFAULT_ROOT})")
    p.add_argument("--submission", type=Path, help="the student's files (default: ROOT/student)")
    p.add_argument("--results", type=Path,
                   help="the results file, or a folder to write results.json in (default: ROOT/results/results.json)")
    p.add_argument("--seed", type=arg_types.seed,
                   help="seed of the hidden cases (default: from the question's variant)")
    args = p.parse_args(argv)
    target = usable_results_file(args.results, args.root)   # its folder made: PrairieLearn does not make it
    try:
        return _grade_files(args, target)
    except Exception as e:  # not the student's doing: they still get a results.json, the log says why
        _failed(target, fault_message(e))
        raise


def _failed(target: Path, message: str) -> None:
    """Not the student's doing: not gradable, so that it costs them neither an attempt nor points."""
    write_text(target, strict_json(report.not_gradable(message)))


def _grade_files(args, target: Path) -> int:
    """Grade the student's files and write results.json: the command's work, once its arguments are read."""
    submission = args.submission or args.root / "student"
    a = Assignment(find_assignment(args.assignment))
    if not submission.is_dir():
        raise UsageError(f"{submission}: no such folder (PrairieLearn puts the student's files in ROOT/student)")
    path = find_module_file(submission, a.spec.module)
    invalid = _why_invalid(submission, a.spec.module, path)
    if invalid:
        write_text(target, strict_json(report.not_gradable(invalid)))
        print(f"{a.name}: not gradable: {for_log(' '.join(invalid.split()))}; wrote {target}")
        return 0
    variant, unknown = variant_of(args.root)
    if unknown:
        print(f"warning: {unknown}")
    result = grade_one(a, Found(variant, path, submission), seed=args.seed)
    write_text(target, strict_json(report.results(result)))
    print(f"{a.name}: {result.score:g}/{result.max_score:g} for {for_log(shown_path(path, submission))} "
          f"(seed {result.seed}); wrote {target}")
    return 0


def _why_invalid(submission: Path, module: str, path: Path | None) -> str | None:
    """Why the files are not a gradable submission, in PrairieLearn's sense (the
    module is missing, is a link, or, as Python source, does not compile), or None."""
    if path is None:
        files = sorted(shown_path(Path(top) / name, submission) for top, names in module_folders(submission)
                       for name in names)
        held = (f"it holds: {', '.join(files[:10])}{', ...' if len(files) > 10 else ''}" if files else "it is empty")
        return (f"No file named {module}.py or {module}.ipynb was found in your submission ({held}). "
                f"Submit your work as {module}.py or {module}.ipynb.")
    refused = refusal(path, submission)
    if refused:
        return refused
    error = compile_error(path) if path.suffix == ".py" else None   # a notebook's cells: grading says
    return f"{shown_path(path, submission)} does not compile, so it was not run:\n{error}" if error else None
