"""The Sandbox on its own: one student's child process, driven request by
request. It returns plain data, enforces time limits by killing the child,
survives a child that dies, and keeps hidden folders off the child's path."""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.answers import Called, Failed, Loaded, Probed, read
from grader.sandbox.runner import Sandbox, call_request, probe_request
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


def forge(payload):
    """Answers with a frame of its own on the answer pipe (fd 4), then ends."""
    data = payload.encode()
    os.write(4, len(data).to_bytes(8, "big") + bytes(8) + data)
    os._exit(0)
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
    functions = reply.functions
    assert functions["double"].params == ["x"]
    assert functions["pair"].params == ["a", "b"]
    lines = student.read_text(encoding="utf-8").splitlines()
    assert lines[functions["pair"].line - 1].startswith("def pair(")


def test_a_call_returns_the_students_values_as_data(sandbox):
    reply = sandbox.call("double", {"x": np.arange(4.0)})
    assert reply.ok, reply.error
    result = reply.result
    assert isinstance(result, np.ndarray)
    np.testing.assert_array_equal(result, [0.0, 2.0, 4.0, 6.0])
    assert reply.mutated == []

    reply = sandbox.call("pair", {"a": 5, "b": 2})
    assert reply.ok, reply.error
    assert reply.result.kind == "tuple"
    assert reply.result.items == [7, 3]


def test_a_call_reports_inputs_changed_in_place(sandbox):
    reply = sandbox.call("scale_in_place", {"x": np.ones(3)})
    assert reply.ok, reply.error
    assert reply.mutated == ["x"]


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
    assert again.result == 42
    assert sandbox.lease.pid != first


def test_replies_stream_in_order_and_a_stream_left_early_takes_its_process_with_it(sandbox):
    requests = [call_request("double", {"x": k}) for k in range(3)] + [call_request("slow", {"x": 0}),
                                                                        call_request("double", {"x": 5})]
    replies = list(sandbox.stream(requests))
    assert [r.result for r in replies[:3]] == [0, 2, 4]
    assert replies[3].error.kind == "timeout"
    assert replies[4].ok and replies[4].result == 10  # answered by a fresh process

    stream = sandbox.stream([call_request("double", {"x": k}) for k in (1, 2, 3)])
    assert next(stream).result == 2
    first = sandbox.lease.pid
    stream.close()  # the answers not read are never taken for another request's
    assert sandbox.lease is None and not pid_alive(first)
    again = sandbox.call("double", {"x": 7})
    assert again.ok and again.result == 14


def test_os_exit_is_reported_as_a_crash_with_its_exit_code(sandbox):
    reply = sandbox.call("die", {"x": 1})
    assert not reply.ok
    assert reply.error.kind == "crashed"
    assert "exited with code 3" in reply.error.message
    again = sandbox.call("double", {"x": 2})
    assert again.ok, again.error
    assert again.result == 4


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
        assert visible.result == 1
    with Sandbox(student, "student", LIMITS, [Path(folder)]) as box:
        hidden = box.call("on_path", {"folder": folder})
        assert hidden.ok, hidden.error
        assert hidden.result == 0
    link = student.parent / "link"   # a folder named through a link the child's process cannot see
    link.symlink_to(folder)
    with Sandbox(student, "student", LIMITS, [link]) as box:
        assert box.call("on_path", {"folder": folder}).result == 0


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


def test_a_malformed_answer_is_an_error_that_says_what_and_the_next_call_gets_a_new_process(sandbox):
    assert sandbox.call("double", {"x": 1}).ok
    first = sandbox.lease.pid
    reply = sandbox.call("forge", {"payload": '{"ok": true, "values": [1.0], "float32": false}'})  # a probe's
    assert isinstance(reply, Failed) and reply.error.kind == "protocol"
    assert reply.error.message == "the student's process sent a malformed answer (result: Field required)"
    assert not pid_alive(first)
    again = sandbox.call("double", {"x": 4})
    assert again.ok and again.result == 8


CALL = call_request("f", {"x": 1, "y": 2})
PROBE = probe_request("f", {"x": np.zeros(3)}, "x", [[0, 1e-3], [0, -1e-3]])
LOAD = {"op": "load"}


@pytest.mark.parametrize("answer, request_, says", [
    ([{"ok": True}], CALL, "not an answer: no ok field"),
    ({"ok": 1, "result": 1}, CALL, "not an answer: no ok field"),
    ({"ok": True}, LOAD, "functions: Field required"),
    ({"ok": True, "functions": ["f"]}, LOAD, "functions: Input should be a valid dictionary"),
    ({"ok": True, "result": 1, "seconds": float("nan")}, CALL, "seconds: Input should be a finite number"),
    ({"ok": True, "result": 1, "seconds": True}, CALL, "seconds: Input should be a valid number"),
    ({"ok": True, "result": 1, "seconds": 1e12}, CALL, "seconds: Input should be less than 1000000000"),
    ({"ok": True, "values": np.zeros(3)}, PROBE, "values: expected 2 numbers, got an array of shape (3,) and dtype float64"),
    ({"ok": True, "values": np.array(["a", "b"])}, PROBE, "values: expected 2 numbers, got an array of shape (2,) and dtype <U1"),
    ({"ok": True, "values": [1.0, 2.0]}, PROBE, "values: Input should be an instance of ndarray"),
    ({"ok": True, "values": np.zeros(2), "float32": "yes"}, PROBE, "float32: Input should be a valid boolean"),
])
def test_an_answer_that_does_not_validate_is_a_malformed_answer(answer, request_, says):
    reply = read(answer, request_)
    assert isinstance(reply, Failed) and reply.error.kind == "protocol"
    assert reply.error.message.startswith(f"the student's process sent a malformed answer ({says}")


def test_answers_are_read_as_typed_replies_of_their_request():
    loaded = read({"ok": True, "functions": {"f": {"params": ["x"], "line": 3}, "g\ud800": 7,
                                             "h": {"params": [1], "line": 2**40}, "k" * 300: {}}}, LOAD)
    assert isinstance(loaded, Loaded) and loaded.ok and loaded.error is None
    assert loaded.functions["f"].params == ["x"] and loaded.functions["f"].line == 3
    assert loaded.functions["g\ud800"].params is None    # what cannot be read of a function is not known
    assert (loaded.functions["h"].params, loaded.functions["h"].line) == (None, None)
    assert "k" * 200 in loaded.functions
    called = read({"ok": True, "result": 1, "seconds": 2, "mutated": ["x", "z", 3], "updated": {"y": 0, "z": 1}},
                  CALL)
    assert isinstance(called, Called)
    assert (called.result, called.seconds, called.mutated, called.updated) == (1, 2.0, ["x"], {"y": 0})
    probed = read({"ok": True, "values": np.arange(2), "float32": True}, PROBE)
    assert isinstance(probed, Probed) and probed.values.dtype == np.float64 and probed.float32


@pytest.mark.parametrize("error, kind, message", [
    ({"kind": "timeout", "message": "slow"}, "timeout", "slow"),
    ({"kind": "hacked", "message": 5}, "exception", "5"),
    ({"message": "x" * 3000}, "exception", "[...]\n" + "x" * 2000),
    ("not a dict", "exception", ""),
    (None, "exception", ""),
])
def test_an_error_answer_is_read_with_its_fields_checked_and_capped(error, kind, message):
    reply = read({"ok": False, "error": error}, CALL)
    assert isinstance(reply, Failed) and not reply.ok
    assert (reply.error.kind, reply.error.message) == (kind, message)
