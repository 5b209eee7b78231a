"""How fast and how well look-alike submissions are found (grader/similarity).

A made-up class of ner_window submissions: each student starts from one of
the bundled submissions or one of the independent solutions the tests
keep (tests/similarity/lookalike_class), and gets a line of their own after
most statements (one of a dozen kinds, drawn at random), so that any two
students share short runs of code, as real independent solutions do, and
long ones only where they started from the same file and drew alike. Then
COPIES students hand in a renamed and reformatted copy of another's file:
those pairs, and only those, should be found.

    python bench/similarity.py [--students 2000] [--repeats 5] [--small 200]

Prints, as medians and ranges of repeated runs taken in turn (and the
median CPU time a student, this process's, steadier than wall time on a shared machine):
- ours: the whole comparison of the class (read, lex, fingerprint, pairs,
  regions), against the baseline measured in the same run: the same
  fingerprints compared pair by pair in Python (set intersections);
- copydetect (where installed) on the first --small students, against ours
  on the same students;
and for each, how many planted copies were found and how many other pairs listed.

Measured (shared 2-core machine at load 14-16, 3 runs; CPU the steadier figure):
- ours at 2,000: 0.75 ms CPU a student (wall 14.9 s, 14.9-16.7, at that load),
  10/10 copies, 3 other pairs; pair by pair / ours 7.0x (6.4-7.5).
- at 100: ours 0.67 ms CPU a student, 10/10 copies, no other pair;
  copydetect 0.5.0 15.9 ms, 10/10 copies and 231 other pairs (files of one
  starting file, padded with a line after most statements, which ours does
  not see alike); copydetect / ours 25.8x (13.3-30.9), and it compares pair
  by pair, so its cost grows with the square of the class.
- the tests' class: ours the copy 0.90, independent pairs 0.00; copydetect
  the copy 1.00, independent pairs at most 0.14.
- pycode-similar 1.4 (measured by hand, not here): the copy 1.00, but
  independent pairs 0.41-0.65, pair by pair on ASTs."""
from __future__ import annotations

import argparse
import builtins
import keyword
import random
import re
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.similarity.compare import THRESHOLD, compare
from grader.similarity.fingerprints import winnow
from grader.similarity.sources import starter_source, submission_source
from grader.similarity.tokens import tokens_of

ASSIGNMENT = ROOT / "assignments" / "ner_window"
BASES = [p for folder in (ROOT / "submissions" / "ner_window", ROOT / "tests" / "similarity" / "lookalike_class" /
                          "ner_window") for p in sorted(folder.glob("*.py")) if p.stem not in ("syntax_error", "sam")]
COPIES = 10
FILLERS = ["{v} = abs({w})", "{v} = max({w}, {n})", "{v} = {w} ** {n}", "assert {v} is not None",
           "{v} = list(range({n}))", "{v} = {w} if {w} else {n}", "{v} = [{w}, {n}]", "{v} = len({w}) - {n}",
           "{v} = ({w}, {n}, {w})", "{v} = min({n}, {w}) // {n}", "{v} = {{'{v}': {w}}}", "{v} = not {w}"]


def make_class(folder: Path, students: int, rng: random.Random) -> list[tuple[str, str]]:
    """Write the class; return the planted (copier, original) pairs."""
    texts = [b.read_text() for b in BASES]
    for i in range(students):
        (folder / f"s{i:04d}.py").write_text(with_fillers(texts[i % len(texts)], rng))
    planted = []
    for c in range(COPIES):
        copier, original = f"s{students - 1 - c:04d}", f"s{c:04d}"
        (folder / f"{copier}.py").write_text(disguised((folder / f"{original}.py").read_text(), rng))
        planted.append((copier, original))
    return planted


def with_fillers(text: str, rng: random.Random) -> str:
    """A line of one's own after most simple statements inside a function."""
    out = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        out.append(line)
        indent = line[:len(line) - len(line.lstrip())]
        following = lines[n + 1] if n + 1 < len(lines) else ""
        deeper = len(following) - len(following.lstrip()) > len(indent) and following.strip()
        simple = indent and line.strip() and not line.rstrip().endswith((":", ",", "(", "[", "\\"))
        balanced = line.count("(") == line.count(")") and line.count("[") == line.count("]")
        if simple and balanced and not deeper and not line.strip().startswith(("return", "#", '"', "'")) \
                and rng.random() < 0.8:
            out.append(indent + rng.choice(FILLERS).format(v=f"t{rng.randrange(99)}", w=f"q{rng.randrange(99)}",
                                                           n=rng.randrange(1, 9)))
    return "\n".join(out) + "\n"


def disguised(text: str, rng: random.Random) -> str:
    """A copy with every name of its own renamed (not attributes, keywords or builtins), its spacing changed,
    its comments dropped and one added."""
    def rename(m: re.Match) -> str:
        name = m.group(2)
        if m.group(1) or name in KEEP:
            return m.group()
        return f"v{zlib.crc32(name.encode()) % 997}_{name[::-1]}"
    text = re.sub(r"#.*", "", text)
    text = re.sub(r"(\.\s*)?\b([A-Za-z_][A-Za-z0-9_]*)\b", rename, text)
    text = text.replace(", ", " , ").replace("(", "( ").replace(")", " )")
    return "# my own work\n" + text


KEEP = set(keyword.kwlist) | set(dir(builtins)) | {"np", "window_vectors", "window_vectors_backward", "score",
                                                    "score_grads", "ner_loss_and_grads"}


def ours(folder: Path, students: list[str]) -> tuple[float, set]:
    start = time.perf_counter()
    sources = [submission_source(s, folder / f"{s}.py", folder) for s in students]
    found = compare("ner_window", sources, starter_source(ASSIGNMENT))
    return time.perf_counter() - start, {frozenset((p.a, p.b)) for p in found.pairs}


