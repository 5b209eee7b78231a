"""Naming a wrong answer: the classic mistakes of hand-derived gradients, each
recognised from the student's answer G and the true answer T. A diagnosis is
offered only when its fit is close; otherwise the numbers speak alone.

Stable codes (they appear in grades.json):
  not_finite, all_zeros, returns_input, swapped, sign_flipped, transposed,
  scaled_by_<k> / scaled_by_1_over_<k> (k a dimension name, or 2),
  extra_axis, missing_axis, not_summed_over_<k>, diagonal_as_vector, missing_off_diagonal, wrong_forward, upstream_ignored,
  cascade and compensates (a mistake of another function the student wrote; see grading/),
  numerical_gradient (see grading/derived.py), cache_reused (see grading/cache_reuse.py),
  and the codes of the mistakes an assignment declares (e.g. missing_activation_derivative)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .compare import shape_text


@dataclass(frozen=True)
class Diagnosis:
    code: str
    sentence: str
    charged_to: str | None = None   # a cascade: the function that loses the points for this mistake


@dataclass
class Context:
    """What is known beside G and T: the dimension sizes, the function's inputs,
    the true values of its other outputs, and the outputs of the assignment's
    declared mistakes (code -> (sentence, value))."""
    output: str
    dims: dict[str, int]
    inputs: dict[str, object] = field(default_factory=dict)
    mistakes: dict[str, tuple[str, object]] = field(default_factory=dict)
    others: dict[str, object] = field(default_factory=dict)


def close(a, b) -> bool:
    """A tight fit: far tighter than any mistake, far looser than rounding."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.isfinite(a).all():
        return False
    scale = float(np.abs(b).max(initial=0.0))
    return bool((np.abs(a - b) <= 1e-6 * max(scale, 1e-12) + 1e-4 * np.abs(b)).all())  # np.allclose's test


def diagnose(got, truth, ctx: Context) -> Diagnosis | None:
    """The most specific known mistake that turns `truth` into `got`."""
    g, t = np.asarray(got), np.asarray(truth, dtype=np.float64)
    if g.dtype.kind not in "biuf":
        return None
    g = g.astype(np.float64)
    name = ctx.output
    if not np.isfinite(g).all():
        return declared_not_finite(g, ctx) or Diagnosis("not_finite", f"{name} contains NaN or inf")
    if g.shape == t.shape and (not np.any(t) or close(g, t)):
        return None
    for code, (sentence, value) in ctx.mistakes.items():   # the assignment's own mistakes are the most specific
        if close(g, value):
            return Diagnosis(code, f"{name}: {sentence}")
    if g.shape != t.shape:
        found = _shape_mistake(g, t, ctx)
        if found:
            return found
    for arg, value in ctx.inputs.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and close(g, value):
            return Diagnosis("returns_input", f"{name} is the input {arg}, returned unchanged")
    for other, value in ctx.others.items():
        if np.any(value) and close(g, value):
            return Diagnosis("swapped", f"{name} holds what {other} should be: are the outputs returned "
                                        f"in the wrong order?")
    if g.shape != t.shape:
        return None
    if not np.any(g):
        return Diagnosis("all_zeros", f"{name} is all zeros: is the computation of {name} missing, or never stored?")
    if close(g, -t):
        return Diagnosis("sign_flipped", f"{name} has the wrong sign: it is the negative of the true gradient "
                                         "(check the sign of the loss's derivative, e.g. p - y, not y - p)")
    if t.ndim == 2 and t.shape[0] == t.shape[1] and close(g, t.T):
        return Diagnosis("transposed", f"{name} is transposed: its transpose is the right answer")
    if t.ndim == 2 and t.shape[0] == t.shape[1] and np.any(t - np.diag(np.diag(t))) \
            and close(g, np.diag(np.diag(t))):
        return Diagnosis("missing_off_diagonal", f"{name} has the right diagonal but zeros elsewhere: this "
                                                 "Jacobian is not diagonal (every output depends on every input)")
    return _scaled(g, t, ctx)


def declared_not_finite(got, ctx: Context) -> Diagnosis | None:
    """A declared mistake whose answer is NaN or inf in the same places as
    `got` (an overflow the assignment names, such as exp without the max
    shift), if there is one."""
    g = np.asarray(got, dtype=np.float64)
    for code, (sentence, value) in ctx.mistakes.items():
        v = np.asarray(value, dtype=np.float64)
        if v.shape == g.shape and not np.isfinite(v).all() and (np.isfinite(v) == np.isfinite(g)).all():
            return Diagnosis(code, f"{ctx.output}: {sentence}")
    return None


def _scaled(g: np.ndarray, t: np.ndarray, ctx: Context) -> Diagnosis | None:
    """G = c T for c one of the sizes (sum vs mean) or 2 (squared norms)."""
    c = float(np.vdot(g, t) / np.vdot(t, t))
    factors = {name: float(size) for name, size in ctx.dims.items()} | {"2": 2.0}
    for name, k in factors.items():
        for factor, code, words in ((k, f"scaled_by_{name}", f"{_times(name, k)} too large"),
                                    (1 / k, f"scaled_by_1_over_{name}", f"{_times(name, k)} too small")):
            if abs(c - factor) <= 1e-6 * factor and close(g, factor * t):
                hint = (" (a sum over the batch where the loss takes the mean, or the other way round?)"
                        if name != "2" else " (a factor 2 from a squared norm?)")
                return Diagnosis(code, f"{ctx.output} is {words}{hint}")
    return None


def _times(name: str, k: float) -> str:
    return "2 times" if name == "2" else f"{name} = {k:g} times"


def _shape_mistake(g: np.ndarray, t: np.ndarray, ctx: Context) -> Diagnosis | None:
    name = ctx.output
    if g.ndim < t.ndim and g.size == t.size and close(g.reshape(t.shape), t):
        return Diagnosis("missing_axis", f"{name} has the right values but shape {shape_text(g.shape)} instead of "
                                         f"{shape_text(t.shape)}: an axis was dropped (a sum without "
                                         "keepdims=True?); keep it, so that it broadcasts as the shape says")
    if g.ndim == 2 and g.shape == t.shape[::-1] and close(g.T, t):
        return Diagnosis("transposed", f"{name} is transposed: it has shape {shape_text(g.shape)} and its "
                                       f"transpose is right (in the shape convention the gradient has the "
                                       f"shape of the parameter, {shape_text(t.shape)}; e.g. delta x^T, not x delta^T)")
    if g.ndim == 1 and t.shape == (g.size, g.size) and close(np.diag(g), t):
        return Diagnosis("diagonal_as_vector", f"{name} holds the diagonal of the Jacobian as a vector of shape "
                                               f"{shape_text(g.shape)}; return the {shape_text(t.shape)} matrix "
                                               "(np.diag makes one)")
    if g.size == t.size and close(g.reshape(t.shape), t):
        return Diagnosis("extra_axis", f"{name} has the right values but shape {shape_text(g.shape)} instead of "
                                       f"{shape_text(t.shape)}: drop the extra axis (keepdims, or a (1, n) array)")
    if g.ndim == t.ndim + 1 and g.shape[1:] == t.shape:
        for dim, size in ctx.dims.items():
            if g.shape[0] == size and (close(g.sum(axis=0), t) or close(g.mean(axis=0), t)):
                return Diagnosis(f"not_summed_over_{dim}",
                                 f"{name} has one row per example, shape {shape_text(g.shape)}: sum it over "
                                 f"the batch axis ({dim}) to get shape {shape_text(t.shape)}")
    return None
