"""Problems found in a spec, each at a location in the form pydantic gives its
own errors, so that every error, pydantic's or ours, is reported the same way."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Union

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

Location = tuple[Union[str, int], ...]  # such as ("functions", 2, "outputs", 0, "shape")
Problem = tuple[Location, str]          # where, relative to the model that found it, and what is wrong


def within(prefix: Location, problems: Iterable[Problem]) -> Iterator[Problem]:
    """The problems of a part, located from the whole (prefix: where the part is)."""
    for location, message in problems:
        yield (*prefix, *location), message


def duplicates(names: list[str], where: Location) -> Iterator[Problem]:
    """Each name declared again, located at that second declaration."""
    seen = set()
    for index, name in enumerate(names):
        if name in seen:
            yield (*where, index, "name"), f"{name!r} is declared twice"
        seen.add(name)


def invalid(model: str, problems: Iterable[Problem]) -> ValidationError:
    """A ValidationError holding each problem at its location; raised in a
    validator, pydantic prefixes the locations with where the model sits."""
    # the message is passed as context, so braces in it are never read as a template
    return ValidationError.from_exception_data(model, [
        InitErrorDetails(type=PydanticCustomError("spec", "{problem}", {"problem": message}), loc=location,
                         input=None)
        for location, message in problems])
