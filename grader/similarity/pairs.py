"""Every pair of sources that share fingerprints, found at once from an
inverted index rather than pair by pair: all the fingerprints of all the
sources are sorted together, so that the sources holding one fingerprint
sit side by side, and each pair of neighbours within a run of equal
fingerprints is one fingerprint that pair shares. Counting the pairs
(np.unique) gives, for every pair, how many fingerprints it shares.

A fingerprint held by many sources (more than COMMON_SHARE of them, and
more than MIN_COMMON) is left out, as the starter's are: what most of a
class writes alike (a formula the instructions give) says nothing about
any one pair. This also bounds the work: a fingerprint held by m sources
makes m(m-1)/2 pairs."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .fingerprints import Fingerprints, K

COMMON_SHARE = 0.1   # a fingerprint in more than this share of the sources ...
MIN_COMMON = 10      # ... and in more than this many is common: left out of every comparison
MIN_SHARED = 4       # fingerprints a pair must share to be listed, so that a near-empty file never matches 100%


@dataclass
class Shared:
    """Pairs of sources (indices a < b) and how many fingerprints each pair shares."""
    a: np.ndarray
    b: np.ndarray
    count: np.ndarray


def common_limit(n: int) -> int:
    """The most sources a fingerprint may be held by and still count."""
    return max(MIN_COMMON, math.ceil(COMMON_SHARE * n))


def common_hashes(prints: list[Fingerprints], limit: int) -> np.ndarray:
    """The fingerprints (sorted) held by more than `limit` of the sources."""
    if not prints:
        return np.zeros(0, dtype=np.uint64)
    hashes, counts = np.unique(np.concatenate([p.hashes for p in prints]), return_counts=True)
    return hashes[counts > limit]


def shared_counts(prints: list[Fingerprints], known: np.ndarray) -> Shared:
    """Every pair of sources sharing a fingerprint, but pairs of two known solutions.
    `prints` hold each fingerprint once per source, common ones already left out."""
    n = len(prints)
    sizes = np.array([len(p.hashes) for p in prints], dtype=np.int64)
    hashes = np.concatenate([p.hashes for p in prints]) if n else np.zeros(0, dtype=np.uint64)
    owners = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort(hashes, kind="stable")   # stable: within a fingerprint, its sources in order
    hashes, owners = hashes[order], owners[order]
    keys = []
    gap = 1
    while gap < len(hashes):
        same = hashes[:-gap] == hashes[gap:]
        if not same.any():   # no run of equal fingerprints is longer than gap
            break
        a, b = owners[:-gap][same], owners[gap:][same]
        keys.append(a * n + b)
        gap += 1
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return Shared(empty, empty, empty)
    pairs, count = np.unique(np.concatenate(keys), return_counts=True)
    a, b = pairs // n, pairs % n
    mixed = ~(known[a] & known[b])
    return Shared(a[mixed], b[mixed], count[mixed])


def listed(shared: Shared, sizes: np.ndarray, threshold: float) -> list[tuple[int, int, int]]:
    """(a, b, shared) of the pairs where either source has at least `threshold`
    of its fingerprints in the other, most similar first."""
    share_a = shared.count / np.maximum(sizes[shared.a], 1)
    share_b = shared.count / np.maximum(sizes[shared.b], 1)
    best = np.maximum(share_a, share_b)
    keep = np.flatnonzero((best >= threshold) & (shared.count >= MIN_SHARED))
    keep = keep[np.lexsort((shared.b[keep], shared.a[keep], -best[keep]))]
    return [(int(shared.a[i]), int(shared.b[i]), int(shared.count[i])) for i in keep]


@dataclass
class Span:
    """A stretch of tokens two sources share: first and last token in each."""
    a_first: int
    a_last: int
    b_first: int
    b_last: int


def matching_spans(fa: Fingerprints, fb: Fingerprints) -> list[Span]:
    """The stretches of a and b that their shared fingerprints cover, in a's
    order: consecutive shared fingerprints less than K tokens apart in both,
    at the same distance, make one stretch."""
    _, ia, ib = np.intersect1d(fa.hashes, fb.hashes, assume_unique=True, return_indices=True)
    pa, pb = fa.positions[ia], fb.positions[ib]
    order = np.argsort(pa, kind="stable")
    spans: list[Span] = []
    for x, y in zip(pa[order].tolist(), pb[order].tolist()):
        last = spans[-1] if spans else None
        if last and x - last.a_last <= 1 and abs((y - x) - (last.b_last - last.a_last)) < K:
            last.a_last, last.b_last = max(last.a_last, x + K - 1), max(last.b_last, y + K - 1)
        else:
            spans.append(Span(x, x + K - 1, y, y + K - 1))
    return spans
