"""Classes in the spec: `[[classes]]` declares a class's constructor
arguments and params; an entry with `calls = "Class.method"` grades that
method, its arguments put after the class's and `params` when the spec is
read; mistakes in either are located and worded."""
from __future__ import annotations

import copy

import pytest

from grader.spec import Spec, SpecError
from grader.spec.classes import method_args, uses_of

SPEC = {
    "name": "nets",
    "dims": {"N": [4], "D": [5], "C": [3]},
    "functions": [
        {"name": "affine", "points": 1, "args": [{"name": "x", "shape": ["N", "D"]}],
         "outputs": [{"name": "out", "shape": ["N", "D"]}]},
        {"name": "net_scores", "calls": "Net.loss", "points": 1, "args": [{"name": "X", "shape": ["N", "D"]}],
         "outputs": [{"name": "scores", "shape": ["N", "C"]}]},
    ],
    "classes": [{"name": "Net", "uses": ["affine"],
                 "args": [{"name": "input_dim", "dtype": "int64", "sample": {"kind": "dim", "dim": "D"}},
                          {"name": "reg", "sample": {"kind": "constant", "value": 0.5}}],
                 "params": [{"name": "W", "shape": ["D", "C"]}]}],
}


def spec(**changes) -> Spec:
    data = copy.deepcopy(SPEC)
    for path, value in changes.items():
        where = data
        *parts, last = path.split("__")
        for part in parts:
            where = where[int(part)] if part.isdigit() else where[part]
        where[last] = value
    return Spec.model_validate(data)


def test_a_method_takes_the_class_arguments_then_params_then_its_own():
    f = spec().function("net_scores")
    assert [a.name for a in f.args] == ["input_dim", "reg", "params", "X"]
    assert [leaf.name for leaf in f.arg("params").leaves] == ['params["W"]']
    assert [a.name for a in method_args(f)] == ["X"]
    assert f.target == "Net.loss" and uses_of(spec(), f) == ["affine"]


def test_the_constructors_params_take_the_class_arguments_alone():
    data = copy.deepcopy(SPEC)
    data["classes"][0]["init"] = {"scale": "reg", "zeros": []}
    data["functions"].append({"name": "net_init", "calls": "Net.params", "points": 1, "args": [],
                              "outputs": [{"name": "params", "keys": [{"name": "W", "shape": ["D", "C"]}]}]})
    f = Spec.model_validate(data).function("net_init")
    assert [a.name for a in f.args] == ["input_dim", "reg"]


def test_a_function_is_no_method():
    f = spec().function("affine")
    assert [a.name for a in method_args(f)] == ["x"] and uses_of(spec(), f) == []


@pytest.mark.parametrize("changes, words", [
    ({"functions__1__calls": "Missing.loss"}, "calls a method of 'Missing', which is not a declared class "
                                              "(the classes: Net)"),
    ({"functions__1__args": [{"name": "reg", "shape": []}]}, "'reg' is an argument of the class Net"),
    ({"classes__0__uses": ["nothing"]}, "'nothing' is not a function of the spec"),
    ({"functions__1__calls": "Net.params"}, "Net.params checks the constructor's params: declare Net's init"),
])
def test_mistakes_are_located_and_worded(changes, words):
    with pytest.raises((SpecError, ValueError)) as raised:
        spec(**changes)
    assert words in str(raised.value)
