"""How each kind of output is judged on one case. Every kind says which
calls it needs beyond the function's own call, and how it judges their
replies, side by side: a value against the reference's; a gradient (or a
Jacobian) against finite differences of the reference's forward, and where
it helps against the student's own forward; a vector-Jacobian product also
on other upstream gradients, which it plans and reads itself."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterator

import numpy as np

from ..cases.sampling import Case
from ..judge import checks
from ..judge.checks import Verdict
from ..judge.compare import bound
from ..judge.diagnosis import Context, Diagnosis, close
from ..judge.tolerance import declared
from ..reference.expected import Expected, output_shape
from ..results import Tolerance
from ..sandbox.runner import Request, call_request
from ..spec import Function, Output
from .failure import Refused, raised
from .fold import Key
from .memo import once
from .plan import CasePlan

if TYPE_CHECKING:
    from .function import FunctionGrading


@dataclass
class Prepared:
    """What judging one output on one case takes beyond the answer: the same
    for every student given the case, so worked out once (see memo.py)."""
    ctx: Context
    shape: tuple[int, ...]
    tol: Tolerance
    bounds: object          # compare.bound of a value, or a derivative's checks.Bounds


class OutputJudge:
    """A value output: its shape, its dtype where the spec requires float64,
    then its values against the reference's."""

    def __init__(self, grading: FunctionGrading, o: Output):
        self.grading, self.o = grading, o

    def requests(self, args: dict, case: Case, first: bool) -> list[Request]:
        """The calls this output needs beyond the function's own call on `args`: none."""
        return []

    def judge(self, got: np.ndarray, plan: CasePlan, expected: Expected, failed: set) -> Iterator:
        """(Key, Verdict) pairs for this output on the case; `failed` holds the
        checks already failed on an earlier case of the group (whose failure
        is the one reported, so a failure here need not be explained)."""
        o, prep = self.o, self.prepared(plan, expected)
        if isinstance(got, checks.Absent):   # a key of a dict output that is missing, or no array
            yield Key(f"{o.name} shape", o.name), Verdict("failed", got.message, got.diagnosis)
            return
        truth = expected.outputs[o.name]
        shape = checks.shape(o, got, prep.shape, truth, prep.ctx, f"{o.name} shape" not in failed, self.strict_scalars)
        yield Key(f"{o.name} shape", o.name), shape
        if shape.status != "passed":
            return
        got = got.reshape(prep.shape)   # a scalar given as an array of one element is judged as that scalar
        if self.grading.spec.tolerance.require_float64 and checks.float64_required(o, got):
            yield Key(f"{o.name} dtype", o.name), checks.float64_required(o, got)
            return
        yield from self.judge_values(got, plan, expected, prep, failed)

    @property
    def strict_scalars(self) -> bool:
        """Whether a scalar output must be a 0-d value, not an array of one element."""
        return self.grading.spec.tolerance.strict_scalars

    def judge_values(self, got, plan: CasePlan, expected: Expected, prep: Prepared, failed: set) -> Iterator:
        o = self.o
        yield Key(f"{o.name} value", o.name), checks.value(o, got, expected.outputs[o.name], prep.tol, prep.ctx,
                                                           prep.bounds, f"{o.name} value" not in failed)

    def prepared(self, plan: CasePlan, expected: Expected) -> Prepared:
        f = self.grading.f
        return once(plan.case, ("prepared", f.name, self.o.name, self.grading.convention),
                    lambda: self._prepare(plan, expected))

    def _prepare(self, plan: CasePlan, expected: Expected) -> Prepared:
        o, f, case = self.o, self.grading.f, plan.case
        ctx = Context(o.name, case.dims, leaves_of_inputs(f, case.inputs[f.name]),
                      {m.code: (m.message, expected.variants[m.code][o.name]) for m in f.mistakes},
                      {name: value for name, value in expected.outputs.items() if name != o.name})
        tol = declared(self.grading.spec, o)
        return Prepared(ctx, output_shape(o, case.dims), tol, self.bounds(expected, tol))

    def bounds(self, expected: Expected, tol: Tolerance):
        return bound(expected.outputs[self.o.name], tol.rtol, tol.atol)


class Derivative(OutputJudge):
    """A gradient or a Jacobian: against finite differences of the
    reference's forward; and against the student's own forward, to tell a
    wrong derivative apart from the right derivative of a wrong forward."""

    def bounds(self, expected: Expected, tol: Tolerance):
        name = self.o.name
        return checks.Bounds.of(expected.numeric[name], expected.probes[name], expected.outputs[name], tol)

    def judge_values(self, got, plan: CasePlan, expected: Expected, prep: Prepared, failed: set) -> Iterator:
        o = self.o
        probe, numeric = expected.probes[o.name], expected.numeric[o.name]
        key = f"{o.name} {o.derivative_kind if o.jacobian else 'gradient'}"
        explain = key not in failed
        grad = checks.gradient(o, got, numeric, probe, expected.outputs[o.name], prep.tol, prep.ctx, prep.bounds,
                               explain)
        yield Key(key, o.name), grad
        yield from self.ask_own("", plan, got, probe, prep.tol, grad, explain)

    def ask_own(self, what: str, plan: CasePlan, got, probe, tol: Tolerance, verdict: Verdict, explain: bool):
        """The check against the student's own forward, where it says something:
        where the derivative failed, on the first such case, or on every one
        when a cache of that forward fed it (a cascade is forgiven only when
        every failure is explained). On a derivative that passed it would say
        nothing, and it cost most of a self-check's time."""
        grading, forward = self.grading, probe.forward   # a function's name, or the method it calls
        owner = grading.spec.function(forward) or next(g for g in grading.spec.functions if g.target == forward)
        if not owner.student:
            return
        fed = grading.fed_by(forward)
        if verdict.status != "passed" and (explain or fed):
            own = Key(f"{self.o.name}{what} vs your {forward}", self.o.name, scored=False)
            grading.own.ask(own, plan, self.o, got, probe, tol, verdict)
            yield own, None   # its place among the checks: judged once the group's probes are answered


