"""A student process started as a fresh Python, where no fork server can
run (Windows, macOS): the Spawner (spawner.py) starts it with the request
pipe as its stdin, the answer pipe as its stdout and the output file as its
stderr, in a temporary working directory that already holds the submission
and the assignment's helper modules. It takes what limits the platform
has (rlimits where the `resource` module exists), says which in its first
message, and serves the grading process's requests as a forked student
process does (student.py).

It imports nothing that is not on every platform: POSIX-only modules are
imported only by the code that uses them, where they exist."""
from __future__ import annotations

import json
import os
import signal
import sys

from . import student, wire
from .student_output import student_output

REQUESTS, ANSWERS = 3, 4   # the descriptors it reads requests on and writes answers to, as a forked one


def serve(request_text: str) -> None:
    """Set the process up as `request_text` (JSON) says, then answer requests until the grading process stops."""
    code = 120
    try:
        request = json.loads(request_text)
        limits = request.get("limits") or {}
        _place_descriptors()
        workdir = os.getcwd()
        for name in ("HOME", "TMPDIR", "TMP", "TEMP"):
            os.environ[name] = workdir
        support = os.path.join(workdir, request["support"]) if request.get("support") else None
        if support:
            sys.path.insert(0, support)
        if hasattr(signal, "SIGXFSZ"):  # a write past the size limit fails; it does not kill
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        apply_limits(limits)
        stream = student_output()
        stream.buffer.left = max(0, int(limits.get("output", 20_000))) * 4 + 1024
        sys.stdout = sys.stderr = stream
        wire.send(ANSWERS, {"ready": True, "sealed": False})
        name = request["name"].split("/") if isinstance(request.get("package"), list) else [os.path.basename(request["name"])]
        student.serve(REQUESTS, ANSWERS, os.path.join(workdir, *name), support)
        code = 0
    finally:
        os._exit(code)


def _place_descriptors() -> None:
    """Requests on REQUESTS, answers on ANSWERS, the null device on 0 and the
    output file on 1 and 2, as in a forked student process; none inherited
    by a process the student's code may start."""
    high = [os.dup2(fd, 10 + k, inheritable=False) for k, fd in enumerate((0, 1))]
    os.dup2(high[0], REQUESTS, inheritable=False)
    os.dup2(high[1], ANSWERS, inheritable=False)
    for fd in high:
        os.close(fd)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    wire.binary(1, 2, REQUESTS, ANSWERS)


def apply_limits(limits: dict) -> list[str]:
    """The spec's rlimits, where the platform has them (not on Windows);
    returns the names of those in force."""
    try:
        from . import confine   # it needs the `resource` module: POSIX only
    except ImportError:
        return []
    return confine.apply_rlimits(float(limits.get("cpu", 60)), int(limits.get("memory", 1024)),
                                 int(limits.get("file_size", 16)), int(limits.get("open_files", 64)),
                                 bool(limits.get("processes", False)))
