"""Grading a class on several machines: `grade --shard K/N` grades every Nth
submission, starting with the Kth, of each assignment (a deterministic
split of the list every run discovers in the same order), and records the
whole list beside its reports in `shard.json`. `grade merge DIR...` then
puts the shards' `grades.json` back together in the order a single run
lists them and writes exactly the reports a single run would have written,
reading each shard's a submission at a time (a class of any size merges in
memory that does not grow with it).
It refuses to merge shards of different splits, or a set missing one."""
from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..cases.discover import Batch, UsageError
from ..people import ClassRoster
from ..reports import FORMATS, write_reports
from ..atomic import write_text
from ..destinations import usable_folder
from ..reports.json_report import FILENAME as GRADES
from ..reports.json_report import read_submissions
from ..reports.terminal import print_summary
from ..results import AssignmentResult, StreamedSubmissions, SubmissionResult, SubmissionSummary, streamed
from ..names import for_log
from ..similarity.run import compare_merged, summary_line

MANIFEST = "shard.json"
DEFAULT_FORMATS = ("html", "json", "csv")


@dataclass(frozen=True)
class Shard:
    k: int
    n: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """'K/N' with 1 <= K <= N (an argparse type)."""
        try:
            k, n = (int(part) for part in text.split("/"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not K/N, e.g. 2/4") from None
        if not 1 <= k <= n:
            raise argparse.ArgumentTypeError(f"shard {text}: K must be between 1 and N")
        return cls(k, n)

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"

    def select(self, batch: Batch) -> Batch:
        return Batch(batch.assignment, batch.submissions[self.k - 1::self.n])


class Manifest(BaseModel):
    assignment: str
    shard: str
    students: list[str]     # every submission of the assignment, in the order a single run lists them
    graded: list[str]       # the ones this shard graded


def formats_for(formats: list[str] | None) -> list[str]:
    """A shard always writes grades.json: merge reads it."""
    chosen = list(formats or DEFAULT_FORMATS)
    return chosen if "json" in chosen else chosen + ["json"]


def write_manifest(folder: Path, whole: Batch, shard: Shard) -> Path:
    part = shard.select(whole)
    manifest = Manifest(assignment=whole.assignment.name, shard=str(shard),
                        students=[s.student for s in whole.submissions], graded=[s.student for s in part.submissions])
    return write_text(Path(folder) / MANIFEST, manifest.model_dump_json(indent=2) + "\n")


@dataclass
class Part:
    folder: Path
    manifest: Manifest


def read_parts(dirs: list[Path]) -> list[Part]:
    """Every shard under the given folders: a folder holding shard.json, or one
    holding such folders (a shard's --out folder, with one per assignment).
    Each shard's grades.json is read later, a submission at a time (merge)."""
    parts = []
    for d in dirs:
        if not d.is_dir():
            raise UsageError(f"{d}: no such folder")
        found = [d] if (d / MANIFEST).is_file() else sorted(p for p in d.iterdir() if (p / MANIFEST).is_file())
        if not found:
            raise UsageError(f"{d}: no {MANIFEST} here or in its subfolders; is it the --out folder of "
                             "grade --shard K/N?")
        for folder in found:
            try:
                manifest = Manifest.model_validate_json((folder / MANIFEST).read_text(encoding="utf-8"))
                if not (folder / GRADES).is_file():
                    raise FileNotFoundError(2, "No such file or directory", str(folder / GRADES))
            except OSError as e:
                raise UsageError(f"{folder}: {e.strerror}: {e.filename}") from None
            except (ValidationError, ValueError) as e:
                raise UsageError(f"{folder}: not a shard's report folder: {e}") from None
            parts.append(Part(folder, manifest))
    return parts


def merge(parts: list[Part], spool: Path) -> AssignmentResult:
    """The shards of one assignment as one result, in the single run's order.
    Each shard's submissions are read one at a time and put aside in
    `spool` (an empty folder, which must outlive the result), and read back
    from there one at a time as the reports ask for them: a class of any
    size merges in memory that does not grow with it."""
    first = parts[0].manifest
    for p in parts[1:]:
        if (p.manifest.students, Shard.parse(p.manifest.shard).n) != (first.students, Shard.parse(first.shard).n):
            raise UsageError(f"{p.folder} and {parts[0].folder} are shards of different runs of "
                             f"{first.assignment} (other submissions, or another N)")
    n = Shard.parse(first.shard).n
    have = sorted({Shard.parse(p.manifest.shard).k for p in parts})
    if have != list(range(1, n + 1)):
        missing = sorted(set(range(1, n + 1)) - set(have))
        raise UsageError(f"{first.assignment}: shard{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(f'{k}/{n}' for k in missing)} missing")
    position = {student: i for i, student in enumerate(first.students)}
    placed: dict[int, SubmissionSummary] = {}
    heads = [_spool_part(p, position, placed, spool) for p in parts]
    if len(placed) < len(position):   # (every shard's graded were found: they make up the class)
        raise UsageError(f"{first.assignment}: the shards' {GRADES} hold {len(placed)} of its "
                         f"{len(position)} submissions")
    head = heads[0]
    for p, other in zip(parts[1:], heads[1:]):   # each shard matched the whole class against its roster
        if other.get("roster") != head.get("roster"):
            raise UsageError(f"{p.folder} and {parts[0].folder} were graded with different rosters")

    def read(i: int) -> SubmissionResult:
        return SubmissionResult.model_validate_json((spool / f"{i}.json").read_bytes())

    roster = ClassRoster.model_validate(head["roster"]) if head.get("roster") else None
    return streamed(head.get("assignment", first.assignment), head.get("title", ""), head.get("function_names", []),
                    StreamedSubmissions([placed[i] for i in range(len(position))], read), roster)


def _spool_part(part: Part, position: dict[str, int], placed: dict, spool: Path) -> dict:
    """Put aside the submissions `part` graded that no earlier shard gave; its grades.json's other fields."""
    head: dict = {}
    wanted = set(part.manifest.graded)
    try:
        with open(part.folder / GRADES, encoding="utf-8") as stream:
            for s in read_submissions(stream, head):
                i = position.get(s.student)
                if s.student in wanted and i is not None and i not in placed:
                    (spool / f"{i}.json").write_text(s.model_dump_json(), encoding="utf-8")
                    placed[i] = s.summary()
                wanted.discard(s.student)
    except OSError as e:
        raise UsageError(f"{part.folder}: {e.strerror}: {e.filename}") from None
    except ValueError as e:   # (pydantic's ValidationError is one)
        raise UsageError(f"{part.folder}: not a shard's report folder: {e}") from None
    if wanted:
        raise UsageError(f"{part.folder}: {sorted(wanted)[0]} is missing from its {GRADES}")
    return head


def merge_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade merge", description="Combine the report folders of grade --shard K/N "
                                "runs into the reports a single run would write.")
    p.add_argument("dirs", type=Path, nargs="+", metavar="DIR", help="a shard's --out folder (or its assignment folder)")
    p.add_argument("--out", type=Path, default=Path("reports"), help="report folder (default: reports/)")
    p.add_argument("--format", action="append", choices=sorted(FORMATS), dest="formats",
                   help="report format, repeatable (default: html, json and csv)")
    args = p.parse_args(argv)
    usable_folder(args.out, "--out")
    groups: dict[str, list[Part]] = {}
    for part in read_parts(args.dirs):
        groups.setdefault(part.manifest.assignment, []).append(part)
    for name in groups:
        usable_folder(args.out / name, "--out")
    for name, parts in groups.items():
        with tempfile.TemporaryDirectory(prefix="grade-merge-") as spool:
            result = merge(parts, Path(spool))
            folder = args.out / name
            formats = args.formats or DEFAULT_FORMATS
            similar = compare_merged(result, folder, "html" in formats) if {"html", "json"} & set(formats) else None
            print_summary(result, folder, write_reports(result, folder, formats))   # (the class page lists `similar`)
            if similar:
                print(for_log(summary_line(similar, name)))
    return 0
