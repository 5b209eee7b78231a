"""`grades.json`: the result model in its JSON form, for scripts."""
from __future__ import annotations

from pathlib import Path

from ..results import AssignmentResult
from ..atomic import write_text

FILENAME = "grades.json"


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    # The result models write NaN and infinities as NaN and Infinity (see results.Record).
    return [write_text(Path(folder) / FILENAME, result.model_dump_json(indent=2) + "\n")]
