"""Whether a function's derivatives were derived, or computed numerically:
finite differences or the complex step of the student's own functions are
the one answer a gradient exercise must not reward, and they pass every
value check. The student's process counts, during the function's call on
each case, the calls of the submission's own functions on arguments that
are complex or a small step from their first value (sandbox/numeric_watch.py).
Here those counts become a check on each derivative output they concern,
present only where they show a numerical derivative: unscored under
`derived_gradients = "flag"`, costing the output's points under "required".

The counts come from the student's process and are trusted only to cost
its student: a forged count can hide a numerical derivative no better than
code that avoids the watch (a loop that inlines the forward's arithmetic
goes unseen), and can never earn a point."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import numpy as np

from ..judge.checks import Verdict
from ..judge.compare import shape_text
from ..judge.diagnosis import Diagnosis
from ..reference.expected import Expected
from ..sandbox.answers import NumericSign
from ..spec import Function, Output, Spec
from .fold import Key
from .plan import CasePlan

if TYPE_CHECKING:
    from .function import FunctionGrading

# The fewest calls on stepped arguments taken as a numerical derivative, and
# at least half the argument's entries: central differences take two per entry,
# a forward difference or the complex step one. A hand-derived gradient that
# calls a helper on `var` and on `var + eps` makes one such call, not three.
MIN_CALLS = 3


def watched(spec: Spec, f: Function) -> bool:
    """Whether the calls of `f` are watched for a numerical derivative."""
    return spec.derived_gradients != "off" and any(o.derivative for o in f.judged)


def numerical(sign: NumericSign) -> bool:
    """Enough calls on stepped (or complex) arguments to have differentiated an argument of that size."""
    return sign.calls >= max(MIN_CALLS, sign.size // 2)


def judge(grading: FunctionGrading, plan: CasePlan, expected: Expected) -> Iterator[tuple[Key, Verdict]]:
    """A failed check per derivative output that the case's call shows was
    computed numerically; nothing at all where none was."""
    signs = [s for s in plan.call.reply.numeric if numerical(s)]
    if not signs or not watched(grading.spec, grading.f):
        return
    derivatives = [o for o in grading.f.judged if o.derivative]
    shapes = {o.name: np.shape(expected.probes[o.name].base) for o in derivatives}
    scored = grading.spec.derived_gradients == "required"
    for o in derivatives:
        # a sign whose argument has the shape of no derivative's variable (all
        # parameters in one vector, say) concerns every derivative of the function
        concerned = [s for s in signs if tuple(s.shape) == shapes[o.name] or tuple(s.shape) not in shapes.values()]
        if concerned:
            where = getattr(grading.sandbox, "notebook", None)   # a notebook's module: lines named by cell
            yield Key(f"{o.name} derived by hand", o.name, scored), verdict(grading.f, o, concerned, scored, where)


def verdict(f: Function, o: Output, signs: list[NumericSign], scored: bool, notebook=None) -> Verdict:
    """The failed check, with the evidence as its message (lines of a `notebook` by cell)."""
    evidence = "; ".join(describe(s, notebook) for s in signs[:3])
    cost = ("so it earns no points" if scored else
            "this costs no points here, but it is not the derivation the exercise asks for")
    message = f"{o.name} was computed numerically, not derived: during one call of {f.target}, {evidence} ({cost})"
    method = "the complex step" if any(s.complex for s in signs) else "finite differences"
    return Verdict("failed", message, Diagnosis(
        "numerical_gradient", f"{o.name} comes from {method} of your own code, not from a derivation: "
                              f"derive {o.name} with the chain rule and compute it from that formula"))


def describe(sign: NumericSign, notebook=None) -> str:
    """One sign in words: which function, how often, on what."""
    line = (notebook.where(sign.line) if notebook else f"line {sign.line}") if sign.line else ""
    where = f"{sign.function} ({line})" if line else sign.function
    moved = "complex values (the complex step)" if sign.complex else "values moved by small steps (finite differences)"
    return (f"{where} was called {sign.calls} times with its argument {sign.argument} "
            f"(shape {shape_text(tuple(sign.shape))}) holding {moved}")
