"""How a value travels in a frame (see wire.py): as JSON, where each numpy
array is a marker `{"__ndarray__": [dtype, shape, offset]}` whose bytes
are in the frame's binary tail. `describe` turns what a student's function
returned into such data (arrays of plain numbers, numbers, text, and short
tuples, lists and dicts of them; anything else only by its type's name);
`decode` turns received data back into values, checking every marker's
dtype, shape and byte range before an element is allocated, every
integer's size and every string's text.

It imports nothing but the standard library and numpy: the student's process holds it."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

MAX_ELEMENTS = 10**7        # elements of one array
MAX_DEPTH = 16              # nesting of lists and dicts
ARRAY_KINDS = "biufc"  # bool, int, unsigned, float, complex: never object or structured


class WireError(Exception):
    """The other side broke the protocol: sent garbage or too much."""


@dataclass(frozen=True)
class Sequence:
    """A tuple or list the student returned; its items are decoded values."""
    kind: str
    items: list


@dataclass(frozen=True)
class Unsupported:
    """A value of a type that is not sent across: only its type is known."""
    type: str


@dataclass(frozen=True)
class Subclassed:
    """An array of an ndarray subclass (np.matrix, a masked array, ...): its
    values as a plain array, the subclass's name, and for a masked array how
    many of its elements the mask hides (None for any other array)."""
    type: str
    array: np.ndarray
    masked: int | None = None


def describe(value, depth: int = 0):
    """A value the student returned, as data that can be sent: arrays of
    numbers, numbers, and tuples or lists of them. Anything else is sent as
    the name of its type."""
    if isinstance(value, np.ndarray):
        plain = np.asarray(value)  # a subclass's own shape or dtype (a property may say anything) is not asked
        if plain.dtype.kind not in ARRAY_KINDS or plain.dtype.names is not None:
            return {"__unsupported__": f"numpy array of dtype {plain.dtype}"}
        if plain.size > MAX_ELEMENTS:
            return {"__unsupported__": f"numpy array of {plain.size} elements (more than {MAX_ELEMENTS} "
                                       "are not read back)"}
        if type(value) is np.ndarray:
            return plain  # sent as a marker and its bytes (see send)
        return {"__subclass__": class_name(type(value)), "array": plain, "masked": _masked(value, plain)}
    if isinstance(value, np.generic):
        return describe(np.asarray(value), depth)
    if isinstance(value, bool):
        return {"__bool__": value}
    if isinstance(value, int):
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, (tuple, list)) and depth < 3:
        items = [describe(v, depth + 1) for v in value[:64]]
        return {"__sequence__": type(value).__name__, "items": items, "length": len(value)}
    if isinstance(value, str) and len(value) <= 200:
        return value
    if isinstance(value, dict) and depth < 3 and len(value) <= 64 and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: describe(v, depth + 1) for k, v in value.items()}}
    return {"__unsupported__": type(value).__name__}


def class_name(cls: type) -> str:
    """`module.name` of a class, read through type's own descriptors: a
    metaclass of the student's may redefine `__name__` and the rest."""
    try:
        module, name = (type.__dict__[key].__get__(cls) for key in ("__module__", "__qualname__"))
    except BaseException:
        return "an unnamed class"
    name = name if type(name) is str else "?"
    return f"{module}.{name}"[:100] if type(module) is str and module != "builtins" else name[:100]


def _masked(value: np.ndarray, plain: np.ndarray) -> int | None:
    """How many elements a numpy masked array masks, counted on its mask's
    own data (no method of the array's class is called); None for any other
    array, or a mask that is not a plain boolean array of its shape."""
    masked_arrays = sys.modules.get("numpy.ma")   # imported once a masked array exists
    try:
        if masked_arrays is None or not issubclass(type(value), masked_arrays.MaskedArray):
            return None
        mask = object.__getattribute__(value, "_mask")
        if type(mask) is np.bool_:   # numpy's nomask: nothing masked
            return int(mask) * plain.size
        plain_mask = type(mask) is np.ndarray and mask.dtype == np.bool_ and mask.shape == plain.shape
        return int(np.count_nonzero(mask)) if plain_mask else None
    except BaseException:
        return None


def marker(value, tail: list):
    """What json cannot write itself: an array becomes its marker, and its
    bytes are appended to `tail`, whose first item is the tail's length."""
    if isinstance(value, np.generic):
        return value.item()
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{type(value).__name__} cannot be sent")
    a = value if value.flags.c_contiguous else value.copy(order="C")
    offset = tail[0]
    if offset % 16:  # each array starts aligned
        pad = 16 - offset % 16
        tail.append(bytes(pad))
        offset += pad
    data = a.reshape(-1).view(np.uint8).data if a.size else b""
    tail.append(data)
    tail[0] = offset + len(data)
    return {"__ndarray__": [a.dtype.str, list(a.shape), offset]}


