"""How fast a class is graded: 200 copies of the bundled ner_window
submissions (correct and buggy), every check, against a baseline measured
in the same run: one fresh `python` process per submission (`grade FILE`),
as many at a time as there are cores.

The assignment is a fresh copy: the first run computes the reference's case
pool (cold), later runs read it back as any later run of a course does
(warm); the baseline reads it too. The grader's modules are compiled to
bytecode first, as in an installed copy.

    python bench/throughput.py [--copies 200] [--repeats 3] [--sample 20] [--jobs N] [--profile]
    python bench/throughput.py --sizes 200,2000,10000 [--repeats 3] [--jobs N]

Prints the medians of repeated runs (ours and the baseline taken in turn)
and their ratio, the cost of one student process (a fork from the warm
fork server against a fresh Python with numpy), where a run's time goes
(start-up, the reference's case pool, grading, reports), the grading
phase's CPU by kind of process, and with --profile where the grading
process's time goes. With --sizes, how each phase's cost per submission
and the grading process's memory grow with the class (class_sizes.py)."""
from __future__ import annotations

import argparse
import compileall
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.sandbox import fork_server  # noqa: E402
from grader.batch import default_jobs, grade_batch  # noqa: E402
from grader.cases.discover import find_batches  # noqa: E402
from grader.reports import write_reports  # noqa: E402
from grader.sandbox.runner import Sandbox  # noqa: E402
from grader.cases.sampling import HIDDEN, PUBLIC  # noqa: E402
from grader.spec import Limits  # noqa: E402

BUNDLED = ROOT / "submissions" / "ner_window"
GRADE = "import sys; from grader.cli import grade_main; raise SystemExit(grade_main())"


def make_class(folder: Path, copies: int) -> list[Path]:
    """`copies` submissions cycling through the bundled ones (files and folders)."""
    bundled = sorted(p for p in BUNDLED.iterdir() if not p.name.startswith((".", "_")))
    made = []
    for i in range(copies):
        source = bundled[i % len(bundled)]
        target = folder / f"s{i:03d}_{source.name}"
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
        made.append(target)
    return made


def compile_grader() -> None:
    """The grader's modules compiled beside their sources, as in any installed
    copy (pip compiles a package as it installs it). Without them, a process
    that may not write bytecode (PYTHONDONTWRITEBYTECODE, as below) compiles
    the grader again at every start: some 50 ms that every baseline run pays
    and an installed grader does not."""
    compileall.compile_dir(ROOT / "grader", quiet=1)


def env() -> dict[str, str]:
    """For `grade` processes, which run in ROOT too: this checkout's grader, whatever the caller's folder."""
    return {**os.environ, "CI": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def ours(batch: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall seconds of `grade -j N --force`, seconds its grading phase reports)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", GRADE, str(batch), "--out", str(out), "-j", str(jobs), "--force"],
                          capture_output=True, text=True, env=env(), stdin=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"grade failed:\n{done.stderr[-2000:]}")
    found = re.search(r"(\d+) graded in ([\d.]+) s", done.stderr)
    return wall, float(found[2]) if found else float("nan")


def baseline(files: list[Path], out: Path, jobs: int) -> float:
    """Wall seconds to grade `files`, each by a fresh `grade FILE` process, `jobs` at a time."""
    def one(i_path):
        i, path = i_path
        target = path / "ner_window.py" if path.is_dir() else path
        done = subprocess.run([sys.executable, "-c", GRADE, str(target), "--assignment", "ner_window",
                               "--out", str(out / f"b{i}"), "-q", "-j", "1"], capture_output=True, text=True,
                              env=env(), stdin=subprocess.DEVNULL, cwd=ROOT)
        if done.returncode != 0:
            sys.exit(f"baseline grade failed:\n{done.stderr[-2000:]}")
    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, enumerate(files)))
    return time.perf_counter() - start


