"""Dict and list arguments and outputs in the spec: their keys (items)
templated over a range ("W{l}" for l in 1..L), each expanded into an
argument or output of its own with its shape and derivative filled in,
the problems of an entry located at it, and the cases sampled with a dict
(list) of arrays of the declared shapes."""
from __future__ import annotations

import copy

import numpy as np
import pytest
from pydantic import ValidationError

from conftest import ROOT
from grader.cases.sampling import PUBLIC, sample_case
from grader.spec import Spec, SpecError, load_spec

LAYER_KEYS = [
    {"name": "W{l}", "for": "l in 1..L", "shape": ["n{l}", "n{l-1}"]},
    {"name": "b{l}", "for": "l in 1..L", "shape": ["n{l}", 1]},
]
SPEC = {
    "name": "nets",
    "dims": {"L": [3], "m": [5, 9], "n0": [4], "n1": [6], "n2": [7], "n3": [8]},
    "functions": [
        {"name": "cost", "student": False,
         "args": [{"name": "X", "shape": ["n0", "m"]}, {"name": "params", "keys": copy.deepcopy(LAYER_KEYS)}],
         "outputs": [{"name": "J", "shape": []}]},
        {"name": "grads_of", "points": 6,
         "args": [{"name": "X", "shape": ["n0", "m"]}, {"name": "params", "keys": LAYER_KEYS}],
         "outputs": [{"name": "grads", "keys": [
             {"name": "dW{l}", "for": "l in 1..L", "shape": ["n{l}", "n{l-1}"],
              "gradient": {"of": "cost", "wrt": "params['W{l}']"}},
             {"name": "db{l}", "for": "l in 1..L", "shape": ["n{l}", 1],
              "gradient": {"of": "cost", "wrt": 'params["b{l}"]'}}]}]},
        {"name": "stacked", "points": 1,
         "args": [{"name": "xs", "items": [{"for": "i in 0..2", "shape": ["m", "n{i}"]}]}],
         "outputs": [{"name": "ys", "items": [{"for": "i in 0..2", "shape": ["n{i}", "m"]}]}]},
    ],
}


def spec_with(change=None) -> Spec:
    data = copy.deepcopy(SPEC)
    if change:
        change(data)
    return Spec.model_validate(data)


def problems(change) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as info:
        spec_with(change)
    return [(e["loc"], e["msg"]) for e in info.value.errors()]


def test_keys_are_expanded_into_outputs_judged_on_their_own():
    grads_of = spec_with().function("grads_of")
    judged = grads_of.judged
    assert [o.name for o in judged] == [f'grads["dW{l}"]' for l in (1, 2, 3)] + [f'grads["db{l}"]' for l in (1, 2, 3)]
    dw2 = grads_of.output('grads["dW2"]')
    assert dw2.shape == ["n2", "n1"] and dw2.key == "dW2" and dw2.part_of == "grads"
    assert dw2.gradient.of == "cost" and dw2.gradient.wrt == 'params["W2"]'   # quotes as the grader writes them
    assert grads_of.output('grads["db3"]').shape == ["n3", 1]
    assert grads_of.arg("params['W1']").shape == ["n1", "n0"]


def test_items_of_a_list_are_named_by_their_position():
    stacked = spec_with().function("stacked")
    assert [o.name for o in stacked.judged] == ["ys[0]", "ys[1]", "ys[2]"]
    assert [a.shape for a in stacked.arg("xs").leaves] == [["m", "n0"], ["m", "n1"], ["m", "n2"]]


