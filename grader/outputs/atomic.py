"""Writing a report file so that a reader never sees half of it: write a
temporary file beside the target, then rename it over the target in one step.
There is no fsync: every file written so is made again from the stored
results (or the reference), should a power cut lose it, and an fsync costs
about half a millisecond a file."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_text(path: Path, text: str, newline: str | None = None) -> Path:
    """Write `text` to `path` atomically (UTF-8); `newline` as for `open`.
    The file gets the usual permissions (0666 less the umask), like `open`."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            f.write(text)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path