def pair_by_pair(folder: Path, students: list[str]) -> tuple[float, set]:
    """The baseline: the same fingerprints, every pair's intersection taken in Python."""
    start = time.perf_counter()
    starter = set(winnow(tokens_of(starter_source(ASSIGNMENT)).ids).hashes.tolist())
    prints = [set(winnow(tokens_of(submission_source(s, folder / f"{s}.py", folder)).ids)
                  .hashes.tolist()) - starter for s in students]
    found = set()
    for i in range(len(prints)):
        for j in range(i + 1, len(prints)):
            shared = len(prints[i] & prints[j])
            if shared and shared >= THRESHOLD * min(len(prints[i]), len(prints[j])):
                found.add(frozenset((students[i], students[j])))
    return time.perf_counter() - start, found


def copydetect(folder: Path, students: list[str]) -> tuple[float, set]:
    from copydetect import CopyDetector
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "class").mkdir()
        (Path(tmp) / "starter").mkdir()
        for s in students:
            (Path(tmp) / "class" / f"{s}.py").write_bytes((folder / f"{s}.py").read_bytes())
        (Path(tmp) / "starter" / "starter.py").write_bytes((ASSIGNMENT / "starter.py").read_bytes())
        start = time.perf_counter()
        detector = CopyDetector(test_dirs=[str(Path(tmp) / "class")], boilerplate_dirs=[str(Path(tmp) / "starter")],
                                extensions=["py"], display_t=THRESHOLD, autoopen=False, silent=True)
        detector.run()
        found = {frozenset((Path(a).stem, Path(b).stem)) for _, _, a, b, *_ in detector.get_copied_code_list()}
        return time.perf_counter() - start, found


def fixture_scores() -> None:
    """Quality on the tests' class: the copy's similarity, and the highest of any two independent solutions."""
    folder = ROOT / "tests" / "similarity" / "lookalike_class" / "ner_window"
    names = sorted(p.stem for p in folder.glob("*.py"))
    copy = frozenset(("sam", "tomas"))
    found = compare("ner_window", [submission_source(n, folder / f"{n}.py", folder) for n in names],
                    starter_source(ASSIGNMENT), threshold=0.0)
    scores = {frozenset((p.a, p.b)): max(p.similarity_a, p.similarity_b) for p in found.pairs}
    print(f"  ours:       the copy {scores.get(copy, 0):.2f}; independent pairs at most "
          f"{max([v for k, v in scores.items() if k != copy], default=0):.2f}")
    try:
        from copydetect import CopyDetector
    except ImportError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "starter").mkdir()
        (Path(tmp) / "starter" / "starter.py").write_bytes((ASSIGNMENT / "starter.py").read_bytes())
        detector = CopyDetector(test_dirs=[str(folder)], boilerplate_dirs=[str(Path(tmp) / "starter")],
                                extensions=["py"], display_t=0.0, autoopen=False, silent=True)
        detector.run()
        scores = {frozenset((Path(a).stem, Path(b).stem)): max(x, y)
                  for x, y, a, b, *_ in detector.get_copied_code_list()}
    print(f"  copydetect: the copy {scores.get(copy, 0):.2f}; independent pairs at most "
          f"{max([v for k, v in scores.items() if k != copy], default=0):.2f}")


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (range {min(values):.3f} to {max(values):.3f})"


def quality(found: set, planted: list[tuple[str, str]], students: list[str]) -> str:
    inside = [frozenset(p) for p in planted if set(p) <= set(students)]
    hits = sum(p in found for p in inside)
    return f"{hits}/{len(inside)} planted copies found, {len(found - set(inside))} other pairs listed"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--small", type=int, default=200, help="class size copydetect is measured on")
    args = p.parse_args()
    try:
        import copydetect as _
        has_copydetect = True
    except ImportError:
        has_copydetect = False
    print("The tests' class: 5 independent ner_window solutions and a renamed, reformatted copy of one")
    fixture_scores()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        planted = make_class(folder, args.students, random.Random(1))
        everyone = sorted(p.stem for p in folder.glob("*.py"))
        small = everyone[:args.small // 2] + everyone[-args.small // 2:]   # keeps the planted copies' pairs
        times: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        found: dict[str, set] = {}
        runs = [("ours", ours, everyone), ("pair by pair", pair_by_pair, everyone), ("ours, small", ours, small)]
        if has_copydetect:
            runs.append(("copydetect, small", copydetect, small))
        for _ in range(args.repeats):
            for name, run, who in runs:
                before = time.process_time()
                seconds, found[name] = run(folder, who)
                times.setdefault(name, []).append(seconds)
                cpu.setdefault(name, []).append((time.process_time() - before) / len(who))
        print(f"{args.students} students ({len(BASES)} starting files, {COPIES} planted copies), "
              f"{args.repeats} runs each, in turn")
        for name, _, who in runs:
            print(f"  {name:18} {len(who):5} students: {spread(times[name])}, CPU {1000 * statistics.median(cpu[name]):.2f} ms "
                  f"a student; {quality(found[name], planted, who)}")
        ratio = [b / a for a, b in zip(times["ours"], times["pair by pair"])]
        print(f"  pair by pair / ours: median {statistics.median(ratio):.1f}x (range {min(ratio):.1f} to {max(ratio):.1f})")
        if has_copydetect:
            ratio = [b / a for a, b in zip(times["ours, small"], times["copydetect, small"])]
            print(f"  copydetect / ours at {len(small)}: median {statistics.median(ratio):.1f}x "
                  f"(range {min(ratio):.1f} to {max(ratio):.1f})")


if __name__ == "__main__":
    main()
