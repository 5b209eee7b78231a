"""What a student's process sends back, checked before anything reads it:
each answer is a Reply whose fields have the types and sizes the checks
expect, or a StudentError saying what was malformed. The text in it (error
messages, tracebacks, type and function names) is valid UTF-8 and capped."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import wire

ERROR_KINDS = {"exception", "syntax", "missing_module", "exit", "timeout", "crashed", "protocol"}


@dataclass
class StudentError:
    kind: str      # exception, syntax, missing_module, exit, timeout, crashed, protocol
    message: str
    type: str = ""
    traceback: str = ""

    def describe(self) -> str:
        return self.traceback or (f"{self.type}: {self.message}" if self.type else self.message)


@dataclass
class Reply:
    ok: bool
    data: dict = field(default_factory=dict)
    error: StudentError | None = None


def _text(value, limit: int) -> str:
    """Text the student's process sent, as valid UTF-8 (see wire.text), at
    most `limit` characters, keeping the end (where a traceback names the error)."""
    text = wire.text(value) if isinstance(value, str) else "" if value is None else wire.text(repr(value)[:limit])
    return text if len(text) <= limit else "[...]\n" + text[-limit:]


def error_from(err) -> StudentError:
    """A StudentError from the error part of a child's answer, each field checked and capped."""
    err = err if isinstance(err, dict) else {}
    kind = _text(err.get("kind"), 20)
    return StudentError(kind if kind in ERROR_KINDS else "exception", _text(err.get("message"), 2000),
                        _text(err.get("type"), 100), _text(err.get("traceback"), 20_000))


def protocol_error(what: str) -> Reply:
    return Reply(False, error=StudentError("protocol", f"the student's process sent a malformed answer ({what})"))


def checked_reply(reply) -> Reply:
    """A decoded answer as a Reply: a dict whose `ok` is true or false."""
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        return protocol_error("not an answer: no ok field")
    if reply["ok"]:
        return Reply(True, data=reply)
    return Reply(False, error=error_from(reply.get("error")))


def checked_load(reply: Reply) -> Reply:
    """A load reply whose function list has the expected shape, or a protocol error."""
    if not reply.ok:
        return reply
    functions = reply.data.get("functions")
    if not isinstance(functions, dict):
        return protocol_error("no function list")
    clean = {}
    for name, info in list(functions.items())[:1000]:
        info = info if isinstance(info, dict) else {}
        params, line = info.get("params"), info.get("line")
        if params is not None and not (isinstance(params, list) and all(isinstance(p, str) for p in params)):
            params = None
        line = line if type(line) is int and 0 < line < 2**31 else None
        clean[name[:200]] = {"params": [p[:200] for p in params] if params else params, "line": line}
    return Reply(True, data={**reply.data, "functions": clean})


def checked_answer(message: dict, reply: Reply) -> Reply:
    """A call or probe reply with the fields the checks read, of the right types."""
    if not reply.ok:
        return reply
    data = reply.data
    if message["op"] == "call":
        if "result" not in data:
            return protocol_error("no result")
        mutated = data.get("mutated")
        names = set(message["args"])
        mutated = [m for m in mutated if isinstance(m, str) and m in names] if isinstance(mutated, list) else []
        updated = data.get("updated")
        updated = {k: v for k, v in updated.items() if k in names} if isinstance(updated, dict) else {}
        seconds = data.get("seconds", 0.0)
        if type(seconds) not in (int, float) or not 0 <= seconds < 1e9:  # (NaN is neither)
            return protocol_error(f"seconds is {_text(seconds, 40)}, not a duration")
        return Reply(True, data={**data, "mutated": mutated, "updated": updated, "seconds": float(seconds)})
    values = data.get("values")
    expected = (len(message["points"]),)
    if not isinstance(values, np.ndarray) or values.shape != expected or values.dtype.kind not in "fiu":
        return protocol_error("probe values of the wrong shape")
    if not isinstance(data.get("float32", False), bool):
        return protocol_error("float32 is not true or false")
    return Reply(True, data={**data, "values": values.astype(np.float64)})
