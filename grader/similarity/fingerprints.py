"""Winnowing (Schleimer, Wilkerson and Aiken, 2003): a source's
fingerprints are hashes of some of its k-grams (runs of K tokens), chosen
so that any run of K + W - 1 tokens two sources share gives them at least
one fingerprint in common, and a run shorter than K never does. Of every
W consecutive k-gram hashes the smallest is kept; a source of n tokens
keeps about 2n / (W + 1) of them.

K is the noise threshold: numpy code is made of short idioms every
solution shares (`V = np.dot(V, V.T)` is 13 tokens), so a match must be
longer than a few of them in a row. Every step is a numpy operation on
the whole source at once."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

K = 25      # tokens in a k-gram: shorter shared runs are noise
W = 6       # k-grams in a window: any shared run of K + W - 1 = 30 tokens is found

MULTIPLIER = np.uint64(0x100000001B3)   # any large odd number spreads the token numbers over 64 bits


@dataclass
class Fingerprints:
    """A source's fingerprints, each once: hashes (sorted) and where each first occurs (token index)."""
    hashes: np.ndarray     # uint64, sorted, unique
    positions: np.ndarray  # int64: the first token of the k-gram

    def without(self, dropped: np.ndarray) -> Fingerprints:
        """These fingerprints less those in `dropped` (a sorted array of hashes)."""
        keep = ~np.isin(self.hashes, dropped, assume_unique=True)
        return Fingerprints(self.hashes[keep], self.positions[keep])


def kgram_hashes(ids: np.ndarray, k: int = K) -> np.ndarray:
    """A polynomial hash of every run of k tokens (unsigned arithmetic wraps, as a hash's should)."""
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    values = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)   # token numbers spread before they mix
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * MULTIPLIER + values[j:j + n]
    return h


def winnow(ids: np.ndarray, k: int = K, w: int = W) -> Fingerprints:
    """The fingerprints of a token sequence: the smallest hash of each window of w k-grams."""
    h = kgram_hashes(ids, k)
    if len(h) == 0:
        return Fingerprints(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    if len(h) >= w:
        windows = sliding_window_view(h, w)
        chosen = np.unique(windows.argmin(axis=1) + np.arange(len(windows)))
    else:
        chosen = np.array([int(h.argmin())])
    hashes, first = np.unique(h[chosen], return_index=True)
    return Fingerprints(hashes, chosen[first].astype(np.int64))
