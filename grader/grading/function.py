"""Grading one function of a submission: its signature, then for each group
of cases (public, then hidden) its calls planned, its answers judged case
by case, and the checks against the student's own forward settled; the
verdicts of each check folded over the group's cases."""
from __future__ import annotations

from typing import TYPE_CHECKING, Generator, Iterator

import numpy as np

from ..cases.sampling import PUBLIC, Case
from ..reference.expected import Expected
from ..judge import checks
from ..judge.checks import Verdict
from ..judge.tolerance import declared
from ..results import FunctionResult
from ..sandbox.answers import FunctionInfo, Reply
from ..sandbox.recipes import CacheOf, OutputOf, Recipe, with_copied_caches
from ..sandbox.runner import Request, call_request
from ..sandbox.wire_values import Sequence, Subclassed
from ..spec import Function, Spec
from ..spec.consistency import feeders
from .cascade import unexplained_first
from .composition import composed_request, judge_composed
from .conventions import candidates, chosen
from . import cache_reuse, derived
from .failure import Refused, raised
from .fold import Judged, Key, fold, score
from .memo import once
from .outputs import VectorJacobianProduct, judge_for
from .own_forward import OwnForward
from .plan import CasePlan, Requests, same_for_every_student

if TYPE_CHECKING:
    from .submission import Source, StudentProcess

# One function's grading, as a conversation with the student's process: it
# yields the requests it needs and is sent an iterator of their replies.
Conversation = Generator[list[Request], Iterator[Reply], FunctionResult]


