"""`grade DIR`'s look-alike options, and the comparison run after a class
is graded (grader/similarity). It runs by default: it reads and lexes the
files, never runs them, and costs a few percent of grading's time. A shard
(`--shard K/N`) holds only part of the class, so it compares nothing
(`grade merge` does: batch/shards.py); a replay of one file neither, nor a run that writes none of the class's
reports (`--format junit` alone, say)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..cases.discover import Batch, UsageError
from ..similarity import report
from ..similarity.compare import THRESHOLD
from ..similarity.run import compare_batch, summary_line


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--similarity-threshold", type=_share, default=THRESHOLD, metavar="T",
                   help=f"list pairs of submissions with at least this share of one's code found in the other's "
                        f"(0 to 1, default {THRESHOLD}): similarity.json and the class page")
    p.add_argument("--compare-with", type=Path, metavar="DIR",
                   help="also compare every submission with the known solutions in DIR (a .py or .ipynb file "
                        "or a folder each)")
    p.add_argument("--no-similarity", action="store_true", help="do not look for look-alike submissions")


def check_arguments(args: argparse.Namespace) -> None:
    if args.compare_with is not None and not args.compare_with.is_dir():
        raise UsageError(f"{args.compare_with}: --compare-with names a folder of known solutions; there is none here")


def compare_class(batch: Batch, folder: Path, args: argparse.Namespace, formats) -> str | None:
    """Compare a whole class's submissions, writing similarity.json where the
    reports go; return the line to print. A run that compares nothing
    removes an earlier run's comparison, so the class page never shows stale pairs."""
    formats = set(formats or ("html", "json"))
    if args.no_similarity or args.shard or not formats & {"html", "json"}:   # (the class's reports are not asked for)
        report.remove(folder)
        return None
    comparison, _ = compare_batch(batch, folder, args.similarity_threshold, args.compare_with, html="html" in formats,
                                  say_problems=not args.quiet)
    return summary_line(comparison, batch.assignment.name)


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value
