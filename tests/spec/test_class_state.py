"""A class's state and a class declared twice: `state` entries become a dict
argument `state` before `params`, keyed by the paths the grader assigns;
`class_name` lets two declarations grade one Python class. Mistakes in
either are located and worded."""
from __future__ import annotations

import copy
import types

import numpy as np
import pytest

from grader.sandbox import methods
from grader.spec import Spec, SpecError
from grader.spec.classes import method_args

RUNNING = [{"at": 'bn_params[0]["running_mean"]', "shape": ["C"]},
           {"at": 'bn_params[0]["running_var"]', "shape": ["C"], "sample": {"kind": "uniform", "low": 0.5, "high": 2}}]
SPEC = {
    "name": "nets",
    "dims": {"N": [4], "D": [5], "C": [3]},
    "functions": [
        {"name": "plain_scores", "calls": "Net.loss", "points": 1, "args": [{"name": "X", "shape": ["N", "D"]}],
         "outputs": [{"name": "scores", "shape": ["N", "C"]}]},
        {"name": "norm_scores", "calls": "NormNet.loss", "points": 1, "args": [{"name": "X", "shape": ["N", "D"]}],
         "outputs": [{"name": "scores", "shape": ["N", "C"]}]},
    ],
    "classes": [
        {"name": "Net", "args": [{"name": "input_dim", "dtype": "int64", "sample": {"kind": "dim", "dim": "D"}}],
         "params": [{"name": "W", "shape": ["D", "C"]}]},
        {"name": "NormNet", "class_name": "Net", "state": RUNNING,
         "args": [{"name": "input_dim", "dtype": "int64", "sample": {"kind": "dim", "dim": "D"}},
                  {"name": "normalization", "sample": {"kind": "constant", "value": "batchnorm"}}],
         "params": [{"name": "W", "shape": ["D", "C"]}, {"name": "gamma", "shape": ["C"]}]},
    ],
}


def spec(change=None) -> Spec:
    data = copy.deepcopy(SPEC)
    if change:
        change(data)
    return Spec.model_validate(data)


def test_two_declarations_grade_one_class_constructed_two_ways():
    s = spec()
    plain, norm = s.function("plain_scores"), s.function("norm_scores")
    assert plain.target == "Net.loss" and norm.target == "Net.loss"
    assert [a.name for a in plain.args] == ["input_dim", "params", "X"]
    assert [a.name for a in norm.args] == ["input_dim", "normalization", "state", "params", "X"]
    assert [leaf.key for leaf in norm.arg("params").leaves] == ["W", "gamma"]
    assert [a.name for a in method_args(norm)] == ["X"]


def test_the_state_is_a_dict_keyed_by_the_paths_it_is_assigned_at():
    state = spec().function("norm_scores").arg("state")
    assert state.container == "dict"
    assert [leaf.key for leaf in state.leaves] == ['bn_params[0]["running_mean"]', 'bn_params[0]["running_var"]']
    assert [leaf.name for leaf in state.leaves] == ['self.bn_params[0]["running_mean"]',
                                                    'self.bn_params[0]["running_var"]']
    assert state.leaves[1].sample.kind == "uniform" and state.leaves[1].shape == ["C"]


def _set(path, value):
    def change(data):
        where = data
        *parts, last = path
        for part in parts:
            where = where[part]
        where[last] = value
    return change


@pytest.mark.parametrize("change, where, words", [
    (_set(("classes", 1, "state", 0, "at"), "bn_params[0].running_mean"), "classes.1.state.0.at",
     'is not a path the grader can assign: an attribute, then indices [0] and string keys ["name"]'),
    (_set(("classes", 1, "state", 0, "at"), 'params["W"]'), "classes.1.state.0.at",
     "the grader assigns params itself"),
    (_set(("classes", 1, "state", 1, "at"), 'bn_params[0]["running_mean"]'), "classes.1.state.1.at",
     "is declared twice"),
    (_set(("classes", 1, "state", 0, "sample"), {"kind": "labels", "classes": 3}), "classes.1.state.0.sample",
     "a state array is sampled as one of ['normal', 'uniform', 'constant'], not 'labels'"),
    (_set(("classes", 1, "args", 1, "name"), "state"), "classes.1.args.1.name",
     "'state' names the state the grader assigns"),
    (_set(("classes", 1, "name"), "Net"), "classes.1.name", "'Net' is declared twice"),
    (_set(("classes", 1, "class_name"), "2Net"), "classes.1.class_name", "should match pattern"),
    (_set(("functions", 1, "args"), [{"name": "state", "shape": []}]), "functions.1.args",
     "'state' is an argument of the class NormNet (or its params or state)"),
])
def test_mistakes_are_located_and_worded(change, where, words):
    with pytest.raises((SpecError, ValueError)) as raised:
        spec(change)
    text = str(raised.value)
    assert words in text and where in text, text


class Net:
    def __init__(self, input_dim, normalization=None):
        self.bn_params = [{"mode": "train"}] if normalization else []

    def loss(self, X):
        return self.bn_params


def test_the_call_assigns_the_state_at_its_paths_before_the_method_runs():
    module = types.SimpleNamespace(Net=Net)
    mean, var = np.zeros(3), np.ones(3)
    args = {"input_dim": 5, "normalization": "batchnorm",
            "state": {'bn_params[0]["running_mean"]': mean, 'bn_params[0]["running_var"]': var},
            "params": {"W": np.ones((5, 3))}, "X": np.ones((4, 5))}
    [bn_param] = methods.call(module, "Net.loss", args)
    assert bn_param["mode"] == "train" and bn_param["running_mean"] is mean and bn_param["running_var"] is var


def test_a_place_the_constructor_did_not_make_is_named():
    module = types.SimpleNamespace(Net=Net)
    args = {"input_dim": 5, "normalization": None, "state": {'bn_params[0]["running_mean"]': np.zeros(3)},
            "params": {"W": np.ones((5, 3))}, "X": np.ones((4, 5))}
    with pytest.raises(AttributeError) as raised:
        methods.call(module, "Net.loss", args)
    assert str(raised.value).startswith('the grader sets self.bn_params[0]["running_mean"] after constructing '
                                        "Net, but there is no such place (IndexError: list index out of range)")
