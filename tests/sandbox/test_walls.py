"""The walls around a student's process that the kernel keeps, each tried by
a hostile submission graded through the real `grade` command, beside
correct ones, and checked by a witness outside the student's process:

- signals by the roads that are not kill(): a descriptor whose owner is
  set (fcntl F_SETOWN / F_SETOWN_EX, ioctl FIOSETOWN / SIOCSPGRP) and that
  is made asynchronous (O_ASYNC, FIOASYNC) has the kernel signal its owner
  on I/O. Witnesses: a sacrificial process, the `grade` run itself and the
  other students' processes, which must all live on;
- disk the file-size limit does not count (fallocate with KEEP_SIZE on
  its output and on a scratch file). Witness: the free space of the
  temporary folder's file system, sampled while the run goes on;
- memory the address-space limit does not count (System V segments
  attached, touched and detached; memfd). Witness: the machine's shared
  memory (Shmem in /proc/meminfo), sampled likewise, and the segments left
  in the grader's IPC namespace afterwards.

Each runs as root (as here and in CI), where students also get user ids
of their own, and as an ordinary user (the run in a user namespace that
maps it to uid 1000), where they share the grader's: the walls that do not
depend on the user id must hold in both."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import USERS, as_user
from grader.sandbox import fork_server

ROOT = Path(__file__).resolve().parents[2]
CORRECT = ROOT / "submissions" / "ner_window" / "ada.py"
GiB = 2**30

ATTACK = '''\
import ctypes, fcntl, os, signal, socket, time

_libc = ctypes.CDLL(None, use_errno=True)
_TARGETS = {targets}
_tried = []


def _note(what, ok):
    _tried.append(what if ok else what + ":refused")


def _owned_pipe(target):
    r, w = os.pipe()
    for what, call in (("F_SETOWN", lambda: fcntl.fcntl(r, fcntl.F_SETOWN, target)),
                       ("F_SETSIG", lambda: fcntl.fcntl(r, 10, signal.SIGKILL)),
                       ("O_ASYNC", lambda: fcntl.fcntl(r, fcntl.F_SETFL, os.O_ASYNC | os.O_NONBLOCK))):
        try:
            call()
            _note(what, True)
        except OSError:
            _note(what, False)
    owner = (ctypes.c_int * 2)(1, target)  # F_OWNER_PID
    _note("F_SETOWN_EX", _libc.fcntl(w, 15, owner) == 0)
    _note("O_ASYNC w", _libc.fcntl(w, 4, os.O_ASYNC) == 0)
    os.write(w, b"x")                       # I/O on the read end: SIGIO (or SIGKILL) to its owner
    os.close(w)                             # and on the write end


def _owned_socket(target):
    a, b = socket.socketpair()
    for what, request, value in (("FIOSETOWN", 0x8901, target), ("SIOCSPGRP", 0x8902, target),
                                 ("FIOASYNC", 0x5452, 1)):
        _note(what, _libc.ioctl(a.fileno(), request, ctypes.byref(ctypes.c_int(value))) == 0)
    b.send(b"x")
    b.close()


def _signal_everyone():
    mine = os.getpid()
    for target in _TARGETS + [p for p in range(mine - 4, mine + 5) if p > 1 and p != mine]:
        for attack in (_owned_pipe, _owned_socket):
            try:
                attack(target)
            except OSError:
                pass


def _allocate_outside_the_limits():
    _note("fallocate output", _libc.fallocate(1, 1, ctypes.c_long(0), ctypes.c_long(4 * 2**30)) == 0)
    fd = os.open("big", os.O_RDWR | os.O_CREAT, 0o600)
    _note("fallocate scratch", _libc.fallocate(fd, 1, ctypes.c_long(0), ctypes.c_long(4 * 2**30)) == 0)
    _libc.shmat.restype = ctypes.c_void_p
    for _ in range(3):
        segment = _libc.shmget(0, ctypes.c_size_t(512 * 2**20), 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT
        _note("shmget", segment >= 0)
        if segment >= 0:
            address = _libc.shmat(segment, None, 0)
            if address not in (None, 2**64 - 1):
                ctypes.memset(address, 1, 512 * 2**20)
                _libc.shmdt(ctypes.c_void_p(address))
    memfd = getattr(os, "memfd_create", None)
    try:
        fd = memfd("hoard")
        os.ftruncate(fd, 16 * 2**20)
        _note("memfd", _libc.fallocate(fd, 0, ctypes.c_long(0), ctypes.c_long(2**30)) == 0)
    except OSError:
        _note("memfd", False)


_allocate_outside_the_limits()
_end = time.monotonic() + 2.0   # long enough to meet the other students' processes, and the witnesses
while time.monotonic() < _end:
    _signal_everyone()
    time.sleep(0.05)
print("tried:", sorted(set(_tried)))

'''


def features() -> dict:
    return fork_server.shared().features


class Sampler:
    """Samples a reading of the machine every few milliseconds, in a thread,
    until stopped; keeps the lowest and highest seen."""

    def __init__(self, read):
        self.read, self.low = read, read()
        self.high, self.stop = self.low, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(0.01):
            value = self.read()
            self.low, self.high = min(self.low, value), max(self.high, value)

    def finish(self) -> "Sampler":
        self.stop.set()
        self.thread.join()
        return self


def free_temp_space() -> int:
    st = os.statvfs(tempfile.gettempdir())
    return st.f_bavail * st.f_frsize


def shared_memory() -> int:
    with open("/proc/meminfo") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Shmem:"))


def segments() -> set[str]:
    with open("/proc/sysvipc/shm") as f:
        return {line.split()[1] for line in list(f)[1:]}


@pytest.mark.skipif(not fork_server.fork_server_possible(), reason="the walls of a Linux fork server")
@pytest.mark.parametrize("user", USERS)
def test_a_student_can_signal_no_one_and_allocate_nothing_outside_its_limits(tmp_path, user):
    victim = subprocess.Popen(["sleep", "120"])
    out, batch = tmp_path / "out", tmp_path / "batch" / "ner_window"
    batch.mkdir(parents=True)
    for name in ("ada", "bea", "cy"):
        shutil.copy(CORRECT, batch / f"{name}.py")
    code = "import sys; from grader.cli import grade_main; sys.argv[0] = 'grade'; raise SystemExit(grade_main())"
    command = as_user(user, [sys.executable, "-c", code, str(batch), "--out", str(out), "-j", "2"])
    # The run's own pid is known before the attacker is written: it is this process's, once it execs `grade`.
    run = subprocess.Popen([sys.executable, "-c", "import os, sys; sys.stdin.readline(); os.execvp(sys.argv[1], "
                            "sys.argv[1:])", *command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "CI": "true"})
    (batch / "mallory.py").write_text(ATTACK.format(targets=[victim.pid, run.pid]) + CORRECT.read_text())
    before = segments()
    disk, memory = Sampler(free_temp_space), Sampler(shared_memory)
    try:
        stdout, stderr = run.communicate("go\n", timeout=300)
    finally:
        disk.finish(), memory.finish()
        alive = victim.poll() is None
        victim.kill()
    assert run.returncode == 0, stderr
    assert alive, "the sacrificial process was killed"
    grades = json.loads((out / "ner_window" / "grades.json").read_text())
    scores = {s["student"]: (s["score"], s["max_score"]) for s in grades["submissions"]}
    assert set(scores) == {"ada", "bea", "cy", "mallory"}
    assert all(score == top for score, top in scores.values()), scores
    page = (out / "ner_window" / "mallory.html").read_text()
    assert "tried:" in page  # the attack ran: its report shows what it tried
    if features().get("seccomp"):  # the first wall: each road is refused outright
        for road in ("F_SETOWN", "F_SETSIG", "O_ASYNC", "FIOSETOWN", "FIOASYNC", "fallocate output", "shmget",
                     "memfd"):
            assert f"&#39;{road}:refused&#39;" in page, road
    assert disk.low > disk.high - GiB, f"{(disk.high - disk.low) / GiB:.1f} GiB of disk were allocated"
    assert memory.high < memory.low + GiB, f"{(memory.high - memory.low) / GiB:.1f} GiB of shared memory were used"
    assert segments() <= before, "System V segments outlived the run"
