"""The files the grading process opens for a student's process: the
submission, opened so that a link, a FIFO or more code than a submission
may hold is refused at the last moment; a notebook's module or a package,
written into a file in memory; and the output file its stdout and stderr go
to, which can never grow past its size."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from ..names import student_name
from . import package

# The most bytes of code a submission may hold: a file, a notebook's module, a
# package's files together. The student's process reads no more (student_setup.py).
MAX_SOURCE = package.MAX_BYTES


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


class NotHanded(Exception):
    """The submission is not handed to a student's process, and nothing of
    it is run: it is a link, not a regular file, larger than MAX_SOURCE or a
    package refused (package.py). The message says which."""


def submission_source(path: Path, module: str, notebook_source: str | None = None) -> tuple[int, list | None]:
    """A descriptor of the code the student's process is given, and for a
    package the list of its files (package.pack): the package whose module's
    file is `path`, else the notebook's module (`notebook_source`), else the
    file itself."""
    if package.is_package(module):
        root = package.package_root(path, module)
        try:
            data, files = package.pack(str(root), student_name(root.name))
        except package.PackageRefused as e:
            raise NotHanded(str(e)) from None
        return memory_file(data), files
    if notebook_source is not None:
        data = notebook_source.encode("utf-8", "backslashreplace")
        _within_limit(len(data), f"the code of {student_name(path.name)}")
        return memory_file(data), None
    return open_regular(path), None


def _within_limit(size: int, what: str) -> None:
    if size > MAX_SOURCE:
        raise NotHanded(f"{what} is {size / 2**20:.1f} MiB, more than the {MAX_SOURCE // 2**20} MiB a submission's "
                        "code may be, so it was not run")


def open_regular(path: Path) -> int:
    """A descriptor of the file at `path` for the student's process, refused
    if it is a symbolic link (O_NOFOLLOW), not a regular file (a FIFO would
    block, a device never end; O_NONBLOCK keeps the open itself from
    waiting) or larger than MAX_SOURCE (the student's process would read a
    part of it). The last check before the student's process gets the file,
    whatever was checked when it was found."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        why = ("is a symbolic link, which the grader does not follow" if e.errno == errno.ELOOP
               else f"could not be opened ({e.strerror})")
        raise NotHanded(f"{student_name(path.name)} {why}") from None
    status = os.fstat(fd)
    try:
        if not stat.S_ISREG(status.st_mode):
            raise NotHanded(f"{student_name(path.name)} is not a regular file")
        _within_limit(status.st_size, student_name(path.name))
    except NotHanded:
        os.close(fd)
        raise
    return fd
