"""Caches kept in a student's process, across its restarts. A forward's
cache stays in the process that made it, under a handle (student.py).
When that process ends (a timeout or a crash, in any function), the next
requests go to a fresh one, where the handle names nothing, or another
cache. So each kept handle is tagged with the process that holds it, and a
request that names a handle of an ended process has it made again first:
the call that made it is repeated in the current process (its own stale
handles made again the same way), and the new handle takes the old one's
place. One function's infinite loop then costs no other function a point."""
from __future__ import annotations

from typing import Callable

from .recipes import COPY, HANDLE
from .wire_values import Sequence

PROCESS = "__process__"   # beside a HANDLE: which of the submission's processes holds it (ignored there)


class Lost(Exception):
    """A cache of an ended process that could not be made again: the message says why."""


def stale(request: dict, process: int) -> bool:
    """Whether `request` names a cache held by a process other than `process`."""
    args = request.get("args")
    return isinstance(args, dict) and any(_held_elsewhere(v, process) for v in args.values())


def _held_elsewhere(value, process: int) -> bool:
    return isinstance(value, dict) and HANDLE in value and value.get(PROCESS, process) != process


class KeptCaches:
    """Where each kept handle came from, and the handles made again in the current process."""

    def __init__(self):
        self.makers: dict[tuple[int, int], tuple[dict, int]] = {}   # (process, handle) -> (its call, output)
        self.remade: dict[tuple[int, int], dict] = {}               # (process, handle) -> its handle made again

    def note(self, request: dict, reply, process: int) -> None:
        """Tag the handles a call's reply kept with the process that holds them."""
        result = getattr(reply, "result", None)
        if not request.get("keep") or not reply.ok or not isinstance(result, Sequence):
            return
        for index in request["keep"]:
            item = result.items[index] if 0 <= index < len(result.items) else None
            if isinstance(item, dict) and type(item.get(HANDLE)) is int:   # what the student's process sent
                item[PROCESS] = process
                self.makers[process, item[HANDLE]] = (request, index)

    def live(self, request: dict, process: int, send: Callable[[dict], object]) -> dict:
        """`request` with each cache of an ended process made again in
        `process`, by `send` (one request sent, its reply returned); Lost if
        one cannot be."""
        if not stale(request, process):
            return request
        args = {name: self._again(value, process, send) if _held_elsewhere(value, process) else value
                for name, value in request["args"].items()}
        return type(request)({**request, "args": args})

    def _again(self, value: dict, process: int, send) -> dict:
        key = (value[PROCESS], value[HANDLE])
        made = self.remade.get(key)
        if made is None or made[PROCESS] != process:
            if key not in self.makers:
                raise Lost("a cache it was given was lost with the process that made it")
            maker, index = self.makers[key]
            reply = send(self.live(maker, process, send))
            items = reply.result.items if reply.ok and isinstance(reply.result, Sequence) else []
            made = items[index] if index < len(items) else None
            if not (isinstance(made, dict) and made.get(PROCESS) == process):
                why = reply.error.describe() if not reply.ok else "it returned no cache"
                raise Lost(f"the cache of {maker['function']} was lost when the student's process was restarted, "
                           f"and {maker['function']} could not make it again: {why}")
            self.remade[key] = made
        return {HANDLE: made[HANDLE], PROCESS: process, **({COPY: True} if value.get(COPY) else {})}
