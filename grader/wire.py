"""The only language spoken between the grading process and a student's
process. A frame is a fixed header (two lengths), a JSON document, and a
binary tail holding the raw bytes of every array in it; in the JSON an
array is a marker `{"__ndarray__": [dtype, shape, offset]}`. Nothing is
ever pickled, and everything received is size-capped and checked before
use: an array's dtype (plain numbers only), shape and byte range are
validated from its marker before a single element is allocated."""
from __future__ import annotations

import json
import os
import select
import struct
import time
from dataclasses import dataclass

import numpy as np

HEADER = struct.Struct(">QQ")  # JSON length, binary tail length
MAX_FRAME = 64 * 2**20      # bytes of one message
MAX_ELEMENTS = 10**7        # elements of one array
MAX_DEPTH = 16              # nesting of lists and dicts
MAX_BATCH = 100_000         # requests announced by one batch
ARRAY_KINDS = "biufc"  # bool, int, unsigned, float, complex: never object or structured


class WireError(Exception):
    """The other side broke the protocol: sent garbage or too much."""


class WireClosed(WireError):
    """The other side closed the connection (it exited, or was killed)."""


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


# --- values ----------------------------------------------------------------------------

def describe(value, depth: int = 0):
    """A value the student returned, as data that can be sent: arrays of
    numbers, numbers, and tuples or lists of them. Anything else is sent as
    the name of its type."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in ARRAY_KINDS or value.dtype.names is not None:
            return {"__unsupported__": f"numpy array of dtype {value.dtype}"}
        if value.size > MAX_ELEMENTS:
            return {"__unsupported__": f"numpy array of {value.size} elements (more than {MAX_ELEMENTS} "
                                       "are not read back)"}
        return value  # sent as a marker and its bytes (see send)
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
    """Received data back into values, checking every marker's shape."""
    if depth > MAX_DEPTH:
        raise WireError(f"refused data nested more than {MAX_DEPTH} deep")
    if isinstance(obj, dict):
        if "__ndarray__" in obj:
            return decode_array(obj["__ndarray__"], tail, max_elements)
        if "__bool__" in obj:
            return bool(obj["__bool__"])
        if "__unsupported__" in obj:
            return Unsupported(str(obj["__unsupported__"])[:200])
        if "__dict__" in obj and isinstance(obj["__dict__"], dict):
            return {str(k): _item(v, tail, max_elements, depth) for k, v in obj["__dict__"].items()}
        if "__sequence__" in obj:
            items, length = obj.get("items"), obj.get("length", 0)
            if not isinstance(items, list) or not isinstance(length, int):
                raise WireError("malformed sequence")
            if length > len(items):
                return Unsupported(f"{str(obj['__sequence__'])[:20]} of {length} items")
            return Sequence(str(obj["__sequence__"])[:20], [_item(v, tail, max_elements, depth) for v in items])
        return {str(k): _item(v, tail, max_elements, depth) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_item(v, tail, max_elements, depth) for v in obj]
    return obj


SCALARS = frozenset({str, int, float, bool, type(None)})


def _item(value, tail, max_elements: int, depth: int):
    """An item one level down: a number or a string as it is (most are), anything else decoded."""
    return value if type(value) in SCALARS else decode(value, tail, max_elements, depth + 1)


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
        raise WireError(f"refused an array of {count} elements (limit {max_elements})")
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


def send(fd: int, message) -> None:
    frame = encode(message)
    written = os.write(fd, frame)  # all of it, nearly always: one call, no bookkeeping
    if written < len(frame):
        write_frames(fd, [memoryview(frame)[written:]])


def write_frames(fd: int, frames: list[bytes]) -> None:
    """Frames, back to back, whatever the pipe takes at a time."""
    parts = [f for f in frames if f]
    while parts:
        written = os.writev(fd, parts[:512])
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
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError) as e:
        raise WireError(f"malformed message: {type(e).__name__}") from None
    return decode(message, tail)


class Reader:
    """The frames arriving on one descriptor. With `ahead`, it reads as much
    as is there (up to a pipe's worth): one read then brings a whole batch
    of requests, or every answer that queued up, instead of three reads a
    frame. Only the descriptor's one reader may read it."""

    CHUNK = 1 << 16

    def __init__(self, fd: int, ahead: bool = True):
        self.fd, self.ahead = fd, ahead
        self.buffer = bytearray()

    def frame(self, deadline: float | None, max_bytes: int) -> tuple[bytearray, bytearray]:
        """The next frame's JSON and binary tail, taken only once all of it
        is here: a timeout leaves the frame to be read whole later."""
        self._fill(HEADER.size, deadline)
        length, size = HEADER.unpack_from(self.buffer)
        if length + size > max_bytes:
            raise WireError(f"refused a message of {length + size} bytes (limit {max_bytes})")
        start, end = HEADER.size + length, HEADER.size + length + size
        self._fill(end, deadline)
        payload, tail = self.buffer[HEADER.size:start], self.buffer[start:end]
        del self.buffer[:end]
        return payload, tail

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
