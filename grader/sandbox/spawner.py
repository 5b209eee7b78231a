"""Where the fork server cannot run (Windows, macOS): the same service, one
fresh `python -I` per student process (spawned.py). It runs on every
platform, with the isolation each allows, which `features` states: a
process of its own, in its own session (a process group on Windows) and a
temporary working directory, killed from outside when a time limit passes;
rlimits where the platform has them (CPU seconds, file size, open files,
processes; the address space only where the kernel enforces it, Linux);
no namespaces and no system-call filter. It imports numpy and the
student's side at every start, so it is slower than a fork, but it works.

The student process gets its pipes as stdin and stdout and the output file
as stderr (the one way to hand a child descriptors on every platform),
and finds the submission and the helper modules already copied into its
working directory."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from . import fresh_python, package

MAX_SOURCE = package.MAX_BYTES   # bytes of a submission copied, as a forked student process reads


def _rlimits_available() -> bool:
    try:
        import resource  # noqa: F401  POSIX only
    except ImportError:
        return False
    return True


class Spawner:
    """Stands in for a ForkServer: `spawn` starts a student process of its own."""

    def __init__(self):
        self.owner = os.getpid()
        rlimits = _rlimits_available()
        self.features = {"network": False, "filesystem": False, "seccomp": False, "pids": False, "ipc": False,
                         "fork_server": False, "rlimits": rlimits,
                         "memory": rlimits and sys.platform.startswith("linux")}

    def alive(self) -> bool:
        """Whether this process may use it: a forked process starts its own."""
        return self.owner == os.getpid()

    def spawn(self, request: dict, fds: list[int], support: Path | None = None) -> "SpawnedLease":
        """Start a student process that serves `request`: `fds` are the read
        end of its request pipe, the write end of its answer pipe, the output
        file and the submission; the submission and the `support` folder are
        copied into its working directory (request["workdir"]) first."""
        requests, answers, output, source = fds[:4]
        workdir = Path(request["workdir"])
        if isinstance(request.get("package"), list):  # a package: its files, the module's among them
            package.unpack(str(workdir), request["package"], _read_all(source, MAX_SOURCE))
        else:
            (workdir / os.path.basename(request["name"])).write_bytes(_read_all(source, MAX_SOURCE))
        if support is not None:
            shutil.copytree(support, workdir / request["support"], ignore=_not_copied)
        command = fresh_python.command("spawned", "serve(sys.argv[1])", [json.dumps(request)])
        process = subprocess.Popen(command, stdin=requests, stdout=answers, stderr=output, cwd=workdir,
                                   env=fresh_python.clean_env(), **_own_group())
        return SpawnedLease(process)

    def close(self, wait: bool = True) -> None:
        """Nothing to end: each student process is waited for as it is released."""


def _own_group() -> dict:
    """Popen's arguments that start a process in a group of its own, killed as one."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}


def _not_copied(folder: str, names: list[str]) -> set[str]:
    """What copytree leaves out of the helper modules: hidden files, caches and links."""
    return {n for n in names if n.startswith(".") or n == "__pycache__" or os.path.islink(os.path.join(folder, n))}


def _read_all(fd: int, limit: int) -> bytes:
    """What `fd` holds, read to its end or until just past `limit` bytes."""
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:limit]


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
        """Kill the process's group (POSIX), or the process (Windows), then wait for it."""
        if self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (AttributeError, ProcessLookupError, PermissionError):
                self.process.kill()
        self.release()  # a process of our own is always waited for: nothing else reaps it

    def release(self, timeout: float = 2.0) -> None:
        """Wait for the process to end, killing it after `timeout`."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
