"""Checks that need the whole spec: every name a function, argument or
output refers to exists, and shapes agree with the derivatives they hold."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .sizes import Size, distinct_choices, evaluate_size, size_names

if TYPE_CHECKING:
    from .models import Function, Output, Spec


def check_spec(spec: Spec) -> None:
    """A ValueError naming the field, unless the spec's functions are consistent."""
    _unique([f.name for f in spec.functions], "functions")
    for i, f in enumerate(spec.functions):
        _check_function(spec, f, f"functions[{i}] ({f.name})")
        if f.student and f.points <= 0:
            raise ValueError(f"functions[{i}] ({f.name}).points: a function students write needs points > 0")


def _unique(names: list[str], where: str) -> None:
    seen = set()
    for n in names:
        if n in seen:
            raise ValueError(f"{where}: {n!r} is declared twice")
        seen.add(n)


def _check_shape(shape: list[Size], dims: dict, where: str) -> None:
    for s in shape:
        try:
            unknown = size_names(s) - dims.keys()
        except ValueError as e:
            raise ValueError(f"{where}.shape: {e}") from None
        if unknown:
            raise ValueError(f"{where}.shape: unknown dimensions {sorted(unknown)}; declared: {sorted(dims)}")


def _same_shape(a: list[Size], b: list[Size]) -> bool:
    return [str(x).replace(" ", "") for x in a] == [str(x).replace(" ", "") for x in b]


def _check_function(spec: Spec, f: Function, where: str) -> None:
    _unique([a.name for a in f.args], f"{where}.args")
    _unique([o.name for o in f.outputs], f"{where}.outputs")
    for j, a in enumerate(f.args):
        here = f"{where}.args[{j}] ({a.name})"
        _check_shape(a.shape, spec.dims, here)
        s = a.sample
        if s.kind == "integers":
            for bound in (s.low, s.high):
                if size_names(bound) - spec.dims.keys():
                    raise ValueError(f"{here}.sample: unknown dimension in bound {bound!r}")
            for sizes in distinct_choices(spec.dims):
                if evaluate_size(s.low, sizes) >= evaluate_size(s.high, sizes):
                    raise ValueError(f"{here}.sample: low ({s.low}) must be below high ({s.high}); high is excluded")
        if s.kind == "dim":
            if s.dim not in spec.dims:
                raise ValueError(f"{here}.sample.dim: unknown dimension {s.dim!r}")
            if a.shape:
                raise ValueError(f"{here}: a 'dim' argument is a plain int; its shape must be []")
        if s.kind in ("integers", "labels", "dim") and a.dtype != "int64":
            raise ValueError(f"{here}.dtype: integer samples need dtype 'int64'")
        if a.cache:
            forward = spec.function(a.cache)
            if forward is None or not any(o.opaque for o in forward.outputs):
                raise ValueError(f"{here}.cache: {a.cache!r} is not a function with an opaque (cache) output")
        if s.kind == "fixture" and not spec.support:
            raise ValueError(f"{here}.sample: a fixture needs the spec's `support` folder")
    if all(o.opaque for o in f.outputs):
        raise ValueError(f"{where}.outputs: every output is opaque; nothing could be checked")
    for j, o in enumerate(f.outputs):
        here = f"{where}.outputs[{j}] ({o.name})"
        _check_shape(o.shape, spec.dims, here)
        if o.opaque and o.derivative:
            raise ValueError(f"{here}: an opaque output cannot be a derivative")
        if sum(d is not None for d in (o.gradient, o.vjp, o.jacobian)) > 1:
            raise ValueError(f"{here}: declare one of gradient, vjp and jacobian, not several")
        if o.derivative:
            _check_derivative(spec, f, o, here)
    for j, m in enumerate(f.mistakes):
        if not m.variant.isidentifier():
            raise ValueError(f"{where}.mistakes[{j}].variant: {m.variant!r} is not a function name")


def _check_derivative(spec: Spec, f: Function, o: Output, where: str) -> None:
    d, kind = o.derivative, o.derivative_kind
    found = spec.resolve(f, d.of)
    if found is None:
        raise ValueError(f"{where}.{kind}.of: {d.of!r} names neither an output of {f.name} nor a function "
                         f"(or function.output); functions: {[g.name for g in spec.functions]}")
    forward, target = found
    if kind == "gradient" and target.shape:
        raise ValueError(f"{where}.gradient.of: {d.of!r} has shape {target.shape}; a gradient needs a scalar (use vjp)")
    wrt = forward.arg(d.wrt)
    if wrt is None:
        raise ValueError(f"{where}.{kind}.wrt: {forward.name} has no argument {d.wrt!r}")
    if wrt.dtype == "int64":
        raise ValueError(f"{where}.{kind}.wrt: {d.wrt!r} is an integer argument and has no gradient")
    shape = target.shape + wrt.shape if kind == "jacobian" else wrt.shape
    if not _same_shape(o.shape, shape):
        raise ValueError(f"{where}.shape: {o.shape} should be {shape}, "
                         + ("the shape of the output followed by that of " if kind == "jacobian" else "the shape of ")
                         + repr(d.wrt))
    if forward is not f:
        if kind in ("gradient", "jacobian"):
            missing = [a.name for a in forward.args if f.arg(a.name) is None]
            if missing:
                raise ValueError(f"{where}.{kind}: {f.name} lacks {forward.name}'s arguments {missing}")
        else:
            up = f.arg(d.upstream)
            if up is None:
                raise ValueError(f"{where}.vjp.upstream: {f.name} has no argument {d.upstream!r}")
            if not _same_shape(up.shape, target.shape):
                raise ValueError(f"{where}.vjp.upstream: {d.upstream!r} has shape {up.shape}, "
                                 f"but {forward.name}'s output {target.name} has shape {target.shape}")
    elif kind == "vjp":
        raise ValueError(f"{where}.vjp.of: a vjp is of another function's output")

