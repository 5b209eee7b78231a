"""Finding what to grade: assignment folders under a path, and the
submissions in each (`<student>.py` or `<student>/<module>.py`). A file or
folder name becomes the student's name here, once (names.student_name);
each submission remembers the folder it was found in, which it must not
leave (admission.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assignment import Assignment, find_assignment, is_assignment_name
from ..names import student_name


class UsageError(Exception):
    """The command line names nothing gradable; the message says why."""


@dataclass
class Submission:
    student: str
    path: Path          # the student's module file (may not exist: then every check says so)


@dataclass
class Found(Submission):
    """A submission and the folder it was found in: no link below `root` is followed."""
    root: Path


@dataclass
class Batch:
    assignment: Assignment
    submissions: list[Found]


def find_batches(path: Path, assignment: str | None = None) -> list[Batch]:
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file():
        a = Assignment(find_assignment(assignment or _file_assignment(path)))
        return [Batch(a, [_file_submission(path, a)])]
    if assignment or is_assignment_name(path.name):
        a = Assignment(find_assignment(assignment or path.name))
        return [Batch(a, submissions_in(path, a))]
    folders = sorted(p for p in path.iterdir() if p.is_dir() and is_assignment_name(p.name))
    if not folders:
        raise UsageError(f"{path}: no assignment folders here. Name a folder after its assignment "
                         f"(submissions/<assignment>/) or pass --assignment NAME")
    return [Batch(a, submissions_in(p, a)) for p in folders for a in [Assignment(find_assignment(p.name))]]


def submissions_in(folder: Path, a: Assignment) -> list[Found]:
    module_file = f"{a.spec.module}.py"
    found = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "_")):
            continue
        if p.suffix == ".py" and (p.is_file() or p.is_symlink()):  # a link is refused when graded, and said so
            found.append(Found(student_name(p.stem), p, folder))
        elif p.is_dir():
            found.append(Found(student_name(p.name), p / module_file, folder))
    if not found:
        raise UsageError(f"{folder}: no submissions for {a.name}; expected {folder}/<student>.py "
                         f"or {folder}/<student>/{module_file}")
    return found


def _file_assignment(path: Path) -> str:
    """An assignment named by the file (<module>.py) or its folder (<assignment>/<student>.py)."""
    for name in (path.stem, path.parent.name, path.parent.parent.name):
        if is_assignment_name(name):
            return name
    raise UsageError(f"{path}: cannot tell which assignment this is for; pass --assignment NAME")


def _file_submission(path: Path, a: Assignment) -> Found:
    if path.name == f"{a.spec.module}.py" and path.parent.name != a.name:
        return Found(student_name(path.parent.name), path, path.parent)
    return Found(student_name(path.stem), path, path.parent)
