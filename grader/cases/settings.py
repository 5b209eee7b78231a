"""`grade.toml`: the class's settings, kept beside its submissions.

`grade` reads a `grade.toml` in an assignment's submissions folder
(`submissions/ner_window/grade.toml`) and one in the folder above it
(`submissions/grade.toml`, for every assignment there); where both set a
key, the assignment's own wins. A path in the file is relative to the file.
What the command line says (`--roster`) wins over both.

Each key is a field of `Settings`, validated by pydantic; a key it does not
declare is refused, with the key it was likely meant to be. To add a key,
add a field (a `Path` field is read relative to its file, as `roster` is)."""
from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .discover import SETTINGS as FILENAME
from .discover import UsageError
from ..spec.loading import unknown_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class Settings(BaseModel):
    """What a `grade.toml` may say."""
    model_config = ConfigDict(extra="forbid")
    roster: Path | None = None   # the class roster, a CSV (reports/roster.py says its columns)


def read_settings(batch_folder: Path) -> Settings:
    """The settings for the submissions in `batch_folder`: its `grade.toml`
    over the one in the folder above."""
    merged: dict = {}
    for folder in (batch_folder.parent, batch_folder):   # the nearer one last: its keys win
        path = folder / FILENAME
        if path.is_file():
            settings = read_file(path)
            for key in settings.model_fields_set:
                merged[key] = getattr(settings, key)
    return Settings.model_validate(merged)


def read_file(path: Path) -> Settings:
    """One `grade.toml`, its paths made relative to its folder. A file that is
    not TOML, or says what Settings does not, is a usage error naming the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"{path}: cannot read it as TOML ({e})") from None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as e:
        raise UsageError(f"{path}: " + "; ".join(_problem(p) for p in e.errors())) from None
    for key in settings.model_fields_set:
        value = getattr(settings, key)
        if isinstance(value, Path) and not value.is_absolute():
            setattr(settings, key, path.parent / value)
    return settings


def _problem(problem: dict) -> str:
    where = ".".join(map(str, problem["loc"]))
    if problem["type"] != "extra_forbidden":
        return f"{where}: {problem['msg']}"
    return unknown_key(problem["loc"], Settings)
