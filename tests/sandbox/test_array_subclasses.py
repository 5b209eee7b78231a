"""Arrays of ndarray subclasses, as the student's side sends them: the plain
array of their values, the class's name and a masked array's count of
masked elements, read without calling a method of the subclass; and a
hostile subclass or exception answered as data, never a crash of the
student's process."""
from __future__ import annotations

import types

import numpy as np
import numpy.ma
import pytest

from grader.sandbox import answers, student, wire, wire_values


pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")   # np.matrix's own warning


def decoded(frame: bytes):
    """What the grading process makes of a frame."""
    length, _ = wire.HEADER.unpack_from(frame)
    start = wire.HEADER.size
    return wire_values.decode(wire.loads(frame[start:start + length]), frame[start + length:])


def round_trip(value):
    """What the grading process decodes of a value the student's side describes."""
    return decoded(wire.encode({"ok": True, "result": wire_values.describe(value)}))["result"]


def call(function) -> answers.Reply:
    """A call of `function(x)` answered by the student's side, as the grading process reads it."""
    child = student.Child()
    child.module = types.SimpleNamespace(f=function)
    raw = decoded(student._frame(child.call("f", {"x": np.arange(6.0).reshape(2, 3)})))
    return answers.read(raw, {"op": "call", "args": {"x": None}})


class RefusesArray(np.ndarray):
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no __array__")


class RefusesAttributes(np.ndarray):
    def __getattribute__(self, name):
        raise RuntimeError(f"no {name}")


class RefusesToList(np.ndarray):
    def tolist(self):
        raise RuntimeError("no tolist")


class LoopingName(type):
    @property
    def __name__(cls):
        raise RuntimeError("no name")


class NamedByMetaclass(np.ndarray, metaclass=LoopingName):
    pass


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no message")


@pytest.mark.parametrize("make, name, masked", [
    (lambda a: np.matrix(a), "numpy.matrix", None),
    (lambda a: numpy.ma.masked_greater(a, 2), "numpy.ma.MaskedArray", 3),
    (lambda a: numpy.ma.masked_array(a), "numpy.ma.MaskedArray", 0),
    (lambda a: a.view(RefusesArray), "RefusesArray", None),
    (lambda a: a.view(RefusesAttributes), "RefusesAttributes", None),
    (lambda a: a.view(RefusesToList), "RefusesToList", None),
    (lambda a: a.view(NamedByMetaclass), "NamedByMetaclass", None),
])
def test_a_subclass_is_sent_as_its_values_and_its_name(make, name, masked):
    values = np.arange(6.0).reshape(2, 3)
    got = round_trip(make(values))
    assert isinstance(got, wire_values.Subclassed)
    assert type(got.array) is np.ndarray and np.array_equal(got.array, values)
    assert got.type.endswith(name) and got.masked == masked


def test_a_masked_constant_is_one_masked_value():
    got = round_trip(numpy.ma.masked)
    assert got.array.shape == () and got.masked == 1


def test_a_plain_array_travels_as_before():
    got = round_trip(np.arange(3.0))
    assert type(got) is np.ndarray


def test_a_huge_subclass_view_is_not_read_back():
    huge = np.lib.stride_tricks.as_strided(np.zeros(1), (10**6, 10**6), (0, 0)).view(np.matrix)
    got = round_trip(huge)
    assert isinstance(got, wire_values.Unsupported) and "10000000" in got.type


class PassesForAnArray:
    """No array, but isinstance(it, np.ndarray) says it is one; numpy's reading of it raises."""
    __class__ = property(lambda self: np.ndarray)

    def __array__(self, *args, **kwargs):
        raise Unprintable()


def test_an_object_posing_as_an_array_is_an_error_not_a_crash():
    reply = call(lambda x: PassesForAnArray())
    assert isinstance(reply, answers.Failed)
    assert "could not be sent back" in reply.error.message and "could not be read" in reply.error.message


def test_an_unprintable_exception_is_named_by_its_class():
    def raises(x):
        raise Unprintable()
    reply = call(raises)
    assert isinstance(reply, answers.Failed)
    assert reply.error.type.endswith("Unprintable") or "Unprintable" in reply.error.traceback
    assert "could not be read" in reply.error.describe()


def test_a_subclass_name_is_valid_capped_text():
    got = wire_values.decode({"__subclass__": "M\ud800" * 300, "array": {"__ndarray__": ["<f8", [2], 0]}}, bytes(16))
    assert len(got.type) <= 100 * 7 and "\\ud800" in got.type
    got.type.encode("utf-8")
