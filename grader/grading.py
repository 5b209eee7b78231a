"""Grading one submission: run its functions in a sandbox on every case, judge
each output with the checks, fold the per-case verdicts into named checks,
and score. Scores are decided here, never in the student's process."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from . import __version__
from .judge import checks
from .judge.checks import Verdict
from .judge.compare import FLOAT32_RTOL, bound
from .judge.diagnosis import Context, Diagnosis, close
from .reference.expected import Expected, Probe, output_shape
from .sandbox.recipes import CacheOf, Recipe
from .results import SEVERITY, Check, FunctionResult, SubmissionResult
from .sandbox.answers import Reply
from .sandbox.runner import Request, Sandbox, call_request, probe_request
from .cases.sampling import HIDDEN, PUBLIC, Case
from .spec import Function, Output, Spec
from .sandbox.wire import Sequence

ERROR_STATUS = {"timeout": "timeout"}  # any other failure of the student's process is an "error"


class Source(Protocol):
    """Where the cases and their expected values come from."""
    def cases(self, visibility: str, seed: int) -> list[Case]: ...
    def expected(self, f: Function, case: Case) -> Expected: ...


@dataclass
class Submission:
    student: str
    path: Path          # the student's module file (may not exist: then every check says so)


@dataclass
class Plan:
    """One case's calls, planned before any is made so that they reach the
    student's process together; `structure` says where each vector-Jacobian
    product's extra calls start (four on the group's first case, one after)."""
    case: Case
    args: dict | Verdict
    requests: list[dict] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    vjp_args: dict | Verdict | None = None
    structure: dict[str, int] = field(default_factory=dict)
    first: bool = False   # the group's first case, which also tests each vector-Jacobian product's structure


@dataclass
class Prepared:
    """What checking one output on one case takes beyond the student's
    answer, worked out once for every student given the case: the context
    a diagnosis reads, the expected shape, and the tolerances."""
    ctx: Context
    shape: tuple[int, ...]
    rtol: float
    atol: float
    tol: np.ndarray | None            # a value's, element by element (compare.bound)
    bounds: checks.Bounds | None      # a derivative's, against finite differences


@dataclass
class OwnCheck:
    """A gradient's check against the student's own forward, made once every
    case of the group is checked, so that their probes go in one exchange.
    `verdict` is reported as it stands when settled."""
    o: Output
    got: np.ndarray
    probe: Probe
    case: Case
    rtol: float
    atol: float
    grad: Verdict
    verdict: Verdict = field(default_factory=lambda: Verdict("skipped", "not differenced"))

    def settle(self, result: Verdict) -> None:
        vars(self.verdict).update(vars(result))
        grad = self.grad
        if grad.status == "failed" and result.status == "passed" and grad.diagnosis is None:
            forward = self.probe.forward
            grad.diagnosis = Diagnosis("wrong_forward", f"{self.o.name} is the right gradient of your own {forward}, "
                                                        f"but your {forward} is wrong: fix the forward computation")
            grad.message += f"\nDiagnosis: {grad.diagnosis.sentence}"


def submission_seed(spec: Spec, student: str) -> int:
    """The default seed of a student's hidden cases: stable between runs."""
    digest = hashlib.sha256(f"{spec.name}/{spec.cases.public_seed}/{student}".encode()).hexdigest()
    return int(digest[:8], 16)


