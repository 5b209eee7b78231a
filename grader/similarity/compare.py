"""Compare a class's submissions (and known solutions) with each other:
lex each, fingerprint it, leave out the starter's fingerprints and the
common ones, find every pair that shares enough, and locate what they
share. The result is data (the models below), written as
`similarity.json` and drawn as pages by report.py."""
from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from .fingerprints import Fingerprints, K, W, winnow
from .pairs import common_hashes, common_limit, listed, matching_spans, shared_counts
from .sources import Source
from .tokens import Tokens, tokens_of

THRESHOLD = 0.5   # the share of a submission's own fingerprints found in the other's, to list a pair


class Lines(BaseModel):
    """A stretch of one side of a pair: its file, first and last line, and
    (in a notebook) where that is in words."""
    file: str
    first: int
    last: int
    where: str = ""


class Region(BaseModel):
    a: Lines
    b: Lines
    tokens: int          # how many of a's tokens the stretch covers


class Pair(BaseModel):
    a: str
    b: str
    similarity_a: float  # the share of a's fingerprints that b holds too
    similarity_b: float  # ... and of b's that a holds
    shared: int          # fingerprints the two share
    known: bool = False  # b is a known solution (--compare-with), not a student
    regions: list[Region]


class Problem(BaseModel):
    name: str
    problem: str


class Comparison(BaseModel):
    assignment: str
    threshold: float
    k: int = K
    w: int = W
    compared: int             # submissions
    known: int = 0            # known solutions compared with them
    common_limit: int         # a fingerprint held by more sources than this is left out
    pairs: list[Pair]
    problems: list[Problem] = []


def compare(assignment: str, sources: list[Source], starter: Source | None = None,
            threshold: float = THRESHOLD) -> Comparison:
    """Every pair of `sources` (but two known solutions) above `threshold`, with the regions they share."""
    tokens = [tokens_of(s) for s in sources]
    prints = [winnow(t.ids) for t in tokens]
    dropped = winnow(tokens_of(starter).ids).hashes if starter else np.zeros(0, dtype=np.uint64)
    limit = common_limit(sum(not s.known for s in sources))
    dropped = np.union1d(dropped, common_hashes(prints, limit))
    prints = [p.without(dropped) for p in prints]
    known = np.array([s.known for s in sources], dtype=bool)
    sizes = np.array([len(p.hashes) for p in prints], dtype=np.int64)
    pairs = []
    for a, b, count in listed(shared_counts(prints, known), sizes, threshold):
        if known[a]:   # a known solution is always the pair's second
            a, b = b, a
        pairs.append(Pair(a=sources[a].name, b=sources[b].name, similarity_a=round(count / sizes[a], 3),
                          similarity_b=round(count / sizes[b], 3), shared=count, known=bool(known[b]),
                          regions=regions(sources[a], tokens[a], prints[a], sources[b], tokens[b], prints[b])))
    if starter:
        sources = sources + [starter]
    problems = [Problem(name=s.name, problem=p) for s in sources for p in s.problems]
    return Comparison(assignment=assignment, threshold=threshold, compared=int((~known).sum()),
                      known=int(known.sum()), common_limit=limit, pairs=pairs, problems=problems)


def regions(sa: Source, ta: Tokens, fa: Fingerprints, sb: Source, tb: Tokens, fb: Fingerprints) -> list[Region]:
    """Where a and b match, as lines of their files."""
    return [Region(a=_lines(sa, ta, s.a_first, s.a_last), b=_lines(sb, tb, s.b_first, s.b_last),
                   tokens=min(s.a_last, len(ta.ids) - 1) - s.a_first + 1)
            for s in matching_spans(fa, fb)]


def _lines(source: Source, tokens: Tokens, first: int, last: int) -> Lines:
    """The lines of tokens first..last, within the file of the first (a stretch never crosses files)."""
    last = min(last, len(tokens.ids) - 1)
    n = int(tokens.files[first])
    in_file = tokens.lines[first:last + 1][tokens.files[first:last + 1] == n]
    f = source.files[n]
    lo, hi = int(in_file.min()), int(in_file.max())
    where = f"{f.where(lo)} to {f.where(hi)}" if f.cells else ""
    return Lines(file=f.name, first=lo, last=hi, where=where)
