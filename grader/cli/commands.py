"""The commands behind `grade` and `self-check` (see cli.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..adjustments import adjust_class, book_for, book_text, unknown_students
from ..sandbox import fork_server
from ..cases.assignment import Assignment, find_assignment
from . import arg_types, lookalikes
from .collect import collect_main
from .export import export_main
from .gradescope import gradescope_main
from .handout import handout_main
from .prairielearn import prairielearn_main
from ..batch import default_jobs, grade_batch
from ..batch.replays import replay_folder
from ..batch.roster import load_roster, match
from ..batch.shards import Shard, formats_for, merge_main, write_manifest
from ..cases.discover import UsageError, find_batches, skipped_text
from ..reports import FORMATS, write_reports
from ..batch.progress import Progress, choose_mode
from ..reference.public import publish
from ..sandbox.fork_server import SandboxError
from ..sandbox.package import is_package
from ..spec import json_schema
from ..authoring.package import write_any_starter
from ..authoring.scaffold import new_assignment
from ..authoring.validate import print_validation, validate
from ..destinations import usable_file, usable_folder
from ..names import for_log
from ..reports.terminal import print_summary
from .exits import run as _run


def grade_main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMAND_MAINS:
        return _run(lambda: COMMAND_MAINS[argv[0]](argv[1:]))
    return _run(lambda: _grade(argv))


# --- grade ------------------------------------------------------------------------------

def _grade(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="grade", description="Grade submissions: every assignment folder under PATH, one assignment "
        "folder, or one student's file (a replay, written beside the class's reports).",
        epilog=commands_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", type=Path, help="submissions/, submissions/<assignment>, or one student's file")
    p.add_argument("--assignment", help="assignment name or folder, when PATH's name does not say")
    p.add_argument("--out", type=Path, default=Path("reports"), help="report folder (default: reports/)")
    p.add_argument("--seed", type=arg_types.seed, help="seed of the hidden cases, to replay a recorded run")
    p.add_argument("--format", action="append", choices=sorted(FORMATS), dest="formats",
                   help="report format, repeatable (default: html, json and csv)")
    p.add_argument("--force", action="store_true", help="regrade even where a saved result is up to date")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print one line per assignment (its mean score and the reports written), no table or progress")
    p.add_argument("-j", "--jobs", type=int, default=default_jobs(), metavar="N",
                   help="submissions graded in parallel (default: the number of cores)")
    p.add_argument("--shard", type=Shard.parse, metavar="K/N",
                   help="grade only the K-th of N shards of the submissions (then: grade merge)")
    p.add_argument("--roster", type=Path, help="the class roster, a CSV (default: the one a grade.toml beside "
                   "the submissions names)")
    p.add_argument("--adjustments", type=Path, metavar="FILE",
                   help="the class's adjustments and late policy (default: adjustments.toml beside the submissions)")
    lookalikes.add_arguments(p)
    args = p.parse_args(argv)
    lookalikes.check_arguments(args)
    if args.jobs < 1:
        p.error("-j must be at least 1")
    usable_folder(args.out, "--out")   # before any work: a report folder that cannot be written stops nothing graded
    replay = args.path.is_file()  # one student's file: reported beside the class, never into it (replays.py)
    if replay and args.shard:
        raise UsageError(f"{args.path}: --shard splits a folder of submissions; this is one file")
    batches = find_batches(args.path, args.assignment)
    if args.adjustments and len(batches) > 1:
        raise UsageError(f"{args.path} holds {len(batches)} assignments; --adjustments is for one of them")
    books = [book_for(batch, args.adjustments) for batch in batches]   # a file that cannot be used stops here
    for batch in batches:
        usable_folder(args.out / batch.assignment.name, "--out")
    failed = []
    for batch, (book, book_file) in zip(batches, books):
        whole, batch = batch, args.shard.select(batch) if args.shard else batch
        class_folder = folder = args.out / batch.assignment.name
        if replay:
            folder = replay_folder(class_folder, batch.assignment.spec, batch.submissions[0].student, args.seed)
        if whole.skipped:
            print(for_log(skipped_text(whole)), file=sys.stderr)
        roster = load_roster(whole, args.roster)
        progress = Progress(batch.assignment.name, len(batch.submissions), choose_mode(args.quiet))
        try:
            graded = grade_batch(batch, args.out, seed=args.seed, force=args.force, jobs=args.jobs,
                                 progress=progress, folder=folder)
        except SandboxError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        if whole is batches[-1]:  # (with --shard, `batch` is the shard's selection of it)
            fork_server.retire()
        result = match(graded.result, whole, roster, replay) if roster else graded.result
        result, warnings = adjust_class(result, book, batch)
        warnings += unknown_students(book, [s.student for s in whole.submissions]) if book and not replay else []
        for line in warnings:
            print(f"warning: {batch.assignment.name}: {for_log(line)}", file=sys.stderr)
        failed += [f"{batch.assignment.name}/{student}" for student in graded.failed]
        similar = None if replay else lookalikes.compare_class(batch, folder, args, args.formats)  # before the class page
        written = write_reports(result, folder, formats_for(args.formats) if args.shard
                                else args.formats or ("html", "json", "csv"))
        if args.shard:
            written.append(write_manifest(folder, whole, args.shard))
        print_summary(result, folder, written, quiet=args.quiet)
        if book:
            print(f"Applied {for_log(book_text(book, book_file))}")
        if similar and not args.quiet:
            print(for_log(similar))
        if replay:
            print(f"(one file: the class's reports in {for_log(str(class_folder))} are unchanged)")
    if failed:
        print(f"error: the grader failed on {len(failed)} submission{'s' if len(failed) > 1 else ''} "
              f"({for_log(', '.join(failed[:5]))}{', ...' if len(failed) > 5 else ''}): they are reported as errors "
              "and graded again on the next run", file=sys.stderr)
        return 1
    return 0


def _publish(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade publish", description="Write the assignment's public cases and "
                                "the reference's answers on them (public.json), for self-check.")
    p.add_argument("assignment", help="assignment name or folder")
    args = p.parse_args(argv)
    a = Assignment(find_assignment(args.assignment))
    path = publish(a.spec, a.folder, a.reference_source())
    print(f"wrote {path}: {a.spec.cases.public} public cases. What students get: grade handout {args.assignment}")
    return 0


def _schema(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="grade schema", description="Print the JSON Schema of assignment.toml.").parse_args(argv)
    print(json_schema())
    return 0


def _validate(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade validate", description="Check an assignment: its reference must get "
                                "full marks on every seed, and every mutant of it must lose points.")
    p.add_argument("assignment", help="assignment name or folder")
    p.add_argument("--seeds", type=arg_types.count, default=50, help="seeds the reference is graded on (default 50)")
    args = p.parse_args(argv)
    a = Assignment(find_assignment(args.assignment))
    report = validate(a, args.seeds)
    print_validation(report, a.name)
    return 0 if report.ok else 1


def _new(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade new", description="Scaffold an assignment folder that validates: "
                                "a spec, a reference and instructions, to edit.")
    p.add_argument("name")
    p.add_argument("--root", type=Path, default=Path("assignments"), help="where (default: assignments/)")
    args = p.parse_args(argv)
    usable_folder(args.root, "--root")
    folder = new_assignment(args.root, args.name)
    print(f"created {folder}: edit assignment.toml and reference.py, then run grade validate {folder}")
    return 0


def _starter(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade starter", description="Write the students' starter from the "
                                "spec: functions and classes, docstrings with shapes, bodies raising "
                                "NotImplementedError; for a package's module, the package's tree.")
    p.add_argument("assignment", help="assignment name or folder")
    p.add_argument("--out", type=Path, help="where to write it (default: starter.py in the assignment folder; for a "
                   "package, the folder starter/ there)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    args = p.parse_args(argv)
    a = Assignment(find_assignment(args.assignment))
    if args.out is not None:   # a package's starter is a folder
        (usable_folder if is_package(a.spec.module) else usable_file)(args.out, "--out")
    print(write_any_starter(a, args.out, args.force))
    return 0


COMMAND_MAINS = {"publish": _publish, "schema": _schema, "validate": _validate, "new": _new, "starter": _starter,
                 "gradescope": gradescope_main, "merge": merge_main, "handout": handout_main,
                 "export": export_main, "prairielearn": prairielearn_main, "collect": collect_main}

# The arguments and a line on each command, for `grade --help`; every command is listed, these or not.
COMMAND_HELP = {
    "new": ("NAME", "scaffold an assignment folder that validates, to edit"),
    "validate": ("ASSIGNMENT", "check that the reference gets full marks and its mutants lose points"),
    "starter": ("ASSIGNMENT", "write the students' starter file from the spec"),
    "publish": ("ASSIGNMENT", "write public.json, the public cases students self-check against"),
    "handout": ("ASSIGNMENT [--out DIR] [--gradescope]", "write the folder students get, or the Gradescope autograder zip"),
    "merge": ("DIR [DIR ...]", "combine the report folders of grade --shard K/N runs"),
    "gradescope": ("--assignment A", "grade the submission in Gradescope's autograder"),
    "prairielearn": ("--assignment A", "grade the submission in PrairieLearn's external grader"),
    "collect": ("REPOSITORIES.csv --deadline TIME --into DIR", "write each student's repository as it was at the deadline into DIR"),
    "export": ("--to SYSTEM REPORTS --out FILE", "write the class's scores for Canvas, Moodle, Blackboard, Gradescope"),
    "schema": ("", "print the JSON Schema of assignment.toml"),
}


def commands_help() -> str:
    """The other commands of `grade`, each with its arguments and what it does."""
    names = [name for name in COMMAND_HELP if name in COMMAND_MAINS]
    names += [name for name in COMMAND_MAINS if name not in names]
    usages = {name: f"grade {name} {COMMAND_HELP.get(name, ('', ''))[0]}".rstrip() for name in names}
    width = max(map(len, usages.values()))
    lines = [f"  {usage.ljust(width)}  {COMMAND_HELP.get(name, ('', ''))[1]}".rstrip()
             for name, usage in usages.items()]
    return "other commands (each has its own --help):\n" + "\n".join(lines)
