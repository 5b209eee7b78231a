"""Finding what to grade: assignment folders under a path, and the
submissions in each: `<student>.py` or `<student>.ipynb`, or a folder
`<student>/` holding `<module>.py` or `<module>.ipynb`, at its top or in a
subfolder (the shallowest; a Gradescope upload is searched the same way).
Whatever else a batch folder holds is skipped, and each skip is listed with
its reason. A file or folder name becomes the student's name here, once
(names.student_name); each submission remembers the folder it was found in,
which it must not leave (admission.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .assignment import Assignment, find_assignment, is_assignment_name
from ..collect import COLLECTION_FILE
from ..names import student_name
from ..sandbox import package


class UsageError(Exception):
    """The command line names nothing gradable; the message says why."""


@dataclass
class Submission:
    student: str
    path: Path          # the student's module file (may not exist: then every check says so)


@dataclass
class Found(Submission):
    """A submission and the folder it was found in: no link below `root` is
    followed. `absent` says what a student's folder holds, where it holds no module file."""
    root: Path
    absent: str = ""


@dataclass
class Batch:
    assignment: Assignment
    submissions: list[Found]
    skipped: list[str] = field(default_factory=list)   # what the batch folder holds that is not graded, and why


SUFFIXES = (".py", ".ipynb")   # a submission is Python source or a notebook
SETTINGS = "grade.toml"
SKIP_DIRS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints"}


def find_batches(path: Path, assignment: str | None = None) -> list[Batch]:
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file():
        a = Assignment(find_assignment(assignment or _file_assignment(path)))
        return [Batch(a, [_file_submission(path, a)])]
    if assignment or is_assignment_name(path.name):
        a = Assignment(find_assignment(assignment or path.name))
        return [Batch(a, *submissions_in(path, a))]
    folders = sorted(p for p in path.iterdir() if p.is_dir() and is_assignment_name(p.name))
    if not folders:
        raise UsageError(f"{path}: no assignment folders here. Name a folder after its assignment "
                         f"(submissions/<assignment>/) or pass --assignment NAME")
    return [Batch(a, *submissions_in(p, a)) for p in folders for a in [Assignment(find_assignment(p.name))]]


def submissions_in(folder: Path, a: Assignment) -> tuple[list[Found], list[str]]:
    """The submissions in a batch folder, and what it holds besides, each with why it is skipped."""
    module = a.spec.module
    found, skipped, students = [], [], {}
    for p in sorted(folder.iterdir(), key=lambda p: (p.stem, p.suffix != ".py", p.name)):  # ada.py before ada.ipynb
        if p.name == COLLECTION_FILE and p.is_file():
            continue   # where each student's folder came from (grade collect): read when results are written
        if p.name == SETTINGS:   # the class's settings (settings.py), no submission
            continue
        why = _skip_reason(p)
        if why is None and package.is_package(module) and not p.is_dir():
            why = f"{module} is a package's module: each student hands in a folder holding {package.module_file(module)}"
        student = student_name(p.name if p.is_dir() else p.stem)
        if why is None and student in students:
            why = f"{students[student]} is graded for the same student"
        if why:
            skipped.append(f"{student_name(p.name)} ({why})")
            continue
        if p.is_dir() and not p.is_symlink():
            found.append(_folder_submission(folder, p, module))
        elif p.is_dir():  # a link to a folder: refused when graded, and said so
            found.append(Found(student, p / f"{module}.py", folder))
        else:  # a file, or a link to one (refused when graded, and said so)
            found.append(Found(student, p, folder))
        students[student] = student_name(p.name) + ("/" if p.is_dir() else "")
    if not found:
        raise UsageError(f"{folder}: no submissions for {a.name}; expected {folder}/<student>.py, "
                         f"<student>.ipynb, or <student>/{module}.py (or .ipynb)"
                         + (f"; skipped: {', '.join(skipped[:10])}" if skipped else ""))
    return found, skipped


def skipped_text(batch: Batch) -> str:
    """The line a batch prints about what it skipped, each entry with its reason."""
    n = len(batch.skipped)
    return f"{batch.assignment.name}: skipped {n} entr{'y' if n == 1 else 'ies'}: {'; '.join(batch.skipped)}"


