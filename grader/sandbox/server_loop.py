"""The fork server's loop: it waits for requests from the grading process,
forks a student process for each, reports its pid and then how it ended
(status.py), and kills and reaps it once the grading process lets it go.
It serves other requests meanwhile: a student process is never waited for."""
from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import sys
import sysconfig
import time
from dataclasses import dataclass

from . import confine
from .status import EXITED, KILLED, RECORD, STARTED
from .student_setup import become_student


@dataclass
class StudentProcess:
    """A student process the server forked, as the server keeps track of it."""
    status: socket.socket    # the socket on which its status records go to the grading process
    reported: bool = False   # whether how it ended was sent
    released: bool = False   # whether the grading process is done with it


class Server:
    """The loop, over the control socket from the grading process and the student processes it forked."""

    def __init__(self, sock: socket.socket, devnull: int, features: dict):
        self.sock, self.devnull, self.features = sock, devnull, features
        self.children: dict[int, StudentProcess] = {}   # by pid
        self.fork_student = _fork_without_hooks()
        self.forked = 0  # students forked so far: the next one's user id, where ids are mapped
        self.uids = confine.BOX_UIDS if features.get("uids") else None
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    def run(self) -> None:
        """Serve until the grading process closes the control socket; a
        SIGCHLD wakes the loop through a pipe, to report who ended."""
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        by_fd: dict[int, int] = {}   # a status socket's descriptor: its student's pid
        while True:
            for fd, _ in poller.poll():
                if fd == self.wake_r:
                    self._drain_wakeups()
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
                        status = self.children[pid].status
                        by_fd[status.fileno()] = pid
                        poller.register(status, select.POLLIN)
                elif fd in by_fd:  # the grading process closed its end: it is done with that student
                    pid = by_fd.pop(fd)
                    poller.unregister(fd)
                    self.release(pid)

    def _drain_wakeups(self) -> None:
        """Empty the pipe signals wrote to, so that poll sleeps again."""
        try:
            while os.read(self.wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    def fork(self, message: bytes, fds: list[int]) -> int | None:
        """Fork a student process for one request (a JSON message, with its
        descriptors); returns its pid, or None for a malformed request."""
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
        status = socket.socket(fileno=fds[-1])
        uid = self.uids[self.forked % len(self.uids)] if self.uids else None
        self.forked += 1
        pid = self.fork_student()
        if pid == 0:
            self._be_student(request, requests, answers, output, source, support, uid)
        for fd in (requests, answers, output, source, support):
            if fd is not None:
                os.close(fd)
        self.children[pid] = StudentProcess(status)
        self._send(pid, STARTED, pid)
        return pid

    def _be_student(self, request: dict, requests: int, answers: int, output: int, source: int,
                    support: int | None, uid: int | None) -> None:
        """In the forked child: become the student process, and never return
        to the loop (exit 0 once served, 120 on a failure, printed to its output)."""
        code = 120
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            become_student(request, requests, answers, output, source, support, self.devnull, self.features, uid)
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)

    def _send(self, pid: int, kind: bytes, value: int) -> None:
        """One status record to the grading process, which may have gone."""
        try:
            self.children[pid].status.send(RECORD.pack(kind, value))
        except OSError:
            pass

    def collect(self) -> None:
        """Report every student that ended; reap the released ones."""
        for pid, child in list(self.children.items()):
            if child.released:
                self._reap(pid)
            elif not child.reported:
                try:
                    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                except ChildProcessError:
                    info = None
                if info is not None:
                    child.reported = True
                    exited = info.si_code == os.CLD_EXITED
                    self._send(pid, EXITED if exited else KILLED, info.si_status)

    def release(self, pid: int) -> None:
        """The grading process is done with this student: kill it. It is
        reaped, and its status socket closed (which tells the grading process
        it is gone), as soon as it has died: here, or when SIGCHLD says so;
        the server serves other requests meanwhile."""
        self.children[pid].released = True
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
            self.children.pop(pid).status.close()
        return bool(done)

    def shutdown(self) -> None:
        """Kill every student still running and reap them all, for up to 5 seconds."""
        for pid in list(self.children):
            if not self.children[pid].released:
                self.release(pid)
        deadline = time.monotonic() + 5
        while self.children and time.monotonic() < deadline:
            time.sleep(0.01)
            for pid in list(self.children):
                self._reap(pid)


def _fork_without_hooks():
    """fork() as libc does it, without what os.fork adds in the child: the
    after-fork hooks of Python, threading and random, which write to (so
    copy) some 180 pages, a twentieth of a student process's CPU. The fork
    server has a single thread (see fresh_python.clean_env and
    server_isolation.isolate_server), so threading has nothing to reset, and the
    student's process reseeds random and np.random before it imports the
    submission and before every call. Needs CPython with its GIL (held
    across the call, as by the thread it returns to); os.fork elsewhere."""
    if sys.implementation.name != "cpython" or sysconfig.get_config_var("Py_GIL_DISABLED"):
        return os.fork
    try:
        return ctypes.PyDLL(None).fork
    except (OSError, AttributeError):
        return os.fork
