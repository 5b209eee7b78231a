"""How the cost of a class grows with its size (`throughput.py --sizes`):
for each size N, N copies of the bundled ner_window submissions graded,
each phase timed in processes of its own, as the commands run them:

- `grade --force`: grading (every submission graded and saved), then
  writing the reports (html, json, csv);
- `grade` again: loading the saved results (none is graded), then the
  reports again;
- `grade merge` of the class graded as two shards (each shard's grades.json
  written from the saved results beforehand, untimed).

For each phase: wall and CPU milliseconds per submission (CPU of every
process the phase runs: the grading process, its workers and report
writers, the fork server, the students' processes), and the ratio of each
to the same figure at the smallest size, measured in the same run; and the
peak RSS of each process (the grading process's; the workers', forked
from it, and the students' are not counted). Sizes up to 2,000 are run
`--repeats` times (medians, and the range of the repeats); larger ones once.

Run alone: python bench/class_sizes.py --sizes 200,2000 [--repeats 3] [--jobs N]

Measured (--sizes 200,2000,10000 --repeats 3, -j 2, on a shared 2-core
machine, load average 9-20: other test suites ran throughout, so wall
times are noisy and CPU times are the figures to compare). Milliseconds a
submission, median [range] of 3 rounds (10,000: one round), and the ratio
of the median to the one at 200:

    phase                   200                  2,000                10,000
    grading        CPU  23.45 [23.25-25.60]  22.72 [20.25-22.84] x0.97  22.91 x0.98
                   wall 72.37 [71.98-84.56]  62.85 [60.89-69.60] x0.87  57.71 x0.80
    writing        CPU   4.60 [4.40-4.65]     4.81 [4.70-5.12]   x1.05   4.26 x0.93
    reports        wall 20.91 [18.81-23.33]  20.57 [16.03-25.85] x0.98   8.43 x0.40
    loading saved  CPU   0.65 [0.60-0.65]     0.58 [0.56-0.66]   x0.90   0.59 x0.91
    results        wall  3.62 [3.33-5.19]     3.28 [2.61-5.91]   x0.91   1.42 x0.39
    merge          CPU   5.70 [5.50-6.75]     5.94 [5.61-6.02]   x1.04   5.47 x0.96
                   wall 28.39 [27.07-40.99]  30.12 [22.87-32.25] x1.06  11.92 x0.42

10,000 submissions graded with every report written in one run: 577 s of
grading, 84 s of reports (the whole size took 17 min with the loading and
merge runs). Before, loading saved results took 0.68 ms of CPU a result
at 200 and 1.36-1.48 ms at 2,000 and 10,000 (every whole result kept,
and collected over), and a run kept 0.26 MB a submission (2.7 GB at
10,000).

Peak RSS of the processes in that run, MB (200 / 2,000 / 10,000):
grade --force 82 / 279 / 1133, grade (saved) 73 / 271 / 1203, grade merge
74 / 289 / 1450. Most of the growth was the reports': every page the
grading process rendered kept its whole result in a cycle while
collection was paused. With the collector on (reports: keep the garbage
collector on ...), writing html, json and csv from saved results, in one
process, peaks at 81 MB for 2,000 (275 MB paused; 70 MB before the
reports began) and at 199 MB for 10,000 (155 MB before they began: the
summaries, some 10 KB a submission, are what grows).

Measured again with every report written in one run (throughput.py
--sizes 200,10000 --repeats 1, a shared 2-core machine at load 2-6), CPU
a submission at 200 and at 10,000: grading 29.2 and 22.9 ms, reports 6.4
and 7.0, loading saved results 0.65 and 0.74, merge 8.4 and 9.0. Peak RSS
at 10,000: grade --force 184 MB, grade (saved) 273 MB, grade merge 175 MB."""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMATS = ("html", "json", "csv")
REPEATED_UP_TO = 2000


# --- in a child process: one command's phases --------------------------------------------------

