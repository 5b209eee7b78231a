"""A notebook's code cells, run one at a time as the module, in the
student's process. The grading process wrote the module's source from the
notebook (cases/notebook.py), each cell's lines at their place, and sends
where each cell lies: lines first..last of the source are its lines 1..n.

A cell that fails (a syntax error, an exception, sys.exit) is recorded with
the line it failed on, and the next cell runs: a cell that plots or loads
a file the student's process does not have costs only what it defines,
never the whole notebook. Compiled with the source's own file name and line
numbers, the cells' code is the module's: tracebacks, function lines and
the numerical-derivative watch find it as they find a .py file's."""
from __future__ import annotations

import traceback
from dataclasses import dataclass


@dataclass
class Cells:
    shown: str                          # the notebook's file name, as shown
    spans: list[tuple[int, int, int]]   # (first line, last line, cell number)

    @classmethod
    def of(cls, cells, shown) -> "Cells | None":
        """From a load request's fields; None where they do not describe cells."""
        if not isinstance(cells, list):
            return None
        spans = [tuple(c) for c in cells if isinstance(c, list) and len(c) == 3 and all(type(x) is int for x in c)]
        return cls(str(shown or "notebook.ipynb"), spans)

    def where(self, line: int | None) -> str:
        """`cell N, line M` of a line of the module."""
        for first, last, cell in self.spans:
            if line is not None and first <= line <= last:
                return f"cell {cell}, line {line - first + 1}"
        return f"line {line}"

    def run(self, path: str, namespace: dict, describe) -> list[dict]:
        """Run each cell in `namespace`; the failures, each with its cell, the
        line it failed on and `describe`'s account of the error."""
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines(keepends=True)
        failed = []
        for first, last, cell in self.spans:
            source = "\n" * (first - 1) + "".join(lines[first - 1:last])   # its lines at their place
            try:
                exec(compile(source, path, "exec", dont_inherit=True), namespace)
            except BaseException as e:
                failed.append({"cell": cell, "line": failed_line(e, path), "error": describe(e)})
        return failed


def failed_line(e: BaseException, path: str) -> int | None:
    """The line of the module a cell failed on: a syntax error's, or the
    cell's own statement that raised (not a line inside a function it called)."""
    if isinstance(e, SyntaxError):
        return e.lineno
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == path and f.name == "<module>"]
    return frames[-1].lineno if frames else None
