"""One mistake charged once. A backward that receives the cache of the
student's own forward (dropout_backward gets dropout_forward's mask) inherits
that forward's mistakes. Where the spec forgives them (`cascade = "forgive"`
on the cache argument) and the forward loses points of its own, a derivative
that failed only where it is the right derivative of the student's forward
(`wrong_forward` on every failed case, for every upstream) is not charged
again. Its check stays, failed, without points, and names the function that
was charged (`cascade`).

What this cannot be used for: a deliberately wrong forward costs its own
points, and the backward must still be the derivative of that forward on
every case, public and hidden, along directions it cannot know in advance.
A forward simplified on purpose (batch normalization as the identity) would
make its backward trivial: that is why forgiving is the spec's choice, made
for a backward whose work is to apply what its forward stored, and not the
default."""
from __future__ import annotations

from ..results import Check, FunctionResult
from ..spec import Function, Spec
from ..spec.classes import uses_of
from .fold import Judged, Key, score


def unexplained_first(verdicts: dict[Key, list[Judged]]) -> None:
    """For a function fed a cache, each check's failures that the student's
    own forward does not explain go first, so that the failure a check
    reports (fold) is `wrong_forward` only when every one of them is."""
    for judged in verdicts.values():
        judged.sort(key=lambda j: j.verdict.diagnosis is not None and j.verdict.diagnosis.code == "wrong_forward")


def charge_once(spec: Spec, results: list[FunctionResult]) -> list[FunctionResult]:
    """The results, with every cascade from a forward that lost points of its
    own made unscored in the functions its cache fed, and those rescored;
    and a method's failed checks marked where a function it uses lost points."""
    lost = {r.name for r in results if r.score < r.max_score}
    charged = []
    for r in results:
        f = spec.function(r.name)
        failing = [name for name in uses_of(spec, f) if name in lost]
        checks = [forgiven(c, forward) if (forward := cascade_from(spec, f, c)) in lost
                  else uses_failing(c, failing) if failing and c.scored and c.status == "failed" and c.output
                  and c.diagnosis is None else c for c in r.checks]
        if checks != r.checks:
            r = r.model_copy(update={"checks": checks, "score": score(f, checks)})
        charged.append(r)
    return charged


def cascade_from(spec: Spec, f: Function, c: Check) -> str | None:
    """The forward whose cache fed f, when check c failed only where f's output
    is the right derivative of the student's own forward; None otherwise."""
    if not (c.scored and c.status == "failed" and c.diagnosis == "wrong_forward" and c.output):
        return None
    o = f.output(c.output)
    if o is None or o.derivative is None:
        return None
    forward = spec.resolve(f, o.derivative.of)[0].name
    return forward if any(a.cache == forward and a.cascade == "forgive" for a in f.args) else None


def uses_failing(c: Check, failing: list[str]) -> Check:
    """A method's failed check, where a function it uses (the student's own
    layer) fails its own checks: still charged, since the method's own work
    cannot be told apart here, but with the layer named, to be fixed first."""
    named = ", ".join(failing)
    verb = "fails its" if len(failing) == 1 else "fail their"
    why = (f"{named} {verb} checks; this {c.output} uses {'it' if len(failing) == 1 else 'them'}: fix {named} "
           "first, then look at this again")
    return c.model_copy(update={"diagnosis": "uses_failing", "explanation": why, "charged_to": failing[0]})


def forgiven(c: Check, forward: str) -> Check:
    """The check as a cascade: still failed, no longer scored, the forward named."""
    why = (f"{c.output} is the right derivative of your own {forward} on every case, and it is computed from "
           f"the cache your {forward} returned: the mistake is in {forward}, which loses its own points for it, "
           f"so it is not charged here again. Fix {forward}, and this check passes as well")
    return c.model_copy(update={"scored": False, "diagnosis": "cascade", "explanation": why, "charged_to": forward})
