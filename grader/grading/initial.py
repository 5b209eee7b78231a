"""A class's initialisation, checked on its own terms: an entry with
`calls = "TwoLayerNet.params"` constructs the student's class and returns
its `params`, each key judged by its shape (as any output) and then by
what the class's `init` says it starts as, never against the reference's
own random numbers: a key named in `init.zeros` is all zeros (a bias), and
any other key holds draws of a normal distribution whose standard
deviation is the constructor argument `init.scale` (`weight_scale`).

The draws are judged by their sample mean and standard deviation, with
bounds five standard errors wide (and never narrower than a third of the
scale): a correct initialisation fails one in millions of checks, and a
scale off by a factor of ten, a Xavier or He initialisation, or weights
left at zero or all equal, fail."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from ..judge.checks import Verdict
from ..judge.diagnosis import Diagnosis
from ..spec.classes import init_of
from .fold import Key
from .outputs import OutputJudge


class InitialValues(OutputJudge):
    """One key of the params a constructor made: zeros, or normal draws of the declared scale."""

    def judge_values(self, got, plan, expected, prep, failed) -> Iterator:
        o, f = self.o, self.grading.f
        init = init_of(self.grading.spec, f)
        key = Key(f"{o.name} initial values", o.name)
        if str(o.key) in init.zeros:
            yield key, zeros(o.name, got)
            return
        scale = float(np.asarray(plan.case.inputs[f.name][init.scale]))
        yield key, normal_draws(o.name, got, scale, init.scale)


def zeros(name: str, got: np.ndarray) -> Verdict:
    """A bias starts at zero."""
    nonzero = int(np.count_nonzero(got))
    if nonzero == 0:
        return Verdict("passed", f"{name} starts at zero")
    worst = float(np.max(np.abs(got)))
    return Verdict("failed", f"{name} has {nonzero} of {got.size} entries other than zero (the largest in size "
                             f"{worst:.3g}); expected zeros",
                   Diagnosis("bias_not_zero", f"{name} should start at zero: np.zeros of its size"))


def normal_draws(name: str, got: np.ndarray, scale: float, scale_name: str) -> Verdict:
    """Draws of normal(0, scale): their mean near 0 and their standard deviation near `scale`."""
    n = got.size
    if not np.all(np.isfinite(got)):
        return Verdict("failed", f"{name} holds values that are not finite")
    mean, std = float(np.mean(got)), float(np.std(got))
    wanted = f"normal draws of standard deviation {scale_name} = {scale:.3g}"
    std_ok = bool(abs(std / scale - 1.0) <= max(1 / 3, 5 / np.sqrt(2 * n))) if scale > 0 else std == 0
    mean_ok = bool(abs(mean) <= 5 * scale / np.sqrt(n))
    if std_ok and mean_ok:
        return Verdict("passed", f"{name}'s {n} entries have mean {mean:.3g} and standard deviation {std:.3g}: "
                                 f"{wanted}")
    message = f"{name}'s {n} entries have mean {mean:.3g} and standard deviation {std:.3g}; expected {wanted}"
    if std == 0:
        why = f"{name} holds one value everywhere: draw each entry, {scale_name} * np.random.randn(...)"
    elif not std_ok:
        why = (f"{name} is drawn at the wrong scale ({std / scale:.3g} times {scale_name}): "
               f"{scale_name} * np.random.randn(...) has standard deviation {scale_name}")
    else:
        why = f"{name}'s draws are not centred on zero: np.random.randn draws have mean 0"
    return Verdict("failed", message, Diagnosis("initial_values_off_centre" if std_ok else "initial_scale", why))
