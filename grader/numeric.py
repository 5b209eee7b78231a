"""Central finite differences with an error estimate.

Each chosen coordinate is evaluated at x +- h and x +- h/2. The two central
differences d(h) and d(h/2) give a Richardson-extrapolated estimate and, for
free, an estimate of its error |d(h) - d(h/2)|, so every tolerance built on it
adapts to the function at hand: a correct gradient passes by a wide margin
and an O(1) mistake fails by one. The step follows the scale of each input
(about eps^(1/3) |x|), the optimum for central differences in float64."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

STEP = np.finfo(np.float64).eps ** (1 / 3)


@dataclass
class Stencil:
    """The points at which to evaluate a scalar function of one argument."""
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
        """(estimate, error estimate) at each coordinate from the four values each."""
        v = np.asarray(values, dtype=np.float64).reshape(-1, 4)
        x, h = self.base.flat[self.coords], self.steps
        # Divide by the step actually taken, after rounding x +- h.
        d1 = (v[:, 0] - v[:, 1]) / ((x + h) - (x - h))
        d2 = (v[:, 2] - v[:, 3]) / ((x + h / 2) - (x - h / 2))
        return d2 + (d2 - d1) / 3, np.abs(d2 - d1)


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


def evaluate_locally(f: Callable[[np.ndarray], float], stencil: Stencil) -> np.ndarray:
    """The stencil's values for a trusted function run in this process."""
    values = []
    for i, delta in stencil.points():
        moved = stencil.base.copy()
        moved.flat[i] += delta
        values.append(f(moved))
    return np.array(values)
