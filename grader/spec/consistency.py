"""Checks that need the whole spec: every name a function, argument or output
refers to exists, and shapes agree with the derivatives they hold. Each check
yields problems located relative to the part it looks at."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .problems import Problem, duplicates, within
from .choices import every_case_sizes
from .sizes import Size, evaluate_size, size_names

if TYPE_CHECKING:
    from .models import Argument, Function, Integers, Output, Spec


def spec_problems(spec: Spec) -> list[Problem]:
    """Every reference that names nothing and every shape that disagrees with
    its declaration. Derivatives are checked only once every name and shape is
    known, so that one mistake is not reported again as a wrong derivative."""
    problems = list(duplicates([f.name for f in spec.functions], ("functions",)))
    for i, f in enumerate(spec.functions):
        for j, a in enumerate(f.args):
            problems += within(("functions", i, "args", j), _argument_problems(spec, a))
        problems += within(("functions", i, "args"), _stand_ins_last(f))
        for j, o in enumerate(f.outputs):
            problems += within(("functions", i, "outputs", j, "shape"), _shape_problems(o.shape, spec.dims))
    if problems:
        return problems
    for i, f in enumerate(spec.functions):
        for j, o in enumerate(f.outputs):
            if o.derivative:
                problems += within(("functions", i, "outputs", j), _derivative_problems(spec, f, o))
    return problems


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
    if kind == "gradient" and target.shape:
        yield ("gradient", "of"), f"{d.of!r} has shape {target.shape}; a gradient needs a scalar (use vjp)"
        return
    wrt = forward.arg(d.wrt)
    if wrt is None:
        yield (kind, "wrt"), f"{forward.name} has no argument {d.wrt!r}"
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
        missing = [a.name for a in forward.args if f.arg(a.name) is None]
        if missing:
            yield (kind,), f"{f.name} lacks {forward.name}'s arguments {missing}"


def _upstream_problems(f: Function, forward: Function, target: Output, upstream: str) -> Iterator[Problem]:
    up = f.arg(upstream)
    if up is None:
        yield ("vjp", "upstream"), f"{f.name} has no argument {upstream!r}"
    elif not _same_shape(up.shape, target.shape):
        yield ("vjp", "upstream"), (f"{upstream!r} has shape {up.shape}, but {forward.name}'s output "
                                    f"{target.name} has shape {target.shape}")
