"""What `self-check` grades, where a student names their file or, in the
folder `grade handout` wrote, only the assignment: `self-check fc_net`
there (or `self-check fc_net` beside that folder) finds their work in it as
a student's folder of a batch is searched (discover.py), the module's file
at its top or the shallowest below (`cs231n/classifiers/fc_net.py` inside
their package).

Without --assignment, a handed-out folder is its own assignment: where the
folder holding the student's file (or the package their file is in) holds
an assignment.toml whose module is that file's, its spec and public.json
are the ones checked against, whatever other copy of the assignment the
machine holds."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..sandbox import package
from ..spec import SPEC_FILE, Spec, SpecError, load_spec
from .assignment import find_assignment, is_assignment_name
from .discover import SUFFIXES, Batch, UsageError, find_batches, find_module_file, module_file_names


def self_check_batch(path: Path, assignment: str | None = None) -> Batch:
    """The batch of one submission `self-check PATH` grades."""
    if path.is_file():
        return find_batches(path, assignment or _beside(path))[0]
    folder = _work_folder(path, assignment)
    if folder is None:
        link = " (a symbolic link that leads nowhere)" if path.is_symlink() else ""
        raise UsageError(f"{path}: no such file{link}")
    found = folder if (folder / SPEC_FILE).is_file() and not assignment else None
    name = assignment or path.resolve().name   # `self-check .`: the folder's own name
    module = (_spec(found) or load_spec(found) if found else load_spec(find_assignment(name))).module
    file = find_module_file(folder, module)
    if file is None:
        names = module_file_names(module)
        raise UsageError(f"{path}: no {' or '.join(names)} in {folder} or its folders: write your work there, or "
                         f"name your file (self-check path/to/{names[0]})")
    return find_batches(_as_named(file), str(found) if found else name)[0]


def _as_named(file: Path) -> Path:
    """The file as the student would name it: relative to the folder self-check runs in, where it is inside it."""
    try:
        return file.relative_to(Path.cwd())
    except ValueError:
        return file


def assignment_folder(name: str) -> Path:
    """The assignment `name` as a student's self-check finds it: the folder
    it runs in, where `grade handout` wrote that assignment there, else by
    name (find_assignment)."""
    here = Path.cwd()
    if (here / SPEC_FILE).is_file() and getattr(_spec(here), "name", None) == name:
        return here
    return find_assignment(name)


def _work_folder(path: Path, assignment: str | None) -> Path | None:
    """The folder to look in: the folder named, else the current folder
    where the name is its assignment's. Any other name is a file that is not
    there (a typo, a link that leads nowhere), never a reason to check
    another file found here."""
    if path.is_dir():
        return path
    if path.parent != Path(".") or os.path.lexists(path):
        return None
    return Path.cwd() if _is_assignments_name(path.name, assignment) else None


def _is_assignments_name(name: str, assignment: str | None) -> bool:
    """Whether `name` is the assignment's: the one --assignment names (its
    folder's or its spec's name), else the spec's of the folder self-check
    runs in, else an assignment found by that name."""
    if assignment:
        folder = find_assignment(assignment)   # (one that is not found is an error of its own)
        return name in (folder.name, getattr(_spec(folder), "name", None))
    here = Path.cwd()
    if (here / SPEC_FILE).is_file():
        return getattr(_spec(here), "name", None) == name
    return is_assignment_name(name)


def _beside(file: Path) -> str | None:
    """The handed-out folder holding the file, or the package it is in, where its spec's module is that file."""
    absolute = Path(os.path.abspath(file))
    holder = next((folder for folder in absolute.parents if (folder / SPEC_FILE).is_file()), None)
    if holder == absolute.parent and _spec(holder) is None:
        load_spec(holder)   # the file's own folder's spec is broken: its SpecError says how, no other copy is used
    module = _spec(holder).module if holder and _spec(holder) else None
    if module is None or module.count(".") >= len(absolute.parents) or absolute.parents[module.count(".")] != holder:
        return None
    if package.is_package(module):
        fits = absolute.as_posix().endswith("/" + package.module_file(module))
    else:
        fits = absolute.stem == module and absolute.suffix in SUFFIXES
    return str(holder) if fits else None


@lru_cache(maxsize=None)
def _spec(folder: Path) -> Spec | None:
    """The folder's spec, or None where it cannot be read (a message about it comes from what is graded)."""
    try:
        return load_spec(folder)
    except SpecError:
        return None


def twin_note(file: Path, module: str) -> str | None:
    """A note where `file` (`ner_window.ipynb`) has a twin of the other kind
    beside it (`ner_window.py`): a folder of submissions grades the .py file,
    whichever of the two the student works in. A package's file has none."""
    if package.is_package(module):
        return None
    twins = [file.with_suffix(suffix) for suffix in SUFFIXES if suffix != file.suffix]
    twin = next((t for t in twins if t.is_file()), None)
    if twin is None:
        return None
    if file.suffix == ".py":
        return f"{twin.name} is beside {file.name}; when a folder of work is graded, {file.name} is the one graded"
    return (f"{twin.name} is beside {file.name}; when a folder of work is graded, {twin.name} is the one graded, "
            f"not this notebook: remove or rename {twin.name} if the notebook is your work")
