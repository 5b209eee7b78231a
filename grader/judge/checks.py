"""The checks of one output on one case: each a small function from the
student's answer and what the reference says to a Verdict. None of them
runs student code; they judge plain data the student's process sent."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .compare import Comparison, bound, compare, compare_along, non_finite, shape_text
from .tolerance import dtype_note, for_answer, widened
from .diagnosis import Context, Diagnosis, declared_not_finite, diagnose
from ..results import Element, Note, Status, Tolerance
from ..sandbox.answers import FunctionInfo
from ..sandbox.wire_values import Sequence, Subclassed, Unsupported
from ..spec import Function, Output
from ..spec.classes import method_args


@dataclass
class Verdict:
    """One check on one case, as data: what was found (`message`, built from
    the numbers), the mistake it looks like, and the numbers themselves."""
    status: Status
    message: str
    diagnosis: Diagnosis | None = None
    margin: float | None = None
    worst: list[Element] = field(default_factory=list)
    tolerance: Tolerance | None = None
    notes: list[Note] = field(default_factory=list)   # answers accepted in another form than the declared one
    lines: list[int] = field(default_factory=list)    # an error: the lines of the student's file it was raised through

    @classmethod
    def of(cls, comparison: Comparison, diagnosis: Diagnosis | None = None) -> "Verdict":
        status = "passed" if comparison.passed else "failed"
        return cls(status, comparison.message, diagnosis, comparison.margin, comparison.worst, comparison.tolerance)


def signature(f: Function, found: FunctionInfo | None) -> Verdict:
    """The function exists and takes the declared arguments (it is called positionally);
    `found` is what the student's process said of it, None if it is not defined."""
    declared = [a.name for a in method_args(f)]   # a method's own: the class's are passed to its constructor
    wanted = f"{f.target}({', '.join(declared)})"
    if found is None:
        return Verdict("failed", f"{f.target} is not defined: expected def {wanted}")
    if found.params is None:
        return Verdict("passed", f"{f.name} is defined (its parameters could not be read)")
    shown = f"{f.target}({', '.join(p.rstrip('=') for p in found.params)})"
    positional = [p for p in found.params if not p.startswith("*")]   # a default is marked by a final "="
    if any(p.startswith("*") and not p.startswith("**") for p in found.params) and len(positional) <= len(declared):
        return Verdict("passed", f"{shown} accepts {wanted}")
    if len(positional) < len(declared):
        return Verdict("failed", f"{shown} takes {len(positional)} arguments; expected {wanted}")
    extra = [p for p in positional[len(declared):] if not p.endswith("=")]
    if extra:
        them = "it" if len(extra) == 1 else "them"
        return Verdict("failed", f"{shown} also needs {', '.join(extra)}, which the grader does not pass: expected "
                                 f"{wanted} (give {them} a default value, or remove {them})")
    if [p.rstrip("=") for p in positional[:len(declared)]] != declared:
        return Verdict("passed", f"{shown} is called as {wanted}: "
                                 "its parameters are named differently, which is fine; they are passed in this order")
    return Verdict("passed", f"{wanted} is defined")


@dataclass(frozen=True)
class Absent:
    """A key or item of a dict or list output that is missing, or is no
    array: `message` says which. It fails that output's checks alone."""
    message: str
    diagnosis: Diagnosis | None = None


def missing_key(o: Output, leaf: Output, item: dict) -> Diagnosis | None:
    """Why a dict of derivatives lacks a key: keyed otherwise (`dW1` for
    `W1`, as a course's older handouts name them), or that derivative left out."""
    if leaf.derivative is None:
        return None
    wanted = str(leaf.key)
    near = [k for k in item if isinstance(k, str) and k != wanted
            and (k[1:] == wanted or "d" + k == wanted or k.lower() == wanted.lower())]
    if near:
        return Diagnosis("keyed_differently", f"{o.name} is keyed {near[0]!r} where {wanted!r} is expected: key "
                                              "each derivative by the name of what it is the derivative of")
    return Diagnosis("derivative_missing", f"{o.name} has no {wanted!r}: every one of "
                                           f"{', '.join(repr(e.key) for e in o.leaves)} needs its derivative")


