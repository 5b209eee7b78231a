"""Parameter dicts for the layers' test-time checks, built per case."""
import numpy as np


def batchnorm_test_param(M, seed):
    """bn_param at test time: running averages as training would have left them."""
    rng = np.random.default_rng(seed)
    return {"mode": "test", "eps": 1e-5, "momentum": 0.9,
            "running_mean": rng.normal(0.0, 0.5, size=M), "running_var": rng.uniform(0.5, 2.0, size=M)}