def test_a_case_holds_a_dict_and_a_list_of_arrays_of_the_declared_shapes():
    spec = spec_with()
    case = sample_case(spec, PUBLIC, 1, 0)
    params = case.inputs["grads_of"]["params"]
    assert sorted(params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert params["W2"].shape == (7, 6) and params["b3"].shape == (8, 1) and params["W1"].dtype == np.float64
    assert [x.shape for x in case.inputs["stacked"]["xs"]] == [(case.dims["m"], 4), (case.dims["m"], 6),
                                                               (case.dims["m"], 7)]
    again = sample_case(spec, PUBLIC, 1, 0).inputs["grads_of"]["params"]
    assert all(np.array_equal(params[k], again[k]) for k in params)   # a case is its seed


def keys_of(data: dict, function: int = 1) -> list:
    return data["functions"][function]["outputs"][0]["keys"]


GRADS = ("functions", 1, "outputs", 0, "keys")
INVALID = {
    "a range that is not one": (
        lambda d: keys_of(d)[0].update({"for": "l from 1 to L"}),
        (*GRADS, 0, "for"), "'l from 1 to L' is not a range such as \"l in 1..L\""),
    "a range over a size that varies between cases": (
        lambda d: keys_of(d)[0].update({"for": "l in 1..m"}),
        (*GRADS, 0, "for"), "'m' uses m, whose size differs between cases ([5, 9])"),
    "an empty range": (
        lambda d: keys_of(d)[0].update({"for": "l in L..1"}),
        (*GRADS, 0, "for"), "'l in L..1' is empty (3..1)"),
    "a key whose shape names no dimension, for one value only": (
        lambda d: keys_of(d)[1].update(shape=["n{l+1}", 1]),
        (*GRADS, 1, "shape", 0), "for l = 3: unknown dimensions ['n4']"),
    "a key declared twice": (
        lambda d: keys_of(d)[1].update(name="dW{l}"),
        (*GRADS, 1, "name"), "for l = 1: 'grads[\"dW1\"]' is declared twice"),
    "a key that is no name": (
        lambda d: keys_of(d)[0].update(name="d W{l}"),
        (*GRADS, 0), "for l = 1: 'd W1' is not a key the grader can use"),
    "a gradient with respect to a whole dict": (
        lambda d: keys_of(d)[0]["gradient"].update(wrt="params"),
        (*GRADS, 0, "gradient", "wrt"), "'params' is a dict: name one of its arrays, such as params[\"W1\"]"),
    "a gradient with respect to a key that is not there": (
        lambda d: keys_of(d)[0]["gradient"].update(wrt='params["V{l}"]'),
        (*GRADS, 0, "gradient", "wrt"), "for l = 1: cost has no argument 'params[\"V1\"]'"),
    "a shape beside the keys": (
        lambda d: d["functions"][1]["args"][1].update(shape=["m"]),
        ("functions", 1, "args", 1, "shape"), "set shape on each key, not on the dict itself"),
    "keys and items at once": (
        lambda d: d["functions"][1]["outputs"][0].update(items=[{"shape": []}]),
        ("functions", 1, "outputs", 0, "items"), "declare keys (a dict) or items (a list), not both"),
    "a fixture as a key": (
        lambda d: d["functions"][1]["args"][1]["keys"][0].update(sample={"kind": "fixture", "factory": "a:b"}),
        ("functions", 1, "args", 1, "keys", 0, "sample"), "a key or item is sampled as one of"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_a_wrong_entry_is_reported_at_its_place(case):
    change, location, fragment = INVALID[case]
    found = problems(change)
    assert len(found) == 1, found
    [(where, message)] = found
    assert where == location and fragment in message, (where, message)


def test_an_output_of_a_forward_must_name_an_array_output(tmp_path):
    def change(d):
        d["functions"][1]["args"].append({"name": "J", "output_of": "cost.K"})
    [(where, message)] = problems(change)
    assert where == ("functions", 1, "args", 2, "output_of") and "'cost.K' names no array output" in message


def test_the_bundled_deep_network_spec_reads_its_dictionaries():
    spec = load_spec(ROOT / "assignments" / "deep_network")
    backward = spec.function("L_model_backward")
    assert len(backward.judged) == 9
    assert backward.output('grads["dW3"]').shape == [1, "n2"]
    assert backward.output('grads["dA0"]').derivative is None


def test_load_spec_names_the_entry_on_the_way(tmp_path):
    folder = tmp_path / "nets"
    folder.mkdir()
    text = (ROOT / "assignments" / "deep_network" / "assignment.toml").read_text(encoding="utf-8")
    (folder / "assignment.toml").write_text(text.replace('for = "l in 0..L-1"', 'for = "l in 0..m"'),
                                            encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    assert "functions[9] (L_model_backward).outputs[0] (grads).keys[0] (dA{l}).for: 'm' uses m" in str(info.value)


def test_a_misspelt_key_of_an_entry_suggests_for(tmp_path):
    folder = tmp_path / "nets"
    folder.mkdir()
    text = (ROOT / "assignments" / "deep_network" / "assignment.toml").read_text(encoding="utf-8")
    (folder / "assignment.toml").write_text(text.replace('{ name = "dA{l}", for =', '{ name = "dA{l}", fro ='),
                                            encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    assert "unknown key 'fro'; did you mean 'for'?" in str(info.value)
