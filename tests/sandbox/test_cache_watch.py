"""The student's side of finding a layer's cache reused across layers: what
the watch counts while a network runs, on a module of layers and networks
(one cache handed to every layer's backward, where that raises and where it
does not; each cache handed to its own layer; a forward called twice for
one layer; one cache's backward called twice on purpose), that it changes
nothing the code computes, calls no method of the student's objects and
leaves any other profile hook in place, what a real student process sends
back, and how the grading side reads it."""
from __future__ import annotations

import itertools
import sys
import types

import numpy as np
import pytest

from grader.sandbox import answers
from grader.sandbox.cache_watch import Watch
from grader.sandbox.numeric_watch import Watch as NumericWatch
from grader.sandbox.runner import Sandbox, call_request
from grader.spec import Limits

FILE = "/scratch/nets.py"

SOURCE = '''
import numpy as np


def affine_forward(x, w):
    return x @ w, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    return dout @ w.T, x.T @ dout


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def affine_relu_forward(x, w):
    a, fc_cache = affine_forward(x, w)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    return affine_backward(relu_backward(dout, relu_cache), fc_cache)


def correct(x, ws, upstream):
    caches = []
    for w in ws:
        x, cache = affine_relu_forward(x, w)
        caches.append(cache)
    grads, dout = [], upstream
    for cache in reversed(caches):
        dout, dw = affine_relu_backward(dout, cache)
        grads.insert(0, dw)
    return grads


def reused(x, ws, upstream):
    for w in ws:
        x, cache = affine_relu_forward(x, w)          # only the last cache is kept
    grads, dout = [], upstream
    for _ in ws:
        dout, dw = affine_relu_backward(dout, cache)
        grads.insert(0, dw)
    return grads


def forward_twice(x, ws, upstream):
    caches = []
    for w in ws:
        affine_relu_forward(x, w)                     # looked at, then made again and kept
        x, cache = affine_relu_forward(x, w)
        caches.append(cache)
    grads, dout = [], upstream
    for cache in reversed(caches):
        dout, dw = affine_relu_backward(dout, cache)
        grads.insert(0, dw)
    return grads


def upstream_split(x, ws, upstream):
    caches = []
    for w in ws:
        x, cache = affine_relu_forward(x, w)
        caches.append(cache)
    grads, dout = [], upstream
    for cache in reversed(caches):                # each half of the upstream through the same cache
        (d1, w1), (d2, w2) = (affine_relu_backward(dout / 2, cache) for _ in range(2))
        dout = d1 + d2
        grads.insert(0, w1 + w2)
    return grads
'''


@pytest.fixture(scope="module")
def nets():
    module = types.ModuleType("nets")
    exec(compile(SOURCE, FILE, "exec"), vars(module))
    return module


def weights(*widths: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.standard_normal((a, b)) for a, b in itertools.pairwise(widths)]


def watched(nets, name: str, widths: tuple) -> tuple[object, list[dict]]:
    """What the network returns (or the exception it raised) under the watch, and what the watch saw."""
    ws = weights(*widths)
    x, upstream = np.ones((3, widths[0])), np.ones((3, widths[-1]))
    with Watch.of(nets) as watch:
        try:
            result = getattr(nets, name)(x, ws, upstream)
        except ValueError as e:
            result = e
    return result, watch.report()


def received(report: list[dict]) -> dict:
    return {row["forward"]: row["received"] for row in report}


@pytest.mark.parametrize("widths, raises", [((5, 6, 8), True), ((4, 4, 4), False)])
def test_one_cache_for_every_layer_is_seen_whether_it_raises_or_not(nets, widths, raises):
    result, report = watched(nets, "reused", widths)
    assert isinstance(result, ValueError) == raises
    assert report[0] == {"forward": "affine_relu_forward", "backward": "affine_relu_backward", "received": [0, 2]}
    assert received(report)["relu_forward"] == [0, 2]   # the layers the helper calls are seen too, after it


@pytest.mark.parametrize("name, seen", [
    ("correct", [1, 1]),
    ("forward_twice", [0, 1, 0, 1]),      # a forward called twice for one layer, one cache taken
    ("upstream_split", [2, 2]),           # every cache taken, each twice on purpose
])
def test_each_cache_handed_to_its_own_layer_is_counted_as_such(nets, name, seen):
    result, report = watched(nets, name, (4, 4, 4))
    assert received(report)["affine_relu_forward"] == seen
    truth = nets.correct(np.ones((3, 4)), weights(4, 4, 4), np.ones((3, 4)))
    for got, want in zip(result, truth):
        np.testing.assert_allclose(got, want)


def test_the_watch_changes_nothing_the_code_computes(nets):
    ws, x, upstream = weights(4, 4, 4), np.ones((3, 4)), np.ones((3, 4))
    plain = nets.reused(x, ws, upstream)
    with Watch.of(nets):
        seen = nets.reused(x, ws, upstream)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(plain, seen))