def decode(obj, tail=b"", max_elements: int = MAX_ELEMENTS, depth: int = 0):
    """Received data back into values, checking every marker's shape, every
    integer's size and every string's text. Values that JSON cannot hold
    (arrays of a message decoded in this process, see trusted.py) pass as they are."""
    if depth > MAX_DEPTH:
        raise WireError(f"refused data nested more than {MAX_DEPTH} deep")
    if isinstance(obj, dict):
        if "__ndarray__" in obj:
            return decode_array(obj["__ndarray__"], tail, max_elements)
        if "__bool__" in obj:
            if not isinstance(obj["__bool__"], bool):
                raise WireError("malformed bool")
            return obj["__bool__"]
        if "__unsupported__" in obj:
            return Unsupported(_name(obj["__unsupported__"], 200, "unsupported value"))
        if "__subclass__" in obj:
            return _subclassed(obj, tail, max_elements)
        if "__dict__" in obj and isinstance(obj["__dict__"], dict):
            return {text(k): _item(v, tail, max_elements, depth) for k, v in obj["__dict__"].items()}
        if "__sequence__" in obj:
            items, length = obj.get("items"), obj.get("length", 0)
            if not isinstance(items, list) or type(length) is not int or length < 0:
                raise WireError("malformed sequence")
            kind = _name(obj["__sequence__"], 20, "sequence")
            if length > len(items):
                return Unsupported(f"{kind} of {length} items")
            return Sequence(kind, [_item(v, tail, max_elements, depth) for v in items])
        return {text(k): _item(v, tail, max_elements, depth) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_item(v, tail, max_elements, depth) for v in obj]
    return _item(obj, tail, max_elements, depth)


def _subclassed(obj: dict, tail, max_elements: int) -> Subclassed:
    """A subclass's array from its description: a plain array and a count
    of masked elements no larger than it."""
    array, masked = obj.get("array"), obj.get("masked")
    if isinstance(array, dict) and "__ndarray__" in array:
        array = decode_array(array["__ndarray__"], tail, max_elements)
    if not isinstance(array, np.ndarray):  # (one decoded in this process is an array already: see trusted.py)
        raise WireError("malformed array subclass: no array")
    if masked is not None and not (type(masked) is int and 0 <= masked <= array.size):
        raise WireError("malformed array subclass: its count of masked elements")
    return Subclassed(_name(obj["__subclass__"], 100, "ndarray subclass"), array, masked)


def _item(value, tail, max_elements: int, depth: int):
    """An item one level down: a number as it is (most are), a string made
    valid text, anything else decoded."""
    kind = type(value)
    if kind is float or kind is bool or value is None:
        return value
    if kind is int:
        if not -2**63 <= value < 2**63:  # (the sender writes larger ones as floats)
            raise WireError(f"refused an integer of {len(str(abs(value)))} digits")
        return value
    if kind is str:
        return text(value)
    if kind is dict or kind is list:
        return decode(value, tail, max_elements, depth + 1)
    return value


def text(value: str) -> str:
    """A string as valid UTF-8 text: a lone surrogate (which JSON's \\u escapes
    can carry, and which no UTF-8 file, page or terminal can) is written as
    its escape, backslash and all."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _name(value, limit: int, default: str) -> str:
    """A type's name as the sender gave it: text, at most `limit` characters."""
    return text(value[:limit]) if isinstance(value, str) and value else default


# every dtype an array may arrive in: numbers of each size and byte order, never objects or records
DTYPES = {}
for _order in "<>|=":
    for _kind in ARRAY_KINDS:
        for _size in (1, 2, 4, 8, 16):
            try:
                DTYPES[f"{_order}{_kind}{_size}"] = np.dtype(f"{_order}{_kind}{_size}")
            except TypeError:
                pass


def decode_array(marker, tail=b"", max_elements: int = MAX_ELEMENTS) -> np.ndarray:
    """An array from its marker and the frame's tail, checked before it is made."""
    if not (isinstance(marker, list) and len(marker) == 3 and isinstance(marker[0], str)
            and isinstance(marker[1], list) and isinstance(marker[2], int)):
        raise WireError("malformed array marker")
    descr, shape, offset = marker
    dtype = DTYPES.get(descr)
    if dtype is None:
        raise WireError(f"refused an array of dtype {descr[:40]!r}")
    count = 1
    for n in shape if len(shape) <= 32 else [None]:
        if type(n) is not int or n < 0:  # (a bool is no size)
            raise WireError(f"refused an array of shape {str(shape)[:80]}")
        count *= n
    if count > max_elements:
        raise WireError(f"refused an array of {str(count)[:40]} elements (limit {max_elements})")
    if any(n > max_elements for n in shape):  # beside a 0, which makes the count small
        raise WireError(f"refused an array of shape {str(shape)[:80]}: a dimension of more than "
                        f"{max_elements} elements")
    if not -len(tail) <= offset <= len(tail):
        raise WireError(f"malformed array: it starts at byte {str(offset)[:40]} of a tail of {len(tail)}")
    end = offset + count * dtype.itemsize
    if offset < 0 or end > len(tail):
        raise WireError(f"malformed array: bytes {offset}..{end} of a tail of {len(tail)}")
    return np.frombuffer(tail, dtype=dtype, count=count, offset=offset).reshape(shape)
