"""The fork server's start: it walls itself in (server_isolation.py),
imports numpy and the student's side, finds what isolation a student
process can take, rehearses one (warm_up.py), says hello to the grading
process and hands over to the loop that forks students (server_loop.py).

It runs in a Python started by fork_server.ForkServer, and imports nothing
but the modules of this package, the standard library and numpy."""
from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import socket
import sys

from . import confine, server_isolation
from .fresh_python import GRADER_ROOT


def serve(control_fd: int) -> None:
    """Set the server up, tell the grading process on `control_fd` what is in force, then serve it."""
    sock = socket.socket(fileno=control_fd)
    features = server_isolation.isolate_server(visible_paths(GRADER_ROOT))
    # Only now numpy and what imports it: a user namespace needs a single-threaded process.
    from . import warm_up, server_loop, student, student_setup
    import numpy
    for lazy in ("random", "linalg", "fft"):
        getattr(numpy, lazy)
    for entry in sys.path:
        student.real_path(entry or ".")
    devnull = os.open(os.devnull, os.O_RDWR)
    features.update(_probe_child(features, visible_paths(GRADER_ROOT)))
    if features.get("filesystem"):  # every student's working directory: set once, here
        os.environ["HOME"] = os.environ["TMPDIR"] = confine.SCRATCH
    confine.prepare_seal()
    student_setup.student_output()
    try:
        rehearsed = warm_up.rehearse()
    except Exception:  # it only saves time: students are served all the same
        rehearsed = False
    gc.collect()
    gc.freeze()  # a collection in a student's process then leaves the inherited objects' pages shared
    sock.send(json.dumps({"ready": True, "features": features, "rehearsed": rehearsed}).encode())
    server_loop.Server(sock, devnull, features).run()
    os._exit(0)  # every student is reaped and nothing is buffered: the interpreter's teardown would only cost time


def visible_paths(grader_root: str) -> list[str]:
    """What a student process must see to run: Python, its packages and
    numpy, the grader's own package, the system's shared libraries."""
    numpy = importlib.util.find_spec("numpy")
    paths = [sys.base_prefix, sys.prefix, sys.exec_prefix, os.path.join(grader_root, "grader"),
             "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache"]
    if numpy and numpy.origin:
        paths.append(os.path.dirname(os.path.dirname(numpy.origin)))
    return [p for p in paths if p and os.path.isabs(p)]


def _probe_child(features: dict, visible: list[str]) -> dict:
    """Whether a forked student process can get a scratch directory of its
    own, take a user id of its own (and still read every `visible` path) and
    seal itself (seccomp): tried once, in a throwaway child, in the order a
    student's process takes them. Its exit code has a bit for each."""
    pid = os.fork()
    if pid == 0:
        done = 0
        try:
            uid = confine.BOX_UIDS.start if features.get("uids") and features.get("filesystem") else None
            if features.get("filesystem"):
                confine.private_scratch(1, uid)
                done |= 1
            if uid is not None:
                with contextlib.suppress(OSError):
                    confine.become_box_user(uid)
                    done |= 2 if all(os.access(p, os.R_OK) for p in visible if os.path.exists(p)) else 0
            done |= 4 if confine.seal(False) else 0
        finally:
            os._exit(done)
    _, status = os.waitpid(pid, 0)
    done = max(0, os.waitstatus_to_exitcode(status))
    return {"filesystem": bool(features.get("filesystem") and done & 1), "uids": bool(done & 2),
            "seccomp": bool(done & 4)}
