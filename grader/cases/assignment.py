"""An assignment folder: its spec, reference, starter, instructions and
published public cases, and where to find one by name."""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from ..reference.audit import ReferenceFault, WrongReference, case_label, disagreements
from ..reference.expected import Expected, Reference
from ..reference.public import PublishedSource
from .sampling import HIDDEN, PUBLIC, Case, pooled_indices, sample_case
from ..reference.case_pool import CasePool, pool_key, source_files
from ..spec import SPEC_FILE, Function, Spec, SpecError, load_spec, spec_path
from ..spec.consistency import feeders as forwards_fed

REFERENCE, STARTER, INSTRUCTIONS = "reference.py", "starter.py", "instructions.md"
SEARCH_ENV = "BACKPROP_GRADER_ASSIGNMENTS"


class Assignment:
    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()
        self.spec: Spec = load_spec(self.folder)

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def reference(self) -> Reference:
        return Reference(self.spec, self.folder / REFERENCE)

    def source_files(self) -> list[Path]:
        """The files a grade depends on besides the submission: spec, reference, support modules."""
        return source_files(spec_path(self.folder), self.folder / REFERENCE, self.spec.support_path)

    def reference_source(self, strict: bool = True) -> "ReferenceSource":
        """The reference's cases, starting from the pool kept on disk when it is up to date."""
        return ReferenceSource(self.spec, self.reference, pool=CasePool(self.folder, pool_key(self.source_files())),
                               strict=strict)

    def published_source(self) -> PublishedSource:
        return PublishedSource(self.spec, self.folder)

    def hidden_paths(self) -> list[Path]:
        """Folders a student's process must not import from."""
        return [self.folder, self.folder.parent]


class ReferenceSource:
    """Cases sampled from the spec, expected values from the reference (grading
    only: the reference runs in the grading process). Public cases, and the
    pool hidden cases are chosen from, are shared by a class and computed once.
    `pooled=False` draws fresh hidden cases for every seed (validation).

    Each case computed here is audited (reference/audit.py): where the
    reference's derivatives disagree with finite differences of its own
    forward, a `strict` source refuses (WrongReference) and any other keeps
    the faults in `faults`. A pool read back was audited when computed."""

    def __init__(self, spec: Spec, reference: Reference, pooled: bool = True, pool: CasePool | None = None,
                 strict: bool = True):
        self.spec, self.reference, self.strict = spec, reference, strict
        self.pooled = pooled and spec.cases.hidden_pool > 0
        self.faults: list[ReferenceFault] = []
        self._shared: dict[tuple[str, int], Case] = {}
        self._fresh: dict[tuple[str, int, int], Case] = {}   # drawn for one seed, kept while the source lives
        self._expected: dict[tuple, Expected] = {}
        self.pool, self.computed = pool, 0   # shared cases computed here, not read from the pool
        for case, expected in pool.read() if pool else []:
            self._shared[(case.visibility, case.index)] = case
            for name, exp in expected.items():
                self._expected[(case.visibility, case.seed, case.index, name)] = exp

    def keep(self) -> None:
        """Save the shared cases to the pool on disk, if any were computed here."""
        if self.pool and self.computed:
            self.pool.write([(case, {k[3]: exp for k, exp in self._expected.items() if k[:3] == (case.visibility,
                                     case.seed, case.index)}) for case in self._shared.values()])
            self.computed = 0

    def cases(self, visibility: str, seed: int) -> list[Case]:
        c = self.spec.cases
        if visibility == PUBLIC:
            return [self._case(PUBLIC, i + 1, c.public_seed, shared=True) for i in range(c.public)]
        if not self.pooled:
            return [self._case(HIDDEN, i + 1, seed, shared=False) for i in range(c.hidden)]
        return [self._case(HIDDEN, k + 1, c.public_seed, shared=True) for k in pooled_indices(self.spec, seed)]

    def _case(self, visibility: str, index: int, seed: int, shared: bool) -> Case:
        """A case and its expected values, computed once: shared ones for the
        class (and the pool), fresh ones for their seed."""
        kept, key = (self._shared, (visibility, index)) if shared else (self._fresh, (visibility, index, seed))
        if key in kept:
            return kept[key]
        case = sample_case(self.spec, visibility, index, seed)
        for f in self.spec.graded:
            self._expect_smooth(f, case)
        kept[key] = case
        if shared:
            self.computed += 1
        return case

    def _expect_smooth(self, f: Function, case: Case) -> None:
        """Compute f's expected values, redrawing its inputs while a finite
        difference straddles a kink (a bounded number of times, recorded)."""
        feeders = [f.name] + forwards_fed(self.spec, f)  # a cache's (an output's) forward inputs are f's too
        exp = self.reference.expected(f, case)
        while not self.reference.smooth_at(f, exp) and case.redrawn.get(f.name, 0) < self.spec.checks.kink_redraws:
            for name in feeders:
                case.redraw(self.spec, name)
            exp = self.reference.expected(f, case)
        self._keep_audited(f, case, exp)
        for name in feeders[1:]:
            if case.redrawn.get(name):  # its inputs changed under it
                forward = self.spec.function(name)
                self._keep_audited(forward, case, self.reference.expected(forward, case))

    def _keep_audited(self, f: Function, case: Case, exp: Expected) -> None:
        """Keep f's expected values on the case once the reference's derivatives pass their own check."""
        label = case_label(case, self.pooled)
        faults = disagreements(self.spec, f, case, exp, label)
        for name, other in exp.conventions.items():   # each accepted convention must hold up too
            faults += disagreements(self.spec, f, case, other, f"{label}, under the convention {name}")
        if faults and self.strict:
            raise WrongReference(self.spec.name, self.reference.path, faults)
        self.faults += faults
        self._expected[(case.visibility, case.seed, case.index, f.name)] = exp

    def expected(self, f: Function, case: Case) -> Expected:
        key = (case.visibility, case.seed, case.index, f.name)
        if key not in self._expected:  # only fresh hidden cases are ever missing
            self._expect_smooth(f, case)
        return self._expected[key]


def search_roots() -> list[Path]:
    roots = [Path.cwd() / "assignments", Path(__file__).resolve().parents[2] / "assignments"]
    extra = os.environ.get(SEARCH_ENV)
    if extra:
        roots = [Path(p) for p in extra.split(os.pathsep)] + roots
    return roots


def find_assignment(name_or_path: str) -> Path:
    """A folder holding assignment.toml: the path itself, or NAME under the
    search roots (./assignments, the project's assignments, $BACKPROP_GRADER_ASSIGNMENTS)."""
    path = Path(name_or_path)
    if path.is_file() and path.name == SPEC_FILE:
        return path.parent
    if (path / SPEC_FILE).is_file():
        return path
    for root in search_roots():
        if (root / name_or_path / SPEC_FILE).is_file():
            return root / name_or_path
    raise SpecError(f"no assignment {name_or_path!r}: not a folder with {SPEC_FILE}, and not found in "
                    + ", ".join(str(r) for r in search_roots()))


def is_assignment_name(name: str) -> bool:
    try:
        find_assignment(name)
        return True
    except SpecError:
        return False
