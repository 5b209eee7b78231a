"""What the reference says about one function on one case: its outputs, the
finite-difference derivatives of its forward for every derivative output
(element-wise and along a random direction), its answer for a second
upstream gradient (vector-Jacobian products), and the outputs of its mistake
variants (used to name a student's mistake).

In `grade` these come from running the instructor's reference in this (the
grading) process; in `self-check` from the published public cases, so a
student needs no reference at all."""
from __future__ import annotations

import copy
import hashlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from ..sandbox import methods
from ..sandbox.recipes import CacheOf, OutputOf, Recipe, build, replaced, reseed
from ..judge.tolerance import declared
from .finite_differences import Directional, Stencil, choose_coords, evaluate_locally, unreliable
from ..cases.sampling import Case, sample_arg
from ..spec import Function, Output, Spec, SpecError, evaluate_size
from ..spec.consistency import feeders
from .conventions import expected_under_conventions, missing_stand_ins


@dataclass
class Probe:
    """How to differentiate a derivative output numerically: the value is
    `forward(*args)[output]` (times `upstream`, summed, for a vector-Jacobian
    product), moved along `wrt`. For a Jacobian it is a vector."""
    forward: str
    args: dict
    wrt: str
    output: int | None
    upstream: np.ndarray | None
    coords: np.ndarray       # the coordinates of `wrt` checked element-wise
    direction: np.ndarray    # a random direction, for the directional check
    cotangent: np.ndarray | None = None  # a Jacobian's random weights, to difference a student's forward
    key: str | int | None = None   # `wrt` is a dict (list): the key (position) of the array moved in it

    def stencil(self) -> Stencil:
        return Stencil(self.base, self.coords)

    def directional(self, single: bool = False, shrink: float = 1.0) -> Directional:
        return Directional(self.base, self.direction, single, shrink)

    @property
    def base(self) -> np.ndarray:
        moved = self.args[self.wrt] if self.key is None else self.args[self.wrt][self.key]
        return np.asarray(moved, dtype=np.float64)

    def at(self, point: np.ndarray) -> dict:
        """The forward's arguments with the differenced array at `point`."""
        value = point if self.key is None else replaced(self.args[self.wrt], self.key, point)
        return {**self.args, self.wrt: value}

    def vector(self, result) -> np.ndarray:
        """The differenced value as a vector: one entry, or a Jacobian's rows."""
        value = np.asarray(result[self.output] if self.output is not None else result, dtype=np.float64)
        return np.array([np.sum(value * self.upstream)]) if self.upstream is not None else value.reshape(-1)

    def flat(self, rows: int) -> np.ndarray:
        """Flat indices, into the derivative output, of the element-wise estimates."""
        size = self.base.size
        return (np.arange(rows)[:, None] * size + self.coords[None, :]).reshape(-1)


@dataclass
class Numeric:
    """Finite differences of the reference: the output's elements at `flat`
    and the derivative along the probe's direction (one entry per row of a
    Jacobian), each with its error estimate."""
    flat: np.ndarray
    values: np.ndarray
    errors: np.ndarray
    along: np.ndarray
    along_error: np.ndarray


@dataclass
class SecondUpstream:
    """A vector-Jacobian product checked with another upstream gradient."""
    upstream: np.ndarray
    truth: np.ndarray    # the reference's answer for it


@dataclass
class Expected:
    outputs: dict[str, object]
    probes: dict[str, Probe] = field(default_factory=dict)
    numeric: dict[str, Numeric] = field(default_factory=dict)
    variants: dict[str, dict[str, object]] = field(default_factory=dict)
    second: dict[str, SecondUpstream] = field(default_factory=dict)
    updated: dict[str, object] = field(default_factory=dict)   # arguments changed in place by contract
    composed: dict[str, object] = field(default_factory=dict)  # outputs with the defaults stand-ins replace
    conventions: dict[str, Expected] = field(default_factory=dict)  # the same under each accepted convention


