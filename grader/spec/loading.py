"""Loading a spec from `assignment.toml`, and the errors an instructor gets
for one that cannot be used."""
from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

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
        data = tomllib.loads(_spec_text(path))
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML: {e}") from None
    try:
        spec = Spec.model_validate(data)
    except ValidationError as e:
        raise SpecError(f"{path}: invalid spec:\n" + describe_problems(e, data)) from None
    spec._folder = path.parent.resolve()
    if spec.support and not (spec._folder / spec.support).is_dir():
        raise SpecError(f"{path}: support: no folder {spec.support!r} beside the spec")
    return spec


def _spec_text(path: Path) -> str:
    """The spec's text. TOML is UTF-8: a file saved in another encoding (a
    Latin-1 "é") is a SpecError naming the line and byte where it stops being UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SpecError(f"{path}: cannot read it: {e.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise SpecError(f"{path}, line {line}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); "
                        "a TOML file is UTF-8: save it in that encoding") from None


def describe_problems(error: ValidationError, data: dict, root: type[BaseModel] = Spec) -> str:
    """One line per problem: where it is, with the names of the functions,
    arguments and outputs on the way (from `data`, the spec as read), and
    what it is. `root`: the model that read `data` (another file's, such as adjustments.toml)."""
    lines = []
    for problem in error.errors():
        where = _place(problem["loc"], data)
        message = unknown_key(problem["loc"], root) if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"  {where}: {message}" if where else f"  {message}")
    return "\n".join(lines)


def unknown_key(location: tuple, root: type[BaseModel]) -> str:
    """A key no model declares (most often a misspelt one), with the key it
    was likely meant to be, or else the keys allowed there."""
    key, model = location[-1], _model_at(location[:-1], root)
    if model is None:
        return f"unknown key {key!r}"
    known = [field.alias or name for name, field in model.model_fields.items()]   # `for`, as the spec says it
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; the keys here are {', '.join(known)}"


def _model_at(location: tuple, root: type[BaseModel]) -> type[BaseModel] | None:
    """The model that reads the table at `location` (as pydantic gives it:
    list indices, and a sample's kind after `sample`), or None if unsure."""
    candidates: list[type[BaseModel]] = [root]
    for part in location:
        if isinstance(part, int):
            continue
        tagged = [m for m in candidates if part in get_args(getattr(m.model_fields.get("kind"), "annotation", None))]
        candidates = tagged or [found for m in candidates if part in m.model_fields
                                for found in _models_in(m.model_fields[part].annotation)]
    return candidates[0] if len(candidates) == 1 else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds: [Function] for list[Function], a sample's kinds for Distribution."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


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
