"""`grade validate`: an assignment checks itself. The reference must get full
marks on every one of K seeds (each with fresh hidden cases), and every
mutant of the reference must lose points in the function it touches."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..cases.assignment import Assignment, ReferenceSource
from ..judge.diagnosis import close
from ..reference.expected import by_name, import_trusted
from ..grading import Submission, grade_submission
from ..sandbox.trusted import InProcess
from .mutants import Mutant, mutants_of
from ..reports.terminal import print_table
from ..cases.sampling import HIDDEN, PUBLIC


@dataclass
class MutantVerdict:
    mutant: Mutant
    score: float
    max_score: float
    diagnoses: list[str]
    equivalent: bool = False   # returns what the reference returns on every case: not a mistake at all

    @property
    def killed(self) -> bool:
        return self.score < self.max_score

    @property
    def verdict(self) -> str:
        return "killed" if self.killed else "equivalent" if self.equivalent else "SURVIVED"


@dataclass
class Validation:
    seeds: int
    reference_failures: list[str] = field(default_factory=list)   # "seed 7: score_grads: ds_dW gradient: ..."
    mutants: list[MutantVerdict] = field(default_factory=list)

    @property
    def survivors(self) -> list[MutantVerdict]:
        return [m for m in self.mutants if m.verdict == "SURVIVED"]

    @property
    def ok(self) -> bool:
        return not self.reference_failures and not self.survivors


def validate(a: Assignment, seeds: int = 50) -> Validation:
    report = Validation(seeds)
    reference = Submission("reference", a.reference.path)
    fresh = ReferenceSource(a.spec, a.reference, pooled=False, strict=False)
    for seed in range(seeds):
        result = grade_submission(a.spec, fresh, reference, seed=seed, runner=InProcess)
        report.reference_failures += [f"seed {seed}: {f.name}: {c.name}: {c.message}"
                                      for f in result.functions for c in f.checks if c.status != "passed"]
    shared = a.reference_source(strict=False)
    with tempfile.TemporaryDirectory(prefix="bpg-mutants-") as folder:
        for m in mutants_of(a.spec):
            path = m.write(Path(folder), a.reference.path, a.spec)
            result = grade_submission(a.spec, shared, Submission(m.name, path), seed=0, runner=InProcess)
            [fr] = [f for f in result.functions if f.name == m.function]
            diagnoses = sorted({c.diagnosis for c in fr.checks if c.diagnosis and c.output == m.output})
            verdict = MutantVerdict(m, fr.score, fr.max_score, diagnoses)
            verdict.equivalent = not verdict.killed and _equivalent(a, shared, m, path)
            report.mutants.append(verdict)
    return report


def _equivalent(a: Assignment, source: ReferenceSource, m: Mutant, path: Path) -> bool:
    """Whether a mutant returns exactly what the reference returns on every
    case (a transposed symmetric matrix, say): no check could, or should, tell."""
    f = a.spec.function(m.function)
    mutant = import_trusted(path, f"_equivalence_{m.function}")
    for visibility in (PUBLIC, HIDDEN):
        for case in source.cases(visibility, 0):
            args = case.inputs[f.name]
            values = [a.reference.resolve(v, case) for v in args.values()]
            ours = by_name(f, a.reference.call(f.target, args, case))
            theirs = by_name(f, getattr(mutant, f.target)(*values))
            if not all(close(theirs[name], value) for name, value in ours.items()):
                return False
    return True


def print_validation(report: Validation, name: str) -> None:
    ok = not report.reference_failures
    print(f"{name}: reference over {report.seeds} seeds: "
          + ("full marks on every seed" if ok else f"{len(report.reference_failures)} failed checks"))
    for line in report.reference_failures[:20]:
        print(f"  {line.splitlines()[0]}")
    rows = [("mutant", "points", "verdict", "diagnoses")]
    for v in report.mutants:
        rows.append((v.mutant.name, f"{v.score:g}/{v.max_score:g}", v.verdict, ", ".join(v.diagnoses) or "-"))
    print()
    print_table(rows)
    killed = sum(v.killed for v in report.mutants)
    equivalent = sum(v.equivalent for v in report.mutants)
    survived = len(report.survivors)
    print(f"\n{killed} of {len(report.mutants) - equivalent} mutants killed"
          + (f" ({equivalent} equivalent to the reference, not counted)" if equivalent else "")
          + (f"; {survived} survived: the checks cannot tell them from the reference" if survived else ""))
