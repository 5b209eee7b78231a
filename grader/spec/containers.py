"""Dict and list arguments and outputs: each entry of `keys` (a dict) or
`items` (a list), once per value of its `for` ("l in 1..L"), becomes an
argument or output of its own, a leaf (`parameters["W1"]`, `grads["dW1"]`,
`xs[0]`), with its name, shape and derivative filled in. Grading handles a
leaf as it handles any argument or output: sampled, judged and scored on
its own. A name, a shape or a range may use dimensions only where they
have one size in every case, so that every case has the same keys."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from .choices import every_case_sizes
from .problems import Problem, duplicates, within
from .sizes import evaluate_size, size_names

if TYPE_CHECKING:
    from .models import Argument, Entry, Output, OutputEntry, Spec

RANGE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+in\s+(.+?)\s*\.\.\s*(.+?)\s*$")
TEMPLATE = re.compile(r"\{([^{}]*)\}")
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Sizes:
    """The dimensions a template may use: those of one size in every case,
    and for a clear message, the sizes of those that vary."""

    def __init__(self, spec: Spec):
        seen: dict[str, set[int]] = {}
        for sizes in every_case_sizes(spec):
            for name, size in sizes.items():
                seen.setdefault(name, set()).add(size)
        self.fixed = {name: next(iter(s)) for name, s in seen.items() if len(s) == 1}
        self.varying = {name: sorted(s) for name, s in seen.items() if len(s) > 1}

    def value(self, expression: str, bound: dict[str, int]) -> int:
        """An expression of dimensions and of the range's letter; a ValueError says what it cannot use."""
        names = size_names(expression)
        varying = sorted(names & self.varying.keys() - bound.keys())
        if varying:
            raise ValueError(f"{expression!r} uses {varying[0]}, whose size differs between cases "
                             f"({self.varying[varying[0]]}): a key's name and a range need dimensions of one size")
        unknown = sorted(names - self.fixed.keys() - bound.keys())
        if unknown:
            raise ValueError(f"{expression!r} uses unknown names {unknown}")
        return evaluate_size(expression, {**self.fixed, **bound})

    def fill(self, text: str, bound: dict[str, int]) -> str:
        """A template with each {expression} replaced by its value."""
        return TEMPLATE.sub(lambda m: str(self.value(m.group(1), bound)), text)


def expand(spec: Spec) -> list[Problem]:
    """Set the leaves of every dict and list argument and output; the problems
    of their entries, each located at its entry."""
    containers = [(i, f) for i, f in enumerate(spec.functions)
                  if any(a.container for a in f.args) or any(o.container for o in f.outputs)]
    if not containers:
        return []
    sizes, problems = Sizes(spec), []
    for i, f in containers:
        for j, a in enumerate(f.args):
            if a.container and not a.leaves:   # a class's state comes with its leaves (spec/state.py)
                problems += within(("functions", i, "args", j), _expand(a, sizes, _argument_leaf))
        for j, o in enumerate(f.outputs):
            if o.container:
                problems += within(("functions", i, "outputs", j), _expand(o, sizes, _output_leaf))
    return problems


def _expand(whole: Argument | Output, sizes: Sizes, make) -> list[Problem]:
    """The leaves of one dict or list, set on it; the problems found on the way."""
    field = "keys" if whole.keys else "items"
    leaves, problems = [], []
    for k, entry in enumerate(getattr(whole, field)):
        bindings, found = _bindings(entry, sizes)
        problems += within((field, k), found)
        for bound in bindings:
            label = "".join(f"for {letter} = {value}: " for letter, value in bound.items())
            try:
                key = _key(sizes.fill(entry.name, bound)) if field == "keys" else len(leaves)
                leaf = make(whole.name, key, entry, lambda text: _filled(text, sizes, bound))
            except ValueError as e:
                if not any(where[:2] == (field, k) for where, _ in problems):   # once per entry
                    problems.append(((field, k), f"{label}{e}"))
                continue
            leaf._container, leaf._key, leaf._where, leaf._binding = whole.name, key, (field, k), label
            leaves.append(leaf)
    names = [leaf.name for leaf in leaves]
    for (index, _), message in duplicates(names, ()):
        where = (field, leaves[index]._where[1], "name")
        if not any(place == where for place, _ in problems):   # once per entry
            problems.append((where, f"{leaves[index]._binding}{message}"))
    whole._leaves = leaves
    return problems


def _bindings(entry: Entry | OutputEntry, sizes: Sizes) -> tuple[list[dict[str, int]], list[Problem]]:
    """Each value of the entry's `for` (one empty binding without it)."""
    if entry.over is None:
        return [{}], []
    m = RANGE.match(entry.over)
    if not m:
        return [], [(("for",), f"{entry.over!r} is not a range such as \"l in 1..L\" (both ends included)")]
    letter, low, high = m.groups()
    if letter in sizes.fixed or letter in sizes.varying:
        return [], [(("for",), f"{letter!r} is a dimension: give the range a letter of its own")]
    try:
        first, last = sizes.value(low, {}), sizes.value(high, {})
    except ValueError as e:
        return [], [(("for",), str(e))]
    if last < first:
        return [], [(("for",), f"{entry.over!r} is empty ({first}..{last})")]
    return [{letter: value} for value in range(first, last + 1)], []


def _key(name: str) -> str:
    if not KEY.match(name) or name.startswith("__"):
        raise ValueError(f"{name!r} is not a key the grader can use: letters, digits and _ (not starting with "
                         "a digit or __)")
    return name


def _filled(text, sizes: Sizes, bound: dict[str, int]):
    """A size or a name with its templates filled in; a size that is a number becomes an int."""
    if not isinstance(text, str):
        return text
    filled = sizes.fill(text, bound)
    return int(filled) if filled.isdigit() else filled


def _name(container: str, key: str | int) -> str:
    return f'{container}["{key}"]' if isinstance(key, str) else f"{container}[{key}]"


def _argument_leaf(container: str, key, entry: Entry, fill) -> Argument:
    from .models import Argument
    return Argument(name=_name(container, key), shape=[fill(s) for s in entry.shape], dtype=entry.dtype,
                    sample=entry.sample, away_from=entry.away_from, kink_margin=entry.kink_margin)


def _output_leaf(container: str, key, entry: OutputEntry, fill) -> Output:
    from .models import Output, quoted
    derivatives = {}
    for kind in ("gradient", "vjp", "jacobian"):
        d = getattr(entry, kind)
        if d is not None:
            derivatives[kind] = type(d)(**{k: quoted(fill(v)) for k, v in d.model_dump().items()})
    return Output(name=_name(container, key), shape=[fill(s) for s in entry.shape], rtol=entry.rtol,
                  atol=entry.atol, **derivatives)


def leaves_of(items: list) -> Iterator:
    """Each argument (output) and, after a dict or list, its keys or items."""
    for item in items:
        yield item
        yield from item.leaves
