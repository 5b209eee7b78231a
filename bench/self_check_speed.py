"""How long a student waits for `self-check`: for every bundled assignment,
its correct submission (the first bundled file that passes every public
check) checked by a fresh `self-check` process, as a student runs it,
against a baseline measured in the same run and in turn with it: a fresh
`python -I -c "import numpy"`, which any way of running a student's numpy
code pays once.

    python bench/self_check_speed.py [--repeats 7] [--other PATH] [--assignment NAME ...] [--vectorized]

`--other PATH` times the `self-check` of another checkout of the grader
too (an older commit, say: `git archive COMMIT | tar -x -C PATH`), in the
same rounds, so that the two are compared under the same load. Prints per
assignment the median and the range of the wall times, the ratio of
medians to the baseline's, and the median CPU seconds of the whole process
tree (self-check, the fork server, the student's processes), which a
loaded machine disturbs less than the wall time. The grader's modules are
compiled to bytecode first, as in an installed copy.

`--vectorized` times layers a second time, with the correct file's four
naive loops replaced by vectorized ones (bench/vectorized/layers_loops.py):
what is left is the grader's own cost on layers, with next to none of the
student's.

Notes (2 shared cores):
- On a quiet machine (the baseline 0.088 s), 7 rounds, median wall:
  ner_window 0.262 s, linear_svm 0.254, jacobians 0.261, softmax 0.265,
  word2vec 0.267, deep_network 0.283, fc_net 0.304, layers 0.598. The
  same rounds with the commit before self-check's quick exit: 0.304,
  0.302, 0.292, 0.310, 0.318, 0.333, 0.345 and 0.642 s.
- Where ner_window's time goes: the grading process imports for 0.20 s
  (numpy 0.04-0.06, pydantic 0.03, the grader's models built at import
  0.05, its other modules 0.05), reads the spec and public.json in 0.01 s,
  starts the student's process, grades and prints in 0.02 s; the fork
  server (Python and numpy, 0.11 s) starts alongside the imports and is
  ready before they end. `python -c "import numpy, pydantic"` alone takes
  0.13 s. Python's teardown after the last line took a further 0.04-0.09 s
  (0.068 s median) until self-check ended with os._exit once its exit
  handlers had run.
- layers adds the student's own code: the correct submission's naive
  convolution and pooling loops, called 13 times each by the public checks
  (the calls, the caches their backward passes need, a second upstream
  gradient, and on the first case linearity, zero and repeatability), ran
  for about 0.25 s in the student's process, most of it on the public case
  with stride 1 and pad 2 and a batch of 11. Its public.json (4.3 MB, a
  third of it the finite differences that explain a failure) was read in
  0.04 s. Since then its public cases take batches of 4 (cases.public_dims;
  public.json 1.7 MB, read in 0.012 s), and each forward is called once per
  case (its graded call's cache feeds its backward's calls, the first of
  them on a copy): 9 calls of each loop, 0.08 s in the student's process.
  9 rounds at load 1.5 (the baseline 0.103 s), against the start of that
  work in the same rounds: layers 0.750 s (0.658-0.978) -> 0.448 s
  (0.389-0.584); the others unchanged within the noise (ner_window 0.301
  and 0.323 s, fc_net 0.384 and 0.373 s).
- Where layers' 0.45 s goes now: the imports as for any assignment
  (0.20 s), its spec and public.json (0.02 s), the student's loops (0.08 s),
  the rest of the grading and printing (0.02 s), and the interpreter's start
  and the fork server's end. Under 0.3 s, the student's loops would have
  to run while the grading process imports; but their calls are planned
  from the spec and the cases, which need those imports.
- Even that would not be enough. With the loops vectorized (--vectorized:
  the student's calls then take next to no time), 11 rounds at load 1
  (the baseline 0.103 s): layers 0.445 s (0.391-0.579), vectorized 0.353 s
  (0.321-0.505), ner_window 0.295 s (0.274-0.368); 2x9 rounds by hand at
  load 0.5: 0.388 and 0.433 s, vectorized 0.325 and 0.322 s (at best
  0.304), ner_window 0.291 and 0.290 s. What vectorized layers spends
  beyond ner_window is the grader's own: its larger spec (0.012 s against
  0.006, most of it checking that every size choice keeps the dimensions
  apart), its public.json (0.014 s against 0.003: pydantic parsing 1.7 MB
  of numbers) and judging 28 functions' checks over some 70 calls (0.055 s
  against 0.016, the student's vectorized code included).
- pydantic's search for plugins (every installed distribution's entry
  points, when the first model is built) took 3 ms in this project's
  environment of 45 distributions and 18-20 ms among 445, a course's conda
  environment's size: self-check's own process turns it off.
- Reading a current notebook as plain JSON instead of with nbformat (whose
  import builds a schema validator) took deep_network from 0.409 s
  (0.401-0.569) to 0.323 s (0.304-0.456), 7 rounds at load 2.
- Tried and not kept, each under 0.015 s a self-check: caching the names of
  a size expression while a spec is checked (layers' spec 0.047 -> 0.034 s),
  building the pydantic models only when first used (the imports 0.013 s
  shorter, the grading as much longer)."""