def _skip_reason(p: Path) -> str | None:
    """Why an entry of a batch folder is not a submission, or None where it is one."""
    if p.name.startswith("."):
        return "a hidden file" if not p.is_dir() else "a hidden folder"
    if p.name.startswith("_"):
        return "its name starts with _"
    if p.is_dir():
        return None
    if p.name == "adjustments.toml":
        return "not graded: the class's adjustments, applied to its reports"
    if p.suffix not in SUFFIXES:
        return "not a .py or .ipynb file"
    if not (p.is_file() or p.is_symlink()):
        return "not a regular file"
    return None


def _folder_submission(folder: Path, student: Path, module: str) -> Found:
    """A student's folder: its module file, the shallowest one (or a note of what it holds)."""
    path = find_module_file(student, module)
    if path is not None:
        return Found(student_name(student.name), path, folder)
    return Found(student_name(student.name), student / f"{module}.py", folder,
                 absent=missing_module(student, module, folder))


def find_module_file(folder: Path, module: str) -> Path | None:
    """`<module>.py` or `<module>.ipynb` in `folder`, at its top or the
    shallowest in a subfolder (`.py` first where both are). A link to a
    folder is never walked into; a link named as the module is found, to be
    refused (admission.py) rather than passed over."""
    found = [p for top, _ in module_folders(folder) for name in module_file_names(module) for p in [Path(top) / name]
             if p.is_symlink() or p.is_file()]
    return min(found, key=lambda p: (len(p.parts), SUFFIXES.index(p.suffix), str(p))) if found else None


def module_file_names(module: str) -> list[str]:
    """The files that hold a spec's module: `ner_window.py` or `.ipynb`;
    a package's module, `cs231n/classifiers/fc_net.py` (see sandbox/package.py)."""
    if package.is_package(module):
        return [package.module_file(module)]
    return [f"{module}{suffix}" for suffix in SUFFIXES]


def module_folders(folder: Path):
    """(folder, file names) of `folder` and its subfolders, its own first,
    without following links and without the folders archivers, git and Jupyter leave."""
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        yield top, files


def missing_module(folder: Path, module: str, root: Path) -> str:
    """What a submission without its module file is told: what was looked for, and what it holds."""
    from .admission import shown_path
    held = sorted(shown_path(Path(top) / name, root) for top, files in module_folders(folder) for name in files)
    holds = (f" (it holds: {', '.join(held[:10])}{', ...' if len(held) > 10 else ''})" if held else " (it is empty)")
    return f"no file {' or '.join(module_file_names(module))} in this submission, in any of its folders{holds}"


def _file_assignment(path: Path) -> str:
    """An assignment named by the file (<module>.py) or its folder (<assignment>/<student>.py)."""
    for name in (path.stem, path.parent.name, path.parent.parent.name):
        if is_assignment_name(name):
            return name
    raise UsageError(f"{path}: cannot tell which assignment this is for; pass --assignment NAME")


def _file_submission(path: Path, a: Assignment) -> Found:
    if package.is_package(a.spec.module):
        return package_file_submission(path, a.spec.module)
    if path.suffix not in SUFFIXES:
        raise UsageError(f"{path}: not a .py or .ipynb file; submit {a.spec.module}.py or {a.spec.module}.ipynb")
    holder = Path(os.path.abspath(path)).parent.name   # named as it is, where the path is relative (`ner_window.py`)
    if path.stem == a.spec.module and holder and holder != a.name:
        return Found(student_name(holder), path, path.parent)
    return Found(student_name(path.stem), path, path.parent)


def package_file_submission(path: Path, module: str) -> Found:
    """The module's file named inside its package (`ada/cs231n/classifiers/fc_net.py`):
    the student is named after the folder that holds the package."""
    wanted = Path(package.module_file(module)).parts
    absolute = Path(os.path.abspath(path))
    if absolute.parts[-len(wanted):] != wanted:
        raise UsageError(f"{path}: {module} is a package's module; name its file {package.module_file(module)} "
                         "inside the package's folder")
    holder = absolute.parents[len(wanted) - 1]
    return Found(student_name(holder.name), absolute, holder)
