"""Comparing a student's array with the expected one, element by element, and
saying how it differs the way a person needs it said: how many elements
differ, the worst ones with expected and obtained values side by side, the
absolute and relative error, and the margin against the tolerance."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..results import Element, Tolerance
from .tolerance import dtype_note, for_answer, widened

TINY = float(np.finfo(np.float64).tiny)   # the least a tolerance can be: a ratio never divides by zero


@dataclass
class Comparison:
    passed: bool
    margin: float                     # worst |got - expected| / tolerance: below 1 passes
    message: str
    worst: list[Element] = field(default_factory=list)
    tolerance: Tolerance | None = None   # what the elements were held to
    differing: int = 0                   # of a failure: the elements (or rows) outside the tolerance,
    checked: int = 0                     # ... of this many


def bound(expected, rtol: float, atol: float, error: np.ndarray | None = None) -> np.ndarray:
    """How far each expected value's answer may be from it (never zero):
    `error` widens it by the expected value's own error estimate."""
    e = np.asarray(expected, dtype=np.float64).reshape(-1)
    tol = atol + rtol * np.abs(e) + (0 if error is None else 2 * np.asarray(error).reshape(-1))
    return np.maximum(tol, TINY)


def compare(name: str, got, expected, tol: Tolerance, error: np.ndarray | None = None,
            coords: np.ndarray | None = None, bounds: np.ndarray | None = None, explain: bool = True,
            heading: str | None = None, expected_word: str = "expected") -> Comparison:
    """`got` (any shape) against `expected`, which holds the values at the flat
    indices `coords` (all of them by default); `error` widens the tolerance by
    each expected value's own error estimate. `bounds`, if given, is `bound` of
    the same arguments, worked out before (answers of a widened dtype work out
    their own). With `explain` false, a failure comes without message and
    worst elements. The message starts with `heading` (the name by default)."""
    got_full = np.asarray(got)
    g = got_full.reshape(-1) if coords is None else got_full.reshape(-1)[coords]
    g = g.astype(np.float64, copy=False)
    e = np.asarray(expected, dtype=np.float64).reshape(-1)
    own_dtype = widened(got_full.dtype)
    if own_dtype:
        tol = for_answer(tol, got_full.dtype, float(np.abs(e).max(initial=1.0)))
    if bounds is None or own_dtype:
        bounds = bound(e, tol.rtol, tol.atol, error)
    diff = np.abs(g - e)
    ratio = diff / bounds
    margin = float(ratio.max(initial=0.0))
    checked = f"{g.size} checked element{'s' if g.size != 1 else ''}"
    note = dtype_note(got_full.dtype) if own_dtype else ""
    if margin <= 1:
        return Comparison(True, margin, f"{name} matches: {checked}, worst error at {margin:.1%} of the tolerance{note}",
                          tolerance=tol)
    ratio[np.isnan(ratio)] = np.inf  # a NaN never passes (and makes the margin NaN above)
    margin = float(ratio.max())
    if not explain:
        return Comparison(False, margin, "", tolerance=tol)
    coords = np.arange(got_full.size) if coords is None else np.asarray(coords)
    order = np.argsort(-ratio, kind="stable")[:5]
    bad = ratio > 1
    worst = [Element(index=list(np.unravel_index(int(coords[k]), got_full.shape)) if got_full.shape else [],
                     expected=float(e[k]), got=float(g[k])) for k in order if bad[k]]
    k = int(order[0])
    rel = diff[k] / max(abs(e[k]), tol.atol, TINY)
    verb = "differs" if len(coords) == 1 else "differ"
    msg = (f"{heading or name}: {int(bad.sum())} of {checked} {verb} (rtol {tol.rtol:g}, atol {tol.atol:g}){note}. "
           f"Worst at {name}{_index_text(worst[0].index)}: {expected_word} {e[k]:.6g}, got {g[k]:.6g} "
           f"(absolute error {diff[k]:.3g}, relative error {rel:.3g})")
    return Comparison(False, margin, msg, worst, tol, differing=int(bad.sum()), checked=g.size)


def compare_along(name: str, got, expected, tolerance, whose: str, heading: str | None = None) -> Comparison:
    """A derivative along one random direction v: the answer contracted with v
    (a number, or one per row of a Jacobian) against the finite difference of
    `whose` forward along v."""
    got = np.asarray(got, dtype=np.float64).reshape(-1)
    expected = np.asarray(expected, dtype=np.float64).reshape(-1)
    tolerance = np.maximum(tolerance, TINY).reshape(-1)
    ratio = np.abs(got - expected) / tolerance
    k = int(ratio.argmax())
    margin = float(ratio[k])
    row = f"[{k}]" if got.size > 1 else ""
    if margin <= 1:
        return Comparison(True, margin, f"{name} matches along a random direction v")
    rel = abs(got[k] - expected[k]) / max(abs(expected[k]), tolerance[k])
    differing = int((ratio > 1).sum())
    rows = f" ({differing} of {got.size} rows differ)" if got.size > 1 else ""
    worst = Element(index=[k] if got.size > 1 else [], expected=float(expected[k]), got=float(got[k]))
    return Comparison(False, margin, f"{heading or name}: along a random direction v, ({name} v){row} = {got[k]:.6g}, but "
                                     f"{whose} changes at the rate {expected[k]:.6g} along v "
                                     f"(relative error {rel:.3g}){rows}", [worst], differing=differing, checked=got.size)


def _index_text(index: list[int]) -> str:
    return "[" + ", ".join(map(str, index)) + "]" if index else ""


def shape_text(shape: tuple) -> str:
    return "a scalar" if shape == () else "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def non_finite(name: str, got: np.ndarray) -> str | None:
    """A sentence about NaN or inf values, or None when all are finite."""
    a = np.asarray(got)
    if a.dtype.kind not in "fc" or np.isfinite(a).all():
        return None
    bad = ~np.isfinite(a)
    first = list(np.unravel_index(int(np.flatnonzero(bad)[0]), a.shape)) if a.shape else []
    kinds = " and ".join(k for k, m in (("NaN", np.isnan(a)), ("inf", np.isinf(a))) if m.any())
    return f"{name} contains {kinds} in {int(bad.sum())} of {a.size} elements, first at {name}{_index_text(first)}"
