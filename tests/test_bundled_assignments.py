"""Every bundled assignment besides ner_window (whose verdicts test_grade_cli
covers in detail): its correct submission gets full marks, and each buggy one
loses exactly the points of the function its mistake is in, with the mistake
named."""
import json

import pytest

from conftest import ROOT, bundled_grades, replay_grades, run_cli
from grader.cases.assignment import Assignment
from grader.cases.sampling import PUBLIC

# assignment -> student -> (score, {function: points kept}, diagnosis codes that must appear)
EXPECTED = {
    "jacobians": {
        "alan": (13, {}, set()),
        "transposed_affine": (11, {"jacobian_affine": 0}, {"transposed"}),
        "sigmoid_not_derivative": (11, {"jacobian_sigmoid": 0}, {"activation_for_derivative"}),
        "tanh_not_squared": (11, {"jacobian_tanh": 0}, {"derivative_squared_wrong"}),
        "vector_not_matrix": (11, {"jacobian_relu": 0}, {"diagonal_as_vector"}),
        "softmax_diagonal_only": (10, {"jacobian_softmax": 0}, {"missing_off_diagonal"}),
        "score_missing_derivative": (11, {"jacobian_score_z": 0}, {"missing_activation_derivative"}),
    },
    "layers": {
        "emmy": (28, {}, set()),
        "affine_dw_transposed": (27, {"affine_backward": 2}, {"transposed"}),
        "affine_db_not_summed": (27, {"affine_backward": 2}, {"not_summed_over_N"}),
        "relu_mask_from_dout": (26, {"relu_backward": 0}, {"mask_from_upstream"}),
        "softmax_sum_not_mean": (26, {"softmax_loss": 0}, {"scaled_by_N"}),
        "batchnorm_no_mean_terms": (27, {"batchnorm_backward": 2}, {"batch_statistics_as_constants"}),
        # a wrong forward is charged once: its backward is right for the mask it was given
        "dropout_not_inverted": (27, {"dropout_forward": 0}, {"dropout_not_inverted", "cascade"}),
        # the mask of one meaning of p and the scale of the other: neither accepted convention
        "dropout_p_mixed": (27, {"dropout_forward": 0}, {"dropout_p_mixed", "cascade"}),
        # p the probability of dropping a unit: an accepted convention (p_drop), full marks
        "dropout_p_drop_convention": (28, {}, set()),
        "conv_dx_padded": (27, {"conv_backward_naive": 2}, {"padding_not_removed"}),
        "maxpool_whole_window": (26, {"max_pool_backward_naive": 0}, {"gradient_to_whole_window"}),
        "svm_loss_matrix": (28, {}, set()),
        # numerical derivatives: right values, flagged without cost (derived_gradients = "flag", the default)
        "affine_finite_differences": (28, {}, {"numerical_gradient"}),
        "softmax_complex_step": (28, {}, {"numerical_gradient"}),
        # found only where conv_param and pool_param vary per case: pad 0, overlapping and non-square windows
        "conv_pad_minus_slice": (27, {"conv_backward_naive": 2}, {"padding_cut_with_minus_pad"}),
        "conv_square_filter": (26, {"conv_forward_naive": 0}, {"filter_height_for_width"}),
        "maxpool_window_assigned": (26, {"max_pool_backward_naive": 0}, {"window_gradient_assigned"}),
        "maxpool_max_assigned": (26, {"max_pool_backward_naive": 0}, {"max_gradient_assigned"}),
        "maxpool_square_window": (27, {"max_pool_forward_naive": 0}, set()),
    },
    "deep_network": {
        "katherine": (21, {}, set()),
        "activation_not_derivative": (12, {"linear_activation_backward": 0, "L_model_backward": 0},
                                      {"activation_for_derivative"}),
        "missing_one_over_m": (13, {"linear_backward": 1, "linear_activation_backward": 1, "L_model_backward": 2},
                               {"scaled_by_m"}),
        "db_not_summed": (17, {"linear_backward": 2, "linear_activation_backward": 2, "L_model_backward": 4},
                          {"db_not_summed"}),
        "keepdims_forgotten": (17, {"linear_backward": 2, "linear_activation_backward": 2, "L_model_backward": 4},
                               {"missing_axis"}),
        "caches_wrong_order": (15, {"L_model_backward": 0}, set()),
        "dal_sign_flipped": (15, {"L_model_backward": 0}, {"sign_flipped"}),
        "relu_mask_from_a": (14, {"linear_activation_backward": 0, "L_model_backward": 2},
                             {"relu_mask_from_activation"}),
    },
    "word2vec": {
        "hedy": (11, {}, set()),
        "center_grad_row_vector": (10, {"naiveSoftmaxLossAndGradient": 2}, {"extra_axis"}),
        # skipgram is graded on a stand-in loss: a naive softmax's mistake is charged there alone
        "outside_grad_one_row": (10, {"naiveSoftmaxLossAndGradient": 2}, {"only_true_outside_row", "cascade"}),
        "softmax_center_sign": (10, {"naiveSoftmaxLossAndGradient": 2}, {"sign_flipped", "cascade"}),
        "skipgram_compensates_transpose": (7, {"naiveSoftmaxLossAndGradient": 2, "skipgram": 0},
                                           {"transposed", "compensates"}),
        "negsamp_no_minus": (8, {"negSamplingLossAndGradient": 0}, {"negative_sample_sign"}),
        "negsamp_repeats_overwritten": (10, {"negSamplingLossAndGradient": 2}, {"repeated_negatives_overwritten"}),
        "skipgram_overwrite": (10, {"skipgram": 2}, {"window_gradients_overwritten"}),
        "numpy1_only": (8, {"naiveSoftmaxLossAndGradient": 0}, {"cascade"}),
        "loss_one_element": (11, {}, set()),
    },
    # packages (cs231n/classifiers/fc_net.py with the student's own layers); networks as classes
    "fc_net": {
        "grace": (34, {}, set()),
        "relu_mask_from_upstream": (32, {"two_layer_loss": 3}, {"relu_mask_from_upstream"}),
        "grads_keyed_dw": (30, {"two_layer_loss": 1}, {"keyed_differently"}),
        "reg_missing_from_grads": (32, {"two_layer_loss": 3}, {"reg_missing_from_gradient"}),
        "reg_counted_twice": (32, {"two_layer_loss": 3}, {"reg_counted_twice"}),
        "b2_gradient_missing": (33, {"two_layer_loss": 4}, {"derivative_missing"}),
        # a broken layer costs its own points, and the networks' checks that fail with it name it
        # (with batch normalisation, 3 of fc_bn_loss's 11 outputs: grads b1, b2 and b3)
        "affine_db_first_row": (26.909091, {"affine_backward": 2, "two_layer_loss": 3, "fc_loss": 4,
                                            "fc_bn_loss": 2.909091}, {"uses_failing"}),
        "dropout_on_at_test": (32, {"fc_scores": 0}, {"dropout_at_test_time"}),
        # batch normalisation left in training mode by loss(X): the batch's own statistics at test time
        "batchnorm_train_at_test": (32, {"fc_bn_scores": 0}, {"batchnorm_at_test_time"}),
        # one cache for every layer: the backward pass fails on the first layer, in the student's layer_utils,
        # and the error names the cache the network reused
        "cache_reused": (23, {"fc_loss": 0, "fc_bn_loss": 0}, {"cache_reused"}),
        # the constructor's weights checked by their scale, whatever its random numbers
        "weights_unscaled": (33.5, {"two_layer_init": 0.5}, {"initial_scale"}),
    },
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def graded(request, tmp_path_factory):
    return request.param, bundled_grades(request.param, tmp_path_factory.mktemp(request.param))


def test_every_bundled_submission_is_expected(graded):
    name, submissions = graded
    assert set(submissions) == set(EXPECTED[name])


def test_each_submission_gets_its_verdict(graded):
    name, submissions = graded
    for student, (score, kept, codes) in EXPECTED[name].items():
        s = submissions[student]
        assert s["score"] == score, student
        short = {f["name"]: f["score"] for f in s["functions"] if f["score"] < f["max_score"]}
        assert short == kept, student
        found = {c["diagnosis"] for f in s["functions"] for c in f["checks"] if c["diagnosis"]}
        assert codes <= found, (student, found)


# assignment -> student -> {(function, check, note code, output)}: forms of an answer judged on their values
NOTED = {
    "layers": {"svm_loss_matrix": {("svm_loss", "returns", "ndarray_subclass", "dx")}},
    # (skipgram sums the stand-in loss's scalars: its own loss is a plain number)
    "word2vec": {"loss_one_element": {("naiveSoftmaxLossAndGradient", "loss shape", "size_one_scalar", "loss")}},
}


def test_forms_judged_on_their_values_are_noted(graded):
    """np.matrix values and a loss of shape (1,) keep their points, and the
    report says, as data on the check, which form each output took."""
    name, submissions = graded
    for student, s in submissions.items():
        found = {(f["name"], c["name"], n["code"], n["output"])
                 for f in s["functions"] for c in f["checks"] if c["visibility"] == "public" for n in c["notes"]}
        assert found == NOTED.get(name, {}).get(student, set()), student
    if name == "layers":
        [note] = [n for f in submissions["svm_loss_matrix"]["functions"] for c in f["checks"] for n in c["notes"]][:1]
        assert note["type"] == "numpy.matrix" and note["masked"] is None
    if name == "word2vec":
        shapes = {tuple(n["shape"]) for f in submissions["loss_one_element"]["functions"]
                  for c in f["checks"] for n in c["notes"]}
        assert shapes == {(1,)}


# (assignment, student) -> the functions flagged as numerical derivatives; no other is
NUMERICAL = {("layers", "affine_finite_differences"): {"affine_backward"},
             ("layers", "softmax_complex_step"): {"softmax_loss"}}


def test_only_the_numerical_derivatives_are_flagged_and_the_flag_costs_nothing(graded):
    name, submissions = graded
    for student, s in submissions.items():
        flags = [(f["name"], c) for f in s["functions"] for c in f["checks"]
                 if c["diagnosis"] == "numerical_gradient"]
        assert {function for function, _ in flags} == NUMERICAL.get((name, student), set()), student
        for _, c in flags:
            assert c["status"] == "failed" and not c["scored"] and c["explanation"], c


# deep_network: student -> the diagnosis of every output that loses points, by (function, output);
# each key of L_model_backward's grads dictionary is judged, scored and diagnosed on its own
DB = ('grads["db1"]', 'grads["db2"]', 'grads["db3"]')
ALL_GRADS = ('grads["dA0"]', 'grads["dA1"]', 'grads["dA2"]', 'grads["dW1"]', 'grads["dW2"]', 'grads["dW3"]') + DB
BELOW_THE_SIGMOID = ('grads["dA0"]', 'grads["dA1"]', 'grads["dW1"]', 'grads["dW2"]', 'grads["db1"]', 'grads["db2"]')
LAYER = ("dA_prev", "dW", "db")
DEEP_DIAGNOSES = {
    "activation_not_derivative": {**{("linear_activation_backward", o): "activation_for_derivative" for o in LAYER},
                                  **{("L_model_backward", o): "activation_for_derivative" for o in ALL_GRADS}},
    "missing_one_over_m": {**{(f, o): "scaled_by_m" for f in ("linear_backward", "linear_activation_backward")
                              for o in ("dW", "db")},
                           **{("L_model_backward", o): "scaled_by_m" for o in ALL_GRADS if "dA" not in o}},
    "db_not_summed": {("linear_backward", "db"): "db_not_summed", ("linear_activation_backward", "db"): "db_not_summed",
                      **{("L_model_backward", o): "db_not_summed" for o in DB}},
    "keepdims_forgotten": {("linear_backward", "db"): "missing_axis", ("linear_activation_backward", "db"): "missing_axis",
                           **{("L_model_backward", o): "missing_axis" for o in DB}},
    "dal_sign_flipped": {("L_model_backward", o): "sign_flipped" for o in ALL_GRADS},
    "relu_mask_from_a": {**{("linear_activation_backward", o): "relu_mask_from_activation" for o in LAYER},
                         **{("L_model_backward", o): "relu_mask_from_activation" for o in BELOW_THE_SIGMOID}},
}


def test_each_key_of_a_dict_of_gradients_is_diagnosed_on_its_own(graded):
    name, submissions = graded
    if name != "deep_network":
        return
    for student, expected in DEEP_DIAGNOSES.items():
        failed = {(f["name"], c["output"]): c["diagnosis"] for f in submissions[student]["functions"]
                  for c in f["checks"] if c["scored"] and c["output"] and c["status"] != "passed"
                  and c["visibility"] == "public" and c["diagnosis"]}
        assert failed == expected, student
    # caches consumed from the first layer: the loop asks for a gradient not computed yet, and says where
    [returns] = [c for f in submissions["caches_wrong_order"]["functions"] if f["name"] == "L_model_backward"
                 for c in f["checks"] if c["name"] == "returns"]
    assert returns["status"] == "error"
    assert "for l in range(L - 1)" not in returns["message"] and "KeyError: 'dA1'" in returns["message"]
    assert 'grads["dA" + str(l + 1)]' in returns["message"]


def test_a_network_names_the_failing_layer_it_uses(graded):
    name, submissions = graded
    if name != "fc_net":
        return
    noted = {(f["name"], c["output"]): (c["charged_to"], c["explanation"], c["scored"])
             for f in submissions["affine_db_first_row"]["functions"] for c in f["checks"]
             if c["diagnosis"] == "uses_failing" and c["visibility"] == "public"}
    assert set(noted) == {("two_layer_loss", 'grads["b1"]'), ("two_layer_loss", 'grads["b2"]'),
                          ("fc_loss", 'grads["b1"]'), ("fc_loss", 'grads["b2"]'), ("fc_loss", 'grads["b3"]'),
                          ("fc_bn_loss", 'grads["b1"]'), ("fc_bn_loss", 'grads["b2"]'), ("fc_bn_loss", 'grads["b3"]')}
    for charged_to, explanation, scored in noted.values():
        assert charged_to == "affine_backward" and scored
        assert explanation.startswith("affine_backward fails its checks; this grads[")
    [returns] = [c for f in submissions["cache_reused"]["functions"] if f["name"] == "fc_loss"
                 for c in f["checks"] if c["name"] == "returns"]
    assert 'File "cs231n/layer_utils.py"' in returns["message"] and "affine_relu_backward(dout, cache)" in returns["message"]
    assert returns["diagnosis"] == "cache_reused" and returns["explanation"].startswith(
        "affine_relu_backward was given the cache of the 2nd of your 2 calls of affine_relu_forward twice")
    others = [(s, f["name"], c["name"]) for s, graded in submissions.items() if s != "cache_reused"
              for f in graded["functions"] for c in f["checks"] if c["diagnosis"] == "cache_reused"]
    assert others == []


def test_a_file_for_numpy_1_only_is_told_so(graded):
    name, submissions = graded
    if "numpy1_only" not in submissions:
        return  # only word2vec bundles one
    messages = [c["message"] for f in submissions["numpy1_only"]["functions"] for c in f["checks"]]
    assert any("works on numpy 1.x only" in m and "np.float" in m for m in messages)


@pytest.mark.parametrize("name", sorted(EXPECTED) + ["ner_window"])
def test_the_published_public_cases_are_up_to_date(name):
    """self-check refuses a public.json made for another version of the spec:
    every bundled one must have been published again after its spec changed."""
    a = Assignment(ROOT / "assignments" / name)
    cases = a.published_source().cases(PUBLIC, 0)
    assert len(cases) == a.spec.cases.public


def test_products_of_one_upstream_share_their_calls(tmp_path):
    """affine_backward's dx, dw and db are three products of one dout: the
    calls that test them on a second dout, and their structure, are made once
    for the three, and each output is judged on them as before (full marks)."""
    source = (ROOT / "submissions" / "layers" / "emmy.py").read_text()
    counted = tmp_path / "emmy.py"
    counted.write_text(source + '''

_affine_backward = affine_backward


def affine_backward(dout, cache):
    print("affine_backward called")
    return _affine_backward(dout, cache)
''')
    done = run_cli("grade", str(counted), "--assignment", "layers", "--out", str(tmp_path / "out"), timeout=600)
    assert done.returncode == 0, done.stderr
    [s] = json.loads(replay_grades(tmp_path / "out", "layers").read_text())["submissions"]
    spec = Assignment(ROOT / "assignments" / "layers").spec
    cases = spec.cases.public + spec.cases.hidden
    # per case: the call and one call on another dout; on each group's first case, three more (linearity, zero,
    # repeatability); three products would triple the last two if each made its own
    assert (s["output"] + s["hidden_output"]).count("affine_backward called") == 2 * cases + 3 * 2
    assert s["score"] == s["max_score"] == 28
