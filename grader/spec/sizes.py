"""Dimension arithmetic: sizes such as 7, "N" or "5*d", the dimensions an
assignment declares, and the choices of sizes its cases are drawn from. A
derived dimension may also use a value chosen per case ("pad", or
"conv_param.pad" for a key of a chosen table): such values are given beside
the dimensions, and are not dimensions themselves."""
from __future__ import annotations

import ast
import functools
import itertools
from collections.abc import Iterator
from typing import Union

from .problems import Problem

Size = Union[int, str]  # a literal size, a dimension name or an expression such as "5*d"

SMALLEST = 3  # smaller sizes let a transposed or broadcast answer pass by accident

_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b, ast.FloorDiv: lambda a, b: a // b}


def size_names(size: Size) -> frozenset[str]:
    """The names a size uses ("conv_param.pad" for a key of a chosen table); a
    ValueError if it is not an expression of dimensions."""
    return frozenset() if isinstance(size, int) else _names(size)


@functools.lru_cache(maxsize=1024)  # checking a spec derives its sizes for every set of chosen values
def _names(size: str) -> frozenset[str]:
    tree = _parse(size)
    keyed = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return frozenset(_name(n) for n in ast.walk(tree)
                     if isinstance(n, ast.Attribute) or (isinstance(n, ast.Name) and id(n) not in keyed))


def _name(node: ast.Name | ast.Attribute) -> str:
    return f"{node.value.id}.{node.attr}" if isinstance(node, ast.Attribute) else node.id


def evaluate_size(size: Size, dims: dict[str, int]) -> int:
    """The value of a size such as 7, "N" or "5*d" for the given dimension sizes."""
    if isinstance(size, int):
        return size
    if size in dims:
        return dims[size]

    def value(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, (ast.Name, ast.Attribute)):
            return dims[_name(node)]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.FloorDiv) and right == 0:
                raise ValueError(f"{size!r} divides by zero")
            return _OPS[type(node.op)](left, right)
        raise ValueError(f"{size!r}: only integers, dimension names and + - * // are allowed")

    return value(_parse(size).body)


@functools.lru_cache(maxsize=1024)  # sizes are evaluated for every output of every call: parse each once
def _parse(size: str) -> ast.Expression:
    try:
        tree = ast.parse(size, mode="eval")
    except SyntaxError:
        raise ValueError(f"{size!r} is not an expression of dimensions") from None
    allowed = (ast.Expression, ast.BinOp, ast.Name, ast.Attribute, ast.Load, ast.Constant, *_OPS)
    for node in ast.walk(tree):
        if (not isinstance(node, allowed) or (isinstance(node, ast.Constant) and not isinstance(node.value, int))
                or (isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Name))):
            raise ValueError(f"{size!r}: only integers, dimension names and + - * // are allowed "
                             "(and chosen values: pad, or conv_param.pad for a key of a table)")
    return tree


def free_dims(dims: dict) -> dict[str, list[int]]:
    """The dimensions given by sizes (not derived from others), each with its list of sizes."""
    return {k: (v if isinstance(v, list) else [v]) for k, v in dims.items() if not isinstance(v, str)}


class DimensionError(ValueError):
    """A dimension whose size cannot be derived; `name` is None when several
    depend on each other."""

    def __init__(self, name: str | None, problem: str):
        super().__init__(problem)
        self.name = name


def derive_dims(dims: dict, chosen: dict[str, int], values: dict[str, int] | None = None) -> dict[str, int]:
    """All dimension sizes, given a choice for the free ones and the case's
    chosen values (which derived dimensions may use, and which are not dimensions)."""
    out = dict(chosen)
    known = {**(values or {}), **out}
    pending = {k: v for k, v in dims.items() if isinstance(v, str)}
    while pending:
        ready = [k for k, v in pending.items() if size_names(v) <= known.keys()]
        if not ready:
            raise DimensionError(None, f"{sorted(pending)} depend on each other or on unknown names")
        for k in ready:
            try:
                out[k] = known[k] = evaluate_size(pending.pop(k), known)
            except ValueError as e:
                raise DimensionError(k, str(e)) from None
    return out


