"""The spec's models: the JSON Schema they publish, the bundled ner_window
spec read through them, and their defaults."""
from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from conftest import ASSIGNMENT, run_cli
from spec_edits import raw_spec
from grader.spec import Spec, load_spec

FUNCTIONS = ["window_vectors", "window_vectors_backward", "score", "score_grads", "ner_loss_and_grads"]


@pytest.fixture(scope="module")
def bundled() -> Spec:
    return load_spec(ASSIGNMENT)


@pytest.fixture(scope="module")
def raw() -> dict:
    return raw_spec(ASSIGNMENT)


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


def test_a_gradient_of_another_function_resolves_to_its_only_output(bundled):
    grads = bundled.function("score_grads")
    forward, output = bundled.resolve(grads, grads.output("ds_dx").gradient.of)
    assert (forward.name, output.name) == ("score", "s")
    assert grads.output("ds_dx").derivative_kind == "gradient"


def test_a_module_defaults_to_the_name(raw):
    data = copy.deepcopy(raw)
    del data["module"]
    assert Spec.model_validate(data).module == "ner_window"


def test_a_spec_read_from_its_folder_knows_its_support_folder(bundled):
    assert bundled.support_path is None
    layers = load_spec(ASSIGNMENT.parent / "layers")
    assert layers.support_path == (ASSIGNMENT.parent / "layers" / "support").resolve()


def test_notebook_keep_takes_cells_functions_or_names(raw):
    assert Spec.model_validate(raw).notebook.kept_names(["f"]) is None   # the default: every cell runs
    for keep, kept in (("functions", ["f"]), (["helper", "W"], ["f", "helper", "W"])):
        assert Spec.model_validate({**raw, "notebook": {"keep": keep}}).notebook.kept_names(["f"]) == kept
    with pytest.raises(ValidationError) as info:
        Spec.model_validate({**raw, "notebook": {"keep": "everything"}})
    assert info.value.errors()[0]["loc"][:2] == ("notebook", "keep")
