"""Mutants of the reference: the reference with one output of one function
broken the way students break it (negated, transposed, scaled by the batch
size or 2, zeroed, swapped with its neighbour, replaced by an input). A spec
whose checks let a mutant keep its points cannot be trusted to grade."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..spec import Function, Spec

HEADER = '''import importlib.util as _util
import numpy as _np

_spec = _util.spec_from_file_location("_mutated_reference", {reference!r})
_ref = _util.module_from_spec(_spec)
_spec.loader.exec_module(_ref)
globals().update({{k: v for k, v in vars(_ref).items() if not k.startswith("__")}})


def _batch(args):
    """The leading size of the first argument with two or more axes."""
    return next((_np.shape(a)[0] for a in args if _np.ndim(a) >= 2), 1)


def {function}({params}):
    args = ({params},)
    result = _ref.{function}(*args)
    outs = list(result) if {multi} else [result]
    {mutation}
    return tuple(outs) if {multi} else outs[0]
'''


@dataclass(frozen=True)
class Mutant:
    function: str
    output: str
    kind: str
    mutation: str   # a Python statement on `outs` (the outputs) and `args`

    @property
    def name(self) -> str:
        return f"{self.function}.{self.output} {self.kind}"

    def write(self, folder: Path, reference: Path, spec: Spec) -> Path:
        f = spec.function(self.function)
        path = folder / f"{self.function}__{self.output}__{self.kind.replace(' ', '_').replace('/', '_')}.py"
        path.write_text(HEADER.format(reference=str(reference), function=f.target,
                                      params=", ".join(a.name for a in f.args),
                                      multi=len(f.outputs) > 1, mutation=self.mutation), encoding="utf-8")
        return path


def mutants_of(spec: Spec) -> list[Mutant]:
    return [m for f in spec.graded for m in _function_mutants(f)]


def _function_mutants(f: Function) -> list[Mutant]:
    found = []
    batched = any(len(a.shape) >= 2 for a in f.args)
    for k, o in enumerate(f.outputs):
        if o.opaque:  # a cache is the student's own business
            continue
        out = f"_np.asarray(outs[{k}], dtype=float)"
        kinds = {"negated": f"outs[{k}] = -{out}",
                 "scaled by 2": f"outs[{k}] = 2 * {out}",
                 "scaled by 1/2": f"outs[{k}] = 0.5 * {out}",
                 "zeroed": f"outs[{k}] = _np.zeros_like({out})"}
        if batched:
            kinds["scaled by N"] = f"outs[{k}] = _batch(args) * {out}"
            kinds["scaled by 1/N"] = f"outs[{k}] = {out} / _batch(args)"
        if len(o.shape) == 2:
            kinds["transposed"] = f"outs[{k}] = {out}.T"
        if k + 1 < len(f.outputs) and not f.outputs[k + 1].opaque:
            kinds[f"swapped with {f.outputs[k + 1].name}"] = f"outs[{k}], outs[{k + 1}] = outs[{k + 1}], outs[{k}]"
        same_shape = [j for j, a in enumerate(f.args) if a.shape == o.shape and a.dtype != "int64"]
        floats = [j for j, a in enumerate(f.args) if a.dtype != "int64"]
        if same_shape or floats:
            j = (same_shape or floats)[0]
            kinds[f"replaced by input {f.args[j].name}"] = f"outs[{k}] = args[{j}]"
        found += [Mutant(f.name, o.name, kind, code) for kind, code in kinds.items()]
    return found
