"""What a student's process sends back, validated before anything reads it.

Each answer becomes one of four typed replies: `Loaded` (the module imported,
with its functions), `Called` (a call's result), `Probed` (a probe's values)
or `Failed` (a StudentError saying what went wrong). They form one
discriminated union, `Reply`, validated by a pydantic TypeAdapter: the tag
is what the grading process asked for (or "error" when the answer says it
failed), so an answer of the wrong kind for its request is malformed too.
An answer that does not validate becomes a Failed reply of kind "protocol"
naming the field at fault: a verdict against the submission, never a crash.
The text in a reply (error messages, tracebacks, type and function names)
is valid UTF-8 (see wire_values.text) and capped."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, Union

import numpy as np
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError,
                      ValidationInfo, field_validator)
from pydantic_core import PydanticCustomError

from . import wire_values

ERROR_KINDS = {"exception", "syntax", "missing_module", "exit", "timeout", "crashed", "protocol"}
MAX_FUNCTIONS = 1000   # functions of a module read from a load answer
MAX_NAME = 200         # characters of a function's or a parameter's name
MAX_SIGNS = 16         # signs of a numerical derivative read from one call's answer
MAX_LINES = 50         # line numbers of a traceback read from an error
MAX_FORWARDS = 16      # forwards whose caches' uses are read from one call's answer (see cache_watch)
MAX_FORWARD_CALLS = 64   # ... calls of each


def _text(value, limit: int) -> str:
    """Text the student's process sent, as valid UTF-8, at most `limit`
    characters, keeping the end (where a traceback names the error)."""
    text = wire_values.text(value) if isinstance(value, str) else "" if value is None else wire_values.text(repr(value)[:limit])
    return text if len(text) <= limit else "[...]\n" + text[-limit:]


def _capped(limit: int) -> BeforeValidator:
    """A field's validator that makes it `_text` of at most `limit` characters."""
    return BeforeValidator(lambda value: _text(value, limit))


def _line_numbers(value) -> list[int]:
    """The lines of the student's file a traceback's frames were on: positive
    integers only, the innermost MAX_LINES of them; anything else, none."""
    if not isinstance(value, list):
        return []
    numbers = [n for n in value if type(n) is int and 0 < n < 10**7]
    return numbers[-MAX_LINES:]


def _error_kind(value) -> str:
    """One of ERROR_KINDS: any other kind the student's process names is an exception."""
    kind = _text(value, 20)
    return kind if kind in ERROR_KINDS else "exception"


@dataclass
class StudentError:
    """Why a request failed in the student's process. Made here from trusted
    text as it is; from an answer, each field checked and capped."""
    kind: Annotated[str, BeforeValidator(_error_kind)] = "exception"
    message: Annotated[str, _capped(2000)] = ""
    type: Annotated[str, _capped(100)] = ""
    traceback: Annotated[str, _capped(20_000)] = ""
    lines: Annotated[list[int], BeforeValidator(_line_numbers)] = field(default_factory=list)

    def describe(self) -> str:
        return self.traceback or (f"{self.type}: {self.message}" if self.type else self.message)


class _Succeeded(BaseModel):
    """A reply that succeeded: it has no error."""
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    ok: ClassVar[bool] = True
    error: ClassVar[None] = None


def _params(value) -> list[str] | None:
    """The parameters' names, capped, or None where they are not a list of names."""
    if not (isinstance(value, list) and all(isinstance(p, str) for p in value)):
        return None
    return [p[:MAX_NAME] for p in value]


def _line(value) -> int | None:
    """The line a function starts on, or None where it is no plausible line number."""
    return value if type(value) is int and 0 < value < 2**31 else None


class FunctionInfo(BaseModel):
    """What the student's process says of one function of the module: a
    field it cannot say (or says wrongly) is None, not a malformed answer."""
    model_config = ConfigDict(frozen=True)
    params: Annotated[list[str] | None, BeforeValidator(_params)] = None
    line: Annotated[int | None, BeforeValidator(_line)] = None


def _functions(value):
    """At most MAX_FUNCTIONS functions, their names capped, each described by
    a dict (anything else says nothing of it)."""
    if not isinstance(value, dict):
        return value   # refused as a dict
    return {name[:MAX_NAME]: info if isinstance(info, dict) else {}
            for name, info in list(value.items())[:MAX_FUNCTIONS]}


class FailedCell(BaseModel):
    """A notebook's cell that failed when the module was loaded (see cells.py)."""
    model_config = ConfigDict(frozen=True)
    cell: int = Field(ge=1, lt=2**31, strict=True)
    line: Annotated[int | None, BeforeValidator(_line)] = None
    error: Annotated[StudentError, BeforeValidator(lambda value: value if isinstance(value, dict) else {})]


class Loaded(_Succeeded):
    """The submission was imported; these are its functions, by name, and
    for a notebook the cells that failed (the others ran)."""
    kind: Literal["load"]
    functions: Annotated[dict[str, FunctionInfo], BeforeValidator(_functions)]
    failed_cells: list[FailedCell] = Field([], max_length=MAX_FUNCTIONS)