def test_no_method_of_the_students_objects_is_called():
    """A cache whose class answers for itself (a metaclass's __eq__, a
    __class__ property), in a tuple whose own __len__ and __getitem__ lie,
    is kept and found by identity alone."""
    called = []
    source = '''
class Loud(type):
    def __eq__(cls, other):
        CALLED.append("metaclass __eq__")
        return False
    __hash__ = type.__hash__


class Cache(metaclass=Loud):
    @property
    def __class__(self):
        CALLED.append("__class__")
        return tuple


class Lying(tuple):
    def __len__(self):
        CALLED.append("__len__")
        return 0

    def __getitem__(self, i):
        CALLED.append("__getitem__")
        return None


def odd_forward(x):
    return Lying((x, Cache()))


def odd_backward(dout, cache):
    return dout


def net(x):
    _, first = odd_forward(x)
    _, last = odd_forward(x)
    return odd_backward(odd_backward(x, last), last)
'''
    module = types.ModuleType("odd")
    vars(module)["CALLED"] = called
    exec(compile(source, FILE, "exec"), vars(module))
    with Watch.of(module) as watch:
        module.net(1.0)
    assert called == []
    assert watch.report() == [{"forward": "odd_forward", "backward": "odd_backward", "received": [0, 2]}]


def test_plain_values_are_no_cache_and_a_module_without_backwards_is_not_watched():
    module = types.ModuleType("plain")
    exec(compile("def a_forward(x):\n    return x, None\n\ndef a_backward(d, c):\n    return d\n", FILE, "exec"),
         vars(module))
    with Watch.of(module) as watch:
        module.a_backward(module.a_forward(1)[1], None)
    assert watch.report() == []
    del module.a_backward
    assert Watch.of(module) is None


def test_another_profile_hook_keeps_every_event_and_is_back_afterwards(nets):
    events = []

    def hook(frame, event, arg):
        events.append(event)

    sys.setprofile(hook)
    try:
        with Watch.of(nets) as watch:
            nets.correct(np.ones((3, 4)), weights(4, 4, 4), np.ones((3, 4)))
        assert sys.getprofile() is hook
    finally:
        sys.setprofile(None)
    assert events.count("call") >= 10 and received(watch.report())["affine_relu_forward"] == [1, 1]
    with NumericWatch([FILE]) as numeric, Watch.of(nets) as watch:   # the two watches of one call
        nets.correct(np.ones((3, 4)), weights(4, 4, 4), np.ones((3, 4)))
    assert sys.getprofile() is None
    assert received(watch.report())["affine_relu_forward"] == [1, 1] and numeric.first


# --- through a real student process ---------------------------------------------------

def test_a_student_process_sends_what_it_saw_only_when_asked_even_where_the_call_raised(tmp_path):
    path = tmp_path / "nets.py"
    path.write_text(SOURCE, encoding="utf-8")
    ws, x = weights(5, 6, 8), np.ones((3, 5))
    args = {"x": x, "ws": ws, "upstream": np.ones((3, 8))}
    same = {"x": np.ones((3, 4)), "ws": weights(4, 4, 4), "upstream": np.ones((3, 4))}
    with Sandbox(path, "nets", Limits(), []) as box:
        assert box.load().ok
        raised, returned, unasked = box.run([call_request("reused", args, caches=True),
                                             call_request("reused", same, caches=True),
                                             call_request("reused", same)])
    assert not raised.ok and "ValueError" in raised.error.describe()
    assert returned.ok and not unasked.caches
    for reply in (raised, returned):
        first = reply.caches[0]
        assert (first.forward, first.backward, first.received) == ("affine_relu_forward", "affine_relu_backward",
                                                                   [0, 2])


# --- read by the grading side ------------------------------------------------------------

ROW = {"forward": "affine_relu_forward", "backward": "affine_relu_backward", "received": [0, 2]}


def read_call(caches, ok: bool = True) -> answers.Reply:
    answer = {"ok": True, "result": None} if ok else {"ok": False, "error": {"message": "boom"}}
    return answers.read(answer | {"caches": caches}, {"op": "call", "args": {}})


@pytest.mark.parametrize("ok", [True, False])
def test_the_grading_side_reads_what_it_is_sent(ok):
    reply = read_call([ROW, ROW | {"backward": ""}], ok)
    assert reply.ok == ok and [row.received for row in reply.caches] == [[0, 2], [0, 2]]
    assert read_call([]).caches == [] and answers.failed("timeout", "late").caches == []


@pytest.mark.parametrize("caches", [
    [ROW | {"forward": "affine\n::error_forward"}], [ROW | {"forward": "affine_relu"}],
    [ROW | {"backward": "x_forward"}], [ROW | {"received": []}], [ROW | {"received": [-1]}],
    [ROW | {"received": [1.5]}], [ROW | {"received": [0] * (answers.MAX_FORWARD_CALLS + 1)}],
    [ROW] * (answers.MAX_FORWARDS + 1), "many",
])
def test_forged_counts_are_a_malformed_answer(caches):
    reply = read_call(caches)
    assert not reply.ok and reply.error.kind == "protocol"
