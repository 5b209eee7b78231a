"""`grade validate`: an assignment checks itself. The reference must get full
marks on every one of K seeds (each with fresh hidden cases), and every
mutant of the reference must lose points in the function it touches. Where
the reference's own derivatives disagree with finite differences of its
forward, that is said in the instructor's words, and a mutant that returns
the right answers there (the fix) is not taken for a survivor."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..cases.assignment import Assignment, ReferenceSource
from ..judge.diagnosis import close
from ..reference.audit import ReferenceFault, case_label, describe, disagreements
from ..reference.expected import by_name, import_trusted
from ..grading import Submission, grade_submission
from ..sandbox import methods
from ..sandbox.trusted import InProcess
from .mutants import Mutant, mutants_of
from ..reports.terminal import print_table
from ..cases.sampling import HIDDEN, PUBLIC

ROUNDED_ZERO = 1e-12   # far above the rounding of sums of numbers near 1, far below any tolerance


@dataclass
class MutantVerdict:
    mutant: Mutant
    score: float
    max_score: float
    diagnoses: list[str]
    # where it keeps its points anyway, why that is right: "equivalent" (it returns what the reference
    # returns on every case) or "fix" (it differs only where the reference is wrong, and is right there)
    not_a_mistake: str | None = None

    @property
    def killed(self) -> bool:
        return self.score < self.max_score

    @property
    def equivalent(self) -> bool:
        return not self.killed and self.not_a_mistake == "equivalent"

    @property
    def fixes_reference(self) -> bool:
        return not self.killed and self.not_a_mistake == "fix"

    @property
    def verdict(self) -> str:
        return ("killed" if self.killed else "equivalent" if self.equivalent
                else "fixes the reference" if self.fixes_reference else "SURVIVED")


@dataclass
class Validation:
    seeds: int
    reference_faults: list[ReferenceFault] = field(default_factory=list)   # its derivatives against its forward
    reference_failures: list[str] = field(default_factory=list)   # "seed 7: score_grads: ds_dW gradient: ..."
    mutants: list[MutantVerdict] = field(default_factory=list)

    @property
    def survivors(self) -> list[MutantVerdict]:
        return [m for m in self.mutants if m.verdict == "SURVIVED"]

    @property
    def ok(self) -> bool:
        return not self.reference_faults and not self.reference_failures and not self.survivors


def validate(a: Assignment, seeds: int = 50) -> Validation:
    report = Validation(seeds)
    reference = Submission("reference", a.reference.path)
    fresh = ReferenceSource(a.spec, a.reference, pooled=False, strict=False)
    failures = []
    for seed in range(seeds):
        result = grade_submission(a.spec, fresh, reference, seed=seed, runner=InProcess)
        failures += [(f.name, c.output, f"seed {seed}: {f.name}: {c.name}: {c.message}")
                     for f in result.functions for c in f.checks if c.status != "passed"]
    report.reference_faults = fresh.faults
    faulty = {(fault.function, fault.output) for fault in fresh.faults}  # their failures say the same, to students
    report.reference_failures = [text for function, output, text in failures if (function, output) not in faulty]
    shared = a.reference_source(strict=False)
    with tempfile.TemporaryDirectory(prefix="bpg-mutants-") as folder:
        for m in mutants_of(a.spec):
            path = m.write(Path(folder), a.reference.path, a.spec)
            result = grade_submission(a.spec, shared, Submission(m.name, path), seed=0, runner=InProcess)
            [fr] = [f for f in result.functions if f.name == m.function]
            diagnoses = sorted({c.diagnosis for c in fr.checks if c.diagnosis and c.output == m.output})
            verdict = MutantVerdict(m, fr.score, fr.max_score, diagnoses)
            if not verdict.killed:
                verdict.not_a_mistake = _not_a_mistake(a, shared, m, path)
            report.mutants.append(verdict)
    return report


def _not_a_mistake(a: Assignment, source: ReferenceSource, m: Mutant, path: Path) -> str | None:
    """"equivalent" where a mutant returns exactly what the reference returns
    on every case (a transposed symmetric matrix, say), or what one accepted
    convention returns: no check could, or should, tell; "fix" where it differs only in derivatives the reference
    gets wrong, and agrees with finite differences of the reference's forward
    there. None where it is a mistake the checks miss."""
    f = a.spec.function(m.function)
    mutant = import_trusted(path, f"_equivalence_{m.function}")
    fixed = False
    conventions = None   # the accepted conventions the mutant has matched on every case so far
    for visibility in (PUBLIC, HIDDEN):
        for case in source.cases(visibility, 0):
            args = case.inputs[f.name]
            values = [a.reference.resolve(v, case) for v in args.values()]
            ours = by_name(f, a.reference.call(f.target, args, case))
            theirs = by_name(f, methods.call(mutant, f.target, dict(zip(args, values))))
            differ = {name for name, value in ours.items() if not same(theirs[name], value)}
            if not differ:
                continue
            matched = same_as_a_convention(source.expected(f, case), theirs)
            conventions = matched if conventions is None else conventions & matched
            if conventions:   # an answer the spec accepts: not a mistake
                continue
            exp, label = source.expected(f, case), case_label(case, source.pooled)
            wrong = {fault.output for fault in disagreements(a.spec, f, case, exp, label)}
            still_wrong = {fault.output for fault in disagreements(a.spec, f, case, exp, label, answers=theirs)}
            if not differ <= wrong - still_wrong:
                return None
            fixed = True
    return "fix" if fixed else "equivalent"


def same(theirs, ours) -> bool:
    """Close, or both zero but for rounding: an output that is zero in exact arithmetic (a bias's
    gradient before batch normalisation, which removes any shift) is rounding noise that a mutant
    negates or rescales, and no check could tell."""
    return close(theirs, ours) or (_rounded_zero(theirs) and _rounded_zero(ours))


def _rounded_zero(value) -> bool:
    try:
        return float(np.abs(np.asarray(value, dtype=np.float64)).max(initial=0.0)) <= ROUNDED_ZERO
    except (TypeError, ValueError):
        return False


def same_as_a_convention(expected, answers: dict) -> set[str]:
    """The accepted conventions whose answers on the case `answers` equals."""
    return {name for name, other in expected.conventions.items()
            if all(close(answers[o], value) for o, value in other.outputs.items())}


def print_validation(report: Validation, name: str) -> None:
    faults, failures = report.reference_faults, report.reference_failures
    print(f"{name}: reference over {report.seeds} seeds: "
          + ("full marks on every seed" if not faults and not failures else "a correct answer would fail"))
    if faults:
        print("  its derivatives disagree with finite differences of its own forward:")
        for first, count in _first_of_each_output(faults)[:20]:
            print(f"    {describe(first)}" + (f" (and on {count - 1} more cases)" if count > 1 else ""))
    if failures:
        print(f"  it fails {len(failures)} {'other ' if faults else ''}checks when graded as a student would be:")
        for line in failures[:20]:
            print(f"    {line.splitlines()[0]}")
    rows = [("mutant", "points", "verdict", "diagnoses")]
    for v in report.mutants:
        rows.append((v.mutant.name, f"{v.score:g}/{v.max_score:g}", v.verdict, ", ".join(v.diagnoses) or "-"))
    print()
    print_table(rows)
    killed = sum(v.killed for v in report.mutants)
    equivalent = sum(v.equivalent for v in report.mutants)
    fixes = sum(v.fixes_reference for v in report.mutants)
    survived = len(report.survivors)
    print(f"\n{killed} of {len(report.mutants) - equivalent - fixes} mutants killed"
          + (f" ({equivalent} equivalent to the reference, not counted)" if equivalent else "")
          + (f" ({fixes} right where the reference is wrong, not counted)" if fixes else "")
          + (f"; {survived} survived: the checks cannot tell them from the reference" if survived else ""))


def _first_of_each_output(faults: list[ReferenceFault]) -> list[tuple[ReferenceFault, int]]:
    """Per output of the reference that disagrees, its first fault and how many cases it disagrees on."""
    found: dict[tuple[str, str], list] = {}
    for fault in faults:
        found.setdefault((fault.function, fault.output), [fault, 0])[1] += 1
    return [(first, count) for first, count in found.values()]
