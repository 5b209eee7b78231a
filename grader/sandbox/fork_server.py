"""The fork server: a clean Python process with numpy and the child's code
already imported, which forks a fresh student process on request, so a
submission costs a fork (milliseconds), not a Python start-up.

It is clean by construction: it is started from a scrubbed environment
with `python -I` (fresh_python.py), imports only numpy and the modules of
`grader.sandbox` (rehearsal.py among them: a student's process it
rehearses once, on a file of its own), and receives nothing but requests
to fork: never the reference, never an expected value. The grading process
reads from it only its hello and fixed-size status records (status.py):
nothing it sends is ever unpickled or evaluated.

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
import contextlib
import gc
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
from .fresh_python import GRADER_ROOT
from .spawner import Spawner
from .status import EXITED, KILLED, RECORD, STARTED


class SandboxError(Exception):
    """The fork server failed: a fault of the grading machine, never of a student."""


# --- the grading process's side ---------------------------------------------------

class ForkServer:
    """A running fork server; `spawn` asks it for a student process."""

    def __init__(self, start_timeout: float = 60.0):
        """Start the server; it is waited for (it imports numpy) only when first needed."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            fresh_python.command("fork_server", "serve(int(sys.argv[1]))", [str(theirs.fileno())]),
            pass_fds=(theirs.fileno(),), cwd="/", env=fresh_python.clean_env(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        theirs.close()
        self.sock, self.start_timeout = ours, start_timeout
        self._features: dict[str, bool] | None = None
        self.rehearsed = False   # whether its rehearsal (grader/rehearsal.py) went as planned, once it said hello
        self.inherited = False   # used by a grading worker forked from the process that started it

    @property
    def features(self) -> dict[str, bool]:
        """The isolation in force, as the server found it at start-up."""
        with self.lock:
            if self._features is None:
                self._features = self._hello()
        return self._features

    def _hello(self) -> dict[str, bool]:
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
        self.process.kill()
        text = self.process.stderr.read(4000).decode("utf-8", "replace").strip()
        return f":\n{text}" if text else ""

    def alive(self) -> bool:
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


_shared: ForkServer | Spawner | None = None
_share_with_forks = False
_shared_lock = threading.Lock()


def fork_server_possible() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "waitid") and hasattr(socket, "SOCK_SEQPACKET")


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
    if _shared is not None:
        _shared.close()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_close_shared)


# --- the fork server ----------------------------------------------------------------

def visible_paths(grader_root: str) -> list[str]:
    """What a student process must see to run: Python, its packages and
    numpy, the grader's own package, the system's shared libraries."""
    import importlib.util
    numpy = importlib.util.find_spec("numpy")
    paths = [sys.base_prefix, sys.prefix, sys.exec_prefix, os.path.join(grader_root, "grader"),
             "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache"]
    if numpy and numpy.origin:
        paths.append(os.path.dirname(os.path.dirname(numpy.origin)))
    return [p for p in paths if p and os.path.isabs(p)]


def serve(control_fd: int) -> None:
    from . import confine  # before numpy: a user namespace needs a single-threaded process
    sock = socket.socket(fileno=control_fd)
    features = confine.isolate_server(visible_paths(GRADER_ROOT))
    from . import rehearsal, student, student_setup  # numpy, imported once here for every student
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
        rehearsed = rehearsal.rehearse()
    except Exception:  # it only saves time: students are served all the same
        rehearsed = False
    gc.collect()
    gc.freeze()  # a collection in a student's process then leaves the inherited objects' pages shared
    sock.send(json.dumps({"ready": True, "features": features, "rehearsed": rehearsed}).encode())
    Server(sock, devnull, features).run()
    os._exit(0)  # every student is reaped and nothing is buffered: the interpreter's teardown would only cost time


def _probe_child(features: dict, visible: list[str]) -> dict:
    """Whether a forked student process can get a scratch directory of its
    own, take a user id of its own (and still read every `visible` path) and
    seal itself (seccomp): tried once, in a throwaway child, in the order a
    student's process takes them. Its exit code has a bit for each."""
    from . import confine
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


