"""Cost of checking one gradient as the parameter count grows.

For f(W) = sum(tanh(W x)) with W of 10 to 100,000 entries, times:
  screen   - the directional screen (4 evaluations whatever the size)
  budget   - the grader's check: screen + element-wise at most `fd_budget`
             coordinates (every row and column covered)
  full     - element-wise on every coordinate, two steps each (4n evaluations)
  baseline - a plain element-by-element central-difference loop (2n
             evaluations), as course checkers write it, measured in the same run
and prints each as a ratio to the baseline (median of repeats).

    python bench/gradcheck.py [--max 100000] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from grader.reference.finite_differences import Directional, Stencil, choose_coords, evaluate_locally
from grader.spec import Checks

BUDGET = Checks().fd_budget


def problem(n: int, rng: np.random.Generator):
    rows = max(1, int(np.sqrt(n)))
    W = rng.standard_normal((rows, n // rows))
    x = rng.standard_normal(n // rows)
    return W, (lambda M: float(np.tanh(M @ x).sum()))


def screen(W, f, rng):
    d = Directional(W, rng.standard_normal(W.shape))
    return d.gradient(evaluate_locally(f, d))


def budget(W, f, rng):
    screen(W, f, rng)
    s = Stencil(W, choose_coords(W.shape, BUDGET, rng))
    return s.gradient(evaluate_locally(f, s))


def full(W, f, rng):
    s = Stencil(W, np.arange(W.size))
    return s.gradient(evaluate_locally(f, s))


def baseline(W, f, rng, h=1e-5):
    grad = np.zeros_like(W)
    for i in range(W.size):
        old = W.flat[i]
        W.flat[i] = old + h
        plus = f(W)
        W.flat[i] = old - h
        minus = f(W)
        W.flat[i] = old
        grad.flat[i] = (plus - minus) / (2 * h)
    return grad


def median_time(fn, W, f, repeats: int) -> float:
    times = []
    for r in range(repeats):
        rng = np.random.default_rng(r)
        start = time.perf_counter()
        fn(W.copy(), f, rng)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--max", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    sizes = [n for n in (10, 100, 1_000, 10_000, 100_000) if n <= args.max]
    print(f"{'params':>8} {'baseline s':>11} {'full s':>9} {'budget s':>9} {'screen s':>9}"
          f" {'full/base':>10} {'budget/base':>12} {'screen/base':>12}")
    for n in sizes:
        W, f = problem(n, np.random.default_rng(n))
        repeats = args.repeats if n <= 10_000 else 1
        t = {name: median_time(fn, W, f, repeats) for name, fn in
             (("baseline", baseline), ("full", full), ("budget", budget), ("screen", screen))}
        print(f"{W.size:>8} {t['baseline']:>11.4f} {t['full']:>9.4f} {t['budget']:>9.4f} {t['screen']:>9.5f}"
              f" {t['full'] / t['baseline']:>10.2f} {t['budget'] / t['baseline']:>12.4f}"
              f" {t['screen'] / t['baseline']:>12.5f}")


if __name__ == "__main__":
    main()
