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
import threading
import time

from .wire_values import WireError, decode, marker

HEADER = struct.Struct(">QQ")  # JSON length, binary tail length
MAX_FRAME = 64 * 2**20      # bytes of one message
MAX_JSON = 4 * 2**20        # bytes of its JSON part
MAX_ITEMS = 100_000         # lists, objects and items in its JSON part: parsed, at most some 10 MB
MAX_BATCH = 100_000         # requests announced by one batch
SELECT_ON_PIPES = os.name != "nt"   # select() waits on a pipe on POSIX; on Windows only on sockets


class WireClosed(WireError):
    """The other side closed the connection (it exited, or was killed)."""


class WireTooLarge(WireError):
    """A frame larger than the reader takes."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"refused a message of {size} bytes (limit {limit})")
        self.size, self.limit = size, limit


class WireTimeout(Exception):
    pass


# --- framing -------------------------------------------------------------------------

def encode(message) -> bytes:
    """A message as one frame, ready to be written (as often as needed)."""
    tail: list = [0]
    payload = json.dumps(message, default=lambda value: marker(value, tail)).encode("utf-8")
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
