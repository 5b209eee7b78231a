"""Central finite differences with an error estimate.

Every derivative is estimated at two steps, h and h/2. The two central
differences give a Richardson-extrapolated estimate and, for free, an
estimate of its error |d(h) - d(h/2)|, so every tolerance built on it adapts
to the function at hand: a correct gradient passes by a wide margin and an
O(1) mistake fails by one. Where the two disagree badly the step straddles a
kink (ReLU, max, hinge, abs) and the point is not differentiable. The step
follows the scale of each input (about eps^(1/3) |x|), the optimum for
central differences in float64.

Two kinds of stencil: element-wise (two evaluations per coordinate, so its
cost is bounded by a budget of coordinates) and directional (the derivative
along one random direction v, u^T J v style: four evaluations whatever the
size, a cheap screen that a single wrong entry can still slip past)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..sandbox.recipes import ALONG, moved

STEP = np.finfo(np.float64).eps ** (1 / 3)
STEP32 = np.finfo(np.float32).eps ** (1 / 3)  # for functions that compute in float32


def _richardson(values: np.ndarray, full: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(estimate, error) from rows of f(+h), f(-h), f(+h/2), f(-h/2), given the
    distances actually travelled, 2h and h, after rounding. f may be a scalar
    or a vector (then the rows are vectors, and so is each estimate)."""
    v = np.asarray(values, dtype=np.float64)
    v = v.reshape(-1, 4, *v.shape[1:])
    per_row = (-1,) + (1,) * (v.ndim - 2)
    with np.errstate(invalid="ignore", over="ignore"):   # a student's overflowing forward: judged, not printed
        d1 = (v[:, 0] - v[:, 1]) / np.reshape(full, per_row)
        d2 = (v[:, 2] - v[:, 3]) / np.reshape(half, per_row)
        return d2 + (d2 - d1) / 3, np.abs(d2 - d1)


@dataclass
class Stencil:
    """Element-wise: the partial derivatives at chosen flat coordinates."""
    base: np.ndarray     # the argument, float64
    coords: np.ndarray   # flat indices differentiated

    @property
    def steps(self) -> np.ndarray:
        return STEP * np.maximum(1.0, np.abs(self.base.flat[self.coords]))

    def points(self) -> list[list]:
        """[flat index, delta] pairs, four per coordinate: +h, -h, +h/2, -h/2."""
        out = []
        for i, h in zip(self.coords.tolist(), self.steps.tolist()):
            out += [[i, h], [i, -h], [i, h / 2], [i, -h / 2]]
        return out

    def gradient(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, h = self.base.flat[self.coords], self.steps
        return _richardson(values, (x + h) - (x - h), (x + h / 2) - (x - h / 2))


@dataclass
class Directional:
    """The derivative along `direction`: d/dt f(base + t * direction) at 0."""
    base: np.ndarray
    direction: np.ndarray
    single: bool = False   # the function computes in float32: take float32's optimal step
    shrink: float = 1.0    # a shorter step, to look again where a long one may have jumped a kink

    @property
    def step(self) -> float:
        largest = float(np.max(np.abs(self.base), initial=0.0))
        if self.single:  # float32's longer step, kept within the scale of the argument so as not to jump kinks
            return STEP32 * (largest or 1.0) / self._reach / self.shrink
        # Moving every element at once, a long step would cross some kink (a max, a ReLU) among many
        # elements; float64 leaves room for a step sqrt(n) times shorter at no cost in accuracy.
        return STEP * max(1.0, largest) / self._reach / np.sqrt(max(self.base.size, 1))

    @property
    def _reach(self) -> float:
        return max(float(np.max(np.abs(self.direction), initial=0.0)), 1e-300)

    def points(self) -> list[list]:
        h = self.step
        return [[ALONG, h], [ALONG, -h], [ALONG, h / 2], [ALONG, -h / 2]]

    def gradient(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = self.step
        estimate, error = _richardson(values, np.array([2 * h]), np.array([h]))
        return estimate[0], error[0]


def choose_coords(shape: tuple[int, ...], budget: int, rng: np.random.Generator) -> np.ndarray:
    """Every coordinate while there are at most `budget`; otherwise a random
    subset that still touches every row and every column."""
    size = int(np.prod(shape, dtype=np.int64))
    if size <= budget:
        return np.arange(size)
    rows = shape[0] if len(shape) > 1 else 1
    grid = np.arange(size).reshape(rows, -1)
    chosen = set(grid[np.arange(rows), rng.integers(grid.shape[1], size=rows)].tolist())
    chosen |= set(grid[rng.integers(rows, size=grid.shape[1]), np.arange(grid.shape[1])].tolist())
    extra = rng.permutation(size)[: max(0, budget - len(chosen))]
    return np.array(sorted(chosen | set(extra.tolist())))


def evaluate_locally(f: Callable[[np.ndarray], float], stencil: Stencil | Directional) -> np.ndarray:
    """The stencil's values for a trusted function run in this process."""
    direction = getattr(stencil, "direction", None)
    return np.array([f(moved(stencil.base, i, delta, direction)) for i, delta in stencil.points()])


def unreliable(errors, values, rtol: float, atol: float) -> np.ndarray:
    """Where an estimate's own error is too large to judge an answer with these
    tolerances: the step straddles a kink, or the function is not smooth there."""
    return np.asarray(errors) > 0.1 * (atol + rtol * np.abs(np.asarray(values)))
