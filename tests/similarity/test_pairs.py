"""Every pair found at once (grader/similarity/pairs.py) is every pair found
one by one, and a pair's shared stretches lie where the two sources match."""
from __future__ import annotations

import itertools
import random

import numpy as np

from grader.similarity.fingerprints import Fingerprints, K, winnow
from grader.similarity.pairs import common_hashes, listed, matching_spans, shared_counts


def prints_of(sets: list[set[int]]) -> list[Fingerprints]:
    return [Fingerprints(np.array(sorted(s), dtype=np.uint64), np.arange(len(s), dtype=np.int64)) for s in sets]


def test_the_index_counts_what_each_pair_shares():
    rng = random.Random(3)
    sets = [set(rng.sample(range(300), rng.randrange(0, 60))) for _ in range(40)]
    known = np.array([i >= 35 for i in range(40)])
    shared = shared_counts(prints_of(sets), known)
    found = {(int(a), int(b)): int(c) for a, b, c in zip(shared.a, shared.b, shared.count)}
    expected = {(i, j): len(sets[i] & sets[j]) for i, j in itertools.combinations(range(40), 2)
                if sets[i] & sets[j] and not (known[i] and known[j])}
    assert found == expected


def test_pairs_are_listed_most_similar_first_above_the_threshold():
    sets = [set(range(10)), set(range(10)), set(range(5, 25)), set(range(100, 104)), set(range(100, 104))]
    prints = prints_of(sets)
    sizes = np.array([len(s) for s in sets])
    shared = shared_counts(prints, np.zeros(5, dtype=bool))
    assert listed(shared, sizes, 0.5) == [(0, 1, 10), (3, 4, 4), (0, 2, 5), (1, 2, 5)]
    assert listed(shared, sizes, 0.6) == [(0, 1, 10), (3, 4, 4)]


def test_a_fingerprint_most_sources_hold_is_common():
    prints = prints_of([{1, 2}, {1, 3}, {1, 4}, {2, 5}])
    assert common_hashes(prints, 2).tolist() == [1]


def test_a_shared_stretch_is_found_where_it_is_in_each():
    rng = np.random.default_rng(0)
    shared = rng.integers(1, 50, 80)
    a = np.concatenate([rng.integers(100, 200, 40), shared, rng.integers(100, 200, 30)])
    b = np.concatenate([rng.integers(300, 400, 10), shared, rng.integers(300, 400, 60)])
    spans = matching_spans(winnow(a), winnow(b))
    assert len(spans) == 1
    span = spans[0]
    assert 40 <= span.a_first and span.a_last <= 40 + 80 - 1 + K
    assert span.b_first - span.a_first == 10 - 40 and span.b_last - span.a_last == 10 - 40
