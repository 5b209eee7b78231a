"""What a submission's code is, for comparing it with others: its files'
text, read and never run. A `.py` file is itself; a notebook, its code cells
as the module they stand for (cases/notebook.py), each line remembered as
`cell N, line M`; a student's folder, every `.py` file in it. Each file is
opened as the grader opens a submission (no link followed, a regular file
only) and read up to a cap; what cannot be read is said, in `problems`,
and costs only that file."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..cases.discover import SKIP_DIRS
from ..cases.notebook import NotebookError, is_notebook, read_notebook
from ..names import student_name

MAX_BYTES = 512 * 1024     # of one file: a gradient exercise is a few hundred lines; the rest is not compared
MAX_FILES = 50             # of one student's folder


@dataclass
class SourceFile:
    name: str                                     # as shown: the file's path inside the submission
    text: str
    cells: list[tuple[int, int, int]] = field(default_factory=list)   # a notebook's (cell, first, last) lines

    def where(self, line: int) -> str:
        """`line N`, or in a notebook `cell N, line M`."""
        found = self._cell(line)
        return f"cell {found[0]}, line {found[1]}" if found else f"line {line}"

    def label(self, line: int) -> str:
        """A line's number as shown beside it: `N`, or in a notebook `cell:line`."""
        found = self._cell(line)
        return f"{found[0]}:{found[1]}" if found else str(line)

    def _cell(self, line: int) -> tuple[int, int] | None:
        for cell, first, last in self.cells:
            if first <= line <= last:
                return cell, line - first + 1
        return None


@dataclass
class Source:
    """One submission's (or one known solution's) code."""
    name: str                                     # the student, or the known solution's file
    files: list[SourceFile]
    problems: list[str] = field(default_factory=list)
    known: bool = False                           # a known solution (--compare-with), not a student


def submission_source(student: str, path: Path, root: Path, known: bool = False) -> Source:
    """A submission's code: its module file, or every `.py` file of the
    student's folder where the module file is inside one under `root`."""
    path, root = Path(path), Path(root)
    top = _student_folder(path, root)
    source = Source(student, [], known=known)
    if top is None:
        _add(source, path, path.name)
        return source
    python = sorted(p for p in _walk(top) if p.suffix == ".py")
    if path.suffix != ".py":
        python = [path] + python   # the notebook is the module; the folder's .py files beside it count too
    if len(python) > MAX_FILES:
        source.problems.append(f"{len(python)} .py files: only the first {MAX_FILES} are compared")
    for p in python[:MAX_FILES]:
        _add(source, p, p.relative_to(top).as_posix())
    return source


def sources_in(folder: Path) -> list[Source]:
    """Known solutions: each `.py` or `.ipynb` file of `folder`, and each folder in it, one solution."""
    found = []
    for p in sorted(Path(folder).iterdir()):
        if p.name.startswith(".") or p.name in SKIP_DIRS or p.is_symlink():
            continue
        if p.is_dir():
            found.append(Source(student_name(p.name), [], known=True))
            for f in sorted(f for f in _walk(p) if f.suffix == ".py")[:MAX_FILES]:
                _add(found[-1], f, f.relative_to(p).as_posix())
        elif p.suffix in (".py", ".ipynb"):
            found.append(submission_source(student_name(p.name), p, p, known=True))
    return found


def starter_source(folder: Path) -> Source:
    """The assignment's starter code (`starter.py`, and `starter.ipynb` where
    there is one, or a package's starter folder, `starter/`): what every
    student is given, so never a sign of copying."""
    source = Source("starter", [])
    for name in ("starter.py", "starter.ipynb"):
        if (Path(folder) / name).is_file():
            _add(source, Path(folder) / name, name)
    if (Path(folder) / "starter").is_dir() and not (Path(folder) / "starter").is_symlink():
        for f in sorted(f for f in _walk(Path(folder) / "starter") if f.suffix == ".py")[:MAX_FILES]:
            _add(source, f, f.relative_to(folder).as_posix())
    return source


def _student_folder(path: Path, root: Path) -> Path | None:
    """The student's own folder (the first below `root` on the way to `path`), or None for a file at its top."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    return root / parts[0] if len(parts) > 1 else None


def _walk(folder: Path):
    for top, dirs, files in os.walk(folder):   # links to folders are not followed
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        yield from (Path(top) / f for f in sorted(files) if not f.startswith("."))


def _add(source: Source, path: Path, shown: str) -> None:
    """Read one file into `source`, or say in its problems why it could not be."""
    shown = student_name(shown)
    if is_notebook(path):
        try:
            module = read_notebook(path)
        except NotebookError as e:
            source.problems.append(str(e))
            return
        source.files.append(SourceFile(shown, module.source, [(c.cell, c.first, c.last) for c in module.cells]))
        return
    try:
        data = _read_capped(path)
    except OSError as e:
        source.problems.append(f"{shown} could not be read ({e.strerror or e})")
        return
    if len(data) > MAX_BYTES:
        source.problems.append(f"{shown} is larger than {MAX_BYTES // 1024} KiB: only its first "
                               f"{MAX_BYTES // 1024} KiB are compared")
        data = data[:MAX_BYTES]
    source.files.append(SourceFile(shown, data.decode("utf-8", errors="replace")))


def _read_capped(path: Path) -> bytes:
    """At most MAX_BYTES + 1 bytes of a regular file, no link followed."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
