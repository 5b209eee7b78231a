"""A layer's cache reused across layers: a network whose backward pass hands
one layer's cache to the backward of other layers too (the last cache a
forward loop kept, passed to every layer on the way back). Where the layers
differ in size, the code raises a shape mismatch deep in a layer; where
they do not, it returns wrong gradients. Either way, the mistake is in the
network, not in the layer the traceback ends in.

The student's process watches the layers' caches during a method's call
on each case (sandbox/cache_watch.py) and counts, for each forward, how
often the cache of each of its calls reached a backward. A forward one of
whose caches reached a backward more than once while another of its caches
reached none is that mistake: it is named on every scored check of the
case that failed and names no mistake of its own, whether the call raised
or returned. A forward called twice for one layer, each cache taken once
(or one of them never), is not.

The counts come from the student's process and are trusted only to name a
mistake on a check that failed anyway: a forged count changes no status and
no point."""
from __future__ import annotations

from ..judge.checks import Verdict
from ..judge.diagnosis import Diagnosis
from ..sandbox.answers import CacheUse, Reply
from ..spec import Function
from ..spec.classes import method_of
from .fold import Key

CODE = "cache_reused"


def watched(f: Function) -> bool:
    """Whether the layers' caches are watched during f's calls: a network's
    method (`calls = "Class.method"`) with a derivative among its outputs."""
    return method_of(f) is not None and any(o.derivative for o in f.judged)


def reused(use: CacheUse) -> bool:
    """One cache of the forward reached a backward more than once, and another reached none."""
    return max(use.received) >= 2 and 0 in use.received


def name_reuse(reply: Reply | None, judged: list[tuple[Key, Verdict | None]]) -> None:
    """Where the case's call shows a cache reused, name it on each scored
    check of the case that failed without a mistake named already."""
    found = [use for use in getattr(reply, "caches", []) if reused(use)]
    if not found:
        return
    diagnosis = Diagnosis(CODE, explanation(found[0]))
    for key, verdict in judged:
        if key.scored and verdict is not None and verdict.status in ("failed", "error") and not verdict.diagnosis:
            verdict.diagnosis = diagnosis


def explanation(use: CacheUse) -> str:
    """What was seen, and what to do, in the words every report shows."""
    counts = use.received
    most = max(counts)
    taken = counts.index(most) + 1
    never = [ordinal(i + 1) for i, n in enumerate(counts) if n == 0]
    backward = use.backward or "a backward"
    return (f"{backward} was given the cache of the {ordinal(taken)} of your {len(counts)} calls of "
            f"{use.forward} {times(most)}, and that of the {words(never)} never: a layer's backward needs the "
            f"cache its own forward returned; keep one cache per layer (in a dict keyed by the layer, say) and "
            f"pass each to that layer's backward")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


def words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
