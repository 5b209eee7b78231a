"""`public.json`: the public cases an instructor may hand to students, with
the reference's outputs on them, computed once by `grade publish`. With it
and the spec, `self-check` runs every public check without the reference."""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from pydantic import BaseModel, ValidationError, model_serializer

from .. import __version__
from .expected import Expected, Numeric, Probe, SecondUpstream
from ..sandbox.recipes import CacheOf, OutputOf, Recipe
from ..atomic import write_text
from ..cases.sampling import PUBLIC, Case
from ..spec import Function, Spec, SpecError, spec_path

PUBLIC_FILE = "public.json"


# A value in this file is JSON with tags: {"array": {"dtype", "shape", "data"}}, {"cache_of": forward},
# {"fixture": "module:function", "args", "seed"}, {"stand_in": "module:function"}, {"output_of": "function.output"},
# {"dict": {...}}, a list, or a plain number or string.
Value = Any


class ProbeJSON(BaseModel):
    forward: str
    args: dict[str, Value]
    wrt: str
    output: int | None
    upstream: Value
    coords: list[int]
    direction: Value             # a random direction
    cotangent: Value             # a Jacobian's random weights, or null
    key: str | int | None = None  # wrt is a dict (list): the key (position) of the array differenced
    flat: list[int]              # the output's elements differenced by the reference
    values: list[float]          # the reference's finite differences there
    errors: list[float]          # and their error estimates
    along: list[float]           # the reference's derivative along the direction
    along_error: list[float]

    @model_serializer(mode="wrap")
    def _key_only_when_keyed(self, handler) -> dict:
        """`key` is written only where wrt is a dict or list, so that other files stay as they were."""
        data = handler(self)
        if data.get("key") is None:
            data.pop("key", None)
        return data


class SecondJSON(BaseModel):
    upstream: Value
    truth: Value


class FunctionCaseJSON(BaseModel):
    inputs: dict[str, Value]
    outputs: dict[str, Value]
    probes: dict[str, ProbeJSON] = {}
    variants: dict[str, dict[str, Value]] = {}
    second: dict[str, SecondJSON] = {}
    updated: dict[str, Value] = {}     # arguments changed in place by contract, as the reference leaves them
    composed: dict[str, Value] = {}    # outputs with the reference's own defaults in place of stand-ins
    conventions: dict[str, FunctionCaseJSON] = {}   # the same under each accepted convention (no inputs)

    @model_serializer(mode="wrap")
    def _conventions_only_when_declared(self, handler) -> dict:
        """`conventions` is written only where the spec declares some, so that other files stay as they were."""
        data = handler(self)
        if not data.get("conventions"):
            data.pop("conventions", None)
        return data


class CaseJSON(BaseModel):
    index: int
    seed: int
    dims: dict[str, int]
    functions: dict[str, FunctionCaseJSON]


class PublicCases(BaseModel):
    assignment: str
    spec_sha256: str             # spec_digest: of what the spec means, not its bytes
    grader_version: str
    cases: list[CaseJSON]


def spec_digest(spec: Spec) -> str:
    """SHA-256 of what the spec means, not of its bytes: the parsed model as
    compact JSON. A comment, a line ending (git's autocrlf), a blank line,
    the spelling of a number or the order of the tables leaves it unchanged;
    any change of a value changes it. Keys keep the model's order and, inside
    a table such as [dims], the spec's own: the order of the dimensions
    decides which sizes a case draws, so it is part of the meaning. Values
    left at their defaults are left out, so a grader that adds a field with a
    default still accepts the files published before it."""
    meaning = spec.model_dump(mode="json", exclude_defaults=True)
    return hashlib.sha256(json.dumps(meaning, separators=(",", ":")).encode()).hexdigest()


