"""Each submission's result, saved atomically the moment it is graded, under
`<out>/<assignment>/results/`. A run that is killed loses nothing already
graded; a run again grades only what is missing or changed: a result is
reused while its key (a hash of the submission, the spec, the reference,
the grader version and the seed) is unchanged."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .. import build_id
from ..atomic import write_text
from ..results import SubmissionResult


class Stored(BaseModel):
    key: str
    result: SubmissionResult


def result_key(files: list[Path], seed: int, mode: str) -> str:
    h = hashlib.sha256(f"{build_id()}\0{seed}\0{mode}".encode())
    for f in files:
        h.update(os.fsencode(f.name) + b"\0")  # a file name need not be UTF-8
        h.update(b"<link>" if f.is_symlink() else b"")  # refused, unlike a copy of the same bytes
        h.update(f.read_bytes() if f.is_file() else b"<missing>")
    return h.hexdigest()


class ResultStore:
    def __init__(self, folder: Path):
        self.folder = folder / "results"

    def path(self, student: str) -> Path:
        safe = hashlib.sha256(student.encode()).hexdigest()[:10]
        return self.folder / f"{''.join(c if c.isalnum() or c in '-_' else '_' for c in student)[:60]}-{safe}.json"

    def load(self, student: str, key: str) -> SubmissionResult | None:
        path = self.path(student)
        try:
            stored = Stored.model_validate_json(path.read_bytes())  # bytes: parsed without a decoded copy
        except (OSError, ValidationError, ValueError):
            return None
        return stored.result if stored.key == key else None

    def save(self, key: str, result: SubmissionResult) -> None:
        """Atomically (atomic.py): a temporary file put in the result's
        place in one step, so a reader (or a run killed at any moment, even
        with SIGKILL) sees the old result or the new one, never half of one.
        There is no fsync: it would cost milliseconds per submission and only
        matters if the machine loses power, after which the next run grades
        again what was lost."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(result.student)
        write_text(path, Stored(key=key, result=result).model_dump_json())
