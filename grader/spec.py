"""The assignment spec: pydantic models that are the single source of truth
for `assignment.toml`, its validation, its error messages and its JSON Schema."""
from __future__ import annotations

import ast
import functools
import itertools
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SPEC_FILE = "assignment.toml"
Size = Union[int, str]  # a literal size, a dimension name or an expression such as "5*d"


class SpecError(Exception):
    """A spec that cannot be used; the message names the file, the field and the problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- how to sample an argument -------------------------------------------------

class Normal(Strict):
    kind: Literal["normal"] = "normal"
    mean: float = 0.0
    std: float = Field(1.0, gt=0)


class Uniform(Strict):
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
    """Class labels 0..classes-1, each class present when there is room."""
    kind: Literal["labels"]
    classes: int = Field(2, ge=2)


class DimValue(Strict):
    """A Python int equal to a dimension, such as the vocabulary size V."""
    kind: Literal["dim"]
    dim: str


class Constant(Strict):
    """The same value every time: a number, a string, a list or a table
    (a dict), such as conv_param = {stride = 1, pad = 1}."""
    kind: Literal["constant"]
    value: Any


class Fixture(Strict):
    """An object built by FUNCTION(**args, seed=...) from a module of the
    assignment's support folder, in the student's process and, for the
    reference, in the grading process. A string in args that names a
    dimension becomes its size."""
    kind: Literal["fixture"]
    factory: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$")
    args: dict[str, Any] = {}


Distribution = Annotated[Union[Normal, Uniform, Integers, Labels, DimValue, Constant, Fixture],
                         Field(discriminator="kind")]


class Argument(Strict):
    name: str
    shape: list[Size] = []
    dtype: Literal["float64", "float32", "int64", "object"] = "float64"
    sample: Distribution = Normal()
    away_from: list[float] = Field([], description="kinks: values are sampled at least `kink_margin` away from these")
    kink_margin: float = Field(1e-2, ge=0)
    cache: str | None = Field(None, description="this argument is the cache the named forward returned: that "
                              "forward runs on its own inputs of the case first, and its cache stays in the "
                              "student's process")
    updates: bool = Field(False, description="the function changes this argument in place by contract; its "
                          "final value is checked against the reference's")


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


class Output(Strict):
    name: str
    shape: list[Size] = []
    gradient: Gradient | None = None
    vjp: VJP | None = None
    jacobian: Jacobian | None = None
    rtol: float | None = Field(None, gt=0)
    atol: float | None = Field(None, ge=0)
    opaque: bool = Field(False, description="a cache: stays in the student's process, never checked, no points")

    @property
    def derivative(self) -> Gradient | VJP | Jacobian | None:
        return self.gradient or self.vjp or self.jacobian

    @property
    def derivative_kind(self) -> str | None:
        return "gradient" if self.gradient else "vjp" if self.vjp else "jacobian" if self.jacobian else None


class Mistake(Strict):
    """A well-known mistake: `variant` is a function of the reference module
    that returns what a student making it would return."""
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: str
    variant: str


class Function(Strict):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    points: float = Field(0, ge=0)
    student: bool = Field(True, description="False: a forward that only the reference defines, named by the "
                          "derivatives of functions students write; it is not graded")
    calls: str | None = Field(None, description="the function this entry calls, when it is not `name`: checks "
                              "one function again in another mode (batchnorm at test time, say)")

    @property
    def target(self) -> str:
        """The name of the function called, in the student's file and in the reference."""
        return self.calls or self.name
    description: str = ""
    args: list[Argument]
    outputs: list[Output] = Field(min_length=1)
    mistakes: list[Mistake] = []

    def arg(self, name: str) -> Argument | None:
        return next((a for a in self.args if a.name == name), None)

    def output(self, name: str) -> Output | None:
        return next((o for o in self.outputs if o.name == name), None)


class Cases(Strict):
    public: int = Field(2, ge=0, description="cases whose inputs and expected outputs may be published")
    hidden: int = Field(3, ge=0, description="hidden cases per submission, chosen by its recorded seed")
    hidden_pool: int = Field(32, ge=0, description="hidden cases are chosen from a pool of this many, so the "
                             "reference's work is shared by a class; 0: fresh cases for every submission")
    public_seed: int = 0

    @model_validator(mode="after")
    def _pool_large_enough(self) -> "Cases":
        if self.hidden_pool and self.hidden_pool < self.hidden:
            raise ValueError(f"cases.hidden_pool ({self.hidden_pool}) is smaller than cases.hidden ({self.hidden})")
        return self


