"""A class's state: arrays its methods read besides `params`, which its
constructor does not set (the running mean and variance that batch
normalisation keeps in `self.bn_params[i]` and uses at test time, absent
until a training call). So that every case is controlled, the grader
assigns sampled arrays at declared paths after construction, as it assigns
`params`:

    state = [{ at = 'bn_params[0]["running_var"]', shape = ["H1"],
               sample = { kind = "uniform", low = 0.5, high = 2.0 } }]

A path is an attribute followed by indices (`[0]`) and string keys
(`["running_var"]`), nothing else. Downstream the state is an ordinary
argument: a dict `state` of one key per path, put before `params`, whose
keys are the paths (sandbox/methods.py assigns them in the student's
process, and in the reference's likewise)."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from .problems import Problem, duplicates
from .samples import Distribution, Normal, Strict
from .sizes import Size

STATE = "state"   # the argument that carries a class's state, before `params`
PATH = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\]|\["[A-Za-z0-9_]+"\])*$')
SAMPLES = ("normal", "uniform", "constant")


class StateEntry(Strict):
    """One array of a class's state, assigned at `at` after construction."""
    at: str = Field(description='where the array goes on the object: an attribute, then indices and string keys, '
                    'such as bn_params[0]["running_mean"]')
    shape: list[Size] = []
    dtype: Literal["float64", "float32"] = "float64"
    sample: Distribution = Normal()


def state_problems(entries: list[StateEntry]) -> list[Problem]:
    """What one class's state declares wrongly, located within the class."""
    problems: list[Problem] = []
    for k, e in enumerate(entries):
        where = ("state", k)
        if not PATH.match(e.at):
            problems.append(((*where, "at"), f"{e.at!r} is not a path the grader can assign: an attribute, then "
                             'indices [0] and string keys ["name"], such as bn_params[0]["running_mean"]'))
        elif e.at.split("[")[0] == "params" or e.at.startswith("_"):
            problems.append(((*where, "at"), f"{e.at!r}: the grader assigns params itself (declare them under "
                             "params), and leaves private attributes (_name) alone"))
        if e.sample.kind not in SAMPLES:
            problems.append(((*where, "sample"), f"a state array is sampled as one of {list(SAMPLES)}, "
                             f"not {e.sample.kind!r}"))
    problems += [(("state", k, "at"), message) for (k, _), message in duplicates([e.at for e in entries], ())]
    return problems


def state_argument(entries: list[StateEntry]):
    """The dict argument `state`, one key per path, its keys already made:
    a path is a key no template expands (spec/containers.py leaves it)."""
    from .models import Argument, Entry
    whole = Argument(name=STATE, keys=[Entry(name=e.at, shape=e.shape, dtype=e.dtype, sample=e.sample)
                                       for e in entries])
    leaves = []
    for k, e in enumerate(entries):
        leaf = Argument(name=f"self.{e.at}", shape=e.shape, dtype=e.dtype, sample=e.sample)
        leaf._container, leaf._key, leaf._where = STATE, e.at, ("keys", k)
        leaves.append(leaf)
    whole._leaves = leaves
    return whole
