"""A derivative against the student's own forward: central differences of
the student's forward along the probe's random direction, compared with
their answer along it. It tells a wrong gradient apart from the right
gradient of a wrong forward. Asked for while a group's cases are judged,
it is settled once they all are, so that every probe goes in one exchange."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..judge import checks
from ..judge.checks import Verdict
from ..judge.diagnosis import Diagnosis
from ..judge.tolerance import for_answer
from ..reference.expected import Probe
from ..results import Tolerance
from ..sandbox.runner import Request, probe_request
from ..spec import Output
from .failure import Refused, failure
from .fold import Judged, Key
from .memo import once
from .plan import CasePlan, same_for_every_student

if TYPE_CHECKING:
    from .function import FunctionGrading


@dataclass
class Asked:
    """One derivative to difference against the student's own forward."""
    key: Key
    plan: CasePlan
    o: Output
    got: np.ndarray
    probe: Probe
    tol: Tolerance
    grad: Verdict                     # the derivative's verdict against the reference
    verdict: Verdict | None = None
    stencil: object = None            # the first look's, once planned
    request: Request | None = None


class OwnForward:
    """The checks against the student's own forwards that one group asked for."""

    def __init__(self, grading: FunctionGrading):
        self.grading = grading
        self.asked: list[Asked] = []

    def ask(self, key: Key, plan: CasePlan, o: Output, got, probe: Probe, tol: Tolerance, grad: Verdict) -> None:
        self.asked.append(Asked(key, plan, o, got, probe, tol, grad))

    def requests(self) -> list[Request]:
        """Each asked check's first look (float32's retries come later, one by
        one); a check that needs no probe is judged here."""
        for a in self.asked:
            if a.probe.forward not in self.grading.found:
                a.verdict = Verdict("skipped", f"your module has no {a.probe.forward} to differentiate")
                continue
            try:
                a.stencil, a.request = self.probe(a, single=False)
            except Refused as refused:
                a.verdict = refused.verdict
        return [a.request for a in self.asked if a.verdict is None]

    def settle(self, answers, verdicts: dict[Key, list[Judged]]) -> None:
        """Judge each probed check on its answer (taken in order from
        `answers`) and put every verdict in its place among the group's."""
        for a in self.asked:
            if a.verdict is None:
                a.verdict = self.judge(a, next(answers))
            verdicts[a.key].append(Judged(a.plan.label, a.verdict))
            # a declared or generic diagnosis of an answer made from the student's own cache says nothing
            cached = self.grading.fed_by(a.probe.forward)
            if a.grad.status == "failed" and a.verdict.status == "passed" and (a.grad.diagnosis is None or cached):
                forward = a.probe.forward
                a.grad.diagnosis = Diagnosis("wrong_forward", f"{a.o.name} is the right gradient of your own "
                                                              f"{forward}, but your {forward} is wrong: fix the "
                                                              "forward computation")

    def judge(self, a: Asked, reply) -> Verdict:
        """The answer along the probe's direction against the student's forward
        differenced along it (a Jacobian weighted by its cotangent)."""
        probe = a.probe
        answer = checks.rows(a.got, 1 if probe.cotangent is None else probe.cotangent.size)
        if probe.cotangent is not None:
            answer = probe.cotangent.reshape(1, -1) @ answer
        along = float((answer @ probe.direction.reshape(-1))[0])
        try:
            found, in_float32 = self.difference(probe, a.stencil, reply)
            if not in_float32:
                return self.compare(a, answer, along, found, a.tol, single=False)
            return self.in_float32(a, answer, along)
        except Refused as refused:
            return refused.verdict

    def in_float32(self, a: Asked, answer, along: float) -> Verdict:
        """A float32 forward: float32's longer step, its tolerances, and second
        looks at shorter steps before saying no, since a long step may jump a kink."""
        tol = for_answer(a.tol, np.float32, float(np.abs(a.got).max(initial=0.0)))
        for shrink in (1.0, 8.0, 64.0):
            stencil, request = self.probe(a, single=True, shrink=shrink)
            found, _ = self.difference(a.probe, stencil, self.grading.sandbox.run([request])[0])
            verdict = self.compare(a, answer, along, found, tol, single=True)
            if verdict.status == "passed":
                break
        return verdict

    def compare(self, a: Asked, answer, answer_along: float, found, tol: Tolerance, single: bool) -> Verdict:
        along, error = found
        forward = a.probe.forward
        tolerance = float(checks.along_tolerance(a.probe.direction, answer, error, tol)[0])
        if single and error > 0.1 * (tolerance - 2 * error):
            return Verdict("skipped", f"your {forward} computes in float32 and is not smooth enough here to be "
                                      f"differenced at float32's precision; compute in float64 to get this check")
        note = f" (your {forward} computes in float32: judged with float32 tolerances)" if single else ""
        return checks.consistency(a.o, answer_along, along, error, tolerance, forward, note)

    def probe(self, a: Asked, single: bool, shrink: float = 1.0):
        """(the stencil, the request) differencing the student's forward along
        the probe of output `a.o`; planned once per case, as calls are."""
        def make():
            args = self.grading.wire_args(a.probe.args, a.plan.case)
            weights = a.probe.cotangent if a.probe.cotangent is not None else a.probe.upstream
            stencil = a.probe.directional(single, shrink)
            return stencil, probe_request(a.probe.forward, args, a.probe.wrt, stencil.points(), a.probe.output,
                                          weights, a.probe.direction, a.probe.key)
        if not same_for_every_student(a.probe.args):
            return make()
        return once(a.plan.case, ("probe", self.grading.f.name, a.key.name, single, shrink), make)

    def difference(self, probe: Probe, stencil, reply) -> tuple[tuple[float, float], bool]:
        """((derivative along the direction, its error), computed in float32?) of the student's forward."""
        if not reply.ok:
            raise Refused(failure(reply, f"could not differentiate your {probe.forward} numerically"))
        along, error = (float(np.ravel(x)[0]) for x in stencil.gradient(reply.values))
        return (along, error), reply.float32
