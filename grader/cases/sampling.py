"""Sampling the inputs of a case: the values chosen for it, one choice of
dimension sizes and, for every function, arguments drawn as the spec
declares. A case is fully determined by its seed, so any result can be
replayed."""
from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field

import numpy as np

from ..sandbox.recipes import CacheOf, OutputOf, Recipe
from ..spec import (Argument, Choice, Constant, DimValue, Fixture, Function, Integers, Labels, Normal, Spec,
                   StandIn, Uniform, case_values, choices_of, distinct_choices, evaluate_size, period)

PUBLIC, HIDDEN = "public", "hidden"


@dataclass(eq=False)   # a case is itself: grading keeps what it works out per case (grading/memo.py)
class Case:
    """Inputs for every function, drawn from one seed."""
    visibility: str          # "public" or "hidden"
    index: int               # which case of this seed (with the seed, it fixes the draw)
    seed: int
    dims: dict[str, int]
    inputs: dict[str, dict[str, object]] = field(default_factory=dict)
    redrawn: dict[str, int] = field(default_factory=dict)  # function -> draws discarded at kinks

    def redraw(self, spec: Spec, function: str) -> None:
        """New inputs for one function, e.g. when the old ones sit on a kink."""
        attempt = self.redrawn.get(function, 0) + 1
        self.redrawn[function] = attempt
        rng = np.random.default_rng([self.seed, self.index, _code(self.visibility), 1000 + attempt])
        chosen = chosen_values(spec, self.seed, self.index)   # a redraw keeps the case's choices
        self.inputs[function] = sample_args(spec.function(function), self.dims, rng, chosen)


def sample_case(spec: Spec, visibility: str, index: int, seed: int) -> Case:
    rng = np.random.default_rng([seed, index, _code(visibility)])
    chosen = chosen_values(spec, seed, index)
    declared = {**spec.dims, **spec.cases.public_dims} if visibility == PUBLIC else spec.dims
    choices = distinct_choices(declared, case_values(chosen))
    dims = choices[int(rng.integers(len(choices)))]
    case = Case(visibility, index, seed, dims)
    for f in spec.functions:
        case.inputs[f.name] = sample_args(f, dims, rng, chosen)
    return case


def chosen_values(spec: Spec, seed: int, index: int) -> dict[str, object]:
    """The value each choice takes in case `index` (from 1) of this seed: case
    i takes values[(i - 1) mod n] in an order the seed fixes, so that any n
    consecutive cases cover every value."""
    chosen = {}
    for name, values in choices_of(spec).items():
        digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
        order = np.random.default_rng([seed, digest]).permutation(len(values))
        chosen[name] = values[int(order[(index - 1) % len(values)])]
    return chosen


def pooled_indices(spec: Spec, seed: int) -> list[int]:
    """Which cases of the hidden pool (from 0) a submission's seed takes. With
    choices, its i-th takes a pool case chosen like case start + i, so its
    hidden cases cover every value, as consecutive fresh cases do."""
    c, rng, cycle = spec.cases, np.random.default_rng(seed), period(spec)
    if cycle == 1:
        return [int(k) for k in rng.choice(c.hidden_pool, size=c.hidden, replace=False)]
    start, taken = int(rng.integers(cycle)), []
    for i in range(c.hidden):
        alike = [k for k in range((start + i) % cycle, c.hidden_pool, cycle) if k not in taken]
        taken.append(int(rng.choice(alike)))
    return taken


def _code(visibility: str) -> int:
    return 0 if visibility == PUBLIC else 1


def sample_args(f: Function, dims: dict[str, int], rng: np.random.Generator,
                chosen: dict[str, object] | None = None) -> dict[str, object]:
    return {a.name: sample_arg(a, dims, rng, chosen) for a in f.args}


def sample_arg(arg: Argument, dims: dict[str, int], rng: np.random.Generator, chosen: dict[str, object] | None = None):
    """One argument's value; `chosen` holds the case's chosen values, by argument name."""
    shape = tuple(evaluate_size(s, dims) for s in arg.shape)
    s = arg.sample
    if arg.cache:
        return CacheOf(arg.cache)
    if arg.output_of:
        return OutputOf(*arg.output_of.split("."))
    if arg.container == "dict":
        return {leaf.key: sample_arg(leaf, dims, rng, chosen) for leaf in arg.leaves}
    if arg.container == "list":
        return [sample_arg(leaf, dims, rng, chosen) for leaf in arg.leaves]
    if isinstance(s, Constant):
        return copy.deepcopy(s.value)
    if isinstance(s, Choice):
        return copy.deepcopy((chosen or {})[arg.name])
    if isinstance(s, Fixture):
        args = {k: dims.get(v, v) if isinstance(v, str) else v for k, v in s.args.items()}
        return Recipe(s.factory, args, int(rng.integers(2**31)))
    if isinstance(s, StandIn):
        return Recipe(s.function, {}, 0, called=False)
    if isinstance(s, DimValue):
        return int(dims[s.dim])
    if isinstance(s, Integers):
        low, high = evaluate_size(s.low, dims), evaluate_size(s.high, dims)
        values = rng.integers(low, high, size=shape)
        if not shape:  # a single index is a plain int, as course code passes it
            return int(values)
        return _with_repeats(values, rng) if s.repeats else values.astype(np.int64)
    if isinstance(s, Labels):
        classes = evaluate_size(s.classes, dims)
        values = rng.integers(0, classes, size=shape)
        if values.size >= classes:  # every class present, so no term of a loss is untested
            values.flat[rng.permutation(values.size)[:classes]] = np.arange(classes)
        return values.astype(np.int64)
    if isinstance(s, Uniform):
        values = rng.uniform(s.low, s.high, size=shape)
    else:
        assert isinstance(s, Normal)
        values = rng.normal(s.mean, s.std, size=shape)
    values = _away_from_kinks(values, arg, rng)
    return values.astype(arg.dtype) if shape else float(values)


def _with_repeats(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Copy one index within a row and one across rows, so code that fails to
    accumulate repeated indices always shows it."""
    values = np.array(values, dtype=np.int64)
    flat = values.reshape(values.shape[0], -1) if values.ndim > 1 else values.reshape(1, -1)
    if flat.shape[1] >= 2:
        i, j = rng.choice(flat.shape[1], size=2, replace=False)
        flat[0, j] = flat[0, i]
    if flat.shape[0] >= 2:
        flat[-1, int(rng.integers(flat.shape[1]))] = flat[0, int(rng.integers(flat.shape[1]))]
    elif flat.size >= 2:
        flat[0, -1] = flat[0, 0]
    return flat.reshape(values.shape)


def _away_from_kinks(values: np.ndarray, arg: Argument, rng: np.random.Generator) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    for _ in range(100):
        near = np.zeros(values.shape, dtype=bool)
        for kink in arg.away_from:
            near |= np.abs(values - kink) < arg.kink_margin
        if not near.any():
            break
        values = np.where(near, values + rng.choice([-1.0, 1.0], size=values.shape) * 3 * arg.kink_margin, values)
    return values
