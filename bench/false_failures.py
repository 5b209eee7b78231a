"""How often does a correct answer fail? Grades the reference of every
bundled assignment (and of the kinks test assignment) on many seeds, one
fresh hidden case each, through the same checks a student gets, and prints
the number of seeds on which any check did not pass (the false failures),
with the kink redraws it took. With --float32, grades the reference's
answers rounded to float32 instead.

    python bench/false_failures.py [--seeds 10000] [--first 0] [--float32]
                                   [--assignment layers] [--functions conv_forward_naive,conv_backward_naive]

--assignment and --functions narrow a run to one assignment and some of
its functions (with whatever they need kept), and --first starts at
another seed, so that a long run can be split across processes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from grader.cases.assignment import Assignment, ReferenceSource
from grader.grading import Submission, grade_submission
from grader.sandbox.trusted import InProcess
from grader.cases.sampling import HIDDEN
from grader.spec import Cases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from float32_reference import write_float32_reference  # noqa: E402  (the test suite's float32 rendering)

FOLDERS = sorted(p.parent for p in (ROOT / "assignments").glob("*/assignment.toml")) + [ROOT / "tests/assignments/kinks"]


def chooses_a_value(f) -> bool:
    """Whether f has an argument chosen per case: sizes may follow its value
    (a pool's input from pool_param), so f stays in a narrowed run."""
    return any(arg.sample.kind == "choice" for arg in f.args)


def run(folder: Path, seeds: range, float32: bool, functions: set[str] | None = None) -> None:
    a = Assignment(folder)
    kept = [f for f in a.spec.functions if not f.student or functions is None or f.name in functions
            or chooses_a_value(f)]
    spec = a.spec.model_copy(update={"cases": Cases(public=0, hidden=1, hidden_pool=0), "functions": kept})
    source = ReferenceSource(spec, a.reference, pooled=False)
    path = a.reference.path
    if float32:
        path = write_float32_reference(spec, path, Path(tempfile.mkdtemp()))
    failed, redrawn, start = [], 0, time.perf_counter()
    for seed in seeds:
        result = grade_submission(spec, source, Submission("reference", path), visibilities=(HIDDEN,),
                                  seed=seed, runner=InProcess)
        bad = [f"{f.name}: {c.name}" for f in result.functions for c in f.checks
               if c.status not in ("passed", "skipped")]
        if bad:
            failed.append((seed, bad[0]))
        redrawn += sum(f.redrawn for f in result.functions)
        source._expected.clear()  # fresh cases are not seen again
    seconds = time.perf_counter() - start
    print(f"{a.name:12s} seeds {seeds.start}-{seeds.stop - 1}  false failures {len(failed)}  kink redraws {redrawn}  "
          f"({seconds:.0f} s, {1000 * seconds / len(seeds):.1f} ms a seed)")
    for seed, check in failed[:10]:
        print(f"    seed {seed}: {check}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10_000)
    p.add_argument("--first", type=int, default=0, help="the first seed")
    p.add_argument("--float32", action="store_true")
    p.add_argument("--assignment", help="one assignment's name (all bundled ones by default)")
    p.add_argument("--functions", help="comma-separated functions of it to grade (all by default)")
    args = p.parse_args()
    folders = [f for f in FOLDERS if args.assignment in (None, f.name)]
    functions = set(args.functions.split(",")) if args.functions else None
    for folder in folders:
        run(folder, range(args.first, args.first + args.seeds), args.float32, functions)


if __name__ == "__main__":
    main()