class Tolerance(Strict):
    rtol: float = Field(1e-5, gt=0)
    atol: float = Field(1e-7, ge=0)
    require_float64: bool = Field(False, description="fail float32 answers instead of judging them with "
                                  "float32 tolerances")


class Limits(Strict):
    """What one submission's process may use. A process that overruns is
    killed; the next request gets a fresh one."""
    timeout: float = Field(60.0, gt=0, description="wall-clock seconds for a whole submission")
    call_timeout: float = Field(10.0, gt=0, description="wall-clock seconds for one request to the student's process")
    cpu: float = Field(60.0, gt=0, description="CPU seconds one student process may use")
    memory: int = Field(1024, ge=256, description="address space of one student process, in MiB")
    file_size: int = Field(16, ge=1, description="largest file a student process may write, in MiB "
                                                 "(also the size of its scratch directory)")
    open_files: int = Field(64, ge=16, description="file descriptors one student process may hold open")
    processes: bool = Field(False, description="whether student code may start processes or threads")
    output: int = Field(20_000, ge=0, description="characters of a submission's stdout and stderr kept for its report")


class Checks(Strict):
    fd_budget: int = Field(400, ge=1, description="most coordinates of one argument differentiated element by "
                           "element per case; past it, a random subset touching every row and column")
    kink_redraws: int = Field(5, ge=0, description="times a case's inputs are redrawn when a finite difference "
                              "straddles a kink")


