"""What grading works out once per case and reuses for every student given
that case: the calls planned on it (each request's frame encoded once) and
what judging an output on it takes beyond the answer (its bounds, the
context of a diagnosis). A case from the pool is given to many
submissions; its memo lives as long as the case does."""
from __future__ import annotations

from typing import Callable, TypeVar
from weakref import WeakKeyDictionary

from ..cases.sampling import Case

T = TypeVar("T")
_memos: WeakKeyDictionary[Case, dict] = WeakKeyDictionary()


def once(case: Case, key: tuple, make: Callable[[], T]) -> T:
    """`make()` the first time it is asked for on this case, kept after. A case
    is redrawn (at a kink) only before it is handed to grading, so what is
    kept here is never stale."""
    memo = _memos.get(case)
    if memo is None:
        memo = _memos[case] = {}
    found = memo.get(key)
    if found is None:
        found = memo[key] = make()
    return found
