"""Dimension arithmetic: sizes such as 7, "N" or "5*d", the dimensions an
assignment declares, and the choices of sizes its cases are drawn from."""
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


def size_names(size: Size) -> set[str]:
    """The dimension names a size uses; a ValueError if it is not an expression of dimensions."""
    if isinstance(size, int):
        return set()
    return {n.id for n in ast.walk(_parse(size)) if isinstance(n, ast.Name)}


def evaluate_size(size: Size, dims: dict[str, int]) -> int:
    """The value of a size such as 7, "N" or "5*d" for the given dimension sizes."""
    if isinstance(size, int):
        return size
    if size in dims:
        return dims[size]

    def value(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            return dims[node.id]
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
    allowed = (ast.Expression, ast.BinOp, ast.Name, ast.Load, ast.Constant, *_OPS)
    for node in ast.walk(tree):
        if not isinstance(node, allowed) or (isinstance(node, ast.Constant) and not isinstance(node.value, int)):
            raise ValueError(f"{size!r}: only integers, dimension names and + - * // are allowed")
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


def derive_dims(dims: dict, chosen: dict[str, int]) -> dict[str, int]:
    """All dimension sizes, given a choice for the free ones."""
    out = dict(chosen)
    pending = {k: v for k, v in dims.items() if isinstance(v, str)}
    while pending:
        ready = [k for k, v in pending.items() if size_names(v) <= out.keys()]
        if not ready:
            raise DimensionError(None, f"{sorted(pending)} depend on each other or on unknown names")
        for k in ready:
            try:
                out[k] = evaluate_size(pending.pop(k), out)
            except ValueError as e:
                raise DimensionError(k, str(e)) from None
    return out


def distinct_choices(dims: dict) -> list[dict[str, int]]:
    """Every choice of sizes in which all dimensions differ (so a transposed or
    broadcast answer cannot have the right shape by accident)."""
    free = free_dims(dims)
    combos = itertools.islice(itertools.product(*free.values()), 10_000)
    result = []
    for combo in combos:
        sizes = derive_dims(dims, dict(zip(free, combo)))
        if len(set(sizes.values())) == len(sizes):
            result.append(sizes)
    return result


def dims_problems(dims: dict) -> list[Problem]:
    """What makes the declared dimensions unusable, each located at its dimension."""
    problems = [((name,), problem) for name, value in dims.items() for problem in _dimension_problems(name, value, dims)]
    if problems:
        return problems
    try:
        choices = distinct_choices(dims)
    except DimensionError as e:
        return [((e.name,) if e.name else (), str(e))]
    if not choices:
        return [((), "no choice of sizes makes every dimension different; give more sizes")]
    smallest = {name: min(c[name] for c in choices) for name in dims}
    return [((name,), f"derives to {size}, below {SMALLEST}") for name, size in smallest.items() if size < SMALLEST]


def _dimension_problems(name: str, value: int | list[int] | str, dims: dict) -> Iterator[str]:
    if not name.isidentifier():
        yield "a dimension name must be an identifier"
    for size in (value if isinstance(value, list) else [value] if isinstance(value, int) else []):
        if size < SMALLEST:
            yield f"size {size} is below {SMALLEST}; use sizes of at least {SMALLEST} so mistakes show in shapes"
    if isinstance(value, list) and not value:
        yield "give at least one size"
    if isinstance(value, str):
        try:
            unknown = size_names(value) - dims.keys()
        except ValueError as e:
            yield str(e)
            return
        if unknown:
            yield f"{value!r} uses unknown dimensions {sorted(unknown)}"
