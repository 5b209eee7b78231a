"""Running trusted code (the reference and mutants made from it) in the
grading process itself, through the very logic a student's process runs,
so that validating an assignment is fast and judged exactly like a student."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Iterator

from . import wire_values
from ..spec import Limits
from .answers import Reply, read
from .runner import Request, call_request
from .student import Child

_names = itertools.count()


class InProcess:
    """The Sandbox interface, without a process: for trusted code only."""

    def __init__(self, path: Path, module: str, limits: Limits, hide: list[Path], support: Path | None = None):
        self.path = Path(path)
        self.support = str(support) if support else None
        self.module = f"_trusted_{module.replace('.', '_')}_{next(_names)}"  # never clashes with another load
        self.child = Child()
        self.loaded: Reply | None = None

    def __enter__(self) -> "InProcess":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def load(self) -> Reply:
        if self.loaded is None:
            self.loaded = _reply(self.child.load(str(self.path), self.module, [], self.support), {"op": "load"})
        return self.loaded

    def call(self, function: str, args: dict, keep=None, updates=None) -> Reply:
        return self.run([call_request(function, args, keep, updates)])[0]

    def run(self, requests: list[Request]) -> list[Reply]:
        return list(self.stream(requests))

    def stream(self, requests: list[Request]) -> Iterator[Reply]:
        return (_reply(self.child.answer(request), request) for request in requests)

    def mark_output(self) -> None:
        pass

    def captured_output(self, since_mark: bool = False) -> str:
        return ""


def _reply(raw: dict, request: dict) -> Reply:
    """The same Reply a Sandbox makes of the child's answer to `request`."""
    return read(wire_values.decode(raw), request)
