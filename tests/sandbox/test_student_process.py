"""What a student process can and cannot do, asked from inside one: its
limits, its environment, its view of the filesystem and the network, what
it may send back, and that it dies with the fork server. Each guarantee
that depends on the platform is checked where the fork server reports it in
force, and skipped (with the reason) where it is not."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from grader.batch.progress import Progress, choose_mode
from grader.sandbox import fork_server, server_startup, wire_values
from grader.sandbox.fresh_python import GRADER_ROOT
from grader.sandbox.runner import Sandbox
from grader.spec import Limits

STUDENT = '''\
import os
import resource
import socket
import sys

import grader


def limits(x):
    names = ["RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE"]
    return [list(resource.getrlimit(getattr(resource, n))) for n in names]


def environment(x):
    return sorted(os.environ), os.environ.get("HOME"), os.getcwd()


def connect(x):
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=2).close()
        return "connected"
    except OSError as e:
        return type(e).__name__


def write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        return "written"
    except OSError as e:
        return type(e).__name__


def cores(x):
    return sorted(os.sched_getaffinity(0))


def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as e:
        return type(e).__name__


def grader_folder(x):
    return os.path.dirname(grader.__file__)


def big(x):
    try:
        with open("big.bin", "wb") as f:
            f.write(bytes(4 * 2**20))
        return "written"
    except OSError as e:
        return type(e).__name__


def spin(x):
    while True:
        pass


def chatter(n):
    for _ in range(n):
        print("y" * 999)
    return n


def forge(x):
    os.write(4, bytes(struct.pack(">QQ", 2**40, 0)))
    spin(x)


def drawn_at_import(x):
    return list(AT_IMPORT)


def threads(x):
    return [threading.current_thread() is threading.main_thread(), threading.active_count()]


def refused(numbers):
    """For each system call number, whether calling it (with arguments that
    are wrong for any) fails with EPERM: the seccomp filter's answer."""
    import ctypes
    import errno
    libc = ctypes.CDLL(None, use_errno=True)
    out = []
    for n in numbers:
        ctypes.set_errno(0)
        r = libc.syscall(ctypes.c_long(n), ctypes.c_long(5), ctypes.c_long(4), ctypes.c_long(0), ctypes.c_long(0))
        out.append(r == -1 and ctypes.get_errno() == errno.EPERM)
    return out


def modules(x):
    return sorted(name for name in sys.modules if "warm_up" in name or name == "student")


import random
import struct
import threading

import numpy as np

