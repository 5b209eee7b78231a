"""The reference's case pool, kept on disk: the public cases and the pool
hidden cases are chosen from, with everything the reference says about
them. Computing it means finite differences of the reference on every case
(seconds, tens of seconds for big layers); a later run with the same spec,
reference, support files, grader and numpy reads it back instead.

It lives in the assignment folder (`.pool/`), beside the reference: it holds
hidden inputs and answers, so it goes wherever the reference goes and never
into a report folder. A pool that cannot be read is computed again; one
that cannot be written is simply not kept."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from .. import build_id
from .expected import Expected
from ..atomic import write_text
from .public import CaseJSON, Value, expected_from, from_json, function_case, to_json
from ..cases.sampling import Case

POOL_FOLDER = ".pool"


class PoolCaseJSON(CaseJSON):
    visibility: str
    redrawn: dict[str, int] = {}
    inputs: dict[str, dict[str, Value]] = {}   # functions with no expected values of their own


class PoolJSON(BaseModel):
    key: str
    cases: list[PoolCaseJSON]


def source_files(spec_file: Path, reference: Path, support: Path | None) -> list[Path]:
    """Every file the reference's answers depend on."""
    files = [spec_file, reference]
    if support and support.is_dir():
        files += sorted(p for p in support.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                        and not any(part.startswith(".") for part in p.relative_to(support).parts))
    return files


def pool_key(files: list[Path]) -> str:
    h = hashlib.sha256(f"{build_id()}\0numpy {np.__version__}".encode())
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


class CasePool:
    """One assignment's pool file."""

    def __init__(self, folder: Path, key: str):
        self.path, self.key = folder / POOL_FOLDER / f"{key[:24]}.json", key

    def read(self) -> list[tuple[Case, dict[str, Expected]]]:
        try:
            doc = PoolJSON.model_validate_json(self.path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return []
        if doc.key != self.key:
            return []
        try:
            return [_case_from(c) for c in doc.cases]
        except (KeyError, TypeError, ValueError):
            return []

    def write(self, cases: list[tuple[Case, dict[str, Expected]]]) -> None:
        doc = PoolJSON(key=self.key, cases=[_case_json(case, expected) for case, expected in cases])
        try:
            self.path.parent.mkdir(exist_ok=True)
            write_text(self.path, doc.model_dump_json())
            for old in self.path.parent.glob("*.json"):  # pools of older versions of the files
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass


def _case_json(case: Case, expected: dict[str, Expected]) -> PoolCaseJSON:
    return PoolCaseJSON(
        visibility=case.visibility, index=case.index, seed=case.seed, dims=case.dims, redrawn=case.redrawn,
        functions={name: function_case(exp, case.inputs[name], binary=True) for name, exp in expected.items()},
        inputs={name: {k: to_json(v, binary=True) for k, v in args.items()}
                for name, args in case.inputs.items() if name not in expected})


def _case_from(c: PoolCaseJSON) -> tuple[Case, dict[str, Expected]]:
    inputs = {name: {k: from_json(v) for k, v in args.items()} for name, args in c.inputs.items()}
    inputs.update({name: {k: from_json(v) for k, v in fc.inputs.items()} for name, fc in c.functions.items()})
    case = Case(c.visibility, c.index, c.seed, c.dims, inputs, redrawn=dict(c.redrawn))
    return case, {name: expected_from(fc) for name, fc in c.functions.items()}
