"""Which accepted convention a function's answers follow (spec/conventions.py).

The same replies of the student's process are judged against the reference
and against each accepted convention that changes the function's expected
answers; the convention is decided here, in the grading process, from those
comparisons alone, once every group of cases (public and hidden) is judged.
The one under which every scored check passes wins: all the function's
outputs on all its cases, so that a loss of one convention beside a gradient
of another (a mixture) matches none. Where none does, the function keeps the
verdicts of the closest one (the most points, then the most checks passed),
and its failures are explained against it. Ties go to the earlier: the
reference's own first, then the spec's order."""
from __future__ import annotations

from ..results import Check
from ..spec import Function, Spec
from ..spec.conventions import conventions_of, own_convention
from .fold import score

REFERENCE = "reference"   # the reference's own convention, where the spec does not name it


def candidates(spec: Spec, f: Function) -> list[str | None]:
    """The conventions f is judged against: None (the reference's own), then
    each accepted one that changes its expected answers."""
    return [None] + [c.name for c in conventions_of(spec, f)]


def chosen(spec: Spec, f: Function, judged: dict[str | None, list[Check]]) -> tuple[str | None, list[Check]]:
    """(the convention's name, its checks): the convention f's answers match,
    or the closest one. The name is None where f has no convention to choose,
    or where every one matches (dropout at test time is the same under all)."""
    def standing(item):
        checks = item[1]
        return score(f, checks), sum(c.status == "passed" for c in checks if c.scored)
    name, checks = max(judged.items(), key=standing)   # max keeps the first of equals
    every_one_matches = len({standing(item) for item in judged.items()}) == 1 and score(f, checks) >= f.points
    if len(judged) == 1 or every_one_matches:   # the answers do not tell the conventions apart
        return None, checks
    names = {c: c if c is not None else own_convention(spec) or REFERENCE for c in judged}
    return names[name], [mixed(c, names[name], names, judged) for c in checks]


def mixed(check: Check, convention: str, names: dict, judged: dict[str | None, list[Check]]) -> Check:
    """A failed check that passes under another convention: the function mixes
    conventions (its loss follows one, its gradient another), said as such."""
    if check.status != "failed" or not check.scored:
        return check
    passing = [names[c] for c, checks in judged.items() if names[c] != convention
               and any(other.name == check.name and other.status == "passed" for other in checks)]
    if not passing:
        return check
    why = (f"{check.output or check.name} follows the convention {passing[0]}, but the function's other answers "
           f"(its other outputs, or other cases) follow {convention}: each convention is accepted alone, not "
           "mixed; use one for every output")
    return check.model_copy(update={"diagnosis": "mixed_conventions", "explanation": why})
