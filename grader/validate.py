"""`grade validate`: an assignment checks itself. The reference must get full
marks on every one of K seeds (each with fresh hidden cases), and every
mutant of the reference must lose points in the function it touches."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .assignment import Assignment, ReferenceSource
from .grading import Submission, grade_submission
from .inprocess import InProcess
from .mutants import Mutant, mutants_of


@dataclass
class MutantVerdict:
    mutant: Mutant
    score: float
    max_score: float
    diagnoses: list[str]

    @property
    def killed(self) -> bool:
        return self.score < self.max_score


@dataclass
class Validation:
    seeds: int
    reference_failures: list[str] = field(default_factory=list)   # "seed 7: score_grads: ds_dW gradient: ..."
    mutants: list[MutantVerdict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reference_failures and all(m.killed for m in self.mutants)


def validate(a: Assignment, seeds: int = 50) -> Validation:
    report = Validation(seeds)
    reference = Submission("reference", a.reference.path)
    fresh = ReferenceSource(a.spec, a.reference, pooled=False)
    for seed in range(seeds):
        result = grade_submission(a.spec, fresh, reference, seed=seed, runner=InProcess)
        report.reference_failures += [f"seed {seed}: {f.name}: {c.name}: {c.message}"
                                      for f in result.functions for c in f.checks if c.status != "passed"]
    shared = a.reference_source()
    with tempfile.TemporaryDirectory(prefix="bpg-mutants-") as folder:
        for m in mutants_of(a.spec):
            path = m.write(Path(folder), a.reference.path, a.spec)
            result = grade_submission(a.spec, shared, Submission(m.name, path), seed=0, runner=InProcess)
            [fr] = [f for f in result.functions if f.name == m.function]
            diagnoses = sorted({c.diagnosis for c in fr.checks if c.diagnosis and c.output == m.output})
            report.mutants.append(MutantVerdict(m, fr.score, fr.max_score, diagnoses))
    return report


def print_validation(report: Validation, name: str) -> None:
    ok = not report.reference_failures
    print(f"{name}: reference over {report.seeds} seeds: "
          + ("full marks on every seed" if ok else f"{len(report.reference_failures)} failed checks"))
    for line in report.reference_failures[:20]:
        print(f"  {line.splitlines()[0]}")
    rows = [("mutant", "points", "verdict", "diagnoses")]
    for v in report.mutants:
        rows.append((v.mutant.name, f"{v.score:g}/{v.max_score:g}", "killed" if v.killed else "SURVIVED",
                     ", ".join(v.diagnoses) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    survived = sum(not v.killed for v in report.mutants)
    print(f"\n{len(report.mutants) - survived} of {len(report.mutants)} mutants killed"
          + (f"; {survived} survived: the checks cannot tell them from the reference" if survived else ""))
