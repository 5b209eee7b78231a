"""A broken spec is reported at its place: every problem, pydantic's own or
one that needs the whole spec, carries a location such as
("functions", 2, "args", 0, "shape", 0), and load_spec shows it with the names
on the way: `functions[2] (score).args[0] (x).shape[0]: unknown dimensions`."""
from __future__ import annotations

import copy

import pytest

from conftest import ASSIGNMENT, copy_assignment
from spec_edits import problems, raw_spec
from grader.spec import SpecError, load_spec


@pytest.fixture(scope="module")
def raw() -> dict:
    return raw_spec(ASSIGNMENT)


def function(data: dict, name: str) -> dict:
    return next(f for f in data["functions"] if f["name"] == name)


STAND_IN = {"name": "helper", "sample": {"kind": "stand_in", "function": "helpers:score", "replaces": "score"}}

# one change each: (the change, the one location reported, a fragment of its message)
INVALID = {
    "unknown dimension in a shape": (
        lambda d: function(d, "score")["args"][0].update(shape=["Q"]),
        ("functions", 2, "args", 0, "shape", 0), "unknown dimensions ['Q']; declared: ['D', 'H', 'N', 'V', 'd']"),
    "unknown dimension in an output": (
        lambda d: function(d, "ner_loss_and_grads")["outputs"][2].update(shape=["H", "K"]),
        ("functions", 4, "outputs", 2, "shape", 1), "unknown dimensions ['K']"),
    "malformed size in a shape": (
        lambda d: function(d, "score")["args"][0].update(shape=["D+"]),
        ("functions", 2, "args", 0, "shape", 0), "'D+' is not an expression of dimensions"),
    "gradient of nothing": (
        lambda d: function(d, "score_grads")["outputs"][1]["gradient"].update(of="scores"),
        ("functions", 3, "outputs", 1, "gradient", "of"),
        "'scores' names neither an output of score_grads nor a function (or function.output); functions: "
        "['window_vectors', 'window_vectors_backward', 'score', 'score_grads', 'ner_loss_and_grads']"),
    "gradient with respect to nothing": (
        lambda d: function(d, "score_grads")["outputs"][0]["gradient"].update(wrt="z"),
        ("functions", 3, "outputs", 0, "gradient", "wrt"), "score has no argument 'z'"),
    "gradient of a non-scalar": (
        lambda d: function(d, "ner_loss_and_grads")["outputs"][1].update(gradient={"of": "window_vectors", "wrt": "X"}),
        ("functions", 4, "outputs", 1, "gradient", "of"), "a gradient needs a scalar (use vjp)"),
    "gradient of the wrong shape": (
        lambda d: function(d, "score_grads")["outputs"][0].update(shape=["H"]),
        ("functions", 3, "outputs", 0, "shape"), "['H'] should be ['D'], the shape of 'x'"),
    "vjp with a missing upstream": (
        lambda d: function(d, "window_vectors_backward")["outputs"][0]["vjp"].update(upstream="dY"),
        ("functions", 1, "outputs", 0, "vjp", "upstream"), "window_vectors_backward has no argument 'dY'"),
    "two derivatives in one output": (
        lambda d: function(d, "score_grads")["outputs"][0].update(vjp={"of": "score", "wrt": "x", "upstream": "u"}),
        ("functions", 3, "outputs", 0), "declare one of gradient, vjp and jacobian, not several"),
    "dimension below 3 in a list": (lambda d: d["dims"].update(d=[2, 4]), ("dims", "d"), "size 2 is below 3"),
    "dimension below 3": (lambda d: d["dims"].update(H=1), ("dims", "H"), "size 1 is below 3"),
    "derived dimension below 3": (lambda d: d["dims"].update(D="d - 1"), ("dims", "D"), "derives to 2, below 3"),
    "derived dimension from nothing": (
        lambda d: d["dims"].update(D="5*e"), ("dims", "D"), "uses unknown dimensions ['e']"),
    "dimension dividing by zero": (lambda d: d["dims"].update(D="d // 0"), ("dims", "D"), "divides by zero"),
    "dimensions derived from each other": (
        lambda d: d["dims"].update(D="V", V="D"), ("dims",), "['D', 'V'] depend on each other"),
    "no sizes": (lambda d: d["dims"].update(N=[]), ("dims", "N"), "give at least one size"),
    "sizes that cannot all differ": (
        lambda d: d["dims"].update(N=[3], d=[3], H=[3]), ("dims",), "no choice of sizes makes every dimension"),
    "a function declared twice": (
        lambda d: d["functions"].append(copy.deepcopy(d["functions"][0])),
        ("functions", 5, "name"), "'window_vectors' is declared twice"),
    "an argument declared twice": (
        lambda d: function(d, "score")["args"].append({"name": "x"}),
        ("functions", 2, "args", 4, "name"), "'x' is declared twice"),
    "integer sample of a float argument": (
        lambda d: function(d, "window_vectors")["args"][0].update(dtype="float64"),
        ("functions", 0, "args", 0, "dtype"), "integer samples need dtype 'int64'"),
    "unknown dimension in a sample": (
        lambda d: function(d, "window_vectors_backward")["args"][2]["sample"].update(dim="W"),
        ("functions", 1, "args", 2, "sample", "dim"), "unknown dimension 'W'"),
    "unknown dimension in a bound": (
        lambda d: function(d, "window_vectors")["args"][0]["sample"].update(high="W"),
        ("functions", 0, "args", 0, "sample", "high"), "unknown dimension in bound 'W'"),
    "integer bounds in the wrong order": (
        lambda d: function(d, "window_vectors")["args"][0]["sample"].update(low="V", high=0),
        ("functions", 0, "args", 0, "sample"), "low (V) must be below high (0)"),
    "forgiving a cascade where no cache is passed": (
        lambda d: function(d, "score")["args"][0].update(cascade="forgive"),
        ("functions", 2, "args", 0, "cascade"), "'forgive' applies to a cache"),
    "a graded function without points": (
        lambda d: function(d, "score").update(points=0),
        ("functions", 2, "points"), "a function students write needs points > 0"),
    "a mistake whose variant is no function name": (
        lambda d: function(d, "score_grads")["mistakes"][0].update(variant="no-name"),
        ("functions", 3, "mistakes", 0, "variant"), "'no-name' is not a function name"),
    "pool smaller than the hidden cases": (
        lambda d: d["cases"].update(hidden=5, hidden_pool=4),
        ("cases", "hidden_pool"), "the pool (4) is smaller than cases.hidden (5)"),
    "a misspelt field": (
        lambda d: function(d, "score_grads").update(point=function(d, "score_grads").pop("points")),
        ("functions", 3, "point"), "Extra inputs are not permitted"),
    "a negative timeout": (
        lambda d: d["limits"].update(call_timeout=-1), ("limits", "call_timeout"), "greater than 0"),
    "an unknown kind of sample": (
        lambda d: function(d, "score")["args"][1].update(sample={"kind": "gaussian"}),
        ("functions", 2, "args", 1, "sample"), "'gaussian'"),
    "no functions": (lambda d: d.update(functions=[]), ("functions",), "at least 1 item"),
    "stand-in without a support folder": (
        lambda d: function(d, "score")["args"].append(STAND_IN),
        ("functions", 2, "args", 4, "sample"), "a stand_in needs the spec's `support` folder"),
    "stand-in for no student function": (
        lambda d: d.update(support="support") or function(d, "score")["args"].append(
            {**STAND_IN, "sample": {**STAND_IN["sample"], "replaces": "sigmoid"}}),
        ("functions", 2, "args", 4, "sample", "replaces"), "'sigmoid' is not a function students write"),
    "stand-in before another argument": (
        lambda d: d.update(support="support") or function(d, "score")["args"].insert(0, STAND_IN),
        ("functions", 2, "args", 0), "a stand_in argument must come after every other argument"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_a_broken_spec_is_reported_at_its_location(raw, case):
    change, location, fragment = INVALID[case]
    [(where, message)] = problems(raw, change)
    assert where == location
    assert fragment in message


def test_every_problem_is_reported_at_once(raw):
    def change(d):
        d["dims"].update(H=1, N=[])
        d["cases"].update(hidden=5, hidden_pool=4)
    assert [where for where, _ in problems(raw, change)] == [("dims", "N"), ("dims", "H"), ("cases", "hidden_pool")]


def test_a_wrong_shape_is_not_reported_again_as_a_wrong_derivative(raw):
    # ds_dx is the gradient with respect to x: its shape would disagree with x's too
    change = INVALID["unknown dimension in a shape"][0]
    assert [where for where, _ in problems(raw, change)] == [("functions", 2, "args", 0, "shape", 0)]


# --- as load_spec shows them: the file, then one line per problem with the names on the way


def load_broken(tmp_path, *edits: tuple[str, str]) -> list[str]:
    folder = copy_assignment(tmp_path / "broken", toml_edits=edits)
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    first, *lines = str(info.value).splitlines()
    assert first == f"{folder / 'assignment.toml'}: invalid spec:"
    return [line.strip() for line in lines]


def test_a_location_names_the_function_and_the_argument(tmp_path):
    score_u = '{ name = "u", shape = ["H"] },\n]\noutputs = [{ name = "s"'
    assert load_broken(tmp_path, (score_u, score_u.replace('"H"', '"Z"'))) == [
        "functions[2] (score).args[3] (u).shape[0]: unknown dimensions ['Z']; declared: ['D', 'H', 'N', 'V', 'd']"]


def test_a_location_names_the_output(tmp_path):
    edit = ('gradient = { of = "score", wrt = "x" }', 'gradient = { of = "scores", wrt = "x" }')
    [line] = load_broken(tmp_path, edit)
    assert line.startswith("functions[3] (score_grads).outputs[0] (ds_dx).gradient.of: 'scores' names neither")


def test_a_misspelt_key_is_shown_with_the_key_it_was_meant_to_be(tmp_path):
    assert load_broken(tmp_path, ("points = 4", "point = 4"), ("[tolerance]", "[tolernace]"),
                       ("repeats = true", "repaets = true"), ("hidden = 3", "hiden = 3")) == [
        "functions[0] (window_vectors).args[0] (windows).sample.repaets: unknown key 'repaets'; "
        "did you mean 'repeats'?",
        "functions[3] (score_grads).point: unknown key 'point'; did you mean 'points'?",
        "cases.hiden: unknown key 'hiden'; did you mean 'hidden'?",
        "tolernace: unknown key 'tolernace'; did you mean 'tolerance'?"]


def test_an_unknown_key_like_no_other_is_shown_with_the_keys_allowed_there(tmp_path):
    assert load_broken(tmp_path, ("[cases]", "[cases]\nflavour = 1")) == [
        "cases.flavour: unknown key 'flavour'; the keys here are public, hidden, hidden_pool, public_seed, "
        "public_dims"]


def test_a_field_of_a_sample_is_located_without_its_kind(tmp_path):
    # pydantic puts the member of the tagged union in the location: (..., "sample", "integers", "repeats")
    [line] = load_broken(tmp_path, ("repeats = true", 'repeats = "often"'))
    assert line.startswith("functions[0] (window_vectors).args[0] (windows).sample.repeats: Input should be")


def test_a_dimension_is_located_by_its_name(tmp_path):
    assert load_broken(tmp_path, ('D = "5*d"', 'D = "d//0"')) == ["dims.D: 'd//0' divides by zero"]


def test_invalid_toml_is_reported_with_its_line(tmp_path):
    folder = copy_assignment(tmp_path / "broken", toml_edits=(("[cases]", "[cases"),))
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'assignment.toml'}: not valid TOML")
    assert "line 15" in message


def test_a_folder_without_a_spec(tmp_path):
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path)
    assert str(info.value) == f"{tmp_path / 'assignment.toml'}: no spec file here (expected assignment.toml)"


def test_a_support_folder_that_is_missing(tmp_path):
    folder = copy_assignment(tmp_path / "broken", toml_edits=(('module = "ner_window"', 'module = "ner_window"\n'
                                                               'support = "helpers"'),))
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    assert str(info.value) == f"{folder / 'assignment.toml'}: support: no folder 'helpers' beside the spec"
