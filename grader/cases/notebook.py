"""A notebook submission (`<module>.ipynb`) read as the module it stands for.

The grading process reads the notebook (JSON: one of the current format
as it is, any other with nbformat, the format's own library; reading is
safe, running is not) and writes the Python source that the student's
process runs in its place. Each code cell keeps its
lines at the same place in that source, so a line of the source is a line
of one cell, and every message names `cell N, line M` (N counts every cell
from the top, markdown ones too; M counts from the cell's first line).

What IPython reads but Python does not (`%matplotlib inline`, `!pip install
numpy`, `%%time` cells, `x?`) is left out, each with a note. Where the spec
says `[notebook] keep = "functions"`, only the definitions of the spec's
functions run, with what they use (keep.py). The student's process then runs
the cells one at a time (sandbox/cells.py), so a cell that fails costs only
the functions it defines."""
from __future__ import annotations

import ast
import json
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..names import student_name
from .keep import defined_names, keep_definitions

SUFFIX = ".ipynb"
MAX_NOTEBOOK = 20 * 2**20   # bytes read; a notebook's JSON grows about tenfold as Python objects
MAX_SHOWN = 60              # characters of a left-out line quoted in a note

# A line IPython reads and Python does not: a magic or a shell escape, alone
# or assigned (`files = !ls`), or a help request (`np.dot?`).
IPYTHON_LINE = re.compile(r"^\s*([%!]|[\w.]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$)")


class NotebookError(Exception):
    """The file cannot be read as a notebook; the message says why, for the student."""


@dataclass
class CellLines:
    """One code cell's lines in the module: lines first..last are its lines 1..n."""
    cell: int
    first: int
    last: int
    defines: dict[str, int] = field(default_factory=dict)   # top-level functions and classes, at their line


@dataclass
class NotebookModule:
    shown: str                      # the notebook's file name, as shown
    source: str                     # the module's source
    cells: list[CellLines]
    notes: list[str]

    def locate(self, line: int | None) -> tuple[int, int] | None:
        """(cell, line in that cell) of a line of the module."""
        for c in self.cells:
            if line is not None and c.first <= line <= c.last:
                return c.cell, line - c.first + 1
        return None

    def where(self, line: int | None) -> str:
        """`cell N, line M` of a line of the module."""
        found = self.locate(line)
        return f"cell {found[0]}, line {found[1]}" if found else f"line {line}"

    def load_fields(self) -> dict:
        """What the student's process needs to run the cells one by one and name their lines."""
        return {"cells": [[c.first, c.last, c.cell] for c in self.cells], "shown": self.shown}


def is_notebook(path: Path) -> bool:
    return Path(path).suffix == SUFFIX


def read_notebook(path: Path, kept: list[str] | None = None) -> NotebookModule:
    """The module a notebook stands for; `kept`, the names whose definitions
    alone run (see keep.py), or None to run every cell."""
    shown = student_name(Path(path).name)
    data = _read_regular(Path(path), shown)
    cells = _plain_cells(data)
    if cells is None:
        cells = _cells_by_nbformat(data, shown)
    return module_of(cells, shown, kept)


def _plain_cells(data: bytes) -> list[dict] | None:
    """The cells of a notebook in the current format (4) whose cells are what
    grading reads (a type and a source of text), read as plain JSON; None
    for anything else, which nbformat reads (converting an older format) or
    explains. Reading a notebook this way leaves nbformat, and the schema
    validator it builds on import, out of a self-check."""
    try:
        nb = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        return None
    for cell in nb["cells"]:
        if not (isinstance(cell, dict) and isinstance(cell.get("cell_type"), str) and _is_text(cell.get("source"))):
            return None
    return nb["cells"]


def _is_text(source) -> bool:
    return isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))


def _cells_by_nbformat(data: bytes, shown: str) -> list:
    """The cells nbformat reads, or a NotebookError that says why there are none."""
    import nbformat   # imported here: grading a .py file or a plain notebook never needs it

    try:
        with warnings.catch_warnings():   # nbformat warns of what it normalises (cells without ids, say)
            warnings.simplefilter("ignore")
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        cells = list(nb.cells)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise NotebookError(f"{shown} could not be read as a notebook ({_first_line(e)}): save it again from "
                            "Jupyter, or submit a .py file") from None
    except Exception as e:  # nbformat's own errors: a notebook of an unknown version, a missing field
        raise NotebookError(f"{shown} is not a notebook nbformat can read ({type(e).__name__}: "
                            f"{_first_line(e)})") from None
    if not all(isinstance(cell, dict) for cell in cells):
        raise NotebookError(f"{shown} is not a notebook nbformat can read (a cell is not an object)")
    return cells


def module_of(cells, shown: str, kept: list[str] | None = None) -> NotebookModule:
    """The module of a notebook's cells (nbformat's NotebookNode cells)."""
    notes: list[str] = []
    code: list[tuple[int, list[str]]] = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        if _is_text(cell.get("source", "")):
            code.append((number, python_lines(number, _text(cell.get("source", "")), notes)))
        else:   # no editor writes this: the cell's code is lost, and the note says why its functions are missing
            notes.append(f"cell {number}'s source is not text (it is {_kind(cell.get('source'))}): "
                         "the cell was left out")
    if kept is not None:
        code = keep_definitions(code, kept, notes)
    source_lines: list[str] = []
    spans = []
    for number, lines in code:
        first = len(source_lines) + 1
        source_lines += lines
        spans.append(CellLines(number, first, len(source_lines), defined_names(lines)))
    if not code:
        notes.append(f"{shown} has no code cells")
    return NotebookModule(shown, "".join(line + "\n" for line in source_lines), spans, notes)


def python_lines(number: int, text: str, notes: list[str]) -> list[str]:
    """A code cell's lines, with IPython's own syntax left out (each line
    becomes `pass`, so a block around it still parses); a note says which."""
    lines = text.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        notes.append(f"cell {number} is a cell magic ({_quote(lines[0].split()[0])}), which IPython runs and "
                     f"Python cannot: it was left out")
        return [""] * len(lines)
    if _parses(text):
        return lines
    out = []
    for m, line in enumerate(lines, start=1):
        if IPYTHON_LINE.match(line):
            notes.append(f"cell {number}, line {m}: {_quote(line.strip())} is IPython's, not Python: it was left out")
            line = line[:len(line) - len(line.lstrip())] + "pass"
        out.append(line)
    return out


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _text(source) -> str:
    """A cell's source: nbformat gives a string; a list of lines is joined."""
    return "".join(source) if isinstance(source, list) else str(source)


def _kind(value) -> str:
    """What a JSON value is, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return "a boolean" if isinstance(value, bool) else "a number"
    return "an object"   # a list holding more than text does not reach here: nbformat refuses it


def _quote(line: str) -> str:
    line = student_name(line)
    return f"`{line if len(line) <= MAX_SHOWN else line[:MAX_SHOWN] + '...'}`"


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:300] if text else type(e).__name__


def _read_regular(path: Path, shown: str) -> bytes:
    """The notebook's bytes, opened as the grader opens every submission: no
    link followed, a regular file only, at most MAX_NOTEBOOK bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise NotebookError(f"{shown} could not be opened ({e.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotebookError(f"{shown} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_NOTEBOOK + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK:
        raise NotebookError(f"{shown} is larger than {MAX_NOTEBOOK // 2**20} MiB: clear its outputs (Edit > Clear "
                            "All Outputs) and submit it again")
    return data
