"""A package as a submission: a spec whose module is dotted
(`cs231n.classifiers.fc_net`) asks for the student's whole package, the
folder `cs231n/` whose modules import each other (`from ..layers import *`).

The grading process reads the package (`pack`): every regular file under
its top folder, each opened without following a link, folder by folder
from that top folder's own descriptor, so that what is read is what was
checked; a link or anything else that is not a file or a folder refuses
the whole submission, naming it. The files travel to the student's process
as one stream of bytes with a list of (relative path, size), which that
process writes into its working directory (`unpack`) before its walls go
up, as it writes a single file. The package's parent folder is then the
one folder it imports from: nothing beside the package is there.

Both sides import this module: it imports nothing outside the standard library."""
from __future__ import annotations

import os
import stat

MAX_BYTES = 4 * 2**20     # every file of a package together, as for a single file
MAX_FILES = 500
SKIPPED = {"__pycache__", ".ipynb_checkpoints"}


class PackageRefused(Exception):
    """The package may not be graded: the message names the entry and why."""


def is_package(module: str) -> bool:
    """Whether a spec's module names a module inside a package."""
    return "." in module


def module_file(module: str) -> str:
    """The module's file inside its package's parent folder: `cs231n/classifiers/fc_net.py`."""
    return "/".join(module.split(".")) + ".py"


def package_root(path, module: str):
    """The package's top folder, given the path of the module's file (a
    pathlib path): `cs231n/` for `.../cs231n/classifiers/fc_net.py`."""
    return path.parents[module.count(".") - 1]


def pack(root: str, shown: str) -> tuple[bytes, list[list]]:
    """Every file of the package whose top folder is `root`: their bytes in
    one stream, and [relative path, size] for each, in order. `shown` is
    the top folder's name as a message gives it."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_DIRECTORY", 0)
    try:
        top = os.open(root, flags)
    except OSError:
        raise PackageRefused(f"{shown} is a symbolic link or not a folder: a package is a folder of files, "
                             "so it was refused and nothing was run") from None
    chunks, files = [], []
    try:
        _walk(top, os.path.basename(root), shown, chunks, files)
    except OSError as e:
        raise PackageRefused(f"{shown} could not be read ({e.strerror}), so nothing was run") from None
    finally:
        os.close(top)
    return b"".join(chunks), files


def _walk(folder: int, prefix: str, shown: str, chunks: list, files: list) -> None:
    """The files under the open `folder` appended in name order: its path
    is `prefix` in the package's parent folder, `shown` in messages."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = entry.name
        if name.startswith(".") or name in SKIPPED:
            continue
        where = f"{shown}/{name}"
        mode = os.lstat(name, dir_fd=folder).st_mode
        if stat.S_ISLNK(mode):
            raise PackageRefused(f"{where} is a symbolic link, which the grader does not follow: a package holds "
                                 "its files themselves, so it was refused and nothing was run")
        if stat.S_ISDIR(mode):
            inner = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY, dir_fd=folder)
            try:
                _walk(inner, f"{prefix}/{name}", where, chunks, files)
            finally:
                os.close(inner)
            continue
        if not stat.S_ISREG(mode):
            raise PackageRefused(f"{where} is not a regular file, so the package was refused and nothing was run")
        data = _read(folder, name, MAX_BYTES + 1 - sum(size for _, size in files))
        files.append([f"{prefix}/{name}", len(data)])
        chunks.append(data)
        if sum(size for _, size in files) > MAX_BYTES or len(files) > MAX_FILES:
            raise PackageRefused(f"the package holds more than {MAX_FILES} files or {MAX_BYTES // 2**20} MiB, "
                                 "the most a package may hold, so it was refused and nothing was run")


def _read(folder: int, name: str, limit: int) -> bytes:
    """A regular file of `folder`, opened without following a link, up to `limit` bytes."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PackageRefused(f"{name} is not a regular file, so the package was refused and nothing was run")
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(fd, min(1 << 20, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def parent_folder(path: str, module: str) -> str:
    """The folder a package is imported from, given its module's file: `w` for `w/cs231n/classifiers/fc_net.py`."""
    for _ in range(module.count(".") + 1):
        path = os.path.dirname(path)
    return path


def unpack(workdir: str, files: list, data: bytes) -> list[str]:
    """Write the package's files under `workdir` (in the student's process,
    before its walls go up); returns their paths. A name that would leave
    `workdir` is not written: the grading process never sends one."""
    written, offset = [], 0
    for relative, size in files[:MAX_FILES]:
        parts = str(relative).split("/")
        size = int(size)
        if any(p in ("", ".", "..") or os.sep in p or (os.altsep and os.altsep in p) for p in parts):
            offset += size
            continue
        path = os.path.join(workdir, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data[offset:offset + size])
        offset += size
        written.append(path)
    return written