AT_IMPORT = (random.random(), float(np.random.rand()))
'''

LIMITS = Limits(call_timeout=5, timeout=60, memory=700, file_size=3, open_files=40, output=500)


def features() -> dict:
    return fork_server.shared().features


@pytest.fixture
def student(tmp_path) -> Path:
    path = tmp_path / "student.py"
    path.write_text(STUDENT, encoding="utf-8")
    return path


@pytest.fixture
def box(student):
    with Sandbox(student, "student", LIMITS, []) as sandbox:
        assert sandbox.load().ok
        yield sandbox


def result(box, function, x=0):
    reply = box.call(function, {"x": x} if function != "write" and function != "listing" else {"path": x})
    assert reply.ok, reply.error
    return plain(reply.result)


def plain(value):
    return [plain(v) for v in value.items] if isinstance(value, wire_values.Sequence) else value


def test_the_limits_of_the_spec_are_in_force(box):
    address, cpu, size, files, core = result(box, "limits")
    assert address == [700 * 2**20] * 2
    assert cpu[0] == 60
    assert size == [3 * 2**20] * 2
    assert files == [40, 40]
    assert core == [0, 0]


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs a platform that pins processes to cores, and two cores")
def test_a_student_process_runs_on_the_cores_of_the_process_that_asked_for_it(student):
    allowed = os.sched_getaffinity(0)
    one = max(allowed)
    os.sched_setaffinity(0, {one})   # as a grading worker is pinned (see workers._work)
    try:
        with Sandbox(student, "student", LIMITS, []) as sandbox:
            assert sandbox.load().ok
            assert result(sandbox, "cores") == [one]
    finally:
        os.sched_setaffinity(0, allowed)
    with Sandbox(student, "student", LIMITS, []) as sandbox:
        assert sandbox.load().ok
        assert result(sandbox, "cores") == sorted(allowed)


def test_the_environment_is_scrubbed(box):
    keys, home, cwd = result(box, "environment")
    allowed = {"PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
               "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "HOME", "TMPDIR"}
    assert set(keys) <= allowed
    assert home == cwd


def test_no_network(box):
    if not (features().get("network") or features().get("seccomp")):
        pytest.skip("neither a network namespace nor seccomp here: README says the network is reachable")
    assert result(box, "connect") in ("PermissionError", "OSError", "ConnectionRefusedError")


def test_only_the_scratch_folder_is_writable_and_it_is_private(student):
    if not features().get("filesystem"):
        pytest.skip("no private filesystem view here: README says what a student can reach")
    with Sandbox(student, "student", LIMITS, []) as one, Sandbox(student, "student", LIMITS, []) as two:
        assert result(one, "write", "mine.txt") == "written"
        assert "mine.txt" in result(one, "listing", ".")
        assert "mine.txt" not in result(two, "listing", ".")
        grader_folder = result(one, "grader_folder")
        assert result(one, "write", os.path.join(grader_folder, "scribble.py")) == "OSError"
        assert not Path(grader_folder, "scribble.py").exists()
        assert result(one, "listing", str(student.parent)) == "FileNotFoundError"
        top = set(result(one, "listing", "/"))
        # Only the grader's own folders (wherever this clone and its Python live) and the system's.
        shown = [Path(path) for path in server_startup.visible_paths(GRADER_ROOT)]
        exposed = {path.parts[1] for path in shown if len(path.parts) > 1}
        assert top <= exposed | {"usr", "lib", "lib32", "lib64", "libx32", "etc", "dev", "tmp", "bin", "scratch"}
        assert "proc" not in top and "sys" not in top


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="syscall numbers of x86_64")
def test_the_seccomp_filter_refuses_what_it_lists_and_nothing_beside(box):
    if not features().get("seccomp"):
        pytest.skip("no seccomp filter here: README says what a student process can do")
    # chroot, execve, io_uring_setup, pidfd_getfd, mount_setattr: refused; close_range and openat2, between
    # refused numbers, are not
    numbers = [161, 59, 425, 438, 442, 436, 437]
    assert box.call("refused", {"numbers": numbers}).result.items == [True] * 5 + [False] * 2


def test_a_file_larger_than_the_limit_cannot_be_written(box):
    assert result(box, "big") == "OSError"


def test_printing_far_more_than_is_kept_never_fails(box):
    reply = box.call("chatter", {"n": 10_000})
    assert reply.ok, reply.error
    out = box.captured_output()
    assert len(out) <= 500 + 40 and out.endswith("[... output truncated]")


def test_cpu_time_is_limited(student):
    with Sandbox(student, "student", Limits(call_timeout=30, timeout=60, cpu=1), []) as box:
        start = time.monotonic()
        reply = box.call("spin", {"x": 0})
        assert time.monotonic() - start < 10
        assert reply.error.kind == "timeout"
        assert "CPU time" in reply.error.message


def test_a_forged_frame_is_a_protocol_error_and_costs_nothing(box):
    start = time.monotonic()
    reply = box.call("forge", {"x": 0})
    assert time.monotonic() - start < 4
    assert reply.error.kind == "protocol"
    assert "refused a message" in reply.error.message


def test_the_fork_servers_rehearsal_goes_as_planned_and_leaves_no_module_behind():
    """The server rehearses a student's process once (grader/sandbox/warm_up.py);
    were a request of it to fail unseen, it would rehearse nothing."""
    code = ("import sys; from grader.sandbox import warm_up; "
            "print(warm_up.rehearse(), warm_up.MODULE in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=GRADER_ROOT,
                          timeout=60)
    assert done.stdout.split() == ["True", "False"], done.stderr


def test_the_fork_server_rehearsed_before_it_said_hello():
    server = fork_server.shared()
    if not isinstance(server, fork_server.ForkServer):
        pytest.skip("no fork server here: each student process is a fresh Python")
    assert server.features is not None and server.rehearsed


def test_a_student_sees_no_trace_of_the_rehearsal(box):
    assert result(box, "modules") == ["grader.sandbox.warm_up", "student"]  # the server's code, and this file only


def test_a_student_process_is_the_main_thread_and_draws_the_same_numbers_at_import(student):
    """A student's process is forked without Python's after-fork hooks
    (server_loop._fork_without_hooks): its one thread is still threading's main
    thread, and `random` and `np.random` are reseeded before the import."""
    drawn = []
    for _ in range(2):
        with Sandbox(student, "student", LIMITS, []) as box:
            assert box.load().ok
            assert result(box, "threads") == [True, 1]
            drawn.append(result(box, "drawn_at_import"))
    assert drawn[0] == drawn[1] == [random.Random(0).random(), float(np.random.RandomState(0).rand())]


def test_students_die_with_the_fork_server(student):
    with Sandbox(student, "student", LIMITS, []) as box:
        assert box.load().ok
        pid = box.lease.pid
        server = fork_server.shared()
        server.process.kill()
        server.process.wait()
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _alive(pid)
    with Sandbox(student, "student", LIMITS, []) as box:  # a new fork server takes over
        assert result(box, "limits")


def test_a_retired_fork_server_ends_at_once_and_a_new_one_takes_over(student):
    """What `grade` does once its last batch is graded: the server ends while
    the reports are written, and anything that still needs one gets a new one."""
    with Sandbox(student, "student", LIMITS, []) as box:
        assert box.load().ok
    server = fork_server.shared()
    fork_server.retire()
    assert server.process.wait(timeout=5) == 0
    assert fork_server.shared() is not server
    with Sandbox(student, "student", LIMITS, []) as box:
        assert result(box, "limits")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_support_folder_is_copied_in_without_following_links(tmp_path):
    support = tmp_path / "support"
    (support / "pkg").mkdir(parents=True)
    (support / "helper.py").write_text("VALUE = 7\n", encoding="utf-8")
    (support / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (support / "outside").symlink_to(tmp_path)
    path = tmp_path / "student.py"
    path.write_text("import os, helper\n\ndef f(x):\n    return helper.VALUE, sorted(os.listdir(os.path.dirname("
                    "helper.__file__)))\n", encoding="utf-8")
    with Sandbox(path, "student", LIMITS, [], support=support) as box:
        value, names = plain(box.call("f", {"x": 0}).result)
        assert value == 7
        assert "outside" not in names and {"helper.py", "pkg"} <= set(names)


# --- progress ---------------------------------------------------------------------------

class Terminal:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert choose_mode(False, Terminal(True)) == "bar"
    assert choose_mode(False, Terminal(False)) == "lines"
    assert choose_mode(True, Terminal(True)) == "quiet"
    monkeypatch.setenv("CI", "true")
    assert choose_mode(False, Terminal(True)) == "lines"


def test_the_bar_shows_count_rate_and_time_left():
    out = Terminal(True)
    progress = Progress("hw", 4, "bar", out)
    progress.saved("a", 1, 2)
    progress.start -= 2.0
    progress.graded("b", 2, 2, 0.1)
    bar = progress.bar(progress.start + 2.0)
    assert "2/4" in bar and "1 saved" in bar and "0.5/s" in bar and "0:04 left" in bar
    progress.close()
    assert out.text.endswith("1 saved results reused\n") or "1 saved results reused" in out.text
