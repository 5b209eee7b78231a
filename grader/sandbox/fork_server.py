"""The grading process's side of the fork server: a clean Python process
with numpy and the student's side already imported, which forks a fresh
student process on request, so a submission costs a fork (milliseconds),
not a Python start-up.

The server (server_startup.py, then server_loop.py) is clean by
construction: it is started from a scrubbed environment with `python -I`
(fresh_python.py), imports nothing but numpy and the modules of this
package, and receives nothing but requests to fork: never the reference,
never an expected value. The grading process reads from it only its hello
and fixed-size status records (status.py): nothing it sends is ever
unpickled or evaluated.

A request carries file descriptors: the two pipes the student process
speaks `wire` on, the file its stdout and stderr go to, the submission
(opened by the grading process), and one end of a status socket. Over that
socket the server reports the student's pid, then how it ended; the
student stays a zombie (its pid reserved, so killing its process group is
always safe) until the grading process closes its end, which also kills
it. When the grading process goes away, so does the server and every
process it forked. Where no fork server can run, a Spawner (spawner.py)
gives the same service with one fresh Python per student process."""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

from . import fresh_python
from .spawner import Spawner
from .status import EXITED, KILLED, RECORD, STARTED


class SandboxError(Exception):
    """The fork server failed: a fault of the grading machine, never of a student."""


class ForkServer:
    """A running fork server; `spawn` asks it for a student process."""

    def __init__(self, start_timeout: float = 60.0):
        """Start the server; it is waited for (it imports numpy) only when first needed."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            fresh_python.command("server_startup", "serve(int(sys.argv[1]))", [str(theirs.fileno())]),
            pass_fds=(theirs.fileno(),), cwd="/", env=fresh_python.clean_env(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        theirs.close()
        self.sock, self.start_timeout = ours, start_timeout
        self._features: dict[str, bool] | None = None
        self.rehearsed = False   # whether its rehearsal (warm_up.py) went as planned, once it said hello
        self.inherited = False   # used by a grading worker forked from the process that started it

    @property
    def features(self) -> dict[str, bool]:
        """The isolation in force, as the server found it at start-up."""
        with self.lock:
            if self._features is None:
                self._features = self._hello()
        return self._features

    def _hello(self) -> dict[str, bool]:
        """Wait for the server's one message, which says what isolation it could set up."""
        self.sock.settimeout(self.start_timeout)
        try:
            hello = json.loads(self.sock.recv(4096))
        except (OSError, ValueError) as e:
            detail = self._stderr()
            raise SandboxError(f"the fork server did not start ({type(e).__name__}){detail}") from None
        self.sock.settimeout(None)
        self.process.stderr.close()
        features = hello.get("features") if isinstance(hello, dict) else None
        self.rehearsed = isinstance(hello, dict) and hello.get("rehearsed") is True
        return {k: bool(v) for k, v in features.items()} if isinstance(features, dict) else {}

    def _stderr(self) -> str:
        """Kill a server that failed to start and return what it printed, to say why."""
        self.process.kill()
        text = self.process.stderr.read(4000).decode("utf-8", "replace").strip()
        return f":\n{text}" if text else ""

    def alive(self) -> bool:
        """Whether this process may still send the server requests."""
        if self.owner != os.getpid() or self.sock.fileno() < 0:  # another process's, or retired
            return False
        if self.inherited:  # not our child: poll() cannot see it
            try:
                os.kill(self.process.pid, 0)
                return True
            except ProcessLookupError:
                return False
        return self.process.poll() is None

    def spawn(self, request: dict, fds: list[int], timeout: float = 30.0) -> "Lease":
        """Ask for a student process that serves `request` on `fds`; returns once the server reports its pid."""
        self.features  # noqa: B018  the server must have said hello before it takes requests
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds) + [theirs.fileno()])
        except OSError as e:
            ours.close()
            raise SandboxError(f"the fork server is gone ({e})") from None
        finally:
            theirs.close()
        lease = Lease(ours)
        kind, value = lease.record(time.monotonic() + timeout)
        if kind != STARTED:
            lease.release()
            raise SandboxError("the fork server did not start a student process")
        lease.pid = value
        return lease

    def close(self, wait: bool = True) -> None:
        """Tell the server to end (it does once its socket closes); with `wait`, return once it has."""
        if self.owner == os.getpid():
            self.sock.close()
            if self.inherited or not wait:  # the process that started the server waits for it, at exit
                return
            if self._features is None:  # started, never used (a usage error, say): nothing to wait for
                self.process.kill()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Lease:
    """One student process, alive (or a zombie) while this is held."""

    def __init__(self, sock: socket.socket):
        self.sock, self.pid, self.end = sock, 0, None
        self.buffer = b""

    def record(self, deadline: float):
        """The server's next status record about this process, as (kind, value); (None, None) past `deadline`."""
        while len(self.buffer) < RECORD.size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return None, None
            chunk = self.sock.recv(64)
            if not chunk:
                return None, None
            self.buffer += chunk
        kind, value = RECORD.unpack(self.buffer[:RECORD.size])
        self.buffer = self.buffer[RECORD.size:]
        return kind, value

    def wait(self, timeout: float):
        """How it ended: ("exit", code) or ("signal", number); None if still running."""
        if self.end is None:
            kind, value = self.record(time.monotonic() + timeout)
            if kind in (EXITED, KILLED):
                self.end = ("exit" if kind == EXITED else "signal", value)
        return self.end

    def kill(self, wait: bool = True) -> None:
        """SIGKILL to the process's group, then `release`."""
        if self.end is None and self.pid > 0:
            for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
                try:
                    target()
                except (ProcessLookupError, PermissionError):
                    pass
        self.release(timeout=2.0 if wait else 0.0)

    def release(self, timeout: float = 2.0) -> None:
        """Hand the process back to the fork server, which kills and reaps it;
        returns once it is gone (the server closes its end), or after `timeout`
        (0: at once; the server reaps it all the same)."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + timeout
            while select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))[0]:
                if not self.sock.recv(64):
                    break
        except OSError:
            pass
        self.sock.close()


# --- this process's fork server ---------------------------------------------------

_shared: ForkServer | Spawner | None = None
_share_with_forks = False
_shared_lock = threading.Lock()


def fork_server_possible() -> bool:
    """Whether this platform can run a fork server (Linux), or needs a Spawner."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "waitid")
            and hasattr(socket, "SOCK_SEQPACKET") and hasattr(socket, "send_fds"))