from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# the console command (an older checkout's, which had only self_check_main, as its console script ran it)
SELF_CHECK = ("import grader.cli as cli; command = getattr(cli, 'self_check_command', None); "
              "raise SystemExit(command() if command else cli.self_check_main())")
BASELINE = [sys.executable, "-I", "-c", "import numpy"]


def env(root: Path) -> dict[str, str]:
    """The grader of `root`, whatever the caller's environment holds."""
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(root)}


def self_check(root: Path, assignment: Path, file: Path) -> list[str]:
    """`self-check FILE` with the grader of `root` (see env), against `assignment`."""
    return [sys.executable, "-c", SELF_CHECK, str(file), "--assignment", str(assignment)]


def correct_submission(root: Path, assignment: Path) -> Path | None:
    """The first bundled submission of `assignment` that passes every public
    check: a file, or for a package the module's file in a student's folder."""
    folder = ROOT / "submissions" / assignment.name
    module = tomllib.loads((assignment / "assignment.toml").read_text()).get("module", "")
    candidates = [*folder.glob("*.py"), *folder.glob("*.ipynb")]
    if "." in module:
        candidates = list(folder.glob(f"*/{module.replace('.', '/')}.py"))
    for path in sorted(candidates):
        done = subprocess.run(self_check(root, assignment, path), env=env(root), capture_output=True, cwd=root)
        if done.returncode == 0:
            return path
    return None


def vectorized(file: Path, folder: Path) -> Path:
    """`file` (layers' correct submission) with its naive loops replaced by
    bench/vectorized/layers_loops.py's, as layers.py in `folder`."""
    loops = Path(__file__).parent / "vectorized" / "layers_loops.py"
    (folder / "layers.py").write_text(file.read_text() + "\n\n" + loops.read_text())
    return folder / "layers.py"


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], root: Path, environment: dict | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of its process tree) of `command`, run in
    `root` (whose grader it then imports)."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, cwd=root, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[-4:])} failed (exit {done.returncode}):\n{done.stdout[-2000:].decode()}"
                 f"{done.stderr[-2000:].decode()}")
    return seconds, cpu_of_children() - cpu


def summary(runs: list[tuple[float, float]], baseline: float) -> str:
    times = [wall for wall, _ in runs]
    median = statistics.median(times)
    return (f"{median:6.3f} s  ({min(times):.3f}-{max(times):.3f})  "
            f"{median / baseline:4.1f}x the baseline  cpu {statistics.median(cpu for _, cpu in runs):.3f} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--other", type=Path, help="another checkout of the grader, timed in the same rounds")
    p.add_argument("--assignment", action="append", help="only these bundled assignments")
    p.add_argument("--vectorized", action="store_true",
                   help="also time layers with its naive loops vectorized (bench/vectorized/layers_loops.py)")
    args = p.parse_args()
    roots = {"this checkout": ROOT}
    if args.other:
        roots["other checkout"] = args.other.resolve()
    for root in roots.values():
        compileall.compile_dir(root / "grader", quiet=1)
    folders = sorted(d for d in (ROOT / "assignments").iterdir() if (d / "public.json").is_file())
    folders = [d for d in folders if not args.assignment or d.name in args.assignment]
    runs = []   # (assignment, label, root, file)
    scratch_folder = tempfile.TemporaryDirectory(prefix="self-check-speed-")   # removed when main ends
    scratch = Path(scratch_folder.name)
    for folder in folders:
        file = correct_submission(ROOT, folder)
        if file is None:
            print(f"{folder.name}: no bundled submission passes every public check; skipped")
            continue
        runs += [(folder, label, root, file) for label, root in roots.items()]
        if args.vectorized and folder.name == "layers":
            runs += [(folder, f"{label}, vectorized", root, vectorized(file, scratch)) for label, root in roots.items()]
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    baseline: list[float] = []
    for _ in range(args.repeats):
        baseline.append(timed(BASELINE, ROOT)[0])
        for folder, label, root, file in runs:
            own = root / "assignments" / folder.name   # the checkout's own spec and public.json
            times.setdefault((folder.name, label), []).append(timed(self_check(root, own, file), root, env(root)))
    base = statistics.median(baseline)
    print(f"{args.repeats} rounds; baseline `python -I -c 'import numpy'`: {base:.3f} s "
          f"({min(baseline):.3f}-{max(baseline):.3f})")
    for (name, label), seconds in times.items():
        print(f"  {name:12s} {label:27s} {summary(seconds, base)}")


if __name__ == "__main__":
    main()
