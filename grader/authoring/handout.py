"""`grade handout`: the assignment folder exactly as students get it.

Every file is chosen by name, never by copying the folder and leaving things
out: the spec, starter.py (and starter.ipynb, built from the instructions and
the starter, when the spec's `[handout] notebook` asks for it), or for a
package's module the package's folder in starter/ (`starter/cs231n/`, handed
out as `cs231n/`: see authoring/package.py),
instructions.md, public.json, the support folder, and the .gitattributes that
keeps their line endings LF in a student's git checkout. reference.py and
.pool/ are never opened. A symbolic link is refused wherever it is (it could
lead anywhere, to the reference too), and so is a support folder that is
hidden (`.pool`), the assignment folder itself, or outside it. The support
folder leaves out what no grade depends on (`__pycache__`, hidden files), as
the case pool's key does.

A public.json that is missing or made for another version of the spec is
refused: students would self-check on cases that are not the graded ones."""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path, PurePosixPath

from ..cases.assignment import INSTRUCTIONS, REFERENCE, STARTER, Assignment
from ..reference.case_pool import POOL_FOLDER
from ..reference.public import PUBLIC_FILE
from ..spec import SPEC_FILE, SpecError
from ..sandbox.package import is_package, module_file
from .notebook import starter_notebook
from .package import STARTER_FOLDER
from .scaffold import GITATTRIBUTES

NOTEBOOK = "starter.ipynb"
ATTRIBUTES = ".gitattributes"
SKIPPED_DIRS = {"__pycache__"}


def handout_files(a: Assignment) -> dict[str, bytes]:
    """Every file students get, by its path in the handed-out folder."""
    support = support_files(a)
    _require_published(a)
    starter = starter_package_files(a) if is_package(a.spec.module) else {STARTER: read_file(a.folder, STARTER)}
    files = {name: read_file(a.folder, name) for name in (SPEC_FILE, PUBLIC_FILE)} | starter
    if _exists(a.folder / INSTRUCTIONS):
        files[INSTRUCTIONS] = read_file(a.folder, INSTRUCTIONS)
    files[ATTRIBUTES] = read_file(a.folder, ATTRIBUTES) if _exists(a.folder / ATTRIBUTES) else GITATTRIBUTES.encode()
    if a.spec.handout.notebook and is_package(a.spec.module):
        raise SpecError(f"{a.folder / SPEC_FILE}: [handout] notebook: {a.spec.module} is a package's module, whose "
                        "starter is a folder; a notebook starter is for an assignment of one module")
    if a.spec.handout.notebook:
        notebook = starter_notebook(files.get(INSTRUCTIONS, b"").decode("utf-8"), files[STARTER].decode("utf-8"))
        files[NOTEBOOK] = notebook.encode("utf-8")
    return dict(sorted({**files, **support}.items()))


def write_handout(a: Assignment, out: Path, force: bool = False) -> Path:
    """Write the handout to out/<assignment name>/ and return that folder.
    A folder already there is replaced only with `force`, and never when it
    holds the assignment or looks like an instructor's folder."""
    files = handout_files(a)
    target = Path(out) / a.name
    _check_target(target, a.folder, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        for relative, content in files.items():
            path = fresh / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if target.exists():
            old = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
            target.rename(old)
            fresh.rename(target)
            shutil.rmtree(old)
        else:
            fresh.rename(target)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return target


def support_files(a: Assignment) -> dict[str, bytes]:
    """The support folder's files, by their path in the handout."""
    if not a.spec.support:
        return {}
    relative = PurePosixPath(a.spec.support)
    if relative.is_absolute() or not relative.parts or any(p.startswith(".") for p in relative.parts):
        raise SpecError(f"{a.folder / SPEC_FILE}: support = {a.spec.support!r}: students get the support folder, so "
                        "it must be a folder inside the assignment's, not the assignment folder itself, a hidden "
                        "one or one outside it")
    return folder_files(a.folder / relative, relative)


def starter_package_files(a: Assignment) -> dict[str, bytes]:
    """A package's starter (authoring/package.py): the files of the package's
    top folder in starter/, by their path in the handout (`cs231n/layers.py`)."""
    top = a.spec.module.split(".")[0]
    module = a.folder / STARTER_FOLDER / module_file(a.spec.module)
    _not_a_link(a.folder / STARTER_FOLDER)
    if not (a.folder / STARTER_FOLDER / top).is_dir() or not _exists(module):
        raise SpecError(f"{module}: no such file: a package's starter is the folder {STARTER_FOLDER}/{top}/ in the "
                        f"assignment's; write one with grade starter {a.folder}")
    return folder_files(a.folder / STARTER_FOLDER / top, PurePosixPath(top))


def folder_files(root: Path, relative: PurePosixPath) -> dict[str, bytes]:
    """Every file under root, by its path under `relative`, without
    `__pycache__` or hidden files; a link anywhere is refused."""
    root = _not_a_link(root)
    files = {}
    for top, dirs, names in os.walk(root):
        top = Path(top)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        kept = [top / name for name in sorted(names) if not name.startswith(".")]
        for path in [top / d for d in dirs] + kept:
            _not_a_link(path)
        for path in kept:
            files[(relative / path.relative_to(root)).as_posix()] = path.read_bytes()
    return files


def _require_published(a: Assignment) -> None:
    try:
        a.published_source()
    except SpecError as e:
        raise SpecError(f"{a.name}: nothing was handed out: {e}") from None


def read_file(folder: Path, name: str) -> bytes:
    """A file of the assignment folder that must be there, and not as a link."""
    path = folder / name
    if not _exists(path):
        hint = f": write one with grade starter {folder}" if name == STARTER else ""
        raise SpecError(f"{path}: no such file{hint}")
    return _not_a_link(path).read_bytes()


def _exists(path: Path) -> bool:
    return path.is_file() or path.is_symlink()


def _not_a_link(path: Path) -> Path:
    if path.is_symlink():
        raise SpecError(f"{path} is a symbolic link: a handout holds real files only (a link could lead to the "
                        "reference); replace it with the file or folder itself")
    return path


def _check_target(target: Path, folder: Path, force: bool) -> None:
    resolved = target.resolve()
    if resolved == folder or resolved in folder.parents:
        raise SpecError(f"{target}: this folder holds the assignment itself; hand out to another folder (--out)")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise SpecError(f"{target} is a file or a symbolic link, not a folder; hand out to another folder (--out)")
    if not target.exists() or not any(target.iterdir()):
        return
    if not force:
        raise SpecError(f"{target} exists already: --force replaces it")
    if (target / REFERENCE).exists() or (target / POOL_FOLDER).exists():
        raise SpecError(f"{target} holds {REFERENCE} or {POOL_FOLDER}: it is an instructor's folder, not a handout, "
                        "and is left as it is")