class NumericSign(BaseModel):
    """Calls of one of the submission's functions, made during a watched call,
    whose array argument was complex or a small step from its first value
    (see numeric_watch). Its counts can only cost the student who sent them."""
    model_config = ConfigDict(frozen=True)
    function: Annotated[str, _capped(MAX_NAME)]
    line: Annotated[int | None, BeforeValidator(_line)] = None
    argument: Annotated[str, _capped(MAX_NAME)]
    calls: int = Field(ge=0, lt=2**31, strict=True)
    size: int = Field(ge=0, lt=2**40, strict=True)
    shape: list[Annotated[int, Field(ge=0, lt=2**40, strict=True)]] = Field(max_length=32)
    complex: bool = Field(strict=True)


class CacheUse(BaseModel):
    """How often the caches of one forward's calls, made during a call whose
    layers were watched (see cache_watch), reached a backward, and the
    backward that took the one taken most. It can only ever name a mistake
    on a check that failed anyway (grading/cache_reuse.py)."""
    model_config = ConfigDict(frozen=True)
    forward: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*_forward$", max_length=MAX_NAME)
    backward: str = Field("", pattern=r"^([A-Za-z_][A-Za-z0-9_]*_backward)?$", max_length=MAX_NAME)
    received: list[Annotated[int, Field(ge=0, lt=2**31, strict=True)]] = Field(min_length=1,
                                                                               max_length=MAX_FORWARD_CALLS)


class Called(_Succeeded):
    """A call's answer: the decoded return value (see wire_values.decode), how long
    it took, which of its arguments it changed in place or sent back (only
    arguments of this call are read), and for a watched call the signs of
    a numerical derivative, and for a call whose layers were watched, what
    became of their caches."""
    kind: Literal["call"]
    result: Any
    seconds: float = Field(0.0, ge=0, lt=1e9, allow_inf_nan=False, strict=True)
    mutated: list[str] = []
    updated: dict[str, Any] = {}
    numeric: list[NumericSign] = Field([], max_length=MAX_SIGNS)
    caches: list[CacheUse] = Field([], max_length=MAX_FORWARDS)

    @field_validator("mutated", mode="before")
    @classmethod
    def _arguments_changed(cls, value, info: ValidationInfo) -> list:
        names = info.context["args"]
        return [m for m in value if isinstance(m, str) and m in names] if isinstance(value, list) else []

    @field_validator("updated", mode="before")
    @classmethod
    def _arguments_sent_back(cls, value, info: ValidationInfo) -> dict:
        names = info.context["args"]
        return {k: v for k, v in value.items() if k in names} if isinstance(value, dict) else {}


class Probed(_Succeeded):
    """A probe's answer: one value of the function per point asked for (as
    float64), and whether the function computed them in float32."""
    kind: Literal["probe"]
    values: np.ndarray
    float32: bool = Field(False, strict=True)

    @field_validator("values")
    @classmethod
    def _one_number_per_point(cls, value: np.ndarray, info: ValidationInfo) -> np.ndarray:
        points = len(info.context["points"])
        if value.shape != (points,) or value.dtype.kind not in "fiu":
            raise PydanticCustomError("values", "expected {points} numbers, got an array of shape {shape} and "
                                                "dtype {dtype}",
                                      {"points": points, "shape": value.shape, "dtype": str(value.dtype)})
        return value.astype(np.float64)


def _error(value):
    """An error part that is not a dict says nothing of the error."""
    return value if isinstance(value, (dict, StudentError)) else {}


class Failed(BaseModel):
    """The request failed: in the student's code, or in its process, or on
    the way back; for a call whose layers were watched, what became of
    their caches before it failed."""
    model_config = ConfigDict(frozen=True)
    ok: ClassVar[bool] = False
    kind: Literal["error"] = "error"
    error: Annotated[StudentError, BeforeValidator(_error)] = Field(default_factory=StudentError)
    caches: list[CacheUse] = Field([], max_length=MAX_FORWARDS)


Reply = Annotated[Union[Loaded, Called, Probed, Failed], Field(discriminator="kind")]
REPLY: TypeAdapter[Reply] = TypeAdapter(Reply)


def failed(kind: str, message: str) -> Failed:
    """A Failed reply the grading process makes itself (its text is trusted)."""
    return Failed(error=StudentError(kind, message))


def malformed(what: str) -> Failed:
    """The reply to an answer that broke the protocol: `what` says how."""
    return failed("protocol", f"the student's process sent a malformed answer ({what})")


def read(answer, request: dict) -> Reply:
    """A decoded answer to `request` as its typed reply, or a malformed-answer
    Failed reply that names what was wrong: an answer is a dict whose `ok`
    is true (it then answers the request's op) or false (it is an error)."""
    ok = answer.get("ok") if isinstance(answer, dict) else None
    if type(ok) is not bool:
        return malformed("not an answer: no ok field")
    try:
        return REPLY.validate_python({**answer, "kind": request["op"] if ok else "error"}, context=request)
    except ValidationError as e:
        return malformed(_first_problem(e))


def _first_problem(e: ValidationError) -> str:
    """The first thing wrong with an answer, as `field: what`, in valid text."""
    problem = e.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in problem["loc"][1:])   # (the first is the tag)
    return _text(f"{where}: {problem['msg']}" if where else problem["msg"], 300)