def returns(f: Function, value) -> tuple[Verdict, dict[str, np.ndarray | Absent] | None]:
    """Arity and types of a return value; on success, the outputs by name as
    arrays, each key or item of a dict or list output under its own name."""
    names = [o.name for o in f.outputs]
    if len(names) == 1:
        items = [value]
        if isinstance(value, Sequence) and len(f.outputs[0].shape) == 1 and _numbers(value):
            pass  # a list of numbers where a vector is declared, as course code often returns
        elif f.outputs[0].container:
            pass  # a list of arrays, as declared, or what the dict's check below words
        elif isinstance(value, Sequence) and _rows_of_numbers(value):   # X.tolist(), say
            return Verdict("failed", f"{f.name} returned {names[0]} as a {value.kind} of {len(value.items)} rows; "
                                     f"expected a numpy array (convert it with np.array)"), None
        elif isinstance(value, Sequence):
            return Verdict("failed", f"{f.name} returned a {value.kind} of {len(value.items)} items; "
                                     f"expected {names[0]} alone"), None
    else:
        if not isinstance(value, Sequence) or len(value.items) != len(names):
            got = f"a {value.kind} of {len(value.items)} items" if isinstance(value, Sequence) else _type_text(value)
            return Verdict("failed", f"{f.name} returned {got}; expected a tuple of {len(names)} values "
                                     f"({', '.join(names)})"), None
        items = value.items
    outputs, notes = {}, []
    for o, item in zip(f.outputs, items):
        name = o.name
        if o.opaque:  # a cache: whatever the student keeps in it is theirs
            continue
        if o.container:
            problem = _container_problem(o, item)
            if problem:
                return Verdict("failed", f"{f.name}: {name} is {problem}"), None
            for leaf in o.leaves:
                outputs[leaf.name] = _leaf(o, leaf, item, notes)
            continue
        if isinstance(item, Subclassed):  # np.matrix, a masked array: judged as the plain array of its values
            notes.append(Note(code="ndarray_subclass", output=name, type=item.type, masked=item.masked))
            item = item.array
        if isinstance(item, Sequence) and len(o.shape) == 1 and _numbers(item):
            item = np.array(item.items)
        problem = _not_numeric(item)
        if problem:
            return Verdict("failed", f"{f.name}: {name} is {problem}; expected a numpy array or a number"), None
        outputs[name] = np.asarray(item)
    return Verdict("passed", f"{f.name} returned {', '.join(names)}", notes=notes), outputs


def _container_problem(o: Output, item) -> str | None:
    """Why a dict (list) output is not one, or None."""
    if o.container == "dict" and not isinstance(item, dict):
        got = "a dict the grader does not read (more than 64 keys, or keys that are not strings)" if (
            isinstance(item, Unsupported) and item.type == "dict") else _type_text(item)
        return f"{got}; expected a dict with the keys {', '.join(repr(leaf.key) for leaf in o.leaves)}"
    if o.container == "list" and not isinstance(item, Sequence):
        return f"{_type_text(item)}; expected a list of {len(o.leaves)} arrays"
    return None


def _leaf(o: Output, leaf: Output, item, notes: list[Note]) -> np.ndarray | Absent:
    """One key (item) of a dict (list) output as an array, or why it is not one."""
    there = leaf.key in item if isinstance(item, dict) else leaf.key < len(item.items)
    if not there:
        if isinstance(item, dict):
            keys = ", ".join(repr(k) for k in list(item)[:12]) or "none"
            return Absent(f"{o.name} has no key {leaf.key!r} (its keys: {keys})", missing_key(o, leaf, item))
        return Absent(f"{o.name} has {len(item.items)} items; {leaf.name} is missing")
    found = item[leaf.key] if isinstance(item, dict) else item.items[leaf.key]
    if isinstance(found, Subclassed):
        notes.append(Note(code="ndarray_subclass", output=leaf.name, type=found.type, masked=found.masked))
        found = found.array
    if isinstance(found, Sequence) and len(leaf.shape) == 1 and _numbers(found):
        found = np.array(found.items)
    problem = _not_numeric(found)
    return Absent(f"{leaf.name} is {problem}; expected a numpy array or a number") if problem else np.asarray(found)


def _type_text(value) -> str:
    if isinstance(value, Sequence):
        return f"a {value.kind} of {len(value.items)} items"
    if isinstance(value, Unsupported):
        return f"a value of type {value.type}"
    if isinstance(value, np.ndarray):
        return f"one array of shape {shape_text(value.shape)}"
    if isinstance(value, Subclassed):
        return f"one {value.type} of shape {shape_text(value.array.shape)}"
    return f"a value of type {type(value).__name__}"


def _rows_of_numbers(seq: Sequence) -> bool:
    """Whether `seq` is a nested list (tuple) of numbers at least two deep: an array's tolist()."""
    return bool(seq.items) and all(isinstance(v, Sequence) and (_numbers(v) or _rows_of_numbers(v))
                                   for v in seq.items)


def _numbers(seq: Sequence) -> bool:
    return all(isinstance(v, (int, float, bool)) or (isinstance(v, np.ndarray) and v.ndim == 0 and
                                                     v.dtype.kind in "biuf") for v in seq.items)


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


# Each check below takes `explain`: false where a failure would go unreported (grading reports the
# first case on which a check fails), so that it is found without its message and diagnosis.
UNEXPLAINED = ""


