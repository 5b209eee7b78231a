"""`self-check FILE`: a student runs an assignment's public checks on their
file. A student waits for it, so it imports only what it uses: the spec,
the public cases, grading and the terminal's wording; the report formats
only when `--format` asks for one. Its last line says how the student's
code was kept apart, which depends on the platform (see sandbox/spawner.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..batch.one_submission import grade_one
from ..cases.work_folder import self_check_batch
from ..reports.terminal import print_self_check
from ..reports.wording import isolation_text
from ..sandbox import fork_server
from .exits import run


def self_check_main(argv: list[str] | None = None) -> int:
    return run(lambda: _self_check(sys.argv[1:] if argv is None else argv))


def _self_check(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="self-check", description="Run an assignment's public checks on your file. "
                                "Needs the assignment's spec and public.json, not its solution.")
    p.add_argument("file", type=Path, help="your file, named as the assignment asks (<module>.py), or, in the "
                   "folder grade handout wrote, the assignment's name: your work is found in that folder")
    p.add_argument("--assignment", help="assignment name or folder (default: from the file name)")
    p.add_argument("--format", action="append", dest="formats", metavar="FORMAT",
                   help="also write this report format, repeatable (e.g. github, classroom, junit)")
    p.add_argument("--out", type=Path, default=Path("reports"), help="report folder for --format (default: reports/)")
    args = p.parse_args(argv)
    if args.formats:
        from ..reports import FORMATS
        unknown = [f for f in args.formats if f not in FORMATS]
        if unknown:
            p.error(f"argument --format: invalid choice: {unknown[0]!r} (choose from {', '.join(sorted(FORMATS))})")
    batch = self_check_batch(args.file, args.assignment)
    a = batch.assignment
    result = grade_one(a, batch.submissions[0], public_only=True)
    isolation = isolation_text(fork_server.shared().features)
    fork_server.retire()   # no more student processes: the fork server ends while the results are printed
    print_self_check(result, a.name)
    print(isolation)
    if args.formats:
        from ..reports import write_reports
        from ..results import AssignmentResult
        write_reports(AssignmentResult(assignment=a.name, title=a.spec.title, submissions=[result],
                                       function_names=[f.name for f in a.spec.graded]),
                      args.out / a.name, args.formats)
    return 0 if all(c.status == "passed" for c in result.checks()) else 1