def by_name(f: Function, result) -> dict[str, object]:
    """A function's (trusted) return value as {output name: value}, caches
    left out, and each key or item of a dict or list output under its own name."""
    values = (result,) if len(f.outputs) == 1 else tuple(result)
    named = {}
    for o, v in zip(f.outputs, values):
        if not o.opaque:
            named.update({leaf.name: v[leaf.key] for leaf in o.leaves} if o.container else {o.name: v})
    return named


def forward_inputs(spec: Spec, f: Function, forward: Function, case: Case) -> dict:
    """Where a forward's arguments come from when differentiating f: the
    forward's own inputs of the case when f receives its cache (they made the
    cache); otherwise f's inputs, and for an argument f does not have, the
    inputs of a forward whose cache or output f receives (the network's
    parameters, for a cost of the network differentiated beside its caches)."""
    takes_cache = any(a.cache == forward.name for a in f.args)
    if takes_cache:
        return case.inputs[forward.name]
    found = dict(case.inputs[f.name])
    for name in feeders(spec, f):
        found = {**case.inputs[name], **found}
    return found


def case_rng(f: Function, case: Case, purpose: int) -> np.random.Generator:
    digest = int(hashlib.sha256(f.name.encode()).hexdigest()[:8], 16)
    return np.random.default_rng([case.seed, case.index, digest, purpose])


def plan_probes(spec: Spec, f: Function, case: Case) -> dict[str, Probe]:
    """The probe of every derivative output of `f`, fixed by the case's seed so
    that the reference and the student are differentiated at the same points."""
    rng = case_rng(f, case, 0)
    inputs = case.inputs[f.name]
    probes = {}
    for o in f.judged:
        d = o.derivative
        if d is None:
            continue
        forward, target = spec.resolve(f, d.of)
        source = forward_inputs(spec, f, forward, case)
        args = {a.name: source[a.name] if a.name in source else sample_arg(a, case.dims, rng) for a in forward.args}
        upstream = np.asarray(inputs[d.upstream], dtype=np.float64) if o.vjp else None
        index = forward.outputs.index(target) if len(forward.outputs) > 1 else None
        wrt = forward.arg(d.wrt)
        name, key = (wrt.part_of, wrt.key) if wrt.part_of else (wrt.name, None)
        shape = np.shape(args[name] if key is None else args[name][key])
        probe = Probe(forward.target, args, name, index, upstream,
                      choose_coords(shape, spec.checks.fd_budget, rng), rng.standard_normal(shape), key=key)
        if o.jacobian:
            probe.cotangent = rng.standard_normal(tuple(evaluate_size(s, case.dims) for s in target.shape))
        probes[o.name] = probe
    return probes


def second_upstream(f: Function, o: Output, case: Case) -> np.ndarray:
    """Another upstream gradient for a vector-Jacobian product, like the first."""
    arg = f.arg(o.vjp.upstream)
    return np.asarray(sample_arg(arg, case.dims, case_rng(f, case, 1)), dtype=np.float64)


