"""How often does a correct answer fail? Grades the reference of every
bundled assignment (and of the kinks test assignment) on many seeds, one
fresh hidden case each, through the same checks a student gets, and prints
the number of seeds on which any check did not pass (the false failures),
with the kink redraws it took. With --float32, grades the reference's
answers rounded to float32 instead.

    python bench/false_failures.py [--seeds 10000] [--float32]
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


def run(folder: Path, seeds: int, float32: bool) -> None:
    a = Assignment(folder)
    spec = a.spec.model_copy(update={"cases": Cases(public=0, hidden=1, hidden_pool=0)})
    source = ReferenceSource(spec, a.reference, pooled=False)
    path = a.reference.path
    if float32:
        path = write_float32_reference(spec, path, Path(tempfile.mkdtemp()))
    failed, redrawn, start = [], 0, time.perf_counter()
    for seed in range(seeds):
        result = grade_submission(spec, source, Submission("reference", path), visibilities=(HIDDEN,),
                                  seed=seed, runner=InProcess)
        bad = [f"{f.name}: {c.name}" for f in result.functions for c in f.checks
               if c.status not in ("passed", "skipped")]
        if bad:
            failed.append((seed, bad[0]))
        redrawn += sum(f.redrawn for f in result.functions)
        source._expected.clear()  # fresh cases are not seen again
    seconds = time.perf_counter() - start
    print(f"{a.name:12s} seeds {seeds}  false failures {len(failed)}  kink redraws {redrawn}  "
          f"({seconds:.0f} s, {1000 * seconds / seeds:.1f} ms a seed)")
    for seed, check in failed[:10]:
        print(f"    seed {seed}: {check}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10_000)
    p.add_argument("--float32", action="store_true")
    args = p.parse_args()
    for folder in FOLDERS:
        run(folder, args.seeds, args.float32)


if __name__ == "__main__":
    main()
