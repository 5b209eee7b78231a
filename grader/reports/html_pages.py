"""The file names of the students' pages, and the removal of pages left by
an earlier run.

A page is named from its student's name alone, never from the other files
of the run: a link sent to a student keeps showing that student's grades,
whatever files arrive or leave later. A name that is already a safe,
lower-case file name (`ada`, `s1234567`, `smith_j`) is used as it is; any
other (`Jose_Nunez`, `José Núñez`, `../x`) is reduced to a lower-case slug
and given the first hex digits of a hash of the whole name after a `~`,
which no name used as it is contains: `jose_nunez~cd32e4cb9e.html` (José
Núñez). Two names never share a page, even on a file system that ignores
case.

The pages a run wrote are listed in `pages.json` beside them; the next run
removes those it no longer writes, and nothing else: a file the list does
not name, or that no longer holds a student page, is left alone."""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
from pathlib import Path

from ..atomic import write_text

INDEX = "index.html"
MANIFEST = "pages.json"          # the student pages the last run wrote
MAX_MANIFEST = 64 * 1024 * 1024
MARK = '<meta name="generator" content="backprop-grader: student page">'   # the head of every student page
AS_IT_IS = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
HASH_DIGITS = 10


def page_name(student: str, digits: int = HASH_DIGITS) -> str:
    """The file name of a student's page, from the student's name alone."""
    if AS_IT_IS.fullmatch(student) and student != INDEX.removesuffix(".html"):
        return f"{student}.html"
    ascii_name = unicodedata.normalize("NFKD", student).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9._-]+", "_", ascii_name).strip("._-")[:40].rstrip("._-") or "student"
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{slug}~{digest[:digits]}.html"


def page_names(students: list[str]) -> list[str]:
    """Each student's page name, in order. Should two of these names share
    the first digits of their hash, both get the whole hash."""
    names = [page_name(s) for s in students]
    seen: dict[str, set[str]] = {}
    for student, name in zip(students, names):
        seen.setdefault(name.lower(), set()).add(student)
    return [page_name(s, 64) if len(seen[n.lower()]) > 1 else n for s, n in zip(students, names)]


def written_before(folder: Path) -> list[str]:
    """The student pages the last run wrote in `folder`, as its `pages.json` lists them."""
    data = _read(folder / MANIFEST, MAX_MANIFEST)
    try:
        names = json.loads(data or b"null")
    except (ValueError, RecursionError):
        return []
    if not isinstance(names, list):
        return []
    return [name for name in names if isinstance(name, str) and name.endswith(".html") and "/" not in name
            and "\\" not in name and name not in (INDEX, ".html")]


def record(folder: Path, pages: list[str]) -> None:
    """List the student pages this run wrote, for the next run to remove those it no longer writes."""
    write_text(folder / MANIFEST, json.dumps(pages, indent=0) + "\n")


def remove_stale(folder: Path, pages: list[str]) -> list[str]:
    """Remove the pages an earlier run wrote in `folder` that are not among
    `pages` (the ones this run writes). A page is removed only if it is
    still a regular file that starts as a student page does. Returns the
    names removed."""
    keep = {p.lower() for p in pages}
    removed = []
    for name in written_before(folder):
        if name.lower() not in keep and MARK.encode() in (_read(folder / name, 2048) or b""):
            (folder / name).unlink(missing_ok=True)
            removed.append(name)
    return removed


def _read(path: Path, most: int) -> bytes | None:
    """The first `most` bytes of `path`, if it is a regular file (reached without a link at its end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        return os.read(fd, most) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def check_anchor(function: str, check: str) -> str:
    """The anchor of a check on a student's page, from its function's name
    and its own: the same on every student's page, so the class page can
    link any student's cell of a check to it."""
    return f"{function}--{re.sub(r'[^A-Za-z0-9_]+', '-', check).strip('-') or 'check'}"


def check_anchors(function: str, checks: list[str]) -> list[str]:
    """The anchor of each of a function's checks; a name seen again gets a number."""
    seen: dict[str, int] = {}
    out = []
    for check in checks:
        anchor = check_anchor(function, check)
        seen[anchor] = seen.get(anchor, 0) + 1
        out.append(anchor if seen[anchor] == 1 else f"{anchor}--{seen[anchor]}")   # a slug holds no "--"
    return out
