"""`grade validate` and an output that is zero in exact arithmetic: a bias's
gradient before batch normalisation (fc_net's fc_bn_loss) is rounding noise,
which a mutant negates or rescales and no check could tell; such a mutant is
counted as equivalent, through the class's method, not as a survivor."""
from __future__ import annotations

import numpy as np

from conftest import ROOT
from grader.authoring.mutants import Mutant, mutants_of
from grader.authoring.validate import same
from grader.cases.assignment import Assignment
from mutants import judged

FC_NET = ROOT / "assignments" / "fc_net"


def test_rounding_around_zero_is_the_same_and_small_values_are_not():
    assert same(np.array([-1.1e-17, 5e-17]), np.array([1.1e-17, -5e-17]))
    assert not same(np.array([-1e-8, 2e-8]), np.array([1e-8, -2e-8]))
    assert not same(np.array([0.5, 1.0]), np.array([-0.5, -1.0]))


def _mutant(function: str, output: str, kind: str) -> Mutant:
    return next(m for m in mutants_of(Assignment(FC_NET).spec)
                if (m.function, m.output, m.kind) == (function, output, kind))


def test_a_zero_gradient_rescaled_is_equivalent(tmp_path):
    verdict = judged(tmp_path, FC_NET, _mutant("fc_bn_loss", 'grads["b1"]', "scaled by 2"))
    assert verdict.score == verdict.max_score and verdict.verdict == "equivalent"


def test_a_gradient_that_is_not_zero_rescaled_is_killed(tmp_path):
    assert judged(tmp_path, FC_NET, _mutant("fc_bn_loss", 'grads["gamma1"]', "scaled by 2")).verdict == "killed"
