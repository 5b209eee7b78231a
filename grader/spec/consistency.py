"""Checks that need the whole spec: every name a function, argument or output
refers to exists, and shapes agree with the derivatives they hold. Each check
yields problems located relative to the part it looks at."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .problems import Problem, duplicates, within
from .choices import every_case_sizes
from .sizes import Size, evaluate_size, size_names

if TYPE_CHECKING:
    from .models import Argument, Function, Integers, Output, Spec


# Modules a student's process imports before the student's file: a file of
# one of these names would be imported as the real module, or shadow it.
IMPORTED_FIRST = {"numpy", "grader"}


def module_problems(module: str) -> list[Problem]:
    """Why students' files could not be imported under the name `module`."""
    if not all(part.isidentifier() for part in module.split(".")):
        return [(("module",), f"{module!r} is not a module name: Python identifiers joined by dots "
                              "(ner_window, cs231n.layers)")]
    top = module.partition(".")[0]
    if top in IMPORTED_FIRST or top in getattr(sys, "stdlib_module_names", ()):
        return [(("module",), f"{top!r} is the name of a module the grader uses (numpy, or one of Python's "
                              f"own): a student's {top}.py would not be imported; name the students' module "
                              "otherwise")]
    return []


def spec_problems(spec: Spec) -> list[Problem]:
    """Every reference that names nothing and every shape that disagrees with
    its declaration. Derivatives are checked only once every name and shape is
    known, so that one mistake is not reported again as a wrong derivative."""
    problems = list(duplicates([f.name for f in spec.functions], ("functions",)))
    for i, f in enumerate(spec.functions):
        for j, a in enumerate(f.args):
            problems += _at(("functions", i, "args", j), [a, *a.leaves], lambda part: _argument_problems(spec, part))
        problems += within(("functions", i, "args"), _stand_ins_last(f))
        for j, o in enumerate(f.outputs):
            problems += _at(("functions", i, "outputs", j), [o, *o.leaves],
                            lambda part: within(("shape",), _shape_problems(part.shape, spec.dims)))
    if problems:
        return problems
    for i, f in enumerate(spec.functions):
        for j, o in enumerate(f.outputs):
            problems += _at(("functions", i, "outputs", j), [p for p in (o, *o.leaves) if p.derivative],
                            lambda part: _derivative_problems(spec, f, part))
    return problems


def _at(where: tuple, parts: list, check) -> list[Problem]:
    """The problems `check` finds in an argument or output and in its keys
    (items): each located at the entry that declares it, said for which value
    of its `for`, and an entry's problem said once, for the first value."""
    found: dict[tuple, str] = {}
    for part in parts:
        for location, message in check(part):
            found.setdefault((*where, *part._where, *location), part._binding + message)
    return list(found.items())


def _argument_problems(spec: Spec, a: Argument) -> Iterator[Problem]:
    yield from within(("shape",), _shape_problems(a.shape, spec.dims))
    s = a.sample
    if s.kind == "integers":
        yield from within(("sample",), _bounds_problems(s, spec))
    if s.kind == "labels":
        yield from within(("sample", "classes"), _classes_problems(s.classes, spec))
    if s.kind == "dim" and s.dim not in spec.dims:
        yield ("sample", "dim"), f"unknown dimension {s.dim!r}"
    if a.cache:
        forward = spec.function(a.cache)
        if forward is None or not any(o.opaque for o in forward.outputs):
            yield ("cache",), f"{a.cache!r} is not a function with an opaque (cache) output"
    if a.output_of:
        name, _, output = a.output_of.partition(".")
        forward = spec.function(name)
        target = forward.output(output) if forward else None
        if target is None or target.opaque or target.container or target.part_of:
            yield ("output_of",), (f"{a.output_of!r} names no array output of a function (function.output; a "
                                   "cache is passed with `cache`)")
    if s.kind in ("fixture", "stand_in") and not spec.support:
        yield ("sample",), f"a {s.kind} needs the spec's `support` folder"
    if s.kind == "stand_in" and not (spec.function(s.replaces) and spec.function(s.replaces).student):
        yield ("sample", "replaces"), f"{s.replaces!r} is not a function students write"


def _stand_ins_last(f: Function) -> Iterator[Problem]:
    """Stand-ins come after every other argument: the student's own
    composition is checked by leaving them out, so that their defaults apply."""
    kinds = [a.sample.kind == "stand_in" for a in f.args]
    if True in kinds and False in kinds[kinds.index(True):]:
        yield (kinds.index(True),), "a stand_in argument must come after every other argument"


def _shape_problems(shape: list[Size], dims: dict) -> Iterator[Problem]:
    for k, size in enumerate(shape):
        try:
            unknown = size_names(size) - dims.keys()
        except ValueError as e:
            yield (k,), str(e)
            continue
        if unknown:
            yield (k,), f"unknown dimensions {sorted(unknown)}; declared: {sorted(dims)}"


