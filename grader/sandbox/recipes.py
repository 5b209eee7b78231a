"""Arguments that are not plain data: fixtures (objects built by a support
module, such as a dataset with sampleTokenIdx), stand-ins (a support
module's function, passed in place of a student's) and caches (what a student's
forward returned for its backward). Both travel as small tagged recipes, so
the object itself is built, or kept, where the code that uses it runs."""
from __future__ import annotations

import importlib
import random
from dataclasses import dataclass

import numpy as np

FIXTURE, HANDLE, STAND_IN = "__fixture__", "__handle__", "__stand_in__"
COPY = "__copy__"   # beside a HANDLE: the call gets a copy of the kept cache, which stays as it was


@dataclass(frozen=True)
class Recipe:
    """How to build a fixture: factory(**args, seed=seed) from a support
    module; for a stand-in (`called` false), the function `factory` itself."""
    factory: str          # "module:function"
    args: dict
    seed: int
    called: bool = True

    def tagged(self) -> dict:
        tag = {FIXTURE: self.factory, "args": self.args, "seed": self.seed}
        return tag if self.called else {**tag, STAND_IN: True}


def with_copied_caches(args: dict) -> dict:
    """The arguments with each kept cache (a handle) asked for as a copy, made
    where the cache is kept just before the call: the original stays as its
    forward left it, for the calls that follow, as if the forward had been
    called again (which a naive loop makes slow)."""
    return {name: {**value, COPY: True} if isinstance(value, dict) and HANDLE in value else value
            for name, value in args.items()}


@dataclass(frozen=True)
class CacheOf:
    """Stands for the cache that `forward` returns on its inputs of the case."""
    forward: str


@dataclass(frozen=True)
class OutputOf:
    """Stands for what `forward` returns as `output` on its inputs of the case."""
    forward: str
    output: str


def replaced(container, key, value):
    """A dict or list with the entry at `key` (a key or a position) replaced:
    a copy, the original left as it is."""
    if isinstance(container, dict):
        return {**container, key: value}
    return [value if i == key else item for i, item in enumerate(container)]


def build(tag: dict):
    """The fixture (or stand-in) a tagged recipe describes; its module must be
    importable (the assignment's support folder is on the path)."""
    module, _, function = str(tag[FIXTURE]).partition(":")
    found = getattr(importlib.import_module(module), function)
    return found if tag.get(STAND_IN) else found(**tag.get("args", {}), seed=int(tag["seed"]))


SEEDED = random.Random(0).getstate()   # `random` as random.seed(0) leaves it


def reseed() -> None:
    """Before every call, student's or reference's: stochastic code repeats,
    `random` and `np.random` as seeded with 0."""
    random.setstate(SEEDED)
    np.random.seed(0)


ALONG = -1  # the index of a stencil point that moves along the stencil's direction


def moved(base: np.ndarray, index: int, delta: float, direction=None) -> np.ndarray:
    """A finite-difference stencil's point: `base` with its flat entry `index`
    moved by `delta`, or (index ALONG) all of it moved by delta * direction.
    The same on both sides, for the reference here and a student's forward there."""
    if int(index) == ALONG:
        return base + delta * np.asarray(direction, dtype=np.float64)
    point = base.copy()
    point.flat[int(index)] += delta
    return point
