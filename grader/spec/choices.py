"""Hyperparameters chosen per case: the arguments whose sample is a `choice`,
the values dimension expressions may use ("pad", or "conv_param.pad" for a
key of a chosen table), and the checks that each choice is declared
consistently and that the hidden cases can cover every one of its values."""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .problems import Problem
from .sizes import distinct_choices

if TYPE_CHECKING:
    from .models import Spec

MOST_COMBINATIONS = 1_000   # combinations of chosen values checked when the spec is validated


def choices_of(spec: Spec) -> dict[str, list[Any]]:
    """Each chosen argument's name with its values, in the order first declared."""
    found: dict[str, list[Any]] = {}
    for f in spec.functions:
        for a in f.args:
            if a.sample.kind == "choice":
                found.setdefault(a.name, a.sample.values)
    return found


def named_values(name: str, value: Any) -> dict[str, int]:
    """The integers of one chosen value as dimension expressions name them:
    {"pad": 1} for a plain value, {"conv_param.pad": 1, ...} for a table."""
    def whole(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)
    if isinstance(value, dict):
        return {f"{name}.{key}": v for key, v in value.items() if whole(v)}
    return {name: value} if whole(value) else {}


def case_values(chosen: dict[str, Any]) -> dict[str, int]:
    """Every integer of a case's chosen values, by the name expressions use."""
    return {k: v for name, value in chosen.items() for k, v in named_values(name, value).items()}


def combinations(spec: Spec) -> list[dict[str, int]]:
    """Every set of chosen values a case can take, as dimension expressions name them."""
    choices = choices_of(spec)
    product = itertools.islice(itertools.product(*choices.values()), MOST_COMBINATIONS)
    return [case_values(dict(zip(choices, combo))) for combo in product]


def period(spec: Spec) -> int:
    """After how many consecutive cases every choice has taken each of its values."""
    return math.lcm(*(len(values) for values in choices_of(spec).values())) if choices_of(spec) else 1


def every_case_sizes(spec: Spec) -> list[dict[str, int]]:
    """Every choice of dimension sizes a case can take, whatever its chosen values."""
    return [sizes for values in combinations(spec) or [{}] for sizes in distinct_choices(spec.dims, values)]


def choice_problems(spec: Spec) -> list[Problem]:
    """Chosen arguments that clash with a dimension or with each other, and
    hidden cases too few to cover every value."""
    return [*_declaration_problems(spec), *_coverage_problems(spec)]


def _declaration_problems(spec: Spec) -> Iterator[Problem]:
    first: dict[str, tuple[int, list[Any]]] = {}
    for i, f in enumerate(spec.functions):
        for j, a in enumerate(f.args):
            if a.sample.kind != "choice":
                continue
            where = ("functions", i, "args", j)
            if a.name in spec.dims:
                yield (*where, "name"), f"{a.name!r} is a dimension too: a chosen argument needs a name of its own"
            elif a.name in first and first[a.name][1] != a.sample.values:
                yield (*where, "sample", "values"), (
                    f"{a.name!r} is chosen in functions[{first[a.name][0]}] ({spec.functions[first[a.name][0]].name}) "
                    "with other values: arguments of one name share one choice per case, so give them the same values")
            first.setdefault(a.name, (i, a.sample.values))


def _coverage_problems(spec: Spec) -> Iterator[Problem]:
    choices, cases = choices_of(spec), spec.cases
    if not choices:
        return
    name, values = max(choices.items(), key=lambda item: len(item[1]))
    if cases.hidden < len(values):
        yield ("cases", "hidden"), (f"{cases.hidden} hidden cases cannot cover the {len(values)} values chosen for "
                                    f"{name!r}: every value must be in a student's hidden cases; raise cases.hidden "
                                    f"to {len(values)} or give fewer values")
    cycle = period(spec)
    needed = cycle * math.ceil(cases.hidden / cycle)
    if cases.hidden_pool and cases.hidden_pool < needed:
        yield ("cases", "hidden_pool"), (
            f"the pool ({cases.hidden_pool}) is too small for choices that repeat every {cycle} cases: each "
            f"student's {cases.hidden} hidden cases come from its {cycle} groups, so it needs at least {needed}")
