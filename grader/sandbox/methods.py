"""Calling what a spec entry names: a function of the module, called with
its arguments in order, or a method (`TwoLayerNet.loss`, see
spec/classes.py), whose arguments come in parts: the class's (passed to the
constructor by keyword), its `state` where it has one (a dict whose keys are
paths of the new object, such as `bn_params[0]["running_mean"]`, each
assigned there: spec/state.py), `params` (assigned to the new object's
`params`), then the method's own (passed in order). The student's process
and the reference call through here alike.

It imports nothing outside the standard library: the student's process holds it."""
from __future__ import annotations

import inspect
import re

PARAMS = "params"
STATE = "state"
STEP = re.compile(r'\[([0-9]+)\]|\["([A-Za-z0-9_]+)"\]')   # one index or string key of a state path


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
    obj = getattr(module, owner)(**{n: args[n] for n in names[:split] if n != STATE})
    if method == PARAMS:   # what the constructor made of params
        return obj.params
    if STATE in names[:split]:
        assign_state(obj, args[STATE])
    if split < len(names) and args[PARAMS]:
        obj.params = args[PARAMS]
    return getattr(obj, method)(*(args[n] for n in names[split + 1:]))


def assign_state(obj, state: dict) -> None:
    """Put each array of `state` at its path of `obj` (`bn_params[0]["running_mean"]`:
    an attribute, then indices and string keys); where the object has no such
    place, say which, as an AttributeError the student can read."""
    for path, value in state.items():
        attribute = path.split("[", 1)[0]
        steps = [int(index) if index else key for index, key in STEP.findall(path[len(attribute):])]
        try:
            if not steps:
                setattr(obj, attribute, value)
                continue
            place = getattr(obj, attribute)
            for step in steps[:-1]:
                place = place[step]
            place[steps[-1]] = value
        except (AttributeError, LookupError, TypeError) as e:
            raise AttributeError(f"the grader sets self.{path} after constructing {type(obj).__name__}, but "
                                 f"there is no such place ({type(e).__name__}: {e}): does the constructor make "
                                 "it, given these arguments?") from None


def methods_of(cls: type) -> dict:
    """A class's public methods, by name, and the function that defines each."""
    found = {}
    for name, value in inspect.getmembers(cls):
        if not name.startswith("_") and inspect.isfunction(value):
            found[name] = value
    return found
