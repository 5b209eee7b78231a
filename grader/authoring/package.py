"""A package assignment's starter. Where the spec's module is dotted
(`cs231n.classifiers.fc_net`), students hand in the package, so they are
given one: the assignment folder's `starter/` holds it as they get it
(`starter/cs231n/...`), in place of starter.py, and `grade handout` hands
out its files.

`grade starter` writes into that folder the package's `__init__.py` files,
the spec's module with the skeletons of its classes (authoring/classes.py),
and the skeletons of the spec's functions: in that module, or in the module
`[handout] functions_module` names (`cs231n.layers`), which the spec's
module then imports as the course's does (`from ..layers import *`), as it
imports each module of `[handout] imports` (`cs231n.layer_utils`). Those
are the instructor's, written by hand beside the generated ones: `grade
starter` never writes them, and `--force` replaces only the files it
writes."""
from __future__ import annotations

from pathlib import Path

from ..cases.assignment import STARTER, Assignment
from ..sandbox.package import is_package, module_file
from ..spec import Spec, SpecError
from .scaffold import starter_definitions, starter_what, write_starter

STARTER_FOLDER = "starter"

MODULE_HEADER = '''"""{path}: {title}

Write each {what} below; keep the names and the order of the arguments.
Shapes use the assignment's dimension names; all arrays are float64 unless
said otherwise. Hand in the whole {top}/ folder; check your work from the
folder that holds it with: self-check {module_path}
"""
import numpy as np
'''


def write_any_starter(a: Assignment, out: Path | None, force: bool = False) -> str:
    """`grade starter`: starter.py, or a package's starter folder; what was written, as a line to print."""
    if not is_package(a.spec.module):
        if a.spec.handout.functions_module or a.spec.handout.imports:
            raise SpecError(f"{a.folder / 'assignment.toml'}: [handout] functions_module and imports lay out a "
                            f"package's starter; {a.spec.module!r} is a module of its own (starter.py)")
        path = write_starter(a.spec, out or a.folder / STARTER, force)
        return f"wrote {path}: students copy it to {a.spec.module}.py"
    folder = out or a.folder / STARTER_FOLDER
    written, missing = write_starter_package(a.spec, folder, force)
    names = ", ".join(str(p.relative_to(folder)) for p in written)
    line = f"wrote {names} in {folder}: students get the package as it is"
    return line + "".join(f"; write {folder / path} yourself: {module_file(a.spec.module)} imports it"
                          for path in missing)


def starter_package(spec: Spec) -> dict[str, str]:
    """The files `grade starter` writes for a package, by their path in starter/."""
    module, functions_in = spec.module, _functions_module(spec)
    files = {init: "" for name in (module, functions_in) for init in _package_inits(name)}
    imports = ([functions_in] if functions_in != module else []) + list(spec.handout.imports)
    lines = "".join(f"from {relative_import(module, name)} import *\n" for name in imports)
    own = functions_in == module   # the module holds the functions' skeletons too
    files[module_file(module)] = (_header(spec, module, functions=own) + ("\n" + lines if lines else "")
                                  + starter_definitions(spec, functions=own))
    if functions_in != module:
        files[module_file(functions_in)] = _header(spec, functions_in, functions=True, classes=False) + \
            starter_definitions(spec, classes=False)
    return dict(sorted(files.items()))


def write_starter_package(spec: Spec, folder: Path, force: bool = False) -> tuple[list[Path], list[str]]:
    """Write the starter package into `folder`: the files written, and the
    modules of `[handout] imports` it does not hold (to be written by hand)."""
    files = starter_package(spec)
    there = [folder / path for path in files if (folder / path).exists() or (folder / path).is_symlink()]
    if there and not force:
        raise SpecError(f"{there[0]} exists; pass --force to replace the files grade starter writes (the others "
                        f"in {folder} are kept)")
    written = []
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)   # a link is replaced, never written through
        target.write_text(text, encoding="utf-8")
        written.append(target)
    missing = [module_file(name) for name in spec.handout.imports if not (folder / module_file(name)).is_file()]
    return written, missing


def relative_import(module: str, target: str) -> str:
    """How `module` names `target` of the same package: `..layers` from cs231n.classifiers.fc_net."""
    package, wanted = module.split(".")[:-1], target.split(".")
    common = 0
    while common < min(len(package), len(wanted) - 1) and package[common] == wanted[common]:
        common += 1
    return "." * (len(package) - common + 1) + ".".join(wanted[common:])


def _functions_module(spec: Spec) -> str:
    """The module the functions are written in; each module the starter names, checked against the spec's."""
    named = [("functions_module", spec.handout.functions_module)] if spec.handout.functions_module else []
    named += [(f"imports[{i}]", name) for i, name in enumerate(spec.handout.imports)]
    top = spec.module.split(".")[0]
    for where, name in named:
        parts = name.split(".")
        if not is_package(name) or parts[0] != top or not all(p.isidentifier() for p in parts) or name == spec.module:
            raise SpecError(f"[handout] {where} = {name!r}: name another module of the package {top} "
                            f"({top}.layers, say), which {spec.module} imports")
    return spec.handout.functions_module or spec.module


def _package_inits(module: str) -> list[str]:
    """`cs231n/__init__.py`, `cs231n/classifiers/__init__.py` for cs231n.classifiers.fc_net."""
    parts = module.split(".")[:-1]
    return ["/".join(parts[:k]) + "/__init__.py" for k in range(1, len(parts) + 1)]


def _header(spec: Spec, module: str, functions: bool, classes: bool = True) -> str:
    return MODULE_HEADER.format(path=module_file(module), title=spec.title or spec.name, top=spec.module.split(".")[0],
                                what=starter_what(spec, functions) if classes else "function",
                                module_path=module_file(spec.module))
