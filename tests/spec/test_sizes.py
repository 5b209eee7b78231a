"""Dimension arithmetic: sizes evaluated from dimensions, the choices of
sizes cases are drawn from, and (property tests) the cases sampled from the
bundled spec, whose shapes and sizes must follow its dimensions."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ASSIGNMENT
from grader.cases.sampling import HIDDEN, PUBLIC, sample_case
from grader.spec import DimValue, Integers, Labels, Spec, distinct_choices, evaluate_size, load_spec

FUNCTIONS = ["window_vectors", "window_vectors_backward", "score", "score_grads", "ner_loss_and_grads"]


@pytest.fixture(scope="module")
def bundled() -> Spec:
    return load_spec(ASSIGNMENT)


@pytest.mark.parametrize("size, value", [(7, 7), ("N", 6), ("5*d", 15), ("N - d", 3), ("N // d + 1", 3),
                                         ("( d + N ) * 2", 18)])
def test_a_size_is_evaluated_from_the_dimensions(size, value):
    assert evaluate_size(size, {"N": 6, "d": 3}) == value


@pytest.mark.parametrize("size, problem", [("N / d", "only integers, dimension names and + - * // are allowed"),
                                           ("N +", "is not an expression of dimensions"),
                                           ("N // 0", "divides by zero"),
                                           ("2.5 * N", "only integers")])
def test_a_size_that_is_no_expression_of_dimensions_is_refused(size, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        evaluate_size(size, {"N": 6, "d": 3})


def test_the_choices_of_sizes_keep_every_dimension_distinct():
    choices = distinct_choices({"N": [3, 4], "d": [3, 4], "D": "2*d"})
    assert choices == [{"N": 3, "d": 4, "D": 8}, {"N": 4, "d": 3, "D": 6}]


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
                assert set(np.unique(value)) == set(range(evaluate_size(a.sample.classes, dims))), value
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