class Spec(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    title: str = ""
    module: str = Field("", description="the file students submit, without .py; defaults to name")
    support: str | None = Field(None, description="a folder beside the spec that students get too, importable "
                                "in their process (helper modules, fixtures)")
    dims: dict[str, Union[int, list[int], str]]
    functions: list[Function] = Field(min_length=1)
    cases: Cases = Cases()
    tolerance: Tolerance = Tolerance()
    limits: Limits = Limits()
    checks: Checks = Checks()
    _folder: Path | None = PrivateAttr(None)   # where the spec was read from

    @property
    def support_path(self) -> Path | None:
        """The support folder, importable in the student's process."""
        return self._folder / self.support if self.support and self._folder else None

    @model_validator(mode="after")
    def _consistent(self) -> "Spec":
        if not self.module:
            self.module = self.name
        _check_dims(self.dims)
        names = [f.name for f in self.functions]
        _unique(names, "functions")
        for i, f in enumerate(self.functions):
            _check_function(self, f, f"functions[{i}] ({f.name})")
            if f.student and f.points <= 0:
                raise ValueError(f"functions[{i}] ({f.name}).points: a function students write needs points > 0")
        return self

    @property
    def graded(self) -> list[Function]:
        """The functions students write, in order."""
        return [f for f in self.functions if f.student]

    def function(self, name: str) -> Function | None:
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


# --- dimension arithmetic -------------------------------------------------------

_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b, ast.FloorDiv: lambda a, b: a // b}


def size_names(size: Size) -> set[str]:
    if isinstance(size, int):
        return set()
    return {n.id for n in ast.walk(_parse(size)) if isinstance(n, ast.Name)}


def evaluate_size(size: Size, dims: dict[str, int]) -> int:
    """The value of a size such as 7, "N" or "5*d" for the given dimension sizes."""
    if isinstance(size, int):
        return size
    if size in dims:
        return dims[size]

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            return dims[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.FloorDiv) and right == 0:
                raise ValueError(f"{size!r} divides by zero")
            return _OPS[type(node.op)](left, right)
        raise ValueError(f"{size!r}: only integers, dimension names and + - * // are allowed")

    return ev(_parse(size).body)


@functools.lru_cache(maxsize=1024)  # sizes are evaluated for every output of every call: parse each once
def _parse(size: str) -> ast.Expression:
    try:
        tree = ast.parse(size, mode="eval")
    except SyntaxError:
        raise ValueError(f"{size!r} is not an expression of dimensions") from None
    for node in ast.walk(tree):
        ok = (ast.Expression, ast.BinOp, ast.Name, ast.Load, ast.Constant, *_OPS)
        if not isinstance(node, ok) or (isinstance(node, ast.Constant) and not isinstance(node.value, int)):
            raise ValueError(f"{size!r}: only integers, dimension names and + - * // are allowed")
    return tree


def free_dims(dims: dict) -> dict[str, list[int]]:
    return {k: (v if isinstance(v, list) else [v]) for k, v in dims.items() if not isinstance(v, str)}


def derive_dims(dims: dict, chosen: dict[str, int]) -> dict[str, int]:
    """All dimension sizes, given a choice for the free ones."""
    out = dict(chosen)
    pending = {k: v for k, v in dims.items() if isinstance(v, str)}
    while pending:
        ready = [k for k, v in pending.items() if size_names(v) <= out.keys()]
        if not ready:
            raise ValueError(f"dims: {sorted(pending)} depend on each other or on unknown names")
        for k in ready:
            try:
                out[k] = evaluate_size(pending.pop(k), out)
            except ValueError as e:
                raise ValueError(f"dims.{k}: {e}") from None
    return out


def distinct_choices(dims: dict) -> list[dict[str, int]]:
    """Every choice of sizes in which all dimensions differ (so a transposed or
    broadcast answer cannot have the right shape by accident)."""
    free = free_dims(dims)
    combos = itertools.islice(itertools.product(*free.values()), 10_000)
    result = []
    for combo in combos:
        sizes = derive_dims(dims, dict(zip(free, combo)))
        if len(set(sizes.values())) == len(sizes):
            result.append(sizes)
    return result


def _check_dims(dims: dict) -> None:
    for name, value in dims.items():
        if not name.isidentifier():
            raise ValueError(f"dims.{name}: a dimension name must be an identifier")
        for v in (value if isinstance(value, list) else [value] if isinstance(value, int) else []):
            if v < 3:
                raise ValueError(f"dims.{name}: size {v} is below 3; use sizes of at least 3 so mistakes show in shapes")
        if isinstance(value, list) and not value:
            raise ValueError(f"dims.{name}: give at least one size")
        if isinstance(value, str):
            unknown = size_names(value) - dims.keys()
            if unknown:
                raise ValueError(f"dims.{name}: {value!r} uses unknown dimensions {sorted(unknown)}")
    choices = distinct_choices(dims)
    if not choices:
        raise ValueError("dims: no choice of sizes makes every dimension different; give more sizes")
    for name in dims:
        small = [c[name] for c in choices if c[name] < 3]
        if small:
            raise ValueError(f"dims.{name}: derives to {small[0]}, below 3")


# --- cross-references -----------------------------------------------------------------

def _unique(names: list[str], where: str) -> None:
    seen = set()
    for n in names:
        if n in seen:
            raise ValueError(f"{where}: {n!r} is declared twice")
        seen.add(n)


def _check_shape(shape: list[Size], dims: dict, where: str) -> None:
    for s in shape:
        try:
            unknown = size_names(s) - dims.keys()
        except ValueError as e:
            raise ValueError(f"{where}.shape: {e}") from None
        if unknown:
            raise ValueError(f"{where}.shape: unknown dimensions {sorted(unknown)}; declared: {sorted(dims)}")


def _same_shape(a: list[Size], b: list[Size]) -> bool:
    return [str(x).replace(" ", "") for x in a] == [str(x).replace(" ", "") for x in b]


def _check_function(spec: Spec, f: Function, where: str) -> None:
    _unique([a.name for a in f.args], f"{where}.args")
    _unique([o.name for o in f.outputs], f"{where}.outputs")
    for j, a in enumerate(f.args):
        here = f"{where}.args[{j}] ({a.name})"
        _check_shape(a.shape, spec.dims, here)
        s = a.sample
        if isinstance(s, Integers):
            for bound in (s.low, s.high):
                if size_names(bound) - spec.dims.keys():
                    raise ValueError(f"{here}.sample: unknown dimension in bound {bound!r}")
            for sizes in distinct_choices(spec.dims):
                if evaluate_size(s.low, sizes) >= evaluate_size(s.high, sizes):
                    raise ValueError(f"{here}.sample: low ({s.low}) must be below high ({s.high}); high is excluded")
        if isinstance(s, DimValue):
            if s.dim not in spec.dims:
                raise ValueError(f"{here}.sample.dim: unknown dimension {s.dim!r}")
            if a.shape:
                raise ValueError(f"{here}: a 'dim' argument is a plain int; its shape must be []")
        if isinstance(s, (Integers, Labels, DimValue)) and a.dtype != "int64":
            raise ValueError(f"{here}.dtype: integer samples need dtype 'int64'")
        if a.cache:
            forward = spec.function(a.cache)
            if forward is None or not any(o.opaque for o in forward.outputs):
                raise ValueError(f"{here}.cache: {a.cache!r} is not a function with an opaque (cache) output")
        if isinstance(s, Fixture) and not spec.support:
            raise ValueError(f"{here}.sample: a fixture needs the spec's `support` folder")
    if all(o.opaque for o in f.outputs):
        raise ValueError(f"{where}.outputs: every output is opaque; nothing could be checked")
    for j, o in enumerate(f.outputs):
        here = f"{where}.outputs[{j}] ({o.name})"
        _check_shape(o.shape, spec.dims, here)
        if o.opaque and o.derivative:
            raise ValueError(f"{here}: an opaque output cannot be a derivative")
        if sum(d is not None for d in (o.gradient, o.vjp, o.jacobian)) > 1:
            raise ValueError(f"{here}: declare one of gradient, vjp and jacobian, not several")
        if o.derivative:
            _check_derivative(spec, f, o, here)
    for j, m in enumerate(f.mistakes):
        if not m.variant.isidentifier():
            raise ValueError(f"{where}.mistakes[{j}].variant: {m.variant!r} is not a function name")


def _check_derivative(spec: Spec, f: Function, o: Output, where: str) -> None:
    d, kind = o.derivative, o.derivative_kind
    found = spec.resolve(f, d.of)
    if found is None:
        raise ValueError(f"{where}.{kind}.of: {d.of!r} names neither an output of {f.name} nor a function "
                         f"(or function.output); functions: {[g.name for g in spec.functions]}")
    forward, target = found
    if kind == "gradient" and target.shape:
        raise ValueError(f"{where}.gradient.of: {d.of!r} has shape {target.shape}; a gradient needs a scalar (use vjp)")
    wrt = forward.arg(d.wrt)
    if wrt is None:
        raise ValueError(f"{where}.{kind}.wrt: {forward.name} has no argument {d.wrt!r}")
    if wrt.dtype == "int64":
        raise ValueError(f"{where}.{kind}.wrt: {d.wrt!r} is an integer argument and has no gradient")
    shape = target.shape + wrt.shape if kind == "jacobian" else wrt.shape
    if not _same_shape(o.shape, shape):
        raise ValueError(f"{where}.shape: {o.shape} should be {shape}, "
                         + ("the shape of the output followed by that of " if kind == "jacobian" else "the shape of ")
                         + repr(d.wrt))
    if forward is not f:
        if kind in ("gradient", "jacobian"):
            missing = [a.name for a in forward.args if f.arg(a.name) is None]
            if missing:
                raise ValueError(f"{where}.{kind}: {f.name} lacks {forward.name}'s arguments {missing}")
        else:
            up = f.arg(d.upstream)
            if up is None:
                raise ValueError(f"{where}.vjp.upstream: {f.name} has no argument {d.upstream!r}")
            if not _same_shape(up.shape, target.shape):
                raise ValueError(f"{where}.vjp.upstream: {d.upstream!r} has shape {up.shape}, "
                                 f"but {forward.name}'s output {target.name} has shape {target.shape}")
    elif kind == "vjp":
        raise ValueError(f"{where}.vjp.of: a vjp is of another function's output")


# --- loading ---------------------------------------------------------------------------

def spec_path(location: str | Path) -> Path:
    path = Path(location)
    return path / SPEC_FILE if path.is_dir() else path


def load_spec(location: str | Path) -> Spec:
    """Read and validate a spec (a folder holding assignment.toml, or the file)."""
    path = spec_path(location)
    if not path.is_file():
        raise SpecError(f"{path}: no spec file here (expected {SPEC_FILE})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML: {e}") from None
    try:
        spec = Spec.model_validate(data)
    except ValidationError as e:
        raise SpecError(f"{path}: invalid spec:\n" + _describe(e)) from None
    spec._folder = path.parent.resolve()
    if spec.support and not (spec._folder / spec.support).is_dir():
        raise SpecError(f"{path}: support: no folder {spec.support!r} beside the spec")
    return spec


def _describe(error: ValidationError) -> str:
    lines = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-after"))
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {loc}: {msg}" if loc else f"  {msg}")
    return "\n".join(lines)


def json_schema() -> str:
    return json.dumps(Spec.model_json_schema(), indent=2)
