"""The reference judged against itself: each derivative it returns must agree
with finite differences of its own forward, under the spec's tolerances, as
a student's answer is judged. A reference that does not would fail a correct
student: `grade` and `grade publish` refuse it, and `grade validate` says so
in the instructor's words. It reuses the finite differences the expected
values already hold: a few comparisons per derivative output and case, and
no call of the reference."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..cases.sampling import PUBLIC, Case
from ..judge.checks import Bounds, rows
from ..judge.compare import TINY, Comparison, compare, compare_along, shape_text
from ..judge.tolerance import declared
from ..results import Tolerance
from ..spec import Function, Output, Spec, SpecError
from .expected import Expected, output_shape


@dataclass
class ReferenceFault:
    """Where a derivative output of the reference disagrees with finite
    differences of the reference's forward, on one case, with the numbers."""
    function: str
    output: str
    of: str                          # what the output is the derivative of
    upstream: str | None             # a vector-Jacobian product's upstream gradient
    case: str                        # "public case 1", "hidden case 4 of the pool"
    found: str                       # "elements", "direction" (a random one) or "shape"
    differing: int = 0               # elements (rows, along the direction) outside the tolerance,
    checked: int = 0                 # ... of this many
    index: tuple[int, ...] = ()      # the worst of them
    finite_difference: float = 0.0
    reference: float = 0.0
    tolerance: Tolerance | None = None
    shape: tuple[int, ...] = ()      # found "shape": the reference's, and the spec's
    declared_shape: tuple[int, ...] = ()


def case_label(case: Case, pooled: bool) -> str:
    """A case as an instructor finds it again: public, in the pool, or of a seed."""
    if case.visibility == PUBLIC:
        return f"public case {case.index}"
    return f"hidden case {case.index} " + ("of the pool" if pooled else f"of seed {case.seed}")


def disagreements(spec: Spec, f: Function, case: Case, exp: Expected, label: str,
                  answers: dict | None = None) -> list[ReferenceFault]:
    """Where `answers` to f's derivative outputs (the reference's own, by
    default) disagree with finite differences of the reference's forward."""
    answers = exp.outputs if answers is None else answers
    found = [_disagreement(spec, f, o, case, exp, answers[o.name], label) for o in f.judged if o.name in exp.numeric]
    return [fault for fault in found if fault is not None]


def _disagreement(spec: Spec, f: Function, o: Output, case: Case, exp: Expected, answer,
                  label: str) -> ReferenceFault | None:
    """One output's fault, or None: its shape, then element by element, then along the probe's direction."""
    d = o.derivative
    where = dict(function=f.name, output=o.name, of=d.of, upstream=d.upstream if o.vjp else None, case=label)
    got, wanted = np.asarray(answer), output_shape(o, case.dims)
    if got.shape != wanted:
        return ReferenceFault(**where, found="shape", shape=got.shape, declared_shape=wanted)
    numeric, probe, tol = exp.numeric[o.name], exp.probes[o.name], declared(spec, o)
    bounds = Bounds.of(numeric, probe, exp.outputs[o.name], tol)
    elements = compare(o.name, got, numeric.values, tol, numeric.errors, numeric.flat, bounds.elements)
    if not elements.passed:
        return _fault(where, "elements", elements)
    along = compare_along(o.name, rows(got, np.size(numeric.along)) @ probe.direction.reshape(-1), numeric.along,
                          bounds.along, "the reference")
    return None if along.passed else _fault(where, "direction", along)


def _fault(where: dict, found: str, c: Comparison) -> ReferenceFault:
    worst = c.worst[0]
    return ReferenceFault(**where, found=found, differing=c.differing, checked=c.checked, index=tuple(worst.index),
                          finite_difference=worst.expected, reference=worst.got, tolerance=c.tolerance)


def describe(fault: ReferenceFault) -> str:
    """A fault in the instructor's words, with its numbers."""
    said = f"{fault.function}, {fault.case}: the reference's {fault.output}"
    if fault.found == "shape":
        return f"{said} has shape {shape_text(fault.shape)}; the spec declares {shape_text(fault.declared_shape)}"
    of = f"sum({fault.of} * {fault.upstream})" if fault.upstream else fault.of
    fd, ref = fault.finite_difference, fault.reference
    index = "[" + ", ".join(map(str, fault.index)) + "]" if fault.index else ""
    numbers = (f"finite differences give {fd:.6g}, the reference {ref:.6g} "
               f"(relative error {abs(ref - fd) / max(abs(fd), TINY):.3g})")
    if fault.found == "direction":
        rows_text = f" ({fault.differing} of {fault.checked} rows differ)" if fault.checked > 1 else ""
        return (f"{said} disagrees with finite differences of the reference's {of} along a random direction v: "
                f"at ({fault.output} v){index}, {numbers}{rows_text}")
    t = fault.tolerance
    return (f"{said} disagrees with finite differences of the reference's {of}: {fault.differing} of "
            f"{fault.checked} checked elements differ (rtol {t.rtol:g}, atol {t.atol:g}); worst at "
            f"{fault.output}{index}: {numbers}")


class WrongReference(SpecError):
    """A reference whose derivatives disagree with its own forward: grading
    or publishing with it would fail correct students, so neither is done."""

    def __init__(self, assignment: str, reference: Path, faults: list[ReferenceFault]):
        self.assignment, self.reference, self.faults = assignment, reference, faults
        super().__init__("\n".join(
            [f"{assignment}: the reference's derivatives disagree with finite differences of its own forward, "
             "so a correct answer would fail: nothing is graded or published."]
            + [f"  {describe(fault)}" for fault in faults]
            + [f"Fix {reference}, or the spec where it says what these outputs are the derivatives of; then "
               f"`grade validate {reference.parent}` checks the reference on many seeds."]))