class Reference:
    """The instructor's reference module, loaded in the grading process only."""

    def __init__(self, spec: Spec, path: Path):
        if not path.is_file():
            raise SpecError(f"{path}: the reference solution is missing")
        self.spec, self.path = spec, path
        if spec.support:  # the reference and the fixtures may import the support modules
            support = str(path.parent / spec.support)
            if support not in sys.path:
                sys.path.insert(0, support)
        self.module = import_trusted(path, f"_reference_{spec.name}")
        for f in spec.functions:
            for name in [f.target] + [m.variant for m in f.mistakes]:
                if methods.find(self.module, name) is None:
                    raise SpecError(f"{path}: defines no function {name!r}, which the spec names")
        missing = missing_stand_ins(self)
        if missing:
            raise SpecError(f"{path}: defines no function {missing[0]!r}, which a convention of the spec names")

    def call(self, name: str, args: dict, case: Case | None = None):
        """Call a reference function on copies of the arguments, fixtures built
        and caches made by the reference's own forward, with random state
        reseeded as in a student's process."""
        return self.call_keeping(name, args, case)[0]

    def call_keeping(self, name: str, args: dict, case: Case | None = None) -> tuple[object, dict]:
        """The result, and the arguments as the call left them (for in-place updates)."""
        values = {k: self.resolve(v, case) for k, v in args.items()}
        reseed()
        return methods.call(self.module, name, values), values

    def resolve(self, value, case: Case | None):
        """A value ready for the reference: a fixture built, a cache made, data copied."""
        if isinstance(value, Recipe):
            return build(value.tagged())
        if isinstance(value, CacheOf):
            forward = self.spec.function(value.forward)
            k = next(i for i, o in enumerate(forward.outputs) if o.opaque)
            return self.call(forward.name, case.inputs[forward.name], case)[k]
        if isinstance(value, OutputOf):
            forward = self.spec.function(value.forward)
            return by_name(forward, self.call(forward.target, case.inputs[forward.name], case))[value.output]
        return copy.deepcopy(value)

    def expected(self, f: Function, case: Case, conventions: bool = True) -> Expected:
        """f's expected answers on the case; with `conventions`, also under each
        accepted convention that changes them (reference/conventions.py)."""
        args = case.inputs[f.name]
        result, after = self.call_keeping(f.target, args, case)
        exp = Expected(by_name(f, result), updated={a.name: after[a.name] for a in f.args if a.updates})
        exp.variants = {m.code: by_name(f, self.call(m.variant, args, case)) for m in f.mistakes}
        if f.stand_ins:   # the reference's own composition: its defaults in place of the stand-ins
            own = {k: v for k, v in args.items() if k not in {a.name for a in f.stand_ins}}
            exp.composed = by_name(f, self.call(f.target, own, case))
        exp.probes = plan_probes(self.spec, f, case)
        for name, probe in exp.probes.items():
            def vector(moved, probe=probe):
                return probe.vector(self.call(probe.forward, probe.at(moved), case))
            stencil, directional = probe.stencil(), probe.directional()
            values, errors = stencil.gradient(evaluate_locally(vector, stencil))   # (coords, rows)
            along, along_error = directional.gradient(evaluate_locally(vector, directional))
            exp.numeric[name] = Numeric(probe.flat(values.shape[1]), values.T.reshape(-1), errors.T.reshape(-1),
                                        along, along_error)
        for o in f.judged:
            if o.vjp:
                upstream = second_upstream(f, o, case)
                truth = by_name(f, self.call(f.target, {**args, o.vjp.upstream: upstream}, case))[o.name]
                exp.second[o.name] = SecondUpstream(upstream, np.asarray(truth, dtype=np.float64))
        if conventions:
            exp.conventions = expected_under_conventions(self, f, case)
        return exp

    def smooth_at(self, f: Function, exp: Expected) -> bool:
        """False where a finite difference straddles a kink (of the reference's
        own convention or another accepted one): the case must be redrawn."""
        if not all(self.smooth_at(f, other) for other in exp.conventions.values()):
            return False
        for name, n in exp.numeric.items():
            tol = declared(self.spec, f.output(name))
            rtol, atol = tol.rtol, tol.atol
            along_scale = atol * float(np.abs(exp.probes[name].direction).sum()) + rtol * np.abs(n.along)
            if unreliable(n.errors, n.values, rtol, atol).any() or (n.along_error > 0.1 * along_scale).any():
                return False
        return True


def import_trusted(path: Path, name: str) -> ModuleType:
    """Import instructor code (a reference, a mutant of it) into this process."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SystemExit as e:   # a script's sys.exit() would end the run in silence
        raise SpecError(f"{path}: the reference solution exits when it is imported (SystemExit: {e.code}): "
                        "put the code that runs it as a script under `if __name__ == \"__main__\":`") from None
    except Exception as e:
        raise SpecError(f"{path}: the reference solution fails to import: {type(e).__name__}: {e}") from None
    return module


def output_shape(o: Output, dims: dict[str, int]) -> tuple[int, ...]:
    return tuple(evaluate_size(s, dims) for s in o.shape)
