"""The only language spoken between the grading process and a student's
process. A frame is a fixed header (two lengths), a JSON document, and a
binary tail holding the raw bytes of every array in it; in the JSON an
array is a marker `{"__ndarray__": [dtype, shape, offset]}`. Nothing is
ever pickled, and everything received is size-capped and checked before
use: an array's dtype (plain numbers only), shape and byte range are
validated from its marker before a single element is allocated.

What arrives is bounded before it is parsed: the JSON part is small in any
honest message (arrays travel in the tail), so its bytes and its count of
lists, objects and items are capped (a cap on bytes alone is not one on
memory: `[{},{},...]` grows some 20 times when parsed), and decoding then
checks every value: integers within 64 bits, text valid UTF-8, markers well
formed. Whatever breaks these rules is a WireError, which the grading
process counts against the sender."""
from __future__ import annotations

import json
import os
import queue
import select
import struct
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np

HEADER = struct.Struct(">QQ")  # JSON length, binary tail length
MAX_FRAME = 64 * 2**20      # bytes of one message
MAX_JSON = 4 * 2**20        # bytes of its JSON part
MAX_ITEMS = 100_000         # lists, objects and items in its JSON part: parsed, at most some 10 MB
MAX_ELEMENTS = 10**7        # elements of one array
MAX_DEPTH = 16              # nesting of lists and dicts
MAX_BATCH = 100_000         # requests announced by one batch
ARRAY_KINDS = "biufc"  # bool, int, unsigned, float, complex: never object or structured
SELECT_ON_PIPES = os.name != "nt"   # select() waits on a pipe on POSIX; on Windows only on sockets


class WireError(Exception):
    """The other side broke the protocol: sent garbage or too much."""


class WireClosed(WireError):
    """The other side closed the connection (it exited, or was killed)."""