def _failed(o: Output, got: np.ndarray, explain: bool, margin: float, ctx: Context) -> Verdict | None:
    """A failed comparison's verdict when it needs no explaining: NaN or inf
    (said first, whatever else is wrong; a declared mistake's where it is not
    finite in the same places), or a failure that goes unreported."""
    bad = non_finite(o.name, got)
    if bad:
        return Verdict("failed", bad, declared_not_finite(got, ctx) or Diagnosis(
            "not_finite", f"{o.name} is not finite: look for a division by zero, a log of 0 or an overflowing exp"))
    return None if explain else Verdict("failed", UNEXPLAINED, margin=margin)


def as_declared(got: np.ndarray, expected_shape: tuple, strict_scalars: bool) -> np.ndarray:
    """`got` in the declared shape where shape() lets it pass as it is: an
    array of one element where a scalar is declared becomes that scalar."""
    if expected_shape == () and got.size == 1 and got.shape != () and not strict_scalars:
        return got.reshape(())
    return got


def shape(o: Output, got: np.ndarray, expected_shape: tuple, truth, ctx: Context, explain: bool = True,
          strict_scalars: bool = False) -> Verdict:
    """The answer's shape is the declared one; where a scalar is declared, an
    array of one element passes too (noted), as the course's own checks
    (np.allclose, rel_error) let it, unless the spec asks for strict scalars."""
    if got.shape == expected_shape:
        return Verdict("passed", f"{o.name} is a scalar" if not got.shape else f"{o.name} has shape {shape_text(got.shape)}")
    if expected_shape == () and got.size == 1 and not strict_scalars:
        return Verdict("passed", f"{o.name} has shape {shape_text(got.shape)}: one value, judged as the scalar "
                                 "expected", notes=[Note(code="size_one_scalar", output=o.name, shape=list(got.shape))])
    if not explain:
        return Verdict("failed", UNEXPLAINED)
    got_text = "is a scalar" if not got.shape else f"has shape {shape_text(got.shape)}"
    wanted = "a scalar" if not expected_shape else f"{shape_text(tuple(o.shape))} = {shape_text(expected_shape)}"
    message = f"{o.name} {got_text}; expected {wanted}"
    return Verdict("failed", message, diagnose(got, truth, ctx))


def value(o: Output, got: np.ndarray, truth, tol: Tolerance, ctx: Context,
          bounds: np.ndarray | None = None, explain: bool = True) -> Verdict:
    """Against the reference's value, element by element (`bounds`: compare.bound, if worked out before)."""
    comparison = compare(o.name, got, truth, tol, bounds=bounds, explain=False)
    if comparison.passed:  # then every element is finite
        return Verdict.of(comparison)
    failed = _failed(o, got, explain, comparison.margin, ctx)
    if failed:
        return failed
    return Verdict.of(compare(o.name, got, truth, tol, bounds=bounds), diagnose(got, truth, ctx))


def float64_required(o: Output, got: np.ndarray) -> Verdict | None:
    if got.dtype == np.float32:
        return Verdict("failed", f"{o.name} is float32; this assignment requires float64 "
                                 "(look for a .astype(np.float32) or a float32 array you started from)")
    return None


def rows(answer, count: int) -> np.ndarray:
    """An answer as (rows, elements of wrt): one row for a gradient, one per
    output element for a Jacobian."""
    return np.asarray(answer, dtype=np.float64).reshape(count, -1)


def along_tolerance(direction: np.ndarray, answer, error, tol: Tolerance) -> np.ndarray:
    """How far each row of answer . v may be from a finite difference along v:
    the element-wise tolerances summed along v, plus the estimate's own error."""
    error = np.atleast_1d(error)
    v = np.abs(direction).reshape(-1)
    return tol.atol * v.sum() + tol.rtol * (np.abs(rows(answer, error.size)) @ v) + 2 * error


@dataclass
class Bounds:
    """The tolerances a derivative output is held to against the reference's
    finite differences: along the probe's direction, and element by element.
    They depend on the reference alone, so grading works them out once per
    case, for every student."""
    along: np.ndarray
    elements: np.ndarray

    @classmethod
    def of(cls, numeric, probe, truth, tol: Tolerance) -> "Bounds":
        return cls(along_tolerance(probe.direction, truth, numeric.along_error, tol),
                   bound(numeric.values, tol.rtol, tol.atol, numeric.errors))


