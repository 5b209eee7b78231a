"""A spec as the TOML file reads, edited by a test, and what the spec's
models then report: each error's location and message."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from pydantic import ValidationError

from grader.spec import Spec

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def raw_spec(folder: Path) -> dict:
    """The assignment's spec as its assignment.toml reads, before validation."""
    return tomllib.loads((folder / "assignment.toml").read_text(encoding="utf-8"))


def problems(raw: dict, change) -> list[tuple[tuple, str]]:
    """(location, message) of each error pydantic reports for the spec `change` made of a copy of `raw`."""
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(ValidationError) as info:
        Spec.model_validate(data)
    return [(e["loc"], e["msg"]) for e in info.value.errors()]
