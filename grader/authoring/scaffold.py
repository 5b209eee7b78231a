"""Writing an assignment: `grade new NAME` scaffolds a folder that already
validates, and `grade starter` writes the students' starter file from the
spec, so signatures and documented shapes never drift from what is graded."""
from __future__ import annotations

from pathlib import Path

from ..spec import Function, Spec, SpecError
from ..spec.consistency import module_problems
from .classes import starter_class
from .docstrings import argument_line, output_line

STARTER_HEADER = '''"""{title}

Write each {what} below; keep the names and the order of the arguments.
Shapes use the assignment's dimension names; all arrays are float64 unless
said otherwise. Check your work with: self-check {module}.py
"""
import numpy as np
'''

def starter_function(f: Function) -> str:
    args = "\n".join(argument_line(a) for a in f.args)
    outputs = "\n".join(output_line(o) for o in f.outputs)
    returns = "a tuple " + "(" + ", ".join(o.name for o in f.outputs) + ")" if len(f.outputs) > 1 else f.outputs[0].name
    return (f"\n\ndef {f.name}({', '.join(a.name for a in f.args)}):\n"
            f'    """{f.description or f.name}\n\n    Args:\n{args}\n\n    Returns {returns}:\n{outputs}\n    """\n'
            f"    raise NotImplementedError\n")


def starter_source(spec: Spec) -> str:
    """starter.py: the spec's functions, then its classes (authoring/classes.py)."""
    return STARTER_HEADER.format(title=spec.title or spec.name, module=spec.module, what=starter_what(spec)) + \
        starter_definitions(spec, functions=True)


def starter_definitions(spec: Spec, functions: bool = True, classes: bool = True) -> str:
    """The skeletons of the spec's functions (those no entry calls as a method) and of its classes (each
    Python class once: a declaration that grades another's class, with `class_name`, writes none)."""
    return "".join(starter_function(f) for f in spec.graded if functions and not f.calls) + "".join(
        starter_class(spec, c) for c in spec.classes if classes and c.python_name == c.name)


def starter_what(spec: Spec, functions: bool = True) -> str:
    """What the starter asks for: 'function', 'class' or 'function and class'."""
    kinds = [kind for kind, present in (("function", functions and any(not f.calls for f in spec.graded)),
                                        ("class", bool(spec.classes))) if present]
    return " and ".join(kinds) or "function"


def write_starter(spec: Spec, path: Path, force: bool = False) -> Path:
    if path.exists() and not force:
        raise SpecError(f"{path} exists; pass --force to replace it")
    path.write_text(starter_source(spec), encoding="utf-8")
    return path

NEW_SPEC = '''# {name}: a new assignment. Edit the functions, then run
#   grade validate assignments/{name}   (the reference passes, mutants fail)
#   grade starter assignments/{name}    (the students' starter file)
#   grade publish assignments/{name}    (public cases for self-check)
name = "{name}"
title = "{name}"
module = "{name}"

[dims]
N = [5, 6]     # examples in a batch
D = [3, 4]     # features

[cases]
public = 2
hidden = 3

[[functions]]
name = "squared_error"
points = 2
description = "J = mean over the batch of (w . x_i - y_i)^2 / 2, and its gradient."
args = [
  {{ name = "X", shape = ["N", "D"] }},
  {{ name = "y", shape = ["N"] }},
  {{ name = "w", shape = ["D"] }},
]
outputs = [
  {{ name = "J", shape = [] }},
  {{ name = "dw", shape = ["D"], gradient = {{ of = "J", wrt = "w" }} }},
]
'''

NEW_REFERENCE = '''"""Reference solution of {name} (instructors only: never give it to students)."""
import numpy as np


def squared_error(X, y, w):
    r = X @ w - y
    return float(0.5 * np.mean(r ** 2)), X.T @ r / X.shape[0]
'''

NEW_INSTRUCTIONS = '''# {name}

Explain the exercise here: the model, the notation, what each function
returns (with shapes), and how to check your work (`self-check {name}.py`).
'''


# An assignment's text files keep LF line endings in every checkout, whatever
# git's core.autocrlf says (students' and instructors' alike): files travel
# between machines byte for byte. Written by `grade new`, shipped by `grade handout`.
GITATTRIBUTES = "* text=auto eol=lf\n"


def new_assignment(root: Path, name: str) -> Path:
    folder = root / name
    if folder.exists():
        raise SpecError(f"{folder} exists already")
    if not name.isidentifier():
        raise SpecError(f"{name!r}: an assignment name must be a Python identifier (it names the students' file)")
    for _, problem in module_problems(name):
        raise SpecError(f"{name!r}: {problem}")
    folder.mkdir(parents=True)
    for filename, text in (("assignment.toml", NEW_SPEC), ("reference.py", NEW_REFERENCE),
                           ("instructions.md", NEW_INSTRUCTIONS), (".gitattributes", GITATTRIBUTES)):
        (folder / filename).write_text(text.format(name=name), encoding="utf-8")
    return folder
