"""The checks of one output on one case: each a small function from the
student's answer and what the reference says to a Verdict. None of them
runs student code; they judge plain data the student's process sent."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .compare import Comparison, compare, non_finite, shape_text
from .diagnosis import Context, Diagnosis, diagnose
from .results import Element, Status
from .spec import Function, Output
from .wire import Sequence, Unsupported


@dataclass
class Verdict:
    status: Status
    message: str
    diagnosis: Diagnosis | None = None
    margin: float | None = None
    worst: list[Element] = field(default_factory=list)

    @classmethod
    def of(cls, comparison: Comparison, diagnosis: Diagnosis | None = None) -> "Verdict":
        status = "passed" if comparison.passed else "failed"
        message = comparison.message + (f"\nDiagnosis: {diagnosis.sentence}" if diagnosis else "")
        return cls(status, message, diagnosis, comparison.margin, comparison.worst)


def signature(f: Function, found: dict | None) -> Verdict:
    """The function exists and takes the declared arguments (it is called positionally)."""
    declared = [a.name for a in f.args]
    wanted = f"{f.name}({', '.join(declared)})"
    if found is None:
        return Verdict("failed", f"{f.name} is not defined: expected def {wanted}")
    params = found.get("params")
    if params is None:
        return Verdict("passed", f"{f.name} is defined (its parameters could not be read)")
    if len(params) < len(declared):
        return Verdict("failed", f"{f.name}({', '.join(params)}) takes {len(params)} arguments; expected {wanted}")
    if params[:len(declared)] != declared:
        return Verdict("passed", f"{f.name}({', '.join(params)}) is called as {wanted}: "
                                 "its parameters are named differently, which is fine; they are passed in this order")
    return Verdict("passed", f"{wanted} is defined")


def returns(f: Function, value) -> tuple[Verdict, dict[str, np.ndarray] | None]:
    """Arity and types of a return value; on success, the outputs by name as arrays."""
    names = [o.name for o in f.outputs]
    if len(names) == 1:
        items = [value]
        if isinstance(value, Sequence):
            return Verdict("failed", f"{f.name} returned a {value.kind} of {len(value.items)} items; "
                                     f"expected {names[0]} alone"), None
    else:
        if not isinstance(value, Sequence) or len(value.items) != len(names):
            got = f"a {value.kind} of {len(value.items)} items" if isinstance(value, Sequence) else _type_text(value)
            return Verdict("failed", f"{f.name} returned {got}; expected a tuple of {len(names)} values "
                                     f"({', '.join(names)})"), None
        items = value.items
    outputs = {}
    for name, item in zip(names, items):
        problem = _not_numeric(item)
        if problem:
            return Verdict("failed", f"{f.name}: {name} is {problem}; expected a numpy array or a number"), None
        outputs[name] = np.asarray(item)
    return Verdict("passed", f"{f.name} returned {', '.join(names)}"), outputs


def _type_text(value) -> str:
    if isinstance(value, Unsupported):
        return f"a value of type {value.type}"
    if isinstance(value, np.ndarray):
        return f"one array of shape {shape_text(value.shape)}"
    return f"a {type(value).__name__}"


def _not_numeric(item) -> str | None:
    if isinstance(item, Unsupported):
        return f"a value of type {item.type}"
    if isinstance(item, Sequence):
        return f"a {item.kind} (convert it with np.array)"
    if isinstance(item, np.ndarray) and item.dtype.kind == "c":
        return "complex"
    if isinstance(item, (np.ndarray, int, float, bool)):
        return None
    return f"a value of type {type(item).__name__}"


def shape(o: Output, got: np.ndarray, expected_shape: tuple, truth, ctx: Context) -> Verdict:
    if got.shape == expected_shape:
        return Verdict("passed", f"{o.name} has shape {shape_text(got.shape)}")
    symbolic = "(" + ", ".join(map(str, o.shape)) + ")" if o.shape else "a scalar"
    message = f"{o.name} has shape {shape_text(got.shape)}; expected {symbolic} = {shape_text(expected_shape)}"
    found = diagnose(got, truth, ctx)
    return Verdict("failed", message + (f"\nDiagnosis: {found.sentence}" if found else ""), found)


def value(o: Output, got: np.ndarray, truth, rtol: float, atol: float, ctx: Context) -> Verdict:
    bad = non_finite(o.name, got)
    if bad:
        return Verdict("failed", bad, Diagnosis("not_finite", bad))
    comparison = compare(o.name, got, truth, rtol, atol)
    return Verdict.of(comparison, None if comparison.passed else diagnose(got, truth, ctx))


def gradient(o: Output, got: np.ndarray, numeric, coords, truth, rtol: float, atol: float, ctx: Context) -> Verdict:
    """Against central differences of the reference's forward."""
    bad = non_finite(o.name, got)
    if bad:
        return Verdict("failed", bad, Diagnosis("not_finite", bad))
    comparison = compare(o.name, got, numeric.values, rtol, atol, numeric.errors, coords)
    if not comparison.passed:
        comparison.message = comparison.message.replace(": ", " (against finite differences of the reference): ", 1)
    return Verdict.of(comparison, None if comparison.passed else diagnose(got, truth, ctx))


def consistency(o: Output, got: np.ndarray, values, errors, coords, forward: str, rtol: float, atol: float) -> Verdict:
    """Against central differences of the student's own forward: tells a wrong
    gradient apart from a right gradient of a wrong forward."""
    if not np.isfinite(np.asarray(values)).all():
        return Verdict("failed", f"finite differences of your {forward} are not finite (NaN or inf)")
    comparison = compare(o.name, got, values, rtol, atol, errors, coords)
    if comparison.passed:
        comparison.message = f"{o.name} agrees with finite differences of your own {forward}"
    else:
        comparison.message = (f"{o.name} disagrees with finite differences of your own {forward}: "
                              + comparison.message.split(": ", 1)[1])
    return Verdict.of(comparison)
