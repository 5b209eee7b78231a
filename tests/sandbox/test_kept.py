"""Kept caches across a restart of the student's process (sandbox/kept.py),
on the bookkeeping alone: a handle is tagged with the process that holds
it; a request naming a handle of an ended process gets it made again, once
per process, by repeating the call that made it; and where that call fails
the request is refused with the reason."""
from __future__ import annotations

import pytest

from grader.sandbox.answers import failed, read
from grader.sandbox.kept import PROCESS, KeptCaches, Lost, stale
from grader.sandbox.recipes import COPY, HANDLE
from grader.sandbox.wire_values import Sequence

FORWARD = {"op": "call", "function": "affine_forward", "args": {"x": 1.0}, "keep": [1]}


def kept_reply(handle: int, request: dict = FORWARD):
    """A forward's reply as the grading process reads it: an output, and its cache under `handle`."""
    return read({"ok": True, "result": Sequence("tuple", [2.0, {HANDLE: handle}])}, request)


def backward(cache: dict) -> dict:
    return {"op": "call", "function": "affine_backward", "args": {"dout": 1.0, "cache": cache}, "keep": None}


def test_a_kept_handle_is_tagged_with_its_process_and_goes_stale_when_another_runs():
    caches, reply = KeptCaches(), kept_reply(7)
    caches.note(FORWARD, reply, process=1)
    cache = reply.result.items[1]
    assert cache == {HANDLE: 7, PROCESS: 1}
    assert not stale(backward(cache), 1) and stale(backward(cache), 2)


def test_a_stale_handle_is_made_again_once_per_process_and_keeps_its_copy_flag():
    caches, reply = KeptCaches(), kept_reply(7)
    caches.note(FORWARD, reply, process=1)
    cache = reply.result.items[1]
    sent = []

    def send(request):
        sent.append(request)
        again = kept_reply(3, request)
        caches.note(request, again, process=2)
        return again

    first = caches.live(backward({**cache, COPY: True}), 2, send)
    second = caches.live(backward(cache), 2, send)
    assert [r["function"] for r in sent] == ["affine_forward"]
    assert first["args"]["cache"] == {HANDLE: 3, PROCESS: 2, COPY: True}
    assert second["args"]["cache"] == {HANDLE: 3, PROCESS: 2}
    assert first["args"]["dout"] == 1.0


def test_a_cache_that_cannot_be_made_again_refuses_the_request_with_the_reason():
    caches, reply = KeptCaches(), kept_reply(7)
    caches.note(FORWARD, reply, process=1)
    with pytest.raises(Lost, match="affine_forward could not make it again: .*out of luck"):
        caches.live(backward(reply.result.items[1]), 2, lambda request: failed("exception", "out of luck"))
    with pytest.raises(Lost, match="lost with the process that made it"):
        caches.live(backward({HANDLE: 9, PROCESS: 1}), 2, lambda request: kept_reply(1))


@pytest.mark.parametrize("forged", [{HANDLE: [1]}, {HANDLE: "1"}, {HANDLE: True}, {HANDLE: {"a": 1}}])
def test_a_forged_handle_is_not_kept_and_breaks_nothing(forged):
    caches = KeptCaches()
    reply = read({"ok": True, "result": Sequence("tuple", [2.0, forged])}, FORWARD)
    caches.note(FORWARD, reply, process=1)
    assert caches.makers == {} and PROCESS not in reply.result.items[1]