def child_cost(tmp: Path, n: int = 40) -> tuple[float, float]:
    """(ms for a student process from the fork server: fork, confine, load a
    trivial file, answer one call, be reaped; ms for `python -c 'import numpy'`)."""
    trivial = tmp / "trivial.py"
    trivial.write_text("def f(x):\n    return x\n", encoding="utf-8")
    fork_server.shared()
    forked = []
    for _ in range(n):
        start = time.perf_counter()
        with Sandbox(trivial, "trivial", Limits(), []) as box:
            box.call("f", {"x": 1})
        forked.append(time.perf_counter() - start)
    fresh = []
    for _ in range(max(5, n // 8)):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True)
        fresh.append(time.perf_counter() - start)
    return 1000 * statistics.median(forked), 1000 * statistics.median(fresh)


def cpu_seconds() -> dict[str, float]:
    """CPU seconds so far (user + system) of this process, of its reaped
    children (the grading workers), of the fork server and of the student
    processes it reaped; the kernel counts a process's page faults, fork
    and exit in its own time."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{fork_server.shared().process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    times = os.times()
    return {"grading process": times.user + times.system,
            "grading workers": times.children_user + times.children_system,
            "fork server": (int(fields[11]) + int(fields[12])) / tick,
            "student processes": (int(fields[13]) + int(fields[14])) / tick}


def phases(batch_dir: Path, out: Path, jobs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Where one run's time goes, measured in this process: seconds by phase,
    and the grading phase's CPU seconds by process."""
    times = {}
    [batch] = find_batches(batch_dir, "ner_window")
    source = batch.assignment.reference_source()
    start = time.perf_counter()
    source.cases(PUBLIC, 0)
    for sub in batch.submissions:
        from grader.grading import submission_seed
        source.cases(HIDDEN, submission_seed(batch.assignment.spec, sub.student))
    times["reference: the class's case pool"] = time.perf_counter() - start
    batch.assignment.reference_source = lambda: source  # the pool stays warm for grading
    before = cpu_seconds()
    start = time.perf_counter()
    graded = grade_batch(batch, out, force=True, jobs=jobs)
    times["grading (pool warm)"] = time.perf_counter() - start
    cpu = {name: seconds - before[name] for name, seconds in cpu_seconds().items()}
    start = time.perf_counter()
    write_reports(graded.result, out / "ner_window", ("html", "json", "csv"))
    times["reports (html, json, csv)"] = time.perf_counter() - start
    return times, cpu


AREAS = [
    # a write that wakes the student's process (or the fork server) is charged the time it runs first
    ("waiting for the student's process", ("select", "writev", "sendmsg", "killpg")),
    ("sandbox: fork server, wire, runner", ("fork_server.py", "wire.py", "runner.py", "answers.py", "confine.py", "posix.read",
                                            "readv", "socket")),
    ("reference and expected values", ("expected.py", "assignment.py", "reference.py", "finite_differences.py",
                                       "sampling.py", "recipes.py", "copy.py")),
    ("grading: checks, comparisons, diagnoses", ("/judge/", "/grading/")),
    ("results and the store", ("results.py", "store.py", "pydantic", "atomic.py", "json")),
]


def profile(batch_dir: Path, out: Path) -> str:
    """Grading time by area (one process, -j 1, pool warm), and the top functions."""
    [batch] = find_batches(batch_dir, "ner_window")
    source = batch.assignment.reference_source()
    batch.assignment.reference_source = lambda: source
    grade_batch(batch, out, force=True, jobs=1)  # warms the pool
    profiler = cProfile.Profile()
    profiler.enable()
    grade_batch(batch, out, force=True, jobs=1)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(tt for (_, _, tt, _, _) in stats.stats.values())
    by_area = {name: 0.0 for name, _ in AREAS}
    by_area["other"] = 0.0
    for (filename, _, function), (_, _, tt, _, _) in stats.stats.items():
        where = f"{filename}:{function}"
        area = next((name for name, keys in AREAS if any(k in where for k in keys)), "other")
        by_area[area] += tt
    lines = [f"  {name:40s} {100 * t / total:5.1f} %" for name, t in sorted(by_area.items(), key=lambda kv: -kv[1])]
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    top = "\n".join(line for line in text.getvalue().splitlines() if line.strip())[-2500:]
    return ("  time in the grading process, by area (the student's process's own time shows as waiting):\n" + "\n".join(lines) + "\n\n  top functions by own time:\n" + top)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--copies", type=int, default=200)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--sample", type=int, default=20, help="submissions graded by the baseline, per repeat")
    p.add_argument("--jobs", type=int, default=default_jobs())
    p.add_argument("--profile", action="store_true")
    p.add_argument("--sizes", help="class sizes, such as 200,2000,10000: each phase's cost per submission at each")
    args = p.parse_args()
    compile_grader()
    if args.sizes:
        import class_sizes
        class_sizes.main([int(n) for n in args.sizes.split(",")], args.repeats, args.jobs, make_class, env())
        return
    with tempfile.TemporaryDirectory(prefix="bpg-bench-") as tmp:
        tmp = Path(tmp)
        batch = tmp / "ner_window"
        batch.mkdir()
        shutil.copytree(ROOT / "assignments" / "ner_window", tmp / "assignments" / "ner_window",
                        ignore=shutil.ignore_patterns("__pycache__", ".pool"))
        os.environ["BACKPROP_GRADER_ASSIGNMENTS"] = str(tmp / "assignments")
        files = make_class(batch, args.copies)
        print(f"{args.copies} submissions, -j {args.jobs}, {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}; medians of {args.repeats} runs", flush=True)
        print(f"isolation in force: {fork_server.shared().features}", flush=True)

        cold, _ = ours(batch, tmp / "out", args.jobs)
        print(f"ours, cold: the first run, computing the case pool: {cold:.2f} s for {args.copies} = "
              f"{args.copies / cold:.1f} submissions/s", flush=True)
        sample = files[:args.sample]
        runs, base = [], []
        for r in range(args.repeats):  # taken in turn, so that a change in the machine's load reaches both alike
            runs.append(ours(batch, tmp / "out", args.jobs))
            base.append(baseline(sample, tmp / f"base{r}", args.jobs))
        wall = statistics.median(w for w, _ in runs)
        grading = statistics.median(g for _, g in runs)
        rate = args.copies / wall
        print(f"ours:     grade -j {args.jobs}: {wall:.2f} s for {args.copies} = {rate:.1f} submissions/s "
              f"(its grading phase {grading:.2f} s; runs {', '.join(f'{w:.2f}' for w, _ in runs)} s)", flush=True)

        base_rate = len(sample) / statistics.median(base)
        print(f"baseline: one fresh python per submission ({len(sample)} of them, {args.jobs} at a time): "
              f"{base_rate:.2f} submissions/s (runs {', '.join(f'{b:.2f}' for b in base)} s)", flush=True)
        print(f"ratio:    {rate / base_rate:.1f}x the baseline", flush=True)

        forked, fresh = child_cost(tmp)
        print(f"one student process: {forked:.1f} ms from the fork server (fork, confine, load, one call, reap) "
              f"vs {fresh:.0f} ms to start python and import numpy", flush=True)

        times, cpu = phases(batch, tmp / "phases", args.jobs)
        print("where a run's time goes (in one process; start-up of grade itself not included):")
        for name, t in times.items():
            print(f"  {name:40s} {t:6.2f} s")
        grading = times["grading (pool warm)"]
        print(f"  => grading alone, pool warm: {args.copies / grading:.1f} submissions/s", flush=True)
        print(f"CPU of the grading phase: {sum(cpu.values()):.2f} s on {os.cpu_count()} cores in {grading:.2f} s "
              f"({100 * sum(cpu.values()) / (grading * os.cpu_count()):.0f} % busy); per submission:")
        for name, seconds in cpu.items():
            print(f"  {name:40s} {1000 * seconds / args.copies:6.2f} ms")
        if args.profile:
            print(profile(batch, tmp / "profile"))


if __name__ == "__main__":
    main()
