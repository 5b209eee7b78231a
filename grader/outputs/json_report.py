"""`grades.json`: the result model in its JSON form, for scripts."""
from __future__ import annotations

import json
from pathlib import Path

from ..results import AssignmentResult
from .atomic import write_text

FILENAME = "grades.json"


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return [write_text(Path(folder) / FILENAME, text)]
