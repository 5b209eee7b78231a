"""A function graded on stand-ins (support functions passed in place of the
student's own helpers, such as skipgram's word2vecLossAndGradient) is
judged on its own logic. It is also called as the student composed it, with
their own defaults, and compared with the reference's own composition: a
check without points that tells a cascade (right on the stand-in, wrong
with the student's helper: the helper's mistake, charged to the helper)
from compensation (right only with the student's own broken helper)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..judge import checks
from ..judge.checks import Verdict
from ..judge.compare import compare, shape_text
from ..judge.diagnosis import Diagnosis
from ..judge.tolerance import declared
from ..reference.expected import Expected
from ..sandbox.runner import Request, call_request
from ..spec import Function
from .fold import Key
from .plan import CasePlan

if TYPE_CHECKING:
    from .function import FunctionGrading


def helpers(f: Function) -> str:
    """The student's functions the stand-ins replace, as words."""
    return " and ".join(dict.fromkeys(a.sample.replaces for a in f.stand_ins))


def composed_request(f: Function, args: dict) -> Request:
    """The call with every stand-in left out, so that the student's defaults apply."""
    stand_ins = {a.name for a in f.stand_ins}
    return call_request(f.target, {k: v for k, v in args.items() if k not in stand_ins},
                        [i for i, o in enumerate(f.outputs) if o.opaque])


def judge_composed(grading: FunctionGrading, plan: CasePlan, expected: Expected,
                   verdicts: list[tuple[Key, Verdict | None]]) -> tuple[Key, Verdict]:
    """The student's own composition against the reference's, on one case;
    a cascade or a compensation is named from the case's scored verdicts
    on the stand-ins, and a compensation is named on those too."""
    f, helper = grading.f, helpers(grading.f)
    verdict = agreement(grading, plan.composed.reply, expected.composed)
    failed = [v for k, v in verdicts if k.scored and v is not None and v.status != "passed"]
    if verdict.status == "passed" and failed:
        compensates = Diagnosis("compensates", f"{f.name} is right only with your own {helper}: with a correct "
                                               f"one it is wrong, so it compensates for a mistake in your {helper}; "
                                               f"fix {helper}, then {f.name}")
        for v in failed:
            v.diagnosis = compensates
        verdict.message += f"; with a correct {helper} it is not: it compensates for a mistake in your {helper}"
    elif verdict.status == "failed" and not failed:
        verdict.diagnosis = Diagnosis("cascade", f"{f.name} is right with a correct {helper}, so it is not charged "
                                                 f"for this: the mistake is in your {helper}, which loses its own "
                                                 f"points for it", charged_to=helper)
    return Key(f"with your {helper}", scored=False), verdict


def agreement(grading: FunctionGrading, reply, composed: dict) -> Verdict:
    """Whether the student's composition returns what the reference's does."""
    f, helper = grading.f, helpers(grading.f)
    with_own = f"with your own {helper} (the default in place of the stand-in)"
    if not reply.ok:
        return Verdict("failed", f"{f.target} {with_own} raised an error:\n{reply.error.describe()}",
                       lines=list(reply.error.lines))
    returned, outputs = checks.returns(f, reply.result)
    if outputs is None:
        return Verdict("failed", f"{with_own}: {returned.message}")
    for name, truth in composed.items():
        o = f.output(name)
        if isinstance(outputs[name], checks.Absent):
            return Verdict("failed", f"{with_own}: {outputs[name].message}")
        got = checks.as_declared(outputs[name], np.shape(truth), grading.spec.tolerance.strict_scalars)
        if got.shape != np.shape(truth):
            return Verdict("failed", f"{with_own}, {name} has shape {shape_text(got.shape)}; the reference's "
                                     f"own composition gives {shape_text(np.shape(truth))}")
        c = compare(name, got, truth, declared(grading.spec, o), heading=f"{with_own}, {name} differs")
        if not c.passed:
            return Verdict("failed", c.message, margin=c.margin, worst=c.worst, tolerance=c.tolerance)
    return Verdict("passed", f"{f.name} {with_own} returns what the reference's own composition does")
