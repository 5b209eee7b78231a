"""`grade collect`: every student's repository of an assignment, at its
deadline, into the assignment's submissions folder (see collect/).
Student code is never run, and nothing of a student's repository either.

Exit code 0 when the run went through the list, whatever some repositories
lacked (each is said on stderr and recorded in collection.json); 1 when not
one repository of the list could be collected (more likely the machine's
network or credentials than every student); 2 for a usage error."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cases.discover import UsageError
from ..destinations import usable_folder
from ..collect import COLLECTION_FILE
from ..collect.deadline import now, parse_deadline
from ..collect.git import git_found
from ..collect.repositories import COLUMNS, read_repositories
from ..collect.run import Outcome, collect_all
from ..names import for_log


def collect_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="grade collect", description="Collect every student's repository of an assignment at its deadline: "
        "the newest commit of each repository's default branch at or before the deadline, written (without "
        f"its history) into INTO/<submission>/, and recorded in INTO/{COLLECTION_FILE}. Nothing of a "
        "repository runs: no hook, filter, setting, submodule or Git LFS.")
    p.add_argument("repositories", type=Path, help=f"a CSV file with the columns {', '.join(COLUMNS)}: the "
                   "student's folder name (for GitHub Classroom, their user name) and a git URL or folder")
    p.add_argument("--deadline", required=True, help="ISO 8601 with its offset, e.g. 2027-03-14T23:00:00+01:00")
    p.add_argument("--into", type=Path, required=True, help="the assignment's submissions folder, "
                   "e.g. submissions/ner_window")
    p.add_argument("--branch", help="the branch to collect (default: each repository's default branch)")
    p.add_argument("--force", action="store_true", help="collect again a submission already collected once "
                   "this deadline had passed (kept by default: it is the one that existed at the deadline)")
    p.add_argument("-j", "--jobs", type=int, default=8, metavar="N", help="repositories fetched at a time (default 8)")
    args = p.parse_args(argv)
    usable_folder(args.into, "--into")
    try:
        deadline = parse_deadline(args.deadline)
    except ValueError as e:
        raise UsageError(f"--deadline: {e}") from None
    try:
        listing = read_repositories(args.repositories)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if not git_found():
        raise UsageError("git is not installed (or not on PATH): grade collect fetches with it")
    try:
        collection = collect_all(listing, deadline, args.into, args.branch, args.jobs, args.force, say)
    except ValueError as e:   # a collection.json that grade collect did not write
        raise UsageError(f"{e}; move it away to collect into this folder") from None
    listed = len(listing.repositories) + len(listing.rejected)
    missed = [e.submission for e in collection.not_collected]
    print(f"wrote {for_log(str(args.into / COLLECTION_FILE))}: {listed - len(missed)} of {listed} "
          f"repositor{'y' if listed == 1 else 'ies'} collected at the deadline {deadline.isoformat()}")
    if missed:
        print(for_log(f"not collected: {', '.join(missed)}"), file=sys.stderr)
    if deadline > now():
        print(f"note: the deadline {deadline.isoformat()} is still to come: a commit made before it may yet be "
              "pushed; collect again once it has passed", file=sys.stderr)
    return 1 if listed and len(missed) == listed else 0


def say(outcome: Outcome) -> None:
    """A line on each repository as it is done: stdout for those collected, stderr for the others."""
    name, entry = outcome.listed.submission, outcome.entry
    if outcome.problem:
        print(for_log(f"not collected: {name} ({outcome.listed.repository or 'no repository'}): {outcome.problem}"),
              file=sys.stderr)
        return
    if outcome.kept:
        print(for_log(f"{name}: kept {entry.commit[:12]}, collected at {entry.collected_at}, after this deadline "
                      "(--force collects it again)"))
        return
    later = entry.commits_after_deadline
    print(for_log(f"{name}: {entry.commit[:12]} of {entry.committed_at} on {entry.branch}"
                  + (f"; {later} later commit{'s' if later != 1 else ''} left out" if later else "")))
    for note in entry.notes:
        print(for_log(f"  note: {note}"))
