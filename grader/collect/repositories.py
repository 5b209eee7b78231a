"""The list `grade collect` reads: a CSV file with a header row and two
columns, `submission` (the student's folder in the submissions folder, and
their name in every report: for GitHub Classroom, the student's user name)
and `repository` (a git URL, `https://...`, `ssh://...` or `git@host:path`,
or a repository's folder on this machine, relative to the CSV file's
folder). A row that cannot be collected (no name, a name that is not a
folder's, a name listed twice, no repository) is set aside with the reason;
the other rows are collected."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import COLLECTION_FILE
from .git import hide_credentials

COLUMNS = ("submission", "repository")
URL = re.compile(r"^(https?|ssh|git|file)://", re.IGNORECASE)
SCP_LIKE = re.compile(r"^[^/\\:]{2,}:")              # git@github.com:org/repo (a drive letter, C:, is one character)
TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")  # ext::command runs a command: never


@dataclass(frozen=True)
class Listed:
    submission: str
    repository: str      # as the file gives it, any password hidden: what the record shows
    remote: str          # what git fetches from: the URL, or the folder as an absolute path


@dataclass(frozen=True)
class Rejected:
    submission: str
    repository: str
    problem: str


@dataclass
class Listing:
    repositories: list[Listed] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def read_repositories(path: Path) -> Listing:
    """The rows of the CSV file at `path`; ValueError where it is not such a file."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ValueError(f"{path}: cannot read the list of repositories ({e})") from None
    header = [name.strip().lower() for name in rows[0]] if rows else []
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        raise ValueError(f"{path}: the header row must name the columns {', '.join(COLUMNS)}"
                         + (f"; it lacks {', '.join(missing)}" if missing else "")
                         + (f"; it has {', '.join(map(repr, unknown))}, which grade collect does not know" if unknown
                            else ""))
    listing, rows_of = Listing(), {}
    for n, row in enumerate(rows[1:], start=2):
        values = dict(zip(header, (cell.strip() for cell in row)))
        if not any(values.values()):
            continue
        submission, repository = values.get("submission", ""), values.get("repository", "")
        shown = hide_credentials(repository)
        problem = (name_problem(submission) or repository_problem(repository)
                   or (f"listed twice, in rows {rows_of[submission]} and {n}" if submission in rows_of else None))
        if problem:
            listing.rejected.append(Rejected(submission or f"(row {n})", shown, problem))
            continue
        rows_of[submission] = n
        listing.repositories.append(Listed(submission, shown, remote(repository, path.parent)))
    return listing


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a student's folder in the submissions folder, or None."""
    if not name:
        return "no submission name"
    if any(c in name for c in "/\\\0") or name in (".", ".."):
        return "a submission's name is a folder's name: no /, \\, . or .."
    if name.startswith((".", "_")):
        return "grade skips folders whose name starts with . or _"
    if name == COLLECTION_FILE:
        return f"{COLLECTION_FILE} is the record of the collection itself"
    if not name.isprintable() or len(name.encode("utf-8", "surrogateescape")) > 255:
        return "a submission's name is a folder's name: printable, and at most 255 bytes"
    return None


def repository_problem(repository: str) -> str | None:
    if not repository:
        return "no repository"
    if repository.startswith("-"):
        return "not a git URL or a folder (it starts with -)"
    if TRANSPORT.match(repository) and not URL.match(repository):
        return "git's transport::address form is not collected from: give an https or ssh URL, or a folder"
    return None


def remote(repository: str, base: Path) -> str:
    """What git is given: a URL as it is, a folder made absolute (relative to `base`)."""
    if URL.match(repository) or SCP_LIKE.match(repository):
        return repository
    return str((base / Path(repository).expanduser()).absolute())
