"""An assignment folder: its spec, reference, starter, instructions and
published public cases, and where to find one by name."""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from .expected import Expected, Reference
from .published import PublishedSource
from .sampling import PUBLIC, Case, cases_for
from .spec import SPEC_FILE, Function, Spec, SpecError, load_spec

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

    def reference_source(self) -> "ReferenceSource":
        return ReferenceSource(self.spec, self.reference)

    def published_source(self) -> PublishedSource:
        return PublishedSource(self.spec, self.folder)

    def hidden_paths(self) -> list[Path]:
        """Folders a student's process must not import from."""
        return [self.folder, self.folder.parent]


class ReferenceSource:
    """Cases sampled from the spec, expected values from the reference (grading
    only: the reference runs in the grading process). Public cases are shared
    by every submission and computed once."""

    def __init__(self, spec: Spec, reference: Reference):
        self.spec, self.reference = spec, reference
        self._cases: dict[tuple[str, int], list[Case]] = {}
        self._expected: dict[tuple, Expected] = {}

    def cases(self, visibility: str, seed: int) -> list[Case]:
        if visibility == PUBLIC:
            seed = self.spec.cases.public_seed
        key = (visibility, seed)
        if key not in self._cases:
            if visibility != PUBLIC:  # one student's hidden cases are not needed again
                self._cases = {k: v for k, v in self._cases.items() if k[0] == PUBLIC}
                self._expected = {k: v for k, v in self._expected.items() if k[0] == PUBLIC}
            self._cases[key] = cases_for(self.spec, visibility, seed)
        return self._cases[key]

    def expected(self, f: Function, case: Case) -> Expected:
        key = (case.visibility, case.seed, case.index, f.name)
        if key not in self._expected:
            self._expected[key] = self.reference.expected(f, case)
        return self._expected[key]


def search_roots() -> list[Path]:
    roots = [Path.cwd() / "assignments", Path(__file__).resolve().parent.parent / "assignments"]
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
