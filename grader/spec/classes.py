"""Classes as exercises: a class students write (a network with `params`
and a `loss` method), declared once under `[[classes]]`, whose methods are
graded as functions are. An entry of `[[functions]]` with `calls =
"TwoLayerNet.loss"` grades that method: each case constructs the class with
its constructor's arguments (sampled per case, like any argument, and
passed by keyword), assigns the sampled arrays of `params` to
`self.params`, then calls the method with the entry's own arguments.

When the spec is read, the class's arguments, its `state` where it declares
one (arrays assigned at paths of the object, spec/state.py) and a dict
argument `params` (one key per declared parameter) are put in front of the
method's own arguments, in that order: everything downstream (sampling, the
student's process, the reference, finite differences along `params["W1"]`)
sees a function like any other, whose arguments are the class's, `state`,
`params`, then the method's. sandbox/methods.py makes the call from that
order.

A declaration's `name` is what `calls` names; `class_name`, where given, is
the Python class it grades, so that two declarations can grade one class
constructed two ways (a network with and without normalisation, whose
params differ)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from .models import Argument, Entry
from .problems import Problem, duplicates, within
from .samples import Strict
from .state import STATE, StateEntry, state_argument, state_problems

if TYPE_CHECKING:
    from .models import Function, Spec

PARAMS = "params"   # the attribute the grader assigns, and the argument that carries it


class Init(Strict):
    """What a constructor makes of params, checked on its own terms (grading/initial.py)."""
    scale: str = Field(description="the constructor argument that is the weights' standard deviation "
                       "(weight_scale): every key not in `zeros` holds normal draws of that scale")
    zeros: list[str] = Field([], description="the keys that start at zero (the biases)")


class Class(Strict):
    """A class students write: its constructor's arguments, and the arrays the grader assigns to `self.params`."""
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    class_name: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="the Python class, "
                                   "where it is not `name`: two declarations may grade one class, constructed "
                                   "with different arguments")
    description: str = ""
    args: list[Argument] = Field([], description="the constructor's arguments, sampled per case and passed by "
                                   "keyword (hidden sizes, reg, weight_scale, seed, ...)")
    params: list[Entry] = Field([], description="the arrays assigned to self.params after construction, one "
                                  "key per entry (or per value of its `for`), so that every case is controlled")
    state: list[StateEntry] = Field([], description="arrays assigned at paths of the object after construction, "
                                    "which its methods read besides params (batch normalisation's running "
                                    "averages): see spec/state.py")
    init: Init | None = Field(None, description="how its constructor initialises params, for an entry with "
                              "calls = \"Class.params\", which constructs the class and returns its params")
    uses: list[str] = Field([], description="graded functions its methods call (the student's own layers): where "
                            "one loses points, a method's failed checks say that they use it")

    @property
    def python_name(self) -> str:
        """The Python class it grades."""
        return self.class_name or self.name


def method_of(f: Function) -> tuple[str, str] | None:
    """(class, method) where the entry grades a method (`calls = "Class.method"`)."""
    if f.calls and "." in f.calls:
        owner, _, method = f.calls.partition(".")
        return owner, method
    return None


def method_args(f: Function) -> list:
    """The arguments the method itself is called with: those after `params`
    (the function's own arguments, for a function that is no method)."""
    names = [a.name for a in f.args]
    if method_of(f) is None or PARAMS not in names:
        return list(f.args)
    return f.args[names.index(PARAMS) + 1:]


def init_of(spec: Spec, f: Function) -> Init | None:
    """The class's `init` where the entry checks its constructor's params (`calls = "Class.params"`)."""
    owner = method_of(f)
    if owner is None or owner[1] != PARAMS:
        return None
    return next((c.init for c in spec.classes if c.name == owner[0]), None)


def uses_of(spec: Spec, f: Function) -> list[str]:
    """The graded functions the method an entry calls uses (its class's `uses`); none for a function."""
    owner = method_of(f)
    c = next((c for c in spec.classes if owner and c.name == owner[0]), None)
    return list(c.uses) if c else []


def attach_methods(spec: Spec) -> list[Problem]:
    """Put each class's arguments and `params` in front of the arguments of
    every entry that calls one of its methods; the problems, located."""
    classes = {c.name: c for c in spec.classes}
    names = {f.name for f in spec.functions}
    problems: list[Problem] = [(("classes", i, "uses", k), f"{used!r} is not a function of the spec")
                               for i, c in enumerate(spec.classes) for k, used in enumerate(c.uses) if used not in names]
    declared = [*duplicates([c.name for c in spec.classes], ("classes",)),
                *(p for i, c in enumerate(spec.classes) for p in within(("classes", i), _class_problems(c)))]
    if declared:   # a method's arguments are made from its class's declaration: it must be sound first
        return problems + declared
    for i, f in enumerate(spec.functions):
        owner = method_of(f)
        if owner is None:
            continue
        where = ("functions", i, "calls")
        if owner[0] not in classes:
            known = f" (the classes: {', '.join(sorted(classes))})" if classes else " (no [[classes]] is declared)"
            problems.append((where, f"calls a method of {owner[0]!r}, which is not a declared class{known}"))
            continue
        if not owner[1].isidentifier():
            problems.append((where, f"{owner[1]!r} is not a method name"))
            continue
        c = classes[owner[0]]
        taken = {a.name for a in f.args}
        clash = sorted(taken & ({a.name for a in c.args} | {PARAMS, STATE}))
        if clash:
            problems.append((("functions", i, "args"), f"{clash[0]!r} is an argument of the class {c.name} "
                             f"(or its {PARAMS} or {STATE}); name the method's arguments otherwise"))
            continue
        if c.python_name != c.name:
            f._target = f"{c.python_name}.{owner[1]}"
        if owner[1] == PARAMS:   # the constructor's own params: the class's arguments alone
            if c.init is None or f.args:
                problems.append((where, f"{c.name}.params checks the constructor's params: declare {c.name}'s "
                                 "init (scale, zeros), and no arguments of its own"))
                continue
            f.args[:0] = [a.model_copy(deep=True) for a in c.args]
            continue
        params = Argument(name=PARAMS, keys=[e.model_copy(deep=True) for e in c.params]) if c.params \
            else Argument(name=PARAMS, sample={"kind": "constant", "value": {}})
        state = [state_argument(c.state)] if c.state else []
        f.args[:0] = [a.model_copy(deep=True) for a in c.args] + state + [params]
    return problems


def _class_problems(c: Class) -> list[Problem]:
    """What one declaration gets wrong on its own: its state, and an argument
    named as the state it carries."""
    problems = state_problems(c.state)
    problems += [(("args", j, "name"), f"{STATE!r} names the state the grader assigns; name the constructor's "
                  "argument otherwise") for j, a in enumerate(c.args) if a.name == STATE]
    return problems