def cpu(include_sandbox: bool) -> float:
    """CPU seconds so far of this process and its reaped children, and of the
    fork server and the students' processes it reaped (if it is running)."""
    times = os.times()
    total = times.user + times.system + times.children_user + times.children_system
    if include_sandbox:
        from grader.sandbox import fork_server
        tick = os.sysconf("SC_CLK_TCK")
        fields = Path(f"/proc/{fork_server.shared().process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(fields[k]) for k in (11, 12, 13, 14)) / tick
    return total


def timed(phases: dict, name: str, work, sandbox: bool = False):
    wall, used = time.perf_counter(), cpu(sandbox)
    out = work()
    phases[name] = {"wall": time.perf_counter() - wall, "cpu": cpu(sandbox) - used}
    return out


def child(command: str, batch_dir: Path, out: Path, jobs: int) -> dict:
    """Run one command's phases in this process; its figures, as a dict."""
    from grader.batch import grade_batch
    from grader.batch.shards import Shard, merge_main, write_manifest
    from grader.cases.discover import find_batches
    from grader.reports import write_reports
    [batch] = find_batches(batch_dir, "ner_window")
    folder = out / "class" / "ner_window"
    phases: dict = {}
    if command in ("grade", "load"):
        force = command == "grade"
        graded = timed(phases, "grading" if force else "loading saved results",
                       lambda: grade_batch(batch, out / "class", force=force, jobs=jobs), sandbox=force)
        timed(phases, "writing reports", lambda: write_reports(graded.result, folder, FORMATS))
        if not force:   # the two shards' report folders, for `merge`
            for k in (1, 2):
                shard = Shard(k, 2)
                part = grade_batch(shard.select(batch), out, folder=folder).result   # saved results only
                write_reports(part, out / f"shard{k}" / "ner_window", ["json"])
                write_manifest(out / f"shard{k}" / "ner_window", batch, shard)
    else:
        timed(phases, "merge", lambda: merge_main([str(out / "shard1"), str(out / "shard2"),
                                                   "--out", str(out / "merged")]))
    return {"phases": phases, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# --- in the bench's process: every size ----------------------------------------------------------

def run_child(command: str, batch_dir: Path, out: Path, jobs: int, env: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", command, str(batch_dir), str(out), str(jobs)],
                          capture_output=True, text=True, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        sys.exit(f"{command} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_size(n: int, tmp: Path, jobs: int, env: dict, make_class) -> dict:
    """Every phase's figures for a class of `n`, and each process's peak RSS."""
    batch = tmp / f"class{n}" / "ner_window"
    if not batch.exists():
        batch.mkdir(parents=True)
        make_class(batch, n)
    out = tmp / f"out{n}"
    shutil.rmtree(out, ignore_errors=True)
    figures: dict = {"phases": {}, "peak_rss_mb": {}}
    for command, process in (("grade", "grade --force"), ("load", "grade (saved)"), ("merge", "grade merge")):
        got = run_child(command, batch, out, jobs, env)
        figures["phases"].update(got["phases"])
        figures["peak_rss_mb"][process] = got["peak_rss_mb"]
    shutil.rmtree(out, ignore_errors=True)
    return figures


def per_submission(runs: list[dict], n: int, phase: str, kind: str) -> list[float]:
    return [1000 * r["phases"][phase][kind] / n for r in runs]


def spread(values: list[float], digits: int = 2) -> str:
    text = f"{statistics.median(values):.{digits}f}"
    return text + (f" [{min(values):.{digits}f}-{max(values):.{digits}f}]" if len(values) > 1 else "")


def report(results: dict[int, list[dict]]) -> None:
    """A table per phase: ms per submission (wall, CPU) at each size, and their ratio to the smallest."""
    sizes = sorted(results)
    base = sizes[0]
    phases = list(results[base][0]["phases"])
    print(f"\nper submission, median [range] of the repeats; ratio: median over the median at {base}")
    for phase in phases:
        print(f"  {phase}:")
        for n in sizes:
            wall = per_submission(results[n], n, phase, "wall")
            used = per_submission(results[n], n, phase, "cpu")
            base_wall = statistics.median(per_submission(results[base], base, phase, "wall"))
            base_cpu = statistics.median(per_submission(results[base], base, phase, "cpu"))
            print(f"    {n:6d}: wall {spread(wall)} ms (x{statistics.median(wall) / base_wall:.2f}), "
                  f"CPU {spread(used)} ms (x{statistics.median(used) / base_cpu:.2f})")
    print("  peak RSS of each process, MB:")
    for n in sizes:
        peaks = results[n][0]["peak_rss_mb"]
        text = ", ".join(f"{name} {spread([r['peak_rss_mb'][name] for r in results[n]], 0)}" for name in peaks)
        print(f"    {n:6d}: {text}")


def measure(sizes: list[int], repeats: int, jobs: int, tmp: Path, env: dict, make_class) -> dict[int, list[dict]]:
    """Each size in turn, repeated (sizes up to 2,000) in rounds, so that a
    change in the machine's load reaches every size alike."""
    results: dict[int, list[dict]] = {n: [] for n in sizes}
    one_size(20, tmp, jobs, env, make_class)   # the case pool, computed once, untimed
    for r in range(repeats):
        for n in sizes:
            if r == 0 or n <= REPEATED_UP_TO:
                start = time.perf_counter()
                got = one_size(n, tmp, jobs, env, make_class)
                results[n].append(got)
                figures = ", ".join(f"{phase} {1000 * t['wall'] / n:.2f}/{1000 * t['cpu'] / n:.2f}"
                                    for phase, t in got["phases"].items())
                print(f"  size {n}, round {r + 1}, {time.perf_counter() - start:.0f} s: ms a submission "
                      f"(wall/CPU): {figures}; peak RSS MB: {got['peak_rss_mb']}", flush=True)
    return results


def main(sizes: list[int], repeats: int, jobs: int, make_class=None, env: dict | None = None) -> None:
    if make_class is None:
        from throughput import compile_grader, env as grade_env, make_class
        compile_grader()
        env = grade_env()
    with tempfile.TemporaryDirectory(prefix="bpg-sizes-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "assignments" / "ner_window", tmp / "assignments" / "ner_window",
                        ignore=shutil.ignore_patterns("__pycache__", ".pool"))
        env = {**env, "BACKPROP_GRADER_ASSIGNMENTS": str(tmp / "assignments")}
        print(f"sizes {', '.join(map(str, sizes))}, -j {jobs}, {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        report(measure(sorted(sizes), repeats, jobs, tmp, env, make_class))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        command, batch_dir, out, jobs = sys.argv[2:6]
        with open(os.devnull, "w") as quiet:   # the class's table, printed by merge
            real, sys.stdout = sys.stdout, quiet
            figures = child(command, Path(batch_dir), Path(out), int(jobs))
            sys.stdout = real
        print(json.dumps(figures))
    else:
        p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        p.add_argument("--sizes", default="200,2000")
        p.add_argument("--repeats", type=int, default=3)
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
        args = p.parse_args()
        sys.path.insert(0, str(Path(__file__).parent))
        main([int(s) for s in args.sizes.split(",")], args.repeats, args.jobs)
