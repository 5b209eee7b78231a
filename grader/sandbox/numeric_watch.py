"""Signs, seen in the student's process, that a derivative was computed
numerically rather than derived. While a derivative function runs, each
call of a function defined in the submission's own file (the graded
forward, a helper, a lambda, the function itself called again, however it
is reached: it is recognised by its code's file) has its array arguments
looked at. An argument that is complex (the complex step), or that is a
small nonzero change of what the same parameter held at that function's
first call (a finite difference, in place or on a copy), is counted.

Only the counts are sent back: the grading process decides what they mean.
Student code can switch the watch off (sys.setprofile is theirs to call);
that hides no more than an unwatched call would, and the counts can only
ever cost the student, so a forged count gains nothing."""
from __future__ import annotations

import sys

import numpy as np

STEP = 1e-3          # a change at most this, relative to the argument's largest entry, is a probe's step
MAX_REPORTED = 16    # signs sent back, the most frequent first


class Watch:
    """Counts the calls of the submission's functions that look like a
    numerical derivative's evaluations, while it is entered."""

    def __init__(self, files) -> None:
        self.files = frozenset(files)       # the submission's file, as loaded and as resolved
        self.first: dict = {}               # code -> {parameter: a copy of its array at the first call}
        self.signs: dict = {}               # (code, parameter) -> [calls, size, shape, complex]

    def __enter__(self) -> Watch:
        sys.setprofile(self.see)
        return self

    def __exit__(self, *exc) -> None:
        sys.setprofile(None)

    def see(self, frame, event, arg) -> None:
        """The profile hook: looks at the arguments of calls in the submission's file only."""
        if event != "call" or frame.f_code.co_filename not in self.files:
            return
        try:
            self.look(frame.f_code, frame.f_locals)
        except Exception:   # never let the watch change what the student's code does
            pass

    def look(self, code, local: dict) -> None:
        """Compare each array parameter of one call with its value at the function's first call."""
        count = code.co_argcount + code.co_kwonlyargcount
        first = self.first.setdefault(code, {})
        for name in code.co_varnames[:count]:
            value = local.get(name)
            if not isinstance(value, np.ndarray) or value.dtype.kind not in "fc" or value.size < 2:
                continue
            before = first.get(name)
            if before is None:
                first[name] = value.copy()
            if value.dtype.kind == "c" or (before is not None and stepped(value, before)):
                sign = self.signs.setdefault((code, name), [0, value.size, list(value.shape), False])
                sign[0] += 1
                sign[3] = sign[3] or value.dtype.kind == "c"

    def report(self) -> list[dict]:
        """The signs seen, as data, the most frequent first."""
        rows = [{"function": code.co_name, "line": code.co_firstlineno, "argument": name, "calls": calls,
                 "size": size, "shape": shape, "complex": complex_}
                for (code, name), (calls, size, shape, complex_) in self.signs.items()]
        return sorted(rows, key=lambda row: -row["calls"])[:MAX_REPORTED]


def stepped(value: np.ndarray, before: np.ndarray) -> bool:
    """Whether `value` is `before` moved by a small nonzero step, as a finite difference moves it."""
    if value.shape != before.shape:
        return False
    change = float(np.max(np.abs(value - before)))
    scale = float(np.max(np.abs(before)))
    return np.isfinite(change) and 0.0 < change <= STEP * scale
