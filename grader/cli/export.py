"""`grade export`: a graded class's scores as a gradebook imports them.

Reads the report folder `grade` wrote (its grades.json, through the result
model) and an optional roster, and writes the file one of Canvas, Moodle,
Blackboard or Gradescope imports as a grade column, or a plain CSV (see
reports/gradebook.py). Student code is never run."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from ..atomic import write_text
from ..cases.discover import UsageError
from ..destinations import usable_file
from ..names import for_log
from ..reports.gradebook import EXPORTS, Column, export_text
from ..reports.json_report import FILENAME
from ..reports.roster import COLUMNS, read_roster, recorded_roster
from ..results import AssignmentResult


def find_grades(reports: Path) -> Path:
    """The grades.json of REPORTS: the folder's own, or that of the one
    assignment folder under it (reports/ after grading one assignment)."""
    if reports.is_file() and reports.name == FILENAME:
        return reports
    if (reports / FILENAME).is_file():
        return reports / FILENAME
    found = sorted(reports.glob(f"*/{FILENAME}")) if reports.is_dir() else []
    if len(found) == 1:
        return found[0]
    if not reports.exists():
        raise UsageError(f"{reports}: no such folder")
    if found:
        raise UsageError(f"{reports} holds the reports of {len(found)} assignments "
                         f"({', '.join(p.parent.name for p in found)}): name one, e.g. {found[0].parent}")
    raise UsageError(f"{reports}: no {FILENAME} here; give the report folder grade wrote (reports/<assignment>)")


def read_grades(path: Path) -> AssignmentResult:
    try:
        return AssignmentResult.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise UsageError(f"{path}: not a grades.json that grade wrote ({first})") from None


def export_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="grade export", description="Write a graded class's scores as the CSV a gradebook imports as one "
        f"grade column. The roster is a CSV with the columns {', '.join(COLUMNS)} (only submission is required).")
    p.add_argument("reports", type=Path, help="the report folder grade wrote: reports/<assignment>")
    p.add_argument("--to", required=True, choices=list(EXPORTS), help="the gradebook's format")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument("--roster", type=Path, help="who each submission belongs to (default: the roster the class was "
                   "graded with, else the submission's name)")
    p.add_argument("--column", help="the grade column's name (default: the assignment's name)")
    p.add_argument("--column-id", default="", help="the gradebook's id of an existing column, to fill it "
                   "(Canvas: the assignment id; Blackboard: the Grade Center column id)")
    args = p.parse_args(argv)
    usable_file(args.out, "--out")
    result = read_grades(find_grades(args.reports))
    roster = read_roster(args.roster) if args.roster else recorded_roster(result)
    if roster is not None and not args.roster:
        print(f"note: the roster the class was graded with ({for_log(result.roster.file)}), as its reports "
              "record it; --roster gives another", file=sys.stderr)
    if roster is None:
        print(f"note: no --roster: each student is named by their submission's name, in the "
              f"{EXPORTS[args.to].key!r} column; give a roster to use the gradebook's ids", file=sys.stderr)
    points = max((s.max_score for s in result.submissions), default=0.0)
    column = Column(args.column or result.assignment, points, args.column_id)
    text, rows, notes = export_text(result, args.to, roster, column)
    for note in notes:
        print(f"note: {for_log(note)}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text(args.out, text, newline="")
    print(f"wrote {args.out}: {rows} student{'s' if rows != 1 else ''} of {result.assignment}, "
          f"column {column.name!r} out of {column.points:g}, for {args.to}")
    return 0
