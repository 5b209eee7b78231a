"""The wire between the grading process and a student's process, frame by
frame: what is refused before anything is allocated (malformed batches,
forged arrays, oversized or deeply nested frames), how a reader takes
frames however they arrive, and which values round-trip."""
from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from grader.sandbox import student as student_side
from grader.sandbox import wire, wire_values


def frame(message: dict, tail: bytes = b"") -> bytes:
    payload = json.dumps(message).encode()
    return wire.HEADER.pack(len(payload), len(tail)) + payload + tail


@pytest.mark.parametrize("count", [0, -1, 10**9, "2", None])
def test_a_malformed_batch_is_refused(count):
    r, _ = os.pipe()
    with pytest.raises(wire.WireError, match="malformed batch"):
        student_side._batch(wire.Reader(r), {"op": "batch", "count": count})


def test_a_batch_is_its_frames():
    r, w = os.pipe()
    os.write(w, wire.encode({"op": "call", "n": 1}) + wire.encode({"op": "call", "n": 2}))
    requests = wire.Reader(r)  # as the student's process reads them (student_side.serve)
    assert [m["n"] for m in student_side._batch(requests, {"op": "batch", "count": 2})] == [1, 2]
    assert student_side._batch(requests, {"op": "call", "n": 3}) == [{"op": "call", "n": 3}]


@pytest.mark.parametrize("marker, tail, refused", [
    (["<f8", [10**9], 0], bytes(16), "1000000000 elements"),
    (["|O", [2], 0], bytes(16), "dtype"),
    (["V8", [2], 0], bytes(16), "dtype"),
    (["<f8", [-1], 0], bytes(16), "shape"),
    (["<f8", [3], 0], bytes(16), "bytes 0..24"),
    (["<f8", [1], -8], bytes(16), "bytes -8..0"),
    ("AAAA", b"", "marker"),
])
def test_forged_arrays_are_refused(marker, tail, refused):
    r, w = os.pipe()
    os.write(w, frame({"result": {"__ndarray__": marker}}, tail))
    with pytest.raises(wire.WireError, match=refused.replace(".", r"\.")):
        wire.receive(r)


def test_oversized_and_deeply_nested_frames_are_refused():
    r, w = os.pipe()
    os.write(w, wire.HEADER.pack(2**40, 0))
    with pytest.raises(wire.WireError, match="refused a message"):
        wire.receive(r)
    nested: object = 1
    for _ in range(40):
        nested = [nested]
    os.write(w, frame({"x": nested}))
    with pytest.raises(wire.WireError, match="nested"):
        wire.receive(r)


def test_a_reader_takes_frames_however_they_arrive():
    """Frames written together come out one by one, a frame written in pieces
    comes out whole (a timeout in between loses nothing), and a pipe closed
    inside a frame says so."""
    r, w = os.pipe()
    os.set_blocking(r, False)
    reader = wire.Reader(r)
    messages = [{"n": n, "a": np.full((n, 3), float(n))} for n in range(5)]
    wire.write_frames(w, [wire.encode(m) for m in messages])
    for m in messages:
        got = wire.receive(reader, deadline=time.monotonic() + 5)
        assert got["n"] == m["n"] and np.array_equal(got["a"], m["a"])
    with pytest.raises(wire.WireTimeout):  # nothing left: no answer is made up
        wire.receive(reader, deadline=time.monotonic() + 0.05)
    piece = wire.encode({"whole": np.arange(4.0)})
    for cut in (10, 30):  # inside the header, then inside the JSON: the frame waits to be whole
        os.write(w, piece[:cut] if cut == 10 else piece[10:cut])
        with pytest.raises(wire.WireTimeout):
            wire.receive(reader, deadline=time.monotonic() + 0.05)
    os.write(w, piece[30:])
    assert np.array_equal(wire.receive(reader, deadline=time.monotonic() + 5)["whole"], np.arange(4.0))
    os.write(w, piece[:20])
    os.close(w)
    with pytest.raises(wire.WireClosed):
        wire.receive(reader, deadline=time.monotonic() + 5)


def test_arrays_round_trip_with_their_dtype_and_shape():
    r, w = os.pipe()
    values = {"a": np.arange(6.0).reshape(2, 3), "f": np.asfortranarray(np.ones((2, 3))), "s": np.array(2.5),
              "e": np.zeros((0, 4)), "b": np.array([True, False]), "i": np.arange(3, dtype=">i4"),
              "v": np.arange(10.0)[::3], "c": np.arange(2) * 1j}
    wire.send(w, values)
    got = wire.receive(r)
    for k, v in values.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape and np.array_equal(got[k], v)


def test_what_cannot_be_sent_back_is_named():
    assert wire_values.describe(np.broadcast_to(0.0, (10**9,))) == {
        "__unsupported__": "numpy array of 1000000000 elements (more than 10000000 are not read back)"}
    assert wire_values.describe(np.array([1, "a"], dtype=object)) == {"__unsupported__": "numpy array of dtype object"}
