"""Mutants of the reference: the reference with one output of one function
broken the way students break it (negated, transposed, scaled by the batch
size or 2, zeroed, swapped with its neighbour, replaced by an input). A spec
whose checks let a mutant keep its points cannot be trusted to grade."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..spec import Function, Spec
from ..spec.classes import method_args

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


# A method's mutant (calls = "Class.method"): the class, subclassed; `args`
# holds every argument of the spec's entry, the constructor's as None.
METHOD = '''

class {owner}(_ref.{owner}):
    def {method}(self, {params}):
        args = {unknown} + (self.params, {params},)
        result = _ref.{owner}.{method}(self, {params})
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
        stem = re.sub(r"\W+", "_", f"{self.function}__{self.output}__{self.kind}")
        path = folder / f"{stem}.py"
        if "." in f.target:
            header = HEADER[:HEADER.index("\n\ndef {function}")].format(reference=str(reference))
            own = method_args(f)
            owner, method = f.target.split(".")
            text = header + METHOD.format(owner=owner, method=method, params=", ".join(a.name for a in own),
                                          unknown=repr((None,) * (len(f.args) - len(own) - 1)),
                                          multi=len(f.outputs) > 1, mutation=self.mutation)
        else:
            text = HEADER.format(reference=str(reference), function=f.target, params=", ".join(a.name for a in f.args),
                                 multi=len(f.outputs) > 1, mutation=self.mutation)
        path.write_text(text, encoding="utf-8")
        return path


def mutants_of(spec: Spec) -> list[Mutant]:
    """Every graded output's mutants, but a constructor's params (calls = "Class.params"): they are
    judged as random draws, and a negated or rescaled draw of the right scale is one too."""
    return [m for f in spec.graded if not f.target.endswith(".params") for m in _function_mutants(f)]


def _function_mutants(f: Function) -> list[Mutant]:
    """Each output's mutants; a dict (list) output's keys (items) each have their own."""
    found = []
    batched = any(len(a.shape) >= 2 for a in f.args)
    own = len(f.args) - len(method_args(f)) - 1 if "." in f.target else 0   # a method: not its class's arguments
    inputs = [(f"args[{j}]" + (f"[{leaf.key!r}]" if leaf.part_of else ""), leaf)
              for j, a in enumerate(f.args) if j >= own for leaf in (a.leaves if a.container else [a])]
    for k, o in enumerate(f.outputs):
        if o.opaque:  # a cache is the student's own business
            continue
        parts = o.leaves if o.container else [o]
        copied = f"outs[{k}] = {o.container}(outs[{k}]); " if o.container else ""  # the reference's own left alone
        for n, part in enumerate(parts):
            at = f"outs[{k}]" + (f"[{part.key!r}]" if o.container else "")
            kinds = _kinds(at, part, batched)
            following = parts[n + 1] if n + 1 < len(parts) else None
            if not o.container and k + 1 < len(f.outputs) and not f.outputs[k + 1].opaque \
                    and not f.outputs[k + 1].container:
                following = f.outputs[k + 1]
            if following is not None:
                there = f"outs[{k}][{following.key!r}]" if o.container else f"outs[{k + 1}]"
                kinds[f"swapped with {following.name}"] = f"{at}, {there} = {there}, {at}"
            same_shape = [(where, a) for where, a in inputs if a.shape == part.shape and a.dtype != "int64"]
            floats = [(where, a) for where, a in inputs if a.dtype != "int64" and not a.container]
            if same_shape or floats:
                where, a = (same_shape or floats)[0]
                kinds[f"replaced by input {a.name}"] = f"{at} = {where}"
            found += [Mutant(f.name, part.name, kind, copied + code) for kind, code in kinds.items()]
    return found


def _kinds(at: str, o, batched: bool) -> dict[str, str]:
    """The mutations of one output (`at`: where it is in `outs`) that need no other."""
    out = f"_np.asarray({at}, dtype=float)"
    kinds = {"negated": f"{at} = -{out}",
             "scaled by 2": f"{at} = 2 * {out}",
             "scaled by 1/2": f"{at} = 0.5 * {out}",
             "zeroed": f"{at} = _np.zeros_like({out})"}
    if batched:
        kinds["scaled by N"] = f"{at} = _batch(args) * {out}"
        kinds["scaled by 1/N"] = f"{at} = {out} / _batch(args)"
    if len(o.shape) == 2:
        kinds["transposed"] = f"{at} = {out}.T"
    return kinds