class FunctionGrading:
    """What grading one function needs: the spec, the student's process, where
    the expected values come from, and what the process said it defines."""

    def __init__(self, spec: Spec, f: Function, sandbox: StudentProcess, source: Source, found: dict,
                 forwards: dict | None = None):
        self.spec, self.f, self.sandbox, self.source, self.found = spec, f, sandbox, source, found
        # the replies of the graded calls of forwards whose cache or output others take, by (case, forward)
        self.forwards = {} if forwards is None else forwards
        self.feeds_others = any(f.name in feeders(spec, g) for g in spec.functions)
        self.info: FunctionInfo | None = found.get(f.target)   # what the student's process said of the function
        self.outputs = [judge_for(self, o) for o in f.judged]
        self.own = OwnForward(self)
        self.conventions = candidates(spec, f)   # judged against each (conventions.py)
        self.convention: str | None = None       # ... the one being judged against

    def fed_by(self, forward: str) -> bool:
        """Whether this function receives the cache of the student's `forward`,
        so that a mistake there can cascade into its answers (cascade.py)."""
        return any(a.cache == forward for a in self.f.args)

    def conversation(self, groups: list[tuple[str, list[Case]]]) -> Conversation:
        """Per group of cases, three steps, each ended by a yield: the calls
        (answered by a stream of replies, judged as they come), the probes
        of the student's own forward (answered all at once), then nothing
        (the group is settled: the next one may begin). Returns the result."""
        signed = checks.signature(self.f, self.info)
        results = {c: [fold(Key("signature"), PUBLIC, [Judged(None, signed)])] for c in self.conventions}
        for visibility, cases in groups:
            plans = [] if signed.status != "passed" else [
                self.plan(case, f"{visibility} case {i}", first=i == 1) for i, case in enumerate(cases, 1)]
            replies = yield [request for plan in plans for request in plan.requests()]
            by_convention = {}
            for convention in self.conventions:   # the same replies, judged against each convention
                self.convention, self.own = convention, OwnForward(self)
                by_convention[convention] = self.own, self.judge_group(plans, replies)
            answers = yield [request for own, _ in by_convention.values() for request in own.requests()]
            for convention, (own, verdicts) in by_convention.items():
                own.settle(answers, verdicts)
                if any(a.cache for a in self.f.args):
                    unexplained_first(verdicts)
                results[convention] += [fold(key, visibility, judged) for key, judged in verdicts.items()]
            yield []
        self.convention = None
        convention, result = chosen(self.spec, self.f, results)
        redrawn = sum(c.redrawn.get(self.f.name, 0) for _, cases in groups for c in cases)
        return FunctionResult(name=self.f.name, score=score(self.f, result), max_score=self.f.points,
                              line=self.info and self.info.line, redrawn=redrawn, convention=convention,
                              checks=result)

    def expected(self, case: Case) -> Expected:
        """The reference's answers on the case under the convention being judged."""
        expected = self.source.expected(self.f, case)
        return expected if self.convention is None else expected.conventions[self.convention]

    def plan(self, case: Case, label: str, first: bool) -> CasePlan:
        """The calls of one case: planned once for every student given the
        case when no argument is the student's own cache."""
        if same_for_every_student(case.inputs[self.f.name]):
            requests = once(case, ("calls", self.f.name, first), lambda: self.requests(case, first))
        else:
            requests = self.requests(case, first)
        plan = requests.plan(case, label, first)
        if plan.call and self.feeds_others:   # answered now: the calls of the functions it feeds take its cache
            plan.call.reply = self.sandbox.run([plan.call.request])[0]
            self.forwards[case, self.f.name] = plan.call.reply
        return plan

    def requests(self, case: Case, first: bool) -> Requests:
        """The function on the case's inputs, then what its outputs ask for."""
        f, made, calls_made = self.f, Requests(), {}
        try:
            args = self.wire_args(case.inputs[f.name], case, calls_made)
        except Refused as refused:
            made.refused = refused.verdict
            return made
        opaque = [i for i, o in enumerate(f.outputs) if o.opaque]
        # the call takes a copy of each cache, so that the calls below get it as the forward left it
        made.call = call_request(f.target, with_copied_caches(args), opaque, [a.name for a in f.args if a.updates],
                                 watch=derived.watched(self.spec, f), caches=cache_reuse.watched(f))
        if f.stand_ins:
            made.composed = composed_request(f, with_copied_caches(args))
        products = [judge for judge in self.outputs if isinstance(judge, VectorJacobianProduct)]
        if not products:
            return made
        for judge in products:
            upstream = judge.o.vjp.upstream
            if upstream not in made.extra:   # products on the same upstream share their calls
                made.extra[upstream] = judge.requests(args, case, first)
        return made

    def judge_group(self, plans: list[CasePlan], replies: Iterator[Reply]) -> dict[Key, list[Judged]]:
        """Each case's verdicts, by check, as its answers come in. A check that
        failed on a case need not be explained on the group's later ones:
        the first failure is the one reported (see fold)."""
        verdicts: dict[Key, list[Judged]] = {}
        failed: set[str] = set()
        for plan in plans:
            plan.answer(replies)
            for key, verdict in self.judge_case(plan, failed):
                judged = verdicts.setdefault(key, [])
                if verdict is None:   # a check against the student's own forward, settled later
                    continue
                judged.append(Judged(plan.label, verdict))
                if verdict.status != "passed":
                    failed.add(key.name)
        return verdicts

    def judge_case(self, plan: CasePlan, failed: set) -> list[tuple[Key, Verdict | None]]:
        """(check, verdict) pairs for one case, a cache reused across layers
        named on its failures (cache_reuse.py), then the student's own
        composition where stand-ins were passed (composition.py)."""
        judged = list(self.judge_answers(plan, failed))
        if plan.call:
            cache_reuse.name_reuse(plan.call.reply, judged)
        if plan.composed:
            expected = self.expected(plan.case)
            if expected.composed:
                judged.append(judge_composed(self, plan, expected, judged))
        return judged

    def judge_answers(self, plan: CasePlan, failed: set) -> Iterator[tuple[Key, Verdict | None]]:
        """(check, verdict) pairs for one case's answers."""
        f = self.f
        if plan.refused:
            yield Key("returns"), plan.refused
            return
        reply = plan.call.reply
        if not reply.ok:
            yield Key("returns"), raised(reply, f.target)
            return
        verdict, outputs = checks.returns(f, reply.result)
        yield Key("returns"), verdict
        yield Key("inputs unchanged", scored=False), unchanged(f, reply.mutated)
        if outputs is None:
            return
        expected = self.expected(plan.case)
        for a in f.args:
            if a.updates:
                yield Key(f"{a.name} updated"), checks.updated(
                    a.name, reply.updated.get(a.name), expected.updated[a.name], declared(self.spec))
        for judge in self.outputs:
            yield from judge.judge(outputs[judge.o.name], plan, expected, failed)
        yield from derived.judge(self, plan, expected)

    def wire_args(self, args: dict, case: Case, made: dict | None = None) -> dict:
        """Arguments as the student's process takes them: fixtures as recipes,
        and each cache made by the student's own forward, kept in their
        process, and each output of it (one call of a forward gives both;
        `made` holds the calls already made, by forward). Refused when a
        cache or an output cannot be made."""
        wired, made = {}, {} if made is None else made
        for name, value in args.items():
            if isinstance(value, Recipe):
                value = value.tagged()
            elif isinstance(value, CacheOf):
                value = self.made(value.forward, case, made, f"the cache of your {value.forward}").items[
                    next(i for i, o in enumerate(self.spec.function(value.forward).outputs) if o.opaque)]
            elif isinstance(value, OutputOf):
                value = self.output_of(value, case, made)
            wired[name] = value
        return wired

    def made(self, forward: str, case: Case, made: dict, what: str) -> Sequence:
        """What the student's own forward returns on the case, its cache kept
        in their process under a handle: called once per `made`."""
        if forward in made:
            return made[forward]
        f, needs = self.spec.function(forward), f"{self.f.name} needs {what}"
        if forward not in self.found:
            raise Refused(Verdict("error", f"{needs}, which is not defined"))
        reply = self.forwards.get((case, forward))   # the forward's own graded call, where it was made
        if reply is None:
            args = self.wire_args(case.inputs[forward], case)
            reply = self.sandbox.call(forward, args, keep=[i for i, o in enumerate(f.outputs) if o.opaque])
        if not reply.ok:
            raise Refused(raised(reply, f"{needs}, which"))
        result = reply.result
        if len(f.outputs) == 1:
            result = Sequence("tuple", [result])
        elif not isinstance(result, Sequence) or len(result.items) != len(f.outputs):
            raise Refused(Verdict("error", f"{needs}, but {forward} does not return {len(f.outputs)} values"))
        made[forward] = result
        return result

    def output_of(self, value: OutputOf, case: Case, made: dict):
        """An output of the student's own forward on the case, to pass on as it
        came back (the plain array of an ndarray subclass); Refused if it is no array."""
        what = f"the {value.output} of your {value.forward}"
        forward = self.spec.function(value.forward)
        k = next(i for i, o in enumerate(forward.outputs) if o.name == value.output)
        item = self.made(value.forward, case, made, what).items[k]
        item = item.array if isinstance(item, Subclassed) else item
        if not isinstance(item, (np.ndarray, int, float)) or isinstance(item, bool):
            raise Refused(Verdict("error", f"{self.f.name} needs {what}, which is not an array"))
        return item


def unchanged(f: Function, mutated: list[str]) -> Verdict:
    """Whether the call left its inputs as it found them (it costs no points)."""
    if not mutated:
        return Verdict("passed", f"{f.name} leaves its inputs unchanged")
    return Verdict("failed", f"{f.name} changed its input{'s' if len(mutated) > 1 else ''} {', '.join(mutated)} "
                             "in place (the grader passes copies; this costs no points, but code that reuses the "
                             "array would break)")