def gradient(o: Output, got: np.ndarray, numeric, probe, truth, tol: Tolerance, ctx: Context,
             bounds: Bounds | None = None, explain: bool = True) -> Verdict:
    """Against central differences of the reference's forward: along a random
    direction (which sees every element) and element by element at the
    probed coordinates (all of them within the budget)."""
    bounds = bounds or Bounds.of(numeric, probe, truth, tol)
    along_bound = bounds.along
    if widened(np.asarray(got).dtype):  # held to its own precision along v too, as compare does element-wise
        scale = float(np.abs(np.asarray(numeric.values, dtype=np.float64)).max(initial=1.0))
        along_bound = along_tolerance(probe.direction, truth, numeric.along_error,
                                      for_answer(tol, np.asarray(got).dtype, scale))
    along = compare_along(o.name, rows(got, np.size(numeric.along)) @ probe.direction.reshape(-1), numeric.along,
                          along_bound, "the reference", heading=f"{o.name} {AGAINST_REFERENCE}")
    elements = compare(o.name, got, numeric.values, tol, numeric.errors, numeric.flat, bounds.elements,
                       explain=False)
    checked = f"{len(numeric.flat)} of {got.size} elements and 1 random direction checked"
    margin = max(elements.margin, along.margin)
    if elements.passed and along.passed:  # then every element is finite: the direction sees them all
        return Verdict("passed", f"{o.name} matches finite differences of the reference: {checked}, worst error "
                                 f"at {margin:.1%} of the tolerance{dtype_note(np.asarray(got).dtype)}",
                       margin=margin, tolerance=elements.tolerance)
    failed = _failed(o, got, explain, margin, ctx)
    if failed:
        return failed
    if not elements.passed:
        elements = compare(o.name, got, numeric.values, tol, numeric.errors, numeric.flat, bounds.elements,
                           heading=f"{o.name} {AGAINST_REFERENCE}")
    worst = elements if not elements.passed else along
    return Verdict("failed", f"{worst.message} [{checked}]", diagnose(got, truth, ctx), margin, elements.worst,
                   elements.tolerance)


AGAINST_REFERENCE = "(against finite differences of the reference)"


def consistency(o: Output, answer_along: float, along: float, error: float, tolerance: float,
                forward: str, note: str = "") -> Verdict:
    """Against central differences of the student's own forward along a random
    direction: tells a wrong gradient apart from a right gradient of a wrong
    forward, for four evaluations of the student's code. `note` ends the message."""
    if not np.isfinite(along):
        return Verdict("failed", f"finite differences of your {forward} are not finite (NaN or inf){note}")
    c = compare_along(o.name, answer_along, along, tolerance, f"your own {forward}")
    if c.passed:
        return Verdict("passed", f"{o.name} agrees with finite differences of your own {forward} along a random "
                                 f"direction{note}", margin=c.margin)
    return Verdict("failed", c.message + note, margin=c.margin)


def updated(name: str, got, expected, tol: Tolerance) -> Verdict:
    """An argument the function must change in place (running averages, say)
    against the reference's, entry by entry."""
    if got is None:
        return Verdict("failed", f"{name} could not be read back after the call")
    problems = _differences(name, got, expected, tol)
    if problems:
        return Verdict("failed", f"{name} is not updated as it should be: " + "; ".join(problems[:3]))
    return Verdict("passed", f"{name} is updated as it should be")


def _differences(where: str, got, expected, tol: Tolerance) -> list[str]:
    if isinstance(got, Subclassed):
        got = got.array
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [f"{where} should be a dict"]
        return [p for k, v in expected.items()
                for p in ([f"{where}[{k!r}] is missing"] if k not in got else
                          _differences(f"{where}[{k!r}]", got[k], v, tol))]
    if isinstance(expected, (np.ndarray, float)) and not isinstance(expected, bool):
        if _not_numeric(got) or np.shape(got) != np.shape(expected):
            return [f"{where} should have shape {shape_text(np.shape(expected))}"]
        c = compare(where, np.asarray(got), expected, tol)
        return [] if c.passed else [c.message]
    if isinstance(got, (np.ndarray, Sequence, Unsupported)) or got != expected:  # (== on an array is an array)
        return [f"{where} is {_short(got)}, expected {expected!r}"]
    return []


def _short(value) -> str:
    text = _type_text(value) if isinstance(value, (np.ndarray, Sequence, Unsupported)) else repr(value)
    return text if len(text) <= 80 else text[:80] + "..."


def same(name: str, got: np.ndarray, expected: np.ndarray, tol: Tolerance, what: str) -> Verdict:
    """A structural property: `got` should equal `expected`, which the student's
    own answers imply (linearity, zero in zero out, repeatability)."""
    c = compare(name, got, expected, tol, heading=f"{name} is not {what}",
                expected_word="expected (from your other answers)")
    if c.passed:
        return Verdict("passed", f"{name} {what}", margin=c.margin, tolerance=c.tolerance)
    return Verdict("failed", c.message, margin=c.margin, worst=c.worst, tolerance=c.tolerance)
