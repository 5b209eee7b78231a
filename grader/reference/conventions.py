"""The reference under an accepted convention (spec/conventions.py): the same
reference, with each function the convention names replaced by its stand-in
wherever the reference is called (the function itself, the forward a
derivative is differenced through, the forward that makes a cache, a
mistake's variant). Everything else about expected values, finite
differences included, is computed as for the reference's own convention."""
from __future__ import annotations

import copy
from types import ModuleType
from typing import TYPE_CHECKING

from ..spec.conventions import Convention, conventions_of

if TYPE_CHECKING:
    from ..cases.sampling import Case
    from ..spec import Function
    from .expected import Expected, Reference


class StandIns:
    """A reference module whose functions named in `variants` are looked up
    under their stand-ins' names."""

    def __init__(self, module: ModuleType, variants: dict[str, str]):
        self._module, self._variants = module, variants

    def __getattr__(self, name: str):
        return getattr(self._module, self._variants.get(name, name))


def under(reference: Reference, convention: Convention) -> Reference:
    """The reference as it answers under `convention`."""
    swapped = copy.copy(reference)
    swapped.module = StandIns(reference.module, convention.variants)
    return swapped


def missing_stand_ins(reference: Reference) -> list[str]:
    """The stand-ins the spec's conventions name that the reference module does not define."""
    return [variant for c in reference.spec.conventions for variant in c.variants.values()
            if not callable(getattr(reference.module, variant, None))]


def expected_under_conventions(reference: Reference, f: Function, case: Case) -> dict[str, Expected]:
    """f's expected answers on the case under each accepted convention that changes them."""
    return {c.name: under(reference, c).expected(f, case, conventions=False)
            for c in conventions_of(reference.spec, f)}
