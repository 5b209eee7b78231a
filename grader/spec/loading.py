"""Loading a spec from `assignment.toml`, and the errors an instructor gets
for one that cannot be used."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .models import Spec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SPEC_FILE = "assignment.toml"


class SpecError(Exception):
    """A spec that cannot be used; the message names the file, the field and the problem."""


def spec_path(location: str | Path) -> Path:
    """The spec file itself, given it or the assignment folder that holds it."""
    path = Path(location)
    return path / SPEC_FILE if path.is_dir() else path


def load_spec(location: str | Path) -> Spec:
    """Read and validate a spec (a folder holding assignment.toml, or the file)."""
    path = spec_path(location)
    if not path.is_file():
        raise SpecError(f"{path}: no spec file here (expected {SPEC_FILE})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML: {e}") from None
    try:
        spec = Spec.model_validate(data)
    except ValidationError as e:
        raise SpecError(f"{path}: invalid spec:\n" + _describe(e, data)) from None
    spec._folder = path.parent.resolve()
    if spec.support and not (spec._folder / spec.support).is_dir():
        raise SpecError(f"{path}: support: no folder {spec.support!r} beside the spec")
    return spec


def _describe(error: ValidationError, data: dict) -> str:
    """One line per problem: where it is, with the names of the functions,
    arguments and outputs on the way (from `data`, the spec as read), and what it is."""
    lines = []
    for problem in error.errors():
        where = _place(problem["loc"], data)
        lines.append(f"  {where}: {problem['msg']}" if where else f"  {problem['msg']}")
    return "\n".join(lines)


def _place(location: tuple, data: Any) -> str:
    """A location such as ("functions", 2, "args", 0, "shape") as
    `functions[2] (score).args[0] (x).shape`."""
    text, node = "", data
    for part in location:
        if isinstance(node, dict) and part not in node and part == node.get("kind"):
            continue  # pydantic names the member of a tagged union (a sample's kind); the spec does not
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            name = node.get("name") if isinstance(node, dict) else None
            text += f"[{part}]" + (f" ({name})" if isinstance(name, str) else "")
        else:
            node = node.get(part) if isinstance(node, dict) else None
            text += f".{part}" if text else str(part)
    return text


def json_schema() -> str:
    """The JSON Schema of assignment.toml, for editors and for `grade schema`."""
    return json.dumps(Spec.model_json_schema(), indent=2)