def shared() -> ForkServer | Spawner:
    """This process's fork server, started on first use (and again if it died);
    a Spawner where a fork server cannot run."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.alive():
            _shared = ForkServer() if fork_server_possible() else Spawner()
        return _shared


def retire() -> None:
    """No student process will be asked for again: the fork server is let go
    now, so that it ends while the reports are written rather than after them,
    when the run would wait for it. Should one be asked for after all, a new
    server starts."""
    with _shared_lock:
        if isinstance(_shared, ForkServer):
            _shared.close(wait=False)


def share_with_forks() -> None:
    """Grading workers forked from now on use this process's fork server
    (each request is one message on its socket, and each student process
    answers on a socket of its own) instead of starting their own."""
    global _share_with_forks
    server = shared()
    if isinstance(server, ForkServer):
        server.features  # noqa: B018  its hello is read here, before two processes could race for it
        _share_with_forks = True


def _forget_after_fork() -> None:
    """A process forked from this one starts its own fork server (it must not
    talk on, or keep open, this one's), unless it is a grading worker."""
    global _shared, _shared_lock
    _shared_lock = threading.Lock()
    if _share_with_forks and isinstance(_shared, ForkServer):
        _shared.owner, _shared.lock, _shared.inherited = os.getpid(), threading.Lock(), True
        return
    if getattr(_shared, "sock", None) is not None:
        try:
            _shared.sock.close()
        except OSError:
            pass
    _shared, _shared_lock = None, threading.Lock()


def _close_shared() -> None:
    """At exit: end this process's fork server and wait for it."""
    if _shared is not None:
        _shared.close()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_close_shared)
