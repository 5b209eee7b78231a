"""The assignment spec: its JSON Schema, the bundled ner_window spec, the
validation messages an instructor gets for a broken spec, and (property
tests) the cases sampled from it."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import ASSIGNMENT, copy_assignment, run_cli
from grader.cases.sampling import HIDDEN, PUBLIC, sample_case
from grader.spec import DimValue, Integers, Labels, Spec, SpecError, evaluate_size, load_spec

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FUNCTIONS = ["window_vectors", "window_vectors_backward", "score", "score_grads", "ner_loss_and_grads"]


@pytest.fixture(scope="module")
def bundled() -> Spec:
    return load_spec(ASSIGNMENT)


@pytest.fixture(scope="module")
def raw() -> dict:
    return tomllib.loads((ASSIGNMENT / "assignment.toml").read_text(encoding="utf-8"))


# --- the schema -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:
    code, out, err = run_cli("grade", "schema")
    assert code == 0, err
    return json.loads(out)


def test_schema_describes_the_specs_fields(schema):
    props = schema["properties"]
    assert {"name", "title", "module", "dims", "functions", "cases", "tolerance", "limits", "checks"} <= set(props)
    assert {"name", "dims", "functions"} <= set(schema["required"])
    assert schema["additionalProperties"] is False
    function = schema["$defs"]["Function"]["properties"]
    assert {"name", "points", "description", "args", "outputs", "mistakes"} <= set(function)
    output = schema["$defs"]["Output"]["properties"]
    assert {"name", "shape", "gradient", "vjp"} <= set(output)
    limits = schema["$defs"]["Limits"]["properties"]
    assert {"timeout", "call_timeout"} <= set(limits)
    assert limits["call_timeout"]["description"]


def test_schema_accepts_the_bundled_spec_and_rejects_a_misspelt_field(schema, raw):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(raw, schema)
    broken = copy.deepcopy(raw)
    broken["functions"][0]["point"] = broken["functions"][0].pop("points")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# --- the bundled spec -------------------------------------------------------------------


def test_bundled_spec_loads(bundled):
    assert bundled.name == "ner_window"
    assert bundled.module == "ner_window"
    assert [f.name for f in bundled.functions] == FUNCTIONS
    assert sum(f.points for f in bundled.functions) == 13
    assert bundled.dims["D"] == "5*d"
    grads = bundled.function("score_grads")
    assert [o.name for o in grads.outputs] == ["ds_dx", "ds_dW", "ds_db", "ds_du"]
    assert [m.code for m in grads.mistakes] == ["missing_activation_derivative", "activation_for_derivative"]
    backward = bundled.function("window_vectors_backward").output("dL")
    assert (backward.vjp.of, backward.vjp.wrt, backward.vjp.upstream) == ("window_vectors", "L", "dX")


def test_a_module_defaults_to_the_name(raw):
    data = copy.deepcopy(raw)
    del data["module"]
    assert Spec.model_validate(data).module == "ner_window"


# --- validation messages ----------------------------------------------------------------


def mutated(raw: dict, change) -> dict:
    data = copy.deepcopy(raw)
    change(data)
    return data


def function(data: dict, name: str) -> dict:
    return next(f for f in data["functions"] if f["name"] == name)


INVALID = {
    "unknown dimension in a shape": (
        lambda d: function(d, "score")["args"][0].update(shape=["Q"]),
        ["functions[2] (score).args[0] (x).shape", "unknown dimensions ['Q']", "declared: ['D', 'H', 'N', 'V', 'd']"]),
    "unknown dimension in an output": (
        lambda d: function(d, "ner_loss_and_grads")["outputs"][2].update(shape=["H", "K"]),
        ["functions[4] (ner_loss_and_grads).outputs[2] (dW).shape", "unknown dimensions ['K']"]),
    "gradient of nothing": (
        lambda d: function(d, "score_grads")["outputs"][1]["gradient"].update(of="scores"),
        ["functions[3] (score_grads).outputs[1] (ds_dW).gradient.of", "'scores' names neither an output",
         "'window_vectors', 'window_vectors_backward', 'score', 'score_grads', 'ner_loss_and_grads'"]),
    "gradient with respect to nothing": (
        lambda d: function(d, "score_grads")["outputs"][0]["gradient"].update(wrt="z"),
        ["functions[3] (score_grads).outputs[0] (ds_dx).gradient.wrt", "score has no argument 'z'"]),
    "gradient of a non-scalar": (
        lambda d: function(d, "ner_loss_and_grads")["outputs"][1].update(
            gradient={"of": "window_vectors", "wrt": "X"}),
        ["functions[4] (ner_loss_and_grads).outputs[1] (dX).gradient.of", "a gradient needs a scalar (use vjp)"]),
    "gradient of the wrong shape": (
        lambda d: function(d, "score_grads")["outputs"][0].update(shape=["H"]),
        ["functions[3] (score_grads).outputs[0] (ds_dx).shape", "['H']", "['D']", "'x'"]),
    "dimension below 3 in a list": (
        lambda d: d["dims"].update(d=[2, 4]),
        ["dims.d", "size 2 is below 3"]),
    "dimension below 3": (
        lambda d: d["dims"].update(H=1),
        ["dims.H", "size 1 is below 3"]),
    "derived dimension below 3": (
        lambda d: d["dims"].update(D="d - 1"),
        ["dims.D", "derives to 2, below 3"]),
    "derived dimension from nothing": (
        lambda d: d["dims"].update(D="5*e"),
        ["dims.D", "uses unknown dimensions ['e']"]),
    "no sizes": (
        lambda d: d["dims"].update(N=[]),
        ["dims.N", "give at least one size"]),
    "sizes that cannot all differ": (
        lambda d: d["dims"].update(N=[3], d=[3], H=[3]),
        ["no choice of sizes makes every dimension different"]),
    "a function declared twice": (
        lambda d: d["functions"].append(copy.deepcopy(d["functions"][0])),
        ["functions: 'window_vectors' is declared twice"]),
    "integer sample of a float argument": (
        lambda d: function(d, "window_vectors")["args"][0].update(dtype="float64"),
        ["functions[0] (window_vectors).args[0] (windows).dtype", "integer samples need dtype 'int64'"]),
    "unknown dimension in a sample": (
        lambda d: function(d, "window_vectors_backward")["args"][2]["sample"].update(dim="W"),
        ["functions[1] (window_vectors_backward).args[2] (V).sample.dim", "unknown dimension 'W'"]),
    "pool smaller than the hidden cases": (
        lambda d: d["cases"].update(hidden=5, hidden_pool=4),
        ["cases.hidden_pool (4) is smaller than cases.hidden (5)"]),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_spec_names_the_field_and_the_problem(raw, case):
    change, fragments = INVALID[case]
    with pytest.raises(ValidationError) as info:
        Spec.model_validate(mutated(raw, change))
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text


@pytest.mark.parametrize("change, fields, problem", [
    (lambda d: function(d, "score_grads").update(point=function(d, "score_grads").pop("points")),
     ["functions.3.point"], "Extra inputs are not permitted"),
    (lambda d: function(d, "score").update(points=0),
     ["functions.2.points", "functions[2] (score).points"], "0"),
    (lambda d: d["limits"].update(call_timeout=-1), ["limits.call_timeout"], "greater than 0"),
    (lambda d: function(d, "score")["args"][1].update(sample={"kind": "gaussian"}),
     ["functions.2.args.1.sample"], "'gaussian'"),
    (lambda d: d.update(functions=[]), ["functions\n"], "at least 1 item"),
])
def test_invalid_field_values_are_located(raw, change, fields, problem):
    with pytest.raises(ValidationError) as info:
        Spec.model_validate(mutated(raw, change))
    text = str(info.value)
    assert any(field in text for field in fields), text
    assert problem in text


def test_load_spec_names_the_file(tmp_path):
    score_u = '{ name = "u", shape = ["H"] },\n]\noutputs = [{ name = "s"'
    folder = copy_assignment(tmp_path / "broken", toml_edits=((score_u, score_u.replace('"H"', '"Z"')),))
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'assignment.toml'}: invalid spec:")
    assert "functions[2] (score).args[3] (u).shape: unknown dimensions ['Z']" in message


def test_load_spec_reports_invalid_toml_with_its_line(tmp_path):
    folder = copy_assignment(tmp_path / "broken", toml_edits=(("[cases]", "[cases"),))
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    message = str(info.value)
    assert message.startswith(f"{folder / 'assignment.toml'}: not valid TOML")
    assert "line 15" in message


def test_load_spec_of_a_folder_without_a_spec(tmp_path):
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path)
    assert str(info.value) == f"{tmp_path / 'assignment.toml'}: no spec file here (expected assignment.toml)"


def test_a_malformed_size_expression_in_a_shape_names_its_field(raw):
    with pytest.raises(ValidationError) as info:
        Spec.model_validate(mutated(raw, lambda d: function(d, "score")["args"][0].update(shape=["D+"])))
    text = str(info.value)
    assert "'D+'" in text
    assert "functions[2] (score).args[0] (x).shape" in text


def test_a_dimension_dividing_by_zero_is_invalid(raw):
    with pytest.raises(ValidationError) as info:
        Spec.model_validate(mutated(raw, lambda d: d["dims"].update(D="d // 0")))
    assert "dims.D" in str(info.value)


def test_integer_bounds_in_the_wrong_order_are_invalid(raw):
    with pytest.raises(ValidationError) as info:
        Spec.model_validate(mutated(raw, lambda d: function(d, "window_vectors")["args"][0]["sample"].update(
            low="V", high=0)))
    assert "functions[0] (window_vectors).args[0] (windows).sample" in str(info.value)


# --- sampled cases (property tests) -----------------------------------------------------

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
VISIBILITY = st.sampled_from([PUBLIC, HIDDEN])
INDEX = st.integers(min_value=1, max_value=64)
PROPERTY = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_well_formed(spec: Spec, case) -> None:
    dims = case.dims
    assert set(dims) == set(spec.dims)
    assert len(set(dims.values())) == len(dims), f"dimensions coincide: {dims}"
    assert min(dims.values()) >= 3, dims
    for name, declared in spec.dims.items():
        if isinstance(declared, list):
            assert dims[name] in declared
        elif isinstance(declared, str):
            assert dims[name] == evaluate_size(declared, dims)
    for f in spec.functions:
        inputs = case.inputs[f.name]
        assert list(inputs) == [a.name for a in f.args]
        for a in f.args:
            value = inputs[a.name]
            if isinstance(a.sample, DimValue):
                assert type(value) is int and value == dims[a.sample.dim]
                continue
            assert isinstance(value, np.ndarray), (f.name, a.name)
            assert value.shape == tuple(evaluate_size(s, dims) for s in a.shape), (f.name, a.name)
            assert value.dtype == np.dtype(a.dtype), (f.name, a.name)
            if isinstance(a.sample, Integers):
                low, high = evaluate_size(a.sample.low, dims), evaluate_size(a.sample.high, dims)
                assert value.min() >= low and value.max() < high
                if a.sample.repeats:
                    assert_has_repeats(value)
            elif isinstance(a.sample, Labels):
                assert set(np.unique(value)) == set(range(a.sample.classes)), value
            else:
                assert np.isfinite(value).all()


def assert_has_repeats(windows: np.ndarray) -> None:
    """A word repeated inside one window, and a word shared by two windows."""
    assert any(len(set(row)) < len(row) for row in windows.tolist()), windows
    rows = [set(row) for row in windows.tolist()]
    assert any(rows[i] & rows[j] for i in range(len(rows)) for j in range(i + 1, len(rows))), windows


@PROPERTY
@given(seed=SEEDS, visibility=VISIBILITY, index=INDEX)
def test_sampled_cases_are_well_formed(bundled, seed, visibility, index):
    assert_well_formed(bundled, sample_case(bundled, visibility, index, seed))


@PROPERTY
@given(seed=SEEDS, visibility=VISIBILITY, index=INDEX)
def test_a_case_is_determined_by_its_seed(bundled, seed, visibility, index):
    a, b = sample_case(bundled, visibility, index, seed), sample_case(bundled, visibility, index, seed)
    assert a.dims == b.dims
    for f in bundled.functions:
        for name, value in a.inputs[f.name].items():
            np.testing.assert_array_equal(value, b.inputs[f.name][name])


@PROPERTY
@given(seed=SEEDS, index=INDEX, which=st.sampled_from(FUNCTIONS))
def test_redrawn_inputs_are_well_formed_too(bundled, seed, index, which):
    case = sample_case(bundled, HIDDEN, index, seed)
    before = {k: np.copy(v) for k, v in case.inputs[which].items()}
    case.redraw(bundled, which)
    assert_well_formed(bundled, case)
    assert any(not np.array_equal(before[k], v) for k, v in case.inputs[which].items()
               if isinstance(v, np.ndarray) and v.dtype.kind == "f")


def test_the_cases_cover_every_size(bundled):
    seen: dict[str, set] = {}
    for index in range(1, 65):
        for name, size in sample_case(bundled, HIDDEN, index, 12345).dims.items():
            seen.setdefault(name, set()).add(size)
    assert seen["N"] == {6, 9} and seen["d"] == {3, 4} and seen["H"] == {7, 8} and seen["V"] == {11, 13}
