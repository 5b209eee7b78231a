"""How close an answer must be: one table by dtype, one way to look it up.

The spec sets rtol and atol (and may override them for one output); they
suit answers computed in float64. An answer computed in a lower precision
is held to that precision instead of failing on rounding: its rtol is at
least the table's, and its atol at least the table's times the largest
magnitude involved. Every comparison in the grader gets its tolerance here."""
from __future__ import annotations

import numpy as np

from ..results import Tolerance
from ..spec import Output, Spec

# dtype -> (least rtol, least atol relative to the largest magnitude)
BY_DTYPE = {np.dtype(np.float32): (2e-3, 1e-6)}


def declared(spec: Spec, o: Output | None = None) -> Tolerance:
    """The spec's tolerance, overridden by the output's own where it sets one."""
    default = spec.tolerance
    if o is None:
        return Tolerance(rtol=default.rtol, atol=default.atol)
    return Tolerance(rtol=o.rtol or default.rtol, atol=default.atol if o.atol is None else o.atol)


def widened(dtype) -> bool:
    """Whether answers of this dtype are judged with a tolerance of their own."""
    return np.dtype(dtype) in BY_DTYPE


def for_answer(tol: Tolerance, dtype, scale: float) -> Tolerance:
    """`tol` for an answer of this dtype, whose values are about `scale` at most."""
    least = BY_DTYPE.get(np.dtype(dtype))
    if least is None:
        return tol
    rtol, atol = least
    return Tolerance(rtol=max(tol.rtol, rtol), atol=max(tol.atol, atol * scale))


def dtype_note(dtype) -> str:
    """What a report says after a comparison whose tolerance the dtype widened."""
    return f" ({np.dtype(dtype).name}: judged with {np.dtype(dtype).name} tolerances)" if widened(dtype) else ""
