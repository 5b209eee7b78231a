"""A commit's tree, written as plain files into a new folder: each file's
bytes as the repository stores them, read with `git ls-tree` and `git
cat-file`, never checked out, so no filter, attribute or hook of the
repository's has a say.

Only regular files and folders are made, and only new ones (O_EXCL,
O_NOFOLLOW), so nothing written can lead outside the folder: a symbolic
link is written as a file holding where it leads (as git does with
`core.symlinks=false`); a submodule is left out; a Git LFS file is written
as the pointer it is stored as; a path that git itself would refuse to
check out (`..`, a `.git` folder) is left out. Each of these is noted."""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..names import printable
from .git import GitError, Scratch

LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    mode: str        # 100644, 100755, 120000 (a symbolic link), 160000 (a submodule)
    oid: str
    path: bytes      # as stored: any bytes but NUL, parts separated by /

    @property
    def shown(self) -> str:
        return printable(os.fsdecode(self.path))


def write_tree(scratch: Scratch, commit: str, folder: Path) -> list[str]:
    """Write `commit`'s files into `folder` (made here); what was left out or changed, as notes."""
    os.mkdir(folder)
    notes = []
    with scratch.cat_file() as reader:
        for entry in entries(scratch, commit):
            if entry.mode == "160000":
                notes.append(f"{entry.shown}: a submodule, not fetched")
                continue
            why = refused(entry.path)
            if why:
                notes.append(f"{entry.shown}: not written ({why})")
                continue
            try:
                first = write_blob(reader, entry.oid, os.path.join(os.fsencode(folder), entry.path))
            except FileExistsError:   # a name twice in a tree, or a file where this path needs a folder
                notes.append(f"{entry.shown}: not written (a file of the same name, or of its folder's, is there)")
                continue
            except OSError as e:
                notes.append(f"{entry.shown}: not written ({e.strerror or e})")
                continue
            if entry.mode == "120000":
                notes.append(f"{entry.shown}: a symbolic link, written as a file holding where it leads")
            elif first.startswith(LFS_POINTER):
                notes.append(f"{entry.shown}: a Git LFS pointer, written as it is (LFS files are not fetched)")
    return notes


def entries(scratch: Scratch, commit: str) -> list[Entry]:
    listing = scratch.run_bytes("ls-tree", "-r", "-z", "--full-tree", commit)
    found = []
    for record in listing.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            mode, _, oid = meta.decode("ascii").split()
            found.append(Entry(mode, oid, path))
    return found


def refused(path: bytes) -> str | None:
    """Why a path of the tree is not written, or None: every part a plain name, none of them `.git`."""
    for part in path.split(b"/"):
        if part in (b"", b".", b".."):
            return "a path through . or .. or /"
        folded = part.rstrip(b". ").lower()
        if folded == b".git" or folded.startswith(b"git~"):
            return "a path through .git"
    return None


def write_blob(reader: subprocess.Popen, oid: str, target: bytes) -> bytes:
    """Write the blob `oid` to the new file `target` (its folders made as needed); its first bytes."""
    reader.stdin.write(oid.encode("ascii") + b"\n")
    reader.stdin.flush()
    header = reader.stdout.readline().split()
    if len(header) != 3 or header[1] != b"blob":
        raise GitError(f"git cat-file: {b' '.join(header).decode('ascii', 'replace') or 'no answer'} for {oid}")
    left, first = int(header[2]), b""
    try:
        _make_folders(os.path.dirname(target))
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as f:
            while left:
                chunk = reader.stdout.read(min(left, CHUNK))
                if not chunk:
                    raise GitError(f"git cat-file ended inside {oid}")
                first, left = first or chunk[:len(LFS_POINTER)], left - len(chunk)
                f.write(chunk)
    finally:
        _skip(reader, left + 1)   # the rest of the blob, where it could not be written, and the newline after it
    return first


def _skip(reader: subprocess.Popen, n: int) -> None:
    while n > 0:
        chunk = reader.stdout.read(min(n, CHUNK))
        if not chunk:
            return
        n -= len(chunk)


def _make_folders(folder: bytes) -> None:
    if not os.path.isdir(folder):
        _make_folders(os.path.dirname(folder))
        os.mkdir(folder)
