"""Accepted conventions: answers other than the reference's that earn full
marks, because the course accepted them (the L2 term written
`0.5 * reg * sum(W**2)` with its gradient `reg * W`, or `reg * sum(W**2)`
with `2 * reg * W`; dropout's `p` the probability of keeping a unit, or of
dropping it).

A convention is a named variant of the reference: `variants` maps a function
of the reference to the function of the reference module that stands in for
it under the convention (a forward, the function itself, a mistake's variant).
A function is judged against the reference and against every convention
whose variants change its expected answers, and gets the verdicts of the one
that all its outputs and cases match (grading/conventions.py). The convention
with no variants, if one is declared, names the reference's own."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from .consistency import feeders
from .problems import Problem, duplicates
from .samples import Strict

if TYPE_CHECKING:
    from .models import Function, Spec


class Convention(Strict):
    """One accepted convention: its name, what it is, and the functions of the
    reference module that stand in for the reference's under it."""
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    variants: dict[str, str] = Field({}, description="a function of the reference -> the function of the "
                                     "reference module computing it under this convention; none: the "
                                     "reference's own convention")


def convention_problems(spec: Spec) -> list[Problem]:
    """Names declared twice, more than one convention naming the reference's
    own, and variants of functions the spec does not have."""
    problems = list(duplicates([c.name for c in spec.conventions], ("conventions",)))
    own = [i for i, c in enumerate(spec.conventions) if not c.variants]
    problems += [(("conventions", i, "variants"), "only one convention may be the reference's own (no variants)")
                 for i in own[1:]]
    known = {f.target for f in spec.functions} | {m.variant for f in spec.functions for m in f.mistakes}
    for i, c in enumerate(spec.conventions):
        for name, variant in c.variants.items():
            if name not in known:
                problems.append((("conventions", i, "variants", name),
                                 f"{name!r} is neither a function of the spec nor a mistake's variant"))
            if not variant.isidentifier():
                problems.append((("conventions", i, "variants", name), f"{variant!r} is not a function name"))
    return problems


def own_convention(spec: Spec) -> str | None:
    """The name of the reference's own convention, if the spec names it."""
    return next((c.name for c in spec.conventions if not c.variants), None)


def depends_on(spec: Spec, f: Function) -> set[str]:
    """The reference functions whose answers f's expected answers are made
    of: f itself, its mistakes' variants, the forwards its derivatives
    difference, and the forwards whose caches or outputs it is given."""
    names = {f.target} | {m.variant for m in f.mistakes}
    for o in f.judged:
        if o.derivative is not None:
            found = spec.resolve(f, o.derivative.of)
            if found:
                names.add(found[0].target)
    return names | {spec.function(forward).target for forward in feeders(spec, f)}


def conventions_of(spec: Spec, f: Function) -> list[Convention]:
    """The accepted conventions, other than the reference's own, that change
    what f is expected to answer, in the spec's order."""
    needs = depends_on(spec, f)
    return [c for c in spec.conventions if c.variants and needs & set(c.variants)]
