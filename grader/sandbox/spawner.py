"""Where the fork server cannot run (not Linux): the same service, one fresh
`python -I` per student process, confined as far as the platform allows
(rlimits, its own session, a temporary working directory). It imports
numpy and the student's side at every start, so it is slow, but it works."""
from __future__ import annotations

import json
import os
import signal
import subprocess

from . import fresh_python


class Spawner:
    """Stands in for a ForkServer: `spawn` starts a student process of its own."""

    features = {"network": False, "filesystem": False, "seccomp": False}

    def __init__(self):
        self.owner = os.getpid()

    def alive(self) -> bool:
        """Whether this process may use it: a forked process starts its own."""
        return self.owner == os.getpid()

    def spawn(self, request: dict, fds: list[int], timeout: float = 30.0) -> "SpawnedLease":
        """Start a student process that serves `request` on `fds` (see student_setup.spawned)."""
        command = fresh_python.command("student_setup", "spawned(sys.argv[1], [int(fd) for fd in sys.argv[2:]])",
                                       [json.dumps(request)] + [str(fd) for fd in fds])
        process = subprocess.Popen(command, pass_fds=tuple(fds), cwd=request.get("workdir") or "/",
                                   env=fresh_python.clean_env(), stdin=subprocess.DEVNULL, start_new_session=True)
        return SpawnedLease(process)

    def close(self) -> None:
        """Nothing to end: each student process is waited for as it is released."""


class SpawnedLease:
    """A Lease over a process this one started itself."""

    def __init__(self, process: subprocess.Popen):
        self.process, self.pid, self.end = process, process.pid, None

    def wait(self, timeout: float):
        """How it ended: ("exit", code) or ("signal", number); None if still running."""
        if self.end is None:
            try:
                code = self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return None
            self.end = ("exit", code) if code >= 0 else ("signal", -code)
        return self.end

    def kill(self, wait: bool = True) -> None:
        """SIGKILL to the process's group, then wait for it."""
        if self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        self.release()  # a process of our own is always waited for: nothing else reaps it

    def release(self, timeout: float = 2.0) -> None:
        """Wait for the process to end, killing it after `timeout`."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
