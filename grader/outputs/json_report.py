"""`grades.json`: the result model in its JSON form, for scripts."""
from __future__ import annotations

from pathlib import Path

from pydantic_core import to_json

from ..results import AssignmentResult
from .atomic import write_text

FILENAME = "grades.json"


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    # pydantic's encoder: the json module indents only with its pure-Python encoder,
    # several times slower. Written from the dump, not with model_dump_json, so that
    # NaN and infinities stay NaN and Infinity (that writes null, which reads back as no float).
    text = to_json(result.model_dump(mode="json"), indent=2, inf_nan_mode="constants").decode() + "\n"
    return [write_text(Path(folder) / FILENAME, text)]
