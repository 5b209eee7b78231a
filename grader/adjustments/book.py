"""`adjustments.toml`: what an instructor changes in a class's grades after
the grader, each change with its reason and who made it, and the late
policy. Read into pydantic models here, the single source of its
validation and its error messages (located as the spec's are, an unknown
key refused with the key it was likely meant to be)."""
from __future__ import annotations

import difflib
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      ValidationInfo, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from ..cases.discover import UsageError
from ..spec.loading import describe_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILENAME = "adjustments.toml"
UNITS = {"minute": 60, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400, "week": 604800,
         "w": 604800}
PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:,|and\b)?", re.IGNORECASE)


class AdjustmentsError(UsageError):
    """An adjustments file that cannot be used; the message names the file, the place and the problem."""


def problem(message: str) -> PydanticCustomError:
    """A problem in the file, as pydantic reports it (worded as given: no "Value error," before it)."""
    return PydanticCustomError("adjustments", "{problem}", {"problem": message})


LONGEST = timedelta(days=366)   # the most a grace period or an extension may be: no course gives more
YEARS = (1970, 2999)            # a date's year: no course is outside, and a year's extension still is a date
MOST_POINTS = 10**6            # points an adjustment or a penalty gives or takes: any more overflows a sum
DATE_EXAMPLE = "2026-12-01T23:59:00-05:00"
DURATION_EXAMPLE = '"2 days" or "36 hours"'


