"""Loading a spec from `assignment.toml`, and the errors an instructor gets
for one that cannot be used."""
from __future__ import annotations

import json
import sys
from pathlib import Path

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
        raise SpecError(f"{path}: invalid spec:\n" + _describe(e)) from None
    spec._folder = path.parent.resolve()
    if spec.support and not (spec._folder / spec.support).is_dir():
        raise SpecError(f"{path}: support: no folder {spec.support!r} beside the spec")
    return spec


def _describe(error: ValidationError) -> str:
    lines = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-after"))
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {loc}: {msg}" if loc else f"  {msg}")
    return "\n".join(lines)


def json_schema() -> str:
    return json.dumps(Spec.model_json_schema(), indent=2)
