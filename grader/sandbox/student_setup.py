"""A freshly forked process becomes a student process: it is confined,
given the submission (and the assignment's helper modules) in a working
directory of its own, and then serves the grading process's requests
(student.py). Everything is set up before the student's code runs."""
from __future__ import annotations

import fcntl
import os
import signal
import sys

from . import confine, package, student, wire
from .cores import pin
from .student_output import student_output

MAX_SOURCE = package.MAX_BYTES   # bytes of code read: the grading process hands no more (handed_files.py)
CHILD_FDS = 5  # 0 stdin, 1 stdout, 2 stderr, 3 requests, 4 answers


def become_student(request: dict, requests: int, answers: int, output: int, source: int, support: int | None,
                   devnull: int, features: dict, uid: int | None = None) -> None:
    """In the forked process: confine it, then serve the grading process's
    requests. `uid`, where given, is a user id of its own, taken once its
    scratch folder is ready."""
    limits = request.get("limits") or {}
    file_mib = int(limits.get("file_size", 16))
    _detach(request.get("cores"))
    code = _read_all(source, MAX_SOURCE)
    support = _keep_only_its_descriptors(devnull, output, requests, answers, support)
    os.umask(0o022)  # its copies are readable under its own user id
    if features.get("filesystem"):
        workdir = confine.private_scratch(file_mib, uid)
    else:
        workdir = str(request.get("workdir") or "")
    if isinstance(request.get("package"), list):  # a package: its files, the module's among them
        package.unpack(workdir, request["package"], code)
        path = os.path.join(workdir, *str(request.get("name")).split("/"))
    else:
        path = _write_submission(workdir, request.get("name"), code)
    support_path = None
    if support is not None:  # the assignment's helper modules: a copy, importable
        support_path = _copy_support(workdir, request.get("support"), support, file_mib)
        sys.path.insert(0, support_path)
    os.chdir(workdir)
    if os.environ.get("HOME") != workdir or os.environ.get("TMPDIR") != workdir:  # the server's, when scratch is
        os.environ["HOME"] = os.environ["TMPDIR"] = workdir
    if uid is not None:
        confine.become_box_user(uid)
    processes = bool(limits.get("processes", False))
    confine.apply_rlimits(float(limits.get("cpu", 60)), int(limits.get("memory", 1024)), file_mib,
                          int(limits.get("open_files", 64)), processes)
    sealed = confine.seal(processes) if features.get("seccomp") else False
    stream = student_output()
    stream.buffer.left = max(0, int(limits.get("output", 20_000))) * 4 + 1024  # bytes: room for multi-byte characters
    sys.stdout = sys.stderr = stream
    wire.send(4, {"ready": True, "sealed": sealed})
    student.serve(3, 4, path, support_path)


def _detach(cores: list[int] | None) -> None:
    """Run on the asking grading process's `cores`, in a session of its own,
    and die with the server; a write over the size limit fails, it does not kill."""
    pin(cores)  # see batch/workers.py
    try:
        os.setsid()
    except OSError:  # already a session leader (started with start_new_session)
        pass
    confine.die_with_parent()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _keep_only_its_descriptors(devnull: int, output: int, requests: int, answers: int, support: int | None):
    """Descriptors 0-4 (and 5 for the support folder, kept open until its
    files are copied) and nothing else: the server's sockets and other
    students' are closed. Returns the support folder's new descriptor."""
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, CHILD_FDS) for fd in (devnull, output, output, requests, answers)]
    for target, fd in enumerate(moved):
        os.dup2(fd, target)
    if support is not None:
        os.dup2(support, CHILD_FDS)
        support = CHILD_FDS
    os.closerange(CHILD_FDS + (support is not None), confine.max_fd())
    return support


def _write_submission(workdir: str, name, code: bytes) -> str:
    """The submission's copy in `workdir`, under its own file name; returns its path."""
    name = os.path.basename(str(name or "submission.py")) or "submission.py"
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(code[:MAX_SOURCE])
    return path


def _copy_support(workdir: str, name, support: int, file_mib: int) -> str:
    """A copy of the support folder (the descriptor `support`, closed here)
    in `workdir`, within the file size limit; returns its path."""
    path = os.path.join(workdir, os.path.basename(str(name or "")) or "support")
    os.mkdir(path)
    _copy_tree(support, path, [file_mib * 2**20])
    os.close(support)
    return path


def _copy_tree(src: int, dest: str, budget: list[int]) -> None:
    """Copy the regular files and folders under the directory `src` (a
    descriptor: the folder need not be visible here) to `dest`, within a
    byte budget; links are not followed."""
    for entry in os.scandir(src):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        flags = os.O_RDONLY | os.O_NOFOLLOW
        if entry.is_dir(follow_symlinks=False):
            fd = os.open(entry.name, flags | os.O_DIRECTORY, dir_fd=src)
            os.mkdir(os.path.join(dest, entry.name))
            _copy_tree(fd, os.path.join(dest, entry.name), budget)
            os.close(fd)
        elif entry.is_file(follow_symlinks=False):
            fd = os.open(entry.name, flags, dir_fd=src)
            data = _read_all(fd, budget[0])
            os.close(fd)
            budget[0] -= len(data)
            if budget[0] < 0:
                raise OSError("the support folder is larger than the file size limit")
            with open(os.path.join(dest, entry.name), "wb") as f:
                f.write(data)


def _read_all(fd: int, limit: int) -> bytes:
    """What `fd` holds, read to its end or until just past `limit` bytes."""
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
