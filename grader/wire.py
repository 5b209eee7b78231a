"""The only language spoken between the grading process and a student's
process: length-prefixed JSON frames in which arrays travel as .npy bytes.
Nothing is ever pickled, and everything received is size-capped and checked
before use."""
from __future__ import annotations

import base64
import io
import json
import os
import select
import struct
import time
from dataclasses import dataclass

import numpy as np

HEADER = struct.Struct(">Q")
MAX_FRAME = 256 * 2**20
ARRAY_KINDS = "biufc"  # bool, int, unsigned, float, complex: never object or structured


class WireError(Exception):
    """The other side broke the protocol: closed the pipe, sent garbage or too much."""


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


# --- encoding ------------------------------------------------------------------------

def encode_array(a: np.ndarray) -> dict:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return {"__ndarray__": base64.b64encode(buf.getvalue()).decode("ascii")}


def encode(value):
    """A message in JSON-ready form: JSON's own types pass, arrays become .npy bytes."""
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def describe(value, depth: int = 0):
    """A value the student returned, in JSON-ready form: arrays, numbers, and
    tuples or lists of them. Anything else is sent as the name of its type."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in ARRAY_KINDS and value.dtype.names is None:
            return encode_array(value)
        return {"__unsupported__": f"numpy array of dtype {value.dtype}"}
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
    return {"__unsupported__": type(value).__name__}


def decode(obj, max_elements: int = 10**8):
    if isinstance(obj, dict):
        if "__ndarray__" in obj:
            return decode_array(obj["__ndarray__"], max_elements)
        if "__bool__" in obj:
            return bool(obj["__bool__"])
        if "__unsupported__" in obj:
            return Unsupported(str(obj["__unsupported__"]))
        if "__sequence__" in obj:
            if obj.get("length", 0) > len(obj["items"]):
                return Unsupported(f"{obj['__sequence__']} of {obj['length']} items")
            return Sequence(str(obj["__sequence__"]), [decode(v, max_elements) for v in obj["items"]])
        return {str(k): decode(v, max_elements) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v, max_elements) for v in obj]
    return obj


def decode_array(text: str, max_elements: int) -> np.ndarray:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception as e:  # a malformed .npy is the sender's fault, never ours
        raise WireError(f"malformed array: {e}") from None
    if array.dtype.kind not in ARRAY_KINDS or array.dtype.names is not None:
        raise WireError(f"refused an array of dtype {array.dtype}")
    if array.size > max_elements:
        raise WireError(f"refused an array of {array.size} elements (limit {max_elements})")
    return array


# --- framing -------------------------------------------------------------------------

def send(fd: int, message: dict) -> None:
    payload = json.dumps(encode(message)).encode("utf-8")
    data = HEADER.pack(len(payload)) + payload
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def receive(fd: int, deadline: float | None = None, max_bytes: int = MAX_FRAME):
    """One decoded message; WireTimeout once `deadline` (time.monotonic) passes."""
    (length,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if length > max_bytes:
        raise WireError(f"refused a message of {length} bytes (limit {max_bytes})")
    try:
        message = json.loads(_read_exactly(fd, length, deadline))
    except ValueError as e:
        raise WireError(f"malformed message: {e}") from None
    return decode(message)


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, remaining = [], n
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WireTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WireError("the other process closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