class WireTooLarge(WireError):
    """A frame larger than the reader takes."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"refused a message of {size} bytes (limit {limit})")
        self.size, self.limit = size, limit


class WireTimeout(Exception):
    pass


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


# --- values ----------------------------------------------------------------------------

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


def _marker(value, tail: list):
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


# --- framing -------------------------------------------------------------------------

def encode(message) -> bytes:
    """A message as one frame, ready to be written (as often as needed)."""
    tail: list = [0]
    payload = json.dumps(message, default=lambda value: _marker(value, tail)).encode("utf-8")
    return b"".join([HEADER.pack(len(payload), tail[0]), payload] + tail[1:])


def json_refusal(length: int, payload: bytes | None = None) -> str | None:
    """Why a frame's JSON part is refused, or None: its length in bytes, and
    once it is read, its count of lists, objects and items. The one rule the
    reader applies (Reader.frame, loads) and a sender checks (too_large)."""
    if length > MAX_JSON:
        return f"its JSON part is {length} bytes (limit {MAX_JSON}; arrays travel beside it)"
    items = _items(payload) if payload is not None else 0
    if items > MAX_ITEMS:
        return f"it holds {items} lists, objects and items (limit {MAX_ITEMS})"
    return None


def too_large(frame: bytes) -> str | None:
    """Why the reader would refuse this frame for its JSON part, or None."""
    length, _ = HEADER.unpack_from(frame)
    problem = json_refusal(length, memoryview(frame)[HEADER.size:HEADER.size + length].tobytes())
    return problem and f"{problem}: return numpy arrays, not nested lists"


def send(fd: int, message) -> None:
    frame = encode(message)
    written = os.write(fd, frame)  # all of it, nearly always: one call, no bookkeeping
    if written < len(frame):
        write_frames(fd, [memoryview(frame)[written:]])


def write_frames(fd: int, frames: list[bytes]) -> None:
    """Frames, back to back, whatever the pipe takes at a time."""
    parts = [f for f in frames if f]
    if not hasattr(os, "writev"):   # Windows: one buffer at a time
        parts = [b"".join(parts)] if parts else []
    while parts:
        written = os.writev(fd, parts[:512]) if len(parts) > 1 else os.write(fd, parts[0])
        while written:
            n = len(parts[0])
            if written >= n:
                parts.pop(0)
                written -= n
            else:
                parts[0] = memoryview(parts[0])[written:]
                written = 0


def receive(source: "int | Reader", deadline: float | None = None, max_bytes: int = MAX_FRAME):
    """One decoded message from a descriptor (read exactly) or a Reader;
    WireTimeout once `deadline` (time.monotonic) passes."""
    reader = source if isinstance(source, Reader) else Reader(source, ahead=False)
    payload, tail = reader.frame(deadline, max_bytes)
    return decode(loads(payload), tail)


def loads(payload: bytes) -> object:
    """A frame's JSON part, parsed once it is known to be small: its lists,
    objects and items counted first (brackets and commas inside strings
    count too, which only ever refuses more), so that parsing it costs at
    most some 10 MB and milliseconds."""
    problem = json_refusal(len(payload), payload)
    if problem:
        raise WireError(f"refused a message: {problem}")
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as e:
        raise WireError(f"malformed message: {type(e).__name__}") from None


def _items(payload: bytes) -> int:
    return payload.count(b"[") + payload.count(b"{") + payload.count(b",")


class Reader:
    """The frames arriving on one descriptor. With `ahead`, it reads as much
    as is there (up to a pipe's worth): one read then brings a whole batch
    of requests, or every answer that queued up, instead of three reads a
    frame. Only the descriptor's one reader may read it."""

    CHUNK = 1 << 16

    def __init__(self, fd: int, ahead: bool = True):
        self.fd, self.ahead = fd, ahead
        self.buffer = bytearray()
        self.taken = 0   # bytes of the frames taken so far

    def frame(self, deadline: float | None, max_bytes: int) -> tuple[bytearray, bytearray]:
        """The next frame's JSON and binary tail, taken only once all of it
        is here: a timeout leaves the frame to be read whole later."""
        self._fill(HEADER.size, deadline)
        length, size = HEADER.unpack_from(self.buffer)
        if length + size > max_bytes:
            raise WireTooLarge(length + size, max_bytes)
        problem = json_refusal(length)  # before its bytes are read
        if problem:
            raise WireError(f"refused a message: {problem}")
        start, end = HEADER.size + length, HEADER.size + length + size
        self._fill(end, deadline)
        payload, tail = self.buffer[HEADER.size:start], self.buffer[start:end]
        del self.buffer[:end]
        self.taken += end
        return payload, tail

    def stop(self) -> None:
        """No more frames will be asked for (a PipeReader ends its thread)."""

    def _fill(self, n: int, deadline: float | None) -> None:
        """At least n bytes in the buffer. On a non-blocking descriptor, whatever
        is there is read at once, and select() waits (until `deadline`) only when nothing is."""
        while len(self.buffer) < n:  # (no max() here: a student's code in this process may rebind builtins)
            missing = n - len(self.buffer)
            try:
                chunk = os.read(self.fd, self.CHUNK if self.ahead and missing < self.CHUNK else missing)
            except BlockingIOError:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and (left <= 0 or not select.select([self.fd], [], [], left)[0]):
                    raise WireTimeout() from None
                if left is None:
                    select.select([self.fd], [], [])
                continue
            if not chunk:
                raise WireClosed("the other process closed the connection")
            self.buffer += chunk


class PipeReader(Reader):
    """A Reader of a pipe where select() cannot wait on one (Windows): a
    thread makes each read, blocking, when the reader asks for one, and
    hands over the chunk; the reader waits for it until its deadline. So no
    more than one chunk is ever read ahead, as with select()."""

    def __init__(self, fd: int):
        super().__init__(fd)
        self.asks: queue.SimpleQueue = queue.SimpleQueue()
        self.chunks: queue.SimpleQueue = queue.SimpleQueue()
        self.asked = False      # a read is under way (asked for, its chunk not yet taken)
        self.closed = False     # the other end is closed: every later read finds it so
        threading.Thread(target=self._reads, daemon=True).start()

    def _reads(self) -> None:
        """In the thread: one read per ask, until the pipe ends or the reader stops."""
        while self.asks.get():
            try:
                chunk = os.read(self.fd, self.CHUNK)
            except OSError:
                chunk = b""
            self.chunks.put(chunk)
            if not chunk:
                return

    def _fill(self, n: int, deadline: float | None) -> None:
        while len(self.buffer) < n:
            if self.closed:
                raise WireClosed("the other process closed the connection")
            if not self.asked:
                self.asks.put(True)
                self.asked = True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise WireTimeout()
            try:
                chunk = self.chunks.get(timeout=left)
            except queue.Empty:
                raise WireTimeout() from None
            self.asked = False
            if not chunk:
                self.closed = True
                continue
            self.buffer += chunk

    def stop(self) -> None:
        """No more reads will be asked for: the thread ends once its read under way returns."""
        self.asks.put(False)


def binary(*fds: int) -> None:
    """Descriptors that read and write bytes as they are: on Windows a
    descriptor may translate newlines (text mode), which would corrupt a
    frame; elsewhere there is nothing to do."""
    if os.name == "nt":
        import msvcrt  # Windows only
        for fd in fds:
            msvcrt.setmode(fd, os.O_BINARY)


def deadline_reader(fd: int) -> Reader:
    """A Reader of a pipe whose reads never block past a deadline: the pipe
    made non-blocking where select() can wait on it, else a PipeReader."""
    if SELECT_ON_PIPES:
        os.set_blocking(fd, False)
        return Reader(fd)
    return PipeReader(fd)