def distinct_choices(dims: dict, values: dict[str, int] | None = None) -> list[dict[str, int]]:
    """Every choice of sizes in which all dimensions differ (so a transposed or
    broadcast answer cannot have the right shape by accident), given the
    case's chosen values. A size derived from a chosen value follows it and
    may equal another (a convolution's output is as tall as its input at
    pad 1, stride 1); the choices kept are those where fewest sizes coincide."""
    free, following = free_dims(dims), awaiting_choices(dims)
    combos = itertools.islice(itertools.product(*free.values()), 10_000)
    result = []
    for combo in combos:
        sizes = derive_dims(dims, dict(zip(free, combo)), values)
        fixed = [size for name, size in sizes.items() if name not in following]
        if len(set(fixed)) == len(fixed):
            result.append(sizes)
    most = max((len(set(sizes.values())) for sizes in result), default=0)
    return [sizes for sizes in result if len(set(sizes.values())) == most]


def public_dims_problems(dims: dict, public: dict, combinations: list[dict[str, int]]) -> list[Problem]:
    """Why the public cases' sizes cannot be drawn: a name that is no dimension
    with sizes of its own, a size it does not take, or no choice of sizes left
    in which every dimension differs (for some set of chosen values)."""
    free, problems = free_dims(dims), []
    for name, sizes in public.items():
        if name not in free:
            why = "is derived from others" if name in dims else "is not a dimension"
            problems.append(((name,), f"{name!r} {why}: public sizes are given for dimensions with sizes of their own"))
        elif any(size not in free[name] for size in (sizes if isinstance(sizes, list) else [sizes])):
            problems.append(((name,), f"{name} takes the sizes {free[name]}: public sizes must be among them"))
        elif isinstance(sizes, list) and not sizes:
            problems.append(((name,), "give at least one size"))
    if problems:
        return problems
    for values in combinations or [{}]:
        if not distinct_choices({**dims, **public}, values):
            when = " when " + ", ".join(f"{k} = {v}" for k, v in values.items()) if values else ""
            return [((), f"no choice of these sizes makes every dimension different{when}; allow more sizes")]
    return []


def awaiting_choices(dims: dict) -> set[str]:
    """The derived dimensions that use a name which is no dimension (a value
    chosen per case), directly or through another dimension."""
    uses = {}
    for name, value in dims.items():
        try:
            uses[name] = size_names(value) if isinstance(value, str) else set()
        except ValueError:
            uses[name] = set()
    waiting = {name for name, used in uses.items() if used - dims.keys()}
    while more := {name for name, used in uses.items() if used & waiting} - waiting:
        waiting |= more
    return waiting


def dims_problems(dims: dict, combinations: list[dict[str, int]] | None = None) -> list[Problem]:
    """What makes the declared dimensions unusable, each located at its dimension.
    `combinations` holds every set of chosen values a case can take; while it
    is None (not known yet) the dimensions that use such values wait for it."""
    waiting = awaiting_choices(dims) if combinations is None else set()
    known = set(dims).union(*(combinations or [{}]))
    problems = [((name,), problem) for name, value in dims.items()
                for problem in _dimension_problems(name, value, None if name in waiting else known)]
    if problems:
        return problems
    settled = {name: value for name, value in dims.items() if name not in waiting}
    for values in combinations or [{}]:
        found = _sizes_problems(settled, values)
        if found:
            return found
    return []


def _sizes_problems(dims: dict, values: dict[str, int]) -> list[Problem]:
    """Whether every dimension can differ from the others and be large enough, given chosen values."""
    when = " when " + ", ".join(f"{k} = {v}" for k, v in values.items()) if values else ""
    try:
        choices = distinct_choices(dims, values)
    except DimensionError as e:
        return [((e.name,) if e.name else (), str(e))]
    if not choices:
        return [((), f"no choice of sizes makes every dimension different{when}; give more sizes")]
    smallest = {name: min(c[name] for c in choices) for name in dims}
    return [((name,), f"derives to {size}, below {SMALLEST}{when}") for name, size in smallest.items()
            if size < SMALLEST]


def _dimension_problems(name: str, value: int | list[int] | str, known: set[str] | None) -> Iterator[str]:
    """One dimension's own problems; names are checked against `known` unless it is None."""
    if not name.isidentifier():
        yield "a dimension name must be an identifier"
    for size in (value if isinstance(value, list) else [value] if isinstance(value, int) else []):
        if size < SMALLEST:
            yield f"size {size} is below {SMALLEST}; use sizes of at least {SMALLEST} so mistakes show in shapes"
    if isinstance(value, list) and not value:
        yield "give at least one size"
    if isinstance(value, str):
        try:
            unknown = size_names(value) - (known if known is not None else size_names(value))
        except ValueError as e:
            yield str(e)
            return
        if unknown:
            yield f"{value!r} uses unknown dimensions {sorted(unknown)}"