def _fork_without_hooks():
    """fork() as libc does it, without what os.fork adds in the child: the
    after-fork hooks of Python, threading and random, which write to (so
    copy) some 180 pages, a twentieth of a student process's CPU. The fork
    server has a single thread (see fresh_python.clean_env and
    confine.isolate_server), so threading has nothing to reset, and the
    student's process reseeds random and np.random before it imports the
    submission and before every call. Needs CPython with its GIL (held
    across the call, as by the thread it returns to); os.fork elsewhere."""
    import ctypes
    import sysconfig
    if sys.implementation.name != "cpython" or sysconfig.get_config_var("Py_GIL_DISABLED"):
        return os.fork
    try:
        return ctypes.PyDLL(None).fork
    except (OSError, AttributeError):
        return os.fork


class Server:
    def __init__(self, sock: socket.socket, devnull: int, features: dict):
        from . import confine, student_setup
        self.become_student = student_setup.become_student
        self.sock, self.devnull, self.features = sock, devnull, features
        self.children: dict[int, dict] = {}   # pid -> {"status": socket, "reported": bool, "released": bool}
        self.fork_student = _fork_without_hooks()
        self.forked = 0  # students forked so far: the next one's user id, where ids are mapped
        self.uids = confine.BOX_UIDS if features.get("uids") else None
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    def run(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        by_fd: dict[int, int] = {}
        while True:
            for fd, _ in poller.poll():
                if fd == self.wake_r:
                    try:
                        while os.read(self.wake_r, 4096):
                            pass
                    except BlockingIOError:
                        pass
                    self.collect()
                elif fd == self.sock.fileno():
                    try:
                        message, fds, _, _ = socket.recv_fds(self.sock, 1 << 16, 16)
                    except OSError:
                        message, fds = b"", []
                    if not message:
                        self.shutdown()
                        return
                    pid = self.fork(message, fds)
                    if pid:
                        status = self.children[pid]["status"]
                        by_fd[status.fileno()] = pid
                        poller.register(status, select.POLLIN)
                elif fd in by_fd:
                    pid = by_fd.pop(fd)
                    poller.unregister(fd)
                    self.release(pid)

    def fork(self, message: bytes, fds: list[int]) -> int | None:
        try:
            request = json.loads(message)
            if len(fds) not in (5, 6) or not isinstance(request, dict):
                raise ValueError("malformed request")
        except ValueError:
            for fd in fds:
                os.close(fd)
            return None
        requests, answers, output, source = fds[:4]
        support = fds[4] if len(fds) == 6 else None
        status_fd = fds[-1]
        status = socket.socket(fileno=status_fd)
        uid = self.uids[self.forked % len(self.uids)] if self.uids else None
        self.forked += 1
        pid = self.fork_student()
        if pid == 0:
            code = 120
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                self.become_student(request, requests, answers, output, source, support, self.devnull,
                                    self.features, uid)
                code = 0
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                os._exit(code)
        for fd in (requests, answers, output, source, support):
            if fd is not None:
                os.close(fd)
        self.children[pid] = {"status": status, "reported": False, "released": False}
        self._send(pid, STARTED, pid)
        return pid

    def _send(self, pid: int, kind: bytes, value: int) -> None:
        try:
            self.children[pid]["status"].send(RECORD.pack(kind, value))
        except OSError:
            pass

    def collect(self) -> None:
        """Report every student that ended; reap the released ones."""
        for pid, c in list(self.children.items()):
            if c["released"]:
                self._reap(pid)
            elif not c["reported"]:
                try:
                    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                except ChildProcessError:
                    info = None
                if info is not None:
                    c["reported"] = True
                    exited = info.si_code == os.CLD_EXITED
                    self._send(pid, EXITED if exited else KILLED, info.si_status)

    def release(self, pid: int) -> None:
        """The grading process is done with this student: kill it. It is
        reaped, and its status socket closed (which tells the grading process
        it is gone), as soon as it has died: here, or when SIGCHLD says so;
        the server serves other requests meanwhile."""
        self.children[pid]["released"] = True
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass
        self._reap(pid)

    def _reap(self, pid: int) -> bool:
        """Reap a released student if it is dead, and close its status socket;
        True once it is gone."""
        if pid not in self.children:
            return True
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            self.children.pop(pid)["status"].close()
        return bool(done)

    def shutdown(self) -> None:
        for pid in list(self.children):
            if not self.children[pid]["released"]:
                self.release(pid)
        deadline = time.monotonic() + 5
        while self.children and time.monotonic() < deadline:
            time.sleep(0.01)
            for pid in list(self.children):
                self._reap(pid)
