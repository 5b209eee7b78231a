"""The calls one case needs from the student's process, planned before any
is made so that every call of a group reaches the process in one exchange.
A call and its reply travel together: each check reads the replies of the
calls it planned, and no list elsewhere has to match the plan's order."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..cases.sampling import Case
from ..judge.checks import Verdict
from ..sandbox.answers import Reply
from ..sandbox.recipes import CacheOf, OutputOf
from ..sandbox.runner import Request


@dataclass
class Call:
    """One request for the student's process, and its reply once read."""
    request: Request
    reply: Reply | None = None


@dataclass
class CasePlan:
    """The calls of one function on one case: the function on the case's
    inputs (`call`; None when its arguments could not be made, and `refused`
    says why), then the calls its outputs ask for beyond it (see
    outputs.py), by what they share (a vector-Jacobian product's upstream),
    then the call with the student's own defaults in place of stand-ins
    (`composed`, see composition.py)."""
    case: Case
    label: str                   # "public case 2": how reports name the case
    first: bool                  # the group's first case: properties of the code are tested on it
    call: Call | None = None
    refused: Verdict | None = None
    extra: dict[str, list[Call]] = field(default_factory=dict)
    composed: Call | None = None

    def calls(self) -> list[Call]:
        """Every call, in the order they are sent and answered."""
        main = [self.call] if self.call else []
        composed = [self.composed] if self.composed else []
        return main + [c for calls in self.extra.values() for c in calls] + composed

    def requests(self) -> list[Request]:
        """The requests of the calls not answered yet (a forward's own call may
        be answered as soon as it is planned: see FunctionGrading.plan)."""
        return [c.request for c in self.calls() if c.reply is None]

    def answer(self, replies) -> None:
        """Take this case's replies, in order, from the group's stream of replies
        (once: judged again under another convention, the case has them)."""
        for c in self.calls():
            if c.reply is None:
                c.reply = next(replies)


@dataclass
class Requests:
    """A case's requests before any is sent: what CasePlan's calls are made
    of, kept for every student given the case when no argument is theirs."""
    call: Request | None = None
    refused: Verdict | None = None
    extra: dict[str, list[Request]] = field(default_factory=dict)
    composed: Request | None = None

    def plan(self, case: Case, label: str, first: bool) -> CasePlan:
        """Calls of one student's own, to be answered."""
        return CasePlan(case, label, first, Call(self.call) if self.call else None, self.refused,
                        {key: [Call(r) for r in requests] for key, requests in self.extra.items()},
                        Call(self.composed) if self.composed else None)


def same_for_every_student(args: dict) -> bool:
    """Whether calls on these arguments are the same for every student: none
    is a cache or an output made by the student's own forward."""
    return not any(isinstance(v, (CacheOf, OutputOf)) for v in args.values())
