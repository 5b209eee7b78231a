"""The starter's classes: for each `[[classes]]` of the spec, a class whose
constructor takes the declared arguments and whose methods are those the
spec's entries call (`calls = "TwoLayerNet.loss"`), each with a docstring
written from the spec and a body that raises NotImplementedError, as the
starter's functions have.

The constructor's arguments keep the spec's order; those from the last
one back whose sample is a constant get that constant as their default
(`dtype='float64'`, `seed=231`), the others none, since the grader passes
every one by keyword. Its body starts `self.params` and lists, as TODO
lines, each key the spec assigns, with its shape and how the class's
`init` says it starts (normal draws at `weight_scale`, or zeros). A method
called by several entries (`loss(X, y)` for the loss and its gradients,
`loss(X)` for the scores) takes the arguments of all of them, those some
entry leaves out defaulting to None, and its docstring says what each form
returns."""
from __future__ import annotations

import textwrap

from ..spec import Constant, DimValue, Function, Spec
from ..spec.classes import PARAMS, Class, method_args, method_of
from .docstrings import argument_line, output_line, shape_text

INDENT = "    "


def starter_class(spec: Spec, c: Class) -> str:
    """The class's source, after two blank lines."""
    entries = [f for f in spec.graded if (method_of(f) or ("",))[0] == c.name]
    methods: dict[str, list[Function]] = {}
    for f in entries:
        methods.setdefault(method_of(f)[1], []).append(f)
    constructor = methods.pop(PARAMS, [])
    body = [_constructor(c, _param_keys(c, entries), constructor)]
    body += [_method(name, group) for name, group in methods.items()]
    return (f"\n\nclass {c.name}(object):\n" + textwrap.indent(_docstring(_class_text(c)), INDENT)
            + "".join("\n" + textwrap.indent(part, INDENT) for part in body))


def _class_text(c: Class) -> str:
    sizes = [f"{a.sample.dim} is {a.name}" for a in c.args if isinstance(a.sample, DimValue)]
    text = c.description or c.name
    return text + (f"\n\nSizes: {', '.join(sizes)}." if sizes else "")


def _constructor(c: Class, keys: list[tuple[str, list]], entries: list[Function]) -> str:
    described = " ".join(f.description for f in entries if f.description)
    args = _block(argument_line(a) for a in c.args)
    text = (described or f"Make a {c.name}: keep what its methods need.") + (f"\n\nArgs:\n{args}" if args else "")
    if keys:
        text += f"\n\nSets self.{PARAMS}, a dict of\n" + "\n".join(
            f"    {name}: {shape_text(shape)}{_start(c, name)}" for name, shape in keys)
    todo = "".join(f'# TODO: self.{PARAMS}["{name}"], {shape_text(shape)}{_start(c, name)}\n' for name, shape in keys)
    return (f"def __init__(self{_signature(c)}):\n" + textwrap.indent(
        _docstring(text) + f"self.{PARAMS} = {{}}\n" + todo + "raise NotImplementedError\n", INDENT))


def _start(c: Class, key: str) -> str:
    """How the constructor starts a key, where the class's init says."""
    if c.init is None:
        return ""
    return ", zeros" if key in c.init.zeros else f", normal draws of standard deviation {c.init.scale}"


def _signature(c: Class) -> str:
    """`, name, ...` of the constructor: the trailing constant arguments with their values as defaults."""
    defaults = len(c.args)
    while defaults and isinstance(c.args[defaults - 1].sample, Constant):
        defaults -= 1
    return "".join(f", {a.name}" + (f"={a.sample.value!r}" if i >= defaults else "") for i, a in enumerate(c.args))


def _param_keys(c: Class, entries: list[Function]) -> list[tuple[str, list]]:
    """(key, shape) of each array the grader assigns to self.params, as the entries see them (`for` expanded)."""
    for f in entries:
        for a in f.args:
            if a.name == PARAMS and a.container == "dict":
                return [(leaf.key, leaf.shape) for leaf in a.leaves]
        for o in f.outputs:
            if o.name == PARAMS and o.container == "dict":
                return [(leaf.key, leaf.shape) for leaf in o.leaves]
    return [(e.name, e.shape) for e in c.params]


def _method(name: str, entries: list[Function]) -> str:
    """A method that one or more entries call, with the arguments of all of them."""
    names: list[str] = []
    for f in entries:
        names += [a.name for a in method_args(f) if a.name not in names]
    required = next((i for i, n in enumerate(names) if any(n not in _arg_names(f) for f in entries)), len(names))
    arguments = {a.name: a for f in entries for a in reversed(method_args(f))}
    lines = [argument_line(arguments[n]) + (", or None" if i >= required else "") for i, n in enumerate(names)]
    text = "\n".join(f.description or f"{name}, as {f.name} grades it" for f in entries)
    if lines:
        text += "\n\nArgs:\n" + _block(lines)
    for f in entries:
        called = f"{name}({', '.join(_arg_names(f))}) returns" if len(entries) > 1 else "Returns"
        outputs = _block(output_line(o) for o in f.outputs)
        text += f"\n\n{called} {_returned(f)}:\n{outputs}"
    signature = "".join(f", {n}" + ("=None" if i >= required else "") for i, n in enumerate(names))
    return f"def {name}(self{signature}):\n" + textwrap.indent(_docstring(text) + "raise NotImplementedError\n",
                                                             INDENT)


def _arg_names(f: Function) -> list[str]:
    return [a.name for a in method_args(f)]


def _returned(f: Function) -> str:
    return f"a tuple ({', '.join(o.name for o in f.outputs)})" if len(f.outputs) > 1 else f.outputs[0].name


def _docstring(text: str) -> str:
    return f'"""{text}\n"""\n' if "\n" in text else f'"""{text}"""\n'


def _block(lines) -> str:
    """Docstring lines written for a function's docstring, indented for a method's."""
    return textwrap.indent(textwrap.dedent("\n".join(lines)), INDENT)