def bare_value(value) -> str | None:
    """What `value` is, if it is a bare number (a TOML integer or float, or a string
    holding only one) or a boolean; else None. Pydantic would read either as seconds,
    or as a Unix time (2: 1970-01-01T00:00:02Z), where a date or a length of time is meant."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if not isinstance(value, str):
        return None
    try:
        float(value)
    except ValueError:
        return None
    return "a number"


def no_number(value, what: str, instead: str):
    """`value`, unless it is a bare number or a boolean: then a problem saying what to write instead."""
    kind = bare_value(value)
    if kind:
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        raise problem(f"{shown} is {kind}, not {what}: write {instead}")
    return value


def date(value):
    """A date as pydantic reads it, never a bare number."""
    return no_number(value, "a date", f"the date with its offset, such as {DATE_EXAMPLE}")


def extension(value):
    """A student's new due date, or extra time as `duration` reads it; never a
    bare number. Text that begins as a date does (2026-...) is left to pydantic
    to read as one; the rest is read here, so that its problem is said once, at its key."""
    no_number(value, "a date or a length of time", f"extra time with its unit, such as {DURATION_EXAMPLE}, "
              f"or a new due date with its offset, such as {DATE_EXAMPLE}")
    return value if not isinstance(value, str) or re.match(r"\s*\d{4}-", value) else duration(value)


def duration(value):
    """A length of time as a person writes it ("2 days", "36 hours", "1 day 12 hours", "90 min"),
    else as pydantic reads one (ISO 8601, "P2D"); never a bare number, which says no unit."""
    no_number(value, "a length of time", f"it with its unit, such as {DURATION_EXAMPLE}")
    if not isinstance(value, str) or not value.strip() or value.strip()[0] in "Pp":
        return value
    total, at, text = 0.0, 0, value.strip()
    while at < len(text):
        found = PART.match(text, at)
        unit = found and found.group(2).lower()
        unit = unit[:-1] if unit and unit not in UNITS and unit.endswith("s") else unit
        if not found or unit not in UNITS:
            raise problem(f"{value!r} is not a length of time such as \"2 days\", \"36 hours\" or \"90 minutes\"")
        total, at = total + float(found.group(1)) * UNITS[unit], found.end()
    too_long(repr(value), total)
    return timedelta(seconds=total)


def too_long(shown: str, seconds: float) -> None:
    """A problem if `seconds`, what `shown` says, is more than LONGEST (checked before
    a timedelta is made of it: a far longer one overflows it, or any date it is added to)."""
    if seconds > LONGEST.total_seconds():
        raise problem(f"{shown} is longer than {LONGEST.days} days, the most a grace period or an extension "
                      f"may be")


def in_range(value):
    """`value`, unless it is a length of time longer than LONGEST (as ISO 8601
    gives it: "P400D"), or a date in a year no course is (a typo: 0202, 9999)."""
    if isinstance(value, timedelta):
        too_long(f"{value.total_seconds() / 86400:g} days", value.total_seconds())
    if isinstance(value, datetime) and not YEARS[0] <= value.year <= YEARS[1]:
        raise problem(f"{value.isoformat()} is in the year {value.year}: a date here is in a year from {YEARS[0]} "
                      f"to {YEARS[1]}")
    return value


Duration = Annotated[timedelta, BeforeValidator(duration), AfterValidator(in_range)]
Date = Annotated[AwareDatetime, BeforeValidator(date), AfterValidator(in_range)]
Extension = Annotated[AwareDatetime | timedelta, BeforeValidator(extension), AfterValidator(in_range)]


class Strict(BaseModel):
    """A table of the file: an unknown key refused, and a number that is not
    finite (`inf`, `nan`: no score or report can hold it)."""
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class LatePolicy(Strict):
    """Points taken for each hour or day (each one started) a submission is
    late, from its due date: a student's extension moves it; a submission
    within the grace period is on time."""
    due: Date | None = Field(None, description="ISO 8601 with its offset; in Gradescope, "
                                      "default: the assignment's due date there")
    per: Literal["hour", "day"] = "day"
    penalty: float = Field(gt=0, le=MOST_POINTS, description="taken per hour or day late (each one started)")
    unit: Literal["percent", "points"] = "percent"
    percent_of: Literal["score", "max_score"] = Field("score", description="percent of the score before the "
                                                      "penalty, or of the points possible")
    cap: float | None = Field(None, ge=0, description="the most the penalty takes, in `unit`")
    grace: Duration = timedelta(0)
    extensions: dict[str, Extension] = Field(
        {}, description="per student: a new due date, or extra time (\"2 days\")")

    @model_validator(mode="after")
    def _percent_is_at_most_100(self) -> LatePolicy:
        if self.unit == "percent" and self.cap is not None and self.cap > 100:
            raise problem(f"cap is {self.cap:g} percent; a penalty takes at most 100 percent")
        return self


class Entry(Strict):
    """One change to one student's score: points added (negative: removed),
    or the score set, of one function or of the whole submission."""
    student: str = Field(min_length=1)
    function: str | None = None
    points: float | None = Field(None, ge=-MOST_POINTS, le=MOST_POINTS)
    set_to: float | None = Field(None, alias="set", ge=-MOST_POINTS, le=MOST_POINTS)
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1)

    @model_validator(mode="after")
    def _points_or_set(self) -> Entry:
        if (self.points is None) == (self.set_to is None):
            raise problem("give points (added; negative: removed) or set (the score it gets), one of them")
        return self

    @field_validator("function")
    @classmethod
    def _known_function(cls, name: str | None, info: ValidationInfo) -> str | None:
        functions = (info.context or {}).get("functions")
        if name is None or functions is None or name in functions:
            return name
        close = difflib.get_close_matches(name, functions, n=1, cutoff=0.6)
        raise problem(f"no function {name!r} is graded in this assignment; "
                         + (f"did you mean {close[0]!r}?" if close else f"its functions are {', '.join(functions)}"))


class Book(Strict):
    """The whole file: the late policy, and the list of adjustments."""
    late: LatePolicy | None = None
    adjustments: list[Entry] = []

    def students(self) -> set[str]:
        """Every student it names."""
        return {e.student for e in self.adjustments} | set(self.late.extensions if self.late else ())


def load_book(path: Path, functions: list[str]) -> Book:
    """Read and validate an adjustments file; `functions`: the names an adjustment may name."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise AdjustmentsError(f"{path}: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise AdjustmentsError(f"{path}: not valid TOML: {e}") from None
    try:
        return Book.model_validate(data, context={"functions": functions})
    except ValidationError as e:
        raise AdjustmentsError(f"{path}: invalid adjustments:\n" + describe_problems(e, data, Book)) from None
