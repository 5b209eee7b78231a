"""Writing a file so that a reader never sees half of it: write a temporary
file beside the target, then put it in the target's place in one step.
There is no fsync: every file written so is made again from the stored
results (or the reference), should a power cut lose it, and an fsync costs
about half a millisecond a file."""
from __future__ import annotations

import ctypes
import functools
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import Iterable

AT_FDCWD, RENAME_EXCHANGE = -100, 2


def write_text(path: Path, text: str, newline: str | None = None) -> Path:
    """Write `text` to `path` atomically (UTF-8); `newline` as for `open`.
    The file gets the usual permissions (0666 less the umask), like `open`."""
    return write_pieces(path, [text], newline)


def write_pieces(path: Path, pieces: Iterable[str], newline: str | None = None) -> Path:
    """Write the text `pieces` make, one after another, to `path` atomically,
    as write_text does: a file too large to hold as one string."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            for piece in pieces:
                f.write(piece)
        replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


def replace(temp: Path, path: Path) -> None:
    """Put the file `temp` in `path`'s place in one step. Over a regular file
    the two are swapped, then the old one (now at `temp`) is removed: ext4
    writes out a file renamed over another before the rename returns (so that
    a power cut cannot leave it empty), a third of a millisecond a file that a
    regrade or a rebuilt report would pay for nothing."""
    if _swapped(temp, path):
        os.unlink(temp)
    else:
        os.replace(temp, path)


def _swapped(temp: Path, path: Path) -> bool:
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
    except OSError:  # no file there yet: a plain rename, which has nothing to write out
        return False
    return renameat2(AT_FDCWD, os.fsencode(temp), AT_FDCWD, os.fsencode(path), RENAME_EXCHANGE) == 0


@functools.cache
def _renameat2():
    """Linux's renameat2 (glibc 2.28+), or None; a file system without
    RENAME_EXCHANGE makes it fail, and a plain rename is used instead."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function
