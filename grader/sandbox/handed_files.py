"""The files the grading process opens for a student's process: the
submission, opened so that a link or a FIFO is refused at the last moment;
a notebook's module, written into a file in memory; and the output file its
stdout and stderr go to, which can never grow past its size."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from ..names import student_name


def output_file(size: int) -> "OutputFile":
    """The file a student's stdout and stderr go to. On Linux, a file in
    memory that can never hold more than `size` bytes (sealed at that size):
    no write, truncate or fallocate of the student's can make it larger or
    reach a disk. Elsewhere, a temporary file, capped by RLIMIT_FSIZE where
    the platform has it."""
    if hasattr(os, "memfd_create"):
        import fcntl   # POSIX only: where memfd_create is, so is fcntl
        if hasattr(fcntl, "F_ADD_SEALS"):
            fd = os.memfd_create("bpg-output", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
            os.ftruncate(fd, size)
            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
            return OutputFile(fd)
    fd, path = tempfile.mkstemp(prefix="bpg-output-")
    if hasattr(os, "pread"):  # read back through this descriptor: the file need not keep a name
        os.remove(path)
        path = None
    return OutputFile(fd, path)


class OutputFile:
    """A student process's output file, read back at any offset: with
    pread where the platform has it (the offset, shared with the student's
    process, is left alone), else through a descriptor of its own."""

    def __init__(self, fd: int, path: str | None = None):
        self.fd, self.path = fd, path

    def fileno(self) -> int:
        return self.fd

    def read_at(self, size: int, start: int) -> bytes:
        if hasattr(os, "pread"):
            return os.pread(self.fd, size, start)
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(size)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.path:
            try:
                os.remove(self.path)
            except OSError:
                pass


def memory_file(data: bytes) -> int:
    """A descriptor of a file holding `data`, read from its start: a
    notebook's module, written by the grading process, for the student's."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("bpg-module", os.MFD_CLOEXEC)
    else:
        fd = os.dup(tempfile.TemporaryFile(prefix="bpg-module-").fileno())
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


class NotRegularFile(Exception):
    """The submission is a link, or not a regular file: it is not opened."""


def open_regular(path: Path) -> int:
    """A descriptor of the file at `path` for the student's process, refused
    if it is a symbolic link (O_NOFOLLOW) or not a regular file (a FIFO
    would block, a device never end; O_NONBLOCK keeps the open itself from
    waiting). The last check before the student's process gets the file,
    whatever was checked when it was found."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        why = ("is a symbolic link, which the grader does not follow" if e.errno == errno.ELOOP
               else f"could not be opened ({e.strerror})")
        raise NotRegularFile(f"{student_name(path.name)} {why}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularFile(f"{student_name(path.name)} is not a regular file")
    return fd