def grade_submission(spec: Spec, source: Source, sub: Submission, visibilities=(PUBLIC, HIDDEN),
                     seed: int | None = None, hide: list[Path] = (), runner=Sandbox) -> SubmissionResult:
    """`runner` makes the process a submission runs in (a Sandbox unless the
    code is trusted, such as the reference and its mutants)."""
    start = time.perf_counter()
    seed = submission_seed(spec, sub.student) if seed is None else seed
    groups = [(v, source.cases(v, seed)) for v in visibilities]
    with runner(sub.path, spec.module, spec.limits, list(hide), support=spec.support_path) as sandbox:
        if not sub.path.is_file():
            functions = [_unloadable(f, "error", f"no file {sub.path.name} in this submission") for f in spec.graded]
        else:
            loaded = sandbox.load()
            if loaded.ok:
                found = loaded.data["functions"]
                # Grading differences a student's own forward only where it explains a failed gradient: on the
                # case whose failure is reported (a group's first); self-check always does, on every case,
                # since it is the one check there that needs no reference.
                always_own = HIDDEN not in visibilities
                functions = grade_functions([FunctionGrader(spec, f, sandbox, source, found, always_own)
                                             for f in spec.graded], sandbox, groups)
            else:
                err = loaded.error
                status = "timeout" if err.kind == "timeout" else "error"
                functions = [_unloadable(f, status, f"{sub.path.name} could not be imported:\n{err.describe()}")
                             for f in spec.graded]
        output, hidden_output = sandbox.captured_output(), sandbox.captured_output(since_mark=True)
    hidden_not_run = 0
    if HIDDEN not in visibilities and spec.cases.hidden:
        hidden_not_run = sum(checks_per_case_group(f) for f in spec.graded)
    return SubmissionResult(
        student=sub.student, path=str(sub.path), seed=seed,
        score=round(sum(f.score for f in functions), 6), max_score=sum(f.points for f in spec.graded),
        mode="grade" if HIDDEN in visibilities else "self-check", hidden_not_run=hidden_not_run,
        output=output, hidden_output=hidden_output, seconds=round(time.perf_counter() - start, 3),
        grader_version=__version__, functions=functions)


def grade_functions(graders: list[FunctionGrader], sandbox: Sandbox, groups) -> list[FunctionResult]:
    """Each group of cases in turn, public first: every function's calls in
    one exchange with the student's process, each case checked as soon as
    its answers are in; then every probe of the student's own forwards that
    the checks asked for, in a second exchange. Two exchanges a group, rather
    than two per function: each one waits on the other process.

    The hidden inputs stay hidden: none is sent before every public check is
    settled, so nothing a public check says (shown at once, where hidden ones
    are not) can come from a process that held one; and what the process
    prints from then on is kept apart (see Sandbox.mark_output)."""
    for visibility, cases in sorted(groups, key=lambda group: group[0] != PUBLIC):
        if visibility != PUBLIC:
            sandbox.mark_output()
        planned = [grader.plan(visibility, cases) for grader in graders]
        replies = sandbox.stream([request for requests in planned for request in requests])
        for grader in graders:
            grader.check(replies)
        asked = [grader.own_requests() for grader in graders]
        answers = iter(sandbox.run([request for requests in asked for request in requests]))
        for grader, requests in zip(graders, asked):
            grader.settle([next(answers) for _ in requests])
    return [grader.result(groups) for grader in graders]


def _same_for_every_student(args: dict) -> bool:
    """Whether calls on these arguments are the same for every student: none
    is a cache of the student's own forward (see Case.planned)."""
    return not any(isinstance(v, CacheOf) for v in args.values())


def checks_per_case_group(f: Function) -> int:
    """The checks grading makes for f on one group of cases when every step
    succeeds: returns, inputs unchanged, and per output shape + value or
    gradient (+ four structural checks of a vector-Jacobian product). A
    passing gradient is not differenced against the student's own forward."""
    return 2 + sum(a.updates for a in f.args) + sum(2 + 4 * bool(o.vjp) for o in f.outputs if not o.opaque)


def _unloadable(f: Function, status: str, message: str) -> FunctionResult:
    return FunctionResult(name=f.name, score=0.0, max_score=f.points,
                          checks=[Check(name="import", status=status, message=message)])