def _bounds_problems(sample: Integers, spec: Spec) -> Iterator[Problem]:
    dims = spec.dims
    for field in ("low", "high"):
        bound = getattr(sample, field)
        try:
            unknown = size_names(bound) - dims.keys()
        except ValueError as e:
            yield (field,), str(e)
            return
        if unknown:
            yield (field,), f"unknown dimension in bound {bound!r}"
            return
    try:
        wrong_order = any(evaluate_size(sample.low, sizes) >= evaluate_size(sample.high, sizes)
                          for sizes in every_case_sizes(spec))
    except ValueError as e:
        yield (), str(e)
        return
    if wrong_order:
        yield (), f"low ({sample.low}) must be below high ({sample.high}); high is excluded"


def _classes_problems(classes: Size, spec: Spec) -> Iterator[Problem]:
    """A number of classes, as `integers.high` is a bound: known dimensions, at least 2 on every case."""
    problems = list(_shape_problems([classes], spec.dims))
    if problems:
        yield from (((), message) for _, message in problems)
        return
    try:
        fewest = min(evaluate_size(classes, sizes) for sizes in every_case_sizes(spec))
    except ValueError as e:
        yield (), str(e)
        return
    if fewest < 2:
        yield (), ("labels need at least 2 classes" if isinstance(classes, int) else
                   f"{classes!r} is {fewest} on some case; labels need at least 2 classes")


def _same_shape(a: list[Size], b: list[Size]) -> bool:
    return [str(x).replace(" ", "") for x in a] == [str(x).replace(" ", "") for x in b]


def _derivative_problems(spec: Spec, f: Function, o: Output) -> Iterator[Problem]:
    """The first problem of a derivative output: each check needs the ones before it to pass."""
    d, kind = o.derivative, o.derivative_kind
    found = spec.resolve(f, d.of)
    if found is None:
        yield (kind, "of"), (f"{d.of!r} names neither an output of {f.name} nor a function (or function.output); "
                             f"functions: {[g.name for g in spec.functions]}")
        return
    forward, target = found
    if target.container or target.part_of:
        yield (kind, "of"), (f"{d.of!r} is a dict or list, or a key of one: a derivative is of a whole output "
                             "(a scalar, or an array for vjp and jacobian)")
        return
    if kind == "gradient" and target.shape:
        yield ("gradient", "of"), f"{d.of!r} has shape {target.shape}; a gradient needs a scalar (use vjp)"
        return
    wrt = forward.arg(d.wrt)
    if wrt is None:
        yield (kind, "wrt"), f"{forward.name} has no argument {d.wrt!r}"
        return
    if wrt.container:
        example = f'{wrt.name}["{wrt.leaves[0].key}"]' if wrt.leaves and wrt.container == "dict" else f"{wrt.name}[0]"
        yield (kind, "wrt"), f"{d.wrt!r} is a {wrt.container}: name one of its arrays, such as {example}"
        return
    if wrt.dtype == "int64":
        yield (kind, "wrt"), f"{d.wrt!r} is an integer argument and has no gradient"
        return
    shape = target.shape + wrt.shape if kind == "jacobian" else wrt.shape
    if not _same_shape(o.shape, shape):
        of_what = "the shape of the output followed by that of " if kind == "jacobian" else "the shape of "
        yield ("shape",), f"{o.shape} should be {shape}, {of_what}{d.wrt!r}"
        return
    if forward is f:
        if kind == "vjp":
            yield ("vjp", "of"), "a vjp is of another function's output"
    elif kind == "vjp":
        yield from _upstream_problems(f, forward, target, d.upstream)
    else:
        missing = [a.name for a in forward.args if a.name not in available(spec, f)]
        if missing:
            yield (kind,), f"{f.name} lacks {forward.name}'s arguments {missing}"


def available(spec: Spec, f: Function) -> set[str]:
    """The names of the inputs f's derivatives may be taken at: f's own, and
    those of each forward whose cache or output f is given (they made it)."""
    names = {a.name for a in f.args}
    for forward in feeders(spec, f):
        names |= {a.name for a in spec.function(forward).args}
    return names


def feeders(spec: Spec, f: Function) -> list[str]:
    """The forwards whose cache or output f is given, in order of its arguments."""
    found = [a.cache or a.output_of.partition(".")[0] for a in f.args if a.cache or a.output_of]
    return [name for name in dict.fromkeys(found) if spec.function(name) is not None]


def _upstream_problems(f: Function, forward: Function, target: Output, upstream: str) -> Iterator[Problem]:
    up = f.arg(upstream)
    if up is None:
        yield ("vjp", "upstream"), f"{f.name} has no argument {upstream!r}"
    elif up.container or up.part_of:
        yield ("vjp", "upstream"), f"{upstream!r}: an upstream gradient is a whole argument, not a dict, a list or a key"
    elif not _same_shape(up.shape, target.shape):
        yield ("vjp", "upstream"), (f"{upstream!r} has shape {up.shape}, but {forward.name}'s output "
                                    f"{target.name} has shape {target.shape}")
