"""The pydantic models of an assignment spec: the single source of truth for
`assignment.toml`, its validation, its error messages and its JSON Schema."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Union

from pydantic import ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .choices import choice_problems, combinations
from .consistency import module_problems, spec_problems
from .containers import expand
from .conventions import Convention, convention_problems
from .problems import Problem, duplicates, invalid, within
from .samples import DimValue, Distribution, Integers, Labels, Normal, StandIn, Strict
from .settings import Cases, Checks, Handout, Limits, Notebook, Tolerance
from .sizes import Size, awaiting_choices, dims_problems, public_dims_problems


ENTRY_SAMPLES = ("normal", "uniform", "integers", "labels", "constant")


class Entry(Strict):
    """One array of a dict or list argument: a key named `name` (of a dict)
    or an item (of a list), or one per value of `for` ("l in 1..L", both
    ends included). The name and the shape may use `{l}` and `{L-1}`: an
    expression of `for`'s letter and of dimensions of one size in every case."""
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = ""
    over: str | None = Field(None, alias="for", description='"l in 1..L": one key (or item) per l, ends included')
    shape: list[Size] = []
    dtype: Literal["float64", "float32", "int64"] = "float64"
    sample: Distribution = Normal()
    away_from: list[float] = []
    kink_margin: float = Field(1e-2, ge=0)

    @model_validator(mode="after")
    def _plain_sample(self) -> Entry:
        if self.sample.kind not in ENTRY_SAMPLES:
            raise invalid("Entry", [(("sample",), f"a key or item is sampled as one of {list(ENTRY_SAMPLES)}, "
                                                   f"not {self.sample.kind!r}")])
        return self


def _container_problems(model, whole: tuple[str, ...]) -> list[Problem]:
    """What a dict (keys) or list (items) argument or output declares wrongly:
    both at once, a field that belongs to each key rather than to the whole,
    a key without a name."""
    if not (model.keys or model.items):
        return []
    if model.keys and model.items:
        return [(("items",), "declare keys (a dict) or items (a list), not both")]
    kind = "key" if model.keys else "item"
    problems = [((field,), f"set {field} on each {kind}, not on the {'dict' if model.keys else 'list'} itself")
                for field in whole if field in model.model_fields_set]
    problems += [(("keys", k, "name"), "a key needs a name (such as \"W{l}\")") for k, e in enumerate(model.keys)
                 if not e.name]
    return problems


class Container(Strict):
    """What an argument and an output share as a dict (`keys`) or a list
    (`items`) of arrays, and as one key or item of such a dict or list: the
    keys and items are expanded into arguments or outputs of their own when
    the spec is read (containers.py), which sets these attributes."""
    _container: str | None = PrivateAttr(None)   # of a key or item: the argument or output it belongs to
    _key: str | int | None = PrivateAttr(None)   # ... and its key or position there
    _leaves: list = PrivateAttr(default_factory=list)   # of a dict or list: its keys or items
    _where: tuple = PrivateAttr(())              # of a key or item: where its entry is declared, from the container
    _binding: str = PrivateAttr("")              # ... and for which value of its `for` ("for l = 2: ")

    @property
    def leaves(self) -> list:
        """A dict's keys or a list's items, each an argument or output of its own."""
        return self._leaves

    @property
    def key(self) -> str | int | None:
        """Of a key or item of a dict or list: where it is in it."""
        return self._key

    @property
    def part_of(self) -> str | None:
        """Of a key or item of a dict or list: the name of the argument or output it belongs to."""
        return self._container

    @property
    def container(self) -> str | None:
        """"dict" or "list" for a dict or list of arrays, else None."""
        return "dict" if self.keys else "list" if self.items else None


def quoted(name: str) -> str:
    """A key's name as the grader writes it: `parameters['W1']` as `parameters["W1"]`."""
    return re.sub(r"^(\w+)\['([^'\"]*)'\]$", r'\1["\2"]', name)


class Argument(Container):
    """One argument of a function: its shape, its dtype and how its values are sampled."""
    name: str
    shape: list[Size] = []
    dtype: Literal["float64", "float32", "int64", "object"] = "float64"
    sample: Distribution = Normal()
    away_from: list[float] = Field([], description="kinks: values are sampled at least `kink_margin` away from these")
    kink_margin: float = Field(1e-2, ge=0)
    cache: str | None = Field(None, description="this argument is the cache the named forward returned: that "
                              "forward runs on its own inputs of the case first, and its cache stays in the "
                              "student's process")
    cascade: Literal["charge", "forgive"] = Field(
        "charge", description="with a cache: 'forgive' does not charge this function again for a mistake of the "
        "student's forward that it is right for (the forward loses its own points); for a backward whose work is "
        "to apply what the forward stored, such as a dropout mask")
    updates: bool = Field(False, description="the function changes this argument in place by contract; its "
                          "final value is checked against the reference's")
    output_of: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$",
                                  description="this argument is what the named forward returned as that output "
                                  "(forward.output) on its own inputs of the case: a student's own forward for a "
                                  "student, the reference's for the reference (an AL beside its caches)")
    keys: list[Entry] = Field([], description="a dict of arrays: one key per entry (or per value of its `for`)")
    items: list[Entry] = Field([], description="a list of arrays: one item per entry (or per value of its `for`)")

    @model_validator(mode="after")
    def _sample_fits(self) -> Argument:
        problems: list[Problem] = list(_container_problems(self, ("shape", "dtype", "sample", "away_from", "cache",
                                                                  "output_of", "updates")))
        if isinstance(self.sample, DimValue) and self.shape:
            problems.append((("shape",), "a 'dim' argument is a plain int; its shape must be []"))
        if self.cascade == "forgive" and self.cache is None:
            problems.append((("cascade",), "'forgive' applies to a cache: name the forward with cache = ..."))
        if isinstance(self.sample, (Integers, Labels, DimValue)) and self.dtype != "int64":
            problems.append((("dtype",), "integer samples need dtype 'int64'"))
        if self.cache and self.output_of:
            problems.append((("output_of",), "an argument is a cache or an output of a forward, not both"))
        if problems:
            raise invalid("Argument", problems)
        return self


