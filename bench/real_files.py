"""How often does the grader's verdict agree with hand labels of real student
files? Grades a folder of files (1.py, 2.py, ...), or of folders each holding
a package (1/cs231n/, ...), with the `grade` command, into a temporary
folder, and compares each function's verdict with its label: a function
passes when it gets its full points; it should pass when its label is
correct. Prints the agreement per function and every disagreement with the
label's reason, and every function flagged as a numerical derivative
(diagnosis `numerical_gradient`, scored or not): none of a hand-derived file
should be. Where the labels also name which outputs of an incorrect function
are wrong, it prints the agreement per output too: the grader counts an output
wrong when a scored check of it did not pass (every output, when a scored check
of none, such as the import, did not; an argument changed in place by
contract counts as an output, judged by its check `<argument> updated`).

    python bench/real_files.py --folder FILES --assignment layers \\
        --labels bench/real_files/layers.toml [--seed 1] [--jobs 2]

The labels file (see bench/real_files/*.toml) holds, per file, its provenance,
the functions labelled correct, each incorrect one with its reason and, in
[files.wrong_keys] if the file labels outputs, its wrong outputs. The
files themselves are other people's work and are never part of this
repository: the folder is given on the command line.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Label:
    """One function's hand label: should it pass, why not, any note, and its
    wrong outputs (None where the labels do not name them)."""
    correct: bool
    reason: str = ""
    note: str = ""
    wrong_outputs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Verdict:
    """One function's grade: its points, the first check that lost some, and
    whether any check found a numerical derivative; the outputs its checks
    named, and those of the checks that did not pass (ALL_OUTPUTS when a check
    of no output did not pass)."""
    score: float
    max_score: float
    failed_check: str = ""
    numerical: bool = False
    outputs: tuple[str, ...] = ()
    failed_outputs: frozenset[str] = frozenset()

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


def read_labels(path: Path) -> dict[str, dict[str, Label]]:
    """{student: {function: Label}} from a labels file; a function listed both
    as correct and as incorrect is an error in the file."""
    labels = {}
    entries = tomllib.loads(path.read_text())["files"]
    by_output = any("wrong_keys" in entry for entry in entries)
    for entry in entries:
        student = Path(entry["file"]).stem
        notes = entry.get("notes", {})
        incorrect = entry.get("incorrect", {})
        wrong = entry.get("wrong_keys", {})
        both = set(entry["correct"]) & set(incorrect)
        if both:
            sys.exit(f"{path}: {entry['file']} labels {sorted(both)} both correct and incorrect")
        functions = {name: Label(True, note=notes.get(name, ""), wrong_outputs=() if by_output else None)
                     for name in entry["correct"]}
        functions.update({name: Label(False, why, notes.get(name, ""),
                                      tuple(wrong[name]) if name in wrong else None)
                          for name, why in incorrect.items()})
        labels[student] = functions
    return labels


def grade(folder: Path, assignment: str, out: Path, seed: int | None, jobs: int | None) -> Path:
    """Run the real `grade` command on a copy of the labelled files; the path
    of the grades.json it wrote."""
    command = [_grade_command(), str(folder), "--assignment", assignment,
               "--out", str(out), "--format", "json", "--force", "-q"]
    if seed is not None:
        command += ["--seed", str(seed)]
    if jobs is not None:
        command += ["-j", str(jobs)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"grade exited with {done.returncode}:\n{done.stderr}")
    found = sorted(out.glob("**/grades.json"))
    if len(found) != 1:
        sys.exit(f"expected one grades.json under {out}, found {len(found)}\n{done.stderr}")
    return found[0]


def _grade_command() -> str:
    """The grade script beside this Python (a virtual environment's), else on PATH."""
    beside = Path(sys.executable).parent / "grade"
    return str(beside) if beside.is_file() else shutil.which("grade") or "grade"


def read_verdicts(grades: Path) -> dict[str, dict[str, Verdict]]:
    """{student: {function: Verdict}} from grades.json."""
    verdicts = {}
    for submission in json.loads(grades.read_text())["submissions"]:
        verdicts[submission["student"]] = {f["name"]: verdict(f) for f in submission["functions"]}
    return verdicts


ALL_OUTPUTS = "*"


def judged(check: dict) -> str | None:
    """What a check judges: its output, or the argument a function changes in
    place by contract (its check `bn_param updated` names no output)."""
    if check.get("output"):
        return check["output"]
    name = check["name"].removesuffix(" (hidden)")
    return name.removesuffix(" updated") if name.endswith(" updated") else None


def verdict(function: dict) -> Verdict:
    """A function's points and the first check that did not pass, with its
    status, diagnosis and the first line of its message; the outputs named
    by its checks and by those that did not pass."""
    checks = function.get("checks", [])
    numerical = any(c.get("diagnosis") == "numerical_gradient" for c in checks)
    outputs = tuple(dict.fromkeys(judged(c) for c in checks if judged(c)))
    failing = [c for c in checks if c["status"] not in ("passed", "skipped")]
    failed_outputs = frozenset(judged(c) or ALL_OUTPUTS for c in failing if c.get("scored", True))
    why = ""
    if failing:
        check = failing[0]
        message = (check.get("message") or "").strip().splitlines()
        why = f"{check['name']}: {check['status']}"
        if check.get("diagnosis"):
            why += f" [{check['diagnosis']}]"
        if message:
            why += f": {message[0][:160]}"
    return Verdict(function["score"], function["max_score"], why, numerical, outputs, failed_outputs)


def copy_labelled(folder: Path, labels: dict, into: Path) -> Path:
    """Copy the labelled files (and only those) into a fresh folder to grade:
    `N.py`, or the folder `N/` where the submission is a package."""
    into.mkdir()
    for student in labels:
        source, package = folder / f"{student}.py", folder / student
        if package.is_dir():
            shutil.copytree(package, into / student)
        elif source.is_file():
            shutil.copyfile(source, into / source.name)
        else:
            sys.exit(f"{source} (or the folder {package}) is labelled but missing")
    return into


def compare(labels: dict, verdicts: dict) -> tuple[dict[str, list[int]], list[tuple]]:
    """Agreement counts per function ([agree, total]) and the disagreements
    as (student, function, label, verdict) rows."""
    counts, disagreements = {}, []
    for student, functions in sorted(labels.items(), key=lambda kv: _number(kv[0])):
        graded = verdicts.get(student, {})
        for name, label in functions.items():
            got = graded.get(name)
            if got is None:
                sys.exit(f"{student}.py: no verdict for {name} (is it graded by this assignment?)")
            agree = counts.setdefault(name, [0, 0])
            agree[1] += 1
            if got.passed == label.correct:
                agree[0] += 1
            else:
                disagreements.append((student, name, label, got))
    return counts, disagreements


def compare_outputs(labels: dict, verdicts: dict) -> tuple[dict[tuple[str, str], list[int]], list[tuple]]:
    """Agreement counts per (function, output) ([agree, total]) over the
    functions whose labels name their wrong outputs, and the disagreements
    as (student, function, output, labelled wrong) rows. A function's outputs
    are those any check of it named, in any submission."""
    outputs = {}
    for functions in verdicts.values():
        for name, got in functions.items():
            outputs.setdefault(name, {}).update(dict.fromkeys(got.outputs))
    counts, disagreements = {}, []
    for student, functions in sorted(labels.items(), key=lambda kv: _number(kv[0])):
        for name, label in functions.items():
            if label.wrong_outputs is None:
                continue
            got = verdicts[student][name]
            every = dict.fromkeys([*outputs[name], *label.wrong_outputs])
            failed = every if ALL_OUTPUTS in got.failed_outputs else got.failed_outputs
            for output in every:
                agree = counts.setdefault((name, output), [0, 0])
                agree[1] += 1
                if (output in label.wrong_outputs) == (output in failed):
                    agree[0] += 1
                else:
                    disagreements.append((student, name, output, output in label.wrong_outputs))
    return counts, disagreements


def _number(student: str):
    return (0, int(student)) if student.isdigit() else (1, student)


def flagged(verdicts: dict) -> list[tuple[str, str]]:
    """(student, function) of every function flagged as a numerical derivative."""
    return [(student, name) for student, functions in sorted(verdicts.items(), key=lambda kv: _number(kv[0]))
            for name, got in functions.items() if got.numerical]


def report(assignment: str, counts: dict, disagreements: list, numerical: list) -> None:
    """Print the agreement per function and overall, each disagreement, and each numerical derivative flagged."""
    width = max(map(len, counts))
    print(f"{assignment}: agreement of the grader's verdicts with the hand labels")
    for name, (agree, total) in counts.items():
        print(f"  {name:{width}s}  {agree:3d}/{total:<3d}  {100 * agree / total:5.1f} %")
    agree, total = (sum(c[i] for c in counts.values()) for i in (0, 1))
    print(f"  {'all functions':{width}s}  {agree:3d}/{total:<3d}  {100 * agree / total:5.1f} %")
    print(f"\n{len(disagreements)} disagreement(s)")
    for student, name, label, got in disagreements:
        said = "correct" if label.correct else f"incorrect: {label.reason}"
        print(f"- {student}.py {name}: labelled {said}")
        if label.note:
            print(f"    note: {label.note}")
        print(f"    grader: {got.score:g}/{got.max_score:g}" + (f", {got.failed_check}" if got.failed_check else ""))
    print(f"\n{len(numerical)} function(s) flagged as a numerical derivative")
    for student, name in numerical:
        print(f"- {student}.py {name}")


def report_outputs(counts: dict, disagreements: list) -> None:
    """Print the agreement per function and output, and each disagreement."""
    if not counts:
        return
    width = max(len(f"{name} {output}") for name, output in counts)
    print("\nper output (wrong_keys):")
    for (name, output), (agree, total) in counts.items():
        print(f"  {name + ' ' + output:{width}s}  {agree:3d}/{total:<3d}  {100 * agree / total:5.1f} %")
    print(f"\n{len(disagreements)} disagreement(s) per output")
    for student, name, output, wrong in disagreements:
        said, graded = ("wrong", "right") if wrong else ("right", "wrong")
        print(f"- {student}.py {name} {output}: labelled {said}, graded {graded}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--folder", type=Path, required=True, help="the real files, named as in the labels")
    p.add_argument("--assignment", required=True, help="assignment name or folder, as grade takes it")
    p.add_argument("--labels", type=Path, required=True, help="the labels and provenance (TOML)")
    p.add_argument("--seed", type=int, help="seed of the hidden cases (default: grade's own)")
    p.add_argument("--jobs", type=int, help="submissions graded in parallel (default: grade's own)")
    args = p.parse_args()
    labels = read_labels(args.labels)
    with tempfile.TemporaryDirectory() as tmp:
        files = copy_labelled(args.folder, labels, Path(tmp) / "files")
        grades = grade(files, args.assignment, Path(tmp) / "out", args.seed, args.jobs)
        verdicts = read_verdicts(grades)
        counts, disagreements = compare(labels, verdicts)
    report(Path(args.assignment).name, counts, disagreements, flagged(verdicts))
    report_outputs(*compare_outputs(labels, verdicts))


if __name__ == "__main__":
    main()