def to_json(value, binary: bool = False) -> Value:
    """A value as tagged JSON; `binary` stores arrays as base64 of their bytes
    (compact and exact, for files only the grader reads) instead of lists."""
    if isinstance(value, np.ndarray):
        if binary:
            a = np.ascontiguousarray(value)
            return {"array": {"dtype": a.dtype.str, "shape": list(a.shape), "b64": base64.b64encode(a).decode()}}
        return {"array": {"dtype": str(value.dtype), "shape": list(value.shape), "data": value.reshape(-1).tolist()}}
    if isinstance(value, CacheOf):
        return {"cache_of": value.forward}
    if isinstance(value, OutputOf):
        return {"output_of": f"{value.forward}.{value.output}"}
    if isinstance(value, Recipe) and not value.called:
        return {"stand_in": value.factory}
    if isinstance(value, Recipe):
        return {"fixture": value.factory, "args": value.args, "seed": value.seed}
    if isinstance(value, dict):
        return {"dict": {str(k): to_json(v, binary) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return [to_json(v, binary) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if value is None or isinstance(value, str):
        return value
    return float(value)


def from_json(value: Value):
    if isinstance(value, dict):
        if "array" in value:
            return _array(value["array"])
        if "cache_of" in value:
            return CacheOf(value["cache_of"])
        if "output_of" in value:
            return OutputOf(*value["output_of"].split(".", 1))
        if "stand_in" in value:
            return Recipe(value["stand_in"], {}, 0, called=False)
        if "fixture" in value:
            return Recipe(value["fixture"], value["args"], value["seed"])
        return {k: from_json(v) for k, v in value["dict"].items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def _array(a: dict) -> np.ndarray:
    dtype = np.dtype(a["dtype"])
    if dtype.kind not in "biufc":
        raise ValueError(f"refused an array of dtype {dtype}")
    if "b64" in a:
        return np.frombuffer(base64.b64decode(a["b64"]), dtype=dtype).reshape(a["shape"]).copy()
    return np.array(a["data"], dtype=dtype).reshape(a["shape"])


def function_case(exp: Expected, inputs: dict, binary: bool = False) -> FunctionCaseJSON:
    def j(value):
        return to_json(value, binary)
    return FunctionCaseJSON(
        inputs={k: j(v) for k, v in inputs.items()},
        outputs={k: j(v) for k, v in exp.outputs.items()},
        variants={code: {k: j(v) for k, v in outs.items()} for code, outs in exp.variants.items()},
        probes={name: ProbeJSON(forward=p.forward, args={k: j(v) for k, v in p.args.items()}, wrt=p.wrt,
                                output=p.output, upstream=j(p.upstream), coords=p.coords.tolist(),
                                direction=j(p.direction), cotangent=j(p.cotangent), key=p.key,
                                **_numeric_json(exp.numeric[name]))
                for name, p in exp.probes.items()},
        second={name: SecondJSON(upstream=j(s.upstream), truth=j(s.truth)) for name, s in exp.second.items()},
        updated={name: j(v) for name, v in exp.updated.items()},
        composed={name: j(v) for name, v in exp.composed.items()},
        conventions={name: function_case(other, {}, binary) for name, other in exp.conventions.items()})


def _numeric_json(n: Numeric) -> dict:
    return {"flat": n.flat.tolist(), "values": n.values.tolist(), "errors": n.errors.tolist(),
            "along": np.atleast_1d(n.along).tolist(), "along_error": np.atleast_1d(n.along_error).tolist()}


def publish(spec: Spec, folder: Path, source) -> Path:
    """Write the public cases with the reference's answers (from a
    ReferenceSource); returns the path."""
    cases = []
    for case in source.cases(PUBLIC, spec.cases.public_seed):
        functions = {f.name: function_case(source.expected(f, case), case.inputs[f.name]) for f in spec.graded}
        cases.append(CaseJSON(index=case.index, seed=case.seed, dims=case.dims, functions=functions))
    doc = PublicCases(assignment=spec.name, spec_sha256=spec_digest(spec), grader_version=__version__, cases=cases)
    path = folder / PUBLIC_FILE
    write_text(path, doc.model_dump_json() + "\n")
    return path


class PublishedSource:
    """Cases and expected values read from public.json: all self-check needs."""

    def __init__(self, spec: Spec, folder: Path):
        path = folder / PUBLIC_FILE
        if not path.is_file():
            raise SpecError(f"{path}: no published public cases for {spec.name}. "
                            f"Instructors create them with: grade publish {folder}")
        try:
            doc = PublicCases.model_validate_json(path.read_bytes())   # (bytes: what is not UTF-8 is invalid JSON)
        except ValidationError as e:
            raise SpecError(f"{path}: not a valid public-cases file: {e.errors()[0]['msg']}") from None
        if doc.spec_sha256 != spec_digest(spec):
            raise SpecError(f"{path} was made for another version of {spec_path(folder).name}; "
                            f"get both files again (instructors: grade publish {folder})")
        self.spec, self.doc, self.path = spec, doc, path
        missing = [f.name for c in doc.cases for f in spec.graded if f.name not in c.functions]
        if len(doc.cases) != spec.cases.public or missing:
            self._broken(f"it holds {len(doc.cases)} cases where the spec has {spec.cases.public}" if not missing
                         else f"a case has no {missing[0]}")

    def cases(self, visibility: str, seed: int) -> list[Case]:
        if visibility != PUBLIC:
            return []
        try:
            return [Case(PUBLIC, c.index, c.seed, c.dims,
                         {name: {k: from_json(v) for k, v in fc.inputs.items()} for name, fc in c.functions.items()})
                    for c in self.doc.cases]
        except (ValueError, TypeError, KeyError) as e:   # an array whose data is not its shape's, or not numbers
            self._broken(f"{type(e).__name__}: {e}")

    def expected(self, f: Function, case: Case) -> Expected:
        try:
            return expected_from(self.doc.cases[case.index - 1].functions[f.name])
        except (ValueError, TypeError, KeyError) as e:
            self._broken(f"{type(e).__name__}: {e}")

    def _broken(self, why: str) -> NoReturn:
        """A public.json edited since it was published (its spec's hash still matches)."""
        raise SpecError(f"{self.path}: not a valid public-cases file ({why}); get it again "
                        "(instructors: grade publish)")


def expected_from(fc: FunctionCaseJSON) -> Expected:
    """The reference's answers on one case, as `function_case` wrote them."""
    exp = Expected({k: from_json(v) for k, v in fc.outputs.items()},
                   updated={k: from_json(v) for k, v in fc.updated.items()},
                   composed={k: from_json(v) for k, v in fc.composed.items()},
                   variants={code: {k: from_json(v) for k, v in outs.items()} for code, outs in fc.variants.items()})
    for name, p in fc.probes.items():
        exp.probes[name] = Probe(p.forward, {k: from_json(v) for k, v in p.args.items()}, p.wrt, p.output,
                                 None if p.upstream is None else from_json(p.upstream), np.array(p.coords),
                                 from_json(p.direction), None if p.cotangent is None else from_json(p.cotangent), p.key)
        exp.numeric[name] = Numeric(np.array(p.flat), np.array(p.values), np.array(p.errors),
                                    np.array(p.along), np.array(p.along_error))
    for name, sec in fc.second.items():
        exp.second[name] = SecondUpstream(from_json(sec.upstream), from_json(sec.truth))
    exp.conventions = {name: expected_from(other) for name, other in fc.conventions.items()}
    return exp