# What a vector-Jacobian product must also be, shown by calling it on other
# upstream gradients u (given u1, the case's, and u2, another): each property's
# upstream, and the answer the student's own answers g1 (on u1) and g2 (on u2) imply.
PROPERTIES = (
    ("linear in {up}", lambda u1, u2: 2 * u1 - 3 * u2, lambda g1, g2: 2 * g1 - 3 * g2),
    ("zero when {up} is zero", lambda u1, u2: np.zeros_like(u1), lambda g1, g2: np.zeros_like(g1)),
    ("the same when called again", lambda u1, u2: u1, lambda g1, g2: g1),
)


class VectorJacobianProduct(Derivative):
    """A gradient given an upstream gradient: also right for a second upstream
    gradient, and on the group's first case linear in it, zero for zero and
    the same when called again (properties of the code, which one case shows
    as well as many). Products on the same upstream share their calls."""

    def requests(self, args: dict, case: Case, first: bool) -> list[Request]:
        up, f = self.o.vjp.upstream, self.grading.f
        u1 = np.asarray(args[up], dtype=np.float64)
        u2 = self.grading.source.expected(f, case).second[self.o.name].upstream
        upstreams = [u2] + ([upstream(u1, u2) for _, upstream, _ in PROPERTIES] if first else [])
        return [call_request(f.target, {**args, up: u}) for u in upstreams]

    def judge_values(self, got, plan: CasePlan, expected: Expected, prep: Prepared, failed: set) -> Iterator:
        yield from super().judge_values(got, plan, expected, prep, failed)
        yield from self.judge_structure(got, plan, expected, prep)

    def judge_structure(self, g1: np.ndarray, plan: CasePlan, expected: Expected, prep: Prepared) -> Iterator:
        o, up = self.o, self.o.vjp.upstream
        key = Key(f"{o.name} with another {up}", o.name)
        second_call, *others = plan.extra[up]
        try:
            g2 = self.answer(second_call.reply, g1.shape)
        except Refused as refused:
            yield key, refused.verdict
            return
        second = expected.second[o.name]
        verdict = checks.value(o, g2, second.truth, prep.tol, prep.ctx)
        if verdict.status == "failed" and close(g2, g1) and not close(second.truth, expected.outputs[o.name]):
            verdict.diagnosis = Diagnosis("upstream_ignored", f"{o.name} does not change when {up} changes: "
                                                              f"the upstream gradient {up} is ignored")
        yield key, verdict
        if verdict.status != "passed" and self.grading.fed_by(expected.probes[o.name].forward):
            probe = replace(expected.probes[o.name], upstream=second.upstream)
            yield from self.ask_own(f" with another {up}", plan, g2, probe, prep.tol, verdict, explain=False)
        for (what, _, implied), call in zip(PROPERTIES, others):
            what = what.format(up=up)
            try:
                verdict = checks.same(o.name, self.answer(call.reply, g1.shape), implied(g1, g2), prep.tol, what)
            except Refused as refused:
                verdict = refused.verdict
            yield Key(f"{o.name} {what}", o.name), verdict

    def answer(self, reply, shape: tuple) -> np.ndarray:
        """This output of the student's function on other arguments; Refused if there is none."""
        f = self.grading.f
        if not reply.ok:
            raise Refused(raised(reply, f.target))
        verdict, outputs = checks.returns(f, reply.result)
        if outputs is None:
            raise Refused(verdict)
        got = outputs[self.o.name]
        if isinstance(got, checks.Absent):
            raise Refused(Verdict("failed", got.message))
        got = checks.as_declared(got, shape, self.strict_scalars)
        if got.shape != shape:
            raise Refused(Verdict("failed", f"{self.o.name} has shape {got.shape} here, {shape} before"))
        return got


def leaves_of_inputs(f: Function, inputs: dict) -> dict:
    """A function's inputs with each key (item) of a dict (list) argument under
    its own name too, as a diagnosis compares an answer with each input."""
    flat = dict(inputs)
    for a in f.args:
        for leaf in a.leaves:
            value = inputs.get(a.name)
            if isinstance(value, (dict, list)):
                flat[leaf.name] = value[leaf.key]
    return flat


def judge_for(grading: FunctionGrading, o: Output) -> OutputJudge:
    """The judge of an output, by its kind."""
    from ..spec.classes import init_of
    if init_of(grading.spec, grading.f) is not None:   # a constructor's params, judged on their own terms
        from .initial import InitialValues
        return InitialValues(grading, o)
    if o.derivative is None:
        return OutputJudge(grading, o)
    return VectorJacobianProduct(grading, o) if o.vjp else Derivative(grading, o)
