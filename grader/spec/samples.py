"""How an argument's values are sampled: the `sample` table of an
argument (or of a key of a dict argument), one model per kind."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .problems import invalid
from .sizes import Size


class Strict(BaseModel):
    """A model that refuses keys it does not declare, so a misspelt field is an error."""
    model_config = ConfigDict(extra="forbid")


# --- how to sample an argument -------------------------------------------------

class Normal(Strict):
    """Normally distributed floats (the default)."""
    kind: Literal["normal"] = "normal"
    mean: float = 0.0
    std: float = Field(1.0, gt=0)


class Uniform(Strict):
    """Floats drawn uniformly from [low, high)."""
    kind: Literal["uniform"]
    low: float = -1.0
    high: float = 1.0


class Integers(Strict):
    """Integers in [low, high); `repeats` guarantees a value repeated within a
    row and across rows, as word indices in real text are."""
    kind: Literal["integers"]
    low: Size = 0
    high: Size
    repeats: bool = False


class Labels(Strict):
    """Class labels 0..classes-1, each class present when there is room.
    `classes` is a size like any other: 10, a dimension name ("C") or an
    expression of them, at least 2 on every case."""
    kind: Literal["labels"]
    classes: Size = 2


class DimValue(Strict):
    """A Python int equal to a dimension, such as the vocabulary size V."""
    kind: Literal["dim"]
    dim: str


class Constant(Strict):
    """The same value every time: a number, a string, a list or a table
    (a dict), such as conv_param = {stride = 1, pad = 1}."""
    kind: Literal["constant"]
    value: Any


class Choice(Strict):
    """One of `values` per case (numbers, strings or tables alike, such as
    conv_param = {stride = 2, pad = 1}): case i takes values[i mod n] in an
    order its seed fixes, so the hidden cases cover every value. Arguments of
    one name share the choice of a case; [dims] may derive sizes from it
    ("pad", or "conv_param.pad" for a key of a table)."""
    kind: Literal["choice"]
    values: list[Any] = Field(min_length=2, description="what the argument may be; one is a constant")

    @field_validator("values")
    @classmethod
    def _alike(cls, values: list) -> list:
        keys = [sorted(v) if isinstance(v, dict) else None for v in values]
        problems = [((k,), f"has keys {keys[k]}, values[0] has {keys[0]}: give every table the same keys, "
                           "or make no value a table")
                    for k in range(1, len(values)) if keys[k] != keys[0]]
        if problems:
            raise invalid("Choice", problems)
        return values


class Fixture(Strict):
    """An object built by FUNCTION(**args, seed=...) from a module of the
    assignment's support folder, in the student's process and, for the
    reference, in the grading process. A string in args that names a
    dimension becomes its size."""
    kind: Literal["fixture"]
    factory: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$")
    args: dict[str, Any] = {}


class StandIn(Strict):
    """A function of the assignment's support folder, passed in place of a
    student's function that this one calls by default (`replaces`), so that
    its own logic is judged alone and a mistake in the other is not charged
    twice. The student's own composition is checked too, without points."""
    kind: Literal["stand_in"]
    function: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$")
    replaces: str = Field(description="the function students write that the argument defaults to")


Distribution = Annotated[Union[Normal, Uniform, Integers, Labels, DimValue, Constant, Choice, Fixture, StandIn],
                         Field(discriminator="kind")]
