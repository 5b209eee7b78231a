"""The lines a starter's docstrings are made of: an argument or an output
with its shape (in the spec's dimension names), its dtype where it is not
float64, and what it is (the cache a forward returned, a gradient of what
with respect to what, a sampled choice). Each line is indented for a
function's docstring; a dict's or list's keys follow it, indented once more."""
from __future__ import annotations

from ..spec import Argument, Choice, Constant, DimValue, Fixture, Output


def shape_text(shape: list) -> str:
    return "scalar" if not shape else "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def output_line(o: Output) -> str:
    if o.opaque:
        return f"        {o.name}: anything your backward function needs (it stays with you)"
    if o.container:
        return f"        {o.name}: a {o.container} of\n" + "\n".join("    " + output_line(leaf) for leaf in o.leaves)
    d = o.derivative
    what = {"gradient": f"gradient of {getattr(d, 'of', '')} with respect to {getattr(d, 'wrt', '')}",
            "vjp": f"gradient with respect to {getattr(d, 'wrt', '')}, given the upstream gradient "
                   f"{getattr(d, 'upstream', '')} of {getattr(d, 'of', '')}",
            "jacobian": f"Jacobian d({getattr(d, 'of', '')})/d({getattr(d, 'wrt', '')})"}.get(o.derivative_kind, "")
    return f"        {o.name}: {shape_text(o.shape)}" + (f", the {what}" if what else "")


def argument_line(a: Argument) -> str:
    s = a.sample
    if a.cache:
        what = f"the cache your {a.cache} returned"
    elif a.output_of:
        output, _, forward = a.output_of.partition(".")[::-1]
        what = f"the {output} your {forward} returned"
    elif a.container:
        return f"        {a.name}: a {a.container} of\n" + "\n".join("    " + argument_line(leaf) for leaf in a.leaves)
    elif isinstance(s, Constant):
        what = f"{type(s.value).__name__}, e.g. {s.value!r}"
    elif isinstance(s, Choice):
        what = f"{type(s.values[0]).__name__}, one of {', '.join(repr(v) for v in s.values)}"
    elif isinstance(s, Fixture):
        what = f"an object made by {s.factory.split(':')[-1]} (see the assignment's support files)"
    elif isinstance(s, DimValue):
        what = f"int, the size {s.dim}"
    else:
        what = shape_text(a.shape) + ("" if a.dtype == "float64" else f" {a.dtype}")
    return f"        {a.name}: {what}"
