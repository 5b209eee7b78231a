"""A student process's stdout and stderr: written through to the output
file (descriptor 1) up to a limit, then dropped, so that printing never
fails and never fills a disk. Portable: a student process started as a
fresh Python (spawned.py) uses it as a forked one (student_setup.py) does."""
from __future__ import annotations

import functools
import io
import os


class _CappedOutput(io.RawIOBase):
    """Descriptor 1 (the output file), up to `left` more bytes, then nothing:
    printing never fails and never fills the disk."""

    def __init__(self, left: int):
        super().__init__()
        self.left = left

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        n = len(b)
        if self.left > 0:
            data = bytes(b[:self.left])
            self.left -= len(data)
            if self.left <= 0:
                data += b"\n[... output truncated]\n"
            try:
                os.write(1, data)
            except OSError:
                self.left = 0
        return n


@functools.cache
def student_output() -> io.TextIOWrapper:
    """stdout and stderr for student code, written through to the output file
    up to a limit (set by each student process: see become_student). Made
    once, in the fork server: a student process only sets its limit."""
    return io.TextIOWrapper(_CappedOutput(0), encoding="utf-8", errors="backslashreplace", line_buffering=True,
                            write_through=True)