# --- what a function returns --------------------------------------------------

class Gradient(Strict):
    """This output is the gradient of the scalar `of` with respect to argument `wrt`.
    `of` is an output of the same function ("J"), a function with one scalar
    output ("score") or "function.output"."""
    of: str
    wrt: str


class VJP(Strict):
    """This output is the vector-Jacobian product upstream^T d(of)/d(wrt):
    the gradient with respect to `wrt` of sum(of * upstream)."""
    of: str
    wrt: str
    upstream: str


class Jacobian(Strict):
    """This output is the full Jacobian d(of)/d(wrt): its shape is the shape of
    `of` followed by the shape of `wrt` (an (m, n) matrix for vectors)."""
    of: str
    wrt: str


class OutputEntry(Strict):
    """One array of a dict or list output, judged and scored as an output of
    its own (`grads["dW1"]`): a key named `name` or an item, or one per
    value of `for`. Its name, shape and derivative may use `{l}` as an
    argument's entry does (`wrt = 'parameters["W{l}"]'`)."""
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = ""
    over: str | None = Field(None, alias="for", description='"l in 1..L": one key (or item) per l, ends included')
    shape: list[Size] = []
    gradient: Gradient | None = None
    vjp: VJP | None = None
    jacobian: Jacobian | None = None
    rtol: float | None = Field(None, gt=0)
    atol: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> OutputEntry:
        if sum(d is not None for d in (self.gradient, self.vjp, self.jacobian)) > 1:
            raise invalid("OutputEntry", [((), "declare one of gradient, vjp and jacobian, not several")])
        return self


class Output(Container):
    """One value a function returns: a value, a derivative (gradient, vjp or jacobian) or an opaque cache."""
    name: str
    shape: list[Size] = []
    gradient: Gradient | None = None
    vjp: VJP | None = None
    jacobian: Jacobian | None = None
    rtol: float | None = Field(None, gt=0)
    atol: float | None = Field(None, ge=0)
    opaque: bool = Field(False, description="a cache: stays in the student's process, never checked, no points")
    keys: list[OutputEntry] = Field([], description="a dict of arrays: one key per entry (or per value of its "
                                    "`for`), each judged and scored as an output of its own")
    items: list[OutputEntry] = Field([], description="a list of arrays: one item per entry (or per value of its "
                                     "`for`), each judged and scored as an output of its own")

    @model_validator(mode="after")
    def _one_kind(self) -> Output:
        problems = list(_container_problems(self, ("shape", "gradient", "vjp", "jacobian", "opaque")))
        if problems:
            raise invalid("Output", problems)
        if self.opaque and self.derivative:
            raise invalid("Output", [((), "an opaque output cannot be a derivative")])
        if sum(d is not None for d in (self.gradient, self.vjp, self.jacobian)) > 1:
            raise invalid("Output", [((), "declare one of gradient, vjp and jacobian, not several")])
        return self

    @property
    def derivative(self) -> Gradient | VJP | Jacobian | None:
        """What this output is the derivative of, if it is one."""
        return self.gradient or self.vjp or self.jacobian

    @property
    def derivative_kind(self) -> str | None:
        """"gradient", "vjp" or "jacobian"; None for a value or a cache."""
        return "gradient" if self.gradient else "vjp" if self.vjp else "jacobian" if self.jacobian else None


class Mistake(Strict):
    """A well-known mistake: `variant` is a function of the reference module
    that returns what a student making it would return."""
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: str
    variant: str

    @field_validator("variant")
    @classmethod
    def _a_function_name(cls, variant: str) -> str:
        if not variant.isidentifier():
            raise invalid("Mistake", [((), f"{variant!r} is not a function name")])
        return variant


