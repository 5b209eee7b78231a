"""Where a command writes: checked before it does any work, so that an
output path that cannot be used (a file where a folder is due, a folder
where a file is due, a link to nothing, a loop of links, a folder that
cannot be written to) is said at once, as a usage error naming the option,
rather than as a traceback once every student has been graded.

Nothing is created here: the command makes its folders as it writes."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .cases.discover import UsageError


def usable_folder(path: Path, option: str) -> Path:
    """`path`, once it is a folder that can be written into, or one that can
    be made: its nearest existing parent is a folder that can be written
    into. Otherwise a UsageError naming `option` and what is wrong."""
    _check_folder(path, path, option)
    return path


def usable_file(path: Path, option: str) -> Path:
    """`path`, once a file can be written there: it is no folder, and its
    folder is usable (usable_folder). An existing folder is refused, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):   # a new file (or a parent that is a file: said below)
        mode = None
    except OSError as e:
        raise UsageError(f"{option} {path}: {_reason(e)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{option} {path}: a folder, not a file; give the path of the file to write")
    _check_folder(path.parent, path, option)
    return path


def _check_folder(folder: Path, given: Path, option: str) -> None:
    """Raise a UsageError on `option given` unless `folder` is usable (see usable_folder)."""
    for p in [folder, *folder.parents]:
        try:
            mode = os.stat(p).st_mode
        except (FileNotFoundError, NotADirectoryError):   # not there yet (or a parent is a file: found further up)
            if os.path.lexists(p):
                raise UsageError(f"{option} {given}: {_which(p, given)}a link to nothing ({os.readlink(p)}); "
                                 "remove it or give another path") from None
            continue
        except OSError as e:   # a loop of links, a name too long, a parent that cannot be searched
            raise UsageError(f"{option} {given}: {_reason(e)}") from None
        if not stat.S_ISDIR(mode):
            raise UsageError(f"{option} {given}: {_which(p, given)}not a folder; give a folder's path")
        if not os.access(p, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {given}: {_which(p, given)}a folder that cannot be written to "
                             "(permission denied)")
        return


def _which(p: Path, given: Path) -> str:
    """Which part of the path is at fault, where it is not the path itself."""
    return "" if p == given else f"{p} is "


def _reason(e: OSError) -> str:
    return e.strerror or errno.errorcode.get(e.errno or 0, str(e))
