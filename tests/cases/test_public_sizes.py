"""`[cases] public_dims`: the public cases take only the sizes listed (the
layers spec's public cases take the small batch, so that a student's naive
loops run them quickly), the hidden cases still take every size, and a list
that cannot be drawn from is refused where it is written."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from grader.cases.sampling import HIDDEN, PUBLIC, sample_case
from grader.spec import Spec, load_spec
from spec_edits import problems, raw_spec

LAYERS = ROOT / "assignments" / "layers"


@pytest.fixture(scope="module")
def layers() -> Spec:
    return load_spec(LAYERS)


@pytest.fixture(scope="module")
def raw() -> dict:
    return raw_spec(LAYERS)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), index=st.integers(1, 6))
def test_a_public_case_takes_only_the_public_sizes(layers, seed, index):
    case = sample_case(layers, PUBLIC, index, seed)
    assert case.dims["N"] == 4
    assert case.inputs["affine_forward"]["x"].shape[0] == 4


def test_the_hidden_cases_still_take_every_size(layers):
    taken = {sample_case(layers, HIDDEN, index, seed).dims["N"] for seed in range(20) for index in (1, 2, 3)}
    assert taken == {4, 11}


def test_the_published_cases_are_the_small_ones():
    published = json.loads((LAYERS / "public.json").read_text(encoding="utf-8"))
    assert [case["dims"]["N"] for case in published["cases"]] == [4, 4]


def test_a_list_of_public_sizes_is_taken_too(raw):
    data = {**raw, "dims": {**raw["dims"], "N": [4, 11, 12]}, "cases": {**raw["cases"], "public_dims": {"N": [4, 12]}}}
    spec = Spec.model_validate(data)
    assert {sample_case(spec, PUBLIC, index, seed).dims["N"] for seed in range(30) for index in (1, 2)} == {4, 12}


@pytest.mark.parametrize("public, message", [
    ({"B": 4}, "'B' is not a dimension: public sizes are given for dimensions with sizes of their own"),
    ({"D": 9}, "'D' is derived from others: public sizes are given for dimensions with sizes of their own"),
    ({"N": 5}, "N takes the sizes [4, 11]: public sizes must be among them"),
    ({"N": [4, 12]}, "N takes the sizes [4, 11]: public sizes must be among them"),
    ({"N": []}, "give at least one size"),
])
def test_public_sizes_a_dimension_does_not_take_are_refused_where_written(raw, public, message):
    [(where, found)] = problems(raw, lambda d: d["cases"].update(public_dims=public))
    assert where == ("cases", "public_dims", next(iter(public))) and message in found


def test_public_sizes_that_leave_no_distinct_choice_are_refused(raw):
    def change(data):
        data["dims"]["F"] = [4, 5]
        data["cases"]["public_dims"] = {"N": 4, "F": 4}
    [(where, found)] = problems(raw, change)
    assert where == ("cases", "public_dims")
    assert "no choice of these sizes makes every dimension different" in found