class Function(Strict):
    """A function students write (or a forward only the reference defines), its arguments and its outputs."""
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    points: float = Field(0, ge=0)
    student: bool = Field(True, description="False: a forward that only the reference defines, named by the "
                          "derivatives of functions students write; it is not graded")
    calls: str | None = Field(None, description="the function this entry calls, when it is not `name`: checks "
                              "one function again in another mode (batchnorm at test time, say)")
    description: str = ""
    args: list[Argument]
    outputs: list[Output] = Field(min_length=1)
    mistakes: list[Mistake] = []
    _target: str | None = PrivateAttr(None)   # a method of a class declared under another name (spec/classes.py)

    @property
    def target(self) -> str:
        """The name of the function called, in the student's file and in the reference."""
        return self._target or self.calls or self.name

    @model_validator(mode="after")
    def _outputs_and_points(self) -> Function:
        problems = [*duplicates([a.name for a in self.args], ("args",)),
                    *duplicates([o.name for o in self.outputs], ("outputs",))]
        if all(o.opaque for o in self.outputs):
            problems.append((("outputs",), "every output is opaque; nothing could be checked"))
        if self.student and self.points <= 0:
            problems.append((("points",), "a function students write needs points > 0"))
        if problems:
            raise invalid("Function", problems)
        return self

    @property
    def stand_ins(self) -> list[Argument]:
        """The arguments that stand in for another function students write (always the last ones)."""
        return [a for a in self.args if isinstance(a.sample, StandIn)]

    def arg(self, name: str) -> Argument | None:
        """The argument of that name, if there is one: a declared one, or a
        key or item of one (`parameters["W1"]`, `xs[0]`)."""
        name = quoted(name)
        return next((a for a in self.args for a in [a, *a.leaves] if a.name == name), None)

    def output(self, name: str) -> Output | None:
        """The output of that name, if there is one: a declared one, or a key or item of one."""
        name = quoted(name)
        return next((o for o in self.outputs for o in [o, *o.leaves] if o.name == name), None)

    @property
    def judged(self) -> list[Output]:
        """Every output judged (and scored) on its own, in order: each declared
        output but caches, with a dict or list output's keys or items in its place."""
        return [leaf for o in self.outputs if not o.opaque for leaf in (o.leaves if o.container else [o])]


class Spec(Strict):
    """An assignment: its dimensions, the functions students write, and how they are graded."""
    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    title: str = ""
    module: str = Field("", description="the file students submit, without .py; defaults to name")
    support: str | None = Field(None, description="a folder beside the spec that students get too, importable "
                                "in their process (helper modules, fixtures)")
    dims: dict[str, Union[int, list[int], str]]
    functions: list[Function] = Field(min_length=1)
    classes: list["Class"] = Field([], description="classes students write, whose methods functions grade "
                                   "(calls = \"Class.method\"): see spec/classes.py")
    cases: Cases = Cases()
    tolerance: Tolerance = Tolerance()
    limits: Limits = Limits()
    checks: Checks = Checks()
    handout: Handout = Handout()
    notebook: Notebook = Notebook()
    conventions: list[Convention] = Field([], description="answers other than the reference's accepted for full "
                                          "marks (spec/conventions.py)")
    derived_gradients: Literal["required", "flag", "off"] = Field(
        "flag", description="a derivative computed numerically (finite differences or the complex step, of the "
        "student's own functions) rather than derived: 'required' costs its points, 'flag' reports it without "
        "cost, 'off' does not look")
    _folder: Path | None = PrivateAttr(None)   # where the spec was read from

    @property
    def support_path(self) -> Path | None:
        """The support folder, importable in the student's process."""
        return self._folder / self.support if self.support and self._folder else None

    @field_validator("dims")
    @classmethod
    def _usable_dims(cls, dims: dict) -> dict:
        problems = dims_problems(dims)
        if problems:
            raise invalid("Spec", problems)
        return dims

    @model_validator(mode="after")
    def _consistent(self) -> Spec:
        if not self.module:
            self.module = self.name
        problems = module_problems(self.module) or attach_methods(self) or choice_problems(self)
        if not problems and awaiting_choices(self.dims):  # dimensions derived from chosen values
            problems = list(within(("dims",), dims_problems(self.dims, combinations(self))))
        if not problems and self.cases.public_dims:
            problems = list(within(("cases", "public_dims"),
                                   public_dims_problems(self.dims, self.cases.public_dims, combinations(self))))
        problems = problems or expand(self) or spec_problems(self) or convention_problems(self)
        if problems:
            raise invalid("Spec", problems)
        return self

    @property
    def graded(self) -> list[Function]:
        """The functions students write, in order."""
        return [f for f in self.functions if f.student]

    def function(self, name: str) -> Function | None:
        """The function of that name, if there is one."""
        return next((f for f in self.functions if f.name == name), None)

    def resolve(self, owner: Function, of: str) -> tuple[Function, Output] | None:
        """The function and output that a gradient's `of` names, seen from `owner`."""
        if owner.output(of) is not None:
            return owner, owner.output(of)
        fname, _, oname = of.partition(".")
        target = self.function(fname)
        if target is None:
            return None
        if oname:
            out = target.output(oname)
            return (target, out) if out else None
        return (target, target.outputs[0]) if len(target.outputs) == 1 else None



from .classes import Class, attach_methods  # noqa: E402  (classes.py builds on the models above)

Spec.model_rebuild()
