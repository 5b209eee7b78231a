"""When a submission was handed in, and by which clock, in this order:
Gradescope's submission time (`created_at` in submission_metadata.json,
`grade gradescope` only); the commit `grade collect` recorded for it
(`committed_at` in collection.json beside the submissions); the time of
the commit checked out in the student's folder, where that folder is a git
checkout of its own; else the modification time of the submission's file.

A student's git folder is untrusted: its configuration must run nothing.
Git is asked only for the raw commit object (`cat-file`, plumbing: no
pager, no hooks, no signature checks), with the settings that could start a
program (fsmonitor, hooks, pager, a lazy fetch) turned off from the command
line, which outranks the folder's own configuration, and without the
system's configuration. Any failure falls back to the file's time, and says why."""
from __future__ import annotations

import json
import os
import stat
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..cases.discover import Found
from ..collect import COLLECTION_FILE
from ..collect.record import read_collection
from ..names import student_name
from ..results import TimeSource

GIT_TIMEOUT = 30   # seconds
SAFE_GIT = ["git", "-c", "core.fsmonitor=", "-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never",
            "-c", "core.askPass=", "--no-pager"]
SAFE_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_NO_LAZY_FETCH": "1",
            "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_PAGER": "cat", "PAGER": "cat"}


@dataclass(frozen=True)
class Submitted:
    """A submission's time, the clock it came from, and why an earlier clock was not used (if one could not be)."""
    at: datetime
    source: TimeSource
    note: str = ""


class UnreadableTime(Exception):
    """A source that should give a time, but whose time could not be read; the message says why."""


def gradescope_time(metadata: Path) -> datetime | None:
    """`created_at` of Gradescope's submission_metadata.json, or None where there is none."""
    return _metadata_time(metadata, "created_at")


def gradescope_due(metadata: Path) -> datetime | None:
    """The assignment's `due_date` in Gradescope's submission_metadata.json, or None where there is none."""
    return _metadata_time(metadata, "assignment", "due_date")


def _metadata_time(metadata: Path, *keys: str) -> datetime | None:
    try:
        data = json.loads(metadata.read_text(encoding="utf-8"))
        for key in keys:
            data = data[key]
        return _aware(datetime.fromisoformat(str(data).replace("Z", "+00:00")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def collection_times(folder: Path) -> dict[str, datetime]:
    """Each submission's `committed_at`, from the collection.json `grade collect`
    wrote beside the submissions (read as collect reads it); empty where there
    is none. An entry without a readable time is left out. Raises
    UnreadableTime for a collection.json that is there but cannot be read."""
    try:
        collection = read_collection(folder)
    except ValueError as e:
        path = folder / COLLECTION_FILE
        raise UnreadableTime(f"{path} cannot be read: {str(e).removeprefix(f'{path}: ')}") from None
    times = {}
    for entry in collection.submissions if collection else []:
        try:
            times[student_name(entry.submission)] = _aware(datetime.fromisoformat(
                entry.committed_at.replace("Z", "+00:00")))
        except ValueError:
            continue
    return times


def commit_time(folder: Path) -> datetime:
    """The committer's time of the commit checked out in `folder` (which holds
    a `.git` folder), read without letting the folder's configuration run anything."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | SAFE_ENV
    env["GIT_CEILING_DIRECTORIES"] = str(folder.parent)
    try:
        done = subprocess.run([*SAFE_GIT, f"--git-dir={folder / '.git'}", f"--work-tree={folder}", "cat-file",
                               "commit", "HEAD"], check=False, env=env, cwd=folder, capture_output=True, timeout=GIT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise UnreadableTime(f"git could not be run ({e})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnreadableTime(f"git could not read its commit ({said[-1] if said else f'exit {done.returncode}'})")
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("committer "):
            return _from_git(line)
        if not line:
            break
    raise UnreadableTime("its commit names no committer")


def _from_git(line: str) -> datetime:
    """The time on a commit's `committer NAME <EMAIL> SECONDS +HHMM` line, in its own offset."""
    try:
        seconds, offset = line.rsplit(" ", 2)[1:]
        hours, minutes = int(offset[1:3]), int(offset[3:5])
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(timedelta(seconds=sign * (hours * 3600 + minutes * 60)))
        return datetime.fromtimestamp(int(seconds), zone)
    except (ValueError, IndexError, OverflowError):
        raise UnreadableTime(f"its commit's time cannot be read ({line[-40:]!r})") from None


def file_time(path: Path) -> datetime:
    """The modification time of `path` (the link itself, never where it leads)."""
    return datetime.fromtimestamp(os.lstat(path).st_mtime, timezone.utc)


def student_folder(sub: Found) -> Path | None:
    """The folder a student's submission was handed in as, if it was one (not a file in the batch folder)."""
    try:
        parts = sub.path.relative_to(sub.root).parts
    except ValueError:
        return None
    return sub.root / parts[0] if len(parts) > 1 else None


def is_checkout(folder: Path) -> bool:
    """Whether `folder` is a git checkout of its own: it holds a real `.git` folder (not a link)."""
    try:
        return stat.S_ISDIR(os.lstat(folder / ".git").st_mode)
    except OSError:
        return False


def submission_time(sub: Found, collected: dict[str, datetime]) -> Submitted | None:
    """When `sub` was handed in, by the first clock that gives a time; None where none does."""
    if sub.student in collected:
        return Submitted(collected[sub.student], "collection")
    folder = student_folder(sub)
    note = ""
    if folder is not None and is_checkout(folder):
        try:
            return Submitted(commit_time(folder), "commit")
        except UnreadableTime as e:
            note = f"{e}; the file's time is used"
    for path in (sub.path, folder):
        if path is not None:
            try:
                return Submitted(file_time(path), "file", note)
            except OSError:
                continue
    return None


def _aware(t: datetime) -> datetime:
    """A time without an offset is taken as UTC."""
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)
