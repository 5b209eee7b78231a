"""Calling what a spec entry names: a function of the module, called with
its arguments in order, or a method (`TwoLayerNet.loss`, see
spec/classes.py), whose arguments come in three parts: the class's (passed
to the constructor by keyword), `params` (assigned to the new object's
`params`), then the method's own (passed in order). The student's process
and the reference call through here alike.

It imports nothing outside the standard library: the student's process holds it."""
from __future__ import annotations

import inspect

PARAMS = "params"


def is_method(name: str) -> bool:
    return "." in name


def find(module, name: str):
    """What `name` names in `module` (a function, or a class's method), or None."""
    owner, _, method = name.partition(".")
    found = getattr(module, owner, None)
    if method and method != PARAMS:
        found = getattr(found, method, None) if isinstance(found, type) else None
    return found if callable(found) else None


def call(module, name: str, args: dict):
    """Call `name` of `module` with `args` (a dict in the spec's order)."""
    if not is_method(name):
        return getattr(module, name)(*args.values())
    owner, _, method = name.partition(".")
    names = list(args)
    split = names.index(PARAMS) if PARAMS in names else len(names)
    obj = getattr(module, owner)(**{n: args[n] for n in names[:split]})
    if method == PARAMS:   # what the constructor made of params
        return obj.params
    if split < len(names) and args[PARAMS]:
        obj.params = args[PARAMS]
    return getattr(obj, method)(*(args[n] for n in names[split + 1:]))


def methods_of(cls: type) -> dict:
    """A class's public methods, by name, and the function that defines each."""
    found = {}
    for name, value in inspect.getmembers(cls):
        if not name.startswith("_") and inspect.isfunction(value):
            found[name] = value
    return found