class FunctionGrader:
    """All checks of one function: its signature, then per visibility its
    return values on every case, folded into one check per name. Driven by
    grade_functions: for each group of cases plan, check, own_requests and
    settle; then result."""

    def __init__(self, spec: Spec, f: Function, sandbox: Sandbox, source: Source, found: dict,
                 always_own: bool = True):
        self.spec, self.f, self.sandbox, self.source, self.found = spec, f, sandbox, source, found
        self.always_own = always_own  # the check against the student's own forward, even when the gradient passed
        self.checks: list[Check] = []
        self.own_checks: list[OwnCheck] = []   # asked for by the cases checked since the last own_requests
        self.info: dict | None = found.get(f.target)   # what the student's process said of the function
        self.signed = checks.signature(f, self.info)
        self._add("signature", PUBLIC, [(None, self.signed)])
        self.planned: list = []                # (visibility, [Plan]) for each group planned
        self.verdicts: list = []               # (visibility, {check key: [(case, Verdict)]}) for each group checked
        self.asked: list = []                  # (OwnCheck, (stencil, request)): the probes asked for
        self.failed: set[str] = set()          # the checks that failed on a case of the group being checked

    def plan(self, visibility: str, cases: list[Case]) -> list[Request]:
        """Plan the calls of every case of one group (see grade_functions),
        none if the signature failed; return them in the order their answers are read."""
        plans = [] if self.signed.status != "passed" else [
            self._plan(case, first=i == 0) for i, case in enumerate(cases)]
        self.planned.append((visibility, plans))
        return [request for plan in plans for request in plan.requests]

    def check(self, replies) -> None:
        """Check every case of the group planned last, taking its answers from `replies` as they come."""
        visibility, plans = self.planned[-1]
        self.verdicts.append((visibility, self._check_group(plans, replies)))

    def result(self, groups) -> FunctionResult:
        for visibility, verdicts in self.verdicts:
            for (name, output, scored), results in verdicts.items():
                self._add(name, visibility, results, output, scored)
        redrawn = sum(c.redrawn.get(self.f.name, 0) for _, cases in groups for c in cases)
        return FunctionResult(name=self.f.name, score=self._score(), max_score=self.f.points,
                              line=(self.info or {}).get("line"), redrawn=redrawn, checks=self.checks)

    def _plan(self, case: Case, first: bool) -> Plan:
        """The calls one case needs, planned once per case and function when
        they are the same for every student (no argument is the student's own
        cache): a case from the pool is given to many submissions."""
        same_for_all = _same_for_every_student(case.inputs[self.f.name])
        key = (self.f.name, first)
        if same_for_all and key in case.planned:
            args, requests, vjp_args, structure = case.planned[key]
            return Plan(case, args, list(requests), vjp_args=vjp_args, structure=structure, first=first)
        plan = self._new_plan(case, first)
        if same_for_all:
            case.planned[key] = (plan.args, plan.requests, plan.vjp_args, plan.structure)
        return plan

    def _new_plan(self, case: Case, first: bool) -> Plan:
        """The function on the case's inputs, and for each vector-Jacobian
        product on a second upstream gradient; on the group's first case also
        on the three that test its structure (linearity, zero, repeatability:
        properties of the code, which one case shows as well as many)."""
        f = self.f
        args = self._wire_args(case.inputs[f.name], case)
        if isinstance(args, Verdict):
            return Plan(case, args)
        opaque = [i for i, o in enumerate(f.outputs) if o.opaque]
        plan = Plan(case, args, [call_request(f.target, args, opaque, [a.name for a in f.args if a.updates])],
                    first=first)
        vjps = [o for o in f.outputs if o.vjp and not o.opaque]
        if vjps:
            plan.vjp_args = self._wire_args(case.inputs[f.name], case)  # caches of their own
        if vjps and not isinstance(plan.vjp_args, Verdict):
            expected = self.source.expected(f, case)
            # Products whose calls are the same (dx, dw and db of one dout, say) share them: each call is made
            # once, and each output is read from its answers.
            planned: dict[tuple, int] = {}
            for o in vjps:
                up = o.vjp.upstream
                u1, u2 = np.asarray(plan.vjp_args[up], dtype=np.float64), expected.second[o.name].upstream
                upstreams = (u2, 2 * u1 - 3 * u2, np.zeros_like(u1), u1) if first else (u2,)
                calls = [call_request(f.target, {**plan.vjp_args, up: u}) for u in upstreams]
                key = tuple(call.frame for call in calls)
                if key not in planned:
                    planned[key] = len(plan.requests)
                    plan.requests += calls
                plan.structure[o.name] = planned[key]
        return plan

    def _check_group(self, plans: list[Plan], replies) -> dict:
        """Each case's verdicts, by check, as its answers come in from `replies`.
        A check that failed on a case is not explained on the group's later
        ones: the first failure is the one reported (see _add)."""
        verdicts: dict[tuple[str, str | None, bool], list] = {}
        self.failed = set()
        for plan in plans:
            plan.replies = [next(replies) for _ in plan.requests]
            for (name, output, scored), verdict in self._run_case(plan):
                verdicts.setdefault((name, output, scored), []).append((plan.case, verdict))
                if verdict.status != "passed":
                    self.failed.add(name)
        return verdicts

    def _run_case(self, plan: Plan):
        """(check key, verdict) pairs for one case."""
        f, case = self.f, plan.case
        if isinstance(plan.args, Verdict):
            yield ("returns", None, True), plan.args
            return
        reply = plan.replies[0]
        if not reply.ok:
            yield ("returns", None, True), _failure(reply, f"{f.target} raised an error")
            return
        verdict, outputs = checks.returns(f, reply.data["result"])
        yield ("returns", None, True), verdict
        mutated = reply.data.get("mutated", [])
        yield ("inputs unchanged", None, False), Verdict(
            "failed" if mutated else "passed",
            f"{f.name} changed its input{'s' if len(mutated) > 1 else ''} {', '.join(mutated)} in place "
            "(the grader passes copies; this costs no points, but code that reuses the array would break)"
            if mutated else f"{f.name} leaves its inputs unchanged")
        if outputs is None:
            return
        expected = self.source.expected(f, case)
        for a in f.args:
            if a.updates:
                yield (f"{a.name} updated", None, True), checks.updated(
                    a.name, reply.data.get("updated", {}).get(a.name), expected.updated[a.name], *self._tolerance(None))
        for o in f.outputs:
            if not o.opaque:
                yield from self._check_output(o, outputs[o.name], expected, plan)

    def _wire_args(self, args: dict, case: Case) -> dict | Verdict:
        """Arguments as the student's process takes them: fixtures as recipes,
        and each cache made by the student's own forward, kept in their process."""
        wired = {}
        for name, value in args.items():
            if isinstance(value, Recipe):
                value = value.tagged()
            elif isinstance(value, CacheOf):
                value = self._cache(value.forward, case)
                if isinstance(value, Verdict):
                    return value
            wired[name] = value
        return wired

    def _cache(self, forward: str, case: Case) -> dict | Verdict:
        f = self.spec.function(forward)
        if forward not in self.found:
            return Verdict("error", f"{self.f.name} needs the cache of your {forward}, which is not defined")
        args = self._wire_args(case.inputs[forward], case)
        k = next(i for i, o in enumerate(f.outputs) if o.opaque)
        reply = self.sandbox.call(forward, args, keep=[k])
        if not reply.ok:
            return _failure(reply, f"{self.f.name} needs the cache of your {forward}, which raised an error")
        result = reply.data["result"]
        if not isinstance(result, Sequence) or len(result.items) != len(f.outputs):
            return Verdict("error", f"{self.f.name} needs the cache of your {forward}, but {forward} does not return "
                                    f"{len(f.outputs)} values")
        return result.items[k]

    def _prepared(self, o: Output, expected: Expected, case: Case) -> Prepared:
        prep = expected.prepared.get(o.name)
        if prep is None:
            ctx = Context(o.name, case.dims, case.inputs[self.f.name],
                          {m.code: (m.message, expected.variants[m.code][o.name]) for m in self.f.mistakes},
                          {name: value for name, value in expected.outputs.items() if name != o.name})
            rtol, atol = self._tolerance(o)
            truth = expected.outputs[o.name]
            if o.derivative is None:
                tol, bounds = bound(truth, rtol, atol), None
            else:
                numeric, probe = expected.numeric[o.name], expected.probes[o.name]
                tol, bounds = None, checks.Bounds.of(numeric, probe, truth, rtol, atol)
            prep = expected.prepared[o.name] = Prepared(ctx, output_shape(o, case.dims), rtol, atol, tol, bounds)
        return prep

    def _check_output(self, o: Output, got: np.ndarray, expected: Expected, plan: Plan):
        case = plan.case
        truth = expected.outputs[o.name]
        prep = self._prepared(o, expected, case)
        ctx = prep.ctx
        shape = checks.shape(o, got, prep.shape, truth, ctx, f"{o.name} shape" not in self.failed)
        yield (f"{o.name} shape", o.name, True), shape
        if shape.status != "passed":
            return
        if self.spec.tolerance.require_float64 and checks.float64_required(o, got):
            yield (f"{o.name} dtype", o.name, True), checks.float64_required(o, got)
            return
        rtol, atol = prep.rtol, prep.atol
        if o.derivative is None:
            yield (f"{o.name} value", o.name, True), checks.value(o, got, truth, rtol, atol, ctx, prep.tol,
                                                                  f"{o.name} value" not in self.failed)
            return
        probe, numeric = expected.probes[o.name], expected.numeric[o.name]
        key = f"{o.name} {o.derivative_kind if o.jacobian else 'gradient'}"
        first = key not in self.failed  # no earlier case of the group failed it: a failure here is the one reported
        grad = checks.gradient(o, got, numeric, probe, truth, rtol, atol, ctx, prep.bounds, first)
        forward = self.spec.function(probe.forward)
        yield (key, o.name, True), grad
        if forward.student and (self.always_own or (grad.status != "passed" and first)):
            own = OwnCheck(o, got, probe, case, rtol, atol, grad)
            self.own_checks.append(own)
            yield (f"{o.name} vs your {probe.forward}", o.name, False), own.verdict
        if o.vjp:
            yield from self._vjp_structure(o, got, expected, plan, ctx)

    def _tolerance(self, o: Output | None) -> tuple[float, float]:
        tol = self.spec.tolerance
        if o is None:
            return tol.rtol, tol.atol
        return o.rtol or tol.rtol, tol.atol if o.atol is None else o.atol

    def own_requests(self) -> list[Request]:
        """The probes of the student's own forward that the checks asked for
        (each one's first look: float32's retries come after, one by one).
        Those that need no probe are settled here."""
        self.asked, pending, self.own_checks = [], self.own_checks, []
        for own in pending:
            if own.probe.forward not in self.found:
                own.settle(Verdict("skipped", f"your module has no {own.probe.forward} to differentiate"))
                continue
            request = self._probe_request(own.o, own.probe, own.case, single=False)
            if isinstance(request, Verdict):
                own.settle(request)
            else:
                self.asked.append((own, request))
        return [request for _, (_, request) in self.asked]

    def settle(self, replies: list[Reply]) -> None:
        """Judge each probed check on its reply (in the order of own_requests)."""
        for (own, (stencil, _)), reply in zip(self.asked, replies):
            own.settle(self._own_forward(own, self._read_difference(own.probe, stencil, reply)))

    def _own_forward(self, own: OwnCheck, found) -> Verdict:
        """The answer along the probe's direction against the student's own
        forward differenced along it (a Jacobian weighted by its cotangent);
        `found` is the first difference (or why there is none)."""
        o, got, probe, case, rtol, atol = own.o, own.got, own.probe, own.case, own.rtol, own.atol
        answer = checks.rows(got, 1 if probe.cotangent is None else probe.cotangent.size)
        if probe.cotangent is not None:
            answer = probe.cotangent.reshape(1, -1) @ answer
        answer_along = float((answer @ probe.direction.reshape(-1))[0])
        if isinstance(found, Verdict) or not found[2]:
            return found if isinstance(found, Verdict) else self._judge_own(o, answer, answer_along, probe,
                                                                             found[:2], rtol, atol, False)
        # A float32 forward: float32's longer step, its tolerances, and second looks at shorter steps
        # before saying no, since a long step may jump a kink.
        rtol, atol = max(rtol, FLOAT32_RTOL), max(atol, FLOAT32_RTOL * float(np.abs(got).max(initial=0.0)))
        verdict = None
        for shrink in (1.0, 8.0, 64.0):
            found = self._difference(o, probe, case, single=True, shrink=shrink)
            if isinstance(found, Verdict):
                return found
            verdict = self._judge_own(o, answer, answer_along, probe, found[:2], rtol, atol, True)
            if verdict.status == "passed":
                break
        return verdict

    def _difference(self, o: Output, probe, case: Case, single: bool, shrink: float = 1.0):
        """(derivative along the direction, its error, computed in float32?) of the student's forward."""
        request = self._probe_request(o, probe, case, single, shrink)
        if isinstance(request, Verdict):
            return request
        stencil, message = request
        return self._read_difference(probe, stencil, self.sandbox.run([message])[0])

    def _probe_request(self, o: Output, probe, case: Case, single: bool, shrink: float = 1.0):
        """(the stencil, the request) differencing the student's forward along
        the probe of output `o`, or why not; planned once per case, as calls are."""
        key = ("probe", self.f.name, o.name, single, shrink)
        if key in case.planned:
            return case.planned[key]
        args = self._wire_args(probe.args, case)
        if isinstance(args, Verdict):
            return args
        weights = probe.cotangent if probe.cotangent is not None else probe.upstream
        stencil = probe.directional(single, shrink)
        planned = stencil, probe_request(probe.forward, args, probe.wrt, stencil.points(), probe.output, weights,
                                         probe.direction)
        if _same_for_every_student(probe.args):
            case.planned[key] = planned
        return planned

    def _read_difference(self, probe, stencil, reply: Reply):
        if not reply.ok:
            return _failure(reply, f"could not differentiate your {probe.forward} numerically")
        along, error = (float(np.ravel(x)[0]) for x in stencil.gradient(reply.data["values"]))
        return along, error, bool(reply.data.get("float32"))

    def _judge_own(self, o: Output, answer, answer_along: float, probe, found, rtol: float, atol: float,
                   single: bool) -> Verdict:
        along, error = found
        tolerance = float(checks.along_tolerance(probe.direction, answer, error, rtol, atol)[0])
        if single and error > 0.1 * (tolerance - 2 * error):
            return Verdict("skipped", f"your {probe.forward} computes in float32 and is not smooth enough here to be "
                                      f"differenced at float32's precision; compute in float64 to get this check")
        verdict = checks.consistency(o, answer_along, along, error, tolerance, probe.forward)
        if single:
            verdict.message += f" (your {probe.forward} computes in float32: judged with float32 tolerances)"
        return verdict

    def _vjp_structure(self, o: Output, g1: np.ndarray, expected: Expected, plan: Plan, ctx: Context):
        """A vector-Jacobian product must be right for a second upstream gradient
        too, linear in it, zero for zero, and the same when called again."""
        up = o.vjp.upstream
        if isinstance(plan.vjp_args, Verdict):
            yield (f"{o.name} with another {up}", o.name, True), plan.vjp_args
            return
        start = plan.structure[o.name]
        second_reply, *others = plan.replies[start:start + (4 if plan.first else 1)]
        second = expected.second[o.name]
        rtol, atol = self._tolerance(o)
        g2 = self._answer(o, second_reply, g1.shape)
        if isinstance(g2, Verdict):
            yield (f"{o.name} with another {up}", o.name, True), g2
            return
        found = (Diagnosis("upstream_ignored", f"{o.name} does not change when {up} changes: "
                                                f"the upstream gradient {up} is ignored")
                 if close(g2, g1) and not close(second.truth, expected.outputs[o.name]) else None)
        v = checks.value(o, g2, second.truth, rtol, atol, ctx)
        if v.status == "failed" and found:
            v.diagnosis, v.message = found, v.message.split("\nDiagnosis:")[0] + f"\nDiagnosis: {found.sentence}"
        yield (f"{o.name} with another {up}", o.name, True), v
        properties = [(2 * g1 - 3 * g2, f"linear in {up}"),   # the calls were planned in this order (see _plan)
                      (np.zeros_like(g1), f"zero when {up} is zero"),
                      (g1, "the same when called again")]
        for (implied, what), reply in zip(properties, others):
            got = self._answer(o, reply, g1.shape)
            verdict = got if isinstance(got, Verdict) else checks.same(o.name, got, implied, rtol, atol, what)
            yield (f"{o.name} {what}", o.name, True), verdict

    def _answer(self, o: Output, reply: Reply, shape: tuple) -> np.ndarray | Verdict:
        """One output of the student's function on other arguments, or why not."""
        if not reply.ok:
            return _failure(reply, f"{self.f.target} raised an error")
        verdict, outputs = checks.returns(self.f, reply.data["result"])
        if outputs is None:
            return verdict
        got = outputs[o.name]
        if got.shape != shape:
            return Verdict("failed", f"{o.name} has shape {got.shape} here, {shape} before")
        return got

    def _add(self, name: str, visibility: str, results: list, output: str | None = None, scored: bool = True):
        """Fold per-case verdicts into one check: the first case that did not
        pass speaks for all; when all pass, the closest call does."""
        bad = [(case, v) for case, v in results if v.status != "passed"]
        if bad:
            case, v = max(bad, key=lambda cv: SEVERITY[cv[1].status])
        else:
            case, v = max(results, key=lambda cv: cv[1].margin or 0.0)
        label = case.label if case is not None else None
        said, _, explanation = v.message.partition("\nDiagnosis: ")
        message = said if not label or not bad else f"on {label}: {said}"
        if not bad and len(results) > 1:
            message += f" (all {len(results)} {visibility} cases)"
        self.checks.append(Check(
            name=name if visibility == PUBLIC else f"{name} (hidden)", status=v.status, message=message,
            diagnosis=v.diagnosis.code if v.diagnosis else None,
            explanation=explanation, visibility=visibility, scored=scored,
            output=output, case=label if bad else None, margin=v.margin, worst=v.worst))

    def _score(self) -> float:
        """The function's points split over its outputs; an output earns its
        share when every scored check of the function or of that output passed."""
        scored = [c for c in self.checks if c.scored]
        if not any(c.output is not None for c in scored) or any(
                c.status != "passed" for c in scored if c.output is None):
            return 0.0
        graded = [o for o in self.f.outputs if not o.opaque]
        share = self.f.points / len(graded)
        earned = sum(all(c.status == "passed" for c in scored if c.output == o.name) for o in graded)
        return round(share * earned, 6)


# numpy 1.24 removed these aliases: what to write instead
NUMPY1_ALIASES = {"float": "float or np.float64", "int": "int or np.int64", "bool": "bool or np.bool_",
                  "object": "object", "complex": "complex or np.complex128", "str": "str", "long": "int",
                  "unicode": "str"}
REMOVED_ALIAS = re.compile(r"module 'numpy' has no attribute '(\w+)'")


def _failure(reply: Reply, what: str) -> Verdict:
    err = reply.error
    status = ERROR_STATUS.get(err.kind, "error")
    if err.kind == "timeout":
        return Verdict(status, f"{what}: {err.message}")
    message = f"{what}:\n{err.describe()}"
    alias = REMOVED_ALIAS.search(err.message)
    if alias and alias.group(1) in NUMPY1_ALIASES:
        message += (f"\nThis file works on numpy 1.x only: np.{alias.group(1)} was removed in numpy 1.24, and "
                    f"grading runs numpy {np.__version__}; write {NUMPY1_ALIASES[alias.group(1)]} instead")
    return Verdict(status, message)
