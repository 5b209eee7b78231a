"""Hyperparameters chosen per case: every student's hidden cases cover every
value of every choice, whether drawn fresh or from the class's pool; a
redraw at a kink keeps the case's choice; and the layers cases stay within
the course's own contract (CS231n's layers.py docstrings): a convolution's
output size is an integer, and a max pool's last window ends at the edge."""
from __future__ import annotations

import pytest

from conftest import ROOT
from grader.cases.sampling import HIDDEN, chosen_values, pooled_indices, sample_case
from grader.spec import Spec, choices_of, load_spec

SEEDS = range(0, 4000, 37)


@pytest.fixture(scope="module")
def layers() -> Spec:
    return load_spec(ROOT / "assignments" / "layers")


def value_sets(spec: Spec, cases: list[tuple[int, int]]) -> dict[str, list]:
    """The values each choice took over cases given as (seed, index)."""
    taken: dict[str, list] = {name: [] for name in choices_of(spec)}
    for seed, index in cases:
        for name, value in chosen_values(spec, seed, index).items():
            if value not in taken[name]:
                taken[name].append(value)
    return taken


def test_fresh_hidden_cases_cover_every_value(layers):
    for seed in SEEDS:
        taken = value_sets(layers, [(seed, i + 1) for i in range(layers.cases.hidden)])
        assert all(len(taken[name]) == len(values) for name, values in choices_of(layers).items()), seed


def test_hidden_cases_from_the_pool_cover_every_value(layers):
    c = layers.cases
    for seed in SEEDS:
        picked = pooled_indices(layers, seed)
        assert len(set(picked)) == c.hidden and all(0 <= k < c.hidden_pool for k in picked)
        taken = value_sets(layers, [(c.public_seed, k + 1) for k in picked])
        assert all(len(taken[name]) == len(values) for name, values in choices_of(layers).items()), seed


def test_the_pool_picks_differ_between_seeds(layers):
    assert len({tuple(pooled_indices(layers, seed)) for seed in SEEDS}) > len(SEEDS) // 2


def test_the_order_of_the_values_follows_the_seed(layers):
    orders = {tuple(str(chosen_values(layers, seed, i)["conv_param"]) for i in (1, 2, 3)) for seed in SEEDS}
    assert len(orders) == 6   # every order of the three values


def test_the_case_holds_its_choice_and_the_sizes_that_follow(layers):
    for seed in SEEDS:
        case = sample_case(layers, HIDDEN, 2, seed)
        conv = case.inputs["conv_forward_naive"]["conv_param"]
        pool = case.inputs["max_pool_forward_naive"]["pool_param"]
        assert {"conv_param": conv, "pool_param": pool} == chosen_values(layers, seed, 2)
        height, width = case.inputs["conv_forward_naive"]["w"].shape[2:]   # 3x2 filters
        assert case.dims["Hout"] == 1 + (case.dims["Hi"] + 2 * conv["pad"] - height) // conv["stride"]
        assert case.dims["Wout"] == 1 + (case.dims["Wi"] + 2 * conv["pad"] - width) // conv["stride"]
        assert case.inputs["conv_backward_naive"]["dout"].shape[2:] == (case.dims["Hout"], case.dims["Wout"])
        x = case.inputs["max_pool_forward_naive"]["x"]
        assert case.inputs["max_pool_backward_naive"]["dout"].shape[2:] == (
            1 + (x.shape[2] - pool["pool_height"]) // pool["stride"],
            1 + (x.shape[3] - pool["pool_width"]) // pool["stride"])


def test_the_layers_cases_keep_to_the_courses_contract(layers):
    seen = set()
    for seed in SEEDS:
        for index in (1, 2, 3):
            case = sample_case(layers, HIDDEN, index, seed)
            conv = case.inputs["conv_forward_naive"]["conv_param"]
            filters = case.inputs["conv_forward_naive"]["w"].shape[2:]
            assert filters[0] != filters[1]   # HH and WW cannot be mixed up unseen
            for size, filter_size in zip(case.inputs["conv_forward_naive"]["x"].shape[2:], filters):
                assert (size + 2 * conv["pad"] - filter_size) % conv["stride"] == 0   # H' and W' are integers
            pool = case.inputs["max_pool_forward_naive"]["pool_param"]
            _, _, height, width = case.inputs["max_pool_forward_naive"]["x"].shape
            assert (height - pool["pool_height"]) % pool["stride"] == 0
            assert (width - pool["pool_width"]) % pool["stride"] == 0
            seen.add((conv["pad"], conv["stride"], pool["pool_height"] != pool["pool_width"],
                      pool["stride"] < max(pool["pool_height"], pool["pool_width"]), height % pool["stride"] != 0))
    assert {pad for pad, *_ in seen} == {0, 1, 2} and {stride for _, stride, *_ in seen} == {1, 2}
    assert any(s[2] for s in seen) and any(s[3] for s in seen) and any(s[4] for s in seen)


def test_a_redraw_keeps_the_cases_choice(layers):
    case = sample_case(layers, HIDDEN, 3, 99)
    before = case.inputs["conv_forward_naive"]
    case.redraw(layers, "conv_forward_naive")
    after = case.inputs["conv_forward_naive"]
    assert after["conv_param"] == before["conv_param"]
    assert after["x"].shape == before["x"].shape and (after["x"] != before["x"]).any()
