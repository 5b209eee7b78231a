"""Hyperparameters chosen per case (`sample = { kind = "choice", values = [...] }`):
a spec that declares them wrongly is refused at the place of the mistake,
with a message that says what to change; the layers spec, which derives its
convolution and pooling sizes from them, is accepted."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from spec_edits import problems, raw_spec
from grader.spec import Spec, SpecError, load_spec

LAYERS = ROOT / "assignments" / "layers"


@pytest.fixture(scope="module")
def raw() -> dict:
    return raw_spec(LAYERS)


def index_of(data: dict, name: str) -> int:
    return next(i for i, f in enumerate(data["functions"]) if f["name"] == name)


def argument(data: dict, function: str, name: str) -> dict:
    return next(a for a in data["functions"][index_of(data, function)]["args"] if a["name"] == name)


def test_the_layers_spec_chooses_its_convolution_and_pooling(raw):
    spec = Spec.model_validate(raw)
    conv = spec.function("conv_forward_naive").arg("conv_param").sample
    assert conv.kind == "choice" and {v["pad"] for v in conv.values} == {0, 1, 2}
    assert {v["stride"] for v in conv.values} == {1, 2}


def test_tables_with_other_keys_are_located_at_the_value(raw):
    def change(d):
        argument(d, "conv_forward_naive", "conv_param")["sample"]["values"][1] = {"stride": 2}
    [(where, message)] = problems(raw, change)
    conv = index_of(raw, "conv_forward_naive")
    assert where == ("functions", conv, "args", 3, "sample", "choice", "values", 1)
    assert "has keys ['stride'], values[0] has ['pad', 'stride']" in message


def test_too_few_hidden_cases_to_cover_every_value(raw):
    [(where, message)] = problems(raw, lambda d: d["cases"].update(hidden=2))
    assert where == ("cases", "hidden")
    assert "2 hidden cases cannot cover the 3 values chosen for 'conv_param'" in message
    assert "raise cases.hidden to 3" in message


def test_a_pool_too_small_for_the_choices(raw):
    def change(d):
        argument(d, "max_pool_forward_naive", "pool_param")["sample"]["values"].append(
            {"pool_height": 2, "pool_width": 3, "stride": 1})   # 3 and 4 values: they repeat every 12 cases
        d["cases"].update(hidden=4, hidden_pool=8)
    [(where, message)] = problems(raw, change)
    assert where == ("cases", "hidden_pool")
    assert "repeat every 12 cases" in message and "at least 12" in message


def test_one_name_chosen_twice_with_other_values(raw):
    def change(d):
        backward = d["functions"][index_of(d, "max_pool_backward_naive")]
        backward["args"].append({"name": "conv_param", "sample": {"kind": "choice", "values": [1, 2]}})
    [(where, message)] = problems(raw, change)
    assert where == ("functions", index_of(raw, "max_pool_backward_naive"), "args", 2, "sample", "values")
    assert "'conv_param' is chosen in functions[" in message and "give them the same values" in message


def test_a_chosen_argument_named_like_a_dimension(raw):
    def change(d):
        argument(d, "conv_forward_naive", "conv_param")["name"] = "F"
    found = problems(raw, change)
    assert found[0][0] == ("functions", index_of(raw, "conv_forward_naive"), "args", 3, "name")
    assert "'F' is a dimension too" in found[0][1]


def test_a_dimension_naming_a_key_no_value_has(raw):
    def change(d):
        d["dims"]["Hout"] = "1 + (Hi + 2*conv_param.padding - 3) // conv_param.stride"
    [(where, message)] = problems(raw, change)
    assert where == ("dims", "Hout")
    assert "unknown dimensions ['conv_param.padding']" in message


def test_a_size_too_small_for_one_chosen_value_says_which(raw):
    def change(d):
        argument(d, "conv_forward_naive", "conv_param")["sample"]["values"][1] = {"stride": 4, "pad": 0}
        d["dims"]["Wi"] = [13]
    [(where, message)] = problems(raw, change)
    assert where == ("dims", "Hout")   # 1 + (7 - 3) // 4
    assert message.startswith("derives to 2, below 3 when conv_param.stride = 4, conv_param.pad = 0")


def test_load_spec_names_the_function_and_the_argument(tmp_path):
    folder = tmp_path / "layers"
    shutil.copytree(LAYERS, folder, ignore=shutil.ignore_patterns(".pool", "__pycache__"))
    spec = folder / "assignment.toml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("{ stride = 2, pad = 1 }", "{ stride = 2 }", 1), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    [line] = str(info.value).splitlines()[1:]
    assert line.strip().startswith("functions[12] (conv_forward_naive).args[3] (conv_param).sample.values[1]: "
                                   "has keys ['stride']")
