"""The Sandbox on its own: one student's child process, driven request by
request. It returns plain data, enforces time limits by killing the child,
survives a child that dies, and keeps hidden folders off the child's path."""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.runner import Sandbox
from grader.spec import Limits

STUDENT = '''\
import os
import sys
import time

import numpy as np


def double(x):
    return 2 * x


def pair(a, b):
    return a + b, a - b


def scale_in_place(x):
    x *= 3
    return x


def chatty(x):
    print("hello from the student")
    return x


def slow(x):
    while True:
        time.sleep(0.01)


def die(x):
    os._exit(3)


def broken(x):
    return helper(x)


def helper(x):
    raise ValueError("shapes do not line up")


def on_path(folder):
    """1 when `folder` is on sys.path, else 0."""
    return int(any(os.path.realpath(p or ".") == folder for p in sys.path))


def import_reference(x):
    import reference
    return reference.SECRET
'''

LIMITS = Limits(call_timeout=2, timeout=60)


@pytest.fixture
def student(tmp_path) -> Path:
    path = tmp_path / "student.py"
    path.write_text(STUDENT, encoding="utf-8")
    # an instructor's file sitting right beside the student's
    (tmp_path / "reference.py").write_text("SECRET = 42\n", encoding="utf-8")
    return path


@pytest.fixture
def sandbox(student):
    with Sandbox(student, "student", LIMITS, []) as box:
        yield box


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_load_lists_the_functions_with_their_parameters_and_lines(sandbox, student):
    reply = sandbox.load()
    assert reply.ok, reply.error
    functions = reply.data["functions"]
    assert functions["double"]["params"] == ["x"]
    assert functions["pair"]["params"] == ["a", "b"]
    lines = student.read_text(encoding="utf-8").splitlines()
    assert lines[functions["pair"]["line"] - 1].startswith("def pair(")


def test_a_call_returns_the_students_values_as_data(sandbox):
    reply = sandbox.call("double", {"x": np.arange(4.0)})
    assert reply.ok, reply.error
    result = reply.data["result"]
    assert isinstance(result, np.ndarray)
    np.testing.assert_array_equal(result, [0.0, 2.0, 4.0, 6.0])
    assert reply.data["mutated"] == []

    reply = sandbox.call("pair", {"a": 5, "b": 2})
    assert reply.ok, reply.error
    assert reply.data["result"].kind == "tuple"
    assert reply.data["result"].items == [7, 3]


def test_a_call_reports_inputs_changed_in_place(sandbox):
    reply = sandbox.call("scale_in_place", {"x": np.ones(3)})
    assert reply.ok, reply.error
    assert reply.data["mutated"] == ["x"]


def test_an_exception_is_reported_with_the_students_frames_only(sandbox):
    reply = sandbox.call("broken", {"x": 1})
    assert not reply.ok
    err = reply.error
    assert err.kind == "exception" and err.type == "ValueError"
    text = err.describe()
    assert 'File "student.py"' in text and "in broken" in text and "in helper" in text
    assert "ValueError: shapes do not line up" in text
    assert "grader" not in text and "sandbox" not in text


def test_what_the_student_prints_is_captured(sandbox):
    assert sandbox.call("chatty", {"x": 1}).ok
    assert "hello from the student" in sandbox.captured_output()


def test_a_timeout_kills_the_child_and_the_next_call_gets_a_new_one(sandbox):
    assert sandbox.call("double", {"x": 1}).ok
    first = sandbox.lease.pid
    start = time.monotonic()
    reply = sandbox.call("slow", {"x": 1})
    took = time.monotonic() - start
    assert not reply.ok
    assert reply.error.kind == "timeout"
    assert "no answer within 2.0 s" in reply.error.message
    assert 1.9 <= took < 10
    assert not pid_alive(first)

    again = sandbox.call("double", {"x": 21})
    assert again.ok, again.error
    assert again.data["result"] == 42
    assert sandbox.lease.pid != first


def test_replies_stream_in_order_and_a_stream_left_early_takes_its_process_with_it(sandbox):
    from grader.sandbox.runner import call_request
    requests = [call_request("double", {"x": k}) for k in range(3)] + [call_request("slow", {"x": 0}),
                                                                        call_request("double", {"x": 5})]
    replies = list(sandbox.stream(requests))
    assert [r.data["result"] for r in replies[:3]] == [0, 2, 4]
    assert replies[3].error.kind == "timeout"
    assert replies[4].ok and replies[4].data["result"] == 10  # answered by a fresh process

    stream = sandbox.stream([call_request("double", {"x": k}) for k in (1, 2, 3)])
    assert next(stream).data["result"] == 2
    first = sandbox.lease.pid
    stream.close()  # the answers not read are never taken for another request's
    assert sandbox.lease is None and not pid_alive(first)
    again = sandbox.call("double", {"x": 7})
    assert again.ok and again.data["result"] == 14


def test_os_exit_is_reported_as_a_crash_with_its_exit_code(sandbox):
    reply = sandbox.call("die", {"x": 1})
    assert not reply.ok
    assert reply.error.kind == "crashed"
    assert "exited with code 3" in reply.error.message
    again = sandbox.call("double", {"x": 2})
    assert again.ok, again.error
    assert again.data["result"] == 4


def test_once_the_total_time_is_used_up_nothing_more_runs(student):
    with Sandbox(student, "student", Limits(call_timeout=1, timeout=1), []) as box:
        assert box.call("slow", {"x": 1}).error.kind == "timeout"
        reply = box.call("double", {"x": 1})
        assert not reply.ok
        assert reply.error.kind == "timeout"
        assert "time limit was used up" in reply.error.message


def test_a_reference_beside_the_students_file_is_not_importable(sandbox):
    reply = sandbox.call("import_reference", {"x": 1})
    assert not reply.ok
    assert reply.error.type == "ModuleNotFoundError"
    assert "No module named 'reference'" in reply.error.describe()


def test_hidden_folders_are_removed_from_the_childs_path(student):
    # a folder that is certainly on the child's path: where numpy is installed
    folder = os.path.realpath(Path(np.__file__).resolve().parent.parent)
    with Sandbox(student, "student", LIMITS, []) as box:
        visible = box.call("on_path", {"folder": folder})
        assert visible.ok, visible.error
        assert visible.data["result"] == 1
    with Sandbox(student, "student", LIMITS, [Path(folder)]) as box:
        hidden = box.call("on_path", {"folder": folder})
        assert hidden.ok, hidden.error
        assert hidden.data["result"] == 0
    link = student.parent / "link"   # a folder named through a link the child's process cannot see
    link.symlink_to(folder)
    with Sandbox(student, "student", LIMITS, [link]) as box:
        assert box.call("on_path", {"folder": folder}).data["result"] == 0


def test_a_module_that_fails_to_import_fails_every_request(tmp_path):
    path = tmp_path / "student.py"
    path.write_text("import numpy as np\n\ndef f(x)\n    return x\n", encoding="utf-8")
    with Sandbox(path, "student", LIMITS, []) as box:
        loaded = box.load()
        assert not loaded.ok
        assert loaded.error.kind == "syntax"
        assert "line 3" in loaded.error.message
        call = box.call("f", {"x": 1})
        assert not call.ok and call.error.kind == "syntax"
