"""Where no fork server can run (Windows, macOS): a Spawner starts a fresh
Python per student process, handing it its pipes as stdin and stdout. Its
student process answers calls, prints into the output file, is killed when
a call overruns (the next call gets a fresh one), and takes the spec's
rlimits where the platform has them; where select() cannot wait on a pipe
(Windows), a PipeReader keeps the same deadlines. The student file here
uses nothing POSIX-only, so these run on every platform."""
from __future__ import annotations

import os
import threading
import time

import pytest

from grader.sandbox import fork_server, wire
from grader.sandbox.runner import Sandbox
from grader.spec import Limits

pytestmark = pytest.mark.student_facing

STUDENT = '''\
import os
import sys

import helper


def limits(x):
    try:
        import resource
    except ImportError:
        return None
    return list(resource.getrlimit(resource.RLIMIT_AS))


def where(x):
    return os.getpid(), os.getcwd(), os.environ.get("HOME"), helper.VALUE


def spin(x):
    while True:
        pass


def chatter(n):
    for _ in range(n):
        print("y" * 999)
    return n


def add(x):
    return x + 1
'''


@pytest.fixture(params=["select", "thread"], ids=["select() on the pipe", "a reading thread"])
def spawner(request, monkeypatch):
    """This process's sandbox a Spawner, its answers read as on POSIX or as on Windows."""
    monkeypatch.setattr(fork_server, "fork_server_possible", lambda: False)
    monkeypatch.setattr(fork_server, "_shared", None)
    monkeypatch.setattr(wire, "SELECT_ON_PIPES", request.param == "select")
    server = fork_server.shared()
    assert isinstance(server, fork_server.Spawner)
    yield server
    monkeypatch.setattr(fork_server, "_shared", None)


@pytest.fixture
def student(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(STUDENT, encoding="utf-8")
    support = tmp_path / "support"
    support.mkdir()
    (support / "helper.py").write_text("VALUE = 7\n", encoding="utf-8")
    return path, support


def test_a_student_process_answers_from_a_folder_of_its_own(spawner, student):
    path, support = student
    with Sandbox(path, "student", Limits(call_timeout=5, timeout=60), [], support=support) as box:
        assert box.load().ok
        reply = box.call("where", {"x": 0})
        assert reply.ok, reply.error
        pid, cwd, home, value = reply.result.items
        assert pid != os.getpid() and value == 7
        assert cwd == home and os.path.realpath(cwd) != os.path.realpath(path.parent)
        assert box.call("add", {"x": 41}).result == 42


def test_a_call_past_its_time_limit_is_killed_and_the_next_gets_a_fresh_process(spawner, student):
    path, support = student
    with Sandbox(path, "student", Limits(call_timeout=1, timeout=60), [], support=support) as box:
        assert box.load().ok
        first = box.lease
        reply = box.call("spin", {"x": 0})
        assert reply.error.kind == "timeout", reply.error
        assert first.process.poll() is not None   # the spinning process is gone
        assert box.call("add", {"x": 1}).result == 2
        assert box.lease is not first


def test_what_it_prints_is_captured(spawner, student):
    path, support = student
    with Sandbox(path, "student", Limits(call_timeout=5, timeout=60), [], support=support) as box:
        reply = box.call("chatter", {"n": 3})
        assert reply.ok and box.captured_output().count("y" * 999) == 3


def test_the_memory_limit_is_in_force_where_the_platform_enforces_it(spawner, student):
    path, support = student
    with Sandbox(path, "student", Limits(call_timeout=5, timeout=60, memory=700), [], support=support) as box:
        got = box.call("limits", {"x": 0}).result
    if not spawner.features["memory"]:
        pytest.skip("this platform enforces no address-space limit (macOS) or has no rlimits (Windows)")
    assert list(got.items) == [700 * 2**20] * 2


# --- a PipeReader, frame by frame ----------------------------------------------------------

def test_a_pipe_reader_times_out_then_reads_the_frame_whole():
    r, w = os.pipe()
    reader = wire.PipeReader(r)
    frame = wire.encode({"answer": 42})
    os.write(w, frame[:5])
    with pytest.raises(wire.WireTimeout):
        wire.receive(reader, deadline=time.monotonic() + 0.2)
    threading.Timer(0.1, lambda: os.write(w, frame[5:])).start()
    assert wire.receive(reader, deadline=time.monotonic() + 5) == {"answer": 42}
    os.close(w)
    with pytest.raises(wire.WireClosed):
        wire.receive(reader, deadline=time.monotonic() + 5)
    reader.stop()
    os.close(r)


def test_a_pipe_reader_reads_no_more_than_a_chunk_ahead():
    r, w = os.pipe()
    reader = wire.PipeReader(r)
    os.write(w, wire.encode({"n": 1}) + b"x" * 1000)
    assert wire.receive(reader, deadline=time.monotonic() + 5) == {"n": 1}
    time.sleep(0.1)
    assert reader.chunks.empty() and not reader.asked   # nothing read, or being read, that was not asked for
    reader.stop()
    os.close(w)
    os.close(r)
